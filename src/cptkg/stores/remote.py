"""Remote SPARQL endpoints: querying them (SPARQL 1.1 Protocol) and loading the graph into them (Graph Store
Protocol), with the standard library's HTTP client.

Credentials come from the environment only and never appear in output or errors. Timeouts, HTTP errors,
authentication failures and unreachable hosts are EnvironmentProblems (exit 3) with one line that names the
endpoint and the status, never the password.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..errors import BadInputError, EnvironmentProblem
from ..sparql.binding import inject_values
from ..sparql.terms import Term, from_sparql_json
from .engines import Table

DEFAULT_TIMEOUT = 60.0


@dataclass(frozen=True)
class Credentials:
    user: str
    password: str

    def __repr__(self) -> str:  # never print the password, even by accident
        return f"Credentials(user={self.user!r}, password=***)"


def credentials_from_env(user: str | None, password_env: str | None, environ: Mapping[str, str]) -> Credentials | None:
    """User and password (read from the named environment variable); both or neither."""
    if user is None and password_env is None:
        return None
    if user is None or password_env is None:
        raise BadInputError("give both --user and --password-env (the name of the variable holding the password)")
    if password_env not in environ:
        raise BadInputError(f"the environment variable {password_env} (the password) is not set")
    return Credentials(user, environ[password_env])


def _opener(url: str, credentials: Credentials | None) -> urllib.request.OpenerDirector:
    handlers: list[Any] = []
    if credentials is not None:
        manager = urllib.request.HTTPPasswordMgrWithDefaultRealm()
        manager.add_password(None, url, credentials.user, credentials.password)
        handlers += [urllib.request.HTTPDigestAuthHandler(manager), urllib.request.HTTPBasicAuthHandler(manager)]
    return urllib.request.build_opener(*handlers)


def _where(url: str) -> str:
    parts = urllib.parse.urlsplit(url)
    return f"{parts.scheme}://{parts.hostname}{':' + str(parts.port) if parts.port else ''}{parts.path}"


def http(
    method: str,
    url: str,
    body: bytes | None = None,
    headers: Mapping[str, str] | None = None,
    credentials: Credentials | None = None,
    timeout: float = DEFAULT_TIMEOUT,
) -> tuple[int, dict[str, str], bytes]:
    """One HTTP request; any failure is one EnvironmentProblem line without credentials."""
    request = urllib.request.Request(url, data=body, method=method, headers=dict(headers or {}))
    try:
        with _opener(url, credentials).open(request, timeout=timeout) as response:
            return response.status, {k.lower(): v for k, v in response.headers.items()}, response.read()
    except urllib.error.HTTPError as err:
        if err.code in (401, 403):
            raise EnvironmentProblem(
                f"{_where(url)}: authentication failed (HTTP {err.code}); check --user and the password variable"
            ) from None
        detail = err.read()[:200].decode("utf-8", "replace").strip().splitlines()
        reason = detail[0] if detail else str(err.reason)
        raise EnvironmentProblem(f"{_where(url)}: HTTP {err.code} {reason}") from None
    except urllib.error.URLError as err:
        cause = err.reason
        reason = (getattr(cause, "strerror", None) or str(cause)) if isinstance(cause, OSError) else str(cause)
        raise EnvironmentProblem(f"{_where(url)}: cannot reach the endpoint ({reason})") from None
    except TimeoutError:
        raise EnvironmentProblem(f"{_where(url)}: no answer within {timeout:g} s") from None
    except ConnectionError as err:
        raise EnvironmentProblem(f"{_where(url)}: connection failed ({err.strerror or err})") from None


class RemoteEngine:
    """A SPARQL 1.1 endpoint behind the Engine interface.

    The default graph is made the union of the project's graphs with `default-graph-uri` parameters, which
    Oxigraph and Virtuoso both honour: Virtuoso would otherwise query every graph it holds and Oxigraph only
    its default graph.
    """

    name = "endpoint"

    def __init__(
        self,
        endpoint: str,
        default_graphs: Sequence[str] = (),
        credentials: Credentials | None = None,
        timeout: float = DEFAULT_TIMEOUT,
    ) -> None:
        self.endpoint = endpoint
        self.default_graphs = list(default_graphs)
        self.credentials = credentials
        self.timeout = timeout

    def _post(self, query: str) -> tuple[dict[str, str], dict[str, Any]]:
        form = [("query", query)] + [("default-graph-uri", g) for g in self.default_graphs]
        _status, headers, body = http(
            "POST",
            self.endpoint,
            urllib.parse.urlencode(form).encode("utf-8"),
            {"Content-Type": "application/x-www-form-urlencoded", "Accept": "application/sparql-results+json"},
            self.credentials,
            self.timeout,
        )
        try:
            return headers, json.loads(body)
        except json.JSONDecodeError:
            raise EnvironmentProblem(f"{_where(self.endpoint)}: the answer is not SPARQL results JSON") from None

    def select(self, query: str, bindings: Mapping[str, Term] | None = None) -> Table:
        headers, data = self._post(inject_values(query, bindings or {}))
        names = list(data.get("head", {}).get("vars", []))
        rows = [tuple(from_sparql_json(b.get(n)) for n in names) for b in data.get("results", {}).get("bindings", [])]
        limit = headers.get("x-sparql-maxrows")
        if limit is not None and len(rows) >= int(limit):
            raise EnvironmentProblem(
                f"{_where(self.endpoint)}: the endpoint cut the answer at {limit} rows (Virtuoso ResultSetMaxRows)"
            )
        return Table(names, rows)

    def ask(self, query: str, bindings: Mapping[str, Term] | None = None) -> bool:
        _headers, data = self._post(inject_values(query, bindings or {}))
        return bool(data.get("boolean"))


def import_graphs(engine: RemoteEngine, prefix: str) -> list[str]:
    """The graphs the endpoint holds whose names start with prefix (the imports of `cptkg import --store`).

    `GRAPH ?g {}` lists the named graphs without reading them on Oxigraph; Virtuoso answers it with nothing,
    and there the scan of every quad is served from its graph index."""
    cheap = "SELECT DISTINCT ?g WHERE { GRAPH ?g { } FILTER(STRSTARTS(STR(?g), ?prefix)) }"
    scan = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } FILTER(STRSTARTS(STR(?g), ?prefix)) }"
    every_graph = RemoteEngine(engine.endpoint, (), engine.credentials, engine.timeout)
    bindings = {"prefix": Term.literal(prefix)}
    for query in (cheap, scan):
        table = every_graph.select(query, bindings)
        found = sorted({row[0].value for row in table.rows if row[0] is not None and row[0].kind == "iri"})
        if found:
            return found
    return []


# ---------------------------------------------------------------- loading with the Graph Store Protocol


@dataclass
class GraphLoad:
    graph: str
    sent: int
    found: int

    @property
    def ok(self) -> bool:
        return self.sent == self.found


def default_graph_store(endpoint: str) -> str:
    """Oxigraph's convention: the store endpoint beside the query endpoint (.../query -> .../store)."""
    parts = urllib.parse.urlsplit(endpoint)
    path = parts.path.rsplit("/", 1)[0] + "/store"
    return urllib.parse.urlunsplit((parts.scheme, parts.netloc, path, "", ""))


def count_triples(engine: RemoteEngine, graph: str) -> int:
    table = RemoteEngine(engine.endpoint, (), engine.credentials, engine.timeout).select(
        "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }", {"g": Term.iri(graph)}
    )
    value = table.rows[0][0] if table.rows else None
    return int(value.value) if value is not None else 0


def load(
    endpoint: str,
    graphs: Mapping[str, bytes],
    counts: Mapping[str, int],
    graph_store: str | None = None,
    credentials: Credentials | None = None,
    replace: bool = False,
    timeout: float = DEFAULT_TIMEOUT,
    progress: Callable[[str], None] | None = None,
) -> list[GraphLoad]:
    """Upload each named graph (N-Triples) with the Graph Store Protocol, then count it on the server.

    With replace, each graph is PUT (replacing that graph only); without, its triples are POSTed (added).
    Graphs go one by one: a failure leaves the graphs already sent complete and the others untouched.
    """
    store = graph_store or default_graph_store(endpoint)
    engine = RemoteEngine(endpoint, (), credentials, timeout)
    results: list[GraphLoad] = []
    for name in sorted(graphs):
        if progress:
            progress(f"loading {name}")
        target = f"{store}?{urllib.parse.urlencode({'graph': name})}"
        try:
            http(
                "PUT" if replace else "POST",
                target,
                graphs[name],
                {"Content-Type": "application/n-triples"},
                credentials,
                timeout,
            )
        except EnvironmentProblem as err:
            done = f"{len(results)} graphs loaded before it" if results else "no graph loaded"
            raise EnvironmentProblem(f"loading {name} failed: {err}; {done}, the others left as they were") from None
        results.append(GraphLoad(name, counts[name], count_triples(engine, name)))
    return results
