"""Regression: code-finder took minutes on the rdflib engine because two label patterns came after an OPTIONAL,
and the audit's service-type shape hung the same way with two label patterns after a UNION. Patterns that follow
an OPTIONAL or a UNION in a group form a basic graph pattern of their own, joined to it afterwards; rdflib
evaluates that pattern unbound (every label times every label) before the join. No catalogue query and no SPARQL
constraint of any shape set may have a basic graph pattern of several triples joined after a left join or a
union."""

from __future__ import annotations

import pytest
from rdflib import Graph, Variable
from rdflib.namespace import SH
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.parserutils import CompValue

from cptkg.query.catalogue import catalogue, load_query
from cptkg.validation.shape_sets import load_shapes


def disconnected_patterns(node: object) -> int:
    """Basic graph patterns below `node` whose triple patterns share no variable in two or more groups: evaluated
    unbound, such a pattern is the cross product of its groups' matches."""
    if isinstance(node, CompValue):
        own = 0
        if node.name == "BGP":
            groups: list[set[object]] = []
            for triple in node.get("triples") or []:
                names = {term for term in triple if isinstance(term, Variable)}
                touching = [g for g in groups if g & names]
                for g in touching:
                    groups.remove(g)
                    names |= g
                groups.append(names)
            own = int(len(groups) > 1)
        return own + sum(disconnected_patterns(v) for v in node.values())
    if isinstance(node, (list, tuple)):
        return sum(disconnected_patterns(v) for v in node)
    return 0


def joins_after_a_split(node: object) -> int:
    """Joins whose right side rdflib evaluates unbound as a cross product. rdflib joins lazily (the right side
    evaluated once per solution of the left, with its bindings) only when no join lies below; any other join
    evaluates its right side on its own."""
    if isinstance(node, CompValue):
        found = int(node.name == "Join" and not node.get("lazy") and disconnected_patterns(node.get("p2")) > 0)
        return found + sum(joins_after_a_split(v) for v in node.values())
    if isinstance(node, (list, tuple)):
        return sum(joins_after_a_split(v) for v in node)
    return 0


def test_the_check_finds_the_shape_that_hung():
    # the service-type constraint as it was: two label patterns after the UNION
    hung = """SELECT * WHERE { ?this ?p ?claimed .
        { ?claimed a ?t . ?value ?q ?curated } UNION { ?claimed a ?u . ?value ?r ?curated }
        ?claimed <http://www.w3.org/2004/02/skos/core#prefLabel> ?claimedLabel .
        ?curated <http://www.w3.org/2004/02/skos/core#prefLabel> ?curatedLabel . }"""
    assert joins_after_a_split(prepareQuery(hung).algebra) == 1


def test_no_catalogue_query_joins_patterns_after_an_optional_or_a_union():
    offenders = {}
    for spec in catalogue():
        count = joins_after_a_split(prepareQuery(load_query(spec.name).text).algebra)
        if count:
            offenders[spec.name] = count
    assert offenders == {}


def sparql_constraints(shapes: Graph) -> list[tuple[str, str]]:
    prefixes = "".join(
        f"PREFIX {shapes.value(d, SH.prefix)}: <{shapes.value(d, SH.namespace)}>\n"
        for d in sorted(set(shapes.objects(None, SH.declare)))
    )
    queries = []
    for predicate in (SH.select, SH.ask):
        for holder, text in shapes.subject_objects(predicate):
            queries.append((str(holder), prefixes + str(text)))
    return sorted(queries)


@pytest.mark.parametrize("kind", ["core", "audit", "qa"])
def test_no_shape_joins_patterns_after_an_optional_or_a_union(kind):
    constraints = sparql_constraints(load_shapes(kind))
    assert len(constraints) >= 8
    offenders = {}
    for holder, text in constraints:
        count = joins_after_a_split(prepareQuery(text).algebra)
        if count:
            offenders[holder] = text
    assert offenders == {}
