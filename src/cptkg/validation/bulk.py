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
from rdflib.namespace import RDF, SH

from .candidates import BulkChecker, Plan, Unrestricted


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
