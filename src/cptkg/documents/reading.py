"""Reading a document: decoding (byte-order mark, Windows-1252, binary refused), its lines with their offsets,
the section each line belongs to, and the documents of a folder."""

from __future__ import annotations

import hashlib
import unicodedata
from pathlib import Path

from ..errors import BadInputError
from .model import Document, Line
from .vocabulary import HEADINGS, norm


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


def lines_of(text: str) -> list[Line]:
    lines = []
    offset = 0
    for number, raw in enumerate(text.splitlines(keepends=True), 1):
        body = raw.rstrip("\r\n")
        lines.append(Line(number, offset, body))
        offset += len(raw)
    return lines


def section_of(lines: list[Line]) -> dict[int, str]:
    """The section each line belongs to (by heading); lines before any heading belong to 'preamble'."""
    current = "preamble"
    sections: dict[int, str] = {}
    for line in lines:
        key = norm(line.text).replace(" and ", " & ")
        heading = HEADINGS.get(line.text.strip().lower()) or HEADINGS.get(key)
        if heading:
            current = heading
        sections[line.number] = current
    return sections


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
