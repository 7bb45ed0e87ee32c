"""`cptkg query` and `cptkg info`: questions of the catalogue, and the code card."""

from __future__ import annotations

import json
import sys
from typing import Any

import click

from .. import api
from ..errors import BadInputError
from .failures import handle_errors
from .options import EPILOG, credential_options, engine_for, engine_option, format_option, store_option


@click.command(epilog=EPILOG)
@click.argument("code")
@format_option(["text", "json"], "text for people, json for programs.")
@engine_option("The SPARQL engine to read the graph with.")
@store_option("Read")
@handle_errors
def info(code: str, fmt: str, engine: str, store_dir: str | None) -> None:
    """Show what a coder wants to see about CODE.

    Label, family and base code, extent in anatomical order, techniques, Medicare indicators with their
    meanings, modifiers allowed and not allowed with why, places of service, related services, payers and
    sources. An unknown code is an error that names the nearest known codes (exit 2).

    \b
    Examples:
      cptkg info 44365
      cptkg info G0500 --format json
      cptkg info 99213 --store pfs-store
    """
    card = api.info(code, engine=engine_for(engine, store_dir))
    if fmt == "json":
        click.echo(json.dumps(card, indent=2, ensure_ascii=False, default=str))
    else:
        click.echo(api.render_card(card), nl=False)


@click.command(epilog=EPILOG)
@click.argument("name", required=False)
@click.option(
    "-p",
    "--param",
    "params",
    multiple=True,
    metavar="NAME=VALUE",
    help="A parameter as you would type it: code=44365, segment=jejunum, payer=medicare. Repeatable.",
)
@format_option(["table", "csv", "tsv", "json"], "table for people; csv, tsv or json (SPARQL 1.1 results) for programs.")
@engine_option("The embedded Oxigraph store (cached on disk) or rdflib (the reference).")
@click.option("--allow-service", is_flag=True, help="Let a query call remote endpoints with SERVICE.")
@click.option(
    "--endpoint",
    default=None,
    metavar="URL",
    help="Run on a remote SPARQL endpoint (where `cptkg load` put the graph) instead of an engine here.",
)
@credential_options
@store_option("Query")
@click.option("--list", "list_queries", is_flag=True, help="List the catalogue: each query, its title and parameters.")
@click.option("--help-query", is_flag=True, help="Show the full header of the query NAME.")
@handle_errors
def query(
    name: str | None,
    params: tuple[str, ...],
    fmt: Any,
    engine: str,
    allow_service: bool,
    endpoint: str | None,
    user: str | None,
    password_env: str | None,
    store_dir: str | None,
    list_queries: bool,
    help_query: bool,
) -> None:
    """Answer a question of the query catalogue (or run a query file) on the graph.

    NAME is a catalogue query (see --list) or the path of a .rq file. Parameters are bound as RDF terms,
    never pasted into the query; an unknown value is an error that lists the valid ones (exit 2). Exit 0
    with results, 1 when nothing is found.

    \b
    Examples:
      cptkg query --list
      cptkg query code-card -p code=44365
      cptkg query codes-ending-in -p segment=jejunum --format csv
      cptkg query modifier-rules -p code=44365 -p payer=medicare
      cptkg query my-question.rq -p code=44365 --engine rdflib
    """
    if list_queries:
        for spec in api.catalogue():
            signature = ", ".join(
                f"{p.name}:{p.type}" + ("" if p.required else f"={p.default}" if p.default else "?")
                for p in spec.params
            )
            click.echo(f"{spec.name:<24} {spec.title}" + (f"  ({signature})" if signature else ""))
        return
    if not name:
        raise click.UsageError("give a query NAME or file, or --list")
    if help_query:
        click.echo(api.query_spec(name).header)
        return
    if endpoint and store_dir:
        raise BadInputError("give --endpoint or --store, not both")
    target: Any = engine_for(engine, store_dir)
    if endpoint:
        credentials = api.credentials_from_env(user, password_env)
        target = api.endpoint(
            endpoint, credentials.user if credentials else None, credentials.password if credentials else None
        )
    answer = api.query_answer(name, api.parse_params(params), engine=target, allow_service=allow_service)
    click.echo(api.render_answer(answer, fmt), nl=False)
    found = answer.boolean if answer.table is None else bool(answer.table.rows)
    sys.exit(0 if found else 1)
