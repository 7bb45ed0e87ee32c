"""`cptkg audit`: a document's claims checked against the curated graph with the audit shapes.

Each finding gives the document's words and line, what is wrong, what the graph says (the curated node the
shape found) with the sources behind it, and a severity. Unknown payers, techniques and sites are
information; contradictions are warnings; a modifier that does not exist or means another is a violation.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, SH, SKOS

from ..graph.sources import curated_graph
from ..namespaces import CPTKG
from ..validation.pyshacl_engine import run_shapes
from ..validation.report import Severity, severity_counts
from ..validation.shape_sets import load_shapes
from .claims import ingest
from .model import Document
from .reading import documents_in
from .resolving import LabelIndex


@dataclass
class Finding:
    severity: Severity
    shape: str
    line: int | None
    words: str
    message: str
    graph_says: str | None
    sources: list[str]
    claim: str

    def as_dict(self) -> dict[str, Any]:
        return {**self.__dict__, "severity": self.severity.value}


@dataclass
class AuditReport:
    document: Document
    claims: Graph
    report: Graph
    findings: list[Finding] = field(default_factory=list)

    @property
    def counts(self) -> dict[str, int]:
        return severity_counts([f.severity for f in self.findings])

    @property
    def passed(self) -> bool:
        """Nothing at warning level or above."""
        return not any(f.severity.rank <= Severity.WARNING.rank for f in self.findings)

    def to_json(self) -> dict[str, Any]:
        return {
            "document": str(self.document.path),
            "sha256": self.document.sha256,
            "code": self.document.code,
            "title": self.document.title,
            "claims": len(set(self.claims.subjects(RDF.type, CPTKG.SourceClaim))),
            "warnings": [{"line": w.line, "message": w.message} for w in self.document.warnings],
            "counts": self.counts,
            "passed": self.passed,
            "findings": [f.as_dict() for f in self.findings],
        }


def _titles(curated: Graph, node: Any) -> list[str]:
    titles = []
    for source in curated.objects(node, PROV.wasDerivedFrom):
        title = curated.value(source, DCTERMS.title)
        titles.append(str(title) if title is not None else str(source))
    return sorted(titles)


def _graph_says(curated: Graph, node: Any) -> str | None:
    if not isinstance(node, URIRef) or (node, None, None) not in curated:
        return None
    label = curated.value(node, SKOS.prefLabel)
    rationale = curated.value(node, CPTKG.rationale)
    text = str(label) if label is not None else str(node)
    return f"{text}: {rationale}" if rationale is not None else text


def audit_document(path: Path, curated: Graph, labels: LabelIndex, shapes: Graph | None = None) -> AuditReport:
    document, _name, claims = ingest(path, labels, curated)
    # the claims join the curated graph for the check and leave it after: no copy of the curated graph per
    # document (only the triples it lacked are added, so only those are taken out again)
    added = [triple for triple in claims if triple not in curated]
    for triple in added:
        curated.add(triple)
    try:
        _ok, report = run_shapes(curated, shapes if shapes is not None else load_shapes("audit"))
    finally:
        for triple in added:
            curated.remove(triple)
    ours = set(claims.subjects(RDF.type, CPTKG.SourceClaim))
    findings = []
    for result in report.subjects(RDF.type, SH.ValidationResult):
        focus = report.value(result, SH.focusNode)
        if focus not in ours:
            continue
        evidence = report.value(result, SH.value)
        line = claims.value(focus, CPTKG.sourceLine)
        severity = Severity.of(report.value(result, SH.resultSeverity))
        findings.append(
            Finding(
                severity=severity,
                shape=str(report.value(result, SH.sourceShape)).rsplit("#", 1)[-1],
                line=int(str(line)) if line is not None else None,
                words=str(claims.value(focus, CPTKG.claimedText)),
                message=str(report.value(result, SH.resultMessage) or ""),
                graph_says=_graph_says(curated, evidence),
                sources=_titles(curated, evidence) if isinstance(evidence, URIRef) else [],
                claim=str(focus),
            )
        )
    findings.sort(key=lambda f: (f.line or 0, f.severity.rank, f.shape, f.words))
    return AuditReport(document, claims, report, findings)


def audit(path: Path, sources: Path | None = None, engine: Any = None) -> list[AuditReport]:
    """Audit a document, or every document of a folder (the graph is read once for all of them)."""
    curated = curated_graph(sources)
    labels = LabelIndex.from_engine(engine)
    shapes = load_shapes("audit")
    return [audit_document(p, curated, labels, shapes) for p in documents_in(path)]
