"""Every shape has a valid and an invalid fixture: the valid one conforms to every shape, the invalid one
fails with its own shape and nothing else. The shipped graph conforms; the shapes are valid SHACL."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SH

from cptkg.namespaces import BASE
from cptkg.resources import shapes_dir
from cptkg.validation.pyshacl_engine import run_shapes
from cptkg.validation.report import parse_report
from cptkg.validation.shape_sets import load_shapes, shape_files
from cptkg.validation.validate import validate, validate_qa
from cptkg.version import __version__

from .shape_world import FIXTURES, all_shapes, fixture_report, rules, world

RULES = rules(all_shapes())
NAMES = sorted(RULES)


def results_for(data: Graph):
    _ok, report = run_shapes(data, all_shapes())
    return parse_report(report, data, all_shapes())


def test_every_rule_has_a_valid_and_an_invalid_fixture():
    for kind in ("valid", "invalid"):
        present = {p.stem for p in (FIXTURES / kind).glob("*.ttl")}
        assert present == set(NAMES), f"{kind}: missing {set(NAMES) - present}, unknown {present - set(NAMES)}"


def test_the_fixture_world_conforms():
    assert results_for(world()) == []


def fixture_results(kind: str, rule: str):
    data, report = fixture_report(kind, rule)
    return parse_report(report, data, all_shapes())


@pytest.mark.parametrize("rule", NAMES)
def test_valid_fixture_conforms(rule):
    assert fixture_results("valid", rule) == []


@pytest.mark.parametrize("rule", NAMES)
def test_invalid_fixture_fails_with_its_own_shape_only(rule):
    results = fixture_results("invalid", rule)
    assert results, f"{rule}: the invalid fixture passed"
    own = {"cptkg-shapes:" + iri.rsplit("#", 1)[1] for iri in RULES[rule]}
    assert {r.shape for r in results} <= own, [(r.shape, r.message) for r in results]
    for result in results:
        assert result.message, f"{rule}: a result without a message"
        assert "{?" not in result.message and "{$" not in result.message, result.message
        if rule not in (
            "TermDocumentedShape",
            "DuplicateLabelShape",
            "UndeclaredTermShape",
            "MatchTargetShape",
            "OneExactMatchPerSystemShape",
        ):
            assert "https://" not in result.message, f"{rule}: raw IRI in {result.message!r}"


def test_invalid_messages_name_labels_and_codes():
    by_rule = {
        rule: fixture_results("invalid", rule)
        for rule in (
            "CPTNotationPatternShape",
            "FeeTotalsShape",
            "RuleRespectsIndicatorShape",
            "ExtentBeyondLowerLimitShape",
            "FacilityOnlyNotInOfficeShape",
            "ClaimedModifierExistsShape",
        )
    }
    assert by_rule["CPTNotationPatternShape"][0].message == (
        "CPT code 1003 (fixture code 1003): a CPT code is five characters, four digits and then a digit "
        "(Category I), F (Category II), T (Category III), U (PLA), A or M."
    )
    assert by_rule["FeeTotalsShape"][0].message == (
        "fixture entry entry-x: the facility total is 1.61 but work 1.00 + practice expense 0.50 + "
        "malpractice 0.10 = 1.60."
    )
    assert by_rule["RuleRespectsIndicatorShape"][0].message.startswith(
        "test payer rule lets modifier TC be used on 10002, but the code's PC/TC 0: physician service code forbids it:"
    )
    assert by_rule["ExtentBeyondLowerLimitShape"][0].message == (
        "fixture extent-x: segment B is listed as a possible distal end but is not beyond segment B, "
        "which the extent reaches beyond."
    )
    assert "lists test office (place of service 11) as typical" in by_rule["FacilityOnlyNotInOfficeShape"][0].message
    assert by_rule["ClaimedModifierExistsShape"][0].message == (
        "The source claims modifier 11 (Professional component): 11 is not a modifier, it is place of service 11 "
        "test office; professional component is modifier 26; and 26 is not allowed on 10002 under test payer."
    )


def test_the_shipped_graph_conforms_and_the_audit_finds_modifier_11():
    report = validate()
    assert report.conforms and report.results == []
    assert [(r.severity, r.shape) for r in report.audit] == [
        ("Violation", "cptkg-shapes:ClaimedModifierExistsShape"),
        ("Info", "cptkg-shapes:UnknownClaimShape"),
    ]
    assert report.audit[0].message == (
        "The source claims modifier 11 (Professional component): 11 is not a modifier, it is place of service 11 "
        "Office; professional component is modifier 26; and 26 is not allowed on 44365 under Medicare "
        "(PC/TC 0: physician service code)."
    )
    assert report.audit[0].focus_label.endswith("(line 17)")


def test_the_ontology_passes_its_qa_shapes():
    report = validate_qa()
    assert report.conforms and report.results == []


@pytest.mark.parametrize("kind", ["core", "audit", "qa"])
def test_shapes_are_valid_shacl(kind):
    """Each shapes graph conforms to SHACL-for-SHACL (the shapes graph pySHACL ships from the SHACL spec)."""
    import pyshacl

    meta = Graph().parse(Path(pyshacl.__file__).parent / "assets" / "shacl-shacl.ttl", format="turtle")
    shapes = load_shapes(kind)
    conforms, _report, text = pyshacl.validate(shapes, shacl_graph=meta)
    assert conforms, text
    # every shape that has a target says how bad a violation is and what to do about it
    for shape in set(shapes.subjects(SH.targetClass, None)) | set(shapes.subjects(SH.targetNode, None)):
        assert isinstance(shape, URIRef)
        assert (shape, SH.severity, None) in shapes or (shape, RDF.type, SH.NodeShape) in shapes


# One ontology IRI per shape set (shapes/README.md says why); its version IRI names its header file in a release.
SHAPE_SET_IRIS = {"core": BASE + "shapes", "audit": BASE + "shapes/audit", "qa": BASE + "shapes/qa"}


def named_shapes(shapes: Graph) -> set[URIRef]:
    kinds = (SH.NodeShape, SH.PropertyShape)
    return {s for kind in kinds for s in shapes.subjects(RDF.type, kind) if isinstance(s, URIRef)}


@pytest.mark.parametrize("kind", ["core", "audit", "qa"])
def test_every_named_shape_is_defined_by_its_versioned_shape_set(kind):
    shapes = load_shapes(kind)
    shape_set = URIRef(SHAPE_SET_IRIS[kind])
    # the set declares its own header and no other ontology
    assert set(shapes.subjects(RDF.type, OWL.Ontology)) == {shape_set}
    assert shapes.value(shape_set, DCTERMS.title) is not None
    assert list(shapes.objects(shape_set, OWL.versionInfo)) == [Literal(__version__)]
    version_iris = list(shapes.objects(shape_set, OWL.versionIRI))
    assert len(version_iris) == 1, version_iris
    headers = [p for p in shape_files(kind) if (shape_set, RDF.type, OWL.Ontology) in Graph().parse(p)]
    assert len(headers) == 1, headers
    header_path = headers[0].relative_to(shapes_dir().parent).as_posix()
    assert str(version_iris[0]) == f"{BASE}releases/{__version__}/{header_path}"
    # every named shape of the set is defined by exactly that set
    named = named_shapes(shapes)
    assert named
    defined_by = {s: list(shapes.objects(s, RDFS.isDefinedBy)) for s in named}
    assert {s: d for s, d in defined_by.items() if d != [shape_set]} == {}


def test_no_named_shape_is_defined_by_two_sets():
    shapes = all_shapes()
    for shape in named_shapes(shapes):
        assert len(list(shapes.objects(shape, RDFS.isDefinedBy))) == 1, shape


def test_deprecation_messages_name_the_codes():
    messages = sorted(r.message for r in fixture_results("invalid", "DeprecationConsistentShape"))
    assert messages == sorted(
        [
            "Code 10050 is deprecated but does not say the release that retired it: add one cptkg:deprecatedIn, "
            'such as "2026".',
            "Code 10051 says it was retired in more than one release (also in 2026): a retired code names exactly one "
            "cptkg:deprecatedIn.",
            "Code 10052: the release that retired it is 2026 (xsd:integer), but cptkg:deprecatedIn takes a plain "
            'string such as "2026".',
            "Code 10053 is replaced by 10050, which is itself deprecated: dcterms:isReplacedBy names the current "
            "procedure codes to report instead.",
            "Code 10053 is replaced by 99999, which is not a procedure code of the graph: dcterms:isReplacedBy names "
            "the current procedure codes to report instead.",
            "Code 10054 is not marked owl:deprecated true but gives the release that retired it (cptkg:deprecatedIn): "
            "only a retired code says when it was retired and what replaces it, so mark it deprecated or remove the "
            "statement.",
            "Code 10054 is not marked owl:deprecated true but gives a code that replaces it (dcterms:isReplacedBy): "
            "only a retired code says when it was retired and what replaces it, so mark it deprecated or remove the "
            "statement.",
        ]
    )
