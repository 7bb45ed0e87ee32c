"""What the importers share: the result of an import, row errors, code IRIs, what the curated graph already
holds (so that an import adds to it without duplicating it), and the minimal node of a code it lacks."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Literal

from ..namespaces import BASE
from .triples import RDF_TYPE, Triples, cptkg, iri, term, text

# CPT: five digits (Category I), four digits and F (Category II), T (Category III), U (PLA), A or M;
# HCPCS Level II: a letter and four digits.
# what a malformed row does: stop the import (nothing is written), or be left out and reported
OnError = Literal["fail", "skip"]

CPT_OR_HCPCS = re.compile(r"^(?:[0-9]{4}[0-9AFMTU]|[A-Z][0-9]{4})$")


@dataclass(frozen=True)
class RowError:
    line: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


@dataclass
class ImportResult:
    name: str  # the import's name: its named graph in a store is .../graph/import/<name>
    triples: Triples
    header: str  # the comment at the top of a Turtle file
    summary: str
    skipped: list[RowError] = field(default_factory=list)


def refuse_empty(path: object, records: int, errors: list[RowError]) -> None:
    """An import of no rows is refused: written to a store it would replace the import's graph with nothing."""
    if records == 0:
        from ..errors import BadInputError

        skipped = f" ({len(errors)} malformed rows skipped)" if errors else ""
        raise BadInputError(f"{path}: no rows to import{skipped}; nothing written")


def stop_on_error(path: object, errors: list[RowError], on_error: OnError) -> None:
    """With --on-error fail, the first malformed row ends the import with one line; nothing is written."""
    if errors and on_error == "fail":
        from ..errors import BadInputError

        first = errors[0]
        raise BadInputError(
            f"{path}, line {first.line}: {first.message} (nothing written; --on-error skip leaves such rows out)"
        )


def code_iri(code: str) -> str:
    """cpt/<code> for CPT codes (they start with a digit), hcpcs/<code> for HCPCS Level II codes."""
    return f"{BASE}{'cpt' if code[:1].isdigit() else 'hcpcs'}/{code}"


@lru_cache(maxsize=1)
def curated_facts() -> dict[str, set[str]]:
    """IRIs the shipped graph declares, by kind: codes, modifiers, indicator concepts, places of service,
    fee-schedule releases and sources."""
    from ..stores.graph_store import open_store

    store = open_store()
    queries = {
        "codes": "SELECT ?x WHERE { ?x a ?c . VALUES ?c { cptkg:ProcedureCode cptkg:EndoscopicProcedureCode } }",
        "modifiers": "SELECT ?x WHERE { ?x a cptkg:Modifier }",
        "indicators": "SELECT ?x WHERE { ?x skos:inScheme ?s . ?s a skos:ConceptScheme . "
        'FILTER(STRSTARTS(STR(?x), "https://w3id.org/cptkg/vocab/pfs-")) }',
        "places": "SELECT ?x WHERE { ?x a cptkg:PlaceOfService }",
        "releases": "SELECT ?x WHERE { ?x a cptkg:FeeScheduleRelease }",
        "sources": "SELECT ?x WHERE { ?x a cptkg:Source }",
    }
    prefixes = {"cptkg": f"{BASE}ontology#", "skos": "http://www.w3.org/2004/02/skos/core#"}
    facts: dict[str, set[str]] = {}
    for kind, query in queries.items():
        solutions = store.query(query, prefixes=prefixes, use_default_graph_as_union=True)
        facts[kind] = {row[0].value for row in solutions}  # type: ignore[union-attr]
    return facts


def minimal_code(code: str, source: str) -> list[tuple[str, str]]:
    """A code the curated graph lacks: notation, code system, a label made of the identifier, and a
    definition in the project's words. Every importer writes the same node for the same code, so imports
    merge without duplicate labels; CMS descriptions go in their own properties."""
    cpt = code[:1].isdigit()
    dental = code.startswith("D")
    if cpt:
        definition = (
            f"CPT code {code}, known to this graph from a CMS file that lists it; "
            "CPT descriptors are AMA text and are not reproduced."
        )
    elif dental:
        definition = (
            f"HCPCS code {code} (a dental code), known to this graph from a CMS file that lists it; "
            "dental code descriptors are ADA text and are not reproduced."
        )
    else:
        definition = (
            f"HCPCS Level II code {code}, known to this graph from a CMS file that lists it; "
            "its CMS descriptions come with an import of the HCPCS Level II file."
        )
    return [
        (RDF_TYPE, cptkg("ProcedureCode")),
        (term("skos", "notation"), text(code)),
        (term("skos", "prefLabel"), text(f"{'CPT' if cpt else 'HCPCS'} {code}", "en")),
        (term("skos", "definition"), text(definition, "en")),
        (term("skos", "inScheme"), iri(f"{BASE}ontology#{'CPT' if cpt else 'HCPCS'}")),
        (term("prov", "wasDerivedFrom"), iri(source)),
    ]
