"""The `cptkg` command line: a thin click layer over cptkg.api, one module per command group.

Exit codes: 0 ok (or conforms), 1 does not conform or nothing found, 2 bad input or usage, 3 environment
error. Errors are one line on stderr; --debug shows the traceback instead.
"""

from __future__ import annotations

import signal

import click

from ..version import __version__
from .document_commands import audit, ingest
from .failures import OneLineUsageErrors
from .graph_commands import build, diagram, export
from .import_commands import import_group
from .link_commands import links
from .options import EPILOG
from .query_commands import info, query
from .store_commands import load, serve
from .validation_commands import validate


@click.group(cls=OneLineUsageErrors, epilog=EPILOG, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "-V", "--version", prog_name="cptkg")
@click.option("--debug", is_flag=True, help="Show tracebacks instead of one-line errors.")
def main(debug: bool) -> None:
    """cptkg: the knowledge graph of CPT 44365 and its code family.

    \b
    Examples:
      cptkg info 44365              the code card of 44365
      cptkg info 44365 --format json
      cptkg build --out dist        write the release products
    """
    # a terminated cptkg cleans up as after Ctrl-C: no half-written file or store is left beside the target
    signal.signal(signal.SIGTERM, _interrupt)


def _interrupt(_signum: int, _frame: object) -> None:
    raise KeyboardInterrupt


for command in (build, info, validate, ingest, audit, serve, load, links, export, query, diagram, import_group):
    main.add_command(command)

__all__ = ["main"]
