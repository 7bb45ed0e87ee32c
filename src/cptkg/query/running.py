"""Running catalogue queries (or any query file) with parameters as people type them, on any engine.

Only read queries run here: an update is refused, and so is a query that calls SERVICE unless the caller
allows it (a SERVICE clause reaches out to the network).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..errors import BadInputError
from ..sparql.rewriting import query_form, strip_to_syntax
from ..sparql.terms import Term
from ..stores.engines import Engine, Table
from .catalogue import Param, QuerySpec, load_query
from .parameters import ParameterResolver

READ_FORMS = ("SELECT", "ASK")
# the SERVICE keyword, not a prefixed name or variable that happens to contain the word (cptkg:service, ?service)
_SERVICE = re.compile(r"(?<![\w:?$-])SERVICE(?![\w:-])", re.I)


@dataclass
class Answer:
    spec: QuerySpec
    table: Table | None = None
    boolean: bool | None = None

    def records(self) -> list[dict[str, Any]]:
        if self.table is None:
            return [{"answer": self.boolean}]
        return self.table.records()


def parse_param_args(pairs: Sequence[str]) -> dict[str, str]:
    """`name=value` strings from the command line into a dict; a malformed one is a usage error."""
    out: dict[str, str] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise BadInputError(f"parameter {pair!r} is not name=value (for example -p code=44365)")
        if name.strip() in out:
            raise BadInputError(f"parameter {name.strip()!r} given twice")
        out[name.strip()] = value
    return out


def check_query(spec: QuerySpec, allow_service: bool = False) -> str:
    """The query form, after refusing updates, unsupported forms and (unless allowed) SERVICE."""
    form = query_form(spec.text)
    if form not in READ_FORMS:
        if form in ("CONSTRUCT", "DESCRIBE"):
            raise BadInputError(f"{spec.name}: {form} queries are not supported here; use SELECT or ASK")
        raise BadInputError(f"{spec.name}: only read queries run here (SELECT or ASK); this one is {form or 'unknown'}")
    if _SERVICE.search(strip_to_syntax(spec.text)) and not allow_service:
        raise BadInputError(f"{spec.name}: the query calls SERVICE (a remote endpoint); pass --allow-service to run it")
    return form


def bind_params(spec: QuerySpec, given: Mapping[str, str], resolver: ParameterResolver) -> dict[str, Term]:
    """Resolve the given parameters (and the defaults of missing ones) to RDF terms."""
    declared = {p.name: p for p in spec.params}
    if not declared:
        # a query file without a header: any parameter is a concept (a code, a CURIE or an IRI)
        declared = {name: Param(name, "concept", True, None, "") for name in given}
    unknown = sorted(set(given) - set(declared))
    if unknown:
        valid = ", ".join(declared) or "none"
        raise BadInputError(f"{spec.name} has no parameter {unknown[0]!r}; its parameters: {valid}")
    bindings: dict[str, Term] = {}
    for name, param in declared.items():
        raw = given.get(name, param.default)
        if raw is None:
            if param.required:
                raise BadInputError(f"{spec.name} needs the parameter {name} ({param.type}): -p {name}=...")
            continue
        bindings[name] = resolver.resolve(param.type, raw)
    return bindings


def run(
    name_or_path: str,
    params: Mapping[str, str] | None = None,
    engine: Engine | None = None,
    allow_service: bool = False,
) -> Answer:
    """Run a catalogue query (by name) or a query file (by path) with typed parameters."""
    from ..stores.engines import open_engine

    spec = load_query(name_or_path)
    form = check_query(spec, allow_service)
    target = engine if engine is not None else open_engine("oxigraph")
    bindings = bind_params(spec, params or {}, ParameterResolver(target))
    if form == "ASK":
        return Answer(spec, boolean=target.ask(spec.text, bindings))
    return Answer(spec, table=target.select(spec.text, bindings))
