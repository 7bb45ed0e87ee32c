"""The clinical vignette: age and sex, indications, the finding, the instrument, sedation and the workflow
steps in order."""

from __future__ import annotations

import re

from ..namespaces import ANAT, VOCAB
from .model import Claim, Document, Line
from .resolving import LabelIndex
from .vocabulary import ACTIVITY_WORDS, HEADINGS, INDICATIONS, SEGMENT_WORDS, norm


def parse_vignette(document: Document, lines: list[Line], sections: dict[int, str], resolver: LabelIndex) -> None:
    clinical = [
        line
        for line in lines
        if sections.get(line.number) == "clinical" and not HEADINGS.get(line.text.strip().lower())
    ]
    if not clinical:
        if not any(s == "clinical" for s in sections.values()):
            document.warn(1, "no Clinical Context section: no vignette claims")
        return
    for line in clinical:
        found = line.text
        age = re.search(r"\b(\d{1,3})[- ]year[- ]old\s+(male|female|man|woman|boy|girl)\b", found, re.I)
        if age:
            document.add(Claim.on_line("vignette", line, age.start(), age.end(), value=age.group(1), aspect="age"))
            sex = "male" if age.group(2).lower() in ("male", "man", "boy") else "female"
            document.add(
                Claim.on_line(
                    "vignette", line, age.start(2), age.end(2), value=sex, aspect="sex", resolved=[VOCAB + sex]
                )
            )
        for pattern, slug in INDICATIONS:
            for match in pattern.finditer(found):
                document.add(
                    Claim.on_line(
                        "vignette",
                        line,
                        match.start(),
                        match.end(),
                        value=slug,
                        aspect="indication",
                        resolved=[VOCAB + slug],
                    )
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
            document.add(
                Claim.on_line(
                    "vignette",
                    line,
                    finding.start("what"),
                    finding.end(),
                    value=f"{morphology} in the {where.strip()}",
                    aspect="finding",
                    resolved=[VOCAB + morphology] + ([ANAT + site] if site else []),
                )
            )
        instrument = re.search(r"\busing\s+an?\s+(push enteroscope|enteroscope|endoscope|colonoscope)\b", found, re.I)
        if instrument:
            words = instrument.group(1)
            iri = resolver.find("device", words)
            document.add(
                Claim.on_line(
                    "vignette",
                    line,
                    instrument.start(1),
                    instrument.end(1),
                    value=norm(words),
                    aspect="instrument",
                    resolved=[iri] if iri else [],
                )
            )
        sedation = re.search(r"\b(minimal|moderate|deep)\s+sedation\b", found, re.I)
        if sedation:
            iri = resolver.find("sedation", sedation.group(0))
            document.add(
                Claim.on_line(
                    "vignette",
                    line,
                    sedation.start(),
                    sedation.end(),
                    value=norm(sedation.group(0)),
                    aspect="sedation",
                    resolved=[iri] if iri else [],
                )
            )
        workflow = re.search(r"\bworkflow includes\s+(?P<steps>[^.]+)\.", found, re.I)
        if workflow:
            base = workflow.start("steps")
            for order, (start, end) in enumerate(split_steps(workflow.group("steps")), 1):
                step = line.text[base + start : base + end]
                document.add(
                    Claim.on_line("vignette", line, base + start, base + end, value=step, aspect="step", order=order)
                )


def split_steps(text: str) -> list[tuple[int, int]]:
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
