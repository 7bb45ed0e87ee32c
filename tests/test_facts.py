"""The curated facts of 44365 and its family, read back through SPARQL on both engines."""

from __future__ import annotations

from decimal import Decimal

import pytest

from cptkg.sparql.terms import Term

P = """PREFIX cptkg: <https://w3id.org/cptkg/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX prov: <http://www.w3.org/ns/prov#>
"""
CPT = "https://w3id.org/cptkg/cpt/"
ANAT = "https://w3id.org/cptkg/anatomy/"
VOCAB = "https://w3id.org/cptkg/vocab/"
FAMILY_JEJUNUM = ["44360", "44361", "44363", "44364", "44365", "44366", "44369", "44370", "44372", "44373"]
FAMILY_ILEUM = ["44376", "44377", "44378", "44379"]


def values(engine, query, **bindings):
    table = engine.select(P + query, {k: Term.iri(v) for k, v in bindings.items()})
    return [tuple(t.python() if t is not None else None for t in row) for row in table.rows]


def column(engine, query, **bindings):
    return sorted(row[0] for row in values(engine, query, **bindings))


def test_44365_extent(engine):
    q = "SELECT ?s WHERE { ?code cptkg:anatomicExtent ?e . ?e cptkg:%s ?s }"
    code = CPT + "44365"
    assert column(engine, q % "reachesBeyond", code=code) == [ANAT + "duodenum-part-2"]
    assert column(engine, q % "doesNotReach", code=code) == [ANAT + "ileum"]
    assert column(engine, q % "excludesSegment", code=code) == [ANAT + "ileum"]
    assert column(engine, q % "entersAt", code=code) == [ANAT + "esophagus"]
    # never the duodenum: short of 50 cm beyond the pylorus is an EGD (reference, section 6)
    assert column(engine, q % "distalEndIn", code=code) == [ANAT + "jejunum"]
    assert column(engine, q % "examines", code=code) == sorted(
        ANAT + s
        for s in (
            "esophagus",
            "stomach",
            "duodenum-part-1",
            "duodenum-part-2",
            "duodenum-part-3",
            "duodenum-part-4",
            "jejunum",
        )
    )
    assert column(engine, q % "mustReach", code=code) == [ANAT + "jejunum"]


def test_ileum_family_extent(engine):
    q = "SELECT ?s WHERE { ?code cptkg:anatomicExtent ?e . ?e cptkg:%s ?s }"
    for code in FAMILY_ILEUM:
        assert column(engine, q % "mustReach", code=CPT + code) == [ANAT + "ileum"]
        assert column(engine, q % "distalEndIn", code=CPT + code) == [ANAT + "ileum"]
        assert column(engine, q % "doesNotReach", code=CPT + code) == []


def test_44365_techniques_lesions_method(engine):
    code = CPT + "44365"
    assert column(engine, "SELECT ?t WHERE { ?code cptkg:technique ?t }", code=code) == [
        VOCAB + "bipolar-cautery",
        VOCAB + "hot-biopsy-forceps",
    ]
    assert column(engine, "SELECT ?t WHERE { ?code cptkg:targetLesion ?t }", code=code) == [
        VOCAB + "other-lesion",
        VOCAB + "polyp",
        VOCAB + "tumor",
    ]
    assert column(engine, "SELECT ?m WHERE { ?code cptkg:method ?m }", code=code) == [VOCAB + "lesion-removal"]


def test_44364_is_the_snare_sibling(engine):
    assert column(engine, "SELECT ?t WHERE { ?code cptkg:technique ?t }", code=CPT + "44364") == [VOCAB + "snare"]


def test_families_and_base_codes(engine):
    q = "SELECT ?n WHERE { ?c skos:broader ?family ; skos:notation ?n }"
    assert column(engine, q, family=CPT + "family/44360") == FAMILY_JEJUNUM
    assert column(engine, q, family=CPT + "family/44376") == FAMILY_ILEUM
    rows = values(
        engine,
        "SELECT ?n ?b WHERE { ?c a cptkg:EndoscopicProcedureCode ; skos:notation ?n ; "
        "skos:broader/cptkg:baseCode/skos:notation ?b }",
    )
    bases = dict(rows)
    assert all(bases[c] == "44360" for c in FAMILY_JEJUNUM)
    assert all(bases[c] == "44376" for c in FAMILY_ILEUM)
    # surgical codes include their diagnostic base code
    included = column(
        engine, "SELECT ?n WHERE { ?c cptkg:includesService ?base ; skos:notation ?n }", base=CPT + "44360"
    )
    assert included == [c for c in FAMILY_JEJUNUM if c != "44360"]


EXPECTED_PFS = {
    # code: work, nf PE, fac PE, MP, total nf, total fac, mult proc, assistant, endo base
    "44360": ("2.49", "1.47", "1.47", "0.29", "4.25", "4.25", "2", "1", None),
    "44361": ("2.77", "1.60", "1.60", "0.33", "4.70", "4.70", "3", "1", "44360"),
    "44363": ("3.39", "1.87", "1.87", "0.40", "5.66", "5.66", "3", "0", "44360"),
    "44364": ("3.63", "1.98", "1.98", "0.43", "6.04", "6.04", "3", "0", "44360"),
    "44365": ("3.21", "1.79", "1.79", "0.39", "5.39", "5.39", "3", "0", "44360"),
    "44366": ("4.30", "2.28", "2.28", "0.50", "7.08", "7.08", "3", "1", "44360"),
    "44369": ("4.41", "2.33", "2.33", "0.51", "7.25", "7.25", "3", "0", "44360"),
    "44370": ("4.69", "2.64", "2.64", "0.55", "7.88", "7.88", "3", "0", "44360"),
    "44372": ("4.30", "2.22", "2.22", "0.58", "7.10", "7.10", "3", "1", "44360"),
    "44373": ("3.39", "1.84", "1.84", "0.47", "5.70", "5.70", "3", "1", "44360"),
    "44376": ("5.15", "2.64", "2.64", "0.60", "8.39", "8.39", "2", "0", None),
    "44377": ("5.42", "2.75", "2.75", "0.63", "8.80", "8.80", "3", "0", "44376"),
    "44378": ("7.02", "3.49", "3.49", "0.82", "11.33", "11.33", "3", "0", "44376"),
    "44379": ("7.36", "3.84", "3.84", "0.86", "12.06", "12.06", "3", "0", "44376"),
}

PFS_QUERY = """SELECT ?work ?nfpe ?fpe ?mp ?nft ?ft ?mult ?asst ?base ?status ?pctc ?global ?nfna ?cf WHERE {
  ?e a cptkg:FeeScheduleEntry ; cptkg:forCode ?code ; cptkg:scheduleYear 2025 ;
     cptkg:workRVU ?work ; cptkg:nonFacilityPracticeExpenseRVU ?nfpe ; cptkg:facilityPracticeExpenseRVU ?fpe ;
     cptkg:malpracticeRVU ?mp ; cptkg:totalNonFacilityRVU ?nft ; cptkg:totalFacilityRVU ?ft ;
     cptkg:multipleProcedureIndicator/skos:notation ?mult ; cptkg:assistantAtSurgeryIndicator/skos:notation ?asst ;
     cptkg:statusCode/skos:notation ?status ; cptkg:pctcIndicator/skos:notation ?pctc ;
     cptkg:globalSurgery/skos:notation ?global ; cptkg:nonFacilityNotApplicable ?nfna ; cptkg:conversionFactor ?cf .
  FILTER NOT EXISTS { ?e cptkg:forModifier ?m }
  OPTIONAL { ?e cptkg:endoscopicBaseCode/skos:notation ?base }
}"""


@pytest.mark.parametrize("code", sorted(EXPECTED_PFS))
def test_fee_schedule_values(engine, code):
    rows = values(engine, PFS_QUERY, code=CPT + code)
    assert len(rows) == 1
    work, nfpe, fpe, mp, nft, ft, mult, asst, base, status, pctc, glob, nfna, cf = rows[0]
    expected = EXPECTED_PFS[code]
    assert [work, nfpe, fpe, mp, nft, ft] == [Decimal(v) for v in expected[:6]]
    assert (mult, asst, base) == expected[6:]
    assert (status, pctc, glob, nfna, cf) == ("A", "0", "000", True, Decimal("32.3465"))
    assert work + fpe + mp == ft


def test_88305_has_professional_and_technical_rows(engine):
    q = (
        "SELECT ?m ?pctc ?work ?ft WHERE { ?e cptkg:forCode ?code ; cptkg:pctcIndicator/skos:notation ?pctc ; "
        "cptkg:workRVU ?work ; cptkg:totalFacilityRVU ?ft . OPTIONAL { ?e cptkg:forModifier/skos:notation ?m } }"
    )
    rows = sorted(values(engine, q, code=CPT + "88305"), key=lambda r: r[0] or "")
    assert rows == [
        (None, "1", Decimal("0.75"), Decimal("2.15")),
        ("26", "1", Decimal("0.75"), Decimal("1.08")),
        ("TC", "1", Decimal("0"), Decimal("1.07")),
    ]


def test_26_and_tc_not_allowed_on_44365_because_of_pctc_0(engine):
    q = """SELECT ?m ?status ?indicator WHERE {
      ?r a cptkg:ModifierRule ; cptkg:forCode ?code ; cptkg:payer ?payer ; cptkg:forModifier/skos:notation ?m ;
         cptkg:ruleStatus ?status ; cptkg:basedOnIndicator/skos:notation ?indicator . FILTER(?m IN ("26", "TC")) }"""
    rows = sorted(values(engine, q, code=CPT + "44365", payer="https://w3id.org/cptkg/payer/medicare"))
    assert rows == [("26", VOCAB + "not-allowed", "0"), ("TC", VOCAB + "not-allowed", "0")]
    # and the indicator says so as data
    forbidden = column(engine, "SELECT ?m WHERE { ?i cptkg:forbidsModifier/skos:notation ?m }", i=VOCAB + "pfs-pctc-0")
    assert forbidden == ["26", "TC"]


def test_modifier_rules_cover_what_the_issue_lists(engine):
    q = "SELECT ?m WHERE { ?r cptkg:forCode ?code ; cptkg:forModifier/skos:notation ?m }"
    assert set(column(engine, q, code=CPT + "44365")) == {
        "22",
        "26",
        "51",
        "53",
        "59",
        "73",
        "74",
        "76",
        "77",
        "78",
        "79",
        "TC",
        "XE",
        "XP",
        "XS",
        "XU",
    }


def test_no_modifier_11_in_the_registry(engine):
    assert column(engine, 'SELECT ?m WHERE { ?m a cptkg:Modifier ; skos:notation "11" }') == []
    assert column(
        engine, 'SELECT ?p WHERE { ?p a cptkg:PlaceOfService ; skos:notation "11" ; cptkg:isFacility false }'
    ) == ["https://w3id.org/cptkg/pos/11"]


def test_44365_places_of_service_exclude_the_office(engine):
    rows = column(engine, "SELECT ?n WHERE { ?code cptkg:typicalPlaceOfService/skos:notation ?n }", code=CPT + "44365")
    assert rows == ["19", "22", "24"]


def test_44365_related_services(engine):
    rows = column(
        engine, "SELECT ?n WHERE { ?code cptkg:relatedService/cptkg:service/skos:notation ?n }", code=CPT + "44365"
    )
    assert rows == ["99152", "99153", "G0500"]


def test_44365_vignette(engine):
    q = """SELECT ?age ?sex ?n ?label WHERE { ?code cptkg:clinicalVignette ?v .
      ?v cptkg:patientAgeYears ?age ; cptkg:patientSex ?sex ; cptkg:workflowStep ?s .
      ?s cptkg:stepNumber ?n ; skos:prefLabel ?label }"""
    rows = sorted(values(engine, q, code=CPT + "44365"), key=lambda r: r[2])
    assert [r[2] for r in rows] == [1, 2, 3, 4, 5, 6]
    assert {(r[0], r[1]) for r in rows} == {(58, VOCAB + "male")}
    assert "sedation" in rows[1][3] and "pathology" in rows[3][3]
    indications = column(
        engine, "SELECT ?i WHERE { ?code cptkg:clinicalVignette/cptkg:indication ?i }", code=CPT + "44365"
    )
    assert indications == [
        VOCAB + "iron-deficiency-anemia",
        VOCAB + "melena",
        VOCAB + "occult-blood-in-stool",
    ]


def test_five_payers(engine):
    rows = column(engine, "SELECT ?p WHERE { ?p a cptkg:Payer }")
    assert rows == [
        "https://w3id.org/cptkg/payer/" + p for p in ("aetna", "bcbs", "cigna", "medicare", "unitedhealthcare")
    ]


def test_source_claims_are_kept_apart(dataset):
    from rdflib import URIRef
    from rdflib.namespace import RDF

    from cptkg.namespaces import CPTKG

    claims_graph = URIRef("https://w3id.org/cptkg/graph/claims/cpt-44365-overview")
    for graph in dataset.graphs():
        claims = set(graph.subjects(RDF.type, CPTKG.SourceClaim))
        if graph.identifier == claims_graph:
            assert len(claims) >= 10
            modifier = next(c for c in claims if str(c).endswith("/modifier/1"))
            assert str(graph.value(modifier, CPTKG.claimedCode)) == "11"
            assert str(graph.value(modifier, CPTKG.claimedMeaning)) == "Professional component"
        else:
            assert not claims, f"claims outside their own graph: {graph.identifier}"
