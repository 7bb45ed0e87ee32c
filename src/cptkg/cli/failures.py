"""Errors at the command line: one clear line and a documented exit code for each, never a traceback unless
--debug; click's own usage errors too."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from typing import Any, NoReturn, TypeVar

import click

from ..errors import EXIT_BAD_INPUT, EXIT_ENVIRONMENT, CptkgError

F = TypeVar("F", bound=Callable[..., Any])


def fail(message: str, code: int) -> NoReturn:
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


class OneLineUsageErrors(click.Group):
    """click's own usage errors (a bad option value, a missing argument) as one line like every other error,
    exit 2, instead of its three lines of usage, hint and error."""

    def main(  # type: ignore[override]
        self, args: Any = None, prog_name: str | None = None, standalone_mode: bool = True, **extra: Any
    ) -> Any:
        if not standalone_mode:
            return super().main(args, prog_name, standalone_mode=False, **extra)
        try:
            outcome = super().main(args, prog_name, standalone_mode=False, **extra)
        except click.UsageError as err:
            where = err.ctx.command_path if err.ctx is not None else "cptkg"
            fail(f"{err.format_message()} (see {where} --help)", EXIT_BAD_INPUT)
        except click.ClickException as err:
            err.show()
            sys.exit(err.exit_code)
        except click.Abort:
            fail("aborted", 1)
        # without standalone mode click returns the code of a ctx.exit (e.g. after --help) instead of exiting
        sys.exit(outcome if isinstance(outcome, int) else 0)
