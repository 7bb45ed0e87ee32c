"""The graph is a consistent OWL 2 DL ontology: HermiT (owlready2 0.49 on Java) finds no inconsistency and no
unsatisfiable class."""

from __future__ import annotations

import pytest

from .conftest import require_tool


@pytest.mark.slow
@pytest.mark.java
def test_hermit_finds_the_graph_consistent(tmp_path, graph):
    require_tool("java", "HermiT runs on Java")
    owlready2 = pytest.importorskip("owlready2")
    path = tmp_path / "cptkg.nt"
    graph.serialize(path, format="nt", encoding="utf-8")
    world = owlready2.World()
    world.get_ontology(path.as_uri()).load()
    with world:
        owlready2.sync_reasoner_hermit(world, infer_property_values=True, debug=0)
    unsatisfiable = [c for c in world.inconsistent_classes() if c is not owlready2.Nothing]
    assert unsatisfiable == []


@pytest.mark.slow
@pytest.mark.java
def test_hermit_catches_an_inconsistency(tmp_path, graph):
    """The check can fail: a segment both immediately after the stomach and the same as a different one."""
    require_tool("java", "HermiT runs on Java")
    owlready2 = pytest.importorskip("owlready2")
    from rdflib import Graph, URIRef
    from rdflib.namespace import OWL

    broken = Graph()
    for triple in graph:
        broken.add(triple)
    anat = "https://w3id.org/cptkg/anatomy/"
    broken.add((URIRef(anat + "jejunum"), OWL.differentFrom, URIRef(anat + "duodenum-part-1")))
    broken.add(
        (
            URIRef(anat + "stomach"),
            URIRef("https://w3id.org/cptkg/ontology#immediatelyProximalTo"),
            URIRef(anat + "jejunum"),
        )
    )
    path = tmp_path / "broken.nt"
    broken.serialize(path, format="nt", encoding="utf-8")
    world = owlready2.World()
    world.get_ontology(path.as_uri()).load()
    with pytest.raises(owlready2.OwlReadyInconsistentOntologyError), world:
        owlready2.sync_reasoner_hermit(world, infer_property_values=True, debug=0)
