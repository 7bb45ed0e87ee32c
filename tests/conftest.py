"""Shared fixtures: the graph, the engines, and one build of the products per test session."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def pytest_configure(config: pytest.Config) -> None:
    # Every test process uses its own store cache, never the user's.
    os.environ.setdefault("CPTKG_CACHE_DIR", tempfile.mkdtemp(prefix="cptkg-test-cache-"))


def require_tool(name: str, reason: str) -> str:
    """The path of a system tool; skip without it, but fail in CI where .ci/run installs it."""
    path = shutil.which(name)
    if path:
        return path
    if os.environ.get("CPTKG_REQUIRE_SYSTEM_TOOLS"):
        pytest.fail(f"{name} is missing in CI ({reason}); .ci/run should have installed it")
    pytest.skip(f"{name} not installed ({reason}); CI installs it")
    raise AssertionError("unreachable")


def require_shared(relative: str) -> Path:
    """A file of ../shared (present in CI); skip when absent outside CI."""
    path = SHARED / relative
    if path.exists():
        return path
    if os.environ.get("CI"):
        pytest.fail(f"{path} is missing in CI")
    pytest.skip(f"{path} not present")
    raise AssertionError("unreachable")


@pytest.fixture(scope="session")
def graph():
    from cptkg.graph.sources import load_graph

    return load_graph()


@pytest.fixture(scope="session")
def dataset():
    from cptkg.graph.sources import load_dataset

    return load_dataset()


@pytest.fixture(scope="session")
def oxigraph_engine():
    from cptkg.stores.engines import OxigraphEngine

    return OxigraphEngine.open()


@pytest.fixture(scope="session")
def rdflib_engine(graph):
    from cptkg.stores.engines import RdflibEngine

    return RdflibEngine(graph)


@pytest.fixture(scope="session")
def import_store_engine(tmp_path_factory):
    """The on-disk store `cptkg import --store` fills: the shipped graph beside an import."""
    import cptkg
    from cptkg import api

    folder = tmp_path_factory.mktemp("import-store") / "store"
    api.write_import(api.import_pos(FIXTURES / "cms" / "pos-sample.csv"), store=folder)
    return cptkg.store_engine(folder)


def _loaded_server_engine(server, user=None, password=None):
    """The graph uploaded as `cptkg load` does it, and an engine over the server's endpoint."""
    from cptkg import api

    loads = api.upload(server.endpoint, server.graph_store, user, password, replace=True)
    assert all(load.ok for load in loads), [(load.graph, load.sent, load.found) for load in loads]
    return api.endpoint(server.endpoint, user, password)


@pytest.fixture(scope="session")
def oxigraph_server_engine(tmp_path_factory):
    import sys

    from .servers import OxigraphServer

    if not (Path(sys.executable).parent / "oxigraph").exists():
        require_tool("oxigraph", "the Oxigraph server, pip install 'cptkg[server]'")
    with OxigraphServer(tmp_path_factory.mktemp("oxigraph-contract")) as server:
        yield _loaded_server_engine(server)


@pytest.fixture(scope="session")
def virtuoso_engine(tmp_path_factory):
    from .servers import VirtuosoServer

    require_tool("virtuoso-t", "Virtuoso Open Source, Debian virtuoso-opensource")
    with VirtuosoServer(tmp_path_factory.mktemp("virtuoso-contract")) as server:
        yield _loaded_server_engine(server, server.user, server.password)


# The contract every engine keeps: the tests that take `engine` assert catalogue values (codes, extents,
# fee-schedule figures, modifier rules ...) and run on each of them alike.
ENGINES = [
    "oxigraph",
    "rdflib",
    "import-store",
    pytest.param("oxigraph-server", marks=pytest.mark.slow),
    pytest.param("virtuoso", marks=pytest.mark.slow),
]
ENGINE_FIXTURES = {
    "oxigraph": "oxigraph_engine",
    "rdflib": "rdflib_engine",
    "import-store": "import_store_engine",
    "oxigraph-server": "oxigraph_server_engine",
    "virtuoso": "virtuoso_engine",
}


@pytest.fixture(scope="session", params=ENGINES)
def engine(request):
    return request.getfixturevalue(ENGINE_FIXTURES[request.param])  # pytest.param ids are the names


@pytest.fixture(scope="session")
def built() -> Path:
    """The release products, built once a session for every worker (the first builds, the others wait and
    read the same folder); the tests only read it."""
    import fcntl

    from cptkg.graph.build import build

    folder = Path(os.environ["CPTKG_CACHE_DIR"]) / "session-build"
    folder.mkdir(parents=True, exist_ok=True)
    out = folder / "dist"
    with open(folder / "lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (out / "build-info.json").is_file():
            build(out)
    return out


@pytest.fixture(scope="session")
def inferred(graph):
    """The closure `cptkg build` computes, from the cache it keeps (computed at most once a session)."""
    from cptkg.graph.build import cached_closure
    from cptkg.resources import ontology_dir

    return cached_closure(graph, ontology_dir())


def cptkg(*args: str):
    """Run the CLI in-process; returns the click result (exit_code, stdout, stderr)."""
    from click.testing import CliRunner

    from cptkg.cli import main

    return CliRunner().invoke(main, list(args), catch_exceptions=False)
