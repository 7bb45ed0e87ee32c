"""The W3C SHACL test suite and pySHACL's DASH tests as a list of cases (see tests/test_shacl_suite.py).

The suites live in ../shared/reference/shacl-test-suite (its README.md says where they come from):

- sht_tests/: W3C manifests. manifest.ttl includes (mf:include) the manifests of each section, down to one
  file per test whose mf:entries list sht:Validate tests, each with mf:action [ sht:dataGraph <file> ;
  sht:shapesGraph <file> ] (usually <>, the test file itself) and mf:result, an expected sh:ValidationReport
  or sht:Failure (a conforming engine must refuse the shapes).
- dash_tests/: one *.test.ttl file per test holding data, shapes and a dash:GraphValidationTestCase whose
  dash:expectedResult is the expected report; the file is both the data and the shapes graph. Its other test
  kinds (dash:InferencingTestCase, dash:QueryTestCase, dash:FunctionTestCase) check rules, queries and
  functions, not validation reports, and are left out.

Every file is read by rdflib with its own file:// URI as base, so relative IRIs (<>, <class-001>) resolve the
same way for every reader.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse
from urllib.request import url2pathname

from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS, SH

MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
SHT = Namespace("http://www.w3.org/ns/shacl-test#")
DASH = Namespace("http://datashapes.org/dash#")


@dataclass(frozen=True)
class Case:
    """One validation test: the data and shapes files, and what the suite expects of them."""

    id: str  # the test file's path in the suite folder and the test's name: sht_tests/core/node/class-001.ttl#class-001
    data: Path
    shapes: Path
    expected_conforms: bool | None  # the expected report's sh:conforms; None for a failure test
    failure: bool  # mf:result sht:Failure: the engine must refuse the shapes
    label: str = ""

    @property
    def same_file(self) -> bool:
        return self.data == self.shapes


def read_graph(path: Path) -> Graph:
    """A Turtle file parsed by rdflib, relative IRIs resolved against the file's own URI."""
    graph = Graph()
    graph.parse(path, format="turtle", publicID=path.resolve().as_uri())
    return graph


def load_cases(root: Path) -> list[Case]:
    """Every case of both suites whose files exist, W3C ones first, each suite in file order."""
    return sht_cases(root) + dash_cases(root)


def sht_cases(root: Path) -> list[Case]:
    """The sht:Validate tests of the W3C manifests, from sht_tests/manifest.ttl through every mf:include."""
    top = root / "sht_tests" / "manifest.ttl"
    if not top.is_file():
        return []
    cases: list[Case] = []
    seen: set[Path] = set()
    pending = [top.resolve()]
    while pending:
        path = pending.pop(0)
        if path in seen or not path.is_file():
            continue
        seen.add(path)
        graph = read_graph(path)
        for manifest in sorted(graph.subjects(RDF.type, MF.Manifest), key=str):
            pending.extend(_path_of(include) for include in graph.objects(manifest, MF.include))
            for entries in graph.objects(manifest, MF.entries):
                for test in Collection(graph, entries):
                    case = _sht_case(root, path, graph, test)
                    if case is not None:
                        cases.append(case)
    return cases


def _sht_case(root: Path, path: Path, graph: Graph, test: Any) -> Case | None:
    if (test, RDF.type, SHT.Validate) not in graph:
        return None
    action = graph.value(test, MF.action)
    data = graph.value(action, SHT.dataGraph)
    shapes = graph.value(action, SHT.shapesGraph)
    if not isinstance(data, URIRef) or not isinstance(shapes, URIRef):
        return None
    data_path, shapes_path = _path_of(data), _path_of(shapes)
    if not (data_path.is_file() and shapes_path.is_file()):
        return None
    result = graph.value(test, MF.result)
    failure = result == SHT.Failure
    expected = None if failure or result is None else _conforms(graph, result)
    label = graph.value(test, RDFS.label)
    return Case(
        id=f"{_relative(root, path)}#{_name(test)}",
        data=data_path,
        shapes=shapes_path,
        expected_conforms=expected,
        failure=failure,
        label=str(label or ""),
    )


def dash_cases(root: Path) -> list[Case]:
    """The dash:GraphValidationTestCase of every dash_tests/**/*.test.ttl; the file is data and shapes."""
    folder = root / "dash_tests"
    cases: list[Case] = []
    for path in sorted(p.resolve() for p in folder.rglob("*.test.ttl")):
        graph = read_graph(path)
        for test in sorted(graph.subjects(RDF.type, DASH.GraphValidationTestCase), key=str):
            expected = graph.value(test, DASH.expectedResult)
            label = graph.value(URIRef(str(test).split("#", 1)[0]), RDFS.label) or graph.value(test, RDFS.label)
            cases.append(
                Case(
                    id=f"{_relative(root, path)}#{_name(test)}",
                    data=path,
                    shapes=path,
                    expected_conforms=None if expected is None else _conforms(graph, expected),
                    failure=False,
                    label=str(label or ""),
                )
            )
    return cases


def _conforms(graph: Graph, report: Any) -> bool | None:
    value = graph.value(report, SH.conforms)
    if not isinstance(value, Literal):
        return None
    return str(value).strip().lower() in ("true", "1")


def _path_of(iri: Any) -> Path:
    parsed = urlparse(str(iri))
    return Path(url2pathname(unquote(parsed.path)))


def _relative(root: Path, path: Path) -> str:
    return path.resolve().relative_to(root.resolve()).as_posix()


def _name(test: Any) -> str:
    """The test's local name: after '#', else after the last '/'."""
    text = str(test)
    return text.rsplit("#", 1)[1] if "#" in text else text.rstrip("/").rsplit("/", 1)[-1]
