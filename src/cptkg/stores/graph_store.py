"""The embedded Oxigraph store of the graph, cached on disk and rebuilt when the sources change."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pyoxigraph as ox

from ..errors import EnvironmentProblem
from ..graph.sources import load_store
from ..resources import cache_root, sources_fingerprint


def open_store(root: Path | None = None, use_cache: bool = True) -> ox.Store:
    """An in-memory store of the graph, one named graph per source file.

    The sources are parsed (and checked) once and the result is kept on disk as N-Quads under a name made
    from the sources' digest; later processes load that file, which takes milliseconds. The queries then run
    in memory, several times faster than on an on-disk store. A cache file is written beside its final
    name and renamed into place, so a half-written one is never read; one made from other sources is simply
    never opened again.
    """
    if not use_cache:
        return load_store(root)
    path = cache_root() / f"graph-{sources_fingerprint(root)}.nq"
    if not path.exists():
        _write_cache(path, root)
    store = ox.Store()
    try:
        store.bulk_load(path=str(path), format=ox.RdfFormat.N_QUADS)
    except (OSError, SyntaxError) as err:
        raise EnvironmentProblem(f"cannot read the store cache {path}: {err}") from None
    return store


def _write_cache(path: Path, root: Path | None) -> None:
    store = load_store(root)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=path.name + ".", dir=path.parent)
        os.close(handle)
        store.dump(output=temporary, format=ox.RdfFormat.N_QUADS)
        os.replace(temporary, path)
    except OSError as err:
        Path(temporary).unlink(missing_ok=True) if "temporary" in locals() else None
        raise EnvironmentProblem(f"cannot write the store cache {path}: {err}") from None
