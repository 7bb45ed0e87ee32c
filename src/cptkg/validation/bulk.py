"""Validation at scale: pyshacl's results, found in bulk on the embedded store.

Plain pyshacl checks every focus node one by one in Python, running each SHACL-SPARQL query once per node
(about a millisecond per triple on this project's shapes). Here each shape is first narrowed to the focus
nodes that could violate it (validation.candidates, a few SPARQL queries on the Oxigraph store); only those
candidates are then given to pyshacl itself, on the rdflib graph of the same data, so every reported result is
pyshacl's own. Data that conforms never reaches pyshacl, and the rdflib graph is only built when there is
something to confirm.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pyoxigraph as ox
from rdflib import Graph
from rdflib.namespace import RDF, RDFS, SH

from .candidates import BulkChecker, Plan, Unrestricted


def custom_components(shapes: Graph) -> bool:
    """Whether the shapes declare constraint components of their own (typed sh:ConstraintComponent or a
    subclass of it, as pyshacl finds them)."""
    kinds = {SH.ConstraintComponent, *shapes.transitive_subjects(RDFS.subClassOf, SH.ConstraintComponent)}
    return any((None, RDF.type, kind) in shapes for kind in kinds) or (None, SH.parameter, None) in shapes


# SHACL Advanced Features: pyshacl applies functions and rules to the data before validating, which a shape
# checked on its own (here) would miss
_ADVANCED_PREDICATES = (SH.rule, SH.expression, SH.target)
_ADVANCED_TYPES = (SH.SPARQLFunction, SH.Function, SH.SPARQLTargetType, SH.SPARQLRule, SH.TripleRule, SH.Rule)


def advanced_features(shapes: Graph) -> str | None:
    for predicate in _ADVANCED_PREDICATES:
        if (None, predicate, None) in shapes:
            return f"the shapes use SHACL Advanced Features ({shapes.qname(predicate)})"
    for kind in _ADVANCED_TYPES:
        if (None, RDF.type, kind) in shapes:
            return f"the shapes use SHACL Advanced Features ({shapes.qname(kind)})"
    return None


def plans(
    store: ox.Store,
    shapes: Graph,
    prefixes: dict[str, str] | None = None,
    originals: dict[Any, set[Any]] | None = None,
    rewritten_predicates: set[str] | None = None,
) -> list[Plan]:
    """A plan for every shape with targets; raises Unrestricted when the bulk pass cannot be used at all."""
    if custom_components(shapes):
        raise Unrestricted("the shapes declare constraint components of their own")
    advanced = advanced_features(shapes)
    if advanced:
        raise Unrestricted(advanced)
    checker = BulkChecker(store, shapes, prefixes or {}, originals or {}, rewritten_predicates or set())
    found = []
    for shape in checker.sg.shapes:
        plan = checker.plan(shape)
        if plan is not None and (plan.everything or plan.candidates):
            found.append(plan)
    return found


def confirm(plans_: list[Plan], data: Callable[[], Graph], shapes: Graph) -> tuple[bool, Graph]:
    """pyshacl's own shape validation on the candidates of each plan (or on every focus node, for a plan
    that could not be narrowed), and pyshacl's own report of them.

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

    install()
    sg = ShapesGraph(shapes)
    list(sg.shapes)  # builds pyshacl's cache of every shape
    executor = SHACLExecutor(advanced_mode=True, allow_warnings=True, allow_infos=True)
    graph = DataGraph.from_rdflib(data()) if plans_ else None
    conforms = True
    reports: list[Any] = []
    for plan in plans_:
        assert graph is not None
        shape = sg.lookup_shape_from_node(plan.shape)
        if plan.everything:
            ok, found = shape.validate(executor, graph)  # pyshacl finds the focus nodes itself
        else:
            ok, found = shape.validate(executor, graph, focus=sorted(plan.candidates))
        conforms = conforms and bool(ok)
        reports.extend(found)
    report, _text = Validator.create_validation_report(sg, conforms, reports)
    return conforms, report
