"""The report model: one result per SHACL validation result, with what a person needs to act on it, and the
one severity scale every report (validation, audit) ranks by."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SH, SKOS

from ..namespaces import CPTKG, PREFIXES, compact

SHAPE_PREFIXES = {"cptkg-shapes": "https://w3id.org/cptkg/shapes#", **PREFIXES}


class Severity(str, Enum):
    """sh:Violation, sh:Warning and sh:Info, in that order of rank; equal to its name as a string."""

    VIOLATION = "Violation"
    WARNING = "Warning"
    INFO = "Info"

    @property
    def rank(self) -> int:
        return _RANKS[self]

    @property
    def iri(self) -> str:
        return str(SH) + self.value

    @classmethod
    def of(cls, node: Any) -> Severity:
        """The severity of a report's sh:resultSeverity. A missing one is a violation, as SHACL says, and so is
        a severity of the shapes' own (ex:MySeverity): SHACL lets shapes declare one, and pyshacl counts it
        against conformance, as only sh:Warning and sh:Info are not."""
        if node is None or not str(node).startswith(str(SH)):
            return cls.VIOLATION
        try:
            return cls(str(node).rsplit("#", 1)[-1])
        except ValueError:
            return cls.VIOLATION

    def __str__(self) -> str:
        return self.value

    def __format__(self, spec: str) -> str:
        return format(self.value, spec)


_RANKS = {Severity.VIOLATION: 0, Severity.WARNING: 1, Severity.INFO: 2}


def severity_counts(severities: list[Severity]) -> dict[str, int]:
    """How many of each severity, every severity present (zero or more), in rank order."""
    counts = {s.value: 0 for s in Severity}
    for severity in severities:
        counts[severity.value] += 1
    return counts


@dataclass(frozen=True)
class Result:
    """One validation result, with what a person needs to act on it."""

    shape: str  # the source shape, compacted (cptkg-shapes:ExtentWithinLimitsShape) or '_:' for blank nodes
    shape_label: str
    severity: Severity
    focus: str
    focus_label: str | None
    focus_notation: str | None
    path: str | None
    value: str | None
    component: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {k: (v.value if isinstance(v, Severity) else v) for k, v in self.__dict__.items()}


@dataclass(frozen=True)
class EngineNote:
    """Which path checked a shape ("*": the whole run): "bulk" (candidates found on the store, confirmed by
    pyshacl) or "pyshacl" (plain pyshacl on every focus node), and why."""

    shape: str
    path: str
    reason: str

    def as_dict(self) -> dict[str, str]:
        return {"shape": self.shape, "path": self.path, "reason": self.reason}


@dataclass
class Report:
    conforms: bool
    results: list[Result]
    report_graph: Graph
    audit: list[Result] = field(default_factory=list)
    data_triples: int = 0
    engine_notes: list[EngineNote] = field(default_factory=list)

    @property
    def violations(self) -> list[Result]:
        return [r for r in self.results if r.severity is Severity.VIOLATION]

    def counts(self) -> dict[str, int]:
        return severity_counts([r.severity for r in self.results])

    def to_json(self) -> dict[str, Any]:
        return {
            "conforms": self.conforms,
            "counts": self.counts(),
            "results": [r.as_dict() for r in self.results],
            "audit": [r.as_dict() for r in self.audit],
            "metadata": {"engine": [note.as_dict() for note in self.engine_notes]},
        }


def conforms(results: list[Result]) -> bool:
    """Conformance: no result of severity sh:Violation (warnings and infos are reported, not decisive)."""
    return not any(r.severity is Severity.VIOLATION for r in results)


def has_results(report: Graph) -> bool:
    return (None, RDF.type, SH.ValidationResult) in report


def path_text(graph: Graph, path: Any) -> str | None:
    """A SHACL property path in SPARQL-like text: ^p, (p)*, (a|b), (a/b)."""
    if path is None:
        return None
    if isinstance(path, URIRef):
        return compact(str(path), SHAPE_PREFIXES)
    inverse = graph.value(path, SH.inversePath)
    if inverse is not None:
        return "^" + (path_text(graph, inverse) or "?")
    for key, sign in ((SH.zeroOrMorePath, "*"), (SH.oneOrMorePath, "+"), (SH.zeroOrOnePath, "?")):
        inner = graph.value(path, key)
        if inner is not None:
            return f"({path_text(graph, inner)}){sign}"
    alternative = graph.value(path, SH.alternativePath)
    if alternative is not None:
        return "(" + "|".join(path_text(graph, p) or "?" for p in graph.items(alternative)) + ")"
    if (path, RDF.first, None) in graph:
        return "(" + "/".join(path_text(graph, p) or "?" for p in graph.items(path)) + ")"
    return str(path)


def label_of(data: Graph, node: Any) -> tuple[str | None, str | None]:
    """(label, notation) of a focus node; a source claim is shown by its words and line."""
    if not isinstance(node, URIRef | BNode):
        return None, None
    claimed = data.value(node, CPTKG.claimedText)
    if claimed is not None:
        line = data.value(node, CPTKG.sourceLine)
        return f'"{claimed}"' + (f" (line {line})" if line is not None else ""), None
    # the first of each in sorted order: a node with two notations (the error being reported) is named the
    # same way whatever order the parser read them in
    label = _first(data, node, SKOS.prefLabel) or _first(data, node, RDFS.label)
    return label, _first(data, node, SKOS.notation)


def _first(data: Graph, node: Any, predicate: Any) -> str | None:
    values = sorted(str(value) for value in data.objects(node, predicate))
    return values[0] if values else None


def parse_report(report: Graph, data: Graph, shapes: Graph) -> list[Result]:
    """The results of a SHACL report graph, sorted by severity, shape, focus node, path, value."""
    results = []
    for node in report.subjects(RDF.type, SH.ValidationResult):
        shape = report.value(node, SH.sourceShape)
        focus = report.value(node, SH.focusNode)
        value = report.value(node, SH.value)
        component = report.value(node, SH.sourceConstraintComponent)
        messages = sorted(str(m) for m in report.objects(node, SH.resultMessage))
        label, notation = label_of(data, focus)
        shape_label = shapes.value(shape, RDFS.label) if shape is not None else None
        results.append(
            Result(
                shape=compact(str(shape), SHAPE_PREFIXES) if isinstance(shape, URIRef) else "_:anonymous",
                shape_label=str(shape_label) if shape_label is not None else "",
                severity=Severity.of(report.value(node, SH.resultSeverity)),
                focus=str(focus),
                focus_label=label,
                focus_notation=notation,
                path=path_text(report, report.value(node, SH.resultPath)),
                value=str(value) if isinstance(value, Literal | URIRef) else None,
                component=str(component).rsplit("#", 1)[-1] if component is not None else "",
                message=messages[0] if messages else "",
            )
        )
    return sorted(
        results,
        key=lambda r: (r.severity.rank, r.shape, r.focus, r.path or "", r.value or "", r.component, r.message),
    )
