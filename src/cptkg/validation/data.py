"""The data a validation checks: the shipped graph (unless left out) and the user's files, each file parsed
once, as the rdflib graph pyshacl reads and as the embedded store the bulk pass queries; each is built when
first needed."""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from rdflib import Graph
from rdflib.namespace import RDF

from ..graph.rdf_files import OXIGRAPH_FORMATS, Parser, add_to_rdflib, format_of, parse_with_prefixes, read_rdf_file
from ..graph.sources import load_graph
from ..namespaces import CPTKG
from ..stores.graph_store import open_store
from .candidates import Unrestricted

# What Oxigraph's parser changes before anyone sees the terms, and rdflib keeps: a language tag with a capital
# letter ("Hi"@EN becomes @en) and an explicit xsd:string ("x"^^xsd:string and "x" become one term, two for
# rdflib: pySHACL issue 286). Found in the file's text, so that such data is read as rdflib reads it.
_PARSER_CHANGES = re.compile(rb"""["']@[A-Za-z0-9-]*[A-Z]|XMLSchema#string>|\^\^\s*[A-Za-z0-9_.-]*:string\b""")
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
        self._parsed: dict[Path, tuple[list[Any], dict[str, str]]] = {}
        self._read: dict[Path, Graph] = {}  # files rdflib read, each on its own
        # literals the store keeps in another form than the files give them: the store's form -> the files'
        # forms ("98"^^xsd:decimal -> {"98.00"^^xsd:decimal}); the bulk pass checks the files' forms
        self.originals: dict[Any, set[Any]] = {}
        self.rewritten_predicates: set[str] = set()  # the predicates such literals are objects of
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
            self._parsed[path] = parse_with_prefixes(path, fmt, base_iri=path.resolve().as_uri())
        return self._parsed[path][0]

    def prefixes(self) -> dict[str, str]:
        """The namespaces rdflib's graph of the data binds (rdflib's defaults and each file's; the shipped
        graph adds none): pyshacl runs SPARQL constraints with them."""
        graph = self._graph if self._graph is not None else Graph()
        if self._graph is None:
            for path in self.files:
                if self._triples(path) is not None:
                    bound = dict(self._parsed[path][1])
                else:
                    bound = {str(p): str(n) for p, n in self._read_by_rdflib(path).namespaces()}
                for prefix, namespace in bound.items():
                    graph.bind(prefix, namespace)
        return {str(p): str(n) for p, n in graph.namespaces()}

    def parser_changes(self) -> str | None:
        """Why Oxigraph's parse of a file differs from rdflib's (and pyshacl's), or None when it does not."""
        if self.parser != "oxigraph":
            return None
        for path in self.files:
            if format_of(path) in OXIGRAPH_FORMATS:
                match = _PARSER_CHANGES.search(path.read_bytes())
                if match:
                    return f"{path.name} has a literal Oxigraph's parser reads differently ({match.group().decode()!r})"
        return None

    def graph(self) -> Graph:
        if self._graph is None:
            graph = load_graph(self.sources) if self.include_shipped else Graph()
            for path in self.files:
                triples = self._triples(path) if self.parser == "oxigraph" else None
                if triples is not None:
                    add_to_rdflib(triples, graph)
                    for prefix, namespace in self._parsed[path][1].items():
                        graph.bind(prefix, namespace)
                else:
                    read = self._read_by_rdflib(path)
                    graph += read
                    # `+=` copies triples only; pyshacl runs SPARQL constraints with the data graph's prefixes
                    for prefix, namespace in read.namespaces():
                        graph.bind(prefix, namespace)
            self._graph = graph
        return self._graph

    def reference_graph(self) -> Graph:
        """The data as plain pyshacl would read it: each file by rdflib's own parser (the graph() of an rdflib
        ValidationData)."""
        if self.parser == "rdflib":
            return self.graph()
        reference = ValidationData(self.files, self.include_shipped, self.sources, parser="rdflib")
        reference._read = self._read
        return reference.graph()

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
                changed = _stored_differently(triples)
                rewritten = set()
                for stored, originals in changed.items():
                    self.originals.setdefault(stored, set()).update(originals)
                    rewritten |= originals
                if rewritten:
                    self.rewritten_predicates |= {t.predicate.value for t in triples if t.object in rewritten}
                store.bulk_extend(triples)
            self._store = store
        return self._store

    def triple_count(self) -> int:
        if self._graph is not None:
            return len(self._graph)
        return len(self._store) if self._store is not None else len(self.graph())


def _stored_differently(triples: list[Any]) -> dict[Any, set[Any]]:
    """The literals the store keeps in another form than the parser gave them ("5"^^xsd:int as xsd:integer,
    "1.50" as "1.5", "1" as the boolean "true"), by the store's form: the bulk pass would see those instead of
    what pyshacl sees."""
    literals = sorted({t.object for t in triples if isinstance(t.object, ox.Literal)}, key=str)
    if not literals:
        return {}
    scratch = ox.Store()
    # one quad per distinct literal: the store's form of each comes back as the object of its quad
    predicate = ox.NamedNode("urn:cptkg:literal")
    scratch.bulk_extend(
        ox.Quad(ox.NamedNode(f"urn:cptkg:literal:{i}"), predicate, literal, ox.DefaultGraph())
        for i, literal in enumerate(literals)
    )
    changed: dict[Any, set[Any]] = {}
    for quad in scratch:
        original = literals[int(quad.subject.value.rsplit(":", 1)[1])]
        if quad.object != original:
            changed.setdefault(quad.object, set()).add(original)
    present = set(literals)
    for stored, originals in changed.items():
        if stored in present:  # "1.5" beside "1.50": the store's one value stands for both
            originals.add(stored)
    return changed
