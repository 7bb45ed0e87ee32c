"""One benchmark step, run in its own process so that its peak memory is its own.

    python benchmarks/steps.py STEP [ARG ...]

Prints one JSON object: {"seconds": [...], "peak_mb": N, ...}. benchmarks/run.py calls it; see there.
"""

from __future__ import annotations

import json
import resource
import shlex
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))


def timed(func: Callable[[], Any], repeat: int) -> tuple[list[float], Any]:
    times, value = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        value = func()
        times.append(time.perf_counter() - start)
    return times, value


# ---------------------------------------------------------------- build


def build_cptkg(repeat: int) -> dict[str, Any]:
    from cptkg.graph.build import build

    with tempfile.TemporaryDirectory() as folder:
        times, _ = timed(lambda: build(Path(folder) / "dist"), repeat)
    return {"seconds": times}


def build_plain(repeat: int) -> dict[str, Any]:
    """The plain path for the same work: rdflib parses every source, owlrl computes the OWL RL closure, and
    rdflib writes Turtle (asserted and inferred), N-Triples, TriG and JSON-LD."""
    import owlrl
    from rdflib import Dataset, Graph, URIRef

    from cptkg.graph.sources import list_sources

    def run() -> None:
        dataset, graph = Dataset(), Graph()
        for source in list_sources():
            if source.path.suffix == ".ttl":
                dataset.graph(URIRef(source.graph)).parse(source.path, format="turtle")
                graph.parse(source.path, format="turtle")
        graph.serialize(format="turtle")
        graph.serialize(format="nt")
        dataset.serialize(format="trig")
        graph.serialize(format="json-ld")
        inferred = Graph()
        for triple in graph:
            inferred.add(triple)
        owlrl.DeductiveClosure(owlrl.OWLRL_Semantics, axiomatic_triples=False, datatype_axioms=False).expand(inferred)
        inferred.serialize(format="turtle")

    times, _ = timed(run, repeat)
    return {"seconds": times}


# ---------------------------------------------------------------- import


def import_cptkg(csv_path: str, repeat: int) -> dict[str, Any]:
    from cptkg.importers import import_pfs, write_file

    def run() -> int:
        result = import_pfs(Path(csv_path), 2025, "october")
        with tempfile.TemporaryDirectory() as folder:
            write_file(result.triples, Path(folder) / "pfs.nt", "nt", result.header)
        return result.triples.count

    times, count = timed(run, repeat)
    return {"seconds": times, "triples": count}


def import_plain(csv_path: str, repeat: int) -> dict[str, Any]:
    """The plain path for the same rows: the triples built as an rdflib Graph, written by rdflib."""
    from rdflib import Graph

    from cptkg.importers import import_pfs

    text = import_pfs(Path(csv_path), 2025, "october").triples.ntriples()

    def run() -> int:
        graph = Graph().parse(data=text, format="nt")
        graph.serialize(format="nt")
        return len(graph)

    times, count = timed(run, repeat)
    return {"seconds": times, "triples": count}


def store_cptkg(csv_path: str, repeat: int) -> dict[str, Any]:
    """`cptkg import pfs --store`: the import and the on-disk store of the shipped graph and the import."""
    from cptkg.importers import import_pfs, write_store

    def run() -> int:
        result = import_pfs(Path(csv_path), 2025, "october")
        with tempfile.TemporaryDirectory() as folder:
            return write_store(result.triples, Path(folder) / "store", result.name)

    times, count = timed(run, repeat)
    return {"seconds": times, "triples": count}


def store_plain(nt_path: str, repeat: int) -> dict[str, Any]:
    """The plain path to the same product: an rdflib Dataset of the shipped graph (a named graph per source
    file) and the import's N-Triples in their own named graph, written as N-Quads for a store to load."""
    from rdflib import Dataset, URIRef

    from cptkg.graph.sources import load_dataset
    from cptkg.importers import import_graph_name

    def run() -> int:
        dataset: Dataset = load_dataset()
        dataset.graph(URIRef(import_graph_name("pfs-2025-october"))).parse(nt_path, format="nt")
        with tempfile.TemporaryDirectory() as folder:
            dataset.serialize(Path(folder) / "store.nq", format="nquads")
        return sum(1 for _ in dataset.quads((None, None, None, None)))

    times, count = timed(run, repeat)
    return {"seconds": times, "triples": count}


# ---------------------------------------------------------------- parse


def parse_oxigraph(path: str, repeat: int) -> dict[str, Any]:
    import pyoxigraph as ox

    fmt = ox.RdfFormat.N_TRIPLES if path.endswith(".nt") else ox.RdfFormat.TURTLE

    def run() -> int:
        store = ox.Store()
        store.load(path=path, format=fmt)
        return len(store)

    times, count = timed(run, repeat)
    return {"seconds": times, "triples": count}


def parse_rdflib(path: str, repeat: int) -> dict[str, Any]:
    from rdflib import Graph

    times, count = timed(lambda: len(Graph().parse(path, format="nt" if path.endswith(".nt") else "turtle")), repeat)
    return {"seconds": times, "triples": count}


# ---------------------------------------------------------------- validate


def validate_plain(path: str, repeat: int) -> dict[str, Any]:
    """Plain pyshacl as a user runs it: rdflib parses the shipped graph and the file, pyshacl validates with
    the core and audit shapes (no inference, rdflib's own SPARQL processor)."""
    from pyshacl import validate as pyshacl_validate
    from rdflib import Graph

    from cptkg.graph.sources import load_graph
    from cptkg.validation.shape_sets import load_shapes

    def run() -> tuple[int, bool]:
        graph = Graph()
        for triple in load_graph():
            graph.add(triple)
        if path != "-":
            graph.parse(path, format="nt" if path.endswith(".nt") else "turtle")
        conforms = True
        for kind in ("core", "audit"):
            ok, _report, _text = pyshacl_validate(
                graph, shacl_graph=load_shapes(kind), inference=None, allow_warnings=True, allow_infos=True
            )
            conforms = conforms and (ok or kind == "audit")
        return len(graph), conforms

    times, (count, conforms) = timed(run, repeat)
    return {"seconds": times, "triples": count, "conforms": conforms}


def validate_jena(path: str, repeat: int) -> dict[str, Any]:
    """Apache Jena SHACL as a user runs it: one JVM reads the core shapes and one N-Triples file holding the
    shipped graph and the data, validates, and writes its report (the project's ShaclBatch, JVM start
    included). The peer to beat (issue 14)."""
    import subprocess

    from cptkg.graph.sources import load_graph
    from cptkg.validation import jena
    from cptkg.validation.shape_sets import load_shapes

    with tempfile.TemporaryDirectory(prefix="cptkg-bench-jena-") as work:
        folder = Path(work)
        shapes = folder / "shapes.nt"
        load_shapes("core").serialize(shapes, format="nt", encoding="utf-8")
        data = folder / "data.nt"
        load_graph().serialize(data, format="nt", encoding="utf-8")
        if path != "-":
            with data.open("ab") as out, open(path, "rb") as extra:
                out.write(extra.read())
        command = ["java", "-cp", jena.classpath(), str(jena.BATCH_SOURCE), str(shapes), str(folder), str(data)]

        def run() -> None:
            subprocess.run(command, check=True, capture_output=True)

        times, _ = timed(run, repeat)
        report = (folder / "report-0.nt").read_text(encoding="utf-8")
        triples = sum(1 for line in data.open("rb") if line.strip())
    return {
        "seconds": times,
        "triples": triples,
        "conforms": '<http://www.w3.org/ns/shacl#conforms> "true"' in report,
    }


def validate(path: str, engine: str, repeat: int) -> dict[str, Any]:
    from cptkg.validation.validate import validate as run_validation

    files = [Path(path)] if path != "-" else []
    times, report = timed(lambda: run_validation(files, engine=engine), repeat)
    return {
        "seconds": times,
        "triples": report.data_triples,
        "conforms": report.conforms,
        "results": len(report.results),
        "audit": len(report.audit),
    }


# ---------------------------------------------------------------- queries


def queries(store_dir: str, engine_name: str, repeat: int) -> dict[str, Any]:
    """Median time of each catalogue query (parameters bound beforehand, as a running process pays it)."""
    import pyoxigraph as ox

    from cptkg.query.catalogue import catalogue
    from cptkg.query.parameters import ParameterResolver
    from cptkg.query.running import bind_params, parse_param_args
    from cptkg.stores.engines import OxigraphEngine, RdflibEngine

    if store_dir == "-":
        engine: Any = OxigraphEngine.open() if engine_name == "oxigraph" else RdflibEngine.open()
    else:
        store = ox.Store.read_only(store_dir)
        if engine_name == "oxigraph":
            engine = OxigraphEngine(store)
        else:
            from rdflib import Graph

            from cptkg.sparql.terms import oxigraph_to_rdflib as to_rdflib

            graph = Graph()
            for quad in store:
                graph.add((to_rdflib(quad.subject), to_rdflib(quad.predicate), to_rdflib(quad.object)))
            engine = RdflibEngine(graph)
    per_query = {}
    for spec in catalogue():
        words = shlex.split(spec.example)
        pairs = [words[i + 1] for i, w in enumerate(words) if w == "-p" and i + 1 < len(words)]
        bindings = bind_params(spec, parse_param_args(pairs), ParameterResolver(engine))
        _warm = engine.select(spec.text, bindings).rows
        times, _ = timed(lambda s=spec, b=bindings: engine.select(s.text, b).rows, repeat)
        per_query[spec.name] = statistics.median(times)
    return {"seconds": [statistics.median(per_query.values())], "per_query": per_query}


STEPS: dict[str, Callable[..., dict[str, Any]]] = {
    "build-cptkg": build_cptkg,
    "build-plain": build_plain,
    "import-cptkg": import_cptkg,
    "import-plain": import_plain,
    "store-cptkg": store_cptkg,
    "store-plain": store_plain,
    "parse-oxigraph": parse_oxigraph,
    "parse-rdflib": parse_rdflib,
    "validate": validate,
    "validate-plain": validate_plain,
    "validate-jena": validate_jena,
    "queries": queries,
}


def peak_mb() -> float:
    """This process's peak resident memory (VmHWM: unlike ru_maxrss it does not carry the parent's peak
    over a fork and exec)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    step, *args = sys.argv[1:]
    converted: list[Any] = [int(a) if a.isdigit() else a for a in args]
    result = STEPS[step](*converted)
    result["peak_mb"] = peak_mb()
    print(json.dumps(result))


if __name__ == "__main__":
    main()
