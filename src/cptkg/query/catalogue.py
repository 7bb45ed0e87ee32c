"""The query catalogue: one SPARQL file a competency question, each with a header of `#` lines.

Header keys: title, question, param (one line each: `name (type[, required | , default=value]): description`),
returns, example. A line indented under a key continues it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from ..errors import BadInputError
from ..resources import queries_dir

_HEADER_LINE = re.compile(r"^#\s?(\w+):\s*(.*)$")
_PARAM = re.compile(r"^(\w+)\s*\(([^)]*)\)\s*:?\s*(.*)$")


@dataclass(frozen=True)
class Param:
    name: str
    type: str
    required: bool
    default: str | None
    description: str


@dataclass(frozen=True)
class QuerySpec:
    name: str
    path: Path
    text: str
    title: str
    question: str
    params: tuple[Param, ...] = field(default_factory=tuple)
    returns: str = ""
    example: str = ""

    @property
    def header(self) -> str:
        lines = []
        for line in self.text.splitlines():
            if not line.startswith("#"):
                break
            lines.append(line[1:].strip() if line.startswith("# ") or line == "#" else line[1:])
        return "\n".join(lines)


def parse_header(name: str, path: Path, text: str) -> QuerySpec:
    entries: list[list[str]] = []
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        match = _HEADER_LINE.match(line)
        if match and not line.startswith("#  "):
            entries.append([match.group(1).lower(), match.group(2).strip()])
        elif entries:
            entries[-1][1] += " " + line.lstrip("#").strip()
    values: dict[str, str] = {}
    params: list[Param] = []
    for key, value in entries:
        if key == "param":
            match = _PARAM.match(value)
            if not match:
                raise BadInputError(f"{path}: cannot read the param line {value!r}")
            pname, options, description = match.groups()
            parts = [p.strip() for p in options.split(",") if p.strip()]
            ptype = parts[0] if parts else "string"
            required = "required" in parts
            default = next((p.split("=", 1)[1].strip() for p in parts if p.startswith("default=")), None)
            params.append(Param(pname, ptype, required, default, description))
        else:
            values[key] = value
    return QuerySpec(
        name=name,
        path=path,
        text=text,
        title=values.get("title", name),
        question=values.get("question", ""),
        params=tuple(params),
        returns=values.get("returns", ""),
        example=values.get("example", ""),
    )


@cache
def _load(path: Path) -> QuerySpec:
    text = path.read_text(encoding="utf-8")
    return parse_header(path.stem, path, text)


def catalogue(root: Path | None = None) -> list[QuerySpec]:
    """Every catalogue query, by name."""
    base = root or queries_dir()
    return [_load(p) for p in sorted(base.glob("*.rq"))]


def load_query(name_or_path: str, root: Path | None = None) -> QuerySpec:
    """A catalogue query by name, or any .rq/.sparql file by path."""
    base = root or queries_dir()
    candidate = base / f"{name_or_path}.rq"
    if candidate.is_file():
        return _load(candidate)
    path = Path(name_or_path)
    if path.suffix in (".rq", ".sparql") or path.is_file():
        if not path.is_file():
            raise BadInputError(f"no query file {name_or_path!r}")
        try:
            return _load(path.resolve())
        except (OSError, UnicodeDecodeError) as err:
            raise BadInputError(f"cannot read the query file {name_or_path}: {err}") from None
    names = ", ".join(q.name for q in catalogue(base))
    raise BadInputError(f"unknown query {name_or_path!r}; the catalogue has: {names}")
