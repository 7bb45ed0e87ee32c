"""A small engine-neutral RDF term, so results from Oxigraph, rdflib and remote endpoints compare by value."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any, NamedTuple

import pyoxigraph as _ox

XSD = "http://www.w3.org/2001/XMLSchema#"
RDF_LANGSTRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"

_INTEGER_TYPES = {
    XSD + name
    for name in (
        "integer",
        "int",
        "long",
        "short",
        "byte",
        "nonNegativeInteger",
        "positiveInteger",
        "negativeInteger",
        "nonPositiveInteger",
        "unsignedInt",
        "unsignedLong",
        "unsignedShort",
        "unsignedByte",
    )
}


class Term(NamedTuple):
    """An RDF term; a tuple, so that building many of them from query results stays cheap."""

    kind: str  # "iri", "literal" or "bnode"
    value: str
    datatype: str | None = None
    language: str | None = None

    @staticmethod
    def iri(value: str) -> Term:
        return Term("iri", value)

    @staticmethod
    def literal(value: str, datatype: str | None = None, language: str | None = None) -> Term:
        if language:
            return Term("literal", value, RDF_LANGSTRING, language.lower())
        return Term("literal", value, datatype or XSD + "string")

    def python(self) -> Any:
        """The plain Python value: str for IRIs and strings, int, Decimal, float or bool for typed literals."""
        if self.kind != "literal":
            return self.value
        datatype = self.datatype or ""
        try:
            if datatype in _INTEGER_TYPES:
                return int(self.value)
            if datatype == XSD + "decimal":
                return Decimal(self.value)
            if datatype in (XSD + "double", XSD + "float"):
                return float(self.value)
            if datatype == XSD + "boolean":
                return self.value.strip() in ("true", "1")
        except (ValueError, InvalidOperation):
            return self.value
        return self.value

    def comparable(self) -> tuple[str, Any, str]:
        """A key equal for terms equal in value, whatever lexical form or engine produced them."""
        if self.kind == "literal":
            value = self.python()
            if isinstance(value, (int, Decimal, float)) and not isinstance(value, bool):
                value = Decimal(str(value)).normalize()
            datatype = self.datatype or ""
            if datatype in _INTEGER_TYPES or datatype in (XSD + "decimal", XSD + "double", XSD + "float"):
                datatype = "numeric"
            return ("literal", value, f"{datatype}@{self.language or ''}")
        return (self.kind, self.value, "")

    def n3(self) -> str:
        """N-Triples syntax, safe to place in a query's VALUES block."""
        if self.kind == "iri":
            if any(c in self.value for c in '<>"{}|^`\\ \n\r\t'):
                raise ValueError(f"not a valid IRI: {self.value!r}")
            return f"<{self.value}>"
        if self.kind == "bnode":
            raise ValueError("blank nodes cannot be bound as parameters")
        escaped = self.value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
        if self.language:
            return f'"{escaped}"@{self.language}'
        if self.datatype and self.datatype != XSD + "string":
            return f'"{escaped}"^^<{self.datatype}>'
        return f'"{escaped}"'

    def __str__(self) -> str:
        return self.value


def from_oxigraph(term: Any) -> Term | None:
    kind = type(term)
    if kind is _ox.NamedNode:
        return Term("iri", term.value)
    if kind is _ox.Literal:
        language = term.language
        if language:
            return Term("literal", term.value, RDF_LANGSTRING, language.lower())
        return Term("literal", term.value, term.datatype.value)
    if term is None:
        return None
    if kind is _ox.BlankNode:
        return Term("bnode", term.value)
    raise TypeError(f"unsupported term {term!r}")


def to_oxigraph(term: Term) -> Any:
    if term.kind == "iri":
        return _ox.NamedNode(term.value)
    if term.kind == "bnode":
        return _ox.BlankNode(term.value)
    if term.language:
        return _ox.Literal(term.value, language=term.language)
    return _ox.Literal(term.value, datatype=_ox.NamedNode(term.datatype or XSD + "string"))


def from_rdflib(term: Any) -> Term | None:
    from rdflib import BNode, Literal, URIRef

    if term is None:
        return None
    if isinstance(term, URIRef):
        return Term.iri(str(term))
    if isinstance(term, BNode):
        return Term("bnode", str(term))
    if isinstance(term, Literal):
        return Term.literal(str(term), str(term.datatype) if term.datatype else None, term.language)
    raise TypeError(f"unsupported term {term!r}")


def to_rdflib(term: Term) -> Any:
    from rdflib import BNode, Literal, URIRef

    if term.kind == "iri":
        return URIRef(term.value)
    if term.kind == "bnode":
        return BNode(term.value)
    if term.language:
        return Literal(term.value, lang=term.language)
    if term.datatype and term.datatype != XSD + "string":
        return Literal(term.value, datatype=URIRef(term.datatype))
    return Literal(term.value)


def from_sparql_json(binding: dict[str, Any] | None) -> Term | None:
    """A term from one binding of SPARQL 1.1 Query Results JSON (also Virtuoso's old 'typed-literal')."""
    if binding is None:
        return None
    kind = binding.get("type")
    value = binding.get("value", "")
    if kind == "uri":
        return Term.iri(value)
    if kind == "bnode":
        return Term("bnode", value)
    language = binding.get("xml:lang")
    return Term.literal(value, binding.get("datatype"), language)


def to_sparql_json(term: Term) -> dict[str, str]:
    if term.kind == "iri":
        return {"type": "uri", "value": term.value}
    if term.kind == "bnode":
        return {"type": "bnode", "value": term.value}
    out = {"type": "literal", "value": term.value}
    if term.language:
        out["xml:lang"] = term.language
    elif term.datatype and term.datatype != XSD + "string":
        out["datatype"] = term.datatype
    return out


def oxigraph_to_rdflib(term: Any) -> Any:
    """Straight from Oxigraph to rdflib, not through Term: the validation runs this for every quad of the data."""
    from rdflib import BNode, Literal, URIRef

    if isinstance(term, _ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, _ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, _ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        if term.datatype.value == XSD + "string":
            return Literal(term.value)
        return Literal(term.value, datatype=URIRef(term.datatype.value))
    raise TypeError(f"not an RDF term: {term!r}")
