"""`cptkg validate`: the shapes run over the shipped graph and the user's own files, with reports for people.

Three shape sets: the core shapes (shapes/*.shapes.ttl) decide conformance; the audit shapes
(shapes/audit/) check what source documents claim and are reported without deciding conformance; the QA
shapes (qa/, beside shapes/ and not shipped in the wheel) check the ontology itself, in the project's tests.
Conformance means no result of severity sh:Violation; warnings and infos are reported.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SH, SKOS

from .errors import BadInputError, EnvironmentProblem, SourceSyntaxError
from .namespaces import CPTKG, PREFIXES, compact
from .resources import shapes_dir

SEVERITY_ORDER = {str(SH.Violation): 0, str(SH.Warning): 1, str(SH.Info): 2}

_FORMATS = {
    ".ttl": "turtle",
    ".turtle": "turtle",
    ".nt": "nt",
    ".ntriples": "nt",
    ".jsonld": "json-ld",
    ".json": "json-ld",
    ".rdf": "xml",
    ".owl": "xml",
    ".xml": "xml",
}


def shape_files(kind: str = "core", root: Path | None = None) -> list[Path]:
    """The shape files of one set: core (shipped, decide conformance), audit (source claims) or qa."""
    base = root or shapes_dir()
    prefixes = base / "prefixes.shapes.ttl"
    if kind == "core":
        files = sorted(p for p in base.glob("*.shapes.ttl") if p != prefixes)
    elif kind == "audit":
        files = sorted((base / "audit").glob("*.shapes.ttl"))
    elif kind == "qa":
        # build-only: qa/ sits beside shapes/ in a checkout and is not shipped in the wheel
        files = sorted((base.parent / "qa").glob("*.shapes.ttl"))
        if not files:
            raise EnvironmentProblem("the QA shapes (qa/*.shapes.ttl) are only in a checkout, not in the wheel")
    else:
        raise ValueError(f"unknown shape set {kind!r}")
    return [prefixes, *files]


def load_shapes(kind: str = "core", extra: Sequence[Path] = ()) -> Graph:
    graph = Graph()
    for path in [*shape_files(kind), *extra]:
        parse_rdf_file(path, graph)
    return graph


def parse_rdf_file(path: Path, into: Graph | None = None) -> Graph:
    """Parse a user's RDF file (Turtle, N-Triples, JSON-LD, RDF/XML) with a clear error for bad input."""
    graph = into if into is not None else Graph()
    if not path.is_file():
        raise BadInputError(f"{path}: no such file")
    fmt = _FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise BadInputError(f"{path}: unknown RDF format (use .ttl, .nt, .jsonld or .rdf)")
    try:
        if fmt in ("turtle", "nt"):
            from .sources import check_syntax_as

            check_syntax_as(path, fmt)
            graph.parse(path, format=fmt)
        elif fmt == "json-ld":
            text = path.read_text(encoding="utf-8")
            try:
                document = json.loads(text)
            except json.JSONDecodeError as err:
                raise SourceSyntaxError(str(path), err.lineno, err.colno, err.msg) from None
            _refuse_remote_contexts(path, document)
            graph.parse(data=text, format="json-ld", base=path.resolve().as_uri())
        else:
            graph.parse(path, format=fmt)
    except (SourceSyntaxError, BadInputError):
        raise
    except UnicodeDecodeError as err:
        raise SourceSyntaxError(str(path), None, None, f"not UTF-8 text ({err.reason})") from None
    except Exception as err:  # the parsers raise many kinds; the user needs the file and the reason
        line = getattr(err, "lineno", None) or getattr(err, "line", None)
        raise SourceSyntaxError(
            str(path),
            line if isinstance(line, int) else None,
            None,
            str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__,
        ) from None
    return graph


def _refuse_remote_contexts(path: Path, document: Any) -> None:
    """A JSON-LD @context given by URL would be fetched from the network: refuse it, with what to do."""
    stack = [document]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            context = item.get("@context")
            contexts = context if isinstance(context, list) else [context]
            for entry in contexts:
                if isinstance(entry, str):
                    raise BadInputError(
                        f"{path}: remote JSON-LD context {entry!r} is not fetched; inline the context "
                        "(cptkg's is dist/cptkg.context.jsonld)"
                    )
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)


@dataclass(frozen=True)
class Result:
    """One validation result, with what a person needs to act on it."""

    shape: str  # the source shape, compacted (cptkg-shapes:ExtentWithinLimitsShape) or '_:' for blank nodes
    shape_label: str
    severity: str  # Violation, Warning or Info
    focus: str
    focus_label: str | None
    focus_notation: str | None
    path: str | None
    value: str | None
    component: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items()}


@dataclass
class Report:
    conforms: bool
    results: list[Result]
    report_graph: Graph
    audit: list[Result] = field(default_factory=list)
    data_triples: int = 0

    @property
    def violations(self) -> list[Result]:
        return [r for r in self.results if r.severity == "Violation"]

    def counts(self) -> dict[str, int]:
        counts = {"Violation": 0, "Warning": 0, "Info": 0}
        for result in self.results:
            counts[result.severity] = counts.get(result.severity, 0) + 1
        return counts

    def to_json(self) -> dict[str, Any]:
        return {
            "conforms": self.conforms,
            "counts": self.counts(),
            "results": [r.as_dict() for r in self.results],
            "audit": [r.as_dict() for r in self.audit],
        }


def _path_text(graph: Graph, path: Any) -> str | None:
    if path is None:
        return None
    if isinstance(path, URIRef):
        return compact(str(path), _SHAPE_PREFIXES)
    inverse = graph.value(path, SH.inversePath)
    if inverse is not None:
        return "^" + (_path_text(graph, inverse) or "?")
    for key, sign in ((SH.zeroOrMorePath, "*"), (SH.oneOrMorePath, "+"), (SH.zeroOrOnePath, "?")):
        inner = graph.value(path, key)
        if inner is not None:
            return f"({_path_text(graph, inner)}){sign}"
    alternative = graph.value(path, SH.alternativePath)
    if alternative is not None:
        return "(" + "|".join(_path_text(graph, p) or "?" for p in graph.items(alternative)) + ")"
    if (path, RDF.first, None) in graph:
        return "(" + "/".join(_path_text(graph, p) or "?" for p in graph.items(path)) + ")"
    return str(path)


_SHAPE_PREFIXES = {"cptkg-shapes": "https://w3id.org/cptkg/shapes#", **PREFIXES}


def _label_of(data: Graph, node: Any) -> tuple[str | None, str | None]:
    if not isinstance(node, URIRef | BNode):
        return None, None
    claimed = data.value(node, CPTKG.claimedText)
    if claimed is not None:
        line = data.value(node, CPTKG.sourceLine)
        return f'"{claimed}"' + (f" (line {line})" if line is not None else ""), None
    label = data.value(node, SKOS.prefLabel) or data.value(node, RDFS.label)
    notation = data.value(node, SKOS.notation)
    return (str(label) if label is not None else None, str(notation) if notation is not None else None)


def parse_report(report: Graph, data: Graph, shapes: Graph) -> list[Result]:
    results = []
    for node in report.subjects(RDF.type, SH.ValidationResult):
        shape = report.value(node, SH.sourceShape)
        focus = report.value(node, SH.focusNode)
        value = report.value(node, SH.value)
        severity = report.value(node, SH.resultSeverity)
        component = report.value(node, SH.sourceConstraintComponent)
        messages = sorted(str(m) for m in report.objects(node, SH.resultMessage))
        label, notation = _label_of(data, focus)
        shape_label = shapes.value(shape, RDFS.label) if shape is not None else None
        results.append(
            Result(
                shape=compact(str(shape), _SHAPE_PREFIXES) if isinstance(shape, URIRef) else "_:anonymous",
                shape_label=str(shape_label) if shape_label is not None else "",
                severity=str(severity).rsplit("#", 1)[-1] if severity is not None else "Violation",
                focus=str(focus),
                focus_label=label,
                focus_notation=notation,
                path=_path_text(report, report.value(node, SH.resultPath)),
                value=str(value) if isinstance(value, Literal | URIRef) else None,
                component=str(component).rsplit("#", 1)[-1] if component is not None else "",
                message=messages[0] if messages else "",
            )
        )
    return sorted(
        results,
        key=lambda r: (
            SEVERITY_ORDER.get("http://www.w3.org/ns/shacl#" + r.severity, 3),
            r.shape,
            r.focus,
            r.path or "",
            r.value or "",
            r.component,
            r.message,
        ),
    )


def run_shapes(data: Graph, shapes: Graph) -> tuple[bool, Graph]:
    """pyshacl over the data with the given shapes; no inference: the data carries its own class hierarchy."""
    from pyshacl import validate as pyshacl_validate

    from .sparql_cache import install

    install()
    _conforms, report, text = pyshacl_validate(
        data, shacl_graph=shapes, inference=None, advanced=False, allow_warnings=True, allow_infos=True
    )
    if not isinstance(report, Graph):  # pyshacl reports a broken shapes graph this way
        raise BadInputError(f"the shapes cannot be used: {str(text).strip().splitlines()[-1]}")
    return bool(_conforms), report


class ValidationData:
    """The data a validation checks: the shipped graph (unless left out) and the user's files, as the rdflib
    graph pyshacl reads and as the embedded store the bulk pass queries; each is built when first needed."""

    def __init__(
        self,
        files: Iterable[Path] = (),
        include_shipped: bool = True,
        sources: Path | None = None,
        fast_parse: bool = False,
    ) -> None:
        self.files = [Path(p) for p in files]
        self.include_shipped = include_shipped
        self.sources = sources
        self.fast_parse = fast_parse
        self._graph: Graph | None = None
        self._store: Any = None

    def graph(self) -> Graph:
        """The rdflib graph. With fast_parse, Turtle and N-Triples files are read by Oxigraph's parser (the
        same terms, lexical forms kept) and handed to rdflib, several times faster than rdflib's parsers."""
        if self._graph is None:
            from .sources import load_graph

            graph = load_graph(self.sources) if self.include_shipped else Graph()
            for path in self.files:
                if self.fast_parse and _FORMATS.get(path.suffix.lower()) in ("turtle", "nt"):
                    _add_parsed(path, graph)
                else:
                    parse_rdf_file(path, graph)
            self._graph = graph
        return self._graph

    def store(self) -> Any:
        """Every triple in the store's default graph (so that a triple in two files is there once)."""
        if self._store is None:
            import pyoxigraph as ox

            from .bulk_validation import Unrestricted
            from .sources import _syntax_error

            store = ox.Store()
            if self.include_shipped:
                from .store import open_store

                shipped = open_store(self.sources)
                store.bulk_extend(ox.Quad(q.subject, q.predicate, q.object, ox.DefaultGraph()) for q in shipped)
            for path in self.files:
                if not path.is_file():
                    raise BadInputError(f"{path}: no such file")
                fmt = {"turtle": ox.RdfFormat.TURTLE, "nt": ox.RdfFormat.N_TRIPLES}.get(
                    _FORMATS.get(path.suffix.lower(), "")
                )
                if fmt is None:
                    raise Unrestricted(f"{path.suffix} files are read by rdflib only")
                base = path.resolve().as_uri()
                scratch = ox.Store()
                try:
                    scratch.load(path=str(path), format=fmt, base_iri=base)
                    distinct = len({str(t) for t in ox.parse(path=str(path), format=fmt, base_iri=base)})
                except SyntaxError as err:
                    raise _syntax_error(path, err) from None
                except UnicodeDecodeError as err:
                    raise SourceSyntaxError(str(path), None, None, f"not UTF-8 text ({err.reason})") from None
                if distinct != len(scratch):
                    # the store made one value of two literals ("1.50" and "1.5"): counts could differ
                    raise Unrestricted(f"{path} has literals that are equal after normalisation")
                store.bulk_extend(scratch)
            self._store = store
        return self._store

    def triple_count(self) -> int:
        return len(self._graph) if self._graph is not None else len(self.store())


def _add_parsed(path: Path, graph: Graph) -> None:
    import pyoxigraph as ox

    from .bulk_validation import to_rdflib
    from .sources import _syntax_error

    fmt = "turtle" if _FORMATS[path.suffix.lower()] == "turtle" else "nt"
    converted: dict[Any, Any] = {}

    def term(node: Any) -> Any:
        found = converted.get(node)
        if found is None:
            found = converted[node] = to_rdflib(node)
        return found

    formats = {"turtle": ox.RdfFormat.TURTLE, "nt": ox.RdfFormat.N_TRIPLES}
    add = graph.add
    try:
        for triple in ox.parse(path=str(path), format=formats[fmt], base_iri=path.resolve().as_uri()):
            add((term(triple.subject), term(triple.predicate), term(triple.object)))
    except SyntaxError as err:
        raise _syntax_error(path, err) from None
    except UnicodeDecodeError as err:
        raise SourceSyntaxError(str(path), None, None, f"not UTF-8 text ({err.reason})") from None


def check_shapes(data: ValidationData, shapes: Graph, engine: str = "bulk") -> tuple[bool, Graph]:
    """pyshacl's report for the data: found in bulk on the store (engine "bulk", see bulk_validation) or by
    plain pyshacl over the whole rdflib graph (engine "pyshacl", the reference)."""
    if engine == "pyshacl":
        return run_shapes(data.graph(), shapes)
    if engine != "bulk":
        raise BadInputError(f"unknown validation engine {engine!r}; use bulk or pyshacl")
    from pyshacl.errors import ReportableRuntimeError

    from .bulk_validation import Unrestricted, confirm, plans

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
    engine: str = "bulk",
) -> Report:
    """Validate the shipped graph (and the user's files with it) against the shipped (and extra) shapes."""
    data = ValidationData(data_files, include_shipped, sources, fast_parse=engine == "bulk")
    shapes = load_shapes("core", [Path(p) for p in extra_shapes])
    _conforms, report_graph = check_shapes(data, shapes, engine)
    results = parse_report(report_graph, data.graph(), shapes) if _has_results(report_graph) else []
    audit_results: list[Result] = []
    if audit:
        audit_shapes = load_shapes("audit")
        _ok, audit_graph = check_shapes(data, audit_shapes, engine)
        if _has_results(audit_graph):
            audit_results = parse_report(audit_graph, data.graph(), audit_shapes)
    conforms = not any(r.severity == "Violation" for r in results)
    return Report(conforms, results, report_graph, audit_results, data.triple_count())


def _has_results(report: Graph) -> bool:
    return (None, RDF.type, SH.ValidationResult) in report


def validate_qa(sources: Path | None = None) -> Report:
    """The build-only QA shapes over the shipped graph."""
    from .sources import load_graph

    data = load_graph(sources)
    shapes = load_shapes("qa")
    _conforms, report_graph = run_shapes(data, shapes)
    results = parse_report(report_graph, data, shapes)
    return Report(not any(r.severity == "Violation" for r in results), results, report_graph, [], len(data))


# ---------------------------------------------------------------- rendering for people


def _focus_text(result: Result) -> str:
    parts = [p for p in (result.focus_notation, result.focus_label) if p]
    return " ".join(parts) if parts else compact(result.focus, _SHAPE_PREFIXES)


def render_report(report: Report) -> str:
    lines: list[str] = []
    counts = report.counts()
    verdict = "conforms" if report.conforms else "does not conform"
    lines.append(
        f"{verdict}: {counts['Violation']} violations, {counts['Warning']} warnings, {counts['Info']} infos "
        f"({report.data_triples} triples checked)"
    )
    lines.extend(_grouped(report.results))
    if report.audit:
        lines.append("")
        lines.append(f"audit of source claims: {len(report.audit)} findings (reported; they do not affect conformance)")
        lines.extend(_grouped(report.audit))
    return "\n".join(lines) + "\n"


def _grouped(results: list[Result]) -> list[str]:
    lines: list[str] = []
    by_shape: dict[str, list[Result]] = {}
    for result in results:
        by_shape.setdefault(result.shape, []).append(result)
    for shape, items in by_shape.items():
        first = items[0]
        title = f"{shape}" + (f" ({first.shape_label})" if first.shape_label else "")
        lines.append("")
        lines.append(f"{first.severity}: {title}: {len(items)}")
        for result in items:
            where = _focus_text(result)
            if result.path:
                where += f" [{result.path}]"
            lines.append(f"  - {where}: {result.message}")
    return lines
