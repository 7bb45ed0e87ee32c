"""`cptkg ingest` and `cptkg audit`: code-overview documents read into claims, and the claims checked."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from .. import api
from .failures import handle_errors
from .options import EPILOG, format_option, out_file_option, write_output


@click.command(epilog=EPILOG)
@click.argument("document", type=click.Path())
@format_option(
    ["trig", "turtle"], "trig: each document's claims in its own named graph; turtle: all claims in one graph."
)
@out_file_option
@handle_errors
def ingest(document: str, fmt: Any, out_file: str | None) -> None:
    """Read a code-overview document (or a folder of them) into source claims.

    Claims: the code and its title, extent words, techniques, service type, sites of service, payers, the
    modifier table rows and the clinical vignette, each with the exact text span it came from and what it
    resolves to in the graph. What cannot be read is a warning with its line (on stderr). An unreadable
    document (binary, empty) is an error (exit 2).

    \b
    Examples:
      cptkg ingest ../shared/sources/cpt-44365-overview.txt
      cptkg ingest overviews/ --format turtle --out claims.ttl
    """
    named = {}
    for parsed, name, graph in api.ingest(Path(document)):
        for warning in parsed.warnings:
            click.echo(f"cptkg: warning: {parsed.path}:{warning.line}: {warning.message}", err=True)
        named[name] = graph
    header = f"Claims read by `cptkg ingest` from {document}; each claim keeps the exact span it came from."
    write_output(api.claims_text(named, fmt, header), out_file)


@click.command(epilog=EPILOG)
@click.argument("document", type=click.Path())
@format_option(
    ["text", "json", "turtle"], "text for people; json (findings) or turtle (the SHACL report) for programs."
)
@handle_errors
def audit(document: str, fmt: str) -> None:
    """Check what a document (or a folder of them) claims against the curated graph.

    Each finding gives the document's words and line, what is wrong, what the graph says with the sources
    behind it, and a severity: a modifier that does not exist or means another is a violation; an extent,
    technique, service type or site of service that contradicts the graph is a warning; a payer, technique
    or site the graph does not know is information. Exit 0 when nothing is at warning level or above, 1
    otherwise, 2 for an unreadable document.

    \b
    Examples:
      cptkg audit ../shared/sources/cpt-44365-overview.txt
      cptkg audit overviews/ --format json
    """
    reports = api.audit(Path(document))
    if fmt == "json":
        body: Any = [r.to_json() for r in reports]
        click.echo(json.dumps(body if len(body) > 1 else body[0], indent=2, ensure_ascii=False))
    elif fmt == "turtle":
        click.echo(api.report_turtle([r.report for r in reports]), nl=False)
    else:
        click.echo(api.render_audit(reports), nl=False)
    sys.exit(0 if all(r.passed for r in reports) else 1)
