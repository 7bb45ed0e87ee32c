"""The modifier table (Modifier | Description | When to use), with or without outer pipes, wrapped rows and
blank lines, each row a modifier claim."""

from __future__ import annotations

import re

from .model import Claim, Document, Line
from .resolving import LabelIndex
from .vocabulary import MODIFIER_TOKEN


def _cells(row: str) -> list[str]:
    body = row.strip()
    if body.startswith("|"):
        body = body[1:]
    if body.endswith("|"):
        body = body[:-1]
    return [cell.strip() for cell in body.split("|")]


def parse_modifier_table(document: Document, lines: list[Line], resolver: LabelIndex) -> None:
    header_index = None
    for index, line in enumerate(lines):
        cells = [c.lower() for c in _cells(line.text)] if line.text.count("|") >= 2 else []
        if (
            cells
            and any("modifier" in c or c == "code" for c in cells)
            and any("desc" in c or "meaning" in c for c in cells)
        ):
            header_index = index
            break
    if header_index is None:
        if re.search(r"\bmodifier\b", document.text, re.I) and "|" in document.text:
            document.warn(1, "a table mentions modifiers but has no header row (Modifier | Description | When to Use)")
        return
    header = [c.lower() for c in _cells(lines[header_index].text)]
    width = len(header)
    code_col = next(i for i, c in enumerate(header) if "modifier" in c or c == "code")
    meaning_col = next((i for i, c in enumerate(header) if "desc" in c or "meaning" in c), None)
    when_col = next((i for i, c in enumerate(header) if "when" in c or "use" in c), None)
    index = header_index + 1
    pending: list[Line] = []

    def flush() -> None:
        if not pending:
            return
        first = pending[0]
        joined = " ".join(row.text.strip() for row in pending)
        cells = _cells(joined)
        if len(cells) < width:
            document.warn(first.number, f"modifier table row with {len(cells)} of {width} columns: {joined[:60]!r}")
        code = cells[code_col].strip() if code_col < len(cells) else ""
        if not MODIFIER_TOKEN.match(code.upper()):
            document.warn(first.number, f"modifier table row without a two-character modifier: {joined[:60]!r}")
            pending.clear()
            return
        code = code.upper()
        meaning = cells[meaning_col].strip() if meaning_col is not None and meaning_col < len(cells) else None
        when = cells[when_col].strip() if when_col is not None and when_col < len(cells) else None
        last = pending[-1]
        start = first.start + (len(first.text) - len(first.text.lstrip()))
        end = last.start + len(last.text.rstrip())
        iri = resolver.find("modifier", code)
        document.add(
            Claim.spanning(
                "modifier",
                document,
                start,
                end,
                first.number,
                code=code,
                meaning=meaning or None,
                when=when or None,
                resolved=[iri] if iri else [],
            )
        )
        pending.clear()

    row_start = re.compile(r"^\|?\s*[0-9A-Za-z]{1,4}\s*\|")
    while index < len(lines):
        line = lines[index]
        index += 1
        stripped = line.text.strip()
        if re.fullmatch(r"\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?", stripped):
            continue  # the separator row
        if not stripped:
            flush()
            continue
        open_cells = len(_cells(" ".join(p.text.strip() for p in pending))) if pending else 0
        if row_start.match(stripped):
            flush()
            pending.append(line)
        elif pending and ("|" in stripped or open_cells < width):
            pending.append(line)  # a row wrapped onto the next line
        elif "|" in stripped:
            document.warn(line.number, f"cannot read this table row: {stripped[:60]!r}")
            continue
        else:
            break  # the table ends at the first line that is neither a row nor part of one
        if len(_cells(" ".join(p.text.strip() for p in pending))) >= width and pending[-1].text.rstrip().endswith("|"):
            flush()
    flush()
