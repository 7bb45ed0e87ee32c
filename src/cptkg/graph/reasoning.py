"""The OWL RL closure of the graph, completed by the project's rules, with reasoner noise removed."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

import owlrl
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS

from ..namespaces import BASE
from ..resources import ontology_dir

_REFLEXIVE_NOISE = {OWL.sameAs, OWL.equivalentClass, OWL.equivalentProperty, RDFS.subClassOf, RDFS.subPropertyOf}
_TRIVIAL_TYPES = {OWL.Thing, RDFS.Resource, OWL.NamedIndividual}


def rule_queries(root: Path | None = None) -> list[str]:
    """The SPARQL CONSTRUCT rules that complete the OWL RL closure (ontology/rules/*.rq)."""
    rules = (root or ontology_dir()) / "rules"
    return [p.read_text(encoding="utf-8") for p in sorted(rules.glob("*.rq"))]


def _owlrl_closure(graph: Graph) -> None:
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics, axiomatic_triples=False, datatype_axioms=False).expand(graph)


def _is_noise(s: object, p: object, o: object) -> bool:
    if p in _REFLEXIVE_NOISE and s == o:
        return True
    if p == RDF.type and o in _TRIVIAL_TYPES:
        return True
    if p in (RDFS.subClassOf, RDFS.domain, RDFS.range) and o == OWL.Thing:
        return True
    if o == OWL.Nothing or s == OWL.Nothing:
        return True
    return isinstance(s, Literal)


def _is_ours(s: object) -> bool:
    return isinstance(s, URIRef) and str(s).startswith(BASE)


def infer(asserted: Graph, rules: Iterable[str] | None = None) -> Graph:
    """The asserted graph plus what the reasoner derives about the project's own nodes.

    Derived triples are kept only when their subject is an IRI under https://w3id.org/cptkg/: the closure of
    the reused vocabularies (SKOS, PROV, OWL) is noise to a user. Reflexive sameAs/equivalence/subclass triples
    and owl:Thing typing are dropped.
    """
    rule_texts = list(rules if rules is not None else rule_queries())
    work = Graph()
    for triple in asserted:
        work.add(triple)
    _owlrl_closure(work)
    while True:
        added = 0
        for text in rule_texts:
            derived: Any = list(work.query(text))  # CONSTRUCT results iterate as (s, p, o)
            for s, p, o in derived:
                if (s, p, o) not in work:
                    work.add((s, p, o))
                    added += 1
        if not added:
            break
        _owlrl_closure(work)
    result = Graph()
    for triple in asserted:
        result.add(triple)
    for s, p, o in work:
        if (s, p, o) in asserted:
            continue
        if _is_ours(s) and not _is_noise(s, p, o) and not isinstance(o, BNode):
            result.add((s, p, o))
    return result
