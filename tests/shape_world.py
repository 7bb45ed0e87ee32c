"""The fixture world of the shape tests: a small valid graph that each fixture is added to."""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Callable
from functools import cache, lru_cache
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph, URIRef
from rdflib.namespace import RDF, SH

from cptkg import validation
from cptkg.resources import ontology_dir
from cptkg.validation.shape_sets import load_shapes, shape_files

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


def store_of(graph: Graph) -> ox.Store:
    store = ox.Store()
    store.load(graph.serialize(format="nt"), format=ox.RdfFormat.N_TRIPLES)
    return store


def _cached(key: str, compute: Callable[[], Graph]) -> Graph:
    """A report graph kept as N-Triples in the session's cache folder, which every xdist worker shares
    (conftest sets CPTKG_CACHE_DIR before the workers start): a fixture is checked once per session."""
    folder = Path(os.environ["CPTKG_CACHE_DIR"]) / "fixture-reports"
    path = folder / f"{key}.nt"
    if path.exists():
        return Graph().parse(path, format="nt")
    report = compute()
    folder.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=path.name + ".", dir=folder)
    with os.fdopen(handle, "wb") as out:
        out.write(report.serialize(format="nt", encoding="utf-8"))
    os.replace(temporary, path)
    return report


@lru_cache(maxsize=1)
def _inputs_digest() -> bytes:
    """The bytes every report depends on besides the fixture: the world's sources, the shape files and the
    validation engine's code. File bytes, not a serialisation: rdflib labels blank nodes afresh in every
    process, so a digest of the serialised shapes would differ between xdist workers and no worker would
    reuse another's report."""
    files = [ontology_dir() / name for name in WORLD_SOURCES] + [FIXTURES / "base.ttl"]
    files += [path for kind in SHAPE_SETS for path in shape_files(kind)]
    files += sorted((Path(validation.__file__).parent).rglob("*.py"))
    digest = hashlib.sha256()
    for file in files:
        digest.update(str(file).encode() + b"\0" + file.read_bytes() + b"\0")
    return digest.digest()


def _key(path: Path, engine: str) -> str:
    digest = hashlib.sha256(engine.encode() + b"\0" + path.read_bytes() + b"\0" + _inputs_digest())
    return f"{path.parent.name}-{path.stem}-{engine}-{digest.hexdigest()[:16]}"


def fast_report(data: Graph) -> Graph:
    """The SHACL report of a graph with every shape, by the fast engine."""
    from cptkg.validation.bulk import confirm, plans

    shapes = all_shapes()
    return confirm(plans(store_of(data), shapes), lambda: data, shapes)[1]


def report_of(path: Path, engine: str = "bulk") -> tuple[Graph, Graph]:
    """(data, SHACL report) of a fixture added to the world, with every shape: found by the fast engine
    (bulk: the candidates on the store, confirmed by pyshacl) or by plain pyshacl over every node."""
    from cptkg.validation.pyshacl_engine import run_shapes

    data = with_fixture(path)
    shapes = all_shapes()

    def compute() -> Graph:
        if engine == "pyshacl":
            return run_shapes(data, shapes)[1]
        return fast_report(data)

    return data, _cached(_key(path, engine), compute)


@cache
def fixture_report(kind: str, rule: str) -> tuple[Graph, Graph]:
    """(data, report) of one fixture with every shape, by the fast engine, computed once a test session."""
    return report_of(FIXTURES / kind / f"{rule}.ttl")


@cache
def plain_fixture_report(kind: str, rule: str) -> tuple[Graph, Graph]:
    """(data, plain pyshacl report) of one fixture: the reference the fast engine is checked against."""
    return report_of(FIXTURES / kind / f"{rule}.ttl", "pyshacl")


@cache
def twin_report(path: Path) -> tuple[Graph, Graph]:
    """(data, report) of one twin fixture (a fixture of tests/fixtures/twins, or an invalid fixture that
    serves as its shape's twin) with every shape, by the fast engine, computed once a test session; an invalid
    fixture's report is the one fixture_report computes, shared with tests/test_shapes.py."""
    if path.parent == FIXTURES / "invalid":
        return fixture_report("invalid", path.stem)
    return report_of(path)


NAMES_AND_KINDS = [
    (kind, path.stem) for kind in ("valid", "invalid") for path in sorted((FIXTURES / kind).glob("*.ttl"))
]

# Plain pyshacl is checked against the fast engine on a fixed sample of the fixtures (every twelfth, so that
# every run checks the same ones, valid and invalid alike); the fast engine decides the rest, and Jena
# cross-checks every fixture. The full comparison with pyshacl: CPTKG_FULL_CROSS_CHECK=1.
CROSS_CHECKED = NAMES_AND_KINDS if os.environ.get("CPTKG_FULL_CROSS_CHECK") else NAMES_AND_KINDS[::12]
