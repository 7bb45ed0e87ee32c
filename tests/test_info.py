"""`cptkg info`: the code card, for people and for programs, and errors for unknown codes."""

from __future__ import annotations

import json

import pytest

import cptkg as api
from cptkg.errors import UnknownCodeError

from .conftest import cptkg


def test_info_44365_text():
    result = cptkg("info", "44365")
    assert result.exit_code == 0
    out = result.stdout
    assert out.startswith("44365  Enteroscopy past the second part of the duodenum, ileum not reached")
    assert "base code 44360" in out
    assert "distal end in: jejunum\n" in out
    assert "must reach: jejunum" in out
    assert "service type: surgical endoscopy" in out and "clinical purpose: therapeutic" in out
    assert "techniques (any one qualifies): bipolar cautery, hot biopsy forceps" in out
    assert "PC/TC indicator 0: Physician service codes" in out
    assert "26  not allowed Professional component (Medicare)" in out
    assert "19  Off Campus-Outpatient Hospital (facility)" in out
    assert " 11 " not in out.split("Places of service")[1].split("Reported separately")[0]
    assert "G0500 [Medicare]" in out
    assert "Aetna" in out and "UnitedHealthcare" in out
    assert "National Physician Fee Schedule Relative Value File" in out


def test_info_44365_json_is_the_same_card(engine):
    result = cptkg("info", "44365", "--format", "json")
    assert result.exit_code == 0
    card = json.loads(result.stdout)
    assert card["code"] == "44365"
    assert card["family"]["base_code"] == "44360"
    assert [s["segment"] for s in card["extent"]["examines"]] == [
        "esophagus",
        "stomach",
        "duodenum-part-1",
        "duodenum-part-2",
        "duodenum-part-3",
        "duodenum-part-4",
        "jejunum",
    ]
    fields = {f["field"]: f for f in card["fee_schedules"][0]["fields"]}
    assert fields["work RVU"]["value"] == "3.21"
    assert fields["PC/TC indicator"]["value"] == "0"
    assert "26 and TC cannot be used" in fields["PC/TC indicator"]["meaning"]
    not_allowed = sorted(r["modifier"] for r in card["modifier_rules"] if r["status"] == "not allowed")
    assert not_allowed == ["26", "TC"]
    assert [p["code"] for p in card["places_of_service"]] == ["19", "22", "24"]
    assert [r["code"] for r in card["related_services"]] == ["99152", "99153", "G0500"]
    assert card["vignette"]["age"] == 58
    assert len(card["vignette"]["steps"]) == 6


def test_both_engines_give_the_same_card():
    assert api.info("44365", engine="oxigraph") == api.info("44365", engine="rdflib")


@pytest.mark.parametrize("typed", ["44365", " cpt 44365", "CPT:44365", "cpt:44365", "https://w3id.org/cptkg/cpt/44365"])
def test_info_accepts_the_forms_people_type(typed):
    assert api.info(typed)["code"] == "44365"


def test_info_hcpcs_code():
    card = api.info("g0500")
    assert card["code"] == "G0500"
    assert card["system"] == "Healthcare Common Procedure Coding System, Level II"


def test_info_88305_shows_its_modifier_rows():
    card = api.info("88305")
    assert sorted(e["modifier"] or "" for e in card["fee_schedules"]) == ["", "26", "TC"]
    assert {r["modifier"]: r["status"] for r in card["modifier_rules"]} == {"26": "allowed", "TC": "allowed"}


def test_unknown_code_suggests_the_nearest_and_exits_2():
    result = cptkg("info", "44367")
    assert result.exit_code == 2
    assert result.stdout == ""
    line = result.stderr.strip()
    assert line == "cptkg: error: unknown code '44367'; nearest known codes: 44366, 44365, 44369"
    with pytest.raises(UnknownCodeError) as err:
        api.info("44367")
    assert err.value.suggestions == ["44366", "44365", "44369"]


def test_garbage_code_is_a_clear_error():
    result = cptkg("info", "not a code")
    assert result.exit_code == 2
    assert result.stderr.startswith("cptkg: error: unknown code 'not a code'")
