"""The Python API: the same power as the command line, as typed functions returning plain data.

Every `cptkg` command goes through these functions, in both directions: the work (build, query, validate,
audit, import, serve ...) and the text a person reads (the render_* functions), so a Python user can do
whatever the command line does.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from rdflib import Dataset, Graph

    from .documents.audit import AuditReport
    from .documents.model import Document
    from .graph.build import BuildResult
    from .importers.common import ImportResult, OnError
    from .links.checks import Check
    from .query.card import CodeCard
    from .query.catalogue import QuerySpec
    from .query.running import Answer
    from .stores.engines import Engine
    from .stores.remote import Credentials, GraphLoad, RemoteEngine
    from .validation.report import Report
    from .validation.validate import Engine as ValidationEngine

EngineName = Literal["oxigraph", "rdflib"]
AnswerFormat = Literal["table", "csv", "tsv", "json"]
ExportFormat = Literal["sssom", "fhir-conceptmap", "fhir-codesystem", "nq"]
EXPORT_FORMATS: tuple[ExportFormat, ...] = ("sssom", "fhir-conceptmap", "fhir-codesystem", "nq")


# ---------------------------------------------------------------- the graph


def build(
    out_dir: Path | str = "dist", sources: Path | None = None, progress: Callable[[str], None] | None = None
) -> BuildResult:
    """Write the release products to out_dir (merged, inferred, N-Triples, TriG, N-Quads, JSON-LD)."""
    from .graph.build import build as _build

    return _build(out_dir, sources=sources, progress=progress)


def load(sources: Path | None = None) -> Graph:
    """The whole graph as an rdflib Graph (asserted triples, all source files merged)."""
    from .graph.sources import load_graph

    return load_graph(sources)


def load_dataset(sources: Path | None = None) -> Dataset:
    """The graph as an rdflib Dataset, one named graph per source file."""
    from .graph.sources import load_dataset as _load_dataset

    return _load_dataset(sources)


def export(fmt: ExportFormat, sources: Path | None = None) -> str:
    """The mappings (sssom, fhir-conceptmap), the project's concepts (fhir-codesystem) or the graph (nq) as text."""
    if fmt == "nq":
        from .graph.named_graphs import export_nquads

        return export_nquads(sources)
    from .links.exports import export as export_links

    return export_links(fmt, sources)


def diagram(fmt: Literal["svg", "dot"] = "svg", sources: Path | None = None) -> str:
    """The model drawn from the graph: DOT text, or SVG (needs Graphviz `dot`)."""
    from .graph.diagram import to_dot, to_svg

    text = to_dot(load(sources))
    return to_svg(text) if fmt == "svg" else text


# ---------------------------------------------------------------- engines and stores


_ENGINES: dict[tuple[str, str], Engine] = {}


def engine(name: EngineName = "oxigraph", sources: Path | None = None) -> Engine:
    """An engine over the graph, reused across calls while the sources stay the same."""
    from .resources import sources_fingerprint
    from .stores.engines import open_engine

    key = (name, sources_fingerprint(sources))
    if key not in _ENGINES:
        _ENGINES.clear()
        _ENGINES[key] = open_engine(name, sources)
    return _ENGINES[key]


def _engine_of(name: EngineName | Engine, sources: Path | None) -> Engine:
    """An engine by name ("oxigraph", "rdflib"), or an engine object such as endpoint(url) returns."""
    return engine(name, sources) if isinstance(name, str) else name


def store_engine(folder: Path | str) -> Engine:
    """An engine over an on-disk store that `cptkg import ... --store DIR` filled (read-only), usable
    wherever an engine is: cptkg.query("fee-schedule", engine=cptkg.store_engine("pfs-store"), code="99213")."""
    from .stores.engines import OxigraphEngine
    from .stores.import_store import open_import_store

    return OxigraphEngine(open_import_store(Path(folder)))


def credentials_from_env(
    user: str | None, password_env: str | None, environ: Mapping[str, str] | None = None
) -> Credentials | None:
    """Credentials with the password read from an environment variable (never from the command line)."""
    import os

    from .stores.remote import credentials_from_env as _from_env

    return _from_env(user, password_env, environ if environ is not None else os.environ)


def endpoint(url: str, user: str | None = None, password: str | None = None, timeout: float = 60.0) -> RemoteEngine:
    """A remote SPARQL endpoint holding the graph (see upload), usable wherever an engine is:
    cptkg.query("family", engine=cptkg.endpoint("http://127.0.0.1:7878/query"), code="44365").
    Its default graph is the union of the project's graphs and of the imports it holds (`cptkg serve --store`),
    whatever else the store holds."""
    from .errors import BadInputError
    from .graph.sources import list_sources
    from .stores.import_store import import_graph_name
    from .stores.remote import Credentials, RemoteEngine, import_graphs

    if (user is None) != (password is None):
        raise BadInputError("give both user and password, or neither")
    credentials = Credentials(user, password) if user is not None and password is not None else None
    remote = RemoteEngine(url, [source.graph for source in list_sources()], credentials, timeout)
    remote.default_graphs += import_graphs(remote, import_graph_name(""))
    return remote


def upload(
    url: str,
    graph_store: str | None = None,
    user: str | None = None,
    password: str | None = None,
    replace: bool = False,
    timeout: float = 60.0,
    sources: Path | None = None,
    progress: Callable[[str], None] | None = None,
) -> list[GraphLoad]:
    """Load the graph into a store with the Graph Store Protocol, one named graph per source file, and count
    each graph there: a list of GraphLoad (graph, sent, found, ok). Raises EnvironmentProblem when the
    store cannot be reached or refuses a graph; the graphs not yet sent are left as they were."""
    from .graph.named_graphs import named_graph_ntriples
    from .stores.remote import Credentials
    from .stores.remote import load as _load

    credentials = Credentials(user, password) if user is not None and password is not None else None
    payloads, counts = named_graph_ntriples(sources)
    return _load(url, payloads, counts, graph_store, credentials, replace, timeout, progress)


def serve(
    host: str = "127.0.0.1", port: int = 7878, say: Callable[[str], None] = print, store: Path | None = None
) -> int:
    """Serve the graph (or an import store) read-only over SPARQL until interrupted; the server's exit status."""
    from .stores.server import serve as _serve

    return _serve(host, port, say=say, store=store)


# ---------------------------------------------------------------- questions


def catalogue() -> list[QuerySpec]:
    """Every query of the catalogue, with its title, question and parameters."""
    from .query.catalogue import catalogue as _catalogue

    return _catalogue()


def query_spec(name_or_path: str) -> QuerySpec:
    """A catalogue query by name, or a query file by path."""
    from .query.catalogue import load_query

    return load_query(name_or_path)


def query_answer(
    name: str,
    params: Mapping[str, str] | None = None,
    engine: EngineName | Engine = "oxigraph",
    allow_service: bool = False,
    sources: Path | None = None,
) -> Answer:
    """A catalogue query (or query file) answered: an Answer with the table of RDF terms."""
    from .query.running import run

    return run(name, params or {}, _engine_of(engine, sources), allow_service=allow_service)


def query(
    name: str,
    engine: EngineName | Engine = "oxigraph",
    allow_service: bool = False,
    sources: Path | None = None,
    **params: str,
) -> list[dict[str, Any]]:
    """Rows of plain values (str, int, Decimal, bool) of a catalogue query, e.g.
    cptkg.query("codes-ending-in", segment="jejunum"). Parameters are typed as people type them."""
    return query_answer(name, params, engine, allow_service, sources).records()


def parse_params(pairs: Sequence[str]) -> dict[str, str]:
    """`name=value` strings (as the command line takes them) into a dict; a malformed one is bad input."""
    from .query.running import parse_param_args

    return parse_param_args(pairs)


def render_answer(answer: Answer, fmt: AnswerFormat = "table") -> str:
    """An answer as a plain-text table, or as SPARQL 1.1 results CSV, TSV or JSON."""
    import json

    from .query import rendering

    if fmt == "json":
        return json.dumps(rendering.render_json(answer), indent=2, ensure_ascii=False) + "\n"
    if fmt == "csv":
        return rendering.render_csv(answer)
    if fmt == "tsv":
        return rendering.render_tsv(answer)
    return rendering.render_table(answer)


def info(code: str, engine: EngineName | Engine = "oxigraph", sources: Path | None = None) -> CodeCard:
    """The code card of a code as plain data; raises UnknownCodeError for a code the graph does not know."""
    from .query.card import code_card

    return code_card(_engine_of(engine, sources), code)


def render_card(card: CodeCard) -> str:
    """A code card as text for people."""
    from .query.card_text import render_card as _render

    return _render(card)


# ---------------------------------------------------------------- checking data


def validate(
    data: Sequence[Path] = (),
    shapes: Sequence[Path] = (),
    audit: bool = True,
    sources: Path | None = None,
    engine: ValidationEngine = "bulk",
    shipped: bool = True,
) -> Report:
    """Validate the shipped graph, with the user's data files, against the shipped and the user's shapes.
    engine "bulk" finds candidates on the embedded store and lets pyshacl confirm them (the same results as
    engine "pyshacl", plain pyshacl over every node, in a fraction of the time on large data). With
    shipped=False only the user's data and shapes take part (any SHACL shapes over any data, no audit).

    Returns a Report: .conforms, .results (each with shape, focus label and notation, path, value, severity
    and message), .audit (findings about source claims), .report_graph (the SHACL report), .engine_notes
    (which path checked each shape, and why).
    """
    from .validation.validate import validate as _validate

    return _validate(data, shapes, audit=audit, sources=sources, engine=engine, shipped=shipped)


def validate_qa(sources: Path | None = None) -> Report:
    """The build-only QA shapes over the shipped graph (needs a checkout: qa/ is not in the wheel)."""
    from .validation.validate import validate_qa as _validate_qa

    return _validate_qa(sources)


def render_report(report: Report) -> str:
    """A validation report as text for people: results grouped by shape."""
    from .validation.rendering import render_report as _render

    return _render(report)


def report_turtle(graphs: Sequence[Graph]) -> str:
    """SHACL report graphs as one Turtle document, with the project's prefixes."""
    from rdflib import Graph

    from .namespaces import PREFIXES

    merged = Graph()
    for graph in graphs:
        merged += graph
    for prefix, namespace in PREFIXES.items():
        merged.bind(prefix, namespace)
    return str(merged.serialize(format="turtle"))


def ingest(
    path: Path, engine: EngineName | Engine = "oxigraph", sources: Path | None = None
) -> list[tuple[Document, str, Graph]]:
    """A document (or every document of a folder) read into claims: (document, named graph, claims graph)."""
    from .documents.claims import ingest as ingest_one
    from .documents.reading import documents_in
    from .documents.resolving import LabelIndex
    from .graph.sources import curated_graph

    curated = curated_graph(sources)
    labels = LabelIndex.from_engine(_engine_of(engine, sources))
    return [ingest_one(document, labels, curated) for document in documents_in(path)]


def claims_text(named: Mapping[str, Graph], fmt: Literal["trig", "turtle"], header: str) -> str:
    """Claims graphs as TriG (each document in its own named graph) or as one Turtle graph."""
    from .graph.serialize import to_trig, to_turtle, triples_of

    return to_trig(named, header) if fmt == "trig" else to_turtle(triples_of(named.values()), header)


def audit(path: Path, sources: Path | None = None, engine: EngineName | Engine = "oxigraph") -> list[AuditReport]:
    """A document's (or a folder's) claims checked against the curated graph with the audit shapes."""
    from .documents.audit import audit as _audit

    return _audit(path, sources, _engine_of(engine, sources))


def render_audit(reports: Sequence[AuditReport]) -> str:
    """Audit reports as text for people."""
    from .documents.audit_text import render_audit as _render

    return _render(list(reports))


def check_links(
    uberon_obo: Path | None = None, hcpcs_file: Path | None = None, pos_file: Path | None = None
) -> list[Check]:
    """Every mapping verified offline (see `cptkg links check`)."""
    from .links.checks import check_links as _check_links

    return _check_links(uberon_obo=uberon_obo, hcpcs_file=hcpcs_file, pos_file=pos_file)


def render_checks(checks: Sequence[Check]) -> str:
    from .links.checks import render_checks as _render

    return _render(list(checks))


def links_failed(checks: Sequence[Check]) -> bool:
    from .links.checks import FAILED

    return any(check.status == FAILED for check in checks)


# ---------------------------------------------------------------- public CMS files


def import_pfs(
    path: Path,
    year: int,
    release: str,
    include_descriptions: bool = False,
    on_error: OnError = "fail",
    progress: Callable[[int, int], None] | None = None,
) -> ImportResult:
    """A PPRRVU relative value file into triples (write them with write_import)."""
    from .importers import import_pfs as _import_pfs

    return _import_pfs(path, year, release, include_descriptions, on_error, progress)


def import_hcpcs(
    path: Path, on_error: OnError = "fail", progress: Callable[[int, int], None] | None = None
) -> ImportResult:
    """The CMS HCPCS Level II file into triples."""
    from .importers import import_hcpcs as _import_hcpcs

    return _import_hcpcs(path, on_error, progress)


def import_pos(
    path: Path, on_error: OnError = "fail", progress: Callable[[int, int], None] | None = None
) -> ImportResult:
    """The CMS place-of-service list into triples."""
    from .importers import import_pos as _import_pos

    return _import_pos(path, on_error, progress)


def write_import(
    result: ImportResult,
    out_file: Path | None = None,
    store: Path | None = None,
    fmt: Literal["ttl", "nt"] | None = None,
) -> str:
    """Write an import to a file (Turtle or N-Triples, whole or not at all) or into the on-disk store; says where."""
    from .errors import BadInputError
    from .importers import write_file, write_store

    if (out_file is None) == (store is None):
        raise BadInputError("give one of --out FILE or --store DIR")
    if store is not None:
        quads = write_store(result.triples, store, result.name)
        return f"the store {store} ({quads} quads in all; graph .../graph/import/{result.name})"
    assert out_file is not None
    write_file(result.triples, out_file, fmt or ("nt" if out_file.suffix == ".nt" else "ttl"), result.header)
    return str(out_file)
