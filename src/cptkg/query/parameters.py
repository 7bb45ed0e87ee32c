"""Query parameters as a person types them (44365, jejunum, hot-biopsy-forceps, medicare), resolved to RDF terms.

Each parameter type names the class its values belong to; a value is matched against the IRI, the CURIE,
the local name, the notation and the labels of the members of that class. An unknown value is a
BadInputError that lists the valid ones.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from ..errors import BadInputError, UnknownCodeError
from ..namespaces import expand
from ..sparql.terms import XSD, Term

if TYPE_CHECKING:
    from ..stores.engines import Engine


@dataclass(frozen=True)
class ParamType:
    name: str
    cls: str | None  # the class (CURIE) whose members are valid values; None for literal types
    description: str


PARAM_TYPES: dict[str, ParamType] = {
    t.name: t
    for t in (
        ParamType("code", "cptkg:ProcedureCode", "a CPT or HCPCS code, e.g. 44365 or G0500"),
        ParamType("segment", "cptkg:AnatomicalEntity", "an anatomical segment, region or landmark, e.g. jejunum"),
        ParamType("technique", "cptkg:Technique", "a technique, e.g. hot-biopsy-forceps"),
        ParamType("method", "cptkg:Method", "a method, e.g. lesion-removal"),
        ParamType("lesion", "cptkg:LesionType", "a lesion type, e.g. polyp"),
        ParamType("payer", "cptkg:Payer", "a payer, e.g. medicare"),
        ParamType("modifier", "cptkg:Modifier", "a modifier, e.g. 26"),
        ParamType("pos", "cptkg:PlaceOfService", "a place of service, e.g. 22"),
        ParamType("system", "cptkg:TargetSystem", "a target terminology, e.g. icd10pcs"),
        ParamType("concept", None, "any node of the graph: a code, a CURIE such as anat:jejunum, or an IRI"),
        ParamType("year", None, "a year, e.g. 2025"),
        ParamType("distance", None, "a distance in centimetres, e.g. 60 or 42.5 (a unit cm is allowed)"),
        ParamType("string", None, "free text"),
    )
}

_MEMBERS_QUERY = """
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?member ?notation ?label ?alt WHERE {
  ?member a ?type . ?type rdfs:subClassOf* ?class .
  OPTIONAL { ?member skos:notation ?notation }
  OPTIONAL { ?member skos:prefLabel ?label }
  OPTIONAL { ?member skos:altLabel ?alt }
}
"""

# A code typed as people type it is usually a notation: one indexed lookup instead of reading every code
# (an imported fee schedule holds tens of thousands).
_CODE_BY_NOTATION = """
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?member WHERE { ?member skos:notation ?notation ; a ?type . ?type rdfs:subClassOf* ?class . }
"""


def _key(text: str) -> str:
    return re.sub(r"[\s_,()]+", "-", text.strip().lower()).strip("-")


@dataclass
class Member:
    iri: str
    notation: str | None
    labels: set[str]

    @property
    def local_name(self) -> str:
        return re.split(r"[/#]", self.iri)[-1]

    @property
    def display(self) -> str:
        return self.notation or self.local_name


class ParameterResolver:
    """Resolves typed parameter values against one engine; members of each class are read once."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._members: dict[str, list[Member]] = {}

    def members(self, cls: str) -> list[Member]:
        if cls not in self._members:
            table = self.engine.select(_MEMBERS_QUERY, {"class": Term.iri(expand(cls))})
            found: dict[str, Member] = {}
            for row in table.rows:
                member, notation, label, alt = row
                if member is None or member.kind != "iri":
                    continue
                entry = found.setdefault(member.value, Member(member.value, None, set()))
                if notation is not None:
                    entry.notation = notation.value
                for text in (label, alt):
                    if text is not None:
                        entry.labels.add(text.value)
            self._members[cls] = sorted(found.values(), key=lambda m: m.display)
        return self._members[cls]

    def resolve(self, type_name: str, raw: str) -> Term:
        param_type = PARAM_TYPES.get(type_name)
        if param_type is None:
            raise BadInputError(f"unknown parameter type {type_name!r}")
        text = raw.strip()
        if not text:
            raise BadInputError(f"empty value for a {type_name} parameter")
        if type_name == "year":
            if not re.fullmatch(r"(19|20)\d\d", text):
                raise BadInputError(f"not a year: {raw!r} (expected four digits, e.g. 2025)")
            return Term.literal(text, XSD + "integer")
        if type_name == "distance":
            number = re.fullmatch(r"(\d{1,4}(?:\.\d{1,3})?)\s*(?:cm)?", text, re.I)
            if number is None:
                raise BadInputError(f"not a distance in centimetres: {raw!r} (expected e.g. 60 or 42.5)")
            # one lexical form for one value: the engines print a decimal's lexical form differently
            value = Decimal(number.group(1)).normalize()
            return Term.literal(format(value, "f"), XSD + "decimal")
        if type_name == "string":
            return Term.literal(text)
        if type_name == "concept":
            return self._concept(text)
        assert param_type.cls is not None
        if type_name == "code":
            found = self._code_by_notation(text, param_type.cls)
            return found if found is not None else self._code(text, self.members(param_type.cls))
        members = self.members(param_type.cls)
        match = self._match(text, members)
        if match is None:
            valid = ", ".join(m.display for m in members)
            raise BadInputError(f"unknown {type_name} {raw!r}; valid values: {valid}")
        return Term.iri(match.iri)

    @staticmethod
    def _match(text: str, members: list[Member]) -> Member | None:
        iri = expand(text)
        key = _key(text)
        for member in members:
            if iri == member.iri or key == _key(member.local_name):
                return member
            if member.notation is not None and key == _key(member.notation):
                return member
        for member in members:
            if any(key == _key(label) for label in member.labels):
                return member
        return None

    def _code_by_notation(self, text: str, cls: str) -> Term | None:
        cleaned = re.sub(r"^(cpt|hcpcs)[\s:]+", "", text.strip(), flags=re.I).upper()
        if not re.fullmatch(r"[0-9A-Z]{5}", cleaned):
            return None
        table = self.engine.select(
            _CODE_BY_NOTATION, {"notation": Term.literal(cleaned), "class": Term.iri(expand(cls))}
        )
        members = sorted({row[0].value for row in table.rows if row[0] is not None and row[0].kind == "iri"})
        return Term.iri(members[0]) if len(members) == 1 else None

    def _code(self, text: str, members: list[Member]) -> Term:
        cleaned = re.sub(r"^(cpt|hcpcs)[\s:]+", "", text.strip(), flags=re.I).upper()
        match = self._match(text, members) or self._match(cleaned, members)
        if match is not None:
            return Term.iri(match.iri)
        raise UnknownCodeError(text, nearest_codes(cleaned, [m.notation for m in members if m.notation]))

    def _concept(self, text: str) -> Term:
        iri = expand(text)
        if re.fullmatch(r"[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|^`\\]+", iri):
            if not iri.startswith(("http://", "https://", "urn:")):
                raise BadInputError(f"unknown prefix in {text!r}")
            return Term.iri(iri)
        codes = self.members("cptkg:ProcedureCode")
        match = self._match(text, codes)
        if match is None:
            for cls in (
                "cptkg:AnatomicalEntity",
                "cptkg:Technique",
                "cptkg:Method",
                "cptkg:LesionType",
                "cptkg:Payer",
                "cptkg:Modifier",
                "cptkg:PlaceOfService",
                "cptkg:ClinicalIndication",
            ):
                match = self._match(text, self.members(cls))
                if match is not None:
                    break
        if match is None:
            raise BadInputError(f"unknown concept {text!r}: give a code, a CURIE such as anat:jejunum, or an IRI")
        return Term.iri(match.iri)


def nearest_codes(code: str, known: list[str], limit: int = 3) -> list[str]:
    """The known codes closest to an unknown one: numerically for five-digit codes, else by spelling."""
    if re.fullmatch(r"\d{5}", code):
        numeric = [k for k in known if k.isdigit()]
        return sorted(numeric, key=lambda k: (abs(int(k) - int(code)), k))[:limit]
    return difflib.get_close_matches(code, known, n=limit, cutoff=0.4)
