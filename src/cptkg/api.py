"""The Python API: the same power as the command line, as functions returning plain data."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from .builder import BuildResult
from .builder import build as _build


def build(
    out_dir: Path | str = "dist", sources: Path | None = None, progress: Callable[[str], None] | None = None
) -> BuildResult:
    """Write the release products to out_dir (see cptkg.build)."""
    return _build(out_dir, sources=sources, progress=progress)


def load(sources: Path | None = None) -> Any:
    """The whole graph as an rdflib Graph (asserted triples, all source files merged)."""
    from .sources import load_graph

    return load_graph(sources)


def load_dataset(sources: Path | None = None) -> Any:
    """The graph as an rdflib Dataset, one named graph per source file."""
    from .sources import load_dataset as _load_dataset

    return _load_dataset(sources)


_ENGINES: dict[tuple[str, str], Any] = {}


def engine(name: str = "oxigraph", sources: Path | None = None) -> Any:
    """An engine over the graph, reused across calls while the sources stay the same."""
    from .engines import open_engine
    from .store import sources_fingerprint

    key = (name, sources_fingerprint(sources))
    if key not in _ENGINES:
        _ENGINES.clear()
        _ENGINES[key] = open_engine(name, sources)
    return _ENGINES[key]


def info(code: str, engine: str = "oxigraph", sources: Path | None = None) -> dict[str, Any]:
    """The code card of a code as plain data; raises UnknownCodeError for a code the graph does not know."""
    from .card import code_card

    return code_card(_engine_of(engine, sources), code)


def _engine_of(name: str, sources: Path | None) -> Any:
    return engine(name, sources)


def query_answer(
    name: str,
    params: dict[str, str] | None = None,
    engine: str = "oxigraph",
    allow_service: bool = False,
    sources: Path | None = None,
) -> Any:
    """A catalogue query (or query file) answered: a querying.Answer with the table of RDF terms."""
    from .querying import run

    return run(name, params or {}, _engine_of(engine, sources), allow_service=allow_service)


def query(
    name: str, engine: str = "oxigraph", allow_service: bool = False, sources: Path | None = None, **params: str
) -> Any:
    """Rows of plain values (str, int, Decimal, bool) of a catalogue query, e.g.
    cptkg.query("codes-ending-in", segment="jejunum"). Parameters are typed as people type them."""
    return query_answer(name, params, engine, allow_service, sources).records()


def validate(
    data: list[Path] | tuple[Path, ...] = (),
    shapes: list[Path] | tuple[Path, ...] = (),
    audit: bool = True,
    sources: Path | None = None,
) -> Any:
    """Validate the shipped graph, with the user's data files, against the shipped and the user's shapes.

    Returns a validation.Report: .conforms, .results (each with shape, focus label and notation, path,
    value, severity and message), .audit (findings about source claims), .report_graph (the SHACL report).
    """
    from .validation import validate as _validate

    return _validate(data, shapes, audit=audit, sources=sources)
