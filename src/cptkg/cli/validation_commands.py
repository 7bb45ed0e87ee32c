"""`cptkg validate`: the shipped graph, and the user's files with it, against the SHACL shapes."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from .. import api
from .failures import handle_errors
from .options import EPILOG, format_option


@click.command(epilog=EPILOG)
@click.option(
    "--data",
    "data_files",
    multiple=True,
    type=click.Path(dir_okay=False),
    help="Your own RDF file (Turtle, N-Triples, JSON-LD), checked with the shipped graph. Repeatable.",
)
@click.option(
    "--shapes",
    "shape_files",
    multiple=True,
    type=click.Path(dir_okay=False),
    help="Your own SHACL shapes, run with the shipped ones. Repeatable.",
)
@format_option(
    ["text", "json", "turtle"],
    "text for people; json (results grouped data) or turtle (the standard SHACL report) for programs.",
)
@click.option("--no-audit", is_flag=True, help="Skip the audit of source claims.")
@click.option(
    "--no-shipped",
    is_flag=True,
    help="Leave out the shipped graph and shapes: your --data against your --shapes alone.",
)
@click.option(
    "--explain", is_flag=True, help="Say for each shape which path checked it (bulk or plain pyshacl) and why."
)
@click.option("--qa", is_flag=True, help="Run the build-only ontology QA shapes instead (needs a checkout).")
@click.option(
    "--engine",
    type=click.Choice(["bulk", "pyshacl"]),
    default="bulk",
    show_default=True,
    help="bulk: find candidates on the embedded store and let pyshacl confirm them (same results, fast on "
    "large data); pyshacl: plain pyshacl over every node (the reference).",
)
@handle_errors
def validate(
    data_files: tuple[str, ...],
    shape_files: tuple[str, ...],
    fmt: str,
    no_audit: bool,
    no_shipped: bool,
    explain: bool,
    qa: bool,
    engine: Any,
) -> None:
    """Check the shipped graph, and your files with it, against the SHACL shapes.

    The shipped graph conforms. Results are grouped by shape with the label and code of each focus node.
    The audit of source claims (such as a document's modifier table) is reported but never decides
    conformance. Exit 0 conforms, 1 violations, 2 bad input (an unparseable file: file, line, column),
    3 environment error.

    \b
    Examples:
      cptkg validate
      cptkg validate --data my-payer-rules.ttl
      cptkg validate --data codes.jsonld --shapes my-shapes.ttl --format json
      cptkg validate --data pfs-2025.nt      (a whole imported fee schedule, in seconds)
      cptkg validate --data d.ttl --shapes s.ttl --no-shipped --explain
    """
    if qa:
        report = api.validate_qa()
    else:
        report = api.validate(
            data=[Path(p) for p in data_files],
            shapes=[Path(p) for p in shape_files],
            audit=not no_audit,
            engine=engine,
            shipped=not no_shipped,
        )
    if fmt == "json":
        click.echo(json.dumps(report.to_json(), indent=2, ensure_ascii=False))
    elif fmt == "turtle":
        click.echo(api.report_turtle([report.report_graph]), nl=False)
    else:
        click.echo(api.render_report(report), nl=False)
    if explain:
        # on stderr, so that a json or turtle report on stdout stays a document of its own
        for note in report.engine_notes:
            click.echo(f"engine: {note.shape}: {note.path}: {note.reason}", err=True)
    sys.exit(0 if report.conforms else 1)
