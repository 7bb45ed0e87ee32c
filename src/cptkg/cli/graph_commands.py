"""`cptkg build`, `cptkg export` and `cptkg diagram`: the graph written out for other tools and people."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from .. import api
from .failures import handle_errors
from .options import EPILOG, format_option, out_file_option, progress_printer, write_output


@click.command(epilog=EPILOG)
@click.option(
    "--out",
    "out_dir",
    default="dist",
    show_default=True,
    type=click.Path(file_okay=False),
    help="Folder to write the products to; replaced only when the build succeeds.",
)
@click.option(
    "--sources",
    type=click.Path(exists=True, file_okay=False),
    default=None,
    help="An ontology/ folder to build from instead of the packaged one.",
)
@handle_errors
def build(out_dir: str, sources: str | None) -> None:
    """Build the release products: merged, inferred, N-Triples, TriG, N-Quads and JSON-LD.

    \b
    Examples:
      cptkg build
      cptkg build --out /tmp/cptkg-dist
    """
    result = api.build(out_dir, sources=Path(sources) if sources else None, progress=progress_printer())
    click.echo(
        f"built {result.out_dir}: {result.asserted_triples} asserted triples, "
        f"{result.inferred_triples} with the OWL RL closure, {result.graphs} named graphs"
    )
    for name in sorted(result.files):
        click.echo(f"  {name}")


@click.command(epilog=EPILOG)
@format_option(
    api.EXPORT_FORMATS,
    "sssom: every mapping merged; fhir-conceptmap: a FHIR R4 Bundle of ConceptMaps; "
    "fhir-codesystem: the project's own concepts; nq: N-Quads for bulk loaders.",
    required=True,
)
@out_file_option
@handle_errors
def export(fmt: Any, out_file: str | None) -> None:
    """Export the mappings (SSSOM, FHIR) or the graph (N-Quads, one named graph per source file).

    \b
    Examples:
      cptkg export --format sssom --out cptkg.sssom.tsv
      cptkg export --format fhir-conceptmap --out conceptmaps.json
      cptkg export --format nq --out cptkg.nq
    """
    write_output(api.export(fmt), out_file)


@click.command(epilog=EPILOG)
@format_option(["svg", "dot"], "svg needs Graphviz `dot`; dot is the Graphviz source.")
@out_file_option
@handle_errors
def diagram(fmt: Any, out_file: str | None) -> None:
    """Draw the model from the graph: the classes the data links, and by which properties.

    \b
    Examples:
      cptkg diagram --out docs/model.svg
      cptkg diagram --format dot
    """
    write_output(api.diagram(fmt), out_file)
