"""Write the curated CMS rows of the EGD family, the stomal family and the pouch codes:

* ontology/medicare/pfs-2025-egd-stomal.ttl: their Medicare PFS 2025 (October) entries, exactly as
  `cptkg import pfs` gives them (the importer itself reads the file), every triple of each entry, no CMS
  descriptions;
* ontology/medicare/opps-2025-egd-stomal.ttl: their OPPS CY2025 assignments from Addendum B (the codes listed
  there), in the pattern of opps-2025.ttl, with the status indicators opps-2025.ttl lacks, read from Addendum D1.

The codes are read from the PFS file: each base code (43235, 44380) and every row whose ENDO BASE is one of them,
plus the pouch codes 44385 and 44386, which have no base. The output is sorted and deterministic.

    .venv/bin/python tools/curate_cms_rows.py [--cms ../shared/reference/cms] [--check]

--check writes nothing and exits 1 if a file would change.
"""

from __future__ import annotations

import argparse
import csv
import io
import re
import sys
from pathlib import Path

from cptkg.importers.output import turtle_number

ROOT = Path(__file__).resolve().parent.parent
BASE = "https://w3id.org/cptkg/"
XSD = "http://www.w3.org/2001/XMLSchema#"
BASE_CODES = ("43235", "44380")
POUCH_CODES = ("44385", "44386")
PFS_OUT = ROOT / "ontology" / "medicare" / "pfs-2025-egd-stomal.ttl"
OPPS_OUT = ROOT / "ontology" / "medicare" / "opps-2025-egd-stomal.ttl"
PREFIXES = {
    "cpt": BASE + "cpt/",
    "cptkg": BASE + "ontology#",
    "mod": BASE + "modifier/",
    "payer": BASE + "payer/",
    "prov": "http://www.w3.org/ns/prov#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "src": BASE + "source/",
    "vocab": BASE + "vocab/",
    "xsd": XSD,
}
RELATIVE = (BASE + "pfs/", BASE + "opps/")  # written relative to @base, as in pfs-2025.ttl and opps-2025.ttl
_TYPED = re.compile(r'^"(.*)"\^\^<' + re.escape(XSD) + r"(\w+)>$", re.S)


def family_codes(pfs_csv: Path) -> list[str]:
    """The base codes, every row whose ENDO BASE is one of them, and the pouch codes, sorted."""
    table = list(csv.reader(pfs_csv.read_text(encoding="utf-8-sig").splitlines()))
    last = max(i for i, row in enumerate(table) if row and row[0] == "HCPCS")
    column = next(
        i for i, pair in enumerate(zip(table[last - 1], table[last], strict=False)) if pair == ("ENDO", "BASE")
    )
    codes = {row[0] for row in table[last + 1 :] if len(row) > column and row[column].strip() in BASE_CODES}
    return sorted(codes | set(BASE_CODES) | set(POUCH_CODES))


def node(value: str) -> str:
    """An N-Triples IRI or literal in the Turtle of the curated files."""
    if value.startswith("<"):
        iri = value[1:-1]
        for base in RELATIVE:
            if iri.startswith(base):
                return f"<{iri[len(BASE) :]}>"
        for prefix, namespace in PREFIXES.items():
            local = iri[len(namespace) :]
            if iri.startswith(namespace) and re.fullmatch(r"[A-Za-z0-9_][A-Za-z0-9_.-]*", local) and local[-1] != ".":
                return f"{prefix}:{local}"
        return value
    shortened = turtle_number(value)
    if shortened is not None:
        return shortened
    match = _TYPED.match(value)
    if match:
        lexical, datatype = match.groups()
        return f'"{lexical}"^^xsd:{datatype}'
    return value


def block(subject: str, pairs: list[tuple[str, str]]) -> str:
    verbs = [
        f"{'a' if p == '<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>' else node(p)} {node(o)}" for p, o in pairs
    ]
    return f"{node(subject)} " + " ;\n    ".join(verbs) + " .\n"


def header(comment: str, prefixes: list[str]) -> str:
    lines = [f"# {line}" for line in comment.splitlines()]
    lines.append(f"@base <{BASE}> .")
    lines += [f"@prefix {p}: <{PREFIXES[p]}> ." for p in sorted(prefixes)]
    return "\n".join(lines) + "\n"


def pfs_turtle(pfs_csv: Path, codes: list[str]) -> str:
    sys.path.insert(0, str(ROOT / "src"))
    from cptkg.importers import import_pfs

    result = import_pfs(pfs_csv, 2025, "october")
    wanted = {f"<{BASE}cpt/{code}>" for code in codes}
    for_code = f"<{BASE}ontology#forCode>"
    entries = {
        subject: pairs
        for subject, pairs in result.triples.subjects.items()
        if any(p == for_code and o in wanted for p, o in pairs)
    }
    missing = wanted - {o for pairs in entries.values() for p, o in pairs if p == for_code}
    if missing:
        raise SystemExit(f"{pfs_csv}: no row for {sorted(missing)}")
    text = header(
        "Medicare Physician Fee Schedule 2025, October release: the rows of the esophagogastroduodenoscopy family\n"
        "(base 43235), the ileoscopy-through-a-stoma family (base 44380) and the ileal pouch codes 44385 and 44386,\n"
        "every column of the record layout. Written by tools/curate_cms_rows.py from PPRRVU2025_Oct.csv with the\n"
        "cptkg importer, so each entry is the import's triple for triple; CMS short descriptions (AMA text) are left\n"
        "out. The release node is in pfs-2025.ttl.",
        ["cpt", "cptkg", "mod", "payer", "prov", "skos", "src", "vocab", "xsd"],
    )
    for subject in sorted(entries, key=lambda s: s.rsplit("/", 1)[1]):
        text += "\n" + block(subject, entries[subject])
    return text


def latin1_rows(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_bytes().decode("latin-1")), delimiter="\t"))


def declared_indicators() -> set[str]:
    """The OPPS status indicators the other curated files declare."""
    found = set()
    for path in (ROOT / "ontology").rglob("*.ttl"):
        if path != OPPS_OUT:
            found |= set(re.findall(r"vocab:opps-si-(\w+) a cptkg:OPPSStatusIndicator", path.read_text("utf-8")))
    return found


def indicator_meanings(d1: Path) -> dict[str, tuple[str, str]]:
    meanings = {}
    for row in latin1_rows(d1):
        if len(row) >= 3 and re.fullmatch(r"[A-Z][0-9]?", row[0].strip()):
            meanings[row[0].strip()] = (" ".join(row[1].split()), " ".join(row[2].split()))
    return meanings


def money(value: str) -> str:
    return value.replace("$", "").replace(",", "").strip()


def opps_turtle(addendum_b: Path, d1: Path, codes: list[str]) -> str:
    rows = latin1_rows(addendum_b)
    head = next(i for i, row in enumerate(rows) if row and row[0].strip() == "HCPCS Code")
    names = [name.strip() for name in rows[head]]
    column = {name: names.index(name) for name in ("HCPCS Code", "SI", "APC", "Relative Weight", "Payment Rate")}
    found: dict[str, dict[str, str]] = {}
    for row in rows[head + 1 :]:
        if row and row[0].strip() in codes:
            found[row[0].strip()] = {
                name: (row[index].strip() if index < len(row) else "") for name, index in column.items()
            }
    indicators = sorted({values["SI"] for values in found.values()} - declared_indicators())
    meanings = indicator_meanings(d1)
    text = header(
        "Medicare hospital outpatient (OPPS) CY2025 assignments of the esophagogastroduodenoscopy family, the\n"
        "ileoscopy-through-a-stoma family and the ileal pouch codes: status indicator, APC, relative weight and\n"
        "payment rate as Addendum B gives them, for the codes it lists. Written by tools/curate_cms_rows.py from\n"
        "OPPS2025_AddendumB.txt (status indicators opps-2025.ttl lacks: from Addendum D1). CMS short descriptors are\n"
        "left out.",
        ["cpt", "cptkg", "payer", "prov", "skos", "src", "vocab"],
    )
    for si in indicators:
        meaning, payment = meanings[si]
        words = meaning.split()
        lowered = " ".join([words[0].lower(), *(w.lower() if not w.isupper() else w for w in words[1:])])
        text += (
            f"\nvocab:opps-si-{si} a cptkg:OPPSStatusIndicator ;\n"
            f'    skos:notation "{si}" ;\n'
            f'    skos:prefLabel "OPPS {si}: {lowered}"@en ;\n'
            f'    skos:definition "{meaning}. {payment}"@en ;\n'
            "    skos:inScheme vocab:opps-status-indicators ;\n"
            "    prov:wasDerivedFrom src:cms-opps-2025-addenda .\n"
        )
    for code in sorted(found):
        values = found[code]
        lines = [
            f"<opps/2025/{code}> a cptkg:OPPSEntry",
            f'skos:prefLabel "Medicare OPPS CY2025: {code}"@en',
            f"cptkg:forCode cpt:{code}",
            "cptkg:payer payer:medicare",
            "cptkg:scheduleYear 2025",
            f"cptkg:oppsStatusIndicator vocab:opps-si-{values['SI']}",
        ]
        if values["APC"]:
            lines.append(f'cptkg:apc "{values["APC"]}"')
        if values["Relative Weight"]:
            lines.append(f"cptkg:relativeWeight {values['Relative Weight']}")
        if values["Payment Rate"]:
            lines.append(f"cptkg:paymentRateUSD {money(values['Payment Rate'])}")
        lines.append("prov:wasDerivedFrom src:cms-opps-2025-addenda")
        text += "\n" + " ;\n    ".join(lines) + " .\n"
    return text


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cms", type=Path, default=ROOT.parent / "shared" / "reference" / "cms")
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 if a file would change")
    args = parser.parse_args(argv)
    pfs_csv = args.cms / "PPRRVU2025_Oct.csv"
    codes = family_codes(pfs_csv)
    outputs = {
        PFS_OUT: pfs_turtle(pfs_csv, codes),
        OPPS_OUT: opps_turtle(args.cms / "OPPS2025_AddendumB.txt", args.cms / "OPPS2025_AddendumD1.txt", codes),
    }
    stale = [path for path, text in outputs.items() if not path.is_file() or path.read_text("utf-8") != text]
    if args.check:
        for path in stale:
            print(f"{path.relative_to(ROOT)} is out of date", file=sys.stderr)
        return 1 if stale else 0
    for path, text in outputs.items():
        path.write_text(text, encoding="utf-8")
        print(f"wrote {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
