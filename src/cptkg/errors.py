"""Errors the library raises, each with the CLI exit code it maps to and a one-line message."""

from __future__ import annotations

# Exit codes, documented in the README and in `cptkg --help`.
EXIT_OK = 0
EXIT_NOT_FOUND = 1  # does not conform, nothing found, findings at warning level or above
EXIT_BAD_INPUT = 2  # bad input or usage
EXIT_ENVIRONMENT = 3  # environment error: a missing tool, an unreachable endpoint, a disk error


class CptkgError(Exception):
    """Base class: str(error) is the one line shown to the user."""

    exit_code = EXIT_BAD_INPUT


class BadInputError(CptkgError):
    exit_code = EXIT_BAD_INPUT


class SourceSyntaxError(BadInputError):
    """An RDF file that does not parse; carries the file, line and column."""

    def __init__(self, path: str, line: int | None, column: int | None, detail: str) -> None:
        self.path = path
        self.line = line
        self.column = column
        self.detail = detail
        where = path
        if line is not None:
            where += f":{line}"
            if column is not None:
                where += f":{column}"
        super().__init__(f"{where}: syntax error: {detail}")


class UnknownCodeError(BadInputError):
    def __init__(self, code: str, suggestions: list[str]) -> None:
        self.code = code
        self.suggestions = suggestions
        hint = f"; nearest known codes: {', '.join(suggestions)}" if suggestions else ""
        super().__init__(f"unknown code {code!r}{hint}")


class EnvironmentProblem(CptkgError):
    exit_code = EXIT_ENVIRONMENT
