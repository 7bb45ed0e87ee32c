"""The shipped graph's own audit, computed once per set of sources and kept beside the store cache: every
`cptkg validate` reports it, and it only changes when the sources (or the package) do."""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from ..resources import cache_root, sources_fingerprint
from .report import Result, Severity


def shipped_audit(sources: Path | None, engine: str, compute: Callable[[], list[Result]]) -> list[Result]:
    """The cached audit results of the shipped graph, computed (and cached) when absent or unreadable."""
    path = cache_root() / f"audit-{sources_fingerprint(sources)}-{engine}.json"
    try:
        rows = json.loads(path.read_text(encoding="utf-8"))
        return [Result(**{**row, "severity": Severity(row["severity"])}) for row in rows]
    except (OSError, ValueError, TypeError, KeyError):
        pass  # absent, half-written by an older version, or from another layout: compute it again
    results = compute()
    _write(path, json.dumps([r.as_dict() for r in results], ensure_ascii=False, sort_keys=True))
    return results


def _write(path: Path, text: str) -> None:
    """Beside its final name and renamed into place; a cache that cannot be written is simply not kept."""
    temporary: str | None = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=path.name + ".", dir=path.parent)
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
        os.replace(temporary, path)
    except OSError:
        if temporary is not None:
            Path(temporary).unlink(missing_ok=True)
