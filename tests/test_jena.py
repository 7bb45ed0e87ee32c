"""pyshacl and Jena SHACL give the same results on the shipped graph and on every fixture.

Results are compared as (focus node, path, constraint component): messages are each engine's own, and
blank-node paths are rendered as their structure (^p, (p/q) ...) because their labels differ.
"""

from __future__ import annotations

import os

import pytest
from rdflib import BNode, Graph
from rdflib.namespace import RDF, SH

from cptkg.graph.sources import load_graph
from cptkg.validation import jena
from cptkg.validation.data import ValidationData
from cptkg.validation.shape_sets import load_shapes
from cptkg.validation.validate import check_shapes

from .shape_world import FIXTURES, all_shapes, fixture_report


def path_key(report: Graph, path) -> str:
    if path is None:
        return ""
    if not isinstance(path, BNode):
        return str(path)
    inverse = report.value(path, SH.inversePath)
    if inverse is not None:
        return "^" + path_key(report, inverse)
    for key, sign in ((SH.zeroOrMorePath, "*"), (SH.oneOrMorePath, "+"), (SH.zeroOrOnePath, "?")):
        inner = report.value(path, key)
        if inner is not None:
            return f"({path_key(report, inner)}){sign}"
    alternative = report.value(path, SH.alternativePath)
    if alternative is not None:
        return "(" + "|".join(path_key(report, p) for p in report.items(alternative)) + ")"
    return "(" + "/".join(path_key(report, p) for p in report.items(path)) + ")"


def reduced(report: Graph) -> set[tuple[str, str, str]]:
    return {
        (
            str(report.value(r, SH.focusNode)),
            path_key(report, report.value(r, SH.resultPath)),
            str(report.value(r, SH.sourceConstraintComponent)).rsplit("#", 1)[-1],
        )
        for r in report.subjects(RDF.type, SH.ValidationResult)
    }


@pytest.fixture(scope="module")
def jena_ready():
    if not jena.available():
        if os.environ.get("CPTKG_REQUIRE_SYSTEM_TOOLS"):
            pytest.fail("Jena (libapache-jena-java) or java is missing in CI; .ci/run should install them")
        pytest.skip("Jena not installed (Debian: libapache-jena-java); CI installs it")


@pytest.mark.slow
@pytest.mark.java
def test_same_results_on_the_shipped_graph(jena_ready):
    data = load_graph()
    shipped = ValidationData(parser="oxigraph")
    for kind in ("core", "audit", "qa"):
        shapes = load_shapes(kind)
        _ok, ours = check_shapes(shipped, shapes)  # the fast engine, itself checked against pyshacl
        (theirs,) = jena.validate_many(shapes, [data])
        assert reduced(ours) == reduced(theirs), kind
    # the audit finding is found by both
    assert len(reduced(theirs)) == 0  # qa, the last kind, finds nothing


@pytest.mark.slow
@pytest.mark.java
@pytest.mark.parametrize("kind", ["invalid", "valid"])  # two halves, so that two workers share the work
def test_same_results_on_every_fixture(jena_ready, kind):
    shapes = all_shapes()
    paths = sorted((FIXTURES / kind).glob("*.ttl"))
    computed = [fixture_report(p.parent.name, p.stem) for p in paths]
    theirs = jena.validate_many(shapes, [data for data, _ in computed])
    disagreements = []
    for path, (_data, ours), jena_report in zip(paths, computed, theirs, strict=True):
        if reduced(ours) != reduced(jena_report):
            disagreements.append((path.parent.name, path.stem, reduced(ours) ^ reduced(jena_report)))
        if path.parent.name == "invalid" and not reduced(jena_report):
            disagreements.append((path.parent.name, path.stem, "Jena finds nothing wrong"))
    assert disagreements == []
