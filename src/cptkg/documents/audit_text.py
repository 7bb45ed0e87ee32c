"""Audit reports for people: per document, its notes, then each finding with the words, what is wrong, what
the graph says and the sources behind it."""

from __future__ import annotations

from rdflib.namespace import RDF

from ..namespaces import CPTKG
from .audit import AuditReport


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
            lines.append(f'  {finding.severity.value.upper()} {where}: "{words}"')
            lines.append(f"    finding: {finding.message}")
            if finding.graph_says:
                lines.append(f"    graph:   {finding.graph_says}")
            for source in finding.sources:
                lines.append(f"    source:  {source}")
        lines.append("")
    return "\n".join(lines)
