"""The query catalogue: every query's answer on the shipped graph (values), the same on both engines,
parameters bound safely, and the command line."""

from __future__ import annotations

import json
import shlex
from decimal import Decimal

import pytest

import cptkg
from cptkg.errors import BadInputError, UnknownCodeError
from cptkg.query.catalogue import catalogue, load_query
from cptkg.query.running import run

from .conftest import cptkg as cli

JEJUNAL = ["44360", "44361", "44363", "44364", "44365", "44366", "44369", "44370", "44372", "44373"]
ILEAL = ["44376", "44377", "44378", "44379"]
EXPECTED_NAMES = {
    "code-card",
    "codes-ending-in",
    "extent",
    "codes-by-technique",
    "modifier-rules",
    "fee-schedule",
    "family",
    "payers",
    "crosswalk",
    "code-finder",
    "related-services",
    "sources",
    "not-allowed-modifiers",
    "claims-vs-curated",
}


def rows(engine, name, **params):
    return run(name, params, engine).records()


def col(engine, name, column, **params):
    return [r.get(column) for r in rows(engine, name, **params)]


def test_the_catalogue_has_every_question_with_a_header():
    specs = {s.name: s for s in catalogue()}
    assert set(specs) >= EXPECTED_NAMES
    for spec in specs.values():
        assert spec.title and spec.question and spec.example.startswith(f"cptkg query {spec.name}")
        for param in spec.params:
            assert param.type and param.description


@pytest.mark.parametrize("spec", catalogue(), ids=lambda s: s.name)
def test_every_query_gives_the_same_answer_on_both_engines(spec, oxigraph_engine, rdflib_engine):
    words = shlex.split(spec.example)
    params = dict(w.split("=", 1) for i, w in enumerate(words) if i and words[i - 1] == "-p")
    ours = run(spec.name, params, oxigraph_engine).table
    reference = run(spec.name, params, rdflib_engine).table
    assert ours.variables == reference.variables
    assert ours.comparable() == reference.comparable()


def test_codes_ending_in(engine):
    assert col(engine, "codes-ending-in", "code", segment="jejunum") == JEJUNAL
    assert col(engine, "codes-ending-in", "code", segment="ileum") == ILEAL
    # the duodenum is EGD territory (tests/test_boundary.py): no enteroscopy code ends there
    assert not set(col(engine, "codes-ending-in", "code", segment="duodenum")) & set(JEJUNAL + ILEAL)


def test_the_partonomy_is_no_deeper_than_the_queries_follow(graph):
    # codes-ending-in and code-finder follow partOf up to three steps (see the queries: Virtuoso's
    # transitive paths are unreliable); a deeper partonomy would silently lose answers.
    from rdflib import URIRef

    part_of = URIRef("https://w3id.org/cptkg/ontology#partOf")

    def depth(node, seen=()):
        wholes = [w for w in graph.objects(node, part_of) if w not in seen]
        return 1 + max(depth(w, (*seen, node)) for w in wholes) if wholes else 0

    depths = {node: depth(node) for node in set(graph.subjects(part_of, None))}
    assert depths and 2 <= max(depths.values()) <= 3


def test_extent_in_anatomical_order(engine):
    result = rows(engine, "extent", code="44365")
    examines = [r["label"] for r in result if r["role"] == "examines"]
    assert examines == [
        "esophagus",
        "stomach",
        "duodenum, first part",
        "duodenum, second part",
        "duodenum, third part",
        "duodenum, fourth part",
        "jejunum",
    ]
    assert [r["label"] for r in result if r["role"] == "distal end in"] == ["jejunum"]
    assert [(r["role"], r["label"]) for r in result[:3]] == [
        ("enters at", "esophagus"),
        ("reaches beyond", "duodenum, second part"),
        ("does not reach", "ileum"),
    ]


def test_codes_by_technique(engine):
    assert col(engine, "codes-by-technique", "code", technique="bipolar-cautery") == ["44365", "44366", "44378"]
    assert col(engine, "codes-by-technique", "code", technique="hot-biopsy-forceps") == ["44365"]
    # 43251 is the EGD snare removal (its CMS short descriptor names the snare)
    assert col(engine, "codes-by-technique", "code", technique="snare") == ["43251", "44364"]
    assert col(engine, "codes-by-technique", "code", technique="cautery") == ["43250"]


def test_modifier_rules(engine):
    result = rows(engine, "modifier-rules", code="44365", payer="medicare")
    statuses = {r["modifier"]: r["status"] for r in result}
    assert statuses["26"] == statuses["TC"] == "not allowed"
    assert {m for m, s in statuses.items() if s == "conditional"} == {
        "22",
        "51",
        "53",
        "59",
        "73",
        "74",
        "76",
        "77",
        "78",
        "79",
        "XE",
        "XP",
        "XS",
        "XU",
    }
    assert [r["modifier"] for r in result][:2] in (["26", "26"], ["26", "TC"])
    rule_26 = [r for r in result if r["modifier"] == "26"]
    assert {r["source"] for r in rule_26} == {
        "RVU25D: record layout and indicator definitions of the 2025 National Physician Fee Schedule Relative "
        "Value File (with Attachment A)",
        "National Physician Fee Schedule Relative Value File, calendar year 2025, October release (PPRRVU2025_Oct)",
    }
    assert rule_26[0]["indicator"] == "PC/TC 0: physician service code"
    assert rows(engine, "modifier-rules", code="44365", payer="aetna") == []


def test_fee_schedule(engine):
    result = rows(engine, "fee-schedule", code="44365")
    fields = {r["field"]: r for r in result}
    assert fields["work RVU"]["value"] == Decimal("3.21")
    assert fields["total facility RVU"]["value"] == Decimal("5.39")
    assert fields["PC/TC indicator"]["value"] == "0"
    assert "Modifiers 26 and TC cannot be used" in fields["PC/TC indicator"]["meaning"]
    assert fields["endoscopic base code"]["value"] == "44360"
    assert fields["non-facility NA"]["value"] is True
    rows_88305 = rows(engine, "fee-schedule", code="88305", year="2025")
    assert {r.get("modifier") for r in rows_88305} == {None, "26", "TC"}
    assert rows(engine, "fee-schedule", code="44365", year="2024") == []


def test_family(engine):
    result = rows(engine, "family", code="44365")
    by = {}
    for r in result:
        by.setdefault(r["relation"], []).append(r.get("member") or r["label"])
    assert by["base code"] == ["44360"]
    assert by["sibling"] == [c for c in JEJUNAL if c != "44365"]
    assert by["includes"] == ["44360"]
    # the ileum family, and each EGD code the instruction names (43233, 43235-43259, 43266, 43270)
    egd = ["43233", *(str(c) for c in range(43235, 43256)), "43257", "43259", "43266", "43270"]
    assert by["not reported with"] == ["Enteroscopy past the second part of the duodenum, into the ileum", *egd]


def test_payers(engine):
    result = rows(engine, "payers", code="44365")
    assert next(r["payer"] for r in result) == "Medicare"
    assert {r["payer"] for r in result} == {"Medicare", "Aetna", "Blue Cross Blue Shield", "Cigna", "UnitedHealthcare"}
    assert {r["type"] for r in result if r["payer"] != "Medicare"} == {"commercial insurer"}


def test_crosswalk_reads_the_mapping_sets(engine):
    assert rows(engine, "crosswalk", concept="44365") == rows(engine, "crosswalk", concept="cpt:44365")
    pcs = rows(engine, "crosswalk", concept="44365", system="icd10pcs")
    # lesions cut out map to Excision, lesions burnt away by cautery to Destruction: each row is conditional
    assert [(r["predicate"], r["target"].rsplit("/", 1)[1], r["confidence"]) for r in pcs] == [
        ("relatedMatch", "0D598ZZ", Decimal("0.7")),
        ("relatedMatch", "0D5A8ZZ", Decimal("0.7")),
        ("relatedMatch", "0DB98ZZ", Decimal("0.8")),
        ("relatedMatch", "0DBA8ZZ", Decimal("0.8")),
    ]
    assert pcs[1]["targetLabel"] == "Destruction of Jejunum, Via Natural or Artificial Opening Endoscopic"
    assert pcs[3]["targetLabel"] == "Excision of Jejunum, Via Natural or Artificial Opening Endoscopic"
    assert "jejunum" in pcs[3]["comment"] and "cautery" in pcs[1]["comment"]
    jejunum = rows(engine, "crosswalk", concept="anat:jejunum")
    assert {r["systemLabel"] for r in jejunum} == {
        "UBERON",
        "Foundational Model of Anatomy",
        "SNOMED CT",
        "NCI Thesaurus",
    }
    assert rows(engine, "crosswalk", concept="jejunum", system="uberon")[0]["target"] == (
        "http://purl.obolibrary.org/obo/UBERON_0002115"
    )


def test_code_finder(engine):
    found = rows(engine, "code-finder", segment="jejunum", method="lesion-removal", technique="bipolar-cautery")
    assert [r["code"] for r in found] == ["44365"]
    assert found[0]["reason"] == (
        "its most distal point may lie in the jejunum; its method is lesion removal; it names bipolar cautery"
    )
    assert col(engine, "code-finder", "code", segment="jejunum", method="lesion-removal") == ["44364", "44365"]
    assert col(engine, "code-finder", "code", segment="jejunum", method="lesion-removal", technique="snare") == [
        "44364"
    ]
    assert col(engine, "code-finder", "code", segment="ileum", method="biopsy") == ["44377"]
    # lesion removal reaching the ileum has no code in the family: say so and name the unlisted code
    none = rows(engine, "code-finder", segment="ileum", method="lesion-removal", lesion="polyp")
    assert [r["code"] for r in none] == ["44799"]
    assert "no code of the EGD or enteroscopy families describes this procedure" in none[0]["reason"]
    assert none[0]["rule"] == "the most distal segment reached"
    assert "unlisted code 44799" in none[0]["reason"]


def test_related_services(engine):
    result = rows(engine, "related-services", code="44365")
    assert [r["service"] for r in result] == ["99152", "99153", "G0500"]
    assert [r.get("payer") for r in result] == [None, None, "Medicare"]
    assert [r.get("reportedBy") for r in result] == [None, None, "the endoscopist"]


def test_sources(engine):
    result = rows(engine, "sources", code="44365")
    keys = {r.get("key") for r in result}
    assert {"S-RVU-OCT", "S-RVU-DOC", "S-OPPS-B", "P-OP-44365", "P-IF-44366"} <= keys
    assert "src:cptkg-reference-domain-facts" in {r["source"] for r in result} or any(
        r["source"].endswith("cptkg-reference-domain-facts") for r in result
    )
    # the 50 cm boundary in the definitions comes from the project's verified reference notes
    assert {r["kind"] for r in result} == {"primary source", "secondary source", "project documentation"}


def test_not_allowed_modifiers(engine):
    result = rows(engine, "not-allowed-modifiers", payer="medicare")
    assert [(r["code"], r["modifier"]) for r in result] == [
        (c, m) for c in sorted(JEJUNAL + ILEAL) for m in ("26", "TC")
    ]
    assert {r["indicator"] for r in result} == {"PC/TC 0: physician service code"}


def test_claims_vs_curated(engine):
    result = rows(engine, "claims-vs-curated")
    assert len(result) == 1
    assert result[0]["problem"] == "11 is not a modifier"
    assert result[0]["curated"] == "11 is place of service 11 Office; professional component is modifier 26"
    assert result[0]["line"] == 17


def test_code_card_has_every_section(engine):
    result = rows(engine, "code-card", code="44365")
    types = {r["nodeType"].rsplit("#", 1)[1] for r in result}
    assert types == {
        "EndoscopicProcedureCode",
        "CodeFamily",
        "DistanceRule",
        "AnatomicExtent",
        "FeeScheduleEntry",
        "OPPSEntry",
        "ModifierRule",
        "RelatedService",
        "PayerStatement",
        "ClinicalVignette",
        "ClinicalFinding",
        "WorkflowStep",
    }


# ---------------------------------------------------------------- parameters as RDF terms, never as text


@pytest.mark.parametrize(
    "evil",
    [
        '44365" } } SELECT * WHERE { ?s ?p ?o } #',
        "44365> . ?s ?p ?o . <x",
        "https://w3id.org/cptkg/cpt/44365> } DROP ALL #",
        "cpt:44365 } UNION { ?s ?p ?o",
    ],
)
def test_injection_through_a_code_parameter_is_an_error(evil, oxigraph_engine):
    with pytest.raises(BadInputError):
        run("family", {"code": evil}, oxigraph_engine)


def test_injection_through_a_free_text_parameter_binds_a_literal(oxigraph_engine, tmp_path):
    query = tmp_path / "label.rq"
    query.write_text("""# title: by label
# param: text (string, required): a label
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?node WHERE { ?node skos:prefLabel ?label . FILTER(STR(?label) = ?text) }
""")
    evil = 'jejunum" || true || "'
    assert run(str(query), {"text": evil}, oxigraph_engine).table.rows == []
    assert run(str(query), {"text": "jejunum"}, oxigraph_engine).records() == [
        {"node": "https://w3id.org/cptkg/anatomy/jejunum"}
    ]


def test_unknown_values_list_the_valid_ones(oxigraph_engine):
    with pytest.raises(BadInputError) as err:
        run("codes-ending-in", {"segment": "colon"}, oxigraph_engine)
    assert "unknown segment 'colon'; valid values:" in str(err.value) and "jejunum" in str(err.value)
    with pytest.raises(UnknownCodeError):
        run("extent", {"code": "99999"}, oxigraph_engine)
    with pytest.raises(BadInputError, match="has no parameter 'colour'"):
        run("extent", {"code": "44365", "colour": "red"}, oxigraph_engine)
    with pytest.raises(BadInputError, match="needs the parameter code"):
        run("extent", {}, oxigraph_engine)
    with pytest.raises(BadInputError, match="not a year"):
        run("fee-schedule", {"code": "44365", "year": "last year"}, oxigraph_engine)


def test_updates_and_service_are_refused(tmp_path, oxigraph_engine):
    update = tmp_path / "drop.rq"
    update.write_text("DROP ALL")
    with pytest.raises(BadInputError, match="only read queries"):
        run(str(update), {}, oxigraph_engine)
    service = tmp_path / "remote.rq"
    service.write_text("SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }")
    with pytest.raises(BadInputError, match="--allow-service"):
        run(str(service), {}, oxigraph_engine)


# ---------------------------------------------------------------- the command line and the Python API


def test_cli_list_and_help_query():
    listing = cli("query", "--list")
    assert listing.exit_code == 0
    assert "modifier-rules           Modifier rules of a code  (code:code, payer:payer=medicare)" in listing.stdout
    header = cli("query", "code-finder", "--help-query")
    assert header.exit_code == 0 and "unlisted code 44799" in header.stdout and "param: lesion" in header.stdout


def test_cli_formats_and_exit_codes():
    table = cli("query", "codes-ending-in", "-p", "segment=ileum")
    assert table.exit_code == 0 and "44376 | Enteroscopy past" in table.stdout and "(4 rows)" in table.stdout
    csv_out = cli("query", "codes-ending-in", "-p", "segment=ileum", "--format", "csv")
    assert csv_out.stdout.splitlines()[0] == "code,label,family,end"
    tsv_out = cli("query", "codes-ending-in", "-p", "segment=ileum", "--format", "tsv")
    assert tsv_out.stdout.splitlines()[1].startswith('"44376"\t"Enteroscopy')
    as_json = json.loads(cli("query", "codes-ending-in", "-p", "segment=ileum", "--format", "json").stdout)
    assert as_json["head"]["vars"] == ["code", "label", "family", "end"]
    assert as_json["results"]["bindings"][0]["code"] == {"type": "literal", "value": "44376"}
    nothing = cli("query", "codes-ending-in", "-p", "segment=stomach")  # every EGD code goes beyond it
    assert nothing.exit_code == 1 and nothing.stdout == "(no results)\n"
    bad = cli("query", "codes-ending-in", "-p", "segment=colon")
    assert bad.exit_code == 2 and bad.stderr.startswith("cptkg: error: unknown segment 'colon'; valid values:")
    malformed = cli("query", "extent", "-p", "code")
    assert malformed.exit_code == 2 and "is not name=value" in malformed.stderr
    rdflib_run = cli("query", "codes-by-technique", "-p", "technique=snare", "--engine", "rdflib", "--format", "csv")
    assert [line.split(",")[0] for line in rdflib_run.stdout.splitlines()[1:]] == ["43251", "44364"]


def test_python_api_returns_plain_values():
    result = cptkg.query("codes-ending-in", segment="jejunum")
    assert [r["code"] for r in result] == JEJUNAL
    assert all(isinstance(v, str) for r in result for v in r.values())
    fee = {r["field"]: r["value"] for r in cptkg.query("fee-schedule", code="44365", year="2025")}
    assert fee["work RVU"] == Decimal("3.21")


def test_query_files_work_like_catalogue_queries(tmp_path):
    query = tmp_path / "count.rq"
    query.write_text(
        "PREFIX cptkg: <https://w3id.org/cptkg/ontology#>\n"
        "SELECT (COUNT(?e) AS ?entries) WHERE { ?e a cptkg:FeeScheduleEntry ; cptkg:forCode ?code }"
    )
    result = cli("query", str(query), "-p", "code=88305", "--format", "csv")
    assert result.exit_code == 0 and result.stdout.splitlines()[1] == "3"
    assert load_query(str(query)).params == ()
