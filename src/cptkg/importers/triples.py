"""Triples as N-Triples text, built straight from the CMS fields: an import writes hundreds of thousands of
them, and formatting strings is an order of magnitude cheaper than building rdflib terms."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..namespaces import BASE, PREFIXES

XSD = "http://www.w3.org/2001/XMLSchema#"
RDF_TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"

_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"}


def iri(value: str) -> str:
    return f"<{value}>"


def cptkg(local: str) -> str:
    return f"<{BASE}ontology#{local}>"


def term(prefix: str, local: str) -> str:
    """An IRI of the shared prefix map, e.g. term("skos", "notation")."""
    return f"<{PREFIXES[prefix]}{local}>"


def _quote(text: str) -> str:
    return '"' + "".join(_ESCAPES.get(ch, ch) for ch in text) + '"'


def text(value: str, language: str | None = None) -> str:
    return _quote(value) + (f"@{language}" if language else "")


def typed(lexical: str, datatype: str) -> str:
    return f"{_quote(lexical)}^^<{XSD}{datatype}>"


def boolean(value: bool) -> str:
    return typed("true" if value else "false", "boolean")


@dataclass
class Triples:
    """Triples in the order they were added, grouped by subject for Turtle; duplicates are dropped."""

    subjects: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    count: int = 0

    def add(self, subject: str, predicate: str, obj: str) -> None:
        pairs = self.subjects.setdefault(subject, [])
        pair = (predicate, obj)
        if pair not in pairs:
            pairs.append(pair)
            self.count += 1

    def extend(self, subject: str, pairs: list[tuple[str, str]]) -> None:
        for predicate, obj in pairs:
            self.add(subject, predicate, obj)

    def ntriples(self) -> str:
        return "".join(f"{s} {p} {o} .\n" for s, pairs in self.subjects.items() for p, o in pairs)
