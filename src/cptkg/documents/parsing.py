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

import re

from ..namespaces import ANAT
from .model import Claim, Document, Line
from .modifier_table import parse_modifier_table
from .reading import lines_of, section_of
from .resolving import LabelIndex
from .statements import parse_payers, parse_statements
from .vignette import parse_vignette
from .vocabulary import EXTENT_PATTERNS, ORDINALS, SEGMENT_WORDS, TECHNIQUE_PHRASES, norm


def parse(document: Document, resolver: LabelIndex) -> Document:
    """Fill the document's claims and warnings (a document's claims are replaced on each call)."""
    document.claims = []
    document.warnings = []
    lines = lines_of(document.text)
    sections = section_of(lines)
    parse_title(document, lines, resolver)
    parse_extents(document, lines)
    parse_techniques(document, lines, resolver)
    parse_statements(document, lines, resolver)
    parse_payers(document, lines, resolver)
    parse_modifier_table(document, lines, resolver)
    parse_vignette(document, lines, sections, resolver)
    document.claims.sort(key=lambda c: (c.start, c.kind, c.end))
    return document


def parse_title(document: Document, lines: list[Line], resolver: LabelIndex) -> None:
    pattern = re.compile(
        r"^\s*(?:CPT|HCPCS)(?:\s+code)?\s*[:#]?\s*([0-9]{4}[0-9A-Z]|[A-Z][0-9]{4})\s*[:\-–—]\s*(\S.*?)\s*$", re.I
    )
    for line in lines:
        match = pattern.match(line.text)
        if match:
            code, title = match.group(1).upper(), match.group(2)
            document.code, document.title = code, title
            iri = document.code_iri
            start = len(line.text) - len(line.text.lstrip())
            resolved = [iri] if iri and code in resolver.codes else []
            document.add(
                Claim.on_line(
                    "code-title", line, start, len(line.text.rstrip()), value=title, code=code, resolved=resolved
                )
            )
            if code not in resolver.codes:
                document.warn(line.number, f"code {code} is not in the graph; its claims cannot be audited")
            return
    # no title line: the code may still be named in the text
    match = re.search(r"\b(?:CPT|HCPCS)(?:\s+code)?\s+([0-9]{4}[0-9A-Z]|[A-Z][0-9]{4})\b", document.text, re.I)
    if match:
        document.code = match.group(1).upper()
        number = document.text.count("\n", 0, match.start()) + 1
        document.warn(number, f'no title line ("CPT {document.code}: title"); the code is taken from the text')
        resolved = [document.code_iri] if document.code in resolver.codes and document.code_iri else []
        document.add(
            Claim.spanning(
                "code-title", document, match.start(), match.end(), number, code=document.code, resolved=resolved
            )
        )
    else:
        document.warn(1, 'no code found (a line such as "CPT 44365: title"); no claim is tied to a code')


def _segment_iri(match: re.Match[str]) -> str | None:
    ordinal = match.group("ordinal")
    if ordinal:
        return ANAT + f"duodenum-part-{ORDINALS[ordinal.lower()]}"
    word = match.group("word")
    return ANAT + SEGMENT_WORDS[word.lower()] if word else None


def parse_extents(document: Document, lines: list[Line]) -> None:
    for line in lines:
        for limit, pattern in EXTENT_PATTERNS:
            for match in pattern.finditer(line.text):
                if limit == "mustReach" and re.search(r"\bnot\s+$|\bbut\s+not\s+$", line.text[: match.start()], re.I):
                    continue
                iri = _segment_iri(match)
                if iri is None:
                    continue
                document.add(
                    Claim.on_line(
                        "extent", line, match.start(), match.end(), value=match.group(0), limit=limit, resolved=[iri]
                    )
                )


def parse_techniques(document: Document, lines: list[Line], resolver: LabelIndex) -> None:
    alternatives = "|".join(re.escape(p) for p in sorted(TECHNIQUE_PHRASES, key=len, reverse=True))
    pattern = re.compile(rf"\b(?:{alternatives})\b", re.I)
    for line in lines:
        if "|" in line.text:
            continue  # the modifier table's words are not technique claims
        for match in pattern.finditer(line.text):
            words = match.group(0)
            iri = resolver.find("technique", words)
            document.add(
                Claim.on_line(
                    "technique", line, match.start(), match.end(), value=norm(words), resolved=[iri] if iri else []
                )
            )
