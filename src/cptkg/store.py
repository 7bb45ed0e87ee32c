"""The embedded Oxigraph store of the graph, cached on disk and rebuilt when the sources change."""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from pathlib import Path

import pyoxigraph as ox

from .errors import EnvironmentProblem
from .resources import ontology_dir
from .sources import load_store
from .version import __version__


def cache_root() -> Path:
    override = os.environ.get("CPTKG_CACHE_DIR")
    if override:
        return Path(override)
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg else Path.home() / ".cache") / "cptkg"


def sources_fingerprint(root: Path | None = None) -> str:
    """A digest of the package version and every source file's path, size and bytes."""
    base = root or ontology_dir()
    digest = hashlib.sha256(__version__.encode() + b"\0" + str(ox.__version__).encode() + b"\0")
    for path in sorted(p for p in base.rglob("*") if p.is_file()):
        digest.update(path.relative_to(base).as_posix().encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()[:32]


def open_store(root: Path | None = None, use_cache: bool = True) -> ox.Store:
    """A read-only store of the graph: from the cache when it matches the sources, built first when not.

    The cache folder is built beside its final name and renamed into place, so a half-built store is never
    seen; a folder made from other sources is simply never opened again.
    """
    if not use_cache:
        return load_store(root)
    folder = cache_root() / f"store-{sources_fingerprint(root)}"
    if not (folder / "complete").exists():
        _build_cache(folder, root)
    try:
        return ox.Store.read_only(str(folder / "db"))
    except OSError as err:
        raise EnvironmentProblem(f"cannot open the store cache {folder}: {err}") from None


def _build_cache(folder: Path, root: Path | None) -> None:
    try:
        folder.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=folder.name + ".building-", dir=folder.parent))
    except OSError as err:
        raise EnvironmentProblem(f"cannot write the store cache under {folder.parent}: {err}") from None
    try:
        store = ox.Store(str(staging / "db"))
        load_store(root, store)
        store.flush()
        del store
        (staging / "complete").write_text("ok\n")
        try:
            os.rename(staging, folder)
        except OSError:
            # another process finished the same cache first: use theirs
            if not (folder / "complete").exists():
                raise
    except OSError as err:
        raise EnvironmentProblem(f"cannot write the store cache {folder}: {err}") from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)
