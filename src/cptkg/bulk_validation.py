"""Validation at scale: pyshacl's results, found in bulk on the embedded store.

Plain pyshacl checks every focus node one by one in Python, running each SHACL-SPARQL query once per node
(about a millisecond per triple on this project's shapes). Here every shape is first checked for all its
focus nodes at once, as a few SPARQL queries on the Oxigraph store: which focus nodes could violate it.
Only those candidates are then given to pyshacl itself (its `use_shapes` and `focus_nodes` options), on
the rdflib graph of the same data, so every reported result is pyshacl's own. Data that conforms never
reaches pyshacl, and the rdflib graph is only built when there is something to confirm.

The bulk checks over-approximate, never under-approximate:
- minCount, maxCount, hasValue and uniqueLang are counted per focus node with GROUP BY;
- the value checks (datatype, nodeKind, pattern, lengths, languageIn, in, ranges) run pyshacl's own
  components on the distinct values of each path, and a value whose lexical form the store may have
  normalised (a number, a date, a boolean) counts as failing for the lexical checks (pattern, lengths, in);
- sh:class is a SPARQL path check (rdf:type/rdfs:subClassOf*), as pyshacl does it;
- a SHACL-SPARQL constraint runs once for all focus nodes, the target joined into its top-level group,
  when that is equivalent to pre-binding $this (checked on the query's algebra), else once per focus node;
- anything else (sh:node, sh:or, sh:qualifiedValueShape, sh:closed, property pairs, SPARQL targets, ...)
  makes every focus node of that shape a candidate.
The store merges literals that are equal after normalisation ("1.50" and "1.5" as decimals); when the data
holds such pairs, counts could differ from pyshacl's, so the whole validation goes to plain pyshacl.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef, Variable
from rdflib.namespace import RDF, SH, XSD

from .binding import _matching_braces, _where_brace, strip_to_syntax

_XSD_STRING = str(XSD.string)
_LANG_STRING = str(RDF.langString)
_VALUE_COMPONENTS = {
    SH.datatype,
    SH.nodeKind,
    SH.pattern,
    SH.flags,
    SH.minLength,
    SH.maxLength,
    SH.languageIn,
    SH["in"],
    SH.minInclusive,
    SH.maxInclusive,
    SH.minExclusive,
    SH.maxExclusive,
}
_LEXICAL = {SH.pattern, SH.minLength, SH.maxLength, SH["in"]}
_COUNTED = {SH.minCount, SH.maxCount, SH.hasValue, SH.uniqueLang}
_QUALIFIED = {SH.qualifiedValueShape, SH.qualifiedMinCount, SH.qualifiedMaxCount, SH.qualifiedValueShapesDisjoint}
_HANDLED = _VALUE_COMPONENTS | _COUNTED | _QUALIFIED | {SH["class"], SH.sparql, SH.property}
# what a qualified value shape may say for the bulk pass to count its conforming values
_CLASS_ONLY = {RDF.type, SH["class"], SH.message, SH.name, SH.description, SH.severity}
_BATCH = 500


class Unrestricted(Exception):
    """The shape cannot be narrowed to focus nodes here: pyshacl checks it on the whole data."""


@dataclass
class Plan:
    """What the bulk pass found for one shape: candidate focus nodes, or every focus node."""

    shape: URIRef
    candidates: set[URIRef] = field(default_factory=set)
    everything: bool = False  # pyshacl runs the shape without a focus restriction


# ---------------------------------------------------------------- terms


def to_rdflib(term: Any) -> Any:
    """Straight from Oxigraph to rdflib, not through terms.Term: this runs for every quad of the data."""
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        if term.datatype.value == _XSD_STRING:
            return Literal(term.value)
        return Literal(term.value, datatype=URIRef(term.datatype.value))
    raise TypeError(f"not an RDF term: {term!r}")


def sparql_term(node: Any) -> str:
    if isinstance(node, URIRef):
        return f"<{node}>"
    if isinstance(node, Literal):
        return node.n3()
    raise Unrestricted(f"a blank node {node} in a shape parameter")


def _normalisable(term: Any) -> bool:
    """A literal whose lexical form the store may have changed (numbers, dates, booleans, language tags)."""
    return isinstance(term, ox.Literal) and (
        bool(term.language) or term.datatype.value not in (_XSD_STRING, _LANG_STRING)
    )


# ---------------------------------------------------------------- the bulk checker


class BulkChecker:
    def __init__(self, store: ox.Store, shapes: Graph) -> None:
        from pyshacl.pytypes import SHACLExecutor
        from pyshacl.shapes_graph import ShapesGraph

        self.store = store
        self.shapes = shapes
        self.sg = ShapesGraph(shapes)
        self.executor = SHACLExecutor()
        self._scratch = Graph()

    def select(self, query: str) -> list[Any]:
        return list(self.store.query(query, use_default_graph_as_union=True))  # type: ignore[arg-type]

    def focus_nodes(self, pattern: str) -> set[Any]:
        return {row[0] for row in self.select(f"SELECT DISTINCT ?this WHERE {{ {pattern} }}")}

    # -------------------------------------------------------- targets

    def target_pattern(self, shape: Any) -> str | None:
        """A SPARQL group binding ?this to every focus node of the shape, or None without targets."""
        if list(self.shapes.objects(shape.node, SH.target)):
            raise Unrestricted("SHACL-AF targets")
        branches = [f"{{ VALUES ?this {{ {sparql_term(n)} }} }}" for n in shape.target_nodes()]
        classes = list(shape.target_classes()) + list(shape.implicit_class_targets())
        branches += [f"{{ ?this a/<{RDFS_SUBCLASS}>* {sparql_term(c)} }}" for c in classes]
        branches += [f"{{ ?this {sparql_term(p)} [] }}" for p in shape.target_subjects_of()]
        branches += [f"{{ [] {sparql_term(p)} ?this }}" for p in shape.target_objects_of()]
        if not branches:
            return None
        return " UNION ".join(branches)

    # -------------------------------------------------------- one shape

    def plan(self, shape: Any) -> Plan | None:
        """The candidates of a top-level shape (one with targets), or None when it has no focus node."""
        if shape.deactivated:
            return None
        node = shape.node
        try:
            pattern = self.target_pattern(shape)
        except Unrestricted:
            pattern = ""
        if pattern is None:
            return None
        if not isinstance(node, URIRef):
            raise Unrestricted("a blank-node shape with targets")
        if not pattern:
            return Plan(node, everything=True)
        try:
            candidates = self.shape_candidates(shape, pattern, nested=False)
        except Unrestricted:
            candidates = self.focus_nodes(pattern)
        if any(not isinstance(c, ox.NamedNode) for c in candidates):
            return Plan(node, everything=True)
        return Plan(node, {URIRef(c.value) for c in candidates})

    def shape_candidates(self, shape: Any, pattern: str, nested: bool) -> set[Any]:
        from pyshacl.constraints import ALL_CONSTRAINT_PARAMETERS

        parameters = {p for p in self.shapes.predicates(shape.node) if p in ALL_CONSTRAINT_PARAMETERS}
        unknown = parameters - _HANDLED
        if unknown:
            raise Unrestricted(f"parameters {sorted(unknown, key=str)}")
        if nested and SH.property in parameters:
            raise Unrestricted("property shapes inside a property shape")
        path = None
        if shape.is_property_shape:
            from pyshacl.helper.path_helper import shacl_path_to_sparql_path

            path = shacl_path_to_sparql_path(self.sg, shape.path())
        candidates: set[Any] = set()
        value_parameters = parameters & (_VALUE_COMPONENTS | {SH["class"]})
        if value_parameters:
            candidates |= self.value_candidates(shape, pattern, path, value_parameters)
        if path is not None and parameters & {SH.minCount, SH.maxCount}:
            candidates |= self.cardinality_candidates(shape, pattern, path)
        for parameter in parameters & (_COUNTED - {SH.minCount, SH.maxCount} if path else _COUNTED):
            candidates |= self.counted_candidates(shape, pattern, path, parameter)
        if parameters & _QUALIFIED:
            candidates |= self.qualified_candidates(shape, pattern, path)
        if SH.sparql in parameters:
            candidates |= self.sparql_candidates(shape, pattern, path)
        for property_node in self.shapes.objects(shape.node, SH.property):
            property_shape = self.sg.lookup_shape_from_node(property_node)
            if not property_shape.deactivated:
                candidates |= self.shape_candidates(property_shape, pattern, nested=True)
        return candidates

    def _values_pattern(self, pattern: str, path: str | None) -> str:
        return f"{{ {pattern} }} ?this {path} ?v ." if path else f"{{ {pattern} }} BIND(?this AS ?v)"

    def _count_having(self, pattern: str, path: str, condition: str, having: str) -> set[Any]:
        query = (
            f"SELECT ?this WHERE {{ {{ {pattern} }} OPTIONAL {{ ?this {path} ?v {condition} }} }} "
            f"GROUP BY ?this HAVING ({having})"
        )
        return {row[0] for row in self.select(query)}

    def cardinality_candidates(self, shape: Any, pattern: str, path: str) -> set[Any]:
        """minCount and maxCount in one pass: focus nodes with too few or too many distinct values."""
        tests = []
        for parameter, operator in ((SH.minCount, "<"), (SH.maxCount, ">")):
            for value in self.shapes.objects(shape.node, parameter):
                tests.append(f"COUNT(DISTINCT ?v) {operator} {int(value)}")  # type: ignore[call-overload]
        return self._count_having(pattern, path, "", " || ".join(tests))

    def qualified_candidates(self, shape: Any, pattern: str, path: str | None) -> set[Any]:
        """Qualified counts, when the qualified shape only names a class (as the shipped shapes do)."""
        disjoint = self.shapes.value(shape.node, SH.qualifiedValueShapesDisjoint)
        nested = list(self.shapes.objects(shape.node, SH.qualifiedValueShape))
        if path is None or len(nested) != 1 or (disjoint is not None and disjoint.toPython() is True):
            raise Unrestricted("a qualified value shape the bulk pass cannot count")
        classes = list(self.shapes.objects(nested[0], SH["class"]))
        if len(classes) != 1 or set(self.shapes.predicates(nested[0])) - _CLASS_ONLY:
            raise Unrestricted("a qualified value shape other than one class")
        tests = []
        for parameter, operator in ((SH.qualifiedMinCount, "<"), (SH.qualifiedMaxCount, ">")):
            for value in self.shapes.objects(shape.node, parameter):
                tests.append(f"COUNT(DISTINCT ?v) {operator} {int(value)}")  # type: ignore[call-overload]
        if not tests:
            return set()
        condition = f"FILTER EXISTS {{ ?v a/<{RDFS_SUBCLASS}>* {sparql_term(classes[0])} }}"
        return self._count_having(pattern, path, condition, " || ".join(tests))

    def counted_candidates(self, shape: Any, pattern: str, path: str | None, parameter: Any) -> set[Any]:
        value: Any = next(iter(self.shapes.objects(shape.node, parameter)))
        if path is None:  # a node shape's only value is the focus node itself
            if parameter == SH.hasValue:
                return self.focus_nodes(f"{{ {pattern} }} FILTER(?this != {sparql_term(value)})")
            if (parameter == SH.minCount and int(value) > 1) or (parameter == SH.maxCount and int(value) < 1):
                return self.focus_nodes(pattern)
            return set()
        if parameter == SH.minCount:
            query = (
                f"SELECT ?this WHERE {{ {{ {pattern} }} OPTIONAL {{ ?this {path} ?v }} }} "
                f"GROUP BY ?this HAVING (COUNT(DISTINCT ?v) < {int(value)})"
            )
        elif parameter == SH.maxCount:
            query = (
                f"SELECT ?this WHERE {{ {{ {pattern} }} ?this {path} ?v }} "
                f"GROUP BY ?this HAVING (COUNT(DISTINCT ?v) > {int(value)})"
            )
        elif parameter == SH.hasValue:
            if isinstance(value, Literal) and (value.language or (value.datatype and value.datatype != XSD.string)):
                raise Unrestricted("sh:hasValue with a literal the store may normalise")
            query = (
                f"SELECT ?this WHERE {{ {{ {pattern} }} FILTER NOT EXISTS {{ ?this {path} {sparql_term(value)} }} }}"
            )
        else:  # sh:uniqueLang
            if not (isinstance(value, Literal) and value.value is True):
                return set()
            query = (
                f"SELECT DISTINCT ?this WHERE {{ {{ {pattern} }} ?this {path} ?a , ?b . "
                'FILTER(?a != ?b && LANG(?a) != "" && LCASE(LANG(?a)) = LCASE(LANG(?b))) }'
            )
        return {row[0] for row in self.select(query)}

    def value_candidates(self, shape: Any, pattern: str, path: str | None, parameters: set[Any]) -> set[Any]:
        """Focus nodes with a value that fails a value check (or may, once normalised by the store)."""
        from pyshacl.constraints import CONSTRAINT_PARAMETERS_MAP

        values_pattern = self._values_pattern(pattern, path)
        bad: set[Any] = set()
        for cls in self.shapes.objects(shape.node, SH["class"]):
            query = (
                f"SELECT DISTINCT ?v WHERE {{ {values_pattern} "
                f"FILTER(isLiteral(?v) || NOT EXISTS {{ ?v a/<{RDFS_SUBCLASS}>* {sparql_term(cls)} }}) }}"
            )
            bad |= {row[0] for row in self.select(query)}
        checks = parameters - {SH["class"], SH.flags}
        if checks:
            values = [row[0] for row in self.select(f"SELECT DISTINCT ?v WHERE {{ {values_pattern} }}")]
            by_rdflib = {to_rdflib(v): v for v in values}
            components = {CONSTRAINT_PARAMETERS_MAP[p] for p in checks}
            dummy = URIRef("urn:cptkg:bulk-check")
            for component in components:
                failing = self._failing_values(component(shape), dummy, list(by_rdflib))
                bad |= {by_rdflib[v] for v in failing if v in by_rdflib}
            if checks & _LEXICAL:
                bad |= {v for v in values if _normalisable(v)}
        if not bad:
            return set()
        if any(isinstance(v, ox.BlankNode) for v in bad):
            raise Unrestricted("a failing blank-node value")
        found: set[Any] = set()
        bad_list = sorted(bad, key=str)
        for start in range(0, len(bad_list), _BATCH):
            batch = " ".join(str(v) for v in bad_list[start : start + _BATCH])
            found |= self.focus_nodes(f"{values_pattern} VALUES ?v {{ {batch} }}")
        return found

    def _failing_values(self, component: Any, dummy: URIRef, values: list[Any]) -> set[Any]:
        _ok, reports = component.evaluate(self.executor, self._scratch, {dummy: values}, [])
        failing = set()
        for _description, _node, triples in reports:
            for _s, predicate, obj in triples:
                if predicate == SH.value:
                    failing.add(obj[1] if isinstance(obj, tuple) else obj)
        return failing

    # -------------------------------------------------------- SHACL-SPARQL

    def sparql_candidates(self, shape: Any, pattern: str, path: str | None) -> set[Any]:
        from pyshacl.helper.sparql_query_helper import SPARQLQueryHelper

        candidates: set[Any] = set()
        for constraint in self.shapes.objects(shape.node, SH.sparql):
            if Literal(True) in set(self.shapes.objects(constraint, SH.deactivated)):
                continue
            select = self.shapes.value(constraint, SH.select)
            if select is None:
                raise Unrestricted("a SPARQL constraint without sh:select")
            helper = SPARQLQueryHelper(shape, constraint, str(select))
            helper.collect_prefixes()
            _bindings, text = helper.pre_bind_variables(URIRef("urn:cptkg:bulk-check"))
            text = helper.apply_prefixes(text)
            if re.search(r"[?$]shapesGraph\b", text):
                raise Unrestricted("$shapesGraph")
            text = re.sub(r"[?$]currentShape\b", sparql_term(shape.node), text)
            bulk = bulk_query(text, pattern)
            if bulk is not None:
                candidates |= {row[0] for row in self.select(bulk)}
            else:
                candidates |= self._one_by_one(text, pattern)
        return candidates

    def _one_by_one(self, text: str, pattern: str) -> set[Any]:
        found = set()
        for focus in self.focus_nodes(pattern):
            if not isinstance(focus, ox.NamedNode):
                raise Unrestricted("a blank-node focus node")
            if self.select(substitute_this(text, str(focus))):
                found.add(focus)
        return found


RDFS_SUBCLASS = "http://www.w3.org/2000/01/rdf-schema#subClassOf"


# ---------------------------------------------------------------- query rewriting


def _top_group(text: str) -> tuple[int, int]:
    syntax = strip_to_syntax(text)
    pairs = _matching_braces(syntax)
    top = _where_brace(syntax, pairs)
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


# ---------------------------------------------------------------- the whole validation


def plans(store: ox.Store, shapes: Graph) -> list[Plan]:
    """A plan for every shape with targets; raises Unrestricted when the bulk pass cannot be used at all."""
    if (None, RDF.type, SH.ConstraintComponent) in shapes:
        raise Unrestricted("custom constraint components")
    checker = BulkChecker(store, shapes)
    found = []
    for shape in checker.sg.shapes:
        plan = checker.plan(shape)
        if plan is not None and (plan.everything or plan.candidates):
            found.append(plan)
    return found


def confirm(plans_: list[Plan], data: Callable[[], Graph], shapes: Graph) -> tuple[bool, Graph]:
    """pyshacl's own shape validation on the candidates of each plan, and pyshacl's own report of them.

    Shapes are validated as pyshacl's validator does it (Shape.validate on the focus nodes, warnings and
    infos allowed), with every shape of the shapes graph available to the ones it refers to: pyshacl's
    use_shapes option would leave out named property shapes, and its focus_nodes option would also filter
    the value nodes that sh:node or sh:qualifiedValueShape check.
    """
    from pyshacl.graph_abstraction import DataGraph
    from pyshacl.pytypes import SHACLExecutor
    from pyshacl.shapes_graph import ShapesGraph
    from pyshacl.validator import Validator

    from .sparql_cache import install

    if any(plan.everything for plan in plans_):
        raise Unrestricted("a shape that must be checked on every focus node")
    install()
    sg = ShapesGraph(shapes)
    list(sg.shapes)  # builds pyshacl's cache of every shape
    executor = SHACLExecutor(allow_warnings=True, allow_infos=True)
    graph = DataGraph.from_rdflib(data()) if plans_ else None
    conforms = True
    reports: list[Any] = []
    for plan in plans_:
        assert graph is not None
        shape = sg.lookup_shape_from_node(plan.shape)
        ok, found = shape.validate(executor, graph, focus=sorted(plan.candidates))
        conforms = conforms and bool(ok)
        reports.extend(found)
    report, _text = Validator.create_validation_report(sg, conforms, reports)
    return conforms, report
