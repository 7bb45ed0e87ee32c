"""`cptkg audit`: a document's claims checked against the curated graph with the audit shapes.

Each finding gives the document's words and line, what is wrong, what the graph says (the curated node the
shape found) with the sources behind it, and a severity. Unknown payers, techniques and sites are
information; contradictions are warnings; a modifier that does not exist or means another is a violation.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, SH, SKOS

from .ingest import Document, Resolver, documents_in, parse, read_document, to_graph
from .namespaces import CPTKG, GRAPH_BASE
from .validation import load_shapes, run_shapes

SEVERITY_RANK = {"Violation": 0, "Warning": 1, "Info": 2}


@dataclass
class Finding:
    severity: str
    shape: str
    line: int | None
    words: str
    message: str
    graph_says: str | None
    sources: list[str]
    claim: str

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass
class AuditReport:
    document: Document
    claims: Graph
    report: Graph
    findings: list[Finding] = field(default_factory=list)

    @property
    def counts(self) -> dict[str, int]:
        counts = {"Violation": 0, "Warning": 0, "Info": 0}
        for finding in self.findings:
            counts[finding.severity] = counts.get(finding.severity, 0) + 1
        return counts

    @property
    def passed(self) -> bool:
        """Nothing at warning level or above."""
        return not any(f.severity in ("Violation", "Warning") for f in self.findings)

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


def curated_graph(sources: Path | None = None) -> Graph:
    """The curated graph: every source file's graph except the claims documents already ingested."""
    from .sources import load_dataset

    dataset = load_dataset(sources)
    merged = Graph()
    for graph in dataset.graphs():
        name = str(graph.identifier)
        if name.startswith(GRAPH_BASE) and not name.startswith(GRAPH_BASE + "claims/"):
            for triple in graph:
                merged.add(triple)
    return merged


def known_source(curated: Graph, sha256: str) -> str | None:
    """The declared source whose content digest is this document's, if the project already cites it."""
    for source in curated.subjects(CPTKG.contentSHA256, Literal(sha256)):
        return str(source)
    return None


def ingest(path: Path, resolver: Resolver | None = None, curated: Graph | None = None) -> tuple[Document, str, Graph]:
    """Parse one document into claims: (document, named-graph IRI, claims graph)."""
    document = parse(read_document(path), resolver or Resolver.from_graph())
    source = known_source(curated, document.sha256) if curated is not None else None
    name, graph = to_graph(document, source)
    return document, name, graph  # type: ignore[return-value]


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


def audit_document(path: Path, curated: Graph, resolver: Resolver, shapes: Graph | None = None) -> AuditReport:
    document, _name, claims = ingest(path, resolver, curated)
    data = Graph()
    for triple in curated:
        data.add(triple)
    for triple in claims:
        data.add(triple)
    _ok, report = run_shapes(data, shapes if shapes is not None else load_shapes("audit"))
    ours = set(claims.subjects(RDF.type, CPTKG.SourceClaim))
    findings = []
    for result in report.subjects(RDF.type, SH.ValidationResult):
        focus = report.value(result, SH.focusNode)
        if focus not in ours:
            continue
        evidence = report.value(result, SH.value)
        line = claims.value(focus, CPTKG.sourceLine)
        severity = str(report.value(result, SH.resultSeverity)).rsplit("#", 1)[-1]
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
    findings.sort(key=lambda f: (f.line or 0, SEVERITY_RANK.get(f.severity, 3), f.shape, f.words))
    return AuditReport(document, claims, report, findings)


def audit(path: Path, sources: Path | None = None) -> list[AuditReport]:
    """Audit a document, or every document of a folder."""
    curated = curated_graph(sources)
    resolver = Resolver.from_graph()
    shapes = load_shapes("audit")
    return [audit_document(p, curated, resolver, shapes) for p in documents_in(path)]


def render_audit(reports: list[AuditReport]) -> str:
    lines: list[str] = []
    for report in reports:
        document = report.document
        counts = report.counts
        about = (
            f"{'CPT ' if (document.code or '')[:1].isdigit() else 'HCPCS '}{document.code}"
            if document.code
            else "no code"
        )
        claims = len(set(report.claims.subjects(RDF.type, CPTKG.SourceClaim)))
        lines.append(
            f"{document.path.name} ({about}, {claims} claims): {counts['Violation']} violations, "
            f"{counts['Warning']} warnings, {counts['Info']} infos"
        )
        for warning in document.warnings:
            lines.append(f"  note, line {warning.line}: {warning.message}")
        for finding in report.findings:
            lines.append("")
            where = f"line {finding.line}" if finding.line else "document"
            words = " ".join(finding.words.split())
            lines.append(f'  {finding.severity.upper()} {where}: "{words}"')
            lines.append(f"    finding: {finding.message}")
            if finding.graph_says:
                lines.append(f"    graph:   {finding.graph_says}")
            for source in finding.sources:
                lines.append(f"    source:  {source}")
        lines.append("")
    return "\n".join(lines)
