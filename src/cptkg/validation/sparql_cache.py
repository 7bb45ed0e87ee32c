"""A SPARQL processor for rdflib that parses and translates each distinct query text once.

pyshacl hands rdflib the same SHACL-SPARQL query for every focus node, and rdflib parses and translates it
again each time: about nine tenths of validation time (see the project's performance notes). The translated
algebra is what rdflib's own prepareQuery returns and is safe to evaluate again with other initial bindings,
so caching it changes no result, only the time.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from typing import Any

import rdflib.plugin
from rdflib.plugins.sparql.algebra import translateQuery
from rdflib.plugins.sparql.parser import parseQuery
from rdflib.plugins.sparql.processor import SPARQLProcessor
from rdflib.query import Processor

_INSTALLED = False


@lru_cache(maxsize=1024)
def _translate(text: str, base: str | None, namespaces: tuple[tuple[str, str], ...]) -> Any:
    return translateQuery(parseQuery(text), base, dict(namespaces))


class CachingSPARQLProcessor(SPARQLProcessor):
    def query(  # type: ignore[override]
        self,
        strOrQuery: Any,
        initBindings: Mapping[str, Any] | None = None,
        initNs: Mapping[str, Any] | None = None,
        base: str | None = None,
        DEBUG: bool = False,
    ) -> Mapping[str, Any]:
        if isinstance(strOrQuery, str):
            namespaces = tuple(sorted((str(k), str(v)) for k, v in (initNs or {}).items()))
            strOrQuery = _translate(strOrQuery, base, namespaces)
        return super().query(strOrQuery, initBindings, initNs, base, DEBUG)


def install() -> None:
    """Make the caching processor rdflib's default "sparql" processor in this process (idempotent)."""
    global _INSTALLED
    if not _INSTALLED:
        rdflib.plugin.register("sparql", Processor, "cptkg.validation.sparql_cache", "CachingSPARQLProcessor")
        _INSTALLED = True
