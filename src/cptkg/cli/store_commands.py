"""`cptkg serve` and `cptkg load`: the graph served over SPARQL here, or uploaded to a triple store."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .. import api
from ..errors import EnvironmentProblem
from .failures import handle_errors
from .options import EPILOG, credential_options, progress_printer, store_option


@click.command(epilog=EPILOG)
@click.option("--port", type=int, default=7878, show_default=True)
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on; anything but loopback exposes the endpoint to other machines.",
)
@store_option("Serve")
@handle_errors
def serve(port: int, host: str, store_dir: str | None) -> None:
    """Serve the graph read-only over SPARQL with the Oxigraph server, until Ctrl-C.

    One named graph per source file (and per import with --store), and their union as the default graph.
    Needs the Oxigraph server (pip install 'cptkg[server]').

    \b
    Examples:
      cptkg serve
      cptkg serve --port 8080
      cptkg serve --store pfs-store
    """
    status = api.serve(host, port, say=click.echo, store=Path(store_dir) if store_dir else None)
    if status not in (0, -2, -15, 130, 143):
        raise EnvironmentProblem(f"the Oxigraph server stopped with status {status} (is port {port} free?)")


@click.command(epilog=EPILOG)
@click.option("--endpoint", required=True, metavar="URL", help="The SPARQL query endpoint, to count what arrived.")
@click.option(
    "--graph-store",
    default=None,
    metavar="URL",
    help="The Graph Store Protocol endpoint (default: .../store beside the query endpoint, as Oxigraph "
    "has it; Virtuoso: http://HOST:8890/sparql-graph-crud-auth).",
)
@credential_options
@click.option("--replace", is_flag=True, help="Replace this project's graphs (only those) instead of adding to them.")
@click.option("--timeout", type=float, default=60.0, show_default=True, help="Seconds to wait for each request.")
@handle_errors
def load(
    endpoint: str, graph_store: str | None, user: str | None, password_env: str | None, replace: bool, timeout: float
) -> None:
    """Upload the graph to a triple store, one named graph per source file, and check the counts.

    Each graph is sent with the SPARQL 1.1 Graph Store Protocol, then counted on the server; a count that
    differs from what was sent fails the load (exit 1). Timeouts, HTTP and authentication errors and
    unreachable hosts exit 3; graphs are sent one by one, so a failure leaves the others as they were.

    \b
    Examples:
      cptkg load --endpoint http://127.0.0.1:7878/query --replace
      DBA_PASSWORD=... cptkg load --endpoint http://127.0.0.1:8890/sparql \\
          --graph-store http://127.0.0.1:8890/sparql-graph-crud-auth --user dba --password-env DBA_PASSWORD --replace
    """
    credentials = api.credentials_from_env(user, password_env)
    results = api.upload(
        endpoint,
        graph_store,
        credentials.user if credentials else None,
        credentials.password if credentials else None,
        replace,
        timeout,
        progress=progress_printer(),
    )
    for result in results:
        mark = "ok" if result.ok else "COUNT DIFFERS"
        click.echo(f"{result.found:>6} of {result.sent:>6} triples  {result.graph}  {mark}")
    bad = [r for r in results if not r.ok]
    if bad:
        click.echo(
            f"cptkg: error: {len(bad)} graphs hold other counts than were sent"
            + ("" if replace else " (they held triples before: use --replace)"),
            err=True,
        )
        sys.exit(1)
    click.echo(f"loaded {sum(r.sent for r in results)} triples in {len(results)} graphs")
