"""Reading the public CMS CSV files as they come: a byte-order mark or not, banner lines before the header,
CRLF line ends, quoted fields with commas. Rows come with the line number a person sees in an editor."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from ..errors import BadInputError


@dataclass(frozen=True)
class Row:
    line: int  # 1-based line of the file where the row starts
    cells: list[str]


def read_text(path: Path) -> str:
    """The file as text: UTF-8 (a byte-order mark is dropped), else Windows-1252 as CMS files sometimes are."""
    if not path.is_file():
        raise BadInputError(f"{path}: no such file")
    data = path.read_bytes()
    if not data.strip():
        raise BadInputError(f"{path}: the file is empty")
    if b"\x00" in data[:4096]:
        raise BadInputError(f"{path}: not a CSV text file (binary content)")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252")


# how far an import is: (lines read, lines in the file)
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class CsvFile:
    """A CMS file read once: its text, and what the importers ask of it."""

    path: Path
    text: str

    @classmethod
    def read(cls, path: Path) -> CsvFile:
        return cls(path, read_text(path))

    @property
    def line_count(self) -> int:
        return self.text.count("\n") + (0 if self.text.endswith("\n") else 1)

    def banner(self, lines: int = 3) -> str:
        """The title CMS puts on the first lines, e.g. '2025 National Physician Fee Schedule ...'."""
        for line in self.text.splitlines()[:lines]:
            words = " ".join(cell.strip() for cell in line.split(",") if cell.strip())
            if words:
                return words
        return ""

    def rows_after_header(
        self, is_header: Callable[[list[str]], bool], what: str, max_banner_lines: int = 50
    ) -> tuple[list[str], Iterator[Row]]:
        return rows_after_header(self.path, is_header, what, max_banner_lines, text=self.text)


def report_progress(progress: Progress | None, source: CsvFile, count: int, row: Row | None) -> None:
    """Tell the progress callback where the import is: every 500 rows, and at the end (row None)."""
    if progress is None:
        return
    if row is None:
        progress(source.line_count, source.line_count)
    elif count % 500 == 0:
        progress(row.line, source.line_count)


def rows_after_header(
    path: Path,
    is_header: Callable[[list[str]], bool],
    what: str,
    max_banner_lines: int = 50,
    text: str | None = None,
) -> tuple[list[str], Iterator[Row]]:
    """The header row (found by is_header among the first lines) and an iterator over the data rows after it.

    Blank rows are skipped. A row spanning several lines (a quoted newline) is numbered by its first line.
    """
    reader = csv.reader(io.StringIO(text if text is not None else read_text(path), newline=""))
    header: list[str] | None = None
    for index, cells in enumerate(reader):
        if is_header([c.strip() for c in cells]):
            header = [c.strip() for c in cells]
            break
        if index >= max_banner_lines:
            break
    if header is None:
        raise BadInputError(
            f"{path}: no {what} header row in the first {max_banner_lines} lines; is this the right file?"
        )

    def data_rows() -> Iterator[Row]:
        start = reader.line_num + 1
        try:
            for cells in reader:
                if any(c.strip() for c in cells):
                    yield Row(start, cells)
                start = reader.line_num + 1
        except csv.Error as err:
            raise BadInputError(f"{path}, line {start}: unreadable CSV ({err})") from None

    return header, data_rows()
