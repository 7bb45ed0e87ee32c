"""Links to other terminologies: the SSSOM mapping sets, their offline verification, the graph's skos:*Match
triples, and the SSSOM and FHIR exports."""

from __future__ import annotations

import io
import json
import re
import shutil

import pytest
import rdflib
from rdflib.namespace import SKOS

from cptkg.graph.mappings import mapping_files, prefix_disagreements, read_mapping_set
from cptkg.links.checks import FAILED, TRACED, UNVERIFIABLE, VERIFIED, check_links
from cptkg.links.exports import export, export_fhir_codesystem, export_fhir_conceptmaps
from cptkg.namespaces import all_prefixes
from cptkg.resources import ontology_dir

from .conftest import cptkg as cli
from .conftest import require_shared

SETS = {p.name.removesuffix(".sssom.tsv"): p for p in mapping_files()}
MATCHES = [SKOS.exactMatch, SKOS.closeMatch, SKOS.broadMatch, SKOS.narrowMatch, SKOS.relatedMatch]


def test_one_set_per_target():
    assert set(SETS) == {"uberon", "fma", "snomedct", "ncit", "icd10pcs", "icd10cm", "cpt-hcpcs", "cms-pos"}


@pytest.mark.parametrize("name", sorted(SETS))
def test_metadata_and_rows(name):
    mapping_set = read_mapping_set(SETS[name])
    assert mapping_set.id == f"https://w3id.org/cptkg/mappings/{name}"
    for key in ("license", "mapping_date", "mapping_set_version", "mapping_set_title", "object_source"):
        assert mapping_set.metadata.get(key), key
    assert prefix_disagreements(mapping_set) == []
    assert set(mapping_set.curie_map) <= set(all_prefixes())
    for row in mapping_set.rows:
        assert row["mapping_justification"].startswith("semapv:")
        assert row["object_label"].strip() and row["subject_label"].strip()
        assert row["see_also"].startswith("src:")


@pytest.mark.parametrize("name", sorted(SETS))
def test_sets_parse_with_sssom_py_and_round_trip(name):
    from sssom.parsers import parse_sssom_table
    from sssom.writers import write_table

    parsed = parse_sssom_table(SETS[name])
    ours = read_mapping_set(SETS[name])
    assert len(parsed.df) == len(ours.rows)
    assert parsed.metadata["mapping_set_id"] == ours.id
    buffer = io.StringIO()
    write_table(parsed, buffer)
    again = parse_sssom_table(io.StringIO(buffer.getvalue()))
    columns = ["subject_id", "predicate_id", "object_id", "object_label", "confidence"]
    as_rows = lambda df: sorted(map(tuple, df[columns].astype(str).values.tolist()))  # noqa: E731
    assert as_rows(again.df) == as_rows(parsed.df)


def test_the_graphs_match_triples_are_exactly_the_rows(graph, built):
    expected = set()
    for path in SETS.values():
        mapping_set = read_mapping_set(path)
        for row in mapping_set.rows:
            line = int(row["_line"])
            expected.add(
                tuple(
                    rdflib.URIRef(mapping_set.expand(row[c], line)) for c in ("subject_id", "predicate_id", "object_id")
                )
            )
    for g in (graph, rdflib.Graph().parse(built / "cptkg.ttl", format="turtle")):
        actual = {(s, p, o) for p in MATCHES for s, o in g.subject_objects(p)}
        assert actual == expected
    assert len(expected) == 77


def test_duodenal_parts_are_not_mapped_to_uberon_and_part_1_not_to_fma(graph):
    anat = "https://w3id.org/cptkg/anatomy/duodenum-part-"
    uberon = "http://purl.obolibrary.org/obo/UBERON_"
    for part in "1234":
        assert not [o for o in graph.objects(rdflib.URIRef(anat + part), SKOS.exactMatch) if str(o).startswith(uberon)]
    assert not list(graph.objects(rdflib.URIRef(anat + "1"), SKOS.exactMatch))
    # the parts' FMA identifiers are seen in the Human Reference Atlas only: close matches, never exact
    for part in "234":
        assert not list(graph.objects(rdflib.URIRef(anat + part), SKOS.exactMatch))
    fma = {str(o) for o in graph.objects(rdflib.URIRef(anat + "2"), SKOS.closeMatch)}
    assert fma == {"http://purl.org/sig/ont/fma/fma14928"}


def test_every_target_is_a_confirmed_row_of_the_reference():
    notes = require_shared("reference/terminology.md").read_text(encoding="utf-8")
    rows = [line for line in notes.splitlines() if line.startswith("|")]
    for name in ("uberon", "fma", "snomedct", "ncit", "icd10pcs"):
        mapping_set = read_mapping_set(SETS[name])
        for row in mapping_set.rows:
            local = row["object_id"].split(":", 1)[1]
            needle = {
                "uberon": f"UBERON:{local}",
                "fma": f"FMA:{local}",
                "snomedct": local,
                "ncit": local,
                "icd10pcs": local,
            }[name]
            matching = [r for r in rows if re.search(rf"(?<![\w:]){re.escape(needle)}(?!\d)", r)]
            assert matching, f"{name}: {row['object_id']} is not in the terminology notes"
            assert any("UNCONFIRMED" not in r or needle == "FMA:7206" for r in matching), (name, row["object_id"])


@pytest.mark.slow
def test_links_check_verifies_every_checkable_target():
    checks = check_links(
        uberon_obo=require_shared("reference/uberon/uberon_terms.obo"),
        hcpcs_file=require_shared("reference/cms/hcpcs_level_2_2022.csv"),
        pos_file=require_shared("reference/cms/place_of_service.csv"),
    )
    by_set: dict[str, set[str]] = {}
    for check in checks:
        by_set.setdefault(check.mapping_set, set()).add(check.status)
    assert by_set["icd10pcs"] == by_set["icd10cm"] == by_set["uberon"] == by_set["cms-pos"] == {VERIFIED}
    assert by_set["fma"] == by_set["snomedct"] == by_set["ncit"] == {TRACED}
    assert FAILED not in {c.status for c in checks}
    assert len(checks) == 77


def test_links_check_catches_a_wrong_title_and_an_unverifiable_section(tmp_path):
    root = tmp_path / "ontology"
    shutil.copytree(ontology_dir(), root)
    pcs = root / "mappings" / "icd10pcs.sssom.tsv"
    text = pcs.read_text()
    text = text.replace("ICD10PCS:0DBA8ZZ\tExcision of Jejunum", "ICD10PCS:0DBA8ZZ\tExcision of Ileum", 1)
    text = text.replace(
        "ICD10PCS:0DJD8ZZ\tInspection of Lower Intestinal Tract, Via Natural or Artificial Opening "
        "Endoscopic\tsemapv:ManualMappingCuration\t0.8\tthe scope",
        "ICD10PCS:BD15ZZZ\tFluoroscopy\tsemapv:ManualMappingCuration\t0.8\tthe scope",
        1,
    )
    pcs.write_text(text)
    checks = {(c.subject, c.target): c for c in check_links(root)}
    wrong = checks[("cpt:44364", "ICD10PCS:0DBA8ZZ")]
    assert wrong.status == FAILED and "is titled 'Excision of Jejunum" in wrong.message
    other = checks[("cpt:44376", "ICD10PCS:BD15ZZZ")]
    assert other.status == UNVERIFIABLE and "outside section 0" in other.message
    result = cli("links", "check")
    assert result.exit_code == 0 and "0 failed" in result.stdout


def test_sssom_export_is_one_set_that_sssom_py_reads(tmp_path):
    from sssom.parsers import parse_sssom_table

    path = tmp_path / "all.sssom.tsv"
    path.write_text(export("sssom"))
    merged = parse_sssom_table(path)
    assert len(merged.df) == 77
    assert merged.metadata["mapping_set_id"] == "https://w3id.org/cptkg/mappings/all"


def test_fhir_conceptmaps_validate_and_use_the_canonical_systems():
    from fhir.resources.R4B.bundle import Bundle
    from fhir.resources.R4B.conceptmap import ConceptMap

    bundle = export_fhir_conceptmaps()
    Bundle.model_validate(bundle)
    maps = {e["resource"]["id"]: e["resource"] for e in bundle["entry"]}
    for resource in maps.values():
        ConceptMap.model_validate(resource)
    assert set(maps) == {"cptkg-to-snomedct", "cptkg-to-icd10pcs", "cptkg-to-icd10cm", "cptkg-to-cms-pos"}
    pcs = maps["cptkg-to-icd10pcs"]["group"][0]
    assert (pcs["source"], pcs["target"]) == (
        "http://www.ama-assn.org/go/cpt",
        "http://www.cms.gov/Medicare/Coding/ICD10",
    )
    element = next(e for e in pcs["element"] if e["code"] == "44365")
    assert {t["code"] for t in element["target"]} == {"0DBA8ZZ", "0DB98ZZ", "0D5A8ZZ", "0D598ZZ"}
    assert {t["equivalence"] for t in element["target"]} == {"relatedto"}
    assert "jejunum" in next(t["comment"] for t in element["target"] if t["code"] == "0DBA8ZZ")
    assert maps["cptkg-to-snomedct"]["group"][0]["target"] == "http://snomed.info/sct"
    assert maps["cptkg-to-icd10cm"]["group"][0]["target"] == "http://hl7.org/fhir/sid/icd-10-cm"


def test_fhir_codesystem_fragment_validates():
    from fhir.resources.R4B.codesystem import CodeSystem

    resource = export_fhir_codesystem()
    CodeSystem.model_validate(resource)
    codes = {c["code"]: c for c in resource["concept"]}
    assert codes["anatomy/jejunum"]["display"] == "jejunum"
    assert resource["content"] == "fragment" and resource["count"] == len(codes)


def test_export_cli_writes_files(tmp_path):
    out = tmp_path / "maps.json"
    assert cli("export", "--format", "fhir-conceptmap", "--out", str(out)).exit_code == 0
    assert json.loads(out.read_text())["resourceType"] == "Bundle"
    nq = tmp_path / "cptkg.nq"
    assert cli("export", "--format", "nq", "--out", str(nq)).exit_code == 0
    import pyoxigraph as ox

    graphs = {q.graph_name.value for q in ox.parse(path=str(nq), format=ox.RdfFormat.N_QUADS)}
    assert "https://w3id.org/cptkg/graph/mappings/icd10pcs" in graphs


def test_a_malformed_mapping_set_is_one_clear_error(tmp_path):
    root = tmp_path / "ontology"
    shutil.copytree(ontology_dir(), root)
    path = root / "mappings" / "ncit.sssom.tsv"
    path.write_text(path.read_text().replace("skos:exactMatch\tNCIT:C12389", "skos:sameAs\tNCIT:C12389"))
    result = cli("build", "--out", str(tmp_path / "dist"), "--sources", str(root))
    assert result.exit_code == 2
    assert re.match(
        rf"cptkg: error: {re.escape(str(path))}:\d+: predicate 'skos:sameAs' is not a skos mapping predicate",
        result.stderr,
    )
