"""The code card's raw material: the rows of the catalogue's code-card query gathered into nodes, each with its
facts (a value with its label, notation, meaning and order)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from rdflib.namespace import PROV, SKOS

from ..namespaces import CPTKG
from ..sparql.terms import Term
from ..stores.engines import Engine
from .catalogue import load_query

C = str(CPTKG)
SKOS_NS = str(SKOS)
DERIVED_FROM = str(PROV.wasDerivedFrom)


@dataclass
class Fact:
    value: Term
    label: str | None
    notation: str | None
    meaning: str | None
    facility: bool | None
    position: int | None

    @property
    def text(self) -> str:
        return self.notation or self.label or plain_text(self.value)


@dataclass
class Node:
    iri: str
    types: set[str] = field(default_factory=set)
    props: dict[str, list[Fact]] = field(default_factory=lambda: defaultdict(list))

    def all(self, prop: str) -> list[Fact]:
        return self.props.get(C + prop, []) if not prop.startswith("http") else self.props.get(prop, [])

    def one(self, prop: str) -> Fact | None:
        facts = self.all(prop)
        return facts[0] if facts else None

    def text(self, prop: str) -> str | None:
        fact = self.one(prop)
        return fact.text if fact else None

    def label(self, prop: str) -> str | None:
        fact = self.one(prop)
        return fact.label if fact else None

    def notation(self, prop: str) -> str | None:
        fact = self.one(prop)
        return fact.notation if fact else None

    def meaning(self, prop: str) -> str | None:
        fact = self.one(prop)
        return fact.meaning if fact else None

    def py(self, prop: str) -> Any:
        """The plain Python value of a literal-valued property (None when absent)."""
        fact = self.one(prop)
        return fact.value.python() if fact else None


def decimal_text(value: Decimal) -> str:
    """Money-style text for a decimal whatever its lexical form: 0 and 0.00 both give '0.00', 32.3465 stays."""
    normal = value.normalize()
    exponent = normal.as_tuple().exponent
    if isinstance(exponent, int) and exponent >= -2:
        return f"{value:.2f}"
    return format(normal, "f")


def plain_text(term: Term) -> str:
    value = term.python()
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def local_name(iri: str) -> str:
    return iri.rsplit("#", 1)[-1] if "#" in iri else iri.rsplit("/", 1)[-1]


def gather_nodes(rows: list[dict[str, Term | None]]) -> dict[str, Node]:
    nodes: dict[str, Node] = {}
    for row in rows:
        node_term, prop, value = row["node"], row["property"], row["value"]
        if node_term is None or prop is None or value is None:
            continue
        node = nodes.setdefault(node_term.value, Node(node_term.value))
        if row["nodeType"] is not None:
            node.types.add(local_name(row["nodeType"].value))
        facility = row.get("valueFacility")
        position = row.get("position")
        label, notation, meaning = (row.get(k) for k in ("valueLabel", "valueNotation", "valueMeaning"))
        fact = Fact(
            value=value,
            label=label.value if label is not None else None,
            notation=notation.value if notation is not None else None,
            meaning=meaning.value if meaning is not None else None,
            facility=bool(facility.python()) if facility is not None else None,
            position=int(position.python()) if position is not None else None,
        )
        if fact not in node.props[prop.value]:
            node.props[prop.value].append(fact)
    return nodes


def card_rows(engine: Engine, code: Term) -> list[dict[str, Term | None]]:
    table = engine.select(load_query("code-card").text, {"code": code})
    return [dict(zip(table.variables, row, strict=False)) for row in table.rows]
