"""`cptkg info CODE`: the code card a coder wants to see, built from the catalogue's code-card query.

The card is plain data (what `cptkg info --format json` prints), one section a function below; its shape is
the CodeCard TypedDict, so a Python user's type checker knows each key.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, TypedDict

from ..stores.engines import Engine
from .card_facts import DERIVED_FROM, SKOS_NS, Fact, Node, card_rows, decimal_text, gather_nodes, local_name
from .parameters import ParameterResolver

EXTENT_ROLES = [
    ("entersAt", "enters at"),
    ("reachesBeyond", "reaches beyond"),
    ("doesNotReach", "does not reach"),
    ("mustReach", "must reach"),
    ("excludesSegment", "excludes"),
    ("distalEndIn", "distal end in"),
    ("examines", "examines"),
]

FEE_FIELDS = [
    ("statusCode", "status"),
    ("workRVU", "work RVU"),
    ("nonFacilityPracticeExpenseRVU", "non-facility PE RVU"),
    ("nonFacilityNotApplicable", "non-facility NA"),
    ("facilityPracticeExpenseRVU", "facility PE RVU"),
    ("facilityNotApplicable", "facility NA"),
    ("malpracticeRVU", "malpractice RVU"),
    ("totalNonFacilityRVU", "total non-facility RVU"),
    ("totalFacilityRVU", "total facility RVU"),
    ("pctcIndicator", "PC/TC indicator"),
    ("globalSurgery", "global surgery"),
    ("preOperativePercentage", "preoperative share"),
    ("intraOperativePercentage", "intraoperative share"),
    ("postOperativePercentage", "postoperative share"),
    ("multipleProcedureIndicator", "multiple procedure"),
    ("endoscopicBaseCode", "endoscopic base code"),
    ("bilateralSurgeryIndicator", "bilateral surgery"),
    ("assistantAtSurgeryIndicator", "assistant at surgery"),
    ("coSurgeonIndicator", "co-surgeons"),
    ("teamSurgeryIndicator", "team surgery"),
    ("physicianSupervision", "physician supervision"),
    ("diagnosticImagingFamily", "diagnostic imaging family"),
    ("calculationFlag", "calculation flag"),
    ("conversionFactor", "conversion factor"),
    ("oppsNonFacilityPracticeExpenseRVU", "OPPS non-facility PE RVU"),
    ("oppsFacilityPracticeExpenseRVU", "OPPS facility PE RVU"),
    ("oppsMalpracticeRVU", "OPPS malpractice RVU"),
    ("notUsedForMedicarePayment", "not used for Medicare payment"),
]

STATUS_ORDER = {"not allowed": 0, "conditional": 1, "allowed": 2}


class Labelled(TypedDict, total=False):
    id: str
    label: str | None
    code: str


class Family(TypedDict):
    id: str
    label: str | None
    base_code: str | None
    members: list[str]
    not_reported_with: list[str | None]


class FeeField(TypedDict):
    field: str
    value: Any
    label: str | None
    meaning: str | None


class FeeSchedule(TypedDict):
    id: str
    payer: str | None
    year: Any
    release: str | None
    modifier: str | None
    fields: list[FeeField]


class CodeCard(TypedDict, total=False):
    code: str | None
    id: str
    system: str | None
    label: str | None
    definition: str | None
    notes: list[str]
    cms_short_description: str | None
    cms_long_description: str | None
    separate_procedure: Any
    family: Family
    includes: list[Labelled]
    meaning: dict[str, list[Labelled]]
    extent: dict[str, Any]
    distance_rule: dict[str, Any]
    fee_schedules: list[FeeSchedule]
    opps: list[dict[str, Any]]
    modifier_rules: list[dict[str, Any]]
    places_of_service: list[dict[str, Any]]
    related_services: list[dict[str, Any]]
    payers: list[dict[str, Any]]
    vignette: dict[str, Any]
    sources: list[dict[str, Any]]


MEANING_KEYS = (
    ("method", "method"),
    ("techniques", "technique"),
    ("target_lesions", "targetLesion"),
    ("approach", "approach"),
    ("service_type", "serviceType"),
    ("clinical_purpose", "clinicalPurpose"),
)


class CardNodes:
    """The nodes the code-card query returned, with the code's own node."""

    def __init__(self, nodes: dict[str, Node], code_iri: str) -> None:
        self.nodes = nodes
        self.me = nodes[code_iri]

    def of_type(self, name: str) -> list[Node]:
        return sorted((n for n in self.nodes.values() if name in n.types), key=lambda n: n.iri)

    def first(self, name: str) -> Node | None:
        found = self.of_type(name)
        return found[0] if found else None


def labelled(facts: list[Fact]) -> list[Labelled]:
    out: list[Labelled] = []
    for fact in sorted(facts, key=lambda f: (f.notation or "", f.label or "", f.value.value)):
        item: Labelled = {"id": fact.value.value, "label": fact.label}
        if fact.notation:
            item["code"] = fact.notation
        out.append(item)
    return out


def code_card(engine: Engine, code_text: str) -> CodeCard:
    """The card of a code as plain data (what `cptkg info --format json` prints)."""
    code = ParameterResolver(engine).resolve("code", code_text)
    found = CardNodes(gather_nodes(card_rows(engine, code)), code.value)
    me = found.me
    card: CodeCard = {
        "code": me.text(SKOS_NS + "notation"),
        "id": code.value,
        "system": me.label(SKOS_NS + "inScheme"),
        "label": me.text(SKOS_NS + "prefLabel"),
        "definition": me.text(SKOS_NS + "definition"),
        "notes": [f.text for f in me.all(SKOS_NS + "editorialNote")],
        # CMS's own texts of a HCPCS Level II code (public domain), from `cptkg import hcpcs`
        "cms_short_description": me.text(SKOS_NS + "altLabel"),
        "cms_long_description": me.text("cmsLongDescription"),
        "separate_procedure": me.py("markedSeparateProcedure"),
    }
    family = found.first("CodeFamily")
    if family is not None:
        card["family"] = family_section(family)
    card["includes"] = labelled(me.all("includesService"))
    card["meaning"] = {key: labelled(me.all(prop)) for key, prop in MEANING_KEYS}
    extent = found.first("AnatomicExtent")
    if extent is not None:
        card["extent"] = extent_section(extent)
    rule = found.first("DistanceRule")
    if rule is not None:
        card["distance_rule"] = distance_rule_section(rule)
    card["fee_schedules"] = fee_schedule_section(found.of_type("FeeScheduleEntry"))
    card["opps"] = [opps_entry(o) for o in found.of_type("OPPSEntry")]
    card["modifier_rules"] = modifier_rules_section(found.of_type("ModifierRule"))
    card["places_of_service"] = [
        {"code": f.notation, "name": f.label, "facility": f.facility}
        for f in sorted(me.all("typicalPlaceOfService"), key=lambda f: f.notation or "")
    ]
    card["related_services"] = related_services_section(found.of_type("RelatedService"))
    card["payers"] = payers_section(found.of_type("PayerStatement"))
    vignette = found.first("ClinicalVignette")
    if vignette is not None:
        card["vignette"] = vignette_section(vignette, found)
    card["sources"] = sources_section(found.nodes.values())
    return card


def family_section(family: Node) -> Family:
    return {
        "id": family.iri,
        "label": family.text(SKOS_NS + "prefLabel"),
        "base_code": family.notation("baseCode"),
        "members": sorted(f.notation for f in family.all(SKOS_NS + "narrower") if f.notation),
        "not_reported_with": [f.label for f in family.all("notReportedWith")],
    }


def extent_section(extent: Node) -> dict[str, Any]:
    section: dict[str, Any] = {"id": extent.iri}
    for prop, key in EXTENT_ROLES:
        facts = sorted(extent.all(prop), key=lambda f: f.position if f.position is not None else 99)
        section[key.replace(" ", "_")] = [
            {"id": f.value.value, "segment": local_name(f.value.value), "label": f.label} for f in facts
        ]
    return section


def distance_rule_section(rule: Node) -> dict[str, Any]:
    return {
        "label": rule.text(SKOS_NS + "prefLabel"),
        "minimum_cm": format(rule.py("minimumDistanceCm").normalize(), "f") if rule.one("minimumDistanceCm") else None,
        "measured_from": rule.label("measuredFrom"),
        "otherwise_report": rule.text("otherwiseReport"),
    }


def fee_fields(entry: Node) -> list[FeeField]:
    fields: list[FeeField] = []
    for prop, label in FEE_FIELDS:
        fact = entry.one(prop)
        if fact is None:
            continue
        value = fact.value.python() if fact.value.kind == "literal" else (fact.notation or fact.value.value)
        fields.append(
            {
                "field": label,
                "value": decimal_text(value) if isinstance(value, Decimal) else value,
                "label": fact.label if fact.value.kind == "iri" else None,
                "meaning": fact.meaning if prop != "endoscopicBaseCode" else None,
            }
        )
    return fields


def fee_schedule_section(entries: list[Node]) -> list[FeeSchedule]:
    schedules: list[FeeSchedule] = [
        {
            "id": entry.iri,
            "payer": entry.label("payer"),
            "year": entry.py("scheduleYear"),
            "release": entry.label("inRelease"),
            "modifier": entry.notation("forModifier"),
            "fields": fee_fields(entry),
        }
        for entry in entries
    ]
    schedules.sort(key=lambda e: (e["payer"] or "", -(e["year"] or 0), e["modifier"] or ""))
    return schedules


def opps_entry(entry: Node) -> dict[str, Any]:
    return {
        "id": entry.iri,
        "year": entry.py("scheduleYear"),
        "status_indicator": entry.notation("oppsStatusIndicator"),
        "status_meaning": entry.meaning("oppsStatusIndicator"),
        "apc": entry.text("apc"),
        "payment_rate_usd": decimal_text(entry.py("paymentRateUSD")) if entry.one("paymentRateUSD") else None,
    }


def modifier_rules_section(rules: list[Node]) -> list[dict[str, Any]]:
    section = [
        {
            "id": rule.iri,
            "modifier": rule.notation("forModifier"),
            "modifier_label": rule.label("forModifier"),
            "payer": rule.label("payer"),
            "status": rule.label("ruleStatus"),
            "when_to_use": rule.text("whenToUse"),
            "why": rule.text("rationale"),
            "indicator": rule.label("basedOnIndicator"),
            "sources": sorted(f.value.value for f in rule.all(DERIVED_FROM)),
        }
        for rule in rules
    ]
    section.sort(
        key=lambda r: (str(r["payer"] or ""), STATUS_ORDER.get(str(r["status"] or ""), 3), str(r["modifier"] or ""))
    )
    return section


def related_services_section(services: list[Node]) -> list[dict[str, Any]]:
    related = [
        {
            "code": node.notation("service"),
            "label": node.label("service"),
            "payer": node.label("payer"),
            "reported_by": node.text("reportedBy"),
            "reason": node.text("reason"),
        }
        for node in services
    ]
    return sorted(related, key=lambda r: r["code"] or "")


def payers_section(statements: list[Node]) -> list[dict[str, Any]]:
    payers: dict[str, dict[str, Any]] = {}
    for node in statements:
        name = node.label("payer") or "unknown"
        said = payers.setdefault(name, {"payer": name, "statements": []})
        said["statements"].append(
            {"statement": node.text("statement"), "sources": sorted(f.value.value for f in node.all(DERIVED_FROM))}
        )
    for said in payers.values():
        said["statements"].sort(key=lambda s: s["statement"] or "")
    return sorted(payers.values(), key=lambda p: (p["payer"] != "Medicare", p["payer"]))


def vignette_section(vignette: Node, found: CardNodes) -> dict[str, Any]:
    steps = sorted(found.of_type("WorkflowStep"), key=lambda s: s.py("stepNumber") or 0)
    return {
        "summary": vignette.text(SKOS_NS + "definition"),
        "age": vignette.py("patientAgeYears"),
        "sex": vignette.label("patientSex"),
        "setting": vignette.label("careSetting"),
        "indications": [f.label for f in sorted(vignette.all("indication"), key=lambda f: f.label or "")],
        "prior_testing": vignette.text("priorTesting"),
        "findings": [n.text(SKOS_NS + "prefLabel") for n in found.of_type("ClinicalFinding")],
        "instrument": vignette.label("instrument"),
        "sedation": vignette.label("sedation"),
        "steps": [s.text(SKOS_NS + "prefLabel") for s in steps],
    }


def sources_section(nodes: Any) -> list[dict[str, Any]]:
    sources: dict[str, dict[str, Any]] = {}
    for node in nodes:
        for fact in node.all(DERIVED_FROM):
            sources.setdefault(fact.value.value, {"id": fact.value.value, "title": fact.label, "kind": fact.meaning})
    return sorted(sources.values(), key=lambda s: (s["kind"] or "", s["title"] or ""))
