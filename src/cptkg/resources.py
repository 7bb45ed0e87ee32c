"""Where the packaged data lives: ontology/, shapes/ and queries/ in a checkout or inside the installed wheel."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pyoxigraph as ox

from .namespaces import GRAPH_BASE
from .version import __version__

_PACKAGE_DIR = Path(__file__).resolve().parent


def data_root() -> Path:
    """The folder holding ontology/, shapes/ and queries/.

    An installed wheel carries them under cptkg/data; a checkout (or an editable install) has them at the
    repository root, two levels above this package.
    """
    packaged = _PACKAGE_DIR / "data"
    if (packaged / "ontology").is_dir():
        return packaged
    checkout = _PACKAGE_DIR.parent.parent
    if (checkout / "ontology").is_dir():
        return checkout
    raise FileNotFoundError("cptkg data (ontology/, shapes/, queries/) not found next to the package")


def ontology_dir() -> Path:
    return data_root() / "ontology"


def shapes_dir() -> Path:
    return data_root() / "shapes"


def queries_dir() -> Path:
    return data_root() / "queries"


def source_files(root: Path | None = None) -> list[Path]:
    """Every source under the ontology folder (Turtle and SSSOM mapping sets), stable order, cptkg.ttl first."""
    base = root or ontology_dir()
    files = sorted(p for p in base.rglob("*") if p.is_file() and p.name.endswith((".ttl", ".sssom.tsv")))
    files.sort(key=lambda p: (p.relative_to(base).as_posix() != "cptkg.ttl", p.relative_to(base).as_posix()))
    return files


def graph_name(path: Path, root: Path | None = None) -> str:
    """The named-graph IRI of a source file: https://w3id.org/cptkg/graph/<path without extension>."""
    base = root or ontology_dir()
    rel = path.relative_to(base).as_posix()
    for suffix in (".sssom.tsv", ".ttl"):
        if rel.endswith(suffix):
            rel = rel[: -len(suffix)]
            break
    return GRAPH_BASE + rel


# ---------------------------------------------------------------- the cache of derived data


def cache_root() -> Path:
    """Where derived data is kept between runs (the store, the inferred closure, the shipped audit)."""
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
