"""An import as a file: Turtle with the package's prefixes or N-Triples, written whole or not at all."""

from __future__ import annotations

import re
from pathlib import Path

from ..errors import BadInputError, EnvironmentProblem
from ..fileio import write_text_atomic
from ..namespaces import PREFIXES, compact
from .triples import XSD, Triples

_DECIMAL = re.compile(r"^[+-]?[0-9]*\.[0-9]+$")
_INTEGER = re.compile(r"^[+-]?[0-9]+$")
_TYPED = re.compile(r'^(".*")\^\^<' + re.escape(XSD) + r"(decimal|integer|boolean)>$", re.S)


def _compact(node: str) -> str:
    if not node.startswith("<"):
        return node
    value = node[1:-1]
    curie = compact(value)
    return node if curie == value else curie


def turtle_number(obj: str) -> str | None:
    """The bare Turtle form of an N-Triples decimal, integer or boolean literal whose lexical form Turtle reads
    back as the same literal; None for any other term."""
    match = _TYPED.match(obj)
    if match is None:
        return None
    lexical, datatype = match.group(1)[1:-1], match.group(2)
    if (
        (datatype == "decimal" and _DECIMAL.match(lexical))
        or (datatype == "integer" and _INTEGER.match(lexical))
        or (datatype == "boolean" and lexical in ("true", "false"))
    ):
        return lexical
    return f'"{lexical}"^^xsd:{datatype}'


def _turtle_object(obj: str) -> str:
    if obj.startswith("<"):
        return _compact(obj)
    return turtle_number(obj) or obj


def turtle(triples: Triples, header: str) -> str:
    """Turtle with the package's prefixes, one block per subject, in the order of the triples."""
    lines = [f"# {line}" if line else "#" for line in header.splitlines()]
    lines += [f"@prefix {prefix}: <{namespace}> ." for prefix, namespace in PREFIXES.items()]
    lines.append("")
    a = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
    for subject, pairs in triples.subjects.items():
        parts = []
        for predicate, obj in pairs:
            verb = "a" if predicate == a else _compact(predicate)
            parts.append(f"{verb} {_turtle_object(obj)}")
        lines.append(f"{_compact(subject)} " + " ;\n    ".join(parts) + " .\n")
    return "\n".join(lines)


def write_file(triples: Triples, path: Path, fmt: str, header: str) -> None:
    if fmt == "nt":
        text = triples.ntriples()
    elif fmt == "ttl":
        text = turtle(triples, header)
    else:
        raise BadInputError(f"unknown output format {fmt!r}; use ttl or nt")
    try:
        write_text_atomic(path, text)
    except OSError as err:
        raise EnvironmentProblem(f"cannot write {path}: {err.strerror or err}") from None
