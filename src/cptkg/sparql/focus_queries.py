"""SHACL-SPARQL constraints rewritten for the bulk validation: one query for every focus node at once, where
that is equivalent to pre-binding $this node by node (decided on rdflib's algebra of the query), or $this
substituted for one node."""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

from rdflib import Variable

from .rewriting import matching_braces, strip_to_syntax, where_brace


def _top_group(text: str) -> tuple[int, int]:
    syntax = strip_to_syntax(text)
    pairs = matching_braces(syntax)
    top = where_brace(syntax, pairs)
    return top, pairs[top]


def substitute_this(text: str, node: str) -> str:
    """Pre-binding by substitution: $this inside the WHERE group becomes the node (the projection keeps
    the variable, unbound, so aggregates and HAVING stay valid)."""
    start, end = _top_group(text)
    syntax = strip_to_syntax(text)
    out, last = [], start
    for match in re.finditer(r"[?$]this\b", syntax[start:end]):
        out.append(text[last : start + match.start()])
        out.append(node)
        last = start + match.end()
    return text[:start] + "".join(out) + text[last:]


# Per focus node these mean something else than for all focus nodes at once
_PER_FOCUS = re.compile(
    r"(?<![?$\w])(?:GROUP\s+BY|HAVING|LIMIT|OFFSET)\b|(?<![?$\w])(?:COUNT|SUM|MIN|MAX|AVG|SAMPLE|GROUP_CONCAT)\s*\(",
    re.I,
)


def bulk_query(text: str, pattern: str) -> str | None:
    """The query for every focus node at once: the target joined into its top-level group and ?this
    projected. None when that would not equal pre-binding $this node by node."""
    try:
        start, end = _top_group(text)
    except ValueError:
        return None
    syntax = strip_to_syntax(text)
    head = syntax[:start]
    select = re.search(r"\bSELECT\b\s*(DISTINCT\b|REDUCED\b)?", head, re.I)
    if select is None or _PER_FOCUS.search(head[select.start() :]) or _PER_FOCUS.search(syntax[end:]):
        return None
    projection = head[select.end() :]
    rewritten = text[: start + 1] + f" {{ {pattern} }} " + text[start + 1 :]
    if "*" not in projection and not re.search(r"[?$]this\b", projection):
        rewritten = rewritten[: select.end()] + " ?this " + rewritten[select.end() :]
    if not _bulk_equivalent(rewritten):
        return None
    # keep only ?this: the candidates are the focus nodes with at least one solution
    at = _select_start(rewritten)
    return f"{rewritten[:at]}SELECT DISTINCT ?this WHERE {{ {{ {rewritten[at:]} }} }}"


def _select_start(text: str) -> int:
    match = re.search(r"\bSELECT\b", strip_to_syntax(text), re.I)
    assert match is not None
    return match.start()


@lru_cache(maxsize=4096)
def _bulk_equivalent(query: str) -> bool:
    """Whether joining the target at the top equals pre-binding $this: every use of ?this inside a nested
    group must be one that group binds itself (or a triple pattern, joined afterwards)."""
    try:
        from rdflib.plugins.sparql import prepareQuery

        algebra = prepareQuery(query).algebra
    except Exception:  # rdflib cannot read it: do not guess
        return False
    return _safe(algebra, this_bound=True)


THIS = Variable("this")


def _all_vars(node: Any) -> set[Any]:
    found: set[Any] = set()
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, Variable):
            found.add(item)
        elif isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, (list, tuple, set)):
            stack.extend(item)
    return found


def _certain(node: Any) -> set[Any]:
    """Variables every solution of the algebra node binds."""
    name = getattr(node, "name", None)
    if name == "BGP":
        return {term for triple in node["triples"] for term in triple if isinstance(term, Variable)}
    if name in ("Join",):
        return _certain(node["p1"]) | _certain(node["p2"])
    if name in ("LeftJoin", "Minus"):
        return _certain(node["p1"])
    if name == "Union":
        return _certain(node["p1"]) & _certain(node["p2"])
    if name == "Project":
        return _certain(node["p"]) & set(node["PV"])
    if name == "Graph":
        return _certain(node["p"]) | ({node["term"]} if isinstance(node["term"], Variable) else set())
    if name == "values":
        rows = node["res"]
        return set.intersection(*(set(r) for r in rows)) if rows else set()
    inner = node.get("p") if isinstance(node, dict) else None
    return _certain(inner) if inner is not None else set()


def _expression_patterns(expr: Any) -> Iterable[Any]:
    """The graph patterns of EXISTS / NOT EXISTS inside an expression."""
    stack = [expr]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            if getattr(item, "name", "") in ("Builtin_EXISTS", "Builtin_NOTEXISTS"):
                yield item["graph"]
            stack.extend(item.values())
        elif isinstance(item, (list, tuple)):
            stack.extend(item)


def _safe(node: Any, this_bound: bool) -> bool:
    if not isinstance(node, dict):
        return True
    name = getattr(node, "name", None)
    expression = None
    if name in ("Filter", "Extend"):
        expression = node["expr"]
    elif name == "LeftJoin":
        expression = node.get("expr")
    if expression is not None:
        bound_here = this_bound or THIS in _certain(node["p"] if name != "LeftJoin" else node["p1"])
        if THIS in _all_vars(expression) and not bound_here:
            return False
        if not all(_safe(p, bound_here) for p in _expression_patterns(expression)):
            return False
    if name == "Minus" and THIS in _all_vars(node["p2"]):
        return False
    if name == "Project" and THIS in _all_vars(node["p"]) and THIS not in set(node["PV"]):
        return False
    # the parts of a group are evaluated on their own: only the top-level group sees the target
    if name in ("Join", "Union", "LeftJoin", "Minus"):
        return all(_safe(node[key], False) for key in ("p1", "p2"))
    if name == "Filter":
        return _safe(node["p"], this_bound)
    return all(_safe(value, this_bound) for key, value in node.items() if key not in ("expr", "_vars"))
