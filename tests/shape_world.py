"""The fixture world of the shape tests: a small valid graph that each fixture is added to."""

from __future__ import annotations

from functools import cache, lru_cache
from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.namespace import RDF, SH

from cptkg.resources import ontology_dir
from cptkg.validation import load_shapes

FIXTURES = Path(__file__).resolve().parent / "fixtures"
WORLD_SOURCES = (
    "cptkg.ttl",
    "vocabulary.ttl",
    "medicare/indicators.ttl",
    "modifiers.ttl",
    "sources.ttl",
    "target-systems.ttl",
)
SHAPE_SETS = ("core", "audit", "qa")


@lru_cache(maxsize=1)
def world() -> Graph:
    graph = Graph()
    for name in WORLD_SOURCES:
        graph.parse(ontology_dir() / name, format="turtle")
    graph.parse(FIXTURES / "base.ttl", format="turtle")
    return graph


@lru_cache(maxsize=1)
def all_shapes() -> Graph:
    graph = Graph()
    for kind in SHAPE_SETS:
        for triple in load_shapes(kind):
            graph.add(triple)
    return graph


def rules(shapes: Graph) -> dict[str, set[str]]:
    """Each named shape with a target (a rule), with the named property shapes it owns."""
    targets = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf)
    out: dict[str, set[str]] = {}
    for shape in set(shapes.subjects(RDF.type, SH.NodeShape)) | set(shapes.subjects(RDF.type, SH.PropertyShape)):
        if isinstance(shape, URIRef) and any((shape, t, None) in shapes for t in targets):
            members = {str(shape)} | {str(p) for p in shapes.objects(shape, SH.property)}
            out[str(shape).rsplit("#", 1)[1]] = members
    return out


def with_fixture(path: Path) -> Graph:
    graph = Graph()
    for triple in world():
        graph.add(triple)
    graph.parse(path, format="turtle")
    return graph


@cache
def fixture_report(kind: str, rule: str) -> tuple[Graph, Graph]:
    """(data, pyshacl report) of one fixture with every shape, computed once a test session."""
    from cptkg.validation import run_shapes

    data = with_fixture(FIXTURES / kind / f"{rule}.ttl")
    _ok, report = run_shapes(data, all_shapes())
    return data, report


@cache
def twin_report(path: Path) -> tuple[Graph, Graph]:
    """(data, pyshacl report) of one twin fixture (a fixture of tests/fixtures/twins, or an invalid fixture that
    serves as its shape's twin) with every shape, computed once a test session; an invalid fixture's report is
    the one fixture_report computes, shared with tests/test_shapes.py."""
    if path.parent == FIXTURES / "invalid":
        return fixture_report("invalid", path.stem)
    from cptkg.validation import run_shapes

    data = with_fixture(path)
    _ok, report = run_shapes(data, all_shapes())
    return data, report


NAMES_AND_KINDS = [
    (kind, path.stem) for kind in ("valid", "invalid") for path in sorted((FIXTURES / kind).glob("*.ttl"))
]
