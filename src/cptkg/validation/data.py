"""The data a validation checks: the shipped graph (unless left out) and the user's files, each file parsed
once, as the rdflib graph pyshacl reads and as the embedded store the bulk pass queries; each is built when
first needed."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from rdflib import Graph
from rdflib.namespace import RDF

from ..graph.rdf_files import OXIGRAPH_FORMATS, Parser, add_to_rdflib, format_of, parse_strict, read_rdf_file
from ..graph.sources import load_graph
from ..namespaces import CPTKG
from ..stores.graph_store import open_store
from .candidates import Unrestricted

_RDF_TYPE = ox.NamedNode(str(RDF.type))
_SOURCE_CLAIM = ox.NamedNode(str(CPTKG.SourceClaim))


class ValidationData:
    """The shipped graph and the user's files. With parser "oxigraph" (the bulk engine's) a Turtle or
    N-Triples file is parsed once and its triples feed both the store and the rdflib graph; with "rdflib"
    (the reference engine's) files are read by rdflib's parsers for the graph alone."""

    def __init__(
        self,
        files: Iterable[Path] = (),
        include_shipped: bool = True,
        sources: Path | None = None,
        parser: Parser = "rdflib",
    ) -> None:
        self.files = [Path(p) for p in files]
        self.include_shipped = include_shipped
        self.sources = sources
        self.parser = parser
        self._graph: Graph | None = None
        self._store: ox.Store | None = None
        self._parsed: dict[Path, list[Any]] = {}
        self._read: dict[Path, Graph] = {}  # files rdflib read, each on its own
        for path in self.files:
            format_of(path)  # a missing file or an unknown format is refused before any work

    def subset(self, files: Iterable[Path]) -> ValidationData:
        """The same shipped graph with some of the files, sharing what was parsed already."""
        other = ValidationData(files, self.include_shipped, self.sources, self.parser)
        other._parsed, other._read = self._parsed, self._read
        return other

    def _triples(self, path: Path) -> list[Any] | None:
        """The file's Oxigraph triples, parsed on first use; None for a format Oxigraph does not read."""
        fmt = format_of(path)
        if fmt not in OXIGRAPH_FORMATS:
            return None
        if path not in self._parsed:
            self._parsed[path] = parse_strict(path, fmt, base_iri=path.resolve().as_uri())
        return self._parsed[path]

    def graph(self) -> Graph:
        if self._graph is None:
            graph = load_graph(self.sources) if self.include_shipped else Graph()
            for path in self.files:
                triples = self._triples(path) if self.parser == "oxigraph" else None
                if triples is not None:
                    add_to_rdflib(triples, graph)
                else:
                    graph += self._read_by_rdflib(path)
            self._graph = graph
        return self._graph

    def _read_by_rdflib(self, path: Path) -> Graph:
        if path not in self._read:
            self._read[path] = read_rdf_file(path, parser=self.parser)
        return self._read[path]

    def files_with_claims(self) -> list[Path]:
        """The user's files that type a node as a cptkg:SourceClaim (what the audit shapes look at)."""
        found = []
        for path in self.files:
            triples = self._triples(path) if self.parser == "oxigraph" else None
            if triples is not None:
                if any(t.predicate == _RDF_TYPE and t.object == _SOURCE_CLAIM for t in triples):
                    found.append(path)
            elif (None, RDF.type, CPTKG.SourceClaim) in self._read_by_rdflib(path):
                found.append(path)
        return found

    def store(self) -> ox.Store:
        """Every triple in the store's default graph (so that a triple in two files is there once)."""
        if self._store is None:
            store = ox.Store()
            if self.include_shipped:
                shipped = open_store(self.sources)
                store.bulk_extend(ox.Quad(q.subject, q.predicate, q.object, ox.DefaultGraph()) for q in shipped)
            for path in self.files:
                triples = self._triples(path)
                if triples is None:
                    raise Unrestricted(f"{path.suffix} files are read by rdflib only")
                scratch = ox.Store()
                scratch.bulk_extend(triples)  # triples go to the default graph, without a Quad each in Python
                if len(set(triples)) != len(scratch):
                    # the store made one value of two literals ("1.50" and "1.5"): counts could differ
                    raise Unrestricted(f"{path} has literals that are equal after normalisation")
                del scratch
                store.bulk_extend(triples)
            self._store = store
        return self._store

    def triple_count(self) -> int:
        return len(self._graph) if self._graph is not None else len(self.store())
