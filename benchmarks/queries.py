"""Each catalogue query on the embedded Oxigraph store against rdflib: median of repeated runs, as a ratio.

    .venv/bin/python benchmarks/queries.py [--repeat 30] [--rdflib-repeat 5]

Prints a markdown table and writes benchmarks/results/queries.json. Times are of answering the query with its
parameters already bound (what a running process pays per question); the cold command-line time is measured
separately, in a new process, as a user runs it. Targets: under 5 ms median on the embedded store for every
catalogue query, under 1 s wall for a cold `cptkg query code-card -p code=44365`.
"""

from __future__ import annotations

import argparse
import shlex
import statistics
import subprocess
import sys
import time
from pathlib import Path

from common import markdown_table, median_seconds, write_results
from cptkg.query.catalogue import catalogue
from cptkg.query.parameters import ParameterResolver
from cptkg.query.running import bind_params, parse_param_args
from cptkg.stores.engines import OxigraphEngine, RdflibEngine

ROOT = Path(__file__).resolve().parent.parent


def example_params(example: str) -> dict[str, str]:
    words = shlex.split(example)
    pairs = [words[i + 1] for i, w in enumerate(words) if w in ("-p", "--param") and i + 1 < len(words)]
    return parse_param_args(pairs)


def cold_cli_seconds(repeat: int = 5) -> float:
    cptkg = Path(sys.executable).parent / "cptkg"
    command = [str(cptkg), "query", "code-card", "-p", "code=44365", "--format", "csv"]
    subprocess.run(command, check=True, capture_output=True)  # the on-disk store exists after a first run
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--rdflib-repeat", type=int, default=5)
    args = parser.parse_args()

    oxigraph = OxigraphEngine.open()
    rdflib_engine = RdflibEngine.open()
    rows, data = [], []
    for spec in catalogue():
        params = example_params(spec.example)
        bindings = bind_params(spec, params, ParameterResolver(oxigraph))
        ox = median_seconds(lambda s=spec, b=bindings: oxigraph.select(s.text, b), args.repeat)
        rd = median_seconds(lambda s=spec, b=bindings: rdflib_engine.select(s.text, b), args.rdflib_repeat)
        rows.append(
            [spec.name, f"{ox * 1000:.2f}", f"{rd * 1000:.1f}", f"{rd / ox:.0f}x", "yes" if ox < 0.005 else "NO"]
        )
        data.append(
            {
                "query": spec.name,
                "params": params,
                "oxigraph_ms": ox * 1000,
                "rdflib_ms": rd * 1000,
                "ratio": rd / ox,
                "under_5ms": ox < 0.005,
            }
        )
    cold = cold_cli_seconds()
    print(markdown_table(["query", "embedded store ms", "rdflib ms", "rdflib / embedded", "< 5 ms"], rows))
    print()
    print(f"cold `cptkg query code-card -p code=44365`: {cold:.3f} s wall (target < 1 s)")
    path = write_results("queries", {"queries": data, "cold_code_card_seconds": cold})
    print(f"results: {path}")


if __name__ == "__main__":
    main()
