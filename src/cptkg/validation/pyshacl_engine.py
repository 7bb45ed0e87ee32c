"""Plain pyshacl: the reference every other engine is measured against."""

from __future__ import annotations

from rdflib import Graph

from ..errors import BadInputError
from .sparql_cache import install


def run_shapes(data: Graph, shapes: Graph) -> tuple[bool, Graph]:
    """pyshacl over the data with the given shapes; no inference: the data carries its own class hierarchy.
    SHACL Advanced Features are on (SPARQL targets, functions, expressions, rules, applied to pyshacl's copy
    of the data, never to the user's): shapes without them are validated exactly as with them off."""
    from pyparsing import ParseException
    from pyshacl import validate as pyshacl_validate

    install()
    try:
        conforms, report, text = pyshacl_validate(
            data, shacl_graph=shapes, inference=None, advanced=True, allow_warnings=True, allow_infos=True
        )
    except ParseException as err:  # rdflib's SPARQL parser on a shape's sh:select or sh:ask
        raise BadInputError(f"the shapes cannot be used: a SPARQL query of theirs does not parse ({err})") from None
    if not isinstance(report, Graph):  # pyshacl reports a broken shapes graph this way
        raise BadInputError(f"the shapes cannot be used: {str(text).strip().splitlines()[-1]}")
    return bool(conforms), report
