"""What every `cptkg` command shares: the exit-code epilog and one-line errors with documented exit codes."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from typing import Any, TypeVar

import click

from .errors import EXIT_ENVIRONMENT, CptkgError

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


def fail(message: str, code: int) -> None:
    click.echo(f"cptkg: error: {message}", err=True)
    sys.exit(code)


def handle_errors(func: F) -> F:
    """One clear line and a documented exit code for every error, unless --debug."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        ctx = click.get_current_context()
        debug = bool(ctx.find_root().params.get("debug"))
        try:
            return func(*args, **kwargs)
        except CptkgError as err:
            if debug:
                raise
            fail(str(err), err.exit_code)
        except KeyboardInterrupt:
            fail("interrupted", 130)
        except OSError as err:
            if debug:
                raise
            fail(f"{err.strerror or err} ({err.filename})" if err.filename else str(err), EXIT_ENVIRONMENT)
        except Exception as err:  # a bug: still one line, with the way to see more
            if debug:
                raise
            fail(f"unexpected {type(err).__name__}: {err} (run with --debug for the traceback)", EXIT_ENVIRONMENT)

    return wrapper  # type: ignore[return-value]
