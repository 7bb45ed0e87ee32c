"""The reasoner derives the transitive segment order and each extent's possible distal ends and examined segments."""

from __future__ import annotations

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF

from cptkg.graph.reasoning import infer
from cptkg.namespaces import ANAT, CPTKG
from cptkg.resources import ontology_dir

pytestmark = pytest.mark.slow  # builds, the reasoner or real servers: seconds a test

CHAIN = [
    "esophagus",
    "stomach",
    "duodenum-part-1",
    "duodenum-part-2",
    "duodenum-part-3",
    "duodenum-part-4",
    "jejunum",
    "ileum",
]


# what the extent rules read: the TBox, the segment chain and the codes with their extents (the reasoner's
# derivations about extents depend on nothing else, and on these it takes seconds, not a minute)
EXTENT_SOURCES = (
    "cptkg.ttl",
    "anatomy.ttl",
    "vocabulary.ttl",
    "codes/enteroscopy.ttl",
    "codes/egd.ttl",
    "codes/related.ttl",
)


@pytest.fixture(scope="module")
def extent_graph() -> Graph:
    graph = Graph()
    for name in EXTENT_SOURCES:
        graph.parse(ontology_dir() / name, format="turtle")
    return graph


def test_transitive_order_and_its_inverse(inferred):
    for i, earlier in enumerate(CHAIN):
        for later in CHAIN[i + 1 :]:
            assert (ANAT[earlier], CPTKG.proximalTo, ANAT[later]) in inferred
            assert (ANAT[later], CPTKG.distalTo, ANAT[earlier]) in inferred
        assert (ANAT[earlier], CPTKG.proximalTo, ANAT[earlier]) not in inferred


def test_partonomy_is_transitive(inferred):
    assert (ANAT["duodenum-part-3"], CPTKG.partOf, ANAT["small-intestine"]) in inferred
    assert (ANAT["small-intestine"], CPTKG.hasPart, ANAT["duodenum-part-1"]) in inferred


def test_extent_segments_are_derived_from_the_limits(extent_graph):
    """Remove every asserted distalEndIn and examines triple: the reasoner puts each one back, and no other."""
    graph = extent_graph
    stripped = Graph()
    for triple in graph:
        if triple[1] not in (CPTKG.distalEndIn, CPTKG.examines):
            stripped.add(triple)
    derived = infer(stripped)
    extents = set(graph.subjects(RDF.type, CPTKG.AnatomicExtent))
    assert len(extents) == 15  # 14 enteroscopy extents and the one of the EGD family
    for extent in extents:
        for prop in (CPTKG.distalEndIn, CPTKG.examines):
            assert set(derived.objects(extent, prop)) == set(graph.objects(extent, prop)), (extent, prop)
    e = URIRef("https://w3id.org/cptkg/cpt/44365/extent")
    # the 50 cm rule (mustReach jejunum) leaves the jejunum alone: the duodenal parts belong to the EGD family
    assert {str(s).rsplit("/", 1)[1] for s in derived.objects(e, CPTKG.distalEndIn)} == {"jejunum"}


def without_derived(graph: Graph, extent: URIRef, *dropped: URIRef) -> Graph:
    changed = Graph()
    for triple in graph:
        if triple[0] == extent and triple[1] in (CPTKG.distalEndIn, CPTKG.examines, *dropped):
            continue
        changed.add(triple)
    return changed


def test_without_the_distance_rule_the_duodenum_comes_back(extent_graph):
    """Drop 44365's mustReach: the third and fourth parts of the duodenum are possible distal ends again (the
    first wave's error), so the requirement is what keeps them out."""
    e = URIRef("https://w3id.org/cptkg/cpt/44365/extent")
    derived = infer(without_derived(extent_graph, e, CPTKG.mustReach))
    assert {str(s).rsplit("/", 1)[1] for s in derived.objects(e, CPTKG.distalEndIn)} == {
        "duodenum-part-3",
        "duodenum-part-4",
        "jejunum",
    }


def test_a_changed_limit_changes_the_derivation(extent_graph):
    """Move 44365's upper limit to the jejunum while it must still reach the jejunum: no segment is left, and
    with the requirement dropped as well only the duodenal parts remain."""
    e = URIRef("https://w3id.org/cptkg/cpt/44365/extent")
    contradictory = without_derived(extent_graph, e, CPTKG.doesNotReach)
    contradictory.add((e, CPTKG.doesNotReach, ANAT.jejunum))
    assert set(infer(contradictory).objects(e, CPTKG.distalEndIn)) == set()
    short = without_derived(extent_graph, e, CPTKG.doesNotReach, CPTKG.mustReach)
    short.add((e, CPTKG.doesNotReach, ANAT.jejunum))
    assert {str(s).rsplit("/", 1)[1] for s in infer(short).objects(e, CPTKG.distalEndIn)} == {
        "duodenum-part-3",
        "duodenum-part-4",
    }


def test_noise_is_removed(inferred):
    assert not any(s == o for s, _, o in inferred.triples((None, OWL.sameAs, None)))
    assert not list(inferred.triples((None, RDF.type, OWL.Thing)))
    assert not list(inferred.triples((None, OWL.equivalentClass, None)))
