"""Ontology hygiene: every term declared, labelled and defined, every fact sourced, versions in step,
and no AMA descriptor text."""

from __future__ import annotations

import re
from pathlib import Path

from rdflib import BNode, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SKOS, XSD

from cptkg.namespaces import BASE, CPTKG, VANN
from cptkg.resources import ontology_dir
from cptkg.version import __version__

from .conftest import require_shared

DECLARATION_TYPES = {OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty}


def test_every_cptkg_term_used_is_declared(graph):
    declared = {s for s in graph.subjects(RDF.type, None) if isinstance(s, URIRef) and str(s).startswith(str(CPTKG))}
    used = {t for triple in graph for t in triple if isinstance(t, URIRef) and str(t).startswith(str(CPTKG))}
    assert used - declared == set()


def test_every_class_and_property_has_one_label_and_one_definition(graph):
    for kind in DECLARATION_TYPES:
        for term in graph.subjects(RDF.type, kind):
            if not str(term).startswith(str(CPTKG)):
                continue
            assert len(list(graph.objects(term, RDFS.label))) == 1, term
            assert len(list(graph.objects(term, SKOS.definition))) == 1, term


def test_ontology_header_is_complete_and_versions_agree(graph):
    onto = URIRef(BASE + "ontology")
    assert (onto, RDF.type, OWL.Ontology) in graph
    for prop in (
        DCTERMS.title,
        DCTERMS.description,
        DCTERMS.license,
        DCTERMS.creator,
        OWL.versionIRI,
        OWL.versionInfo,
        VANN.preferredNamespacePrefix,
    ):
        assert graph.value(onto, prop) is not None, prop
    assert str(graph.value(onto, OWL.versionInfo)) == __version__
    assert str(graph.value(onto, OWL.versionIRI)) == f"{BASE}releases/{__version__}/cptkg.ttl"
    assert str(graph.value(onto, VANN.preferredNamespacePrefix)) == "cptkg"


def fact_nodes(graph):
    """Every typed node of the project's namespaces except sources and the TBox itself."""
    for node, cls in graph.subject_objects(RDF.type):
        if not isinstance(node, URIRef) or not str(node).startswith(BASE):
            continue
        if str(node).startswith(str(CPTKG)) and cls in DECLARATION_TYPES | {
            OWL.TransitiveProperty,
            OWL.FunctionalProperty,
            OWL.InverseFunctionalProperty,
            OWL.SymmetricProperty,
        }:
            continue
        if cls == CPTKG.Source or node == URIRef(BASE + "ontology"):
            continue
        yield node


def test_every_fact_node_is_derived_from_a_declared_source(graph):
    sources = set(graph.subjects(RDF.type, CPTKG.Source))
    nodes = set(fact_nodes(graph)) - sources
    assert len(nodes) > 300
    for node in nodes:
        cited = set(graph.objects(node, PROV.wasDerivedFrom))
        assert cited, f"{node} has no prov:wasDerivedFrom"
        assert cited <= sources, f"{node} cites undeclared sources {cited - sources}"


def test_every_source_has_a_title_and_a_kind(graph):
    for source in graph.subjects(RDF.type, CPTKG.Source):
        assert graph.value(source, DCTERMS.title) is not None, source
        assert graph.value(source, CPTKG.sourceKind) is not None, source


def test_blank_nodes_only_in_owl_axioms(graph):
    for s, p, _o in graph:
        if isinstance(s, BNode):
            assert p in (RDF.first, RDF.rest), (s, p)


def test_every_node_of_ours_has_one_english_label(graph):
    for node in set(fact_nodes(graph)):
        labels = [lbl for lbl in graph.objects(node, SKOS.prefLabel) if isinstance(lbl, Literal)]
        if (node, RDF.type, CPTKG.FeeScheduleEntry) in graph or labels:
            assert len(labels) == 1 and labels[0].language == "en", node


def cms_short_descriptors() -> set[str]:
    """The CMS short descriptors (AMA text) of the codes this graph describes, read from the CMS file."""
    import csv

    path = require_shared("reference/cms/PPRRVU2025_Oct.csv")
    codes = {
        "44360",
        "44361",
        "44363",
        "44364",
        "44365",
        "44366",
        "44369",
        "44370",
        "44372",
        "44373",
        "44376",
        "44377",
        "44378",
        "44379",
        "44799",
        "88305",
        "99152",
        "99153",
    }
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return {row[2].strip() for row in csv.reader(handle) if row and row[0] in codes and row[2].strip()}


def test_no_cpt_descriptor_text_in_the_ontology():
    texts = "\n".join(p.read_text(encoding="utf-8") for p in Path(ontology_dir()).rglob("*.ttl"))
    for descriptor in cms_short_descriptors():
        assert descriptor not in texts, f"AMA short descriptor copied: {descriptor!r}"
    # the wording of the long descriptors that coding sites publish
    for phrase in (
        "Small intestinal endoscopy, enteroscopy beyond second portion of duodenum",
        "not including ileum; with removal of tumor",
        "by hot biopsy forceps or bipolar cautery",
    ):
        assert phrase.lower() not in texts.lower(), phrase
    assert not re.search(r"Small bowel endoscopy|S bowel endoscope", texts)


def test_deprecation_terms_are_declared_as_annotations(graph):
    """A retired code is owl:deprecated true, cptkg:deprecatedIn its release, dcterms:isReplacedBy its successors
    (docs/deprecation.md); all annotations, so they fit any retired term without touching the logic."""
    assert (CPTKG.deprecatedIn, RDF.type, OWL.AnnotationProperty) in graph
    assert graph.value(CPTKG.deprecatedIn, RDFS.range) == XSD.string
    assert (DCTERMS.isReplacedBy, RDF.type, OWL.AnnotationProperty) in graph
    assert (OWL.deprecated, RDF.type, None) not in graph  # built into OWL 2, never declared
