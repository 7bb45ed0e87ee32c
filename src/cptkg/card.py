"""`cptkg info CODE`: the code card a coder wants to see, built from the catalogue's code-card query."""

from __future__ import annotations

import textwrap
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from .catalogue import load_query
from .engines import Engine
from .namespaces import CPTKG, PROV, SKOS
from .params import Resolver
from .terms import Term

C = str(CPTKG)
SKOS_NS = str(SKOS)
DERIVED_FROM = str(PROV.wasDerivedFrom)

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
        return self.notation or self.label or _plain(self.value)


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


def _plain(term: Term) -> str:
    value = term.python()
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def _local(iri: str) -> str:
    return iri.rsplit("#", 1)[-1] if "#" in iri else iri.rsplit("/", 1)[-1]


def _nodes(rows: list[dict[str, Term | None]]) -> dict[str, Node]:
    nodes: dict[str, Node] = {}
    for row in rows:
        node_term, prop, value = row["node"], row["property"], row["value"]
        if node_term is None or prop is None or value is None:
            continue
        node = nodes.setdefault(node_term.value, Node(node_term.value))
        if row["nodeType"] is not None:
            node.types.add(_local(row["nodeType"].value))
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


def code_card(engine: Engine, code_text: str) -> dict[str, Any]:
    """The card of a code as plain data (what `cptkg info --format json` prints)."""
    code = Resolver(engine).resolve("code", code_text)
    nodes = _nodes(card_rows(engine, code))
    me = nodes[code.value]

    def by_type(name: str) -> list[Node]:
        return sorted((n for n in nodes.values() if name in n.types), key=lambda n: n.iri)

    def labelled(facts: list[Fact]) -> list[dict[str, Any]]:
        out = []
        for fact in sorted(facts, key=lambda f: (f.notation or "", f.label or "", f.value.value)):
            item: dict[str, Any] = {"id": fact.value.value, "label": fact.label}
            if fact.notation:
                item["code"] = fact.notation
            out.append(item)
        return out

    card: dict[str, Any] = {
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

    families = by_type("CodeFamily")
    if families:
        family = families[0]
        card["family"] = {
            "id": family.iri,
            "label": family.text(SKOS_NS + "prefLabel"),
            "base_code": family.notation("baseCode"),
            "members": sorted(f.notation for f in family.all(SKOS_NS + "narrower") if f.notation),
            "not_reported_with": [f.label for f in family.all("notReportedWith")],
        }
    card["includes"] = labelled(me.all("includesService"))
    card["meaning"] = {
        key: labelled(me.all(prop))
        for key, prop in (
            ("method", "method"),
            ("techniques", "technique"),
            ("target_lesions", "targetLesion"),
            ("approach", "approach"),
            ("service_type", "serviceType"),
        )
    }

    extents = by_type("AnatomicExtent")
    if extents:
        extent = extents[0]
        card["extent"] = {"id": extent.iri}
        for prop, key in EXTENT_ROLES:
            facts = sorted(extent.all(prop), key=lambda f: f.position if f.position is not None else 99)
            card["extent"][key.replace(" ", "_")] = [
                {"id": f.value.value, "segment": _local(f.value.value), "label": f.label} for f in facts
            ]
    rules = by_type("DistanceRule")
    if rules:
        rule = rules[0]
        card["distance_rule"] = {
            "label": rule.text(SKOS_NS + "prefLabel"),
            "minimum_cm": format(rule.py("minimumDistanceCm").normalize(), "f")
            if rule.one("minimumDistanceCm")
            else None,
            "measured_from": rule.label("measuredFrom"),
            "otherwise_report": rule.text("otherwiseReport"),
        }

    card["fee_schedules"] = []
    for entry in by_type("FeeScheduleEntry"):
        fields = []
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
        card["fee_schedules"].append(
            {
                "id": entry.iri,
                "payer": entry.label("payer"),
                "year": entry.py("scheduleYear"),
                "release": entry.label("inRelease"),
                "modifier": entry.notation("forModifier"),
                "fields": fields,
            }
        )
    card["fee_schedules"].sort(key=lambda e: (e["payer"] or "", -(e["year"] or 0), e["modifier"] or ""))
    card["opps"] = [
        {
            "id": o.iri,
            "year": o.py("scheduleYear"),
            "status_indicator": o.notation("oppsStatusIndicator"),
            "status_meaning": o.meaning("oppsStatusIndicator"),
            "apc": o.text("apc"),
            "payment_rate_usd": decimal_text(o.py("paymentRateUSD")) if o.one("paymentRateUSD") else None,
        }
        for o in by_type("OPPSEntry")
    ]

    modifier_rules: list[dict[str, Any]] = []
    for rule_node in by_type("ModifierRule"):
        modifier_rules.append(
            {
                "id": rule_node.iri,
                "modifier": rule_node.notation("forModifier"),
                "modifier_label": rule_node.label("forModifier"),
                "payer": rule_node.label("payer"),
                "status": rule_node.label("ruleStatus"),
                "when_to_use": rule_node.text("whenToUse"),
                "why": rule_node.text("rationale"),
                "indicator": rule_node.label("basedOnIndicator"),
                "sources": sorted(f.value.value for f in rule_node.all(DERIVED_FROM)),
            }
        )
    modifier_rules.sort(
        key=lambda r: (str(r["payer"] or ""), STATUS_ORDER.get(str(r["status"] or ""), 3), str(r["modifier"] or ""))
    )
    card["modifier_rules"] = modifier_rules

    card["places_of_service"] = [
        {"code": f.notation, "name": f.label, "facility": f.facility}
        for f in sorted(me.all("typicalPlaceOfService"), key=lambda f: f.notation or "")
    ]
    related = []
    for node in by_type("RelatedService"):
        related.append(
            {
                "code": node.notation("service"),
                "label": node.label("service"),
                "payer": node.label("payer"),
                "reported_by": node.text("reportedBy"),
                "reason": node.text("reason"),
            }
        )
    card["related_services"] = sorted(related, key=lambda r: r["code"] or "")

    payers: dict[str, dict[str, Any]] = {}
    for node in by_type("PayerStatement"):
        name = node.label("payer") or "unknown"
        said = payers.setdefault(name, {"payer": name, "statements": []})
        said["statements"].append(
            {"statement": node.text("statement"), "sources": sorted(f.value.value for f in node.all(DERIVED_FROM))}
        )
    for said in payers.values():
        said["statements"].sort(key=lambda s: s["statement"] or "")
    card["payers"] = sorted(payers.values(), key=lambda p: (p["payer"] != "Medicare", p["payer"]))

    vignettes = by_type("ClinicalVignette")
    if vignettes:
        vignette = vignettes[0]
        steps = sorted(by_type("WorkflowStep"), key=lambda s: s.py("stepNumber") or 0)
        card["vignette"] = {
            "summary": vignette.text(SKOS_NS + "definition"),
            "age": vignette.py("patientAgeYears"),
            "sex": vignette.label("patientSex"),
            "setting": vignette.label("careSetting"),
            "indications": [f.label for f in sorted(vignette.all("indication"), key=lambda f: f.label or "")],
            "prior_testing": vignette.text("priorTesting"),
            "findings": [n.text(SKOS_NS + "prefLabel") for n in by_type("ClinicalFinding")],
            "instrument": vignette.label("instrument"),
            "sedation": vignette.label("sedation"),
            "steps": [s.text(SKOS_NS + "prefLabel") for s in steps],
        }

    sources: dict[str, dict[str, Any]] = {}
    for node in nodes.values():
        for fact in node.all(DERIVED_FROM):
            sources.setdefault(fact.value.value, {"id": fact.value.value, "title": fact.label, "kind": fact.meaning})
    card["sources"] = sorted(sources.values(), key=lambda s: (s["kind"] or "", s["title"] or ""))
    return card


# ---------------------------------------------------------------- rendering for people


def _wrap(text: str, indent: int = 4, width: int = 100, hang: int = 0) -> list[str]:
    lines = textwrap.wrap(text, width=width, initial_indent=" " * indent, subsequent_indent=" " * (indent + hang))
    return lines or [""]


def render_card(card: dict[str, Any]) -> str:
    out: list[str] = []
    add = out.append
    system = card.get("system") or ""
    add(f"{card['code']}  {card['label']}")
    add(f"  {system}")
    out.extend(_wrap(card["definition"] or "", 2))
    for key, label in (
        ("cms_short_description", "CMS short description"),
        ("cms_long_description", "CMS long description"),
    ):
        if card.get(key):
            out.extend(_wrap(f"{label}: {card[key]}", 2))
    for note in card.get("notes", []):
        out.extend(_wrap(f"Note: {note}", 2))

    family = card.get("family")
    if family:
        add("")
        add("Family")
        add(f"  {family['label']}")
        add(f"  base code {family['base_code']}; members {', '.join(family['members'])}")
        for other in family.get("not_reported_with", []):
            out.extend(_wrap(f"not reported with: {other}", 2))
    if card.get("includes"):
        add("  includes: " + "; ".join(_with_code(i) for i in card["includes"]))
    distance = card.get("distance_rule")
    if distance:
        out.extend(
            _wrap(
                f"rule: at least {distance['minimum_cm']} cm beyond the {distance['measured_from']}; "
                f"otherwise report {distance['otherwise_report']}",
                2,
            )
        )

    meaning = card.get("meaning", {})
    meaning_lines = [
        f"  {label}: " + ", ".join(i["label"] for i in meaning[key])
        for key, label in (
            ("method", "method"),
            ("techniques", "techniques (any one qualifies)"),
            ("target_lesions", "target lesions"),
            ("approach", "approach"),
            ("service_type", "service type"),
        )
        if meaning.get(key)
    ]
    if meaning_lines:
        # a code known only from an imported CMS file has no meaning in the graph: no empty heading
        add("")
        add("What it is")
        out.extend(meaning_lines)

    extent = card.get("extent")
    if extent:
        add("")
        add("Extent (proximal to distal)")
        for _prop, key in EXTENT_ROLES:
            segments = extent.get(key.replace(" ", "_")) or []
            if segments:
                joiner = " > " if key in ("examines", "distal end in") else ", "
                out.extend(_wrap(f"{key}: " + joiner.join(s["label"] for s in segments), 2))

    for entry in card.get("fee_schedules", []):
        add("")
        title = f"{entry['payer']} fee schedule {entry['year']}"
        if entry.get("release"):
            title += f" ({entry['release']})"
        if entry.get("modifier"):
            title += f", modifier {entry['modifier']} row"
        add(title)
        rvus = [f for f in entry["fields"] if f["meaning"] is None and f["label"] is None]
        indicators = [f for f in entry["fields"] if f not in rvus]
        out.extend(_wrap("; ".join(f"{f['field']} {_show(f['value'])}" for f in rvus), 2))
        for f in indicators:
            out.extend(_wrap(f"{f['field']} {f['value']}: {f['meaning'] or f['label'] or ''}", 2))
    for opps in card.get("opps", []):
        add("")
        rate = f", payment rate ${opps['payment_rate_usd']}" if opps.get("payment_rate_usd") else ""
        add(f"Medicare hospital outpatient (OPPS) {opps['year']}")
        out.extend(
            _wrap(f"status indicator {opps['status_indicator']} ({opps['status_meaning']}), APC {opps['apc']}{rate}", 2)
        )

    if card.get("modifier_rules"):
        add("")
        add("Modifiers")
        for rule in card["modifier_rules"]:
            add(f"  {rule['modifier']:>2}  {rule['status']:<11} {rule['modifier_label']} ({rule['payer']})")
            if rule.get("when_to_use"):
                out.extend(_wrap(f"when: {rule['when_to_use']}", 6))
            if rule.get("why"):
                out.extend(_wrap(f"why: {rule['why']}", 6))

    if card.get("places_of_service"):
        add("")
        add("Places of service (typical)")
        for pos in card["places_of_service"]:
            kind = "facility" if pos["facility"] else "non-facility"
            add(f"  {pos['code']}  {pos['name']} ({kind})")

    if card.get("related_services"):
        add("")
        add("Reported separately")
        for rel in card["related_services"]:
            who = f" [{rel['payer']}]" if rel.get("payer") else ""
            add(f"  {rel['code']}{who}  {rel['label']}")
            out.extend(_wrap(rel["reason"] or "", 6))

    if card.get("payers"):
        add("")
        add("Payers")
        for payer in card["payers"]:
            add(f"  {payer['payer']}")
            for statement in payer["statements"]:
                out.extend(_wrap(f"- {statement['statement']}", 4, hang=2))

    vignette = card.get("vignette")
    if vignette:
        add("")
        add("Clinical vignette")
        add(f"  {vignette['age']}-year-old {vignette['sex']}, {vignette['setting']}")
        add(f"  indications: {', '.join(vignette['indications'])}")
        if vignette.get("prior_testing"):
            out.extend(_wrap(f"prior testing: {vignette['prior_testing']}", 2))
        for finding in vignette["findings"]:
            add(f"  finding: {finding}")
        add(f"  instrument: {vignette['instrument']}; sedation: {vignette['sedation']}")
        for number, step in enumerate(vignette["steps"], 1):
            add(f"  {number}. {step}")

    if card.get("sources"):
        add("")
        add("Sources")
        for source in card["sources"]:
            out.extend(_wrap(f"- {source['title']} ({source['kind']})", 2, hang=2))
    add("")
    add("CPT codes are copyright of the American Medical Association; the labels above are cptkg's own words.")
    return "\n".join(out) + "\n"


def _with_code(item: dict[str, Any]) -> str:
    return f"{item['code']} {item['label']}" if item.get("code") else str(item["label"])


def _show(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)
