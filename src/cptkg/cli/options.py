"""What the commands share: the exit-code epilog, option factories (--out, --store, --format, --engine, the
endpoint's --user and --password-env), progress for a terminal, and writing output whole or not at all."""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

import click

from .. import api

F = TypeVar("F", bound=Callable[..., Any])

EPILOG = "Exit codes: 0 ok, 1 does not conform or nothing found, 2 bad input or usage, 3 environment error."


out_file_option = click.option(
    "--out",
    "out_file",
    type=click.Path(dir_okay=False),
    default=None,
    help="File to write (whole or not at all); standard output when absent.",
)


def store_option(verb: str) -> Callable[[F], F]:
    """--store DIR: a store that `cptkg import --store` filled, which the command reads (verb: Read, Serve...)."""
    return click.option(
        "--store",
        "store_dir",
        default=None,
        metavar="DIR",
        help=f"{verb} an on-disk store made by `cptkg import ... --store DIR` (the shipped graph and the imports).",
    )


def format_option(
    choices: Sequence[str], help: str, default: str | None = None, required: bool = False
) -> Callable[[F], F]:
    """--format with its choices; the first is the default unless one is given or the option is required."""
    chosen = None if required else (default or choices[0])
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(list(choices)),
        default=chosen,
        required=required,
        show_default=chosen is not None,
        help=help,
    )


def engine_option(help: str) -> Callable[[F], F]:
    """--engine for the SPARQL engines (the embedded Oxigraph store, or rdflib)."""
    return click.option(
        "--engine",
        type=click.Choice(["oxigraph", "rdflib"]),
        default="oxigraph",
        show_default=True,
        help=help,
    )


def credential_options(func: F) -> F:
    """--user and --password-env: who to be at an endpoint; the password only ever from the environment."""
    func = click.option(
        "--password-env",
        default=None,
        metavar="VAR",
        help="Name of the environment variable that holds the password (never on the command line).",
    )(func)
    return click.option("--user", default=None, help="User for the endpoint.")(func)


def progress_printer() -> Callable[[str], None] | None:
    """Progress lines on a terminal; nothing when stderr is redirected."""
    if not sys.stderr.isatty():
        return None
    return lambda message: click.echo(f"cptkg: {message} ...", err=True)


def write_output(text: str, out_file: str | None) -> None:
    """To the file (written beside it and renamed into place) or to standard output."""
    if out_file:
        from ..fileio import write_text_atomic

        write_text_atomic(Path(out_file), text)
    else:
        click.echo(text, nl=False)


def engine_for(engine: str, store_dir: str | None) -> Any:
    """The engine a command reads with: an import store when --store is given, else the named engine."""
    return api.store_engine(store_dir) if store_dir else engine
