"""An import as a named graph of the embedded on-disk store, beside the shipped graph so that the store answers
the query catalogue by itself.

The store is rebuilt beside the old one and swapped in by renaming: a bulk load is several times faster than a
transactional one and leaves a compact store, and a failure at any point leaves the old store as it was."""

from __future__ import annotations

import gc
import os
import shutil
from pathlib import Path
from typing import Any

from ..errors import BadInputError, EnvironmentProblem
from ..stores.import_store import import_graph_name, open_import_store
from .triples import Triples


def write_store(triples: Triples, folder: Path, name: str) -> int:
    """Replace the import's named graph in the on-disk store at folder (created if need be), keep every other
    graph the store holds, and put the current shipped graph beside them, one named graph per source file.
    Returns the number of quads in the store."""
    import pyoxigraph as ox

    from ..stores.graph_store import open_store

    graph = ox.NamedNode(import_graph_name(name))
    _recover(folder)
    old = _existing_store(folder)
    staging = folder.parent / f".{folder.name}.new-{os.getpid()}"
    shutil.rmtree(staging, ignore_errors=True)
    try:
        folder.parent.mkdir(parents=True, exist_ok=True)
        store = ox.Store(str(staging))
        shipped = open_store()
        replaced = {q.graph_name for q in shipped} | {graph}
        store.bulk_extend(shipped)
        if old is not None:
            _copy_graphs(old, store, keep=lambda g: g not in replaced)
        store.bulk_load(triples.ntriples().encode("utf-8"), format=ox.RdfFormat.N_TRIPLES, to_graph=graph)
        _drop_repeats(store, graph, triples.count)
        store.flush()
        count = len(store)
        # pyoxigraph has no close(): the database lock goes with the last reference
        del store, old
        gc.collect()
        _swap(staging, folder)
    except OSError as err:
        shutil.rmtree(staging, ignore_errors=True)
        raise EnvironmentProblem(f"cannot write the store {folder}: {err}") from None
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return count


def _existing_store(folder: Path) -> Any:
    """The store already at folder (read-only), None for a missing or empty folder; anything else there is
    refused rather than replaced."""
    if folder.exists() and not folder.is_dir():
        raise BadInputError(f"{folder}: not a folder; give --store a folder for the store")
    if not folder.exists() or not any(folder.iterdir()):
        return None
    return open_import_store(folder)


def _copy_graphs(source: Any, target: Any, keep: Any) -> None:
    import pyoxigraph as ox

    graphs = [ox.DefaultGraph(), *sorted(source.named_graphs(), key=str)]
    for graph in graphs:
        if keep(graph):
            data = source.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=graph)
            if data:
                target.bulk_load(data, format=ox.RdfFormat.N_TRIPLES, to_graph=graph)


def _drop_repeats(store: Any, graph: Any, size: int) -> None:
    """Remove from graph the triples another graph of the store already holds: the store's default graph is
    the union of its graphs, where a triple held twice would be matched twice and every query row that uses
    it repeated (the curated fee-schedule entries are in both the shipped graph and the PFS import, the code
    nodes of HCPCS codes in both the PFS and the HCPCS imports)."""
    import pyoxigraph as ox

    repeats = set()
    if size < len(store) - size:  # walk the smaller side
        for quad in store.quads_for_pattern(None, None, None, graph):
            held = store.quads_for_pattern(quad.subject, quad.predicate, quad.object, None)
            if any(other.graph_name != graph for other in held):
                repeats.add(quad)
    else:
        for other in store.named_graphs():
            if other != graph:
                for quad in store.quads_for_pattern(None, None, None, other):
                    mine = ox.Quad(quad.subject, quad.predicate, quad.object, graph)
                    if mine in store:
                        repeats.add(mine)
    for quad in repeats:
        store.remove(quad)


def _recover(folder: Path) -> None:
    """Clear what an import killed outright (SIGKILL, power loss) left beside the store: its unfinished new
    store goes; the old store, if the kill came between the two renames of the swap, comes back."""
    for leftover in sorted(folder.parent.glob(f".{folder.name}.*-*")):
        kind, _, pid = leftover.name.rpartition("-")
        if not pid.isdigit() or _running(int(pid)):
            continue
        if kind.endswith(".old") and not folder.exists():
            leftover.rename(folder)
        elif kind.endswith((".old", ".new")):
            shutil.rmtree(leftover, ignore_errors=True)


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _swap(staging: Path, folder: Path) -> None:
    retired = folder.parent / f".{folder.name}.old-{os.getpid()}"
    if folder.exists():
        folder.rename(retired)
    staging.rename(folder)
    shutil.rmtree(retired, ignore_errors=True)
