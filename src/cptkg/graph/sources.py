"""Reading the RDF sources: one named graph per source file, for rdflib and for the embedded Oxigraph store."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from rdflib import Dataset, Graph, URIRef

from ..namespaces import GRAPH_BASE
from ..resources import graph_name, ontology_dir, source_files
from .mappings import load_mapping_graph
from .rdf_files import parse_strict


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


def _is_mapping_set(path: Path) -> bool:
    return path.name.endswith(".sssom.tsv")


def load_dataset(root: Path | None = None) -> Dataset:
    """An rdflib Dataset with one named graph per source file (mapping sets turned into RDF)."""
    ds = Dataset()
    for source in list_sources(root):
        graph = ds.graph(URIRef(source.graph))
        if _is_mapping_set(source.path):
            for triple in load_mapping_graph(source.path):
                graph.add(triple)
            continue
        parse_strict(source.path)  # the strict parser refuses what rdflib would let through
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
    target = store if store is not None else ox.Store()
    for source in list_sources(root):
        graph = ox.NamedNode(source.graph)
        if _is_mapping_set(source.path):
            text = load_mapping_graph(source.path).serialize(format="nt", encoding="utf-8")
            target.load(text, format=ox.RdfFormat.N_TRIPLES, to_graph=graph)
            continue
        triples = parse_strict(source.path)
        target.extend(ox.Quad(t.subject, t.predicate, t.object, graph) for t in triples)
    return target


def curated_graph(sources: Path | None = None) -> Graph:
    """The curated graph: every source file's graph except the claims documents already ingested."""
    dataset = load_dataset(sources)
    merged = Graph()
    for graph in dataset.graphs():
        name = str(graph.identifier)
        if name.startswith(GRAPH_BASE) and not name.startswith(GRAPH_BASE + "claims/"):
            for triple in graph:
                merged.add(triple)
    return merged
