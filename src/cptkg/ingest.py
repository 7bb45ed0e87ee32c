"""`cptkg ingest`: read code-overview documents into source claims.

A code overview has a title line ("CPT 44365: ..."), a summary, a billing-code overview with bullets for the
service type and the typical site of service, a clinical context (the vignette) and coding specifications
with a modifier table. Real documents are untidy: a byte-order mark, CRLF line ends, bullets alone on a line,
wrapped lines, table rows without a leading pipe, sections missing or in another order. The parser reads what
it can, reports what it cannot read as a warning with its line, and never invents a claim: every claim
carries the exact span of text it came from.

Resolution to the curated graph (a place of service, a payer, a technique, a segment, a modifier) uses the
graph's own labels, so a word the graph does not know stays unresolved, and the audit says so.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import BadInputError
from .namespaces import ANAT, BASE, CPT, HCPCS, PAYER, POS, VOCAB

HEADINGS = {
    "summary & overview": "summary",
    "summary and overview": "summary",
    "billing code overview": "billing",
    "clinical & coding specifications": "clinical-coding",
    "clinical and coding specifications": "clinical-coding",
    "clinical context": "clinical",
    "coding specifications": "coding",
}


@dataclass
class Claim:
    """One claim of a document: what kind, the exact words and where they are, and what it resolves to."""

    kind: str  # code-title, extent, technique, service-type, site-of-service, payer, modifier, vignette
    text: str  # the exact words of the document
    start: int  # offsets into the decoded document (after the byte-order mark, line ends as in the file)
    end: int
    line: int
    value: str | None = None
    code: str | None = None
    meaning: str | None = None
    when: str | None = None
    limit: str | None = None  # extent claims: reachesBeyond, doesNotReach or mustReach
    aspect: str | None = None  # vignette claims: age, sex, indication, finding, instrument, sedation, step
    order: int | None = None  # vignette workflow steps: 1, 2, ...
    resolved: list[str] = field(default_factory=list)


@dataclass
class Warning_:
    line: int
    message: str


@dataclass
class Document:
    path: Path
    text: str
    sha256: str
    code: str | None = None
    title: str | None = None
    claims: list[Claim] = field(default_factory=list)
    warnings: list[Warning_] = field(default_factory=list)

    @property
    def slug(self) -> str:
        stem = re.sub(r"[^a-z0-9]+", "-", self.path.stem.lower()).strip("-") or "document"
        return stem

    @property
    def code_iri(self) -> str | None:
        if not self.code:
            return None
        return (CPT if self.code[0].isdigit() else HCPCS) + self.code


# ---------------------------------------------------------------- what the parser recognises

SEGMENT_WORDS = {
    "esophagus": "esophagus",
    "oesophagus": "esophagus",
    "stomach": "stomach",
    "jejunum": "jejunum",
    "ileum": "ileum",
    "duodenum": "duodenum",
}
ORDINALS = {"first": "1", "1st": "1", "second": "2", "2nd": "2", "third": "3", "3rd": "3", "fourth": "4", "4th": "4"}
_SEGMENT = (
    r"(?:the\s+)?(?:(?P<ordinal>first|second|third|fourth|1st|2nd|3rd|4th)\s+(?:portion|part)\s+of\s+the\s+duodenum"
    r"|(?P<word>esophagus|oesophagus|stomach|duodenum|jejunum|ileum))"
)
EXTENT_PATTERNS = [
    ("reachesBeyond", re.compile(r"\b(?:beyond|past)\s+" + _SEGMENT, re.I)),
    (
        "doesNotReach",
        re.compile(
            r"\b(?:not\s+including|does\s+not\s+include|stops?\s+short\s+of|excluding|without\s+reaching)\s+"
            + _SEGMENT,
            re.I,
        ),
    ),
    ("mustReach", re.compile(r"(?<!not )\b(?:including|into|reaching)\s+" + _SEGMENT, re.I)),
]
# technique words: a phrase is a technique claim when it names one of these; the graph's labels resolve it
TECHNIQUE_PHRASES = [
    "hot biopsy forceps",
    "cold biopsy forceps",
    "biopsy forceps",
    "bipolar cautery",
    "unipolar cautery",
    "monopolar cautery",
    "electrocautery",
    "heater probe",
    "argon plasma coagulation",
    "plasma coagulator",
    "cold snare",
    "hot snare",
    "snare",
    "laser",
    "injection",
    "stapler",
    "clips",
    "endoclips",
]
SITE_SPLIT = re.compile(r"\s*(?:,|;|\bor\b|\band\b|/)\s*", re.I)
INDICATIONS = [
    (re.compile(r"\bmelena\b", re.I), "melena"),
    (re.compile(r"\biron[- ]deficiency anemia\b", re.I), "iron-deficiency-anemia-blood-loss"),
    (re.compile(r"\b(?:fecal )?occult (?:GI |gastrointestinal )?blood(?: loss)?\b", re.I), "occult-blood-in-stool"),
]
MODIFIER_TOKEN = re.compile(r"^[0-9A-Z]{2}$")


def _norm(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).lower().replace("’", "'")
    return re.sub(r"[^a-z0-9']+", " ", text).strip()


# ---------------------------------------------------------------- reading the file


def read_document(path: Path) -> Document:
    """Decode a document; unreadable input (missing, empty, binary, not UTF-8 text) is a BadInputError."""
    try:
        data = path.read_bytes()
    except OSError as err:
        raise BadInputError(f"{path}: cannot read: {err.strerror or err}") from None
    if not data.strip(b"\xef\xbb\xbf \t\r\n"):
        raise BadInputError(f"{path}: the document is empty")
    if b"\0" in data[:8192]:
        raise BadInputError(f"{path}: not a text document (binary content)")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            raise BadInputError(f"{path}: not a text document (neither UTF-8 nor Windows-1252)") from None
    controls = sum(1 for c in text if unicodedata.category(c) == "Cc" and c not in "\r\n\t\f")
    if controls > max(5, len(text) // 100):
        raise BadInputError(f"{path}: not a text document (control characters)")
    return Document(path=path, text=text, sha256=hashlib.sha256(data).hexdigest())


@dataclass
class Line:
    number: int
    start: int  # offset of the line's first character
    text: str  # without its line end


def _lines(text: str) -> list[Line]:
    lines = []
    offset = 0
    for number, raw in enumerate(text.splitlines(keepends=True), 1):
        body = raw.rstrip("\r\n")
        lines.append(Line(number, offset, body))
        offset += len(raw)
    return lines


def _section_of(lines: list[Line]) -> dict[int, str]:
    """The section each line belongs to (by heading); lines before any heading belong to 'preamble'."""
    current = "preamble"
    sections: dict[int, str] = {}
    for line in lines:
        key = _norm(line.text).replace(" and ", " & ")
        heading = HEADINGS.get(line.text.strip().lower()) or HEADINGS.get(key)
        if heading:
            current = heading
        sections[line.number] = current
    return sections


# ---------------------------------------------------------------- the parser


class Resolver:
    """Looks names up among the curated graph's labels (codes, segments, techniques, places, payers ...)."""

    def __init__(self, labels: dict[str, dict[str, str]], codes: set[str]) -> None:
        self.labels = labels  # class key -> normalised label -> IRI
        self.codes = codes

    @classmethod
    def from_graph(cls, engine: Any = None) -> Resolver:
        from .api import engine as default_engine

        target = engine if engine is not None else default_engine("oxigraph")
        table = target.select(_LABELS_QUERY)
        labels: dict[str, dict[str, str]] = {}
        codes: set[str] = set()
        for kind, node, text, how in table.rows:
            if kind is None or node is None or text is None or how is None:
                continue
            if kind.value == "code" and how.value == "notation":
                codes.add(text.value)
            labels.setdefault(kind.value, {}).setdefault(_norm(text.value), node.value)
        return cls(labels, codes)

    def find(self, kind: str, phrase: str) -> str | None:
        return self.labels.get(kind, {}).get(_norm(phrase))


_LABELS_QUERY = """
PREFIX cptkg: <https://w3id.org/cptkg/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?kind ?node ?text ?how WHERE {
  VALUES (?class ?kind) {
    (cptkg:Technique "technique") (cptkg:Payer "payer") (cptkg:PlaceOfService "place")
    (cptkg:AnatomicalEntity "segment") (cptkg:Modifier "modifier") (cptkg:ServiceType "service-type")
    (cptkg:Device "device") (cptkg:SedationLevel "sedation") (cptkg:ClinicalIndication "indication")
    (cptkg:CareSetting "care-setting") (cptkg:LesionType "lesion") (cptkg:ProcedureCode "code")
  }
  ?node a/rdfs:subClassOf* ?class .
  { ?node skos:prefLabel|skos:altLabel ?text . BIND("label" AS ?how) }
  UNION { ?node skos:notation ?text . BIND("notation" AS ?how) }
}
"""

# What a site-of-service phrase means, when the graph's labels do not name it directly.
SITE_WORDS = [
    (re.compile(r"\bambulatory surg(?:ical|ery) cent(?:er|re)\b|\bASC\b", re.I), [POS + "24"]),
    (re.compile(r"\bhospital outpatient\b|\boutpatient hospital\b|\bHOPD\b", re.I), [POS + "19", POS + "22"]),
    (re.compile(r"\binpatient\b", re.I), [POS + "21"]),
    (re.compile(r"\b(?:physician(?:'s|s)? |doctor(?:'s|s)? |private )?office\b|\bclinic\b", re.I), [POS + "11"]),
    (re.compile(r"\bendoscopy (?:suite|unit|center|centre)\b", re.I), [VOCAB + "outpatient-endoscopy-suite"]),
]


def parse(document: Document, resolver: Resolver) -> Document:
    """Fill the document's claims and warnings (a document's claims are replaced on each call)."""
    document.claims = []
    document.warnings = []
    text = document.text
    lines = _lines(text)
    sections = _section_of(lines)
    _parse_title(document, lines, resolver)
    _parse_extents(document, lines, sections)
    _parse_techniques(document, lines, sections, resolver)
    _parse_bullets(document, lines, resolver)
    _parse_payers(document, lines, resolver)
    _parse_modifier_table(document, lines, resolver)
    _parse_vignette(document, lines, sections, resolver)
    document.claims.sort(key=lambda c: (c.start, c.kind, c.end))
    return document


def _add(document: Document, claim: Claim) -> None:
    for other in document.claims:
        same = (other.kind, other.value, other.limit, other.aspect, other.code, other.meaning, other.order)
        if same == (claim.kind, claim.value, claim.limit, claim.aspect, claim.code, claim.meaning, claim.order):
            return  # a claim stated again is the same claim: the first span stands for it
    document.claims.append(claim)


def _parse_title(document: Document, lines: list[Line], resolver: Resolver) -> None:
    pattern = re.compile(
        r"^\s*(?:CPT|HCPCS)(?:\s+code)?\s*[:#]?\s*([0-9]{4}[0-9A-Z]|[A-Z][0-9]{4})\s*[:\-–—]\s*(\S.*?)\s*$", re.I
    )
    for line in lines:
        match = pattern.match(line.text)
        if match:
            code, title = match.group(1).upper(), match.group(2)
            document.code, document.title = code, title
            iri = document.code_iri
            start = line.start + (len(line.text) - len(line.text.lstrip()))
            end = line.start + len(line.text.rstrip())
            _add(
                document,
                Claim(
                    "code-title",
                    line.text.strip(),
                    start,
                    end,
                    line.number,
                    value=title,
                    code=code,
                    resolved=[iri] if iri and code in resolver.codes else [],
                ),
            )
            if code not in resolver.codes:
                document.warnings.append(
                    Warning_(line.number, f"code {code} is not in the graph; its claims cannot be audited")
                )
            return
    # no title line: the code may still be named in the text
    match = re.search(r"\b(?:CPT|HCPCS)(?:\s+code)?\s+([0-9]{4}[0-9A-Z]|[A-Z][0-9]{4})\b", document.text, re.I)
    if match:
        document.code = match.group(1).upper()
        number = document.text.count("\n", 0, match.start()) + 1
        document.warnings.append(
            Warning_(number, f'no title line ("CPT {document.code}: title"); the code is taken from the text')
        )
        _add(
            document,
            Claim(
                "code-title",
                match.group(0),
                match.start(),
                match.end(),
                number,
                code=document.code,
                resolved=[document.code_iri] if document.code in resolver.codes and document.code_iri else [],
            ),
        )
    else:
        document.warnings.append(
            Warning_(1, 'no code found (a line such as "CPT 44365: title"); no claim is tied to a code')
        )


def _segment_iri(match: re.Match[str]) -> str | None:
    ordinal = match.group("ordinal")
    if ordinal:
        return ANAT + f"duodenum-part-{ORDINALS[ordinal.lower()]}"
    word = match.group("word")
    return ANAT + SEGMENT_WORDS[word.lower()] if word else None


def _parse_extents(document: Document, lines: list[Line], sections: dict[int, str]) -> None:
    for line in lines:
        for limit, pattern in EXTENT_PATTERNS:
            for match in pattern.finditer(line.text):
                if limit == "mustReach" and re.search(r"\bnot\s+$|\bbut\s+not\s+$", line.text[: match.start()], re.I):
                    continue
                iri = _segment_iri(match)
                if iri is None:
                    continue
                words = match.group(0)
                _add(
                    document,
                    Claim(
                        "extent",
                        words,
                        line.start + match.start(),
                        line.start + match.end(),
                        line.number,
                        value=words,
                        limit=limit,
                        resolved=[iri],
                    ),
                )


def _parse_techniques(document: Document, lines: list[Line], sections: dict[int, str], resolver: Resolver) -> None:
    alternatives = "|".join(re.escape(p) for p in sorted(TECHNIQUE_PHRASES, key=len, reverse=True))
    pattern = re.compile(rf"\b(?:{alternatives})\b", re.I)
    for line in lines:
        if "|" in line.text:
            continue  # the modifier table's words are not technique claims
        for match in pattern.finditer(line.text):
            words = match.group(0)
            iri = resolver.find("technique", words)
            _add(
                document,
                Claim(
                    "technique",
                    words,
                    line.start + match.start(),
                    line.start + match.end(),
                    line.number,
                    value=_norm(words),
                    resolved=[iri] if iri else [],
                ),
            )


def _bullet_value(lines: list[Line], label: str) -> list[tuple[Line, int, str]]:
    """Lines "label: value" (bullets may sit on the line before, or in front), with where the value starts."""
    found = []
    pattern = re.compile(rf"^\s*(?:[-*•]\s*)?{label}\s*:\s*(\S.*?)\s*$", re.I)
    for line in lines:
        match = pattern.match(line.text)
        if match:
            found.append((line, match.start(1), match.group(1)))
    return found


def _parse_bullets(document: Document, lines: list[Line], resolver: Resolver) -> None:
    for line, offset, value in _bullet_value(lines, "service type"):
        lowered = value.lower()
        iri = None
        if "therapeutic" in lowered or "surgical" in lowered or "removal" in lowered:
            iri = VOCAB + "therapeutic-endoscopy"
        elif "diagnostic" in lowered:
            iri = VOCAB + "diagnostic-endoscopy"
        _add(
            document,
            Claim(
                "service-type",
                value,
                line.start + offset,
                line.start + offset + len(value),
                line.number,
                value=value,
                resolved=[iri] if iri else [],
            ),
        )
    for line, offset, value in _bullet_value(lines, r"typical sites? of service"):
        _parse_sites(document, line, offset, value, resolver)
    # the same statement inside running text ("Typical site of service: a or b.")
    inline = re.compile(r"typical sites? of service\s*:\s*([^.\n]+)", re.I)
    for line in lines:
        if re.match(r"^\s*(?:[-*•]\s*)?typical sites? of service\s*:", line.text, re.I):
            continue
        for match in inline.finditer(line.text):
            _parse_sites(document, line, match.start(1), match.group(1), resolver)
    inline_type = re.compile(r"service type\s*:\s*([^.\n]+)", re.I)
    for line in lines:
        if re.match(r"^\s*(?:[-*•]\s*)?service type\s*:", line.text, re.I):
            continue
        for match in inline_type.finditer(line.text):
            value = match.group(1).strip()
            lowered = value.lower()
            iri = (
                VOCAB + "therapeutic-endoscopy"
                if any(w in lowered for w in ("therapeutic", "surgical", "removal"))
                else VOCAB + "diagnostic-endoscopy"
                if "diagnostic" in lowered
                else None
            )
            _add(
                document,
                Claim(
                    "service-type",
                    value,
                    line.start + match.start(1),
                    line.start + match.start(1) + len(value),
                    line.number,
                    value=value,
                    resolved=[iri] if iri else [],
                ),
            )


def _parse_sites(document: Document, line: Line, offset: int, value: str, resolver: Resolver) -> None:
    position = offset
    for piece in SITE_SPLIT.split(value):
        found = line.text.find(piece, position) if piece else -1
        if not piece.strip() or found < 0:
            continue
        position = found + len(piece)
        words = piece.strip().rstrip(".")
        if not words:
            continue
        iris = []
        named = resolver.find("place", words) or resolver.find("care-setting", words)
        if named:
            iris = [named]
        else:
            for pattern, targets in SITE_WORDS:
                if pattern.search(words):
                    iris = targets
                    break
        _add(
            document,
            Claim(
                "site-of-service",
                words,
                line.start + found,
                line.start + found + len(words),
                line.number,
                value=_norm(words),
                resolved=iris,
            ),
        )


def _parse_payers(document: Document, lines: list[Line], resolver: Resolver) -> None:
    pattern = re.compile(r"payers?\b[^.:]*?\b(?:include|includes|including|are|:)\s+(?P<list>[^.\n]+)", re.I)
    for line in lines:
        for match in pattern.finditer(line.text):
            listing = match.group("list")
            base = match.start("list")
            position = 0
            for piece in re.split(r"\s*,\s*(?:and\s+|or\s+)?|\s+and\s+|\s+or\s+", listing):
                name = piece.strip().strip(".")
                if not name:
                    continue
                found = listing.find(name, position)
                if found < 0:
                    continue
                position = found + len(name)
                iri = resolver.find("payer", name)
                if iri is None and re.search(r"\bmedicare\b", name, re.I):
                    iri = PAYER + "medicare"
                _add(
                    document,
                    Claim(
                        "payer",
                        name,
                        line.start + base + found,
                        line.start + base + found + len(name),
                        line.number,
                        value=name,
                        resolved=[iri] if iri else [],
                    ),
                )


def _cells(row: str) -> list[str]:
    body = row.strip()
    if body.startswith("|"):
        body = body[1:]
    if body.endswith("|"):
        body = body[:-1]
    return [cell.strip() for cell in body.split("|")]


def _parse_modifier_table(document: Document, lines: list[Line], resolver: Resolver) -> None:
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
            document.warnings.append(
                Warning_(1, "a table mentions modifiers but has no header row (Modifier | Description | When to Use)")
            )
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
            document.warnings.append(
                Warning_(first.number, f"modifier table row with {len(cells)} of {width} columns: {joined[:60]!r}")
            )
        code = cells[code_col].strip() if code_col < len(cells) else ""
        if not MODIFIER_TOKEN.match(code.upper()):
            document.warnings.append(
                Warning_(first.number, f"modifier table row without a two-character modifier: {joined[:60]!r}")
            )
            pending.clear()
            return
        code = code.upper()
        meaning = cells[meaning_col].strip() if meaning_col is not None and meaning_col < len(cells) else None
        when = cells[when_col].strip() if when_col is not None and when_col < len(cells) else None
        last = pending[-1]
        start = first.start + (len(first.text) - len(first.text.lstrip()))
        end = last.start + len(last.text.rstrip())
        iri = resolver.find("modifier", code)
        _add(
            document,
            Claim(
                "modifier",
                document.text[start:end],
                start,
                end,
                first.number,
                code=code,
                meaning=meaning or None,
                when=when or None,
                resolved=[iri] if iri else [],
            ),
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
            document.warnings.append(Warning_(line.number, f"cannot read this table row: {stripped[:60]!r}"))
            continue
        else:
            break  # the table ends at the first line that is neither a row nor part of one
        if len(_cells(" ".join(p.text.strip() for p in pending))) >= width and pending[-1].text.rstrip().endswith("|"):
            flush()
    flush()


def _parse_vignette(document: Document, lines: list[Line], sections: dict[int, str], resolver: Resolver) -> None:
    clinical = [
        line
        for line in lines
        if sections.get(line.number) == "clinical" and not HEADINGS.get(line.text.strip().lower())
    ]
    if not clinical:
        if not any(s == "clinical" for s in sections.values()):
            document.warnings.append(Warning_(1, "no Clinical Context section: no vignette claims"))
        return
    for line in clinical:
        found = line.text
        age = re.search(r"\b(\d{1,3})[- ]year[- ]old\s+(male|female|man|woman|boy|girl)\b", found, re.I)
        if age:
            _add(
                document,
                Claim(
                    "vignette",
                    age.group(0),
                    line.start + age.start(),
                    line.start + age.end(),
                    line.number,
                    value=age.group(1),
                    aspect="age",
                ),
            )
            sex = "male" if age.group(2).lower() in ("male", "man", "boy") else "female"
            _add(
                document,
                Claim(
                    "vignette",
                    age.group(2),
                    line.start + age.start(2),
                    line.start + age.end(2),
                    line.number,
                    value=sex,
                    aspect="sex",
                    resolved=[VOCAB + sex],
                ),
            )
        for pattern, slug in INDICATIONS:
            for match in pattern.finditer(found):
                _add(
                    document,
                    Claim(
                        "vignette",
                        match.group(0),
                        line.start + match.start(),
                        line.start + match.end(),
                        line.number,
                        value=slug,
                        aspect="indication",
                        resolved=[VOCAB + slug],
                    ),
                )
        finding = re.search(
            r"\bidentifies\s+(?P<what>[^.]*?(?:polyps?|tumou?rs?|lesions?)[^.]*?)"
            r"\s+in\s+the\s+(?P<where>[a-z ]*?(?:jejunum|ileum|duodenum))",
            found,
            re.I,
        )
        if finding:
            what = finding.group("what")
            morphology = (
                "polyp"
                if re.search(r"polyp", what, re.I)
                else "tumor"
                if re.search(r"tumou?r", what, re.I)
                else "other-lesion"
            )
            where = finding.group("where")
            site = next((SEGMENT_WORDS[w] for w in SEGMENT_WORDS if w in where.lower()), None)
            text = (
                finding.group(0)[len("identifies ") :]
                if finding.group(0).lower().startswith("identifies ")
                else finding.group(0)
            )
            start = line.start + finding.start("what")
            _add(
                document,
                Claim(
                    "vignette",
                    text,
                    start,
                    line.start + finding.end(),
                    line.number,
                    value=f"{morphology} in the {where.strip()}",
                    aspect="finding",
                    resolved=[VOCAB + morphology] + ([ANAT + site] if site else []),
                ),
            )
        instrument = re.search(r"\busing\s+an?\s+(push enteroscope|enteroscope|endoscope|colonoscope)\b", found, re.I)
        if instrument:
            words = instrument.group(1)
            iri = resolver.find("device", words)
            _add(
                document,
                Claim(
                    "vignette",
                    words,
                    line.start + instrument.start(1),
                    line.start + instrument.end(1),
                    line.number,
                    value=_norm(words),
                    aspect="instrument",
                    resolved=[iri] if iri else [],
                ),
            )
        sedation = re.search(r"\b(minimal|moderate|deep)\s+sedation\b", found, re.I)
        if sedation:
            iri = resolver.find("sedation", sedation.group(0))
            _add(
                document,
                Claim(
                    "vignette",
                    sedation.group(0),
                    line.start + sedation.start(),
                    line.start + sedation.end(),
                    line.number,
                    value=_norm(sedation.group(0)),
                    aspect="sedation",
                    resolved=[iri] if iri else [],
                ),
            )
        workflow = re.search(r"\bworkflow includes\s+(?P<steps>[^.]+)\.", found, re.I)
        if workflow:
            base = line.start + workflow.start("steps")
            for order, (start, end) in enumerate(_split_steps(workflow.group("steps")), 1):
                step = document.text[base + start : base + end]
                _add(
                    document,
                    Claim(
                        "vignette", step, base + start, base + end, line.number, value=step, aspect="step", order=order
                    ),
                )


ACTIVITY_WORDS = re.compile(
    r"\b(?:consent|review|administration|administer\w*|inspection|removal|collection|recovery|instructions?|"
    r"documentation|preparation|assessment|monitoring|discharge|sedation|examination|biopsy|follow-up|scheduling)\b",
    re.I,
)


def _split_steps(text: str) -> list[tuple[int, int]]:
    """Spans of the steps of a list such as "a, b, c and d, and e of x, y, and z".

    Commas also separate the items of an inner list ("documentation of details, findings, and
    complications"): a piece that names no activity belongs to the step before it.
    """
    spans: list[tuple[int, int]] = []
    position = 0
    for match in re.finditer(r",\s*(?:and\s+)?|$", text):
        piece = text[position : match.start()]
        lead = len(piece) - len(piece.lstrip())
        if piece.strip():
            start, end = position + lead, position + len(piece.rstrip())
            if spans and not ACTIVITY_WORDS.search(piece):
                spans[-1] = (spans[-1][0], end)
            else:
                spans.append((start, end))
        position = match.end()
        if match.start() == len(text):
            break
    return spans


# ---------------------------------------------------------------- claims as RDF


def to_graph(document: Document, source_iri: str | None = None) -> tuple[str, object]:
    """The document's claims as an rdflib Graph, and the name of the graph they belong in."""
    from rdflib import Graph, Literal, URIRef
    from rdflib.namespace import DCTERMS, PROV, RDF, XSD

    from .namespaces import CPTKG, GRAPH_BASE, SRC

    graph = Graph()
    source = URIRef(source_iri or (SRC + f"doc-{document.sha256[:16]}"))
    if source_iri is None:
        graph.add((source, RDF.type, CPTKG.Source))
        graph.add((source, DCTERMS.title, Literal(document.title or document.path.name)))
        graph.add((source, CPTKG.fileName, Literal(document.path.name)))
        graph.add((source, CPTKG.contentSHA256, Literal(document.sha256)))
        graph.add((source, CPTKG.sourceKind, URIRef(VOCAB + "secondary-source")))
    counters: dict[str, int] = {}
    about = URIRef(document.code_iri) if document.code_iri else None
    for claim in document.claims:
        counters[claim.kind] = counters.get(claim.kind, 0) + 1
        node = URIRef(f"{BASE}claim/{document.slug}/{claim.kind}/{counters[claim.kind]}")
        graph.add((node, RDF.type, CPTKG.SourceClaim))
        graph.add(
            (
                node,
                CPTKG.claimKind,
                URIRef(VOCAB + ("claim-vignette" if claim.kind == "vignette" else f"claim-{claim.kind}")),
            )
        )
        if about is not None:
            graph.add((node, CPTKG.claimAbout, about))
        graph.add((node, CPTKG.claimedText, Literal(claim.text)))
        if claim.value is not None:
            graph.add((node, CPTKG.claimedValue, Literal(claim.value)))
        if claim.code is not None:
            graph.add((node, CPTKG.claimedCode, Literal(claim.code)))
        if claim.meaning is not None:
            graph.add((node, CPTKG.claimedMeaning, Literal(claim.meaning)))
        if claim.when is not None:
            graph.add((node, CPTKG.claimedWhenToUse, Literal(claim.when)))
        if claim.limit is not None:
            graph.add((node, CPTKG.claimedLimit, CPTKG[claim.limit]))
        if claim.aspect is not None:
            graph.add((node, CPTKG.claimedField, Literal(claim.aspect)))
        if claim.order is not None:
            graph.add((node, CPTKG.stepNumber, Literal(claim.order, datatype=XSD.integer)))
        for iri in claim.resolved:
            graph.add((node, CPTKG.resolvedTo, URIRef(iri)))
        graph.add((node, CPTKG.sourceLine, Literal(claim.line, datatype=XSD.integer)))
        graph.add((node, CPTKG.spanStart, Literal(claim.start, datatype=XSD.integer)))
        graph.add((node, CPTKG.spanEnd, Literal(claim.end, datatype=XSD.integer)))
        graph.add((node, PROV.wasDerivedFrom, source))
    return GRAPH_BASE + f"claims/{document.slug}", graph


def documents_in(path: Path) -> list[Path]:
    """A document, or every text document of a folder (sorted), for `cptkg ingest` and `cptkg audit`."""
    if path.is_dir():
        found = sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() in (".txt", ".md", ".text"))
        if not found:
            raise BadInputError(f"{path}: no .txt or .md documents in this folder")
        return found
    if not path.exists():
        raise BadInputError(f"{path}: no such file or folder")
    return [path]
