"""Reading SPARQL text without a parser: where its syntax is (outside comments, strings and IRIs), its form,
its braces and its top-level WHERE group. Binding and the bulk validation rewrite queries with these."""

from __future__ import annotations

import re
from functools import lru_cache

_KEYWORD = re.compile(
    r"\b(SELECT|ASK|CONSTRUCT|DESCRIBE|INSERT|DELETE|LOAD|CLEAR|DROP|CREATE|ADD|MOVE|COPY|WITH)\b", re.I
)


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


@lru_cache(maxsize=1024)
def strip_to_syntax(query: str) -> str:
    """The query with comments, strings and IRIs blanked out (same length), for keyword and brace scans."""
    keep = _code_positions(query)
    return "".join(ch if keep[idx] or ch == "\n" else " " for idx, ch in enumerate(query))


def query_form(query: str) -> str:
    """SELECT, ASK, CONSTRUCT, DESCRIBE or the update keyword the query starts with (upper case)."""
    match = _KEYWORD.search(strip_to_syntax(query))
    return match.group(1).upper() if match else ""


def matching_braces(syntax: str) -> dict[int, int]:
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


def where_brace(syntax: str, pairs: dict[int, int]) -> int:
    form_match = _KEYWORD.search(syntax)
    start = form_match.end() if form_match else 0
    brace = syntax.find("{", start)
    if form_match and form_match.group(1).upper() == "CONSTRUCT" and brace != -1:
        brace = syntax.find("{", pairs[brace] + 1)  # skip the template
    if brace == -1:
        raise ValueError("the query has no WHERE group to bind parameters in")
    return brace
