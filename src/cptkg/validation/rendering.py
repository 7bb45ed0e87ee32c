"""Validation reports for people: results grouped by shape, each with the focus node's code and label."""

from __future__ import annotations

from ..namespaces import compact
from .report import SHAPE_PREFIXES, Report, Result


def _focus_text(result: Result) -> str:
    parts = [p for p in (result.focus_notation, result.focus_label) if p]
    return " ".join(parts) if parts else compact(result.focus, SHAPE_PREFIXES)


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
