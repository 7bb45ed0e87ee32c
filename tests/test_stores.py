"""Real triple stores: `cptkg load` into the Oxigraph server and Virtuoso, the whole catalogue on each with
the embedded store's answers, `--replace`, the documented errors, and `cptkg serve`.

The servers run on free loopback ports in private folders and are stopped by the fixtures' finalisers
whatever the tests do. Outside CI a missing Virtuoso skips its tests; in CI (.ci/run installs it) it fails.
"""

from __future__ import annotations

import json
import shlex
import signal
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from cptkg.errors import EXIT_ENVIRONMENT, EnvironmentProblem
from cptkg.graph.named_graphs import named_graph_ntriples
from cptkg.graph.sources import list_sources
from cptkg.query.catalogue import catalogue
from cptkg.query.running import run
from cptkg.stores.remote import RemoteEngine, count_triples, credentials_from_env, load

from .conftest import cptkg, require_tool
from .servers import OxigraphServer, VirtuosoServer, cptkg_process, free_port, stop

pytestmark = pytest.mark.slow  # builds, the reasoner or real servers: seconds a test

GRAPHS = [source.graph for source in list_sources()]


def oxigraph_binary() -> Path:
    binary = Path(sys.executable).parent / "oxigraph"
    if not binary.exists():
        require_tool("oxigraph", "the Oxigraph server, pip install 'cptkg[server]'")
    return binary


@pytest.fixture(scope="module")
def oxigraph_server(tmp_path_factory):
    oxigraph_binary()
    with OxigraphServer(tmp_path_factory.mktemp("oxigraph")) as server:
        yield server


@pytest.fixture(scope="module")
def virtuoso_server(tmp_path_factory):
    require_tool("virtuoso-t", "Virtuoso Open Source, Debian virtuoso-opensource")
    with VirtuosoServer(tmp_path_factory.mktemp("virtuoso")) as server:
        yield server


@pytest.fixture(scope="module", params=["oxigraph", "virtuoso"])
def store(request):
    """Each real store, with the graph loaded by `cptkg load --replace` (the command line, as a user runs it)."""
    server = request.getfixturevalue(f"{request.param}_server")
    result = cptkg(*load_args(server), "--replace")
    assert result.exit_code == 0, result.output
    return server


def load_args(server) -> list[str]:
    args = ["load", "--endpoint", server.endpoint, "--graph-store", server.graph_store]
    if isinstance(server, VirtuosoServer):
        args += ["--user", server.user, "--password-env", "CPTKG_TEST_STORE_PASSWORD"]
    return args


@pytest.fixture(scope="module", autouse=True)
def store_password():
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CPTKG_TEST_STORE_PASSWORD", VirtuosoServer.password)
        yield


def remote(server) -> RemoteEngine:
    credentials = None
    if isinstance(server, VirtuosoServer):
        credentials = credentials_from_env(server.user, "PASSWORD", {"PASSWORD": server.password})
    return RemoteEngine(server.endpoint, GRAPHS, credentials)


def example_params(spec) -> dict[str, str]:
    words = shlex.split(spec.example)
    return dict(w.split("=", 1) for i, w in enumerate(words) if i and words[i - 1] == "-p")


# ---------------------------------------------------------------- load


def test_every_graph_arrives_whole(store):
    _payloads, sent = named_graph_ntriples()
    engine = remote(store)
    assert set(sent) == set(GRAPHS)
    for graph in GRAPHS:
        assert count_triples(engine, graph) == sent[graph] > 0, graph


def test_a_second_load_with_replace_leaves_the_same_counts(store):
    _payloads, sent = named_graph_ntriples()
    result = cptkg(*load_args(store), "--replace")
    assert result.exit_code == 0, result.output
    assert f"loaded {sum(sent.values())} triples in {len(sent)} graphs" in result.output
    engine = remote(store)
    assert {graph: count_triples(engine, graph) for graph in GRAPHS} == sent


def test_replace_touches_only_this_projects_graphs(store):
    engine = remote(store)
    other = "http://example.org/someone-elses-graph"
    payload = b"<http://example.org/a> <http://example.org/b> <http://example.org/c> .\n"
    load(store.endpoint, {other: payload}, {other: 1}, store.graph_store, engine.credentials, replace=True)
    result = cptkg(*load_args(store), "--replace")
    assert result.exit_code == 0, result.output
    assert count_triples(engine, other) == 1


def test_load_without_replace_reports_graphs_that_grew(oxigraph_server):
    # Adding the graph again duplicates the triples with blank nodes (new nodes each time): the counts
    # differ from what was sent and the load says so, pointing to --replace.
    assert cptkg(*load_args(oxigraph_server), "--replace").exit_code == 0
    result = cptkg(*load_args(oxigraph_server))
    assert result.exit_code == 1
    assert "use --replace" in result.stderr
    assert cptkg(*load_args(oxigraph_server), "--replace").exit_code == 0


def test_a_failed_graph_leaves_the_others_as_they_were(oxigraph_server):
    server = oxigraph_server
    names = ["http://example.org/g1", "http://example.org/g2", "http://example.org/g3"]
    old = b'<http://example.org/s> <http://example.org/p> "old" .\n'
    load(server.endpoint, dict.fromkeys(names, old), dict.fromkeys(names, 1), server.graph_store, replace=True)
    new = old.replace(b'"old"', b'"new"') + old.replace(b'"old"', b'"2"')
    broken = b'<http://example.org/s> <http://example.org/p> "unterminated .\n'
    payloads = {names[0]: new, names[1]: broken, names[2]: new}
    with pytest.raises(EnvironmentProblem, match=r"loading http://example.org/g2 failed: .*HTTP 400.*1 graphs loaded"):
        load(server.endpoint, payloads, dict.fromkeys(names, 2), server.graph_store, replace=True)
    engine = RemoteEngine(server.endpoint)
    assert [count_triples(engine, name) for name in names] == [2, 1, 1]


# ---------------------------------------------------------------- the catalogue on each store


@pytest.mark.parametrize("spec", catalogue(), ids=lambda s: s.name)
def test_every_catalogue_query_answers_as_the_embedded_store(store, spec, oxigraph_engine):
    params = example_params(spec)
    theirs = run(spec.name, params, remote(store))
    ours = run(spec.name, params, oxigraph_engine)
    if ours.table is None:
        assert theirs.boolean == ours.boolean
        return
    assert theirs.table is not None
    assert theirs.table.variables == ours.table.variables
    assert theirs.table.comparable() == ours.table.comparable()
    assert len(ours.table.rows) > 0 or spec.name == "claims-vs-curated"


# beyond the examples: regions (the partonomy), a segment no code ends in, the "nothing fits" branch, the
# other family, and the PC/TC comparison code
MORE_CASES = [
    ("codes-ending-in", {"segment": "duodenum"}),
    ("codes-ending-in", {"segment": "small-intestine"}),
    ("codes-ending-in", {"segment": "duodenum-part-2"}),
    ("code-finder", {"segment": "ileum", "method": "lesion-removal"}),
    ("code-finder", {"segment": "duodenum", "lesion": "polyp"}),
    ("code-finder", {}),
    ("extent", {"code": "44378"}),
    ("code-card", {"code": "44379"}),
    ("fee-schedule", {"code": "88305", "year": "2025"}),
    ("modifier-rules", {"code": "44365", "payer": "medicare"}),
]


def case_id(value: object) -> str:
    return value if isinstance(value, str) else "-".join(value.values()) if isinstance(value, dict) else ""


@pytest.mark.parametrize(("name", "params"), MORE_CASES, ids=case_id)
def test_more_answers_as_the_embedded_store(store, name, params, oxigraph_engine):
    theirs, ours = run(name, params, remote(store)).table, run(name, params, oxigraph_engine).table
    assert theirs is not None and ours is not None
    assert theirs.comparable() == ours.comparable()


def test_query_endpoint_on_the_command_line(store):
    args = ["query", "codes-ending-in", "-p", "segment=ileum", "--format", "json", "--endpoint", store.endpoint]
    if isinstance(store, VirtuosoServer):
        args += ["--user", store.user, "--password-env", "CPTKG_TEST_STORE_PASSWORD"]
    result = cptkg(*args)
    assert result.exit_code == 0, result.output
    codes = [b["code"]["value"] for b in json.loads(result.stdout)["results"]["bindings"]]
    assert codes == ["44376", "44377", "44378", "44379"]


def test_virtuoso_answers_only_from_this_projects_graphs(virtuoso_server):
    # Virtuoso's default graph is every graph it holds; a stray copy of a code elsewhere must not show up.
    server = virtuoso_server
    cptkg(*load_args(server), "--replace")
    stray = "http://example.org/stray"
    payload = (
        b'<http://example.org/x> <http://www.w3.org/2004/02/skos/core#notation> "44365" .\n'
        b'<http://example.org/x> <http://www.w3.org/2004/02/skos/core#prefLabel> "stray"@en .\n'
    )
    engine = remote(server)
    load(server.endpoint, {stray: payload}, {stray: 2}, server.graph_store, engine.credentials, replace=True)
    rows = run("family", {"code": "44365"}, engine).records()
    assert rows and all(r.get("label") != "stray" for r in rows)


# ---------------------------------------------------------------- the documented errors


def test_a_wrong_password_is_one_line_and_exit_3(virtuoso_server, monkeypatch):
    monkeypatch.setenv("CPTKG_TEST_STORE_PASSWORD", "not-the-password-xyzzy")
    result = cptkg(*load_args(virtuoso_server), "--replace")
    assert result.exit_code == EXIT_ENVIRONMENT == 3
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "authentication failed (HTTP 401)" in lines[0]
    assert "xyzzy" not in result.output + result.stderr


def test_a_dead_port_is_one_line_and_exit_3():
    dead = f"http://127.0.0.1:{free_port()}/query"
    for args in (["load", "--endpoint", dead], ["query", "family", "-p", "code=44365", "--endpoint", dead]):
        result = cptkg(*args)
        assert result.exit_code == 3, result.output
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and "cannot reach the endpoint" in lines[0], result.stderr


def test_a_password_never_comes_from_the_command_line():
    result = cptkg("load", "--endpoint", "http://127.0.0.1:9/query", "--password", "secret")
    assert result.exit_code == 2
    result = cptkg("load", "--endpoint", "http://127.0.0.1:9/query", "--user", "dba", "--password-env", "UNSET_VAR_X")
    assert result.exit_code == 2 and "UNSET_VAR_X" in result.stderr and "is not set" in result.stderr


def test_a_silent_timeout_is_exit_3(tmp_path):
    # A socket that accepts and never answers: the request times out with one line.
    import socket

    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)
        port = listener.getsockname()[1]
        result = cptkg("load", "--endpoint", f"http://127.0.0.1:{port}/query", "--timeout", "0.5")
    assert result.exit_code == 3
    assert "no answer within 0.5 s" in result.stderr


# ---------------------------------------------------------------- cptkg serve


def wait_for_endpoint(url: str, process, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"cptkg serve exited with {process.returncode}: {process.stderr.read().decode()}")
        try:
            urllib.request.urlopen(url.rsplit("/", 1)[0] + "/", timeout=2).close()
            return
        except OSError:
            time.sleep(0.1)
    raise AssertionError("cptkg serve did not come up")


def http_select(endpoint: str, query: str) -> list[dict]:
    body = urllib.parse.urlencode({"query": query}).encode()
    request = urllib.request.Request(endpoint, data=body, headers={"Accept": "application/sparql-results+json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())["results"]["bindings"]


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "terminate"])
def test_serve_answers_over_http_and_stops_cleanly(sig, oxigraph_engine):
    oxigraph_binary()
    port = free_port()
    process = cptkg_process("serve", "--port", str(port))
    try:
        endpoint = f"http://127.0.0.1:{port}/query"
        wait_for_endpoint(endpoint, process)
        # the union default graph: the whole graph without GRAPH
        rows = http_select(
            endpoint,
            "SELECT ?code WHERE { ?c <http://www.w3.org/2004/02/skos/core#notation> ?code ; "
            "<http://www.w3.org/2004/02/skos/core#prefLabel> ?label FILTER(STRSTARTS(?code, '4436')) } ORDER BY ?code",
        )
        assert [r["code"]["value"] for r in rows] == ["44360", "44361", "44363", "44364", "44365", "44366", "44369"]
        # one named graph per source file
        graphs = http_select(endpoint, "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
        assert sorted(r["g"]["value"] for r in graphs) == sorted(GRAPHS)
        # the whole catalogue through the HTTP endpoint, with the embedded store's answers
        served = RemoteEngine(endpoint)
        for spec in catalogue():
            params = example_params(spec)
            theirs, ours = run(spec.name, params, served), run(spec.name, params, oxigraph_engine)
            if ours.table is not None:
                assert theirs.table is not None and theirs.table.comparable() == ours.table.comparable(), spec.name
        # read-only: writes are refused
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/store?graph=http://example.org/g",
            data=b"<http://example.org/a> <http://example.org/b> <http://example.org/c> .\n",
            method="PUT",
            headers={"Content-Type": "application/n-triples"},
        )
        with pytest.raises(urllib.error.HTTPError):
            urllib.request.urlopen(request, timeout=10)
    finally:
        process.send_signal(sig)
        status = stop(process)
    out = process.stdout.read().decode()
    err = process.stderr.read().decode()
    assert status == 0, err
    assert f"SPARQL endpoint: http://127.0.0.1:{port}/query" in out and "example: curl" in out
    # the server is gone with it: the port is free again
    time.sleep(0.2)
    with pytest.raises(OSError):
        urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2)


def test_serve_a_store_of_imports_and_query_the_imports_there(tmp_path):
    oxigraph_binary()
    store_dir = tmp_path / "pfs-store"
    sample = Path(__file__).parent / "fixtures" / "cms" / "pfs-2025-oct-sample.csv"
    imported = cptkg("import", "pfs", str(sample), "--year", "2025", "--release", "october", "--store", str(store_dir))
    assert imported.exit_code == 0, imported.output
    port = free_port()
    process = cptkg_process("serve", "--store", str(store_dir), "--port", str(port))
    try:
        endpoint = f"http://127.0.0.1:{port}/query"
        wait_for_endpoint(endpoint, process)
        # an imported code, found through the import graph the endpoint engine adds to its default graph
        result = cptkg("query", "fee-schedule", "-p", "code=59400", "--endpoint", endpoint, "--format", "csv")
        assert result.exit_code == 0, result.output
        assert "MMM" in result.stdout
        # and the shipped graph beside it
        assert "jejunum" in cptkg("query", "extent", "-p", "code=44365", "--endpoint", endpoint).stdout
    finally:
        process.send_signal(signal.SIGINT)
        status = stop(process)
    out = process.stdout.read().decode()
    assert status == 0, process.stderr.read().decode()
    assert "one named graph per source file and per import" in out
    # serving leaves the user's store where it was
    assert cptkg("query", "fee-schedule", "-p", "code=59400", "--store", str(store_dir)).exit_code == 0


def test_a_killed_serve_takes_its_server_with_it():
    oxigraph_binary()
    port = free_port()
    process = cptkg_process("serve", "--port", str(port))
    endpoint = f"http://127.0.0.1:{port}/query"
    try:
        wait_for_endpoint(endpoint, process)
    finally:
        process.kill()
        process.wait()
    # a connection, not a bind: the port may stay in TIME_WAIT after the server is gone
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and someone_listens(port):
        time.sleep(0.1)
    assert not someone_listens(port), "the Oxigraph server outlived cptkg serve"


def someone_listens(port: int) -> bool:
    import socket

    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
    except OSError:
        return False
    return True


def test_serve_a_folder_that_is_no_store_is_exit_2(tmp_path):
    oxigraph_binary()
    result = cptkg("serve", "--store", str(tmp_path / "missing"), "--port", str(free_port()))
    assert result.exit_code == 2
    assert "no such store" in result.stderr


def test_imports_a_store_holds_join_the_endpoints_default_graph(virtuoso_server):
    import cptkg as api
    from cptkg.stores.remote import Credentials, http

    server = virtuoso_server
    credentials = Credentials(server.user, server.password)
    imported = "https://w3id.org/cptkg/graph/import/test-sample"
    payload = b'<http://example.org/imported> <http://example.org/p> "from an import" .\n'
    load(server.endpoint, {imported: payload}, {imported: 1}, server.graph_store, credentials, replace=True)
    try:
        engine = api.endpoint(server.endpoint, server.user, server.password)
        assert imported in engine.default_graphs and set(GRAPHS) <= set(engine.default_graphs)
        rows = engine.select("SELECT ?o WHERE { <http://example.org/imported> <http://example.org/p> ?o }").rows
        assert [row[0].value for row in rows] == ["from an import"]
    finally:
        query = urllib.parse.urlencode({"graph": imported})
        http("DELETE", f"{server.graph_store}?{query}", None, {}, credentials)
    assert imported not in api.endpoint(server.endpoint, server.user, server.password).default_graphs


def test_serve_on_a_busy_port_is_exit_3():
    import socket

    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen(1)
        port = holder.getsockname()[1]
        result = cptkg("serve", "--port", str(port))
    assert result.exit_code == 3
    assert f"cannot listen on 127.0.0.1:{port}" in result.stderr


def test_serve_refuses_a_bad_host_or_port():
    assert cptkg("serve", "--host", "every-interface").exit_code == 2
    assert cptkg("serve", "--port", "70000").exit_code == 2


def test_the_python_api_loads_and_queries_a_store(store):
    import cptkg as package

    user, password = (store.user, store.password) if isinstance(store, VirtuosoServer) else (None, None)
    results = package.upload(store.endpoint, store.graph_store, user, password, replace=True)
    assert len(results) == len(GRAPHS) and all(r.ok for r in results)
    remote_store = package.endpoint(store.endpoint, user, password)
    rows = package.query("codes-by-technique", engine=remote_store, technique="bipolar-cautery")
    assert rows == package.query("codes-by-technique", technique="bipolar-cautery")
    assert package.info("44365", engine=remote_store)["code"] == "44365"
