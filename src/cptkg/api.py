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


def info(code: str, engine: Any = "oxigraph", sources: Path | None = None) -> dict[str, Any]:
    """The code card of a code as plain data; raises UnknownCodeError for a code the graph does not know."""
    from .card import code_card

    return code_card(_engine_of(engine, sources), code)


def _engine_of(name: Any, sources: Path | None) -> Any:
    """An engine by name ("oxigraph", "rdflib"), or an engine object such as endpoint(url) returns."""
    return engine(name, sources) if isinstance(name, str) else name


def store_engine(folder: Path | str) -> Any:
    """An engine over an on-disk store that `cptkg import ... --store DIR` filled (read-only), usable
    wherever an engine is: cptkg.query("fee-schedule", engine=cptkg.store_engine("pfs-store"), code="99213")."""
    from .engines import OxigraphEngine
    from .importers.store_writer import open_import_store

    return OxigraphEngine(open_import_store(Path(folder)))


def endpoint(url: str, user: str | None = None, password: str | None = None, timeout: float = 60.0) -> Any:
    """A remote SPARQL endpoint holding the graph (see upload), usable wherever an engine is:
    cptkg.query("family", engine=cptkg.endpoint("http://127.0.0.1:7878/query"), code="44365").
    Its default graph is the union of the project's graphs and of the imports it holds (`cptkg serve --store`),
    whatever else the store holds."""
    from .importers.store_writer import import_graph_name
    from .remote import Credentials, RemoteEngine, import_graphs
    from .sources import list_sources

    if (user is None) != (password is None):
        from .errors import BadInputError

        raise BadInputError("give both user and password, or neither")
    credentials = Credentials(user, password) if user is not None and password is not None else None
    engine = RemoteEngine(url, [source.graph for source in list_sources()], credentials, timeout)
    engine.default_graphs += import_graphs(engine, import_graph_name(""))
    return engine


def upload(
    url: str,
    graph_store: str | None = None,
    user: str | None = None,
    password: str | None = None,
    replace: bool = False,
    timeout: float = 60.0,
    sources: Path | None = None,
    progress: Callable[[str], None] | None = None,
) -> list[Any]:
    """Load the graph into a store with the Graph Store Protocol, one named graph per source file, and count
    each graph there: a list of remote.GraphLoad (graph, sent, found, ok). Raises EnvironmentProblem when the
    store cannot be reached or refuses a graph; the graphs not yet sent are left as they were."""
    from .export import named_graph_ntriples
    from .remote import Credentials
    from .remote import load as _load

    credentials = Credentials(user, password) if user is not None and password is not None else None
    payloads, counts = named_graph_ntriples(sources)
    return _load(url, payloads, counts, graph_store, credentials, replace, timeout, progress)


def query_answer(
    name: str,
    params: dict[str, str] | None = None,
    engine: Any = "oxigraph",
    allow_service: bool = False,
    sources: Path | None = None,
) -> Any:
    """A catalogue query (or query file) answered: a querying.Answer with the table of RDF terms."""
    from .querying import run

    return run(name, params or {}, _engine_of(engine, sources), allow_service=allow_service)


def query(
    name: str, engine: Any = "oxigraph", allow_service: bool = False, sources: Path | None = None, **params: str
) -> Any:
    """Rows of plain values (str, int, Decimal, bool) of a catalogue query, e.g.
    cptkg.query("codes-ending-in", segment="jejunum"). Parameters are typed as people type them."""
    return query_answer(name, params, engine, allow_service, sources).records()


def validate(
    data: list[Path] | tuple[Path, ...] = (),
    shapes: list[Path] | tuple[Path, ...] = (),
    audit: bool = True,
    sources: Path | None = None,
    engine: str = "bulk",
) -> Any:
    """Validate the shipped graph, with the user's data files, against the shipped and the user's shapes.
    engine "bulk" finds candidates on the embedded store and lets pyshacl confirm them (the same results as
    engine "pyshacl", plain pyshacl over every node, in a fraction of the time on large data).

    Returns a validation.Report: .conforms, .results (each with shape, focus label and notation, path,
    value, severity and message), .audit (findings about source claims), .report_graph (the SHACL report).
    """
    from .validation import validate as _validate

    return _validate(data, shapes, audit=audit, sources=sources, engine=engine)
