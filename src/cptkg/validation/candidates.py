"""The bulk pass of the validation: for each shape, the focus nodes that could violate it, found with SPARQL
on the embedded store (validation.bulk hands them to pyshacl).

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
from dataclasses import dataclass, field
from typing import Any

import pyoxigraph as ox
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, SH, XSD

from ..sparql.focus_queries import bulk_query, substitute_this
from ..sparql.terms import oxigraph_to_rdflib
from .sparql_constraints import (
    may_reach,
    reads_lexical_forms,
    regex_read_differently,
    required_of_this,
    with_data_prefixes,
)

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
RDFS_SUBCLASS = "http://www.w3.org/2000/01/rdf-schema#subClassOf"


class Unrestricted(Exception):
    """The shape cannot be narrowed to focus nodes here: pyshacl checks it on the whole data."""


# an Unrestricted reason starting so means that even the focus nodes must be found by pyshacl (the store would
# evaluate the constraint differently, so not even per focus node can it be run there)
EVERY_NODE = "pyshacl checks every node:"


@dataclass
class Plan:
    """What the bulk pass found for one shape: candidate focus nodes, or every focus node."""

    shape: URIRef
    candidates: set[URIRef] = field(default_factory=set)
    everything: bool = False  # pyshacl runs the shape without a focus restriction
    reason: str = ""  # why the shape could not be narrowed (for --explain)


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
    def __init__(
        self,
        store: ox.Store,
        shapes: Graph,
        prefixes: dict[str, str] | None = None,
        originals: dict[Any, set[Any]] | None = None,
        rewritten_predicates: set[str] | None = None,
    ) -> None:
        from pyshacl.pytypes import SHACLExecutor
        from pyshacl.shapes_graph import ShapesGraph

        self.store = store
        self.shapes = shapes
        self.sg = ShapesGraph(shapes)
        self.executor = SHACLExecutor()
        self._scratch = Graph()
        self.prefixes = prefixes or {}
        # the store's form of a literal -> the forms the data files wrote (validation.data): value checks run
        # on those, and a store value that stands for two of them widens the counts
        self.originals = originals or {}
        self.rewritten_predicates = rewritten_predicates or set()
        self.merged = sorted((v for v, forms in self.originals.items() if len(forms) > 1), key=str)

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
        reason = ""
        try:
            pattern = self.target_pattern(shape)
        except Unrestricted as why:
            pattern, reason = "", str(why)
        if pattern is None:
            return None
        if not isinstance(node, URIRef):
            raise Unrestricted("a blank-node shape with targets")
        if not pattern:
            return Plan(node, everything=True, reason=reason)
        try:
            candidates = self.shape_candidates(shape, pattern, nested=False)
        except Unrestricted as why:
            if str(why).startswith(EVERY_NODE):
                return Plan(node, everything=True, reason=str(why))
            candidates, reason = self.focus_nodes(pattern), f"every focus node is a candidate: {why}"
        if any(not isinstance(c, ox.NamedNode) for c in candidates):
            return Plan(node, everything=True, reason="a blank-node focus node")
        return Plan(node, {URIRef(c.value) for c in candidates}, reason=reason)

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
        return {row[0] for row in self.select(query)} | self._with_merged_values(pattern, path)

    def _with_merged_values(self, pattern: str, path: str) -> set[Any]:
        """Focus nodes with a value the store made of two of the data's literals ("1.50" and "1.5"): the
        store counts one value where pyshacl counts two."""
        found: set[Any] = set()
        for start in range(0, len(self.merged), _BATCH):
            batch = " ".join(str(v) for v in self.merged[start : start + _BATCH])
            found |= self.focus_nodes(f"{{ {pattern} }} ?this {path} ?v . VALUES ?v {{ {batch} }}")
        return found

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
        return {row[0] for row in self.select(query)} | self._with_merged_values(pattern, path)

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
            # each value as the data files wrote it (pyshacl's view), mapped back to the store's form
            by_rdflib = {oxigraph_to_rdflib(form): v for v in values for form in self.originals.get(v, (v,))}
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

        make_helper: Any = SPARQLQueryHelper  # pyshacl's helper is untyped

        candidates: set[Any] = set()
        for constraint in self.shapes.objects(shape.node, SH.sparql):
            if Literal(True) in set(self.shapes.objects(constraint, SH.deactivated)):
                continue
            select = self.shapes.value(constraint, SH.select)
            if select is None:
                raise Unrestricted("a SPARQL constraint without sh:select")
            helper: Any = make_helper(shape, constraint, str(select))
            helper.collect_prefixes()
            _bindings, text = helper.pre_bind_variables(URIRef("urn:cptkg:bulk-check"))
            text = helper.apply_prefixes(text)
            if re.search(r"[?$]shapesGraph\b", text):
                raise Unrestricted("$shapesGraph")
            text = re.sub(r"[?$]currentShape\b", sparql_term(shape.node), text)
            if regex_read_differently(text, self._data_has_foreign_regex):
                raise Unrestricted(f"{EVERY_NODE} a regular expression the store reads differently")
            if len(re.findall(r"\bSELECT\b", text, re.I)) > 1:
                # pyshacl pre-binds $this inside a sub-SELECT too (its LIMIT, ORDER BY or aggregates then work
                # on one focus node's solutions), which no query over the store is sure to match
                raise Unrestricted(f"{EVERY_NODE} a sub-SELECT")
            if (
                self.originals
                and reads_lexical_forms(text)
                and may_reach(text, self.prefixes, self.rewritten_predicates)
            ):
                # the store cannot run it as pyshacl would; every focus node that has what the query requires
                # of $this (its top-level patterns with $this as subject, whatever the objects' forms) is a
                # candidate for pyshacl
                required = required_of_this(text, self.prefixes)
                if not required:
                    raise Unrestricted(
                        f"{EVERY_NODE} the data has literals the store writes differently, and the constraint "
                        "reads lexical forms or absences"
                    )
                patterns = " ".join(f"?this <{p}> ?required{i} ." for i, p in enumerate(sorted(required)))
                candidates |= self.focus_nodes(f"{{ {pattern} }} {patterns}")
                continue
            text = with_data_prefixes(text, self.prefixes)
            bulk = bulk_query(text, pattern)
            if bulk is not None:
                candidates |= {row[0] for row in self.select(bulk)}
            else:
                candidates |= self._one_by_one(text, pattern)
        return candidates

    def _data_has_foreign_regex(self) -> bool:
        """Whether some literal of the data could be a regular expression the store reads differently (a
        look-around or a back-reference): only then does a pattern taken from the data matter."""
        query = (
            "ASK { ?s ?p ?o FILTER(isLiteral(?o) && (CONTAINS(STR(?o), '(?=') || CONTAINS(STR(?o), '(?!')"
            " || CONTAINS(STR(?o), '(?<') || REGEX(STR(?o), '\\\\[1-9k]'))) }"
        )
        return bool(self.store.query(query, use_default_graph_as_union=True))

    def _one_by_one(self, text: str, pattern: str) -> set[Any]:
        found = set()
        for focus in self.focus_nodes(pattern):
            if not isinstance(focus, ox.NamedNode):
                raise Unrestricted("a blank-node focus node")
            if self.select(substitute_this(text, str(focus))):
                found.add(focus)
        return found
