"""Reading the RDF sources: one named graph per source file, for rdflib and for the embedded Oxigraph store."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from rdflib import Dataset, Graph, URIRef

from .errors import SourceSyntaxError
from .resources import graph_name, ontology_dir, source_files

_OX_LOCATION = re.compile(
    r"^Parser error (?:between line \d+ column \d+ and line \d+ column \d+"
    r"|at line \d+ between columns \d+ and \d+|at line \d+ column \d+)?:?\s*"
)
_OX_TAIL = re.compile(r"\s*\([^()]*, line \d+\)\s*$")


@dataclass(frozen=True)
class SourceFile:
    path: Path
    graph: str  # the named-graph IRI

    @property
    def display(self) -> str:
        return str(self.path)


def list_sources(root: Path | None = None) -> list[SourceFile]:
    base = root or ontology_dir()
    return [SourceFile(path, graph_name(path, base)) for path in source_files(base)]


def _syntax_error(path: Path, err: SyntaxError) -> SourceSyntaxError:
    message = _OX_TAIL.sub("", _OX_LOCATION.sub("", str(err))) or str(err)
    return SourceSyntaxError(str(path), err.lineno, err.offset, message)


_OX_FORMATS = {
    "turtle": ox.RdfFormat.TURTLE,
    "nt": ox.RdfFormat.N_TRIPLES,
    "nq": ox.RdfFormat.N_QUADS,
    "trig": ox.RdfFormat.TRIG,
}


def check_syntax(path: Path) -> list[ox.Triple]:
    """Parse a Turtle file strictly; a syntax error names the file, line and column."""
    return check_syntax_as(path, "turtle")


def check_syntax_as(path: Path, fmt: str) -> list[Any]:
    """Parse a Turtle, N-Triples, N-Quads or TriG file strictly; errors name the file, line and column."""
    try:
        return list(ox.parse(path=str(path), format=_OX_FORMATS[fmt]))
    except SyntaxError as err:
        raise _syntax_error(path, err) from None
    except UnicodeDecodeError as err:
        raise SourceSyntaxError(str(path), None, None, f"not UTF-8 text ({err.reason})") from None


def _is_mapping_set(path: Path) -> bool:
    return path.name.endswith(".sssom.tsv")


def load_dataset(root: Path | None = None) -> Dataset:
    """An rdflib Dataset with one named graph per source file (mapping sets turned into RDF)."""
    from .mappings import load_mapping_graph

    ds = Dataset()
    for source in list_sources(root):
        graph = ds.graph(URIRef(source.graph))
        if _is_mapping_set(source.path):
            for triple in load_mapping_graph(source.path):
                graph.add(triple)
            continue
        check_syntax(source.path)
        graph.parse(source.path, format="turtle")
    return ds


def merged_graph(dataset: Dataset) -> Graph:
    """All named graphs of a dataset in one graph."""
    merged = Graph()
    for graph in dataset.graphs():
        if graph.identifier != URIRef("urn:x-rdflib:default"):
            for triple in graph:
                merged.add(triple)
    return merged


def load_graph(root: Path | None = None) -> Graph:
    return merged_graph(load_dataset(root))


def load_store(root: Path | None = None, store: ox.Store | None = None) -> ox.Store:
    """An Oxigraph store with one named graph per source file (queries use the union as default graph)."""
    from .mappings import load_mapping_graph

    target = store if store is not None else ox.Store()
    for source in list_sources(root):
        graph = ox.NamedNode(source.graph)
        if _is_mapping_set(source.path):
            text = load_mapping_graph(source.path).serialize(format="nt", encoding="utf-8")
            target.load(text, format=ox.RdfFormat.N_TRIPLES, to_graph=graph)
            continue
        triples = check_syntax(source.path)
        target.extend(ox.Quad(t.subject, t.predicate, t.object, graph) for t in triples)
    return target
