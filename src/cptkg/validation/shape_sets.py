"""The three shape sets: core (shipped; they decide conformance), audit (source claims) and qa (the ontology
itself; build-only, in a checkout), and the user's own shapes run with the core set."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Literal

from rdflib import Graph

from ..errors import EnvironmentProblem
from ..graph.rdf_files import read_rdf_file
from ..resources import shapes_dir

ShapeSet = Literal["core", "audit", "qa"]


def shape_files(kind: ShapeSet = "core", root: Path | None = None) -> list[Path]:
    """The shape files of one set: core (shipped, decide conformance), audit (source claims) or qa."""
    base = root or shapes_dir()
    prefixes = base / "prefixes.shapes.ttl"
    if kind == "core":
        files = sorted(p for p in base.glob("*.shapes.ttl") if p != prefixes)
    elif kind == "audit":
        files = sorted((base / "audit").glob("*.shapes.ttl"))
    elif kind == "qa":
        # build-only: qa/ sits beside shapes/ in a checkout and is not shipped in the wheel
        files = sorted((base.parent / "qa").glob("*.shapes.ttl"))
        if not files:
            raise EnvironmentProblem("the QA shapes (qa/*.shapes.ttl) are only in a checkout, not in the wheel")
    else:
        raise ValueError(f"unknown shape set {kind!r}")
    return [prefixes, *files]


def load_shapes(kind: ShapeSet = "core", extra: Sequence[Path] = ()) -> Graph:
    graph = Graph()
    for path in [*shape_files(kind), *extra]:
        read_rdf_file(path, graph)
    return graph
