"""Binding query parameters as RDF terms, in VALUES blocks.

A VALUES block with all parameters opens the query's top-level WHERE group, and each nested group that uses
a parameter opens with a VALUES block for it too. The nested blocks change no answer (the variable already
has that one value) but let every engine start each UNION branch or OPTIONAL from the bound value instead
of joining afterwards, which matters by orders of magnitude. Groups inside a sub-SELECT are left alone: a
variable there is a different variable unless the subquery projects it.

Terms are written in N-Triples syntax from validated values (Term.n3): user text never becomes query syntax,
whatever quotes or braces it holds. The same bound text runs on every engine, so answers are comparable.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import lru_cache

from .terms import Term

_KEYWORD = re.compile(
    r"\b(SELECT|ASK|CONSTRUCT|DESCRIBE|INSERT|DELETE|LOAD|CLEAR|DROP|CREATE|ADD|MOVE|COPY|WITH)\b", re.I
)
_VARIABLE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_DATA_BLOCK_BEFORE = re.compile(r"VALUES\s*(\?\w+|\$\w+|\([^()]*\))\s*$", re.I)


def _code_positions(query: str) -> list[bool]:
    """For each character, whether it is query syntax (outside comments, strings and IRIs)."""
    syntax = [False] * len(query)
    i = 0
    n = len(query)
    while i < n:
        c = query[i]
        if c == "#":
            while i < n and query[i] != "\n":
                i += 1
            continue
        if c in "\"'":
            long_quote = query[i : i + 3] in ('"""', "'''")
            quote = query[i : i + 3] if long_quote else c
            i += len(quote)
            while i < n and query[i : i + len(quote)] != quote:
                i += 2 if query[i] == "\\" else 1
            i += len(quote)
            continue
        if c == "<":
            end = query.find(">", i)
            if end != -1 and not re.search(r"\s", query[i + 1 : end]):
                i = end + 1
                continue
        syntax[i] = True
        i += 1
    return syntax


def strip_to_syntax(query: str) -> str:
    """The query with comments, strings and IRIs blanked out (same length), for keyword and brace scans."""
    keep = _code_positions(query)
    return "".join(ch if keep[idx] or ch == "\n" else " " for idx, ch in enumerate(query))


def query_form(query: str) -> str:
    """SELECT, ASK, CONSTRUCT, DESCRIBE or the update keyword the query starts with (upper case)."""
    match = _KEYWORD.search(strip_to_syntax(query))
    return match.group(1).upper() if match else ""


def _matching_braces(syntax: str) -> dict[int, int]:
    pairs: dict[int, int] = {}
    stack: list[int] = []
    for idx, ch in enumerate(syntax):
        if ch == "{":
            stack.append(idx)
        elif ch == "}":
            if not stack:
                raise ValueError("unbalanced braces in the query")
            pairs[stack.pop()] = idx
    if stack:
        raise ValueError("unbalanced braces in the query")
    return pairs


def _where_brace(syntax: str, pairs: dict[int, int]) -> int:
    form_match = _KEYWORD.search(syntax)
    start = form_match.end() if form_match else 0
    brace = syntax.find("{", start)
    if form_match and form_match.group(1).upper() == "CONSTRUCT" and brace != -1:
        brace = syntax.find("{", pairs[brace] + 1)  # skip the template
    if brace == -1:
        raise ValueError("the query has no WHERE group to bind parameters in")
    return brace


def _values_block(names: list[str], bindings: Mapping[str, Term]) -> str:
    row = " ".join(bindings[name].n3() for name in names)
    return f" VALUES ({' '.join('?' + n for n in names)}) {{ ({row}) }} "


@lru_cache(maxsize=256)
def _insertion_points(query: str, names: tuple[str, ...]) -> tuple[tuple[int, tuple[str, ...]], ...]:
    """Where VALUES blocks go in this query text, and for which of the variables: depends on text only."""
    syntax = strip_to_syntax(query)
    pairs = _matching_braces(syntax)
    top = _where_brace(syntax, pairs)
    inserts: dict[int, tuple[str, ...]] = {top: names}
    subquery_spans: list[tuple[int, int]] = []
    for open_idx in sorted(pairs):
        close_idx = pairs[open_idx]
        if open_idx <= top or close_idx > pairs[top]:
            continue
        if any(a < open_idx < b for a, b in subquery_spans):
            continue
        if _DATA_BLOCK_BEFORE.search(syntax, max(0, open_idx - 400), open_idx):
            continue
        if re.match(r"\s*SELECT\b", syntax[open_idx + 1 :], re.I):
            subquery_spans.append((open_idx, close_idx))
            continue
        body = syntax[open_idx + 1 : close_idx]
        used = tuple(n for n in names if re.search(r"[?$]" + re.escape(n) + r"\b", body))
        if used:
            inserts[open_idx] = used
    return tuple(sorted(inserts.items()))


def inject_values(query: str, bindings: Mapping[str, Term]) -> str:
    """The query with the bindings as VALUES blocks (see the module docstring)."""
    if not bindings:
        return query
    for name in bindings:
        if not _VARIABLE.match(name):
            raise ValueError(f"not a SPARQL variable name: {name!r}")
    out = []
    last = 0
    for idx, used in _insertion_points(query, tuple(bindings)):
        out.append(query[last : idx + 1])
        out.append(_values_block(list(used), bindings))
        last = idx + 1
    out.append(query[last:])
    return "".join(out)
