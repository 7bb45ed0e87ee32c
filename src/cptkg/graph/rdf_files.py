"""Reading RDF files: the one place that parses a source or a user's file and turns a parser's complaint into
one SourceSyntaxError naming the file, line and column.

Turtle, N-Triples, N-Quads and TriG are read by Oxigraph's strict parser (lexical forms kept as written);
JSON-LD and RDF/XML by rdflib, with remote JSON-LD contexts refused so that reading a file never reaches the
network.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, Literal

import pyoxigraph as ox
from rdflib import Graph

from ..errors import BadInputError, SourceSyntaxError
from ..sparql.terms import oxigraph_to_rdflib

RdfFormat = Literal["turtle", "nt", "nq", "trig", "json-ld", "xml"]

SUFFIX_FORMATS: dict[str, RdfFormat] = {
    ".ttl": "turtle",
    ".turtle": "turtle",
    ".nt": "nt",
    ".ntriples": "nt",
    ".nq": "nq",
    ".trig": "trig",
    ".jsonld": "json-ld",
    ".json": "json-ld",
    ".rdf": "xml",
    ".owl": "xml",
    ".xml": "xml",
}
# the formats Oxigraph parses; the others go through rdflib
OXIGRAPH_FORMATS: dict[str, ox.RdfFormat] = {
    "turtle": ox.RdfFormat.TURTLE,
    "nt": ox.RdfFormat.N_TRIPLES,
    "nq": ox.RdfFormat.N_QUADS,
    "trig": ox.RdfFormat.TRIG,
}
# the formats a user's data file may have (a dataset format would lose its graph names in one graph)
DATA_FORMATS = ("turtle", "nt", "json-ld", "xml")

_OX_LOCATION = re.compile(
    r"^Parser error (?:between line \d+ column \d+ and line \d+ column \d+"
    r"|at line \d+ between columns \d+ and \d+|at line \d+ column \d+)?:?\s*"
)
_OX_TAIL = re.compile(r"\s*\([^()]*, line \d+\)\s*$")


def syntax_error(path: Path, err: SyntaxError) -> SourceSyntaxError:
    """Oxigraph's SyntaxError as one line: the file, line and column, and the parser's reason."""
    message = _OX_TAIL.sub("", _OX_LOCATION.sub("", str(err))) or str(err)
    return SourceSyntaxError(str(path), err.lineno, err.offset, message)


def not_text(path: Path, err: UnicodeDecodeError) -> SourceSyntaxError:
    return SourceSyntaxError(str(path), None, None, f"not UTF-8 text ({err.reason})")


def format_of(path: Path) -> RdfFormat:
    """The RDF format a user's file is in, by its suffix; a missing file or an unknown suffix is bad input."""
    if not path.is_file():
        raise BadInputError(f"{path}: no such file")
    fmt = SUFFIX_FORMATS.get(path.suffix.lower())
    if fmt is None or fmt not in DATA_FORMATS:
        raise BadInputError(f"{path}: unknown RDF format (use .ttl, .nt, .jsonld or .rdf)")
    return fmt


def parse_strict(path: Path, fmt: str = "turtle", base_iri: str | None = None) -> list[Any]:
    """Every triple (or quad) of a Turtle, N-Triples, N-Quads or TriG file, parsed strictly by Oxigraph."""
    return parse_with_prefixes(path, fmt, base_iri)[0]


def parse_with_prefixes(
    path: Path, fmt: str = "turtle", base_iri: str | None = None
) -> tuple[list[Any], dict[str, str]]:
    """Every triple of the file, parsed strictly by Oxigraph, and the prefixes the file declares (rdflib binds
    them in the graph it reads, and SPARQL constraints run on that graph may use them)."""
    try:
        parser = ox.parse(path=str(path), format=OXIGRAPH_FORMATS[fmt], base_iri=base_iri)
        triples = list(parser)
    except SyntaxError as err:
        raise syntax_error(path, err) from None
    except UnicodeDecodeError as err:
        raise not_text(path, err) from None
    return triples, dict(parser.prefixes)


def oxigraph_triples(path: Path, fmt: str = "turtle", base_iri: str | None = None) -> Iterator[Any]:
    """The triples (or quads) of a file as Oxigraph parses them, one at a time; errors name file, line, column."""
    try:
        yield from ox.parse(path=str(path), format=OXIGRAPH_FORMATS[fmt], base_iri=base_iri)
    except SyntaxError as err:
        raise syntax_error(path, err) from None
    except UnicodeDecodeError as err:
        raise not_text(path, err) from None


Parser = Literal["rdflib", "oxigraph"]


def read_rdf_file(path: Path, into: Graph | None = None, parser: Parser = "rdflib") -> Graph:
    """A user's RDF file (Turtle, N-Triples, JSON-LD, RDF/XML) added to an rdflib graph, parsed once.

    parser "oxigraph" reads Turtle and N-Triples once, with Oxigraph's parser, and hands the terms to rdflib,
    several times faster than rdflib's parsers (Oxigraph writes language tags in lower case); "rdflib" checks
    them with the strict parser and then reads them with rdflib's own, the terms exactly as pyshacl reads them
    (the reference engine's way). Either way a syntax error is Oxigraph's precise one (file, line, column)
    and relative IRIs resolve against the file's own URI.
    """
    graph = into if into is not None else Graph()
    fmt = format_of(path)
    if fmt in OXIGRAPH_FORMATS and parser == "oxigraph":
        add_to_rdflib(oxigraph_triples(path, fmt, path.resolve().as_uri()), graph)
        return graph
    try:
        if fmt in OXIGRAPH_FORMATS:
            # the strict parser first, so both parsers refuse the same files (rdflib accepts some that
            # Oxigraph does not) and a syntax error names its line and column
            for _triple in oxigraph_triples(path, fmt, path.resolve().as_uri()):
                pass
            graph.parse(path, format=fmt)
        elif fmt == "json-ld":
            text = path.read_text(encoding="utf-8")
            try:
                document = json.loads(text)
            except json.JSONDecodeError as err:
                raise SourceSyntaxError(str(path), err.lineno, err.colno, err.msg) from None
            refuse_remote_contexts(path, document)
            graph.parse(data=text, format="json-ld", base=path.resolve().as_uri())
        else:
            graph.parse(path, format=fmt)
    except (SourceSyntaxError, BadInputError):
        raise
    except UnicodeDecodeError as err:
        raise not_text(path, err) from None
    except Exception as err:  # the parsers raise many kinds; the user needs the file and the reason
        line = getattr(err, "lineno", None) or getattr(err, "line", None)
        raise SourceSyntaxError(
            str(path),
            line if isinstance(line, int) else None,
            None,
            str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__,
        ) from None
    return graph


def add_to_rdflib(triples: Iterable[Any], graph: Graph) -> None:
    """Oxigraph triples added to an rdflib graph, each distinct term converted once."""
    converted: dict[Any, Any] = {}

    def term(node: Any) -> Any:
        found = converted.get(node)
        if found is None:
            found = converted[node] = oxigraph_to_rdflib(node)
        return found

    add = graph.add
    for triple in triples:
        add((term(triple.subject), term(triple.predicate), term(triple.object)))


def refuse_remote_contexts(path: Path, document: Any) -> None:
    """A JSON-LD @context given by URL would be fetched from the network: refuse it, with what to do."""
    stack = [document]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            context = item.get("@context")
            contexts = context if isinstance(context, list) else [context]
            for entry in contexts:
                if isinstance(entry, str):
                    raise BadInputError(
                        f"{path}: remote JSON-LD context {entry!r} is not fetched; inline the context "
                        "(cptkg's is dist/cptkg.context.jsonld)"
                    )
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
