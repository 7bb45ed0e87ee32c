"""The real triple stores against the embedded one: load time into each, and the catalogue's median query
time on each store as a ratio to the embedded store.

    .venv/bin/python benchmarks/stores.py [--repeat 10] [--loads 3]

Starts the Oxigraph server and Virtuoso (Debian virtuoso-opensource) on free loopback ports, as the tests do,
loads the graph with `cptkg load --replace` (the library call behind it: every graph PUT with the Graph Store
Protocol and counted), then times each catalogue query over HTTP with its example parameters. Prints a
markdown table and writes benchmarks/results/stores.json. A store that is not installed is reported as such.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from common import markdown_table, median_seconds, write_results
from cptkg.graph.named_graphs import named_graph_ntriples
from cptkg.graph.sources import list_sources
from cptkg.query.catalogue import catalogue
from cptkg.query.parameters import ParameterResolver
from cptkg.query.running import bind_params
from cptkg.stores.engines import OxigraphEngine
from cptkg.stores.remote import Credentials, RemoteEngine, load
from queries import example_params

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from tests.servers import OxigraphServer, Server, VirtuosoServer  # noqa: E402


def time_loads(server: Server, credentials: Credentials | None, loads: int) -> tuple[float, int]:
    payloads, counts = named_graph_ntriples()
    times = []
    for _ in range(loads):
        start = time.perf_counter()
        results = load(server.endpoint, payloads, counts, server.graph_store, credentials, replace=True)
        times.append(time.perf_counter() - start)
        assert all(r.ok for r in results), [r for r in results if not r.ok]
    return statistics.median(times), sum(counts.values())


def time_catalogue(engine: Any, repeat: int) -> dict[str, float]:
    resolver_engine = OxigraphEngine.open()
    times = {}
    for spec in catalogue():
        bindings = bind_params(spec, example_params(spec.example), ParameterResolver(resolver_engine))
        times[spec.name] = median_seconds(lambda s=spec, b=bindings: engine.select(s.text, b), repeat)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--loads", type=int, default=3)
    args = parser.parse_args()

    graphs = [source.graph for source in list_sources()]
    embedded = time_catalogue(OxigraphEngine.open(), args.repeat * 3)
    stores: dict[str, dict[str, Any]] = {}
    candidates: list[tuple[str, type[Server], Credentials | None, bool]] = [
        ("Oxigraph server", OxigraphServer, None, (Path(sys.executable).parent / "oxigraph").exists()),
        ("Virtuoso 7", VirtuosoServer, Credentials("dba", "dba"), shutil.which("virtuoso-t") is not None),
    ]
    for name, kind, credentials, installed in candidates:
        if not installed:
            stores[name] = {"installed": False}
            continue
        with tempfile.TemporaryDirectory(prefix="cptkg-bench-") as folder, kind(Path(folder)) as server:
            load_seconds, triples = time_loads(server, credentials, args.loads)
            remote = RemoteEngine(server.endpoint, graphs, credentials)
            stores[name] = {
                "installed": True,
                "load_seconds": load_seconds,
                "triples": triples,
                "queries_ms": {q: t * 1000 for q, t in time_catalogue(remote, args.repeat).items()},
            }

    rows = []
    for query, seconds in embedded.items():
        row = [query, f"{seconds * 1000:.2f}"]
        for data in stores.values():
            if data.get("installed"):
                ms = data["queries_ms"][query]
                row += [f"{ms:.1f}", f"{ms / (seconds * 1000):.0f}x"]
        rows.append(row)
    headers = ["query", "embedded ms"]
    for name, data in stores.items():
        if data.get("installed"):
            headers += [f"{name} ms", f"{name} / embedded"]
    print(markdown_table(headers, rows))
    print()
    embedded_median = statistics.median(embedded.values()) * 1000
    print(f"catalogue median: embedded {embedded_median:.2f} ms", end="")
    for name, data in stores.items():
        if data.get("installed"):
            median = statistics.median(data["queries_ms"].values())
            data["catalogue_median_ms"] = median
            print(f"; {name} {median:.1f} ms ({median / embedded_median:.0f}x)", end="")
    print()
    for name, data in stores.items():
        if data.get("installed"):
            seconds, triples = data["load_seconds"], data["triples"]
            print(f"load into {name}: {seconds:.2f} s for {triples} triples (median of {args.loads})")
        else:
            print(f"{name}: not installed")
    path = write_results(
        "stores",
        {"embedded_ms": {q: t * 1000 for q, t in embedded.items()}, "embedded_median_ms": embedded_median, **stores},
    )
    print(f"results: {path}")


if __name__ == "__main__":
    main()
