"""A query's answer in the formats people and programs read: a plain-text table, and the SPARQL 1.1 Query
Results formats (CSV, TSV, JSON)."""

from __future__ import annotations

import csv
import io
import textwrap
from typing import Any

from ..namespaces import PREFIXES, compact
from ..sparql.terms import Term
from .running import Answer


def _display(term: Term | None) -> str:
    if term is None:
        return ""
    if term.kind == "iri":
        return compact(term.value, PREFIXES)
    return term.value


def render_table(answer: Answer, width: int = 48) -> str:
    """A plain-text table for people: IRIs as CURIEs, long cells wrapped."""
    if answer.table is None:
        return ("yes" if answer.boolean else "no") + "\n"
    table = answer.table
    if not table.rows:
        return "(no results)\n"
    cells = [[_display(t) for t in row] for row in table.rows]
    widths = [min(width, max([len(name)] + [len(row[i]) for row in cells])) for i, name in enumerate(table.variables)]
    lines = [" | ".join(name.ljust(widths[i]) for i, name in enumerate(table.variables)).rstrip()]
    lines.append("-+-".join("-" * w for w in widths))
    for row in cells:
        wrapped = [textwrap.wrap(cell, widths[i]) or [""] for i, cell in enumerate(row)]
        for line_no in range(max(len(w) for w in wrapped)):
            parts = [(w[line_no] if line_no < len(w) else "").ljust(widths[i]) for i, w in enumerate(wrapped)]
            lines.append(" | ".join(parts).rstrip())
    lines.append(f"({len(table.rows)} rows)")
    return "\n".join(lines) + "\n"


def render_csv(answer: Answer) -> str:
    """SPARQL 1.1 Query Results CSV: plain values, full IRIs."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    if answer.table is None:
        writer.writerow(["answer"])
        writer.writerow(["true" if answer.boolean else "false"])
        return out.getvalue()
    writer.writerow(answer.table.variables)
    for row in answer.table.rows:
        writer.writerow(["" if t is None else (f"_:{t.value}" if t.kind == "bnode" else t.value) for t in row])
    return out.getvalue()


def render_tsv(answer: Answer) -> str:
    """SPARQL 1.1 Query Results TSV: terms in their RDF syntax."""
    if answer.table is None:
        return "?answer\n" + ("true" if answer.boolean else "false") + "\n"
    lines = ["\t".join("?" + v for v in answer.table.variables)]
    for row in answer.table.rows:
        lines.append("\t".join("" if t is None else (f"_:{t.value}" if t.kind == "bnode" else t.n3()) for t in row))
    return "\n".join(lines) + "\n"


def render_json(answer: Answer) -> dict[str, Any]:
    """SPARQL 1.1 Query Results JSON."""
    if answer.table is None:
        return {"head": {}, "boolean": bool(answer.boolean)}
    return answer.table.to_sparql_json()
