"""Every shape with constraints of its own fires, alone, in a fixture of its own: its twin.

A rule's invalid fixture (tests/test_shapes.py) shows that the rule fails somewhere, not that each of its property
shapes works. The twin of a shape is tests/fixtures/twins/<Name>.ttl, or tests/fixtures/invalid/<Name>.ttl when the
shape is itself a rule whose invalid fixture fires it alone. Added to the fixture world, a twin makes pyshacl report
results of its shape and of no other shape (not even a sibling property shape of the same rule), each with a message
whose placeholders are all filled in.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import RDF, SH

from cptkg.validation.report import parse_report

from .shape_world import FIXTURES, all_shapes, fast_report, twin_report, world

SHAPES_NS = "https://w3id.org/cptkg/shapes#"
TWINS = FIXTURES / "twins"

# The parameters of the SHACL Core and SHACL-SPARQL constraint components: a shape with one of them checks
# something itself.
CONSTRAINT_PARAMETERS = frozenset(
    SH[name]
    for name in (
        "class",
        "datatype",
        "nodeKind",
        "minCount",
        "maxCount",
        "minExclusive",
        "minInclusive",
        "maxExclusive",
        "maxInclusive",
        "minLength",
        "maxLength",
        "pattern",
        "flags",
        "languageIn",
        "uniqueLang",
        "equals",
        "disjoint",
        "lessThan",
        "lessThanOrEquals",
        "not",
        "and",
        "or",
        "xone",
        "node",
        "qualifiedValueShape",
        "qualifiedValueShapesDisjoint",
        "qualifiedMinCount",
        "qualifiedMaxCount",
        "closed",
        "ignoredProperties",
        "hasValue",
        "in",
        "sparql",
    )
)
# The other SHACL terms a named shape may carry: its targets and path, what its results say, and sh:property, which
# hands the focus nodes on to a named property shape (that shape has its own twin).
OTHER_PARAMETERS = frozenset(
    SH[name]
    for name in (
        "targetClass",
        "targetNode",
        "targetSubjectsOf",
        "targetObjectsOf",
        "path",
        "property",
        "severity",
        "message",
        "name",
        "description",
        "order",
        "group",
        "defaultValue",
        "deactivated",
    )
)

# No fixture can make these shapes fire, because a fixture only adds triples to the world: each is a sh:minCount
# (and nothing else) on the ontology header, whose one focus node (sh:targetNode of OntologyHeaderShape) already has
# the value in the world's ontology/cptkg.ttl. They have no twin; each is shown to fire alone when its value is
# taken out of the world instead (test_header_shape_fires_alone_without_its_value).
HEADER_SHAPE = URIRef(SHAPES_NS + "OntologyHeaderShape")
TARGETS = frozenset((SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf))
WITHOUT_HEADER_VALUE = (
    "OntologyCreatorShape",
    "OntologyDescriptionShape",
    "OntologyLicenseShape",
    "OntologyPrefixShape",
    "OntologyTitleShape",
)


def named_shapes(shapes: Graph) -> set[URIRef]:
    found = set(shapes.subjects(RDF.type, SH.NodeShape)) | set(shapes.subjects(RDF.type, SH.PropertyShape))
    found |= set(shapes.objects(None, SH.property))
    return {shape for shape in found if isinstance(shape, URIRef) and str(shape).startswith(SHAPES_NS)}


def own_constraint_shapes(shapes: Graph) -> dict[str, URIRef]:
    """The named shapes with constraints of their own, by local name."""
    return {
        str(shape)[len(SHAPES_NS) :]: shape
        for shape in named_shapes(shapes)
        if any(p in CONSTRAINT_PARAMETERS for p in shapes.predicates(shape, None))
    }


OWN = own_constraint_shapes(all_shapes())
TWINNED = sorted(set(OWN) - set(WITHOUT_HEADER_VALUE))


def twin_path(name: str) -> Path:
    twin = TWINS / f"{name}.ttl"
    return twin if twin.is_file() else FIXTURES / "invalid" / f"{name}.ttl"


def assert_fires_alone(name: str, data: Graph, report: Graph) -> None:
    results = parse_report(report, data, all_shapes())
    assert results, f"{name}: its twin passed"
    assert {r.shape for r in results} == {f"cptkg-shapes:{name}"}, [(r.shape, r.message) for r in results]
    for result in results:
        assert result.message, f"{name}: a result without a message"
        assert "{?" not in result.message and "{$" not in result.message, result.message


def test_every_parameter_of_a_named_shape_is_known():
    """A SHACL parameter this file does not know could be a constraint whose shape then goes without a twin."""
    shapes = all_shapes()
    for shape in named_shapes(shapes):
        parameters = {p for p in shapes.predicates(shape, None) if str(p).startswith(str(SH))}
        known = CONSTRAINT_PARAMETERS | OTHER_PARAMETERS
        assert parameters <= known, (shape, parameters - known)


def test_every_shape_with_its_own_constraints_has_a_twin():
    assert OWN, "no shape with constraints of its own"
    missing = [name for name in TWINNED if not twin_path(name).is_file()]
    assert not missing, f"shapes without a twin (tests/fixtures/twins/<Name>.ttl): {missing}"
    twins = {path.stem for path in TWINS.glob("*.ttl")}
    assert twins <= set(TWINNED), f"twins of no shape with constraints of its own: {twins - set(TWINNED)}"
    for path in TWINS.glob("*.ttl"):
        assert path.read_text(encoding="utf-8").startswith("# "), f"{path.name}: no comment saying what is wrong"


@pytest.mark.parametrize("name", TWINNED)
def test_twin_fires_its_shape_only(name):
    path = twin_path(name)
    assert path.is_file(), f"{name}: no twin"
    data, report = twin_report(path)
    assert_fires_alone(name, data, report)


@pytest.mark.parametrize("name", WITHOUT_HEADER_VALUE)
def test_header_shape_fires_alone_without_its_value(name):
    shapes = all_shapes()
    shape = OWN[name]
    # why no fixture can be its twin: it only counts values, of the header alone, and the world has the value
    assert set(shapes.predicates(shape, None)) & CONSTRAINT_PARAMETERS == {SH.minCount}
    assert not set(shapes.predicates(shape, None)) & TARGETS
    assert set(shapes.subjects(SH.property, shape)) == {HEADER_SHAPE}
    (header,) = shapes.objects(HEADER_SHAPE, SH.targetNode)
    path = shapes.value(shape, SH.path)
    assert (header, path, None) in world()
    assert not (TWINS / f"{name}.ttl").exists()

    data = Graph()
    for triple in world():
        data.add(triple)
    data.remove((header, path, None))
    report = fast_report(data)
    assert_fires_alone(name, data, report)
