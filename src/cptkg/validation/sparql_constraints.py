"""What the bulk pass must know about a SHACL-SPARQL constraint before running it on the store: whether the
store would read it differently from pyshacl's rdflib (a regular expression, lexical forms of literals the store
rewrote), what it requires of $this, and the data graph's prefixes pyshacl lends it."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from rdflib import URIRef, Variable
from rdflib.paths import AlternativePath, InvPath, MulPath, Path, SequencePath

THIS = Variable("this")
# what in a SPARQL constraint depends on a literal's lexical form, datatype or language tag, or on the absence
# or number of values (which a store that merged two literals would change)
_LEXICAL = re.compile(
    r"\b(?:STR|LANG|LANGMATCHES|DATATYPE|STRLEN|SUBSTR|STRSTARTS|STRENDS|CONTAINS|STRBEFORE|STRAFTER|CONCAT"
    r"|REPLACE|REGEX|UCASE|LCASE|ENCODE_FOR_URI|sameTerm|COUNT|GROUP_CONCAT|SAMPLE|MD5|SHA1|SHA256|SHA384"
    r"|SHA512|STRDT|STRLANG)\s*\(|\bNOT\s+EXISTS\b|\bMINUS\b",
    re.I,
)
# regular-expression features the store's engine (Rust regex) lacks or reads differently from Python's re: a
# back-reference or a look-around, as written inside a SPARQL string (its backslash possibly escaped)
_FOREIGN_REGEX = re.compile(r"\\\\?(?:[1-9]|k<)|\(\?(?:[=!]|<[=!])")
_REGEX_CALL = re.compile(r"\b(?:REGEX|REPLACE)\s*\(", re.I)
_PATTERN_FROM_DATA = re.compile(r"\b(?:REGEX|REPLACE)\s*\([^\"']*,\s*[?$]", re.I)


def reads_lexical_forms(text: str) -> bool:
    return bool(_LEXICAL.search(text))


def regex_read_differently(text: str, data_has_foreign_regex: Callable[[], bool]) -> bool:
    """Whether the store's regular-expression engine could answer the constraint otherwise than Python's: a
    look-around or back-reference in the query, or a pattern taken from the data when the data holds one."""
    if not _REGEX_CALL.search(text):
        return False
    if _FOREIGN_REGEX.search(text):
        return True
    return bool(_PATTERN_FROM_DATA.search(text)) and data_has_foreign_regex()


def with_data_prefixes(text: str, prefixes: dict[str, str]) -> str:
    """The query with the data graph's namespaces it does not declare itself: pyshacl runs it on an rdflib
    graph, which lends the query those namespaces."""
    declared = {m.group(1) for m in re.finditer(r"PREFIX\s+([\w.-]*):", text, re.I)}
    extra = "".join(f"PREFIX {p}: <{n}>\n" for p, n in sorted(prefixes.items()) if p not in declared)
    return extra + text


def _algebra(text: str, prefixes: dict[str, str]) -> Any:
    from rdflib.plugins.sparql import prepareQuery

    try:
        return prepareQuery(with_data_prefixes(text, prefixes)).algebra
    except Exception:  # rdflib cannot read it: the callers assume the worst
        return None


def iris_of(predicate: Any) -> set[str] | None:
    """The IRIs a predicate or property path names (None when it may be any predicate)."""
    if isinstance(predicate, URIRef):
        return {str(predicate)}
    if not isinstance(predicate, Path):
        return None
    found: set[str] = set()
    stack: list[Any] = [predicate]
    while stack:
        part = stack.pop()
        if isinstance(part, URIRef):
            found.add(str(part))
        elif isinstance(part, (SequencePath, AlternativePath)):
            stack.extend(part.args)
        elif isinstance(part, InvPath):
            stack.append(part.arg)
        elif isinstance(part, MulPath):
            stack.append(part.path)
        else:  # a negated property set (NegatedPath) reaches every other predicate
            return None
    return found


def _in_restrictions(expr: Any) -> dict[Any, set[str]]:
    """Variables a filter confines to listed IRIs (`?p IN (<a>, <b>)`, alone or in a conjunction)."""
    found: dict[Any, set[str]] = {}
    name = getattr(expr, "name", "")
    if name == "ConditionalAndExpression":
        for part in [expr["expr"], *(expr.get("other") or [])]:
            found.update(_in_restrictions(part))
    elif name == "RelationalExpression" and expr.get("op") == "IN" and isinstance(expr.get("expr"), Variable):
        listed = expr.get("other") or []
        if listed and all(isinstance(item, URIRef) for item in listed):
            found[expr["expr"]] = {str(item) for item in listed}
    return found


def may_reach(text: str, prefixes: dict[str, str], predicates: set[str]) -> bool:
    """Whether the query could see an object of one of these predicates: it names one, or uses a variable
    predicate whose object could be a literal and that no filter confines to other IRIs (or it cannot be read
    to tell). EXISTS and NOT EXISTS patterns are looked into as well."""
    algebra = _algebra(text, prefixes)
    if algebra is None:
        return True
    return _reaches(algebra, predicates, {})


def _reaches(node: Any, predicates: set[str], confined: dict[Any, set[str]]) -> bool:
    if isinstance(node, (list, tuple)):
        return any(_reaches(item, predicates, confined) for item in node)
    if not isinstance(node, dict):
        return False
    name = getattr(node, "name", "")
    if name == "Filter":
        # the filter holds for every solution of its group, and for the EXISTS patterns it evaluates
        inner = {**confined, **_in_restrictions(node["expr"])}
        return _reaches(node["p"], predicates, inner) or _reaches(node["expr"], predicates, inner)
    if name in ("BGP", "TriplesBlock"):
        triples = []
        for flat in node["triples"]:  # the parser's form may chain several triples in one list
            flat = list(flat)
            if len(flat) % 3:
                return True
            triples += [tuple(flat[i : i + 3]) for i in range(0, len(flat), 3)]
        subjects = {t[0] for t in triples}
        for _s, predicate, obj in triples:
            if isinstance(predicate, Variable):
                if predicate in confined:
                    iris: set[str] | None = confined[predicate]
                elif isinstance(obj, Variable) and obj in subjects:
                    # its object must also be the subject of a pattern of the same group: not a literal
                    continue
                else:
                    return True
            else:
                iris = iris_of(predicate)
            if iris is None or iris & predicates:
                return True
        return False
    return any(_reaches(value, predicates, confined) for value in node.values())


def required_of_this(text: str, prefixes: dict[str, str]) -> set[str]:
    """The predicates every solution of the query has $this as the subject of (top-level triple patterns
    outside OPTIONAL, UNION, MINUS and negation)."""
    algebra = _algebra(text, prefixes)
    found: set[str] = set()
    stack: list[Any] = [algebra] if algebra is not None else []
    while stack:
        node = stack.pop()
        name = getattr(node, "name", "")
        if name == "BGP":
            found |= {str(t[1]) for t in node["triples"] if t[0] == THIS and isinstance(t[1], URIRef)}
        elif name in ("SelectQuery", "Project", "Distinct", "Reduced", "Filter", "Extend", "ToMultiSet"):
            stack.append(node["p"])
        elif name == "Join":
            stack.extend([node["p1"], node["p2"]])
        elif name in ("LeftJoin", "Minus"):
            stack.append(node["p1"])
    return found
