"""`cptkg validate`: the shapes run over the shipped graph and the user's own files.

Three shape sets: the core shapes (shapes/*.shapes.ttl) decide conformance; the audit shapes
(shapes/audit/) check what source documents claim and are reported without deciding conformance; the QA
shapes (qa/, beside shapes/ and not shipped in the wheel) check the ontology itself, in the project's tests.
Conformance means no result of severity sh:Violation; warnings and infos are reported.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from pathlib import Path
from typing import Literal

from rdflib import Graph

from ..errors import BadInputError
from ..graph.rdf_files import read_rdf_file
from ..graph.sources import load_graph
from .audit_cache import shipped_audit
from .bulk import confirm, plans
from .candidates import Unrestricted
from .data import ValidationData
from .pyshacl_engine import run_shapes
from .report import EngineNote, Report, Result, conforms, has_results, parse_report
from .shape_sets import load_shapes

LOG = logging.getLogger("cptkg.validation")

Engine = Literal["bulk", "pyshacl"]
ENGINES: tuple[Engine, ...] = ("bulk", "pyshacl")


def check_shapes(data: ValidationData, shapes: Graph, engine: Engine = "bulk") -> tuple[bool, Graph]:
    """pyshacl's report for the data: found in bulk on the store (engine "bulk", see validation.bulk) or by
    plain pyshacl over the whole rdflib graph (engine "pyshacl", the reference)."""
    conforms_, report, _notes = check_shapes_explained(data, shapes, engine)
    return conforms_, report


def check_shapes_explained(
    data: ValidationData, shapes: Graph, engine: Engine = "bulk"
) -> tuple[bool, Graph, list[EngineNote]]:
    """check_shapes, with a note on which path checked each shape that had candidates (or the whole run), and
    why; a shape without candidates was cleared on the store."""
    if engine == "pyshacl":
        conforms_, report = run_shapes(data.reference_graph(), shapes)
        return conforms_, report, [EngineNote("*", "pyshacl", "the reference engine was asked for")]
    if engine != "bulk":
        raise BadInputError(f"unknown validation engine {engine!r}; use bulk or pyshacl")
    from pyshacl.errors import ReportableRuntimeError

    try:
        changed = data.parser_changes()
        if changed:
            raise Unrestricted(changed)
        found = plans(data.store(), shapes, data.prefixes(), data.originals, data.rewritten_predicates)
        conforms_, report = confirm(found, data.graph, shapes)
    except (Unrestricted, ReportableRuntimeError, NotImplementedError, SyntaxError, ValueError) as why:
        # What the bulk pass cannot use (a literal Oxigraph's parser reads differently, constraint components
        # of the shapes' own, SHACL Advanced Features, a SPARQL constraint the store cannot read, broken shapes)
        # (or a query the rewrite cannot read: ValueError) plain pyshacl checks on the data as rdflib reads it,
        # or reports as broken shapes in one clear line.
        # Never silently: the note says so, and it is logged.
        reason = f"{type(why).__name__}: {why}" if not isinstance(why, Unrestricted) else str(why)
        LOG.info("validation by plain pyshacl: %s", reason)
        conforms_, report = run_shapes(data.reference_graph(), shapes)
        return conforms_, report, [EngineNote("*", "pyshacl", reason)]
    notes = [
        EngineNote(
            str(plan.shape),
            "pyshacl" if plan.everything else "bulk",
            plan.reason or f"{len(plan.candidates)} candidate focus nodes, confirmed by pyshacl",
        )
        for plan in found
    ]
    for note in notes:
        if note.path == "pyshacl":
            LOG.info("shape %s checked by pyshacl on every focus node: %s", note.shape, note.reason)
    return conforms_, report, notes


def validate(
    data_files: Iterable[Path] = (),
    extra_shapes: Iterable[Path] = (),
    include_shipped: bool = True,
    audit: bool = True,
    sources: Path | None = None,
    engine: Engine = "bulk",
    shipped: bool = True,
) -> Report:
    """Validate the shipped graph (and the user's files with it) against the shipped (and extra) shapes.

    With shipped=False neither the shipped graph nor the shipped shapes take part: the user's data against the
    user's shapes alone, as plain pyshacl would check them (no audit).

    The audit shapes only look at source claims: they run over the files that hold cptkg:SourceClaims (with
    the shipped graph); the shipped graph's own audit is computed once and kept with the store cache.
    """
    if engine not in ENGINES:
        raise BadInputError(f"unknown validation engine {engine!r}; use bulk or pyshacl")
    files, shape_paths = [Path(p) for p in data_files], [Path(p) for p in extra_shapes]
    parser: Literal["oxigraph", "rdflib"] = "oxigraph" if engine == "bulk" else "rdflib"
    if not shipped:
        if not shape_paths:
            raise BadInputError("--no-shipped needs at least one --shapes file: there is nothing else to check with")
        data = ValidationData(files, False, sources, parser=parser)
        shapes = Graph()
        for path in shape_paths:
            read_rdf_file(path, shapes)
        audit = False
    else:
        data = ValidationData(files, include_shipped, sources, parser=parser)
        shapes = load_shapes("core", shape_paths)
    _conforms, report_graph, notes = check_shapes_explained(data, shapes, engine)
    results = parse_report(report_graph, data.graph(), shapes) if has_results(report_graph) else []
    audit_results: list[Result] = []
    if audit:
        audit_results = _audit(data, engine)
    return Report(conforms(results), results, report_graph, audit_results, data.triple_count(), notes)


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
