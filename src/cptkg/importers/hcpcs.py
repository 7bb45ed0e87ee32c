"""`cptkg import hcpcs`: the CMS HCPCS Level II file (hcpcs, seqnum, recid, long and short description).

Record 3 starts a code and 7 a modifier; 4 and 8 continue the long description of the record before them.
The descriptions are CMS text in the public domain. Modifiers join the registry with the curated
convention (the short description as label, the long one as definition); codes get the same minimal node
the PFS import writes (so both imports merge) and carry the CMS texts as skos:altLabel (short) and
cptkg:cmsLongDescription. Modifiers and codes the curated graph already holds are left as curated.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import BadInputError
from ..namespaces import BASE
from .common import ImportResult, OnError, RowError, code_iri, curated_facts, minimal_code, refuse_empty, stop_on_error
from .csvfile import CsvFile, Progress, report_progress
from .triples import RDF_TYPE, Triples, cptkg, iri, term, text

SOURCE = f"{BASE}source/cms-hcpcs-level2-2022"
_CODE = re.compile(r"^[A-Z][0-9]{4}$")
_MODIFIER = re.compile(r"^[0-9A-Z]{2}$")
_SEQ = re.compile(r"^[0-9]{4}$")
_COLUMNS = ("hcpcs", "seqnum", "recid", "long_description", "short_description")


@dataclass
class _Record:
    kind: str  # "code" or "modifier"
    key: str
    line: int
    short: str
    long_parts: list[str] = field(default_factory=list)


def is_header(cells: list[str]) -> bool:
    return [c.lower() for c in cells[:3]] == ["hcpcs", "seqnum", "recid"]


def _records(path: Path, on_error: str, progress: Progress | None) -> tuple[list[_Record], list[RowError]]:
    source = CsvFile.read(path)
    header, rows = source.rows_after_header(is_header, "HCPCS (hcpcs,seqnum,recid,...)")
    index = {name: header.index(name) for name in _COLUMNS if name in header}
    if len(index) != len(_COLUMNS):
        missing = ", ".join(n for n in _COLUMNS if n not in index)
        raise BadInputError(f"{path}: the header lacks {missing}")
    records: list[_Record] = []
    errors: list[RowError] = []
    seen: dict[tuple[str, str], int] = {}
    for count, row in enumerate(rows, 1):
        report_progress(progress, source, count, row)
        width = len(row.cells)
        cells = [c.strip() for c in row.cells] + [""] * len(_COLUMNS)
        key, seq, recid = cells[index["hcpcs"]].upper(), cells[index["seqnum"]], cells[index["recid"]]
        long_text, short_text = cells[index["long_description"]], cells[index["short_description"]]
        problem = None
        if width != len(header):
            problem = f"{width} columns instead of {len(header)} (an unquoted comma in a description?)"
        elif recid not in ("3", "4", "7", "8"):
            problem = f"record id {recid!r} is not 3, 4 (code) or 7, 8 (modifier)"
        elif recid in ("3", "4") and not _CODE.match(key):
            problem = f"code {key!r} is not a HCPCS Level II code (a letter and four digits)"
        elif recid in ("7", "8") and not _MODIFIER.match(key):
            problem = f"modifier {key!r} is not two letters or digits"
        elif not _SEQ.match(seq):
            problem = f"sequence number {seq!r} is not four digits"
        elif not long_text:
            problem = "the long description is empty"
        elif recid in ("3", "7") and not short_text:
            problem = "the short description is empty"
        elif recid in ("4", "8") and not (records and records[-1].key == key and records[-1].line < row.line):
            problem = f"a continuation of {key} without its first record"
        kind = "code" if recid in ("3", "4") else "modifier"
        if problem is None and recid in ("3", "7") and (kind, key) in seen:
            problem = f"a second record for {key} (first on line {seen[(kind, key)]})"
        if problem:
            errors.append(RowError(row.line, problem))
            if on_error == "fail":
                break
            continue
        if recid in ("3", "7"):
            seen[(kind, key)] = row.line
            records.append(_Record(kind, key, row.line, short_text, [long_text]))
        else:
            records[-1].long_parts.append(long_text)
    report_progress(progress, source, 0, None)
    return records, errors


def import_hcpcs(path: Path, on_error: OnError = "fail", progress: Progress | None = None) -> ImportResult:
    records, errors = _records(path, on_error, progress)
    stop_on_error(path, errors, on_error)
    refuse_empty(path, len(records), errors)
    facts = curated_facts()
    out = Triples()
    counts = {"code": 0, "modifier": 0, "curated": 0}
    for record in records:
        long_text = " ".join(part for part in record.long_parts if part)
        if record.kind == "modifier":
            subject = f"{BASE}modifier/{record.key}"
            if subject in facts["modifiers"]:
                counts["curated"] += 1
                continue
            out.extend(
                iri(subject),
                [
                    (RDF_TYPE, cptkg("Modifier")),
                    (term("skos", "notation"), text(record.key)),
                    (term("skos", "prefLabel"), text(record.short, "en")),
                    (term("skos", "definition"), text(long_text, "en")),
                    (cptkg("modifierLevel"), iri(f"{BASE}vocab/hcpcs-level-ii")),
                    (term("skos", "inScheme"), iri(f"{BASE}modifier/registry")),
                    (term("prov", "wasDerivedFrom"), iri(SOURCE)),
                ],
            )
        else:
            subject = code_iri(record.key)
            if subject in facts["codes"]:
                counts["curated"] += 1
                continue
            out.extend(iri(subject), minimal_code(record.key, SOURCE))
            out.extend(
                iri(subject),
                [
                    (term("skos", "altLabel"), text(record.short, "en")),
                    (cptkg("cmsLongDescription"), text(long_text, "en")),
                ],
            )
        counts[record.kind] += 1
    return ImportResult(
        name="hcpcs",
        triples=out,
        header=f"HCPCS Level II codes and modifiers: imported by cptkg from {path.name} (CMS, public domain).",
        summary=(
            f"{counts['code']} codes and {counts['modifier']} modifiers; "
            f"{counts['curated']} already curated and left as they are"
        ),
        skipped=errors,
    )
