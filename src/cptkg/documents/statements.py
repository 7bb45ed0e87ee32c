"""Statements of the billing-code overview: the service type, the typical sites of service and the payers,
as bullets ("Service type: ...") or inside running text."""

from __future__ import annotations

import re

from ..namespaces import PAYER, VOCAB
from .model import Claim, Document, Line
from .resolving import LabelIndex
from .vocabulary import SITE_SPLIT, SITE_WORDS, norm


def _bullet_value(lines: list[Line], label: str) -> list[tuple[Line, int, str]]:
    """Lines "label: value" (bullets may sit on the line before, or in front), with where the value starts."""
    found = []
    pattern = re.compile(rf"^\s*(?:[-*•]\s*)?{label}\s*:\s*(\S.*?)\s*$", re.I)
    for line in lines:
        match = pattern.match(line.text)
        if match:
            found.append((line, match.start(1), match.group(1)))
    return found


def service_type_of(value: str) -> list[str]:
    """The concepts a stated service type names. Two axes share the words (docs/service-types.md): the CPT class
    (diagnostic endoscopy, the base; surgical endoscopy) and the clinical purpose (diagnostic, therapeutic). A
    therapeutic or surgical wording names its one concept; a bare "diagnostic" ("diagnostic endoscopy with
    biopsy") names the class and the purpose both, since pages use it for either."""
    lowered = value.lower()
    if "therapeutic" in lowered or "removal" in lowered:
        return [VOCAB + "therapeutic-purpose"]
    if "surgical" in lowered:
        return [VOCAB + "surgical-endoscopy"]
    if "diagnostic" in lowered:
        return [VOCAB + "diagnostic-endoscopy", VOCAB + "diagnostic-purpose"]
    return []


def parse_statements(document: Document, lines: list[Line], resolver: LabelIndex) -> None:
    for line, offset, value in _bullet_value(lines, "service type"):
        document.add(
            Claim.on_line(
                "service-type", line, offset, offset + len(value), value=value, resolved=service_type_of(value)
            )
        )
    for line, offset, value in _bullet_value(lines, r"typical sites? of service"):
        parse_sites(document, line, offset, value, resolver)
    # the same statement inside running text ("Typical site of service: a or b.")
    inline = re.compile(r"typical sites? of service\s*:\s*([^.\n]+)", re.I)
    for line in lines:
        if re.match(r"^\s*(?:[-*•]\s*)?typical sites? of service\s*:", line.text, re.I):
            continue
        for match in inline.finditer(line.text):
            parse_sites(document, line, match.start(1), match.group(1), resolver)
    inline_type = re.compile(r"service type\s*:\s*([^.\n]+)", re.I)
    for line in lines:
        if re.match(r"^\s*(?:[-*•]\s*)?service type\s*:", line.text, re.I):
            continue
        for match in inline_type.finditer(line.text):
            value = match.group(1).strip()
            start = match.start(1)
            document.add(
                Claim.on_line(
                    "service-type", line, start, start + len(value), value=value, resolved=service_type_of(value)
                )
            )


def parse_sites(document: Document, line: Line, offset: int, value: str, resolver: LabelIndex) -> None:
    position = offset
    for piece in SITE_SPLIT.split(value):
        found = line.text.find(piece, position) if piece else -1
        if not piece.strip() or found < 0:
            continue
        position = found + len(piece)
        words = piece.strip().rstrip(".")
        if not words:
            continue
        found += len(piece) - len(piece.lstrip())
        iris = []
        named = resolver.find("place", words) or resolver.find("care-setting", words)
        if named:
            iris = [named]
        else:
            for pattern, targets in SITE_WORDS:
                if pattern.search(words):
                    iris = targets
                    break
        end = found + len(words)
        document.add(Claim.on_line("site-of-service", line, found, end, value=norm(words), resolved=iris))


def parse_payers(document: Document, lines: list[Line], resolver: LabelIndex) -> None:
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
                start = base + found
                document.add(
                    Claim.on_line("payer", line, start, start + len(name), value=name, resolved=[iri] if iri else [])
                )
