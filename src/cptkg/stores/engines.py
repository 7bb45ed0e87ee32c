"""SPARQL engines behind one interface: the embedded Oxigraph store (default) and rdflib (the reference).

Parameters are bound as RDF terms in a VALUES block (binding.inject_values), the same text on every engine;
user input is never pasted into query syntax. The default graph is the union of the project's named graphs.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, Protocol

from ..sparql.binding import inject_values
from ..sparql.terms import Term, from_oxigraph, from_rdflib, to_sparql_json


class Table:
    """A SELECT result: variable names and rows of terms (None where unbound).

    An engine may hand over its raw solutions with a converter: rows are then built on first use, so that
    answering a query costs only what the store spends, and a caller that reads a few rows pays for those.
    """

    def __init__(
        self,
        variables: list[str],
        rows: list[tuple[Term | None, ...]] | None = None,
        raw: list[Any] | None = None,
        convert: Callable[[Any], tuple[Term | None, ...]] | None = None,
    ) -> None:
        self.variables = variables
        self._rows = rows
        self._raw = raw
        self._convert = convert

    @property
    def rows(self) -> list[tuple[Term | None, ...]]:
        if self._rows is None:
            assert self._raw is not None and self._convert is not None
            self._rows = [self._convert(item) for item in self._raw]
            self._raw = None
        return self._rows

    def records(self) -> list[dict[str, Any]]:
        """Rows as dicts of plain Python values, unbound variables left out."""
        return [
            {name: term.python() for name, term in zip(self.variables, row, strict=False) if term is not None}
            for row in self.rows
        ]

    def to_sparql_json(self) -> dict[str, Any]:
        return {
            "head": {"vars": list(self.variables)},
            "results": {
                "bindings": [
                    {name: to_sparql_json(t) for name, t in zip(self.variables, row, strict=False) if t is not None}
                    for row in self.rows
                ]
            },
        }

    def comparable(self) -> list[tuple[Any, ...]]:
        """Rows keyed by value, sorted, for comparing engines (order and lexical forms ignored)."""
        keyed = [tuple(t.comparable() if t is not None else ("unbound",) for t in row) for row in self.rows]
        return sorted(keyed, key=repr)


class Engine(Protocol):
    name: str

    def select(self, query: str, bindings: Mapping[str, Term] | None = None) -> Table: ...

    def ask(self, query: str, bindings: Mapping[str, Term] | None = None) -> bool: ...


class OxigraphEngine:
    name = "oxigraph"

    def __init__(self, store: Any) -> None:
        self.store = store

    @classmethod
    def open(cls, sources: Path | None = None, use_cache: bool = True) -> OxigraphEngine:
        from .graph_store import open_store

        return cls(open_store(sources, use_cache=use_cache))

    def _run(self, query: str, bindings: Mapping[str, Term] | None) -> Any:
        return self.store.query(inject_values(query, bindings or {}), use_default_graph_as_union=True)

    def select(self, query: str, bindings: Mapping[str, Term] | None = None) -> Table:
        result = self._run(query, bindings)
        names = [v.value for v in result.variables]
        indexes = range(len(names))

        def convert(solution: Any) -> tuple[Term | None, ...]:
            return tuple([from_oxigraph(solution[i]) for i in indexes])

        return Table(names, raw=list(result), convert=convert)

    def ask(self, query: str, bindings: Mapping[str, Term] | None = None) -> bool:
        return bool(self._run(query, bindings))


class RdflibEngine:
    name = "rdflib"

    def __init__(self, graph: Any) -> None:
        self.graph = graph

    @classmethod
    def open(cls, sources: Path | None = None) -> RdflibEngine:
        from ..graph.sources import load_graph

        return cls(load_graph(sources))

    def _run(self, query: str, bindings: Mapping[str, Term] | None) -> Any:
        return self.graph.query(inject_values(query, bindings or {}))

    def select(self, query: str, bindings: Mapping[str, Term] | None = None) -> Table:
        result = self._run(query, bindings)
        names = [str(v) for v in (result.vars or [])]
        rows = [tuple(from_rdflib(row[i]) for i in range(len(names))) for row in result]
        return Table(names, rows)

    def ask(self, query: str, bindings: Mapping[str, Term] | None = None) -> bool:
        return bool(self._run(query, bindings).askAnswer)


def open_engine(name: str = "oxigraph", sources: Path | None = None) -> Engine:
    if name == "oxigraph":
        return OxigraphEngine.open(sources)
    if name == "rdflib":
        return RdflibEngine.open(sources)
    raise ValueError(f"unknown engine {name!r}; use oxigraph or rdflib")


def bindings_of(names: Sequence[str], values: Sequence[Term]) -> dict[str, Term]:
    return dict(zip(names, values, strict=False))
