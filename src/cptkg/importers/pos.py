"""`cptkg import pos`: the CMS place-of-service list (code, description) into the places of service.

The file says nothing about the PFS facility / non-facility split, so imported places carry no facility
flag: the flag is known for the curated places, and the shapes require it where a code lists a place as
typical. Places the curated graph already holds are left as curated.
"""

from __future__ import annotations

import re
from pathlib import Path

from ..namespaces import BASE
from .common import ImportResult, OnError, RowError, curated_facts, refuse_empty, stop_on_error
from .csvfile import CsvFile, Progress, report_progress
from .triples import RDF_TYPE, Triples, cptkg, iri, term, text

SOURCE = f"{BASE}source/cms-place-of-service"
_CODE = re.compile(r"^[0-9]{1,2}$")


def is_header(cells: list[str]) -> bool:
    return len(cells) >= 2 and cells[0].lower() in (
        "place_of_service_code",
        "pos code",
        "code",
        "place of service code",
    )


def import_pos(path: Path, on_error: OnError = "fail", progress: Progress | None = None) -> ImportResult:
    source = CsvFile.read(path)
    _header, rows = source.rows_after_header(is_header, "place of service (place_of_service_code,description)")
    facts = curated_facts()
    out = Triples()
    errors: list[RowError] = []
    seen: dict[str, int] = {}
    added = curated = 0
    for row in rows:
        cells = [c.strip() for c in row.cells]
        code = cells[0].zfill(2) if cells and _CODE.match(cells[0]) else None
        description = cells[1] if len(cells) > 1 else ""
        if len(cells) != 2:
            errors.append(RowError(row.line, f"{len(cells)} columns instead of 2 (code, description)"))
        elif code is None:
            errors.append(RowError(row.line, f"place of service code {cells[0] if cells else ''!r} is not two digits"))
        elif not description:
            errors.append(RowError(row.line, f"place of service {code} has no description"))
        elif code in seen:
            errors.append(RowError(row.line, f"a second row for {code} (first on line {seen[code]})"))
        else:
            seen[code] = row.line
            subject = f"{BASE}pos/{code}"
            if subject in facts["places"]:
                curated += 1
                continue
            out.extend(
                iri(subject),
                [
                    (RDF_TYPE, cptkg("PlaceOfService")),
                    (term("skos", "notation"), text(code)),
                    (term("skos", "prefLabel"), text(description, "en")),
                    (term("skos", "inScheme"), iri(f"{BASE}pos/scheme")),
                    (term("prov", "wasDerivedFrom"), iri(SOURCE)),
                ],
            )
            added += 1
            continue
        if on_error == "fail":
            break
    report_progress(progress, source, 0, None)
    stop_on_error(path, errors, on_error)
    refuse_empty(path, len(seen), errors)
    return ImportResult(
        name="pos",
        triples=out,
        header=f"CMS places of service: imported by cptkg from {path.name} (CMS, public domain).",
        summary=f"{added} places of service; {curated} already curated and left as they are",
        skipped=errors,
    )
