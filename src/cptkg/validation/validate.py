"""`cptkg validate`: the shapes run over the shipped graph and the user's own files.

Three shape sets: the core shapes (shapes/*.shapes.ttl) decide conformance; the audit shapes
(shapes/audit/) check what source documents claim and are reported without deciding conformance; the QA
shapes (qa/, beside shapes/ and not shipped in the wheel) check the ontology itself, in the project's tests.
Conformance means no result of severity sh:Violation; warnings and infos are reported.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Literal

from rdflib import Graph

from ..errors import BadInputError
from ..graph.sources import load_graph
from .audit_cache import shipped_audit
from .bulk import confirm, plans
from .candidates import Unrestricted
from .data import ValidationData
from .pyshacl_engine import run_shapes
from .report import Report, Result, conforms, has_results, parse_report
from .shape_sets import load_shapes

Engine = Literal["bulk", "pyshacl"]
ENGINES: tuple[Engine, ...] = ("bulk", "pyshacl")


def check_shapes(data: ValidationData, shapes: Graph, engine: Engine = "bulk") -> tuple[bool, Graph]:
    """pyshacl's report for the data: found in bulk on the store (engine "bulk", see validation.bulk) or by
    plain pyshacl over the whole rdflib graph (engine "pyshacl", the reference)."""
    if engine == "pyshacl":
        return run_shapes(data.graph(), shapes)
    if engine != "bulk":
        raise BadInputError(f"unknown validation engine {engine!r}; use bulk or pyshacl")
    from pyshacl.errors import ReportableRuntimeError

    try:
        return confirm(plans(data.store(), shapes), data.graph, shapes)
    except (Unrestricted, ReportableRuntimeError, NotImplementedError, SyntaxError):
        # What the bulk pass cannot use (a SPARQL constraint the store cannot read, broken shapes) plain
        # pyshacl checks, or reports as broken shapes in one clear line.
        return run_shapes(data.graph(), shapes)


def validate(
    data_files: Iterable[Path] = (),
    extra_shapes: Iterable[Path] = (),
    include_shipped: bool = True,
    audit: bool = True,
    sources: Path | None = None,
    engine: Engine = "bulk",
) -> Report:
    """Validate the shipped graph (and the user's files with it) against the shipped (and extra) shapes.

    The audit shapes only look at source claims: they run over the files that hold cptkg:SourceClaims (with
    the shipped graph); the shipped graph's own audit is computed once and kept with the store cache.
    """
    if engine not in ENGINES:
        raise BadInputError(f"unknown validation engine {engine!r}; use bulk or pyshacl")
    data = ValidationData(data_files, include_shipped, sources, parser="oxigraph" if engine == "bulk" else "rdflib")
    shapes = load_shapes("core", [Path(p) for p in extra_shapes])
    _conforms, report_graph = check_shapes(data, shapes, engine)
    results = parse_report(report_graph, data.graph(), shapes) if has_results(report_graph) else []
    audit_results: list[Result] = []
    if audit:
        audit_results = _audit(data, engine)
    return Report(conforms(results), results, report_graph, audit_results, data.triple_count())


def _audit(data: ValidationData, engine: Engine) -> list[Result]:
    with_claims = data.files_with_claims()
    if not with_claims:
        if not data.include_shipped:
            return []
        return shipped_audit(data.sources, engine, lambda: _run_audit(ValidationData((), True, data.sources), engine))
    if len(with_claims) < len(data.files):
        data = data.subset(with_claims)
    return _run_audit(data, engine)


def _run_audit(data: ValidationData, engine: Engine) -> list[Result]:
    audit_shapes = load_shapes("audit")
    _ok, audit_graph = check_shapes(data, audit_shapes, engine)
    return parse_report(audit_graph, data.graph(), audit_shapes) if has_results(audit_graph) else []


def validate_qa(sources: Path | None = None) -> Report:
    """The build-only QA shapes over the shipped graph."""
    data = load_graph(sources)
    shapes = load_shapes("qa")
    _conforms, report_graph = run_shapes(data, shapes)
    results = parse_report(report_graph, data, shapes)
    return Report(conforms(results), results, report_graph, [], len(data))
