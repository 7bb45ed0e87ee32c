"""The code card for people: the card's sections as wrapped plain text, in the order a coder reads them."""

from __future__ import annotations

import textwrap
from typing import Any

from .card import EXTENT_ROLES, CodeCard, Labelled


def _wrap(text: str, indent: int = 4, width: int = 100, hang: int = 0) -> list[str]:
    lines = textwrap.wrap(text, width=width, initial_indent=" " * indent, subsequent_indent=" " * (indent + hang))
    return lines or [""]


def render_card(card: CodeCard) -> str:
    out: list[str] = []
    add = out.append
    system = card.get("system") or ""
    add(f"{card['code']}  {card['label']}")
    add(f"  {system}")
    out.extend(_wrap(card["definition"] or "", 2))
    for text, label in (
        (card.get("cms_short_description"), "CMS short description"),
        (card.get("cms_long_description"), "CMS long description"),
    ):
        if text:
            out.extend(_wrap(f"{label}: {text}", 2))
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
        f"  {label}: " + ", ".join(str(i.get("label")) for i in meaning[key])
        for key, label in (
            ("method", "method"),
            ("techniques", "techniques (any one qualifies)"),
            ("target_lesions", "target lesions"),
            ("approach", "approach"),
            ("service_type", "service type"),
            ("clinical_purpose", "clinical purpose"),
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


def _with_code(item: Labelled) -> str:
    return f"{item['code']} {item.get('label')}" if item.get("code") else str(item.get("label"))


def _show(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)
