"""The W3C SHACL test suite and pySHACL's DASH tests through cptkg's validation engines, each compared with plain
pyshacl (the reference), case by case: the same conforms and the same results.

The manifests' own expectations are checked against plain pyshacl only, for information: the cases where
pyshacl itself differs from the suite are listed in KNOWN_PYSHACL_FAILURES, and a test keeps that list true.
"""

from __future__ import annotations

import inspect
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import pyshacl
import pytest
import rdflib.plugin
from rdflib import BNode, Graph, URIRef
from rdflib.compare import to_canonical_graph
from rdflib.namespace import RDF, SH
from rdflib.query import Processor

from .conftest import SHARED, require_shared
from .shacl_suite import Case, load_cases, read_graph

SUITE = "reference/shacl-test-suite"
CASES = load_cases(SHARED / SUITE) if (SHARED / SUITE).is_dir() else []
ENGINES = ("bulk", "pyshacl")

# Cases where plain pyshacl 0.40 (inference "none", advanced features on, warnings and infos allowed to
# conform) differs from the suite's expected conforms (or refuses / accepts where the suite says otherwise).
KNOWN_PYSHACL_FAILURES: dict[str, str] = {
    "sht_tests/core/misc/severity-001.ttl#severity-001": "its only result is an sh:Warning: the suite expects "
    "conforms false, pyshacl conforms with warnings allowed",
    "dash_tests/core/misc/severity-001.test.ttl#GraphValidationTestCase": "the DASH copy of severity-001: one "
    "sh:Warning, conforms with warnings allowed",
    "sht_tests/sparql/node/sparql-003.ttl#sparql-003": "its only result is an sh:Warning of a SPARQL constraint: "
    "conforms with warnings allowed",
    "sht_tests/core/property/uniqueLang-002.ttl#uniqueLang-002": 'sh:uniqueLang "1"^^xsd:boolean should not '
    "activate the constraint; rdflib reads it as true, so pyshacl reports the duplicate language",
    "sht_tests/sparql/pre-binding/shapesGraph-001.ttl#shapesGraph-001": "uses $shapesGraph, which pyshacl does "
    "not implement: it refuses the shapes (NotImplementedError)",
}

# What a result is compared by; sh:resultMessage is left out (engines may word it differently).
RESULT_KEYS = (
    SH.focusNode,
    SH.resultPath,
    SH.value,
    SH.sourceShape,
    SH.sourceConstraintComponent,
    SH.resultSeverity,
)
_ROOT = URIRef("urn:x-shacl-suite:bnode")

ResultKey = tuple[str | None, ...]


@dataclass(frozen=True)
class Outcome:
    """What an engine made of a case: refused (why), or conforms and its results (a multiset)."""

    refused: str | None = None
    conforms: bool | None = None
    results: Counter[ResultKey] = field(default_factory=Counter)

    def summary(self) -> str:
        if self.refused:
            return f"refuses ({self.refused})"
        return f"conforms={self.conforms} with {sum(self.results.values())} result(s)"


# ---------------------------------------------------------------- reports compared


def _bnode_form(graph: Graph, node: BNode) -> str:
    """A blank node as its description in the report graph (pyshacl copies the closure of a blank focus node,
    value, shape or path into the report), canonicalised: equal for isomorphic descriptions whatever the ids."""
    closure = Graph()
    seen: set[Any] = set()
    stack: list[Any] = [node]
    while stack:
        subject = stack.pop()
        if subject in seen:
            continue
        seen.add(subject)
        for predicate, obj in graph.predicate_objects(subject):
            closure.add((_ROOT if subject == node else subject, predicate, _ROOT if obj == node else obj))
            if isinstance(obj, BNode):
                stack.append(obj)
    if not len(closure):
        return "_:b"
    lines = to_canonical_graph(closure).serialize(format="nt").splitlines()
    return "_:b[" + " ".join(sorted(line for line in lines if line.strip())) + "]"


def _term_form(graph: Graph, term: Any) -> str | None:
    if term is None:
        return None
    if isinstance(term, BNode):
        return _bnode_form(graph, term)
    return str(term.n3())


def results_of(report: Graph) -> Counter[ResultKey]:
    """Every sh:result of a report as (focusNode, resultPath, value, sourceShape, component, severity)."""
    found: Counter[ResultKey] = Counter()
    for result in set(report.objects(None, SH.result)):
        found[tuple(_term_form(report, report.value(result, key)) for key in RESULT_KEYS)] += 1
    return found


def _refusal(err: BaseException) -> str:
    lines = str(err).strip().splitlines()
    return f"{type(err).__name__}: {lines[-1] if lines else ''}"[:300]


def _outcome(conforms: Any, report: Any, text: Any = "") -> Outcome:
    """An engine's answer; a report that is no report graph (pyshacl's way of marking broken shapes) refuses."""
    if not isinstance(report, Graph):
        lines = str(text or report).strip().splitlines()
        return Outcome(refused=f"{type(report).__name__}: {lines[-1] if lines else ''}"[:300])
    if (None, RDF.type, SH.ValidationReport) not in report:
        return Outcome(refused="the report graph has no sh:ValidationReport")
    return Outcome(conforms=bool(conforms), results=results_of(report))


# ---------------------------------------------------------------- the reference and cptkg


@contextmanager
def _plain_rdflib_sparql() -> Iterator[None]:
    """rdflib's own SPARQL processor for the reference run: cptkg installs a caching one process-wide."""
    current = rdflib.plugin.get("sparql", Processor)
    rdflib.plugin.register("sparql", Processor, "rdflib.plugins.sparql.processor", "SPARQLProcessor")
    try:
        yield
    finally:
        rdflib.plugin.register("sparql", Processor, current.__module__, current.__name__)


@cache
def reference(case: Case) -> Outcome:
    """Plain pyshacl on graphs parsed by rdflib (one graph when the data and shapes are the same file)."""
    try:
        data = read_graph(case.data)
        shapes = data if case.same_file else read_graph(case.shapes)
        with _plain_rdflib_sparql():
            conforms, report, text = pyshacl.validate(
                data,
                shacl_graph=shapes,
                allow_warnings=True,
                allow_infos=True,
                inference="none",
                advanced=True,
            )
    except Exception as err:
        return Outcome(refused=_refusal(err))
    return _outcome(conforms, report, text)


def _public_validate() -> Any:
    """cptkg.validate when it takes the user's data and shapes without the shipped graph, else None."""
    import cptkg

    validate = getattr(cptkg, "validate", None)
    if validate is None or "shipped" not in inspect.signature(validate).parameters:
        return None
    return validate


def run_cptkg(case: Case, engine: str) -> Outcome:
    """cptkg's engine on the case: the data as cptkg reads a user's file, the shapes parsed by rdflib."""
    try:
        validate = _public_validate()
        if validate is not None:
            options: dict[str, Any] = {"engine": engine}
            if "audit" in inspect.signature(validate).parameters:
                options["audit"] = False
            report = validate(data=[case.data], shapes=[case.shapes], shipped=False, **options)
            return _outcome(report.conforms, report.report_graph)
        from cptkg.validation.data import ValidationData
        from cptkg.validation.validate import check_shapes

        data = ValidationData([case.data], include_shipped=False, parser="oxigraph" if engine == "bulk" else "rdflib")
        conforms, report_graph = check_shapes(data, read_graph(case.shapes), engine)  # type: ignore[arg-type]
    except Exception as err:
        return Outcome(refused=_refusal(err))
    return _outcome(conforms, report_graph)


def _difference(reference_: Outcome, found: Outcome) -> str:
    lines = [f"plain pyshacl: {reference_.summary()}", f"cptkg: {found.summary()}"]
    expected, got = set(reference_.results), set(found.results)
    lines += [f"  only pyshacl: {key}" for key in sorted(expected - got, key=str)]
    lines += [f"  only cptkg:   {key}" for key in sorted(got - expected, key=str)]
    return "\n".join(lines)


# ---------------------------------------------------------------- the tests


def _params() -> list[Any]:
    if not CASES:  # ../shared is missing: one test that says so (a failure in CI)
        return [pytest.param(None, engine, id=f"suite-missing-{engine}") for engine in ENGINES]
    return [pytest.param(case, engine, id=f"{case.id}-{engine}") for case in CASES for engine in ENGINES]


@pytest.mark.parametrize(("case", "engine"), _params())
def test_engine_matches_plain_pyshacl(case: Case | None, engine: str, record_property: Any) -> None:
    require_shared(SUITE)
    assert case is not None, f"{SHARED / SUITE} holds no test cases"
    expected = reference(case)
    found = run_cptkg(case, engine)
    if expected.refused is not None:
        record_property("pyshacl_refuses", expected.refused)
        record_property("cptkg_refuses", found.refused or "")
        assert found.refused is not None, f"plain pyshacl refuses the shapes, cptkg {engine} does not\n" + _difference(
            expected, found
        )
        return
    assert found.refused is None, f"cptkg {engine} refuses, plain pyshacl does not\n" + _difference(expected, found)
    assert (found.conforms, set(found.results)) == (expected.conforms, set(expected.results)), (
        f"cptkg {engine} differs from plain pyshacl\n" + _difference(expected, found)
    )


def manifest_disagreement(case: Case, outcome: Outcome) -> str | None:
    """How plain pyshacl's outcome differs from what the suite expects, or None."""
    if case.failure:
        return None if outcome.refused else f"the suite expects a failure, pyshacl {outcome.summary()}"
    if outcome.refused:
        return f"the suite expects conforms={case.expected_conforms}, pyshacl {outcome.summary()}"
    if case.expected_conforms is not None and outcome.conforms != case.expected_conforms:
        return f"the suite expects conforms={case.expected_conforms}, pyshacl says {outcome.conforms}"
    return None


def test_known_pyshacl_failures_are_the_cases_where_pyshacl_differs_from_the_suite() -> None:
    require_shared(SUITE)
    found = {case.id: why for case in CASES if (why := manifest_disagreement(case, reference(case))) is not None}
    new = {case: found[case] for case in sorted(set(found) - set(KNOWN_PYSHACL_FAILURES))}
    gone = sorted(set(KNOWN_PYSHACL_FAILURES) - set(found))
    assert not new and not gone, f"pyshacl differs from the suite on cases not listed: {new}; listed, agrees: {gone}"
