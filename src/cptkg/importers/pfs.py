"""`cptkg import pfs`: the Medicare Physician Fee Schedule relative value file (PPRRVU, record layout RVUxxD)
as one cptkg:FeeScheduleEntry per row, every column with its datatype and indicator concept.

The rows of codes the curated graph holds come out triple for triple as the curated entries
(ontology/medicare/pfs-2025.ttl): the same IRIs, lexical forms and indicator concepts. Codes the curated graph
lacks get a minimal code node (notation, code system, an identifier label). The DESCRIPTION column is AMA
text for CPT codes and ADA text for dental codes: it is left out unless the user asks for it
(include_descriptions, for the user's own licensed copy), and nothing the project ships carries it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from ..namespaces import BASE
from .common import (
    CPT_OR_HCPCS,
    ImportResult,
    OnError,
    RowError,
    code_iri,
    curated_facts,
    minimal_code,
    refuse_empty,
    stop_on_error,
)
from .csvfile import CsvFile, Progress, Row, report_progress
from .triples import RDF_TYPE, Triples, boolean, cptkg, iri, term, text, typed

# The record layout of the relative value file (RVU25D), column by column: every cell is read by its name.
PFS_LAYOUT = (
    "hcpcs", "modifier", "description", "status", "not_used_for_payment", "work_rvu", "nonfacility_pe_rvu",
    "nonfacility_na", "facility_pe_rvu", "facility_na", "mp_rvu", "nonfacility_total", "facility_total", "pctc",
    "global_days", "pre_op", "intra_op", "post_op", "mult_proc", "bilateral", "assistant", "co_surgeons",
    "team_surgery", "endo_base", "conversion_factor", "supervision", "calculation_flag", "imaging_family",
    "opps_nonfacility_pe", "opps_facility_pe", "opps_mp",
)  # fmt: skip
COLUMNS = len(PFS_LAYOUT)
COL = {name: index for index, name in enumerate(PFS_LAYOUT)}
_DECIMAL = re.compile(r"^[0-9]{0,6}\.[0-9]{1,4}$|^[0-9]{1,6}$")
_MODIFIER = re.compile(r"^[0-9A-Z]{2}$")
_MONTHS = ("january", "april", "july", "october")

# Indicator columns: (column, property, vocabulary prefix of the concept IRI)
_INDICATORS = [
    ("status", "statusCode", "pfs-status-"),
    ("pctc", "pctcIndicator", "pfs-pctc-"),
    ("global_days", "globalSurgery", "pfs-global-"),
    ("mult_proc", "multipleProcedureIndicator", "pfs-mult-proc-"),
    ("bilateral", "bilateralSurgeryIndicator", "pfs-bilateral-"),
    ("assistant", "assistantAtSurgeryIndicator", "pfs-assistant-"),
    ("co_surgeons", "coSurgeonIndicator", "pfs-co-surgeons-"),
    ("team_surgery", "teamSurgeryIndicator", "pfs-team-surgery-"),
    ("supervision", "physicianSupervision", "pfs-supervision-"),
    ("imaging_family", "diagnosticImagingFamily", "pfs-imaging-family-"),
]
_REQUIRED_DECIMALS = {"work_rvu": "work RVU", "nonfacility_pe_rvu": "non-facility PE RVU",
                      "facility_pe_rvu": "facility PE RVU", "mp_rvu": "malpractice RVU",
                      "nonfacility_total": "total non-facility RVU", "facility_total": "total facility RVU",
                      "conversion_factor": "conversion factor"}  # fmt: skip
_OPTIONAL_DECIMALS = {"pre_op": "preoperative percentage", "intra_op": "intraoperative percentage",
                      "post_op": "postoperative percentage", "opps_nonfacility_pe": "OPPS non-facility PE RVU",
                      "opps_facility_pe": "OPPS facility PE RVU", "opps_mp": "OPPS malpractice RVU"}  # fmt: skip

_PERCENTAGES = (
    ("pre_op", "preOperativePercentage"),
    ("intra_op", "intraOperativePercentage"),
    ("post_op", "postOperativePercentage"),
)
_OPPS = (
    ("opps_nonfacility_pe", "oppsNonFacilityPracticeExpenseRVU"),
    ("opps_facility_pe", "oppsFacilityPracticeExpenseRVU"),
    ("opps_mp", "oppsMalpracticeRVU"),
)


@dataclass(frozen=True)
class Release:
    year: int
    name: str  # january, april, july, october (or another name CMS uses)
    curated: bool = False  # the release the shipped graph holds (2025 October)

    @property
    def iri(self) -> str:
        return f"{BASE}pfs/{self.year}/release/{self.name}"

    def entry_iri(self, code: str, modifier: str) -> str:
        """pfs/<year>/<code> for the curated release, so that its entries are the curated ones;
        pfs/<year>/<release>/<code> for any other, so that two releases of a year never share an entry."""
        local = code + (f"-{modifier}" if modifier else "")
        return f"{BASE}pfs/{self.year}/{local}" if self.curated else f"{BASE}pfs/{self.year}/{self.name}/{local}"

    @property
    def title(self) -> str:
        return f"{self.name[:1].upper()}{self.name[1:]}"

    @property
    def source(self) -> str:
        return f"{BASE}source/cms-pfs-rvu-{self.year}-{self.name[:3] if self.name in _MONTHS else self.name}"


def is_header(cells: list[str]) -> bool:
    return len(cells) >= 3 and cells[0].upper() == "HCPCS" and cells[1].upper() == "MOD"


def _decimal(value: str, what: str, errors: list[str]) -> str | None:
    value = value.strip()
    if not _DECIMAL.match(value):
        errors.append(f"{what} {value!r} is not a decimal")
        return None
    return value


def parse_row(
    row: Row, release: Release, facts: dict[str, set[str]], include_descriptions: bool
) -> tuple[str, list[tuple[str, str]], str, str] | RowError:
    """The entry of one row: (entry IRI, its predicate-object pairs, code, modifier), or what is wrong."""
    if len(row.cells) != COLUMNS:
        return RowError(row.line, f"{len(row.cells)} columns instead of {COLUMNS}")
    cells = {name: cell.strip() for name, cell in zip(PFS_LAYOUT, row.cells, strict=True)}
    code, modifier = cells["hcpcs"].upper(), cells["modifier"].upper()
    errors: list[str] = []
    if not CPT_OR_HCPCS.match(code):
        errors.append(f"code {cells['hcpcs']!r} is not a CPT or HCPCS code")
    if modifier and not _MODIFIER.match(modifier):
        errors.append(f"modifier {cells['modifier']!r} is not two letters or digits")
    elif modifier and f"{BASE}modifier/{modifier}" not in facts["modifiers"]:
        errors.append(f"modifier {modifier} is not in the modifier registry")
    entry = release.entry_iri(code, modifier)
    pairs: list[tuple[str, str]] = [
        (RDF_TYPE, cptkg("FeeScheduleEntry")),
        (
            term("skos", "prefLabel"),
            text(
                f"Medicare PFS {release.year} ({release.title} release): {code}"
                + (f" modifier {modifier}" if modifier else ""),
                "en",
            ),
        ),
        (cptkg("forCode"), iri(code_iri(code))),
    ]
    if modifier:
        pairs.append((cptkg("forModifier"), iri(f"{BASE}modifier/{modifier}")))
    pairs += [
        (cptkg("payer"), iri(f"{BASE}payer/medicare")),
        (cptkg("scheduleYear"), typed(str(release.year), "integer")),
        (cptkg("inRelease"), iri(release.iri)),
    ]
    indicator_pairs = []
    for column, prop, prefix in _INDICATORS:
        concept = f"{BASE}vocab/{prefix}{cells[column]}"
        if concept not in facts["indicators"]:
            errors.append(f"{prop} {cells[column]!r} is not a value of its CMS value set")
        indicator_pairs.append((cptkg(prop), iri(concept)))
    status, pctc, glob, *other_indicators = indicator_pairs
    if cells["not_used_for_payment"] not in ("", "+"):
        errors.append(f"the not-used-for-payment flag {cells['not_used_for_payment']!r} is neither empty nor '+'")
    for column, what in (("nonfacility_na", "non-facility NA flag"), ("facility_na", "facility NA flag")):
        if cells[column].upper() not in ("", "NA"):
            errors.append(f"the {what} {cells[column]!r} is neither empty nor NA")
    values = {column: _decimal(cells[column], what, errors) for column, what in _REQUIRED_DECIMALS.items()}
    optional = {c: _decimal(cells[c], what, errors) for c, what in _OPTIONAL_DECIMALS.items() if cells[c]}
    base_code = cells["endo_base"].upper()
    if base_code and not CPT_OR_HCPCS.match(base_code):
        errors.append(f"endoscopic base code {cells['endo_base']!r} is not a CPT or HCPCS code")
    if errors:
        return RowError(row.line, "; ".join(errors))

    def dec(column: str) -> str:
        value = values.get(column) or optional.get(column)
        assert value is not None
        return typed(value, "decimal")

    pairs += [
        status,
        (cptkg("notUsedForMedicarePayment"), boolean(cells["not_used_for_payment"] == "+")),
        (cptkg("workRVU"), dec("work_rvu")),
        (cptkg("nonFacilityPracticeExpenseRVU"), dec("nonfacility_pe_rvu")),
        (cptkg("nonFacilityNotApplicable"), boolean(cells["nonfacility_na"].upper() == "NA")),
        (cptkg("facilityPracticeExpenseRVU"), dec("facility_pe_rvu")),
        (cptkg("facilityNotApplicable"), boolean(cells["facility_na"].upper() == "NA")),
        (cptkg("malpracticeRVU"), dec("mp_rvu")),
        (cptkg("totalNonFacilityRVU"), dec("nonfacility_total")),
        (cptkg("totalFacilityRVU"), dec("facility_total")),
        pctc,
        glob,
    ]
    pairs += [(cptkg(prop), dec(column)) for column, prop in _PERCENTAGES if column in optional]
    pairs += other_indicators[:5]
    if base_code:
        pairs.append((cptkg("endoscopicBaseCode"), iri(code_iri(base_code))))
    pairs += [
        (cptkg("conversionFactor"), dec("conversion_factor")),
        other_indicators[5],
        (cptkg("calculationFlag"), text(cells["calculation_flag"])),
        other_indicators[6],
    ]
    pairs += [(cptkg(prop), dec(column)) for column, prop in _OPPS if column in optional]
    if include_descriptions and cells["description"]:
        pairs.append((cptkg("cmsShortDescription"), text(cells["description"], "en")))
    pairs.append((term("prov", "wasDerivedFrom"), iri(release.source)))
    return entry, pairs, code, base_code


def release_triples(release: Release, path: Path, banner: str, conversion: str | None, out: Triples) -> None:
    """The release node and its source, unless the curated graph already declares them."""
    out.extend(
        iri(release.source),
        [
            (RDF_TYPE, cptkg("Source")),
            (term("dcterms", "title"), text(banner or f"Medicare PFS relative value file {release.year}")),
            (term("dcterms", "publisher"), text("Centers for Medicare & Medicaid Services")),
            (cptkg("fileName"), text(path.name)),
            (cptkg("sourceKind"), iri(f"{BASE}vocab/primary-source")),
        ],
    )
    pairs = [
        (RDF_TYPE, cptkg("FeeScheduleRelease")),
        (
            term("skos", "prefLabel"),
            text(f"Medicare PFS relative value file {release.year}, {release.title} release", "en"),
        ),
        (cptkg("payer"), iri(f"{BASE}payer/medicare")),
        (cptkg("scheduleYear"), typed(str(release.year), "integer")),
        (cptkg("releaseName"), text(release.name)),
    ]
    if conversion:
        pairs.append((cptkg("conversionFactor"), typed(conversion, "decimal")))
    pairs.append((term("prov", "wasDerivedFrom"), iri(release.source)))
    out.extend(iri(release.iri), pairs)


def import_pfs(
    path: Path,
    year: int,
    release_name: str,
    include_descriptions: bool = False,
    on_error: OnError = "fail",
    progress: Progress | None = None,
) -> ImportResult:
    """Read a PPRRVU file into triples. With on_error="fail" the first malformed row stops the import (the
    caller writes nothing); with "skip" malformed rows are left out and reported."""
    from ..errors import BadInputError

    if not 1992 <= year <= 2100:
        raise BadInputError(f"--year {year} is not a fee-schedule year")
    if not re.match(r"^[a-z][a-z0-9-]*$", release_name):
        raise BadInputError(f"--release {release_name!r}: use a lower-case name such as october")
    facts = curated_facts()
    release = Release(year, release_name, f"{BASE}pfs/{year}/release/{release_name}" in facts["releases"])
    if release.source == f"{BASE}source/cms-pfs-rvu-2025-oct" and release.source not in facts["sources"]:
        raise BadInputError("the curated source of the 2025 October file is missing")  # a broken installation
    source = CsvFile.read(path)
    header, rows = source.rows_after_header(is_header, "PFS relative value (HCPCS,MOD,...)")
    if len(header) != COLUMNS:
        raise BadInputError(f"{path}: the header has {len(header)} columns, the PFS record layout has {COLUMNS}")
    banner = source.banner()
    _check_banner(path, banner, year, release_name)
    out = Triples()
    errors: list[RowError] = []
    codes: dict[str, str] = {}
    conversions: set[str] = set()
    seen: dict[str, int] = {}
    entries = 0
    for count, row in enumerate(rows, 1):
        report_progress(progress, source, count, row)
        parsed = parse_row(row, release, facts, include_descriptions)
        if isinstance(parsed, RowError):
            errors.append(parsed)
            if on_error == "fail":
                break
            continue
        entry, pairs, code, base_code = parsed
        if entry in seen:
            errors.append(
                RowError(row.line, f"a second row for {entry.rsplit('/', 1)[1]} (first on line {seen[entry]})")
            )
            if on_error == "fail":
                break
            continue
        seen[entry] = row.line
        out.extend(iri(entry), pairs)
        entries += 1
        conversions.add(row.cells[COL["conversion_factor"]].strip())
        codes.setdefault(code, release.source)
        if base_code:
            codes.setdefault(base_code, release.source)
    report_progress(progress, source, 0, None)
    stop_on_error(path, errors, on_error)
    refuse_empty(path, entries, errors)
    if release.iri not in facts["releases"]:
        release_triples(release, path, banner, next(iter(conversions)) if len(conversions) == 1 else None, out)
    added = 0
    for code in sorted(codes):
        if code_iri(code) not in facts["codes"]:
            out.extend(iri(code_iri(code)), minimal_code(code, codes[code]))
            added += 1
    return ImportResult(
        name=f"pfs-{year}-{release_name}",
        triples=out,
        header=(
            f"Medicare Physician Fee Schedule {year}, {release.title} release: imported by cptkg from {path.name}.\n"
            + (
                "Contains CMS short descriptions (AMA/ADA text for CPT and dental codes): for the licensee's own use."
                if include_descriptions
                else "CPT and dental short descriptions (AMA/ADA text) are left out."
            )
        ),
        summary=f"{entries} fee-schedule entries, {added} new code nodes",
        skipped=errors,
    )


_BANNER = re.compile(r"\b((?:19|20)[0-9]{2})\b.*\bRelative Value File\b\s+([A-Za-z]+)\s+Release\b", re.I)


def _check_banner(path: Path, banner: str, year: int, release_name: str) -> None:
    """--year and --release must agree with the title CMS puts on the file, when it has one."""
    from ..errors import BadInputError

    match = _BANNER.search(banner)
    if match and (int(match.group(1)) != year or match.group(2).lower() != release_name):
        raise BadInputError(
            f"{path}: the file is the {match.group(1)} {match.group(2).lower()} release ({banner!r}), "
            f"not --year {year} --release {release_name}"
        )
