"""A code with two notations (the very error a shape reports) was named by whichever notation the parser
happened to read first, so the bulk engine and plain pyshacl disagreed on focus_notation."""

from __future__ import annotations

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import SKOS

from cptkg.validation.report import label_of


def test_label_and_notation_do_not_depend_on_the_order_of_reading():
    code = URIRef("https://w3id.org/cptkg/cpt/0001F")
    one, other = Graph(), Graph()
    for graph, order in ((one, ["0001F", "1F"]), (other, ["1F", "0001F"])):
        for notation in order:
            graph.add((code, SKOS.notation, Literal(notation)))
        graph.add((code, SKOS.prefLabel, Literal("CPT 0001F")))
    assert label_of(one, code) == label_of(other, code) == ("CPT 0001F", "0001F")
