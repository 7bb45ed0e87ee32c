"""The EGD family (base 43235), ileoscopy through a stoma (base 44380) and the ileal pouch codes 44385/44386:
membership read from the CMS file, their curated fee-schedule rows against the importer on the real file, their
OPPS rows against Addendum B, labels in the project's words, and the CLI answers about them."""

from __future__ import annotations

import csv
import io
import re
import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import RDF, Graph, URIRef
from rdflib.namespace import SKOS

from cptkg.importers import import_pfs
from cptkg.namespaces import CPTKG
from cptkg.resources import ontology_dir

from .conftest import cptkg, require_shared

BASE = "https://w3id.org/cptkg/"
CPT = BASE + "cpt/"
VOCAB = BASE + "vocab/"
PROV = URIRef("http://www.w3.org/ns/prov#wasDerivedFrom")
EGD_FAMILY = URIRef(CPT + "family/43235")
STOMAL_FAMILY = URIRef(CPT + "family/44380")
EXTENT = URIRef(CPT + "family/43235/extent")
POUCH = ("44385", "44386")
CURATED_FILES = ("codes/egd.ttl", "codes/stomal.ttl", "codes/egd-vocabulary.ttl")
PFS_FILE = "medicare/pfs-2025-egd-stomal.ttl"
OPPS_FILE = "medicare/opps-2025-egd-stomal.ttl"


# ---------------------------------------------------------------- the CMS files, read here on their own


def pfs_table() -> dict[str, dict[str, str]]:
    """The unmodified rows of PPRRVU2025_Oct by code: description, ENDO BASE, MULT PROC, from the file's header
    (its column names run over two rows: "ENDO" above "BASE")."""
    path = require_shared("reference/cms/PPRRVU2025_Oct.csv")
    table = list(csv.reader(path.read_text(encoding="utf-8-sig").splitlines()))
    last = max(i for i, row in enumerate(table) if row and row[0] == "HCPCS")
    names = [f"{top} {bottom}".strip() for top, bottom in zip(table[last - 1], table[last], strict=False)]
    column = {name: names.index(name) for name in ("ENDO BASE", "MULT PROC")}
    return {
        row[0]: {"description": row[2], "endo base": row[column["ENDO BASE"]].strip(), "mult": row[column["MULT PROC"]]}
        for row in table[last + 1 :]
        if len(row) > column["ENDO BASE"] and not row[1].strip()
    }


def family_in_the_file(base: str) -> list[str]:
    return sorted({code for code, row in pfs_table().items() if row["endo base"] == base} | {base})


def addendum_b() -> dict[str, dict[str, str]]:
    path = require_shared("reference/cms/OPPS2025_AddendumB.txt")
    rows = list(csv.reader(io.StringIO(path.read_bytes().decode("latin-1")), delimiter="\t"))
    head = next(i for i, row in enumerate(rows) if row and row[0].strip() == "HCPCS Code")
    names = [name.strip() for name in rows[head]]
    return {
        row[0].strip(): {name: (row[i].strip() if i < len(row) else "") for i, name in enumerate(names)}
        for row in rows[head + 1 :]
        if row and row[0].strip()
    }


def all_codes() -> list[str]:
    return sorted({*family_in_the_file("43235"), *family_in_the_file("44380"), *POUCH})


def file_graph(relative: str) -> Graph:
    return Graph().parse(ontology_dir() / relative, format="turtle")


def code(notation: str) -> URIRef:
    return URIRef(CPT + notation)


def local(node) -> str:
    return str(node).rsplit("/", 1)[1]


def members(graph, family: URIRef) -> list[str]:
    return sorted(str(graph.value(c, SKOS.notation)) for c in graph.subjects(SKOS.broader, family))


# ---------------------------------------------------------------- membership


def test_the_egd_family_is_every_endo_base_43235_row(graph):
    expected = family_in_the_file("43235")
    assert len(expected) == 31
    assert {"0813T", "43210", "43290", "43291", "43497"} <= set(expected)
    assert members(graph, EGD_FAMILY) == expected
    assert graph.value(EGD_FAMILY, CPTKG.baseCode) == code("43235")
    assert (EGD_FAMILY, SKOS.inScheme, CPTKG.CodeFamilies) in graph
    for notation in expected:
        node = code(notation)
        assert (node, RDF.type, CPTKG.EndoscopicProcedureCode) in graph, notation
        assert (node, SKOS.inScheme, CPTKG.CPT) in graph, notation
        assert graph.value(node, CPTKG.method) is not None, notation
        if notation != "43235":
            assert graph.value(node, CPTKG.baseCode) == code("43235"), notation
            assert (node, CPTKG.includesService, code("43235")) in graph, notation


def test_the_stomal_family_has_base_44380(graph):
    expected = family_in_the_file("44380")
    assert expected == ["44380", "44381", "44382", "44384"]
    assert members(graph, STOMAL_FAMILY) == expected
    assert graph.value(STOMAL_FAMILY, CPTKG.baseCode) == code("44380")
    for notation in expected[1:]:
        assert graph.value(code(notation), CPTKG.baseCode) == code("44380")
        assert (code(notation), CPTKG.includesService, code("44380")) in graph


def test_the_pouch_codes_are_in_no_family(graph):
    table = pfs_table()
    for notation in POUCH:
        # the file ties them to nothing: no ENDO BASE, multiple procedure indicator 2, and 44386 is no member of 44385
        assert table[notation]["endo base"] == "" and table[notation]["mult"] == "2"
        node = code(notation)
        assert (node, RDF.type, CPTKG.ProcedureCode) in graph
        assert (node, RDF.type, CPTKG.EndoscopicProcedureCode) not in graph
        assert not [b for b in graph.objects(node, SKOS.broader) if (b, RDF.type, CPTKG.CodeFamily) in graph]
        assert graph.value(node, CPTKG.baseCode) is None
        assert graph.value(node, CPTKG.method) is None  # methods only in the definitions
        assert not list(graph.subjects(CPTKG.baseCode, node))


def test_44383_is_nowhere():
    # not in the 2025 files; when it was deleted is unconfirmed in the reference
    assert "44383" not in pfs_table()
    for path in ontology_dir().rglob("*"):
        if path.is_file():
            assert "44383" not in path.read_text(encoding="utf-8"), path


# ---------------------------------------------------------------- what the codes are


def test_every_egd_code_shares_the_one_extent_and_enters_by_mouth(graph):
    for notation in family_in_the_file("43235"):
        assert list(graph.objects(code(notation), CPTKG.anatomicExtent)) == [EXTENT], notation
        assert list(graph.objects(code(notation), CPTKG.approach)) == [URIRef(VOCAB + "per-oral-endoscopic")]
    parts = {f"duodenum-part-{n}" for n in "1234"}
    assert {local(o) for o in graph.objects(EXTENT, CPTKG.distalEndIn)} == parts
    assert {local(o) for o in graph.objects(EXTENT, CPTKG.examines)} == parts | {"esophagus", "stomach"}
    assert local(graph.value(EXTENT, CPTKG.reachesBeyond)) == "stomach"
    assert local(graph.value(EXTENT, CPTKG.doesNotReach)) == "jejunum"
    assert local(graph.value(EXTENT, CPTKG.entersAt)) == "esophagus"
    assert "50 cm" in str(graph.value(EXTENT, SKOS.editorialNote))
    sources = {local(s) for s in graph.objects(EXTENT, PROV)}
    assert sources == {"iframe-44366", "iframe-44363", "cptkg-reference-domain-facts", "cms-pfs-rvu-2025-oct"}


def test_stomal_codes_enter_through_a_stoma_and_have_no_extent(graph):
    for notation in family_in_the_file("44380"):
        assert list(graph.objects(code(notation), CPTKG.approach)) == [URIRef(VOCAB + "through-stoma")]
        assert graph.value(code(notation), CPTKG.anatomicExtent) is None
    for notation in POUCH:
        assert graph.value(code(notation), CPTKG.anatomicExtent) is None
        assert graph.value(code(notation), CPTKG.approach) is None
    stoma_sources = {local(s) for s in graph.objects(URIRef(VOCAB + "through-stoma"), PROV)}
    assert stoma_sources == {"aquitysolutions-stomas"}


def test_service_type_is_the_cpt_class(graph):
    for family, base in ((EGD_FAMILY, "43235"), (STOMAL_FAMILY, "44380")):
        for member in graph.subjects(SKOS.broader, family):
            expected = "diagnostic-endoscopy" if member == code(base) else "surgical-endoscopy"
            assert [local(t) for t in graph.objects(member, CPTKG.serviceType)] == [expected], member


@pytest.mark.parametrize(
    ("notation", "method", "techniques", "lesions", "purpose"),
    [
        ("43235", "inspection", set(), set(), "diagnostic-purpose"),
        ("43239", "biopsy", set(), set(), "diagnostic-purpose"),
        ("43247", "foreign-body-removal", set(), set(), "therapeutic-purpose"),
        ("43250", "lesion-removal", {"cautery"}, {"tumor", "polyp"}, "therapeutic-purpose"),
        ("43251", "lesion-removal", {"snare"}, {"lesion"}, "therapeutic-purpose"),
        ("43255", "hemostasis", set(), set(), "therapeutic-purpose"),
        ("43266", "stent-placement", set(), set(), "therapeutic-purpose"),
        ("43270", "ablation", set(), {"lesion"}, "therapeutic-purpose"),
        ("43233", "dilation", {"dilation-balloon"}, set(), "therapeutic-purpose"),
        ("43249", "dilation", {"dilation-balloon"}, set(), "therapeutic-purpose"),
        ("43241", "tube-or-catheter-insertion", set(), set(), None),
        ("44380", "inspection", set(), set(), "diagnostic-purpose"),
        ("44381", "dilation", {"dilation-balloon"}, set(), "therapeutic-purpose"),
        ("44382", "biopsy", set(), set(), "diagnostic-purpose"),
        ("44384", "stent-placement", set(), set(), "therapeutic-purpose"),
    ],
)
def test_methods_techniques_lesions_and_purpose(graph, notation, method, techniques, lesions, purpose):
    node = code(notation)
    assert method in {local(m) for m in graph.objects(node, CPTKG.method)}
    assert {local(t) for t in graph.objects(node, CPTKG.technique)} == techniques
    assert {local(t) for t in graph.objects(node, CPTKG.targetLesion)} == lesions
    assert [local(p) for p in graph.objects(node, CPTKG.clinicalPurpose)] == ([purpose] if purpose else [])


def test_cautery_is_a_technique_without_narrower_terms(graph):
    cautery = URIRef(VOCAB + "cautery")
    assert (cautery, RDF.type, CPTKG.Technique) in graph
    assert (cautery, SKOS.inScheme, URIRef(VOCAB + "techniques")) in graph
    assert graph.value(cautery, SKOS.narrower) is None


def test_0813T_is_a_category_iii_code_of_status_c(graph):
    node = code("0813T")
    assert (node, SKOS.inScheme, CPTKG.CPT) in graph
    note = str(graph.value(node, SKOS.editorialNote))
    assert "Category III" in note and "status is C" in note
    entry = URIRef(BASE + "pfs/2025/0813T")
    assert graph.value(entry, CPTKG.statusCode) == URIRef(VOCAB + "pfs-status-C")


def test_every_node_of_the_new_files_names_its_sources(graph):
    for relative in CURATED_FILES:
        own = file_graph(relative)
        for subject in set(own.subjects()):
            sources = list(graph.objects(subject, PROV))
            assert sources, (relative, subject)
            for source in sources:
                assert (source, RDF.type, CPTKG.Source) in graph, (subject, source)


def words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", text.lower())


def runs(text: str, length: int) -> set[tuple[str, ...]]:
    tokens = words(text)
    return {tuple(tokens[i : i + length]) for i in range(len(tokens) - length + 1)}


def test_labels_and_definitions_are_the_projects_words(graph):
    table = pfs_table()
    descriptors = {table[notation]["description"] for notation in all_codes()}
    assert all(descriptors)
    ours = []
    for notation in all_codes():
        node = code(notation)
        ours += [str(graph.value(node, SKOS.prefLabel)), str(graph.value(node, SKOS.definition))]
        ours += [str(note) for note in graph.objects(node, SKOS.editorialNote)]
    for family in (EGD_FAMILY, STOMAL_FAMILY):
        ours += [str(graph.value(family, SKOS.prefLabel)), str(graph.value(family, SKOS.definition))]
    for text in ours:
        for descriptor in descriptors:
            assert not runs(text, 8) & runs(descriptor, 8), (text, descriptor)
            # a short descriptor is a few words: none of ours contains one whole
            assert " ".join(words(descriptor)) not in " ".join(words(text)), (text, descriptor)


# ---------------------------------------------------------------- the fee schedule and OPPS rows


@pytest.fixture(scope="module")
def full_import():
    return import_pfs(require_shared("reference/cms/PPRRVU2025_Oct.csv"), 2025, "october")


@pytest.mark.slow
def test_every_curated_pfs_entry_is_the_importers_triple_for_triple(full_import):
    curated = file_graph(PFS_FILE)
    entries = sorted(curated.subjects(RDF.type, CPTKG.FeeScheduleEntry))
    assert sorted(local(e) for e in entries) == all_codes()  # none of these codes has a modifier row
    imported = Graph()
    for entry in entries:
        subject = f"<{entry}>"
        lines = "".join(f"{subject} {p} {o} .\n" for p, o in full_import.triples.subjects[subject])
        imported.parse(data=lines, format="nt")
        ours, theirs = set(curated.triples((entry, None, None))), set(imported.triples((entry, None, None)))
        assert ours == theirs, (entry, sorted(ours ^ theirs))
    # the importer's rows of these codes are exactly the curated entries, and the release is not redeclared
    for_code = f"<{CPTKG}forCode>"
    wanted = {f"<{code(n)}>" for n in all_codes()}
    rows = {
        s for s, pairs in full_import.triples.subjects.items() if any(p == for_code and o in wanted for p, o in pairs)
    }
    assert rows == {f"<{e}>" for e in entries}
    assert not list(curated.subjects(RDF.type, CPTKG.FeeScheduleRelease))
    assert "cmsShortDescription" not in (ontology_dir() / PFS_FILE).read_text(encoding="utf-8")


@pytest.mark.slow
def test_the_importer_gives_these_codes_no_minimal_node(full_import):
    # they are curated now: the import adds entries for them, never a second code node
    for notation in all_codes():
        assert f"<{code(notation)}>" not in full_import.triples.subjects, notation


def test_opps_entries_are_addendum_b(graph):
    b = addendum_b()
    curated = file_graph(OPPS_FILE)
    listed = [n for n in all_codes() if n in b]
    assert sorted(local(e) for e in curated.subjects(RDF.type, CPTKG.OPPSEntry)) == listed
    for notation in listed:
        row = b[notation]
        entry = URIRef(BASE + f"opps/2025/{notation}")
        assert graph.value(entry, CPTKG.forCode) == code(notation)
        assert graph.value(entry, CPTKG.oppsStatusIndicator) == URIRef(VOCAB + f"opps-si-{row['SI']}")
        assert str(graph.value(entry, CPTKG.apc)) == row["APC"]
        assert str(graph.value(entry, CPTKG.relativeWeight)) == row["Relative Weight"]
        rate = row["Payment Rate"].replace("$", "").replace(",", "")
        assert str(graph.value(entry, CPTKG.paymentRateUSD)) == rate
    # every status indicator used is declared once, with Addendum D1's meaning
    for si in {b[n]["SI"] for n in listed}:
        assert (URIRef(VOCAB + f"opps-si-{si}"), RDF.type, CPTKG.OPPSStatusIndicator) in graph
    assert "Multiple Procedure Reduction" in str(graph.value(URIRef(VOCAB + "opps-si-T"), SKOS.definition))


@pytest.mark.slow
def test_the_curated_cms_rows_are_what_the_script_writes():
    script = Path(__file__).resolve().parent.parent / "tools" / "curate_cms_rows.py"
    if not script.is_file():
        pytest.skip("tools/ is not in this copy")
    cms = require_shared("reference/cms/PPRRVU2025_Oct.csv").parent
    run = subprocess.run([sys.executable, str(script), "--cms", str(cms), "--check"], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr


# ---------------------------------------------------------------- the CLI


@pytest.mark.parametrize(("notation", "family"), [("43250", "base code 43235"), ("44380", "base code 44380")])
def test_info_shows_the_family_and_the_fee_schedule(notation, family):
    result = cptkg("info", notation)
    assert result.exit_code == 0, result.output
    assert family in result.stdout
    assert "Medicare fee schedule 2025" in result.stdout
    assert "work RVU" in result.stdout


def test_the_family_query_lists_the_egd_base():
    result = cptkg("query", "family", "-p", "code=43250", "--format", "csv")
    assert result.exit_code == 0, result.output
    table = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [r["member"] for r in table if r["relation"] == "base code"] == ["43235"]
    siblings = {r["member"] for r in table if r["relation"] == "sibling"}
    assert siblings == set(family_in_the_file("43235")) - {"43250"}
