"""`cptkg build`: write the release products to dist/, atomically.

Products: cptkg.ttl (merged, asserted only), cptkg-inferred.ttl (with the OWL RL closure), cptkg.nt,
cptkg.trig and cptkg.nq (one named graph per source file), cptkg.jsonld with cptkg.context.jsonld, and
build-info.json (version, source and product digests). Everything is written into a fresh folder next to the
target, which replaces the target only when every product is complete; a failure leaves the previous dist/.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph, URIRef

from ..resources import cache_root, ontology_dir, sources_fingerprint
from ..version import __version__
from .reasoning import infer, rule_queries
from .serialize import dump_json, jsonld_context, to_jsonld, to_nquads, to_ntriples, to_trig, to_turtle
from .sources import list_sources, load_dataset, merged_graph

PRODUCTS = (
    "cptkg.ttl",
    "cptkg-inferred.ttl",
    "cptkg.nt",
    "cptkg.trig",
    "cptkg.nq",
    "cptkg.jsonld",
    "cptkg.context.jsonld",
    "build-info.json",
)


@dataclass
class BuildResult:
    out_dir: Path
    asserted_triples: int
    inferred_triples: int
    graphs: int
    files: dict[str, str] = field(default_factory=dict)  # product name -> sha256


def sha256_file(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def source_digest(root: Path | None = None) -> str:
    """One digest over every source file's path and bytes: changes whenever a source changes."""
    base = root or ontology_dir()
    digest = hashlib.sha256()
    for path in sorted(p for p in base.rglob("*") if p.is_file()):
        digest.update(path.relative_to(base).as_posix().encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


def cached_closure(asserted: Graph, root: Path) -> Graph:
    """The OWL RL closure and the extent rules' results: computed once per set of sources (most of a build's
    time) and kept in the cache as N-Triples; the products are canonical, so a cached closure gives the same
    bytes as a fresh one."""
    import owlrl

    path = cache_root() / f"inferred-{sources_fingerprint(root)}-{owlrl.__version__}.nt"
    with _cache_lock(path):  # two builds at once: the second waits for the first one's closure
        if path.is_file():
            try:
                return Graph().parse(path, format="nt")
            except Exception:  # a cache file that cannot be read is made again
                pass
        inferred = infer(asserted, rule_queries(root))
        _write_cache(path, inferred)
    return inferred


@contextmanager
def _cache_lock(path: Path) -> Iterator[None]:
    try:
        import fcntl

        path.parent.mkdir(parents=True, exist_ok=True)
        handle = open(path.with_suffix(".lock"), "w")  # noqa: SIM115 - held for the block
    except (ImportError, OSError):
        yield  # no locking where it cannot be had: at worst both compute
        return
    try:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield
    finally:
        handle.close()


def _write_cache(path: Path, inferred: Graph) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=path.name + ".", dir=path.parent)
        with os.fdopen(handle, "wb") as out:
            out.write(inferred.serialize(format="nt", encoding="utf-8"))
        os.replace(temporary, path)
    except OSError:
        pass  # no cache, no harm: the next build reasons again


def _replace_dir(staging: Path, target: Path) -> None:
    """Swap staging into place; the old target is removed only after the swap."""
    backup = None
    if target.exists():
        backup = target.with_name(f".{target.name}.old-{os.getpid()}")
        os.replace(target, backup)
    try:
        os.replace(staging, target)
    except OSError:
        if backup is not None:
            os.replace(backup, target)
        raise
    if backup is not None:
        shutil.rmtree(backup, ignore_errors=True)


def build(
    out_dir: Path | str = "dist",
    sources: Path | None = None,
    progress: Callable[[str], None] | None = None,
) -> BuildResult:
    """Build every product from the sources into out_dir."""
    say = progress or (lambda _message: None)
    root = sources or ontology_dir()
    target = Path(out_dir)

    say("reading sources")
    dataset = load_dataset(root)
    named: dict[str, Graph] = {}
    for source in list_sources(root):
        named[source.graph] = dataset.graph(URIRef(source.graph))
    asserted = merged_graph(dataset)

    say("reasoning (OWL RL closure and extent rules)")
    inferred = cached_closure(asserted, root)

    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.new-", dir=target.parent))
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(staging, 0o777 & ~umask)  # mkdtemp makes the folder private; dist/ is not
    try:
        say("writing products")
        outputs = {
            "cptkg.ttl": to_turtle(asserted),
            "cptkg-inferred.ttl": to_turtle(
                inferred, "Generated by `cptkg build`: the asserted graph plus its OWL RL closure; do not edit."
            ),
            "cptkg.nt": to_ntriples(asserted),
            "cptkg.trig": to_trig(named),
            "cptkg.nq": to_nquads(named),
            "cptkg.jsonld": to_jsonld(asserted),
            "cptkg.context.jsonld": dump_json(jsonld_context()),
        }
        digests: dict[str, str] = {}
        for name, text in outputs.items():
            path = staging / name
            path.write_text(text, encoding="utf-8")
            digests[name] = sha256_file(path)
        info = {
            "version": __version__,
            "sources_sha256": source_digest(root),
            "graphs": sorted(named),
            "triples": {"asserted": len(asserted), "inferred": len(inferred)},
            "products_sha256": digests,
        }
        (staging / "build-info.json").write_text(dump_json(info), encoding="utf-8")
        digests["build-info.json"] = sha256_file(staging / "build-info.json")
        _replace_dir(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return BuildResult(target, len(asserted), len(inferred), len(named), digests)
