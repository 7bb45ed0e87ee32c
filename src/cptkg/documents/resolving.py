"""Names in a document looked up among the curated graph's labels: codes, segments, techniques, places,
payers, modifiers ... A word the graph does not know stays unresolved, and the audit says so."""

from __future__ import annotations

from typing import Any

from .vocabulary import norm


class LabelIndex:
    """Looks names up among the curated graph's labels (codes, segments, techniques, places, payers ...)."""

    def __init__(self, labels: dict[str, dict[str, str]], codes: set[str]) -> None:
        self.labels = labels  # class key -> normalised label -> IRI
        self.codes = codes

    @classmethod
    def from_engine(cls, engine: Any = None) -> LabelIndex:
        """The labels an engine's graph holds (the embedded store of the shipped graph by default)."""
        from ..stores.engines import open_engine

        target = engine if engine is not None else open_engine("oxigraph")
        table = target.select(_LABELS_QUERY)
        labels: dict[str, dict[str, str]] = {}
        codes: set[str] = set()
        for kind, node, text, how in table.rows:
            if kind is None or node is None or text is None or how is None:
                continue
            if kind.value == "code" and how.value == "notation":
                codes.add(text.value)
            labels.setdefault(kind.value, {}).setdefault(norm(text.value), node.value)
        return cls(labels, codes)

    def find(self, kind: str, phrase: str) -> str | None:
        return self.labels.get(kind, {}).get(norm(phrase))


_LABELS_QUERY = """
PREFIX cptkg: <https://w3id.org/cptkg/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?kind ?node ?text ?how WHERE {
  VALUES (?class ?kind) {
    (cptkg:Technique "technique") (cptkg:Payer "payer") (cptkg:PlaceOfService "place")
    (cptkg:AnatomicalEntity "segment") (cptkg:Modifier "modifier") (cptkg:ServiceType "service-type")
    (cptkg:ClinicalPurpose "service-type")
    (cptkg:Device "device") (cptkg:SedationLevel "sedation") (cptkg:ClinicalIndication "indication")
    (cptkg:CareSetting "care-setting") (cptkg:LesionType "lesion") (cptkg:ProcedureCode "code")
  }
  ?node a/rdfs:subClassOf* ?class .
  { ?node skos:prefLabel|skos:altLabel ?text . BIND("label" AS ?how) }
  UNION { ?node skos:notation ?text . BIND("notation" AS ?how) }
}
"""
