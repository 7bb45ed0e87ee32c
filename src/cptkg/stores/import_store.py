"""The on-disk store that `cptkg import --store` fills: the shipped graph and one named graph per import,
opened read-only by query, info and serve."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..errors import BadInputError
from ..namespaces import GRAPH_BASE


def import_graph_name(name: str) -> str:
    """The named graph of an import in a store, e.g. .../graph/import/pfs-2025-october."""
    return f"{GRAPH_BASE}import/{name}"


def open_import_store(folder: Path) -> Any:
    """The store that `cptkg import --store` filled at folder, read-only (for query, info and serve)."""
    import pyoxigraph as ox

    if not folder.is_dir() or not any(folder.iterdir()):
        raise BadInputError(f"{folder}: no such store (make one with cptkg import ... --store {folder})")
    try:
        return ox.Store.read_only(str(folder))
    except OSError:
        raise BadInputError(f"{folder}: not a store made by cptkg import") from None
