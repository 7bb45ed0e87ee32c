"""Regression: code-finder took minutes on the rdflib engine because two label patterns came after an OPTIONAL.
Patterns that follow an OPTIONAL in a group form a basic graph pattern of their own, joined to it afterwards;
rdflib evaluates that pattern unbound (every label times every label) before the join. No catalogue query may
have a basic graph pattern joined after a left join."""

from __future__ import annotations

from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.parserutils import CompValue

from cptkg.query.catalogue import catalogue, load_query


def joins_after_optional(node: object) -> int:
    if isinstance(node, CompValue):
        found = int(
            node.name == "Join"
            and getattr(node.get("p1"), "name", None) == "LeftJoin"
            and getattr(node.get("p2"), "name", None) == "BGP"
            and len(node["p2"].get("triples") or []) > 1
        )
        return found + sum(joins_after_optional(v) for v in node.values())
    if isinstance(node, (list, tuple)):
        return sum(joins_after_optional(v) for v in node)
    return 0


def test_no_catalogue_query_joins_patterns_after_an_optional():
    offenders = {}
    for spec in catalogue():
        algebra = prepareQuery(load_query(spec.name).text).algebra
        count = joins_after_optional(algebra)
        if count:
            offenders[spec.name] = count
    assert offenders == {}
