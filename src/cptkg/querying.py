"""Running catalogue queries (or any query file) with parameters as people type them, on any engine.

Only read queries run here: an update is refused, and so is a query that calls SERVICE unless the caller
allows it (a SERVICE clause reaches out to the network).
"""

from __future__ import annotations

import csv
import io
import re
import textwrap
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .binding import query_form, strip_to_syntax
from .catalogue import Param, QuerySpec, load_query
from .engines import Engine, Table
from .errors import BadInputError
from .namespaces import PREFIXES, compact
from .params import Resolver
from .terms import Term

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


def bind_params(spec: QuerySpec, given: Mapping[str, str], resolver: Resolver) -> dict[str, Term]:
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
    from .engines import open_engine

    spec = load_query(name_or_path)
    form = check_query(spec, allow_service)
    target = engine if engine is not None else open_engine("oxigraph")
    bindings = bind_params(spec, params or {}, Resolver(target))
    if form == "ASK":
        return Answer(spec, boolean=target.ask(spec.text, bindings))
    return Answer(spec, table=target.select(spec.text, bindings))


# ---------------------------------------------------------------- output formats


def _display(term: Term | None) -> str:
    if term is None:
        return ""
    if term.kind == "iri":
        return compact(term.value, PREFIXES)
    return term.value


def render_table(answer: Answer, width: int = 48) -> str:
    """A plain-text table for people: IRIs as CURIEs, long cells wrapped."""
    if answer.table is None:
        return ("yes" if answer.boolean else "no") + "\n"
    table = answer.table
    if not table.rows:
        return "(no results)\n"
    cells = [[_display(t) for t in row] for row in table.rows]
    widths = [min(width, max([len(name)] + [len(row[i]) for row in cells])) for i, name in enumerate(table.variables)]
    lines = [" | ".join(name.ljust(widths[i]) for i, name in enumerate(table.variables)).rstrip()]
    lines.append("-+-".join("-" * w for w in widths))
    for row in cells:
        wrapped = [textwrap.wrap(cell, widths[i]) or [""] for i, cell in enumerate(row)]
        for line_no in range(max(len(w) for w in wrapped)):
            parts = [(w[line_no] if line_no < len(w) else "").ljust(widths[i]) for i, w in enumerate(wrapped)]
            lines.append(" | ".join(parts).rstrip())
    lines.append(f"({len(table.rows)} rows)")
    return "\n".join(lines) + "\n"


def render_csv(answer: Answer) -> str:
    """SPARQL 1.1 Query Results CSV: plain values, full IRIs."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    if answer.table is None:
        writer.writerow(["answer"])
        writer.writerow(["true" if answer.boolean else "false"])
        return out.getvalue()
    writer.writerow(answer.table.variables)
    for row in answer.table.rows:
        writer.writerow(["" if t is None else (f"_:{t.value}" if t.kind == "bnode" else t.value) for t in row])
    return out.getvalue()


def render_tsv(answer: Answer) -> str:
    """SPARQL 1.1 Query Results TSV: terms in their RDF syntax."""
    if answer.table is None:
        return "?answer\n" + ("true" if answer.boolean else "false") + "\n"
    lines = ["\t".join("?" + v for v in answer.table.variables)]
    for row in answer.table.rows:
        lines.append("\t".join("" if t is None else (f"_:{t.value}" if t.kind == "bnode" else t.n3()) for t in row))
    return "\n".join(lines) + "\n"


def render_json(answer: Answer) -> dict[str, Any]:
    """SPARQL 1.1 Query Results JSON."""
    if answer.table is None:
        return {"head": {}, "boolean": bool(answer.boolean)}
    return answer.table.to_sparql_json()
