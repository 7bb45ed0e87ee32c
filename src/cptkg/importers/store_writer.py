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
from ..namespaces import GRAPH_BASE
from .triples import Triples


def import_graph_name(name: str) -> str:
    """The named graph of an import in a store, e.g. .../graph/import/pfs-2025-october."""
    return f"{GRAPH_BASE}import/{name}"


def write_store(triples: Triples, folder: Path, name: str) -> int:
    """Replace the import's named graph in the on-disk store at folder (created if need be), keep every other
    graph the store holds, and put the current shipped graph beside them, one named graph per source file.
    Returns the number of quads in the store."""
    import pyoxigraph as ox

    from ..store import open_store

    graph = ox.NamedNode(import_graph_name(name))
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
    import pyoxigraph as ox

    if folder.exists() and not folder.is_dir():
        raise BadInputError(f"{folder}: not a folder; give --store a folder for the store")
    if not folder.exists() or not any(folder.iterdir()):
        return None
    try:
        return ox.Store.read_only(str(folder))
    except OSError:
        raise BadInputError(
            f"{folder}: not a store made by cptkg import (or it is in use); give --store a new or empty folder"
        ) from None


def _copy_graphs(source: Any, target: Any, keep: Any) -> None:
    import pyoxigraph as ox

    graphs = [ox.DefaultGraph(), *sorted(source.named_graphs(), key=str)]
    for graph in graphs:
        if keep(graph):
            data = source.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=graph)
            if data:
                target.bulk_load(data, format=ox.RdfFormat.N_TRIPLES, to_graph=graph)


def _swap(staging: Path, folder: Path) -> None:
    retired = folder.parent / f".{folder.name}.old-{os.getpid()}"
    if folder.exists():
        folder.rename(retired)
    staging.rename(folder)
    shutil.rmtree(retired, ignore_errors=True)
