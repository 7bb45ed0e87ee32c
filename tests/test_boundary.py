"""The upper boundary of the enteroscopy families: EGD | enteroscopy (jejunum) | enteroscopy (ileum), decided by
the 50 cm rule, which is data (a cptkg:DistanceRule) that the shapes and the code finder read."""

from __future__ import annotations

import csv
from decimal import Decimal

import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import SKOS

from cptkg.namespaces import CPTKG

from .conftest import cptkg, require_shared
from .test_queries import ILEAL, JEJUNAL, col, rows

ANAT = "https://w3id.org/cptkg/anatomy/"
BASE = "https://w3id.org/cptkg/"
RULE = URIRef(BASE + "rule/enteroscopy-distance")
DUODENAL_PARTS = {URIRef(ANAT + f"duodenum-part-{n}") for n in "1234"}


def egd_family_in_the_fee_schedule() -> list[str]:
    """43235 and every code the CMS file gives ENDO BASE 43235 (domain-facts section 6), read from the file's
    own header: its column names run over two rows ("ENDO" above "BASE")."""
    path = require_shared("reference/cms/PPRRVU2025_Oct.csv")
    table = list(csv.reader(path.read_text(encoding="utf-8-sig").splitlines()))
    last = max(i for i, row in enumerate(table) if row and row[0] == "HCPCS")
    column = next(
        i
        for i, (top, bottom) in enumerate(zip(table[last - 1], table[last], strict=False))
        if (top, bottom) == ("ENDO", "BASE")
    )
    codes = {row[0] for row in table[last + 1 :] if len(row) > column and row[column].strip() == "43235"}
    return sorted(codes | {"43235"})


def family_members(graph, base: str) -> set[str]:
    family = URIRef(BASE + f"cpt/family/{base}")
    return {str(graph.value(code, SKOS.notation)) for code in graph.subjects(SKOS.broader, family)}


def test_no_enteroscopy_code_ends_in_the_duodenum(inferred):
    for base in ("44360", "44376"):
        for code in inferred.subjects(SKOS.broader, URIRef(BASE + f"cpt/family/{base}")):
            extent = inferred.value(code, CPTKG.anatomicExtent)
            ends = set(inferred.objects(extent, CPTKG.distalEndIn))
            assert ends and not ends & DUODENAL_PARTS, code


def test_the_derived_ends_agree_with_the_asserted_ones(inferred):
    # the reasoner derives the possible ends from the limits: jejunum only, ileum only, the duodenum for EGD
    ends = {
        base: {
            str(o).rsplit("/", 1)[1]
            for c in inferred.subjects(SKOS.broader, URIRef(BASE + f"cpt/family/{base}"))
            for o in inferred.objects(inferred.value(c, CPTKG.anatomicExtent), CPTKG.distalEndIn)
        }
        for base in ("44360", "44376", "43235")
    }
    assert ends == {
        "44360": {"jejunum"},
        "44376": {"ileum"},
        "43235": {f"duodenum-part-{n}" for n in "1234"},
    }


def test_the_50_cm_rule_is_data(graph):
    assert graph.value(RULE, CPTKG.minimumDistanceCm).toPython() == Decimal("50.0")
    assert graph.value(RULE, CPTKG.measuredFrom) == URIRef(ANAT + "pylorus")
    assert set(graph.objects(RULE, CPTKG.appliesToFamily)) == {
        URIRef(BASE + "cpt/family/44360"),
        URIRef(BASE + "cpt/family/44376"),
    }
    assert graph.value(RULE, CPTKG.otherwiseFamily) == URIRef(BASE + "cpt/family/43235")
    assert graph.value(RULE, CPTKG.regionShortOfDistance) == URIRef(ANAT + "duodenum")
    sources = {
        str(s).rsplit("/", 1)[1] for s in graph.objects(RULE, URIRef("http://www.w3.org/ns/prov#wasDerivedFrom"))
    }
    assert {"iframe-44366", "iframe-44363"} <= sources


def test_the_egd_family_is_every_endo_base_43235_row(graph):
    expected = egd_family_in_the_fee_schedule()
    assert len(expected) == 31
    assert sorted(family_members(graph, "43235")) == expected
    assert graph.value(URIRef(BASE + "cpt/family/43235"), CPTKG.baseCode) == URIRef(BASE + "cpt/43235")


def test_codes_ending_in_the_duodenum_are_the_egd_codes(engine):
    egd = egd_family_in_the_fee_schedule()
    for segment in ("duodenum-part-3", "duodenum-part-4", "duodenum"):
        assert sorted(set(col(engine, "codes-ending-in", "code", segment=segment))) == egd, segment
    assert col(engine, "codes-ending-in", "code", segment="jejunum") == JEJUNAL
    assert col(engine, "codes-ending-in", "code", segment="ileum") == ILEAL


def test_enteroscopy_is_not_reported_with_the_named_egd_codes(graph):
    named = {"43233", *(str(c) for c in range(43235, 43256)), "43257", "43259", "43266", "43270"}
    for base in ("44360", "44376"):
        family = URIRef(BASE + f"cpt/family/{base}")
        codes = {str(graph.value(c, SKOS.notation)) for c in graph.objects(family, CPTKG.notReportedWithCode)}
        assert codes == named, base
    # 43210, 43290, 43291, 43497 and 0813T share the base but the instruction does not name them
    unnamed = {"43210", "43290", "43291", "43497", "0813T"}
    assert unnamed <= family_members(graph, "43235")
    assert not codes & unnamed


@pytest.mark.parametrize(
    ("params", "codes", "rule"),
    [
        # the three examples
        (
            {"segment": "duodenum-part-3", "method": "lesion-removal", "technique": "hot-biopsy-forceps"},
            ["43250"],
            "the most distal segment reached",
        ),
        (
            {"distance": "60", "segment": "jejunum", "method": "lesion-removal", "technique": "hot-biopsy-forceps"},
            ["44365"],
            "the 50 cm rule",
        ),
        ({"segment": "ileum", "method": "lesion-removal", "technique": "hot-biopsy-forceps"}, ["44799"], None),
        # a distance alone decides the family
        (
            {"distance": "30 cm", "method": "lesion-removal", "technique": "bipolar-cautery"},
            ["43250"],
            "the 50 cm rule",
        ),
        ({"distance": "50", "method": "lesion-removal", "technique": "bipolar-cautery"}, ["44365"], "the 50 cm rule"),
        ({"distance": "49.9", "method": "biopsy"}, ["43239"], "the 50 cm rule"),
        ({"distance": "120", "segment": "ileum", "method": "biopsy"}, ["44377"], "the 50 cm rule"),
    ],
)
def test_code_finder_across_the_three_families(engine, params, codes, rule):
    found = rows(engine, "code-finder", **params)
    # without a segment a code comes once for each segment it may end in
    assert sorted({r["code"] for r in found}) == codes
    if rule is not None:
        assert all(r["rule"].startswith(rule) for r in found), found


def test_code_finder_says_when_distance_and_segment_disagree(engine):
    found = rows(engine, "code-finder", distance="60", segment="duodenum-part-3")
    assert len(found) == 1 and found[0].get("code", "") == ""
    assert "short of the 50 cm rule's distance" in found[0]["reason"]
    assert "60 cm" in found[0]["reason"]


def test_a_bad_distance_is_one_error_line():
    result = cptkg("query", "code-finder", "-p", "distance=far")
    assert result.exit_code == 2
    assert "not a distance in centimetres: 'far'" in result.output


def test_the_family_query_names_the_codes_not_reported_with(engine):
    result = rows(engine, "family", code="44365")
    members = {r.get("member") for r in result if r["relation"] == "not reported with"}
    assert {"43239", "43250", "43270"} <= members
    egd = rows(engine, "family", code="43250")
    assert [r["member"] for r in egd if r["relation"] == "base code"] == ["43235"]


def test_info_across_the_three_families():
    for code, expected in (("43250", "base code 43235"), ("44365", "base code 44360"), ("44378", "base code 44376")):
        result = cptkg("info", code)
        assert result.exit_code == 0, result.output
        assert expected in result.stdout


def test_service_type_has_two_axes(graph):
    def of(code, prop):
        return {str(o).rsplit("/", 1)[1] for o in graph.objects(URIRef(BASE + f"cpt/{code}"), prop)}

    for base in ("44360", "44376", "43235"):
        assert of(base, CPTKG.serviceType) == {"diagnostic-endoscopy"}
        assert of(base, CPTKG.clinicalPurpose) == {"diagnostic-purpose"}
    for biopsy in ("44361", "44377", "43239"):
        assert of(biopsy, CPTKG.serviceType) == {"surgical-endoscopy"}, biopsy
        assert of(biopsy, CPTKG.clinicalPurpose) == {"diagnostic-purpose"}, biopsy
    assert of("44365", CPTKG.serviceType) == {"surgical-endoscopy"}
    assert of("44365", CPTKG.clinicalPurpose) == {"therapeutic-purpose"}
    # "diagnostic and therapeutic endoscopy" names the therapeutic purpose, which no biopsy code has
    phrase = Literal("diagnostic and therapeutic endoscopy", lang="en")
    assert set(graph.subjects(SKOS.altLabel, phrase)) == {URIRef(BASE + "vocab/therapeutic-purpose")}


def test_push_enteroscopy_is_the_source_documents_claim_on_44365_only(graph):
    push = URIRef(BASE + "vocab/push-enteroscopy")
    assert set(graph.subjects(CPTKG.approach, push)) == {URIRef(BASE + "cpt/44365")}
    sources = set(graph.objects(URIRef(BASE + "cpt/44365"), URIRef("http://www.w3.org/ns/prov#wasDerivedFrom")))
    assert URIRef(BASE + "source/cpt-44365-overview") in sources


def test_descriptor_wording_is_not_reproduced(graph):
    run = "collection of specimens by brushing or washing when done"
    order = "injection, bipolar or unipolar cautery, laser, heater probe, stapler or plasma coagulator"
    for text in graph.objects(None, SKOS.definition):
        assert run not in str(text).lower()
        assert order not in str(text).lower()
    # 44369's targets rest on unconfirmed wording
    assert graph.value(URIRef(BASE + "cpt/44369"), CPTKG.targetLesion) is None
