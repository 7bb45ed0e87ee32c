"""`cptkg import pfs|hcpcs|pos`: the public CMS files into triples, a file or the on-disk store."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click

from .. import api
from ..errors import BadInputError
from ..importers.common import ImportResult
from .failures import handle_errors
from .options import EPILOG

SHOWN_SKIPS = 20


def output_options(func: Callable[..., Any]) -> Callable[..., Any]:
    for option in reversed(
        [
            click.option(
                "--on-error",
                type=click.Choice(["fail", "skip"]),
                default="fail",
                show_default=True,
                help="A malformed row stops the import (nothing is written), or is left out and reported.",
            ),
            click.option(
                "--format",
                "fmt",
                type=click.Choice(["ttl", "nt"]),
                default=None,
                help="Output format (default: from the --out suffix; Turtle otherwise).",
            ),
            click.option("--out", "out_file", type=click.Path(dir_okay=False), default=None, help="File to write."),
            click.option(
                "--store",
                "store_dir",
                type=click.Path(file_okay=False),
                default=None,
                help="On-disk store to load into (created if need be), beside the shipped graph; "
                "query it with `cptkg query NAME --store DIR`.",
            ),
        ]
    ):
        func = option(func)
    return func


@contextmanager
def progress_bar(label: str) -> Iterator[Callable[[int, int], None] | None]:
    """A progress bar on a terminal (lines read of the file's lines); nothing when output is redirected.

    The importer says how far it is and how many lines the file has, which it knows from the one read of the
    file it makes: the bar costs no second read."""
    if not sys.stderr.isatty():
        yield None
        return
    bars: list[Any] = []

    def update(done: int, total: int) -> None:
        if not bars:
            bars.append(click.progressbar(length=total, label=label, file=sys.stderr).__enter__())
        bar = bars[0]
        bar.update(max(0, done - bar.pos))

    try:
        yield update
    finally:
        if bars:
            bars[0].__exit__(None, None, None)


def finish(result: ImportResult, out_file: str | None, store_dir: str | None, fmt: Any) -> None:
    """Write the import where asked and say what happened; skipped rows are warnings with their lines."""
    for error in result.skipped[:SHOWN_SKIPS]:
        click.echo(f"cptkg: warning: skipped {error}", err=True)
    if len(result.skipped) > SHOWN_SKIPS:
        click.echo(f"cptkg: warning: ... and {len(result.skipped) - SHOWN_SKIPS} more rows skipped", err=True)
    where = api.write_import(result, Path(out_file) if out_file else None, Path(store_dir) if store_dir else None, fmt)
    skipped = f"; {len(result.skipped)} malformed rows skipped" if result.skipped else ""
    click.echo(f"imported {result.summary} ({result.triples.count} triples) into {where}{skipped}")


def check_target(out_file: str | None, store_dir: str | None) -> None:
    if bool(out_file) == bool(store_dir):
        raise BadInputError("give one of --out FILE or --store DIR")


@click.group("import", epilog=EPILOG)
def import_group() -> None:
    """Import the public CMS files: the physician fee schedule, HCPCS Level II, places of service.

    Each writes Turtle or N-Triples (--out, whole or not at all) or loads the on-disk store (--store).
    A malformed row is reported with its line; --on-error chooses whether it stops the import.
    """


@import_group.command("pfs", epilog=EPILOG)
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--year", type=int, required=True, help="The fee schedule's year, e.g. 2025.")
@click.option("--release", "release", required=True, help="The release, e.g. october (file PPRRVU2025_Oct).")
@click.option(
    "--include-descriptions",
    is_flag=True,
    help="Keep the DESCRIPTION column (AMA text for CPT codes, ADA text for dental codes): only for your own "
    "licensed copy; never ship it.",
)
@output_options
@handle_errors
def import_pfs_command(
    file: str,
    year: int,
    release: str,
    include_descriptions: bool,
    on_error: Any,
    fmt: str | None,
    out_file: str | None,
    store_dir: str | None,
) -> None:
    """The Medicare Physician Fee Schedule relative value file (PPRRVU): one entry per row.

    \b
    Examples:
      cptkg import pfs PPRRVU2025_Oct.csv --year 2025 --release october --out pfs-2025.nt
      cptkg import pfs PPRRVU2025_Oct.csv --year 2025 --release october --store pfs-store
      cptkg query fee-schedule -p code=99213 -p year=2025 --store pfs-store
    """
    check_target(out_file, store_dir)
    with progress_bar("reading the fee schedule") as progress:
        result = api.import_pfs(Path(file), year, release.lower(), include_descriptions, on_error, progress)
    finish(result, out_file, store_dir, fmt)


@import_group.command("hcpcs", epilog=EPILOG)
@click.argument("file", type=click.Path(dir_okay=False))
@output_options
@handle_errors
def import_hcpcs_command(
    file: str, on_error: Any, fmt: str | None, out_file: str | None, store_dir: str | None
) -> None:
    """HCPCS Level II codes and modifiers (CMS file: hcpcs, seqnum, recid, long and short description).

    \b
    Examples:
      cptkg import hcpcs hcpcs_level_2_2022.csv --out hcpcs.ttl
    """
    check_target(out_file, store_dir)
    with progress_bar("reading HCPCS Level II") as progress:
        result = api.import_hcpcs(Path(file), on_error, progress)
    finish(result, out_file, store_dir, fmt)


@import_group.command("pos", epilog=EPILOG)
@click.argument("file", type=click.Path(dir_okay=False))
@output_options
@handle_errors
def import_pos_command(file: str, on_error: Any, fmt: str | None, out_file: str | None, store_dir: str | None) -> None:
    """The CMS place-of-service list (code, description).

    \b
    Examples:
      cptkg import pos place_of_service.csv --out pos.ttl
    """
    check_target(out_file, store_dir)
    result = api.import_pos(Path(file), on_error)
    finish(result, out_file, store_dir, fmt)
