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

from .rewriting import matching_braces, strip_to_syntax, where_brace
from .terms import Term

_VARIABLE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_DATA_BLOCK_BEFORE = re.compile(r"VALUES\s*(\?\w+|\$\w+|\([^()]*\))\s*$", re.I)


def _values_block(names: list[str], bindings: Mapping[str, Term]) -> str:
    row = " ".join(bindings[name].n3() for name in names)
    return f" VALUES ({' '.join('?' + n for n in names)}) {{ ({row}) }} "


@lru_cache(maxsize=256)
def _insertion_points(query: str, names: tuple[str, ...]) -> tuple[tuple[int, tuple[str, ...]], ...]:
    """Where VALUES blocks go in this query text, and for which of the variables: depends on text only."""
    syntax = strip_to_syntax(query)
    pairs = matching_braces(syntax)
    top = where_brace(syntax, pairs)
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
