"""The document model: a code-overview document, its lines, and the claims read from it with their spans."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from ..namespaces import CPT, HCPCS

ClaimKind = Literal[
    "code-title", "extent", "technique", "service-type", "site-of-service", "payer", "modifier", "vignette"
]


@dataclass
class Claim:
    """One claim of a document: what kind, the exact words and where they are, and what it resolves to."""

    kind: ClaimKind
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

    @classmethod
    def on_line(cls, kind: ClaimKind, line: Line, start: int, end: int, **fields: Any) -> Claim:
        """The claim of the words line.text[start:end] (offsets within the line)."""
        return cls(kind, line.text[start:end], line.start + start, line.start + end, line.number, **fields)

    @classmethod
    def spanning(cls, kind: ClaimKind, document: Document, start: int, end: int, line: int, **fields: Any) -> Claim:
        """The claim of the words document.text[start:end], which may run over several lines."""
        return cls(kind, document.text[start:end], start, end, line, **fields)

    def key(self) -> tuple[Any, ...]:
        """What the claim says, whatever words said it."""
        return (self.kind, self.value, self.limit, self.aspect, self.code, self.meaning, self.order)


@dataclass
class Warning_:
    """What the parser could not read, with its line."""

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

    def add(self, claim: Claim) -> None:
        """Add a claim; a claim stated again is the same claim, and its first span stands for it."""
        if all(other.key() != claim.key() for other in self.claims):
            self.claims.append(claim)

    def warn(self, line: int, message: str) -> None:
        self.warnings.append(Warning_(line, message))

    @property
    def code_iri(self) -> str | None:
        if not self.code:
            return None
        return (CPT if self.code[0].isdigit() else HCPCS) + self.code


@dataclass
class Line:
    number: int
    start: int  # offset of the line's first character
    text: str  # without its line end
