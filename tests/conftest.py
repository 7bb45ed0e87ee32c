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
    from cptkg.sources import load_graph

    return load_graph()


@pytest.fixture(scope="session")
def dataset():
    from cptkg.sources import load_dataset

    return load_dataset()


@pytest.fixture(scope="session")
def oxigraph_engine():
    from cptkg.engines import OxigraphEngine

    return OxigraphEngine.open()


@pytest.fixture(scope="session")
def rdflib_engine(graph):
    from cptkg.engines import RdflibEngine

    return RdflibEngine(graph)


@pytest.fixture(scope="session", params=["oxigraph", "rdflib"])
def engine(request, oxigraph_engine, rdflib_engine):
    return oxigraph_engine if request.param == "oxigraph" else rdflib_engine


@pytest.fixture(scope="session")
def built(tmp_path_factory) -> Path:
    from cptkg.builder import build

    out = tmp_path_factory.mktemp("build") / "dist"
    build(out)
    return out


@pytest.fixture(scope="session")
def inferred(graph):
    from cptkg.reasoning import infer

    return infer(graph)


def cptkg(*args: str):
    """Run the CLI in-process; returns the click result (exit_code, stdout, stderr)."""
    from click.testing import CliRunner

    from cptkg.cli import main

    return CliRunner().invoke(main, list(args), catch_exceptions=False)
