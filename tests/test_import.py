"""The CMS importers: fixture files in the real formats (banner lines, byte-order mark, CRLF, quoted commas,
NA flags, MMM/XXX/YYY/ZZZ, modifier rows), malformed rows, the merge with the curated graph, the output
targets, and the full public files from ../shared."""

from __future__ import annotations

import re

import pyoxigraph as ox
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, SKOS

from cptkg.errors import BadInputError
from cptkg.importers import import_hcpcs, import_pfs, import_pos
from cptkg.importers.common import minimal_code
from cptkg.namespaces import CPTKG
from cptkg.resources import ontology_dir
from cptkg.stores.graph_store import open_store

from .conftest import FIXTURES, cptkg, require_shared

CMS = FIXTURES / "cms"
PFS = "https://w3id.org/cptkg/pfs/2025/"


def sample_release(folder, year: int, release: str):
    """The PFS sample with the banner of another release, as CMS titles its files."""
    path = folder / f"pfs-{year}-{release}.csv"
    text = (CMS / "pfs-2025-oct-sample.csv").read_text(encoding="utf-8-sig")
    path.write_text(
        text.replace("2025 National", f"{year} National").replace("October Release", f"{release.title()} Release"),
        encoding="utf-8",
    )
    return path


def graph_of(result) -> Graph:
    return Graph().parse(data=result.triples.ntriples(), format="nt")


def curated_pfs() -> Graph:
    return Graph().parse(ontology_dir() / "medicare" / "pfs-2025.ttl", format="turtle")


def same_entries(imported: Graph, curated: Graph, entries: list[str]) -> None:
    for entry in entries:
        subject = URIRef(PFS + entry)
        theirs = set(curated.triples((subject, None, None)))
        ours = set(imported.triples((subject, None, None)))
        assert theirs, entry
        assert ours == theirs, (entry, sorted(ours ^ theirs))


# ---------------------------------------------------------------- the fee schedule


@pytest.fixture(scope="module")
def sample():
    return import_pfs(CMS / "pfs-2025-oct-sample.csv", 2025, "october")


def test_every_row_is_an_entry_with_every_column(sample):
    graph = graph_of(sample)
    entries = set(graph.subjects(RDF.type, CPTKG.FeeScheduleEntry))
    assert len(entries) == 17
    entry = URIRef(PFS + "95860-TC")
    assert graph.value(entry, CPTKG.forModifier) == URIRef("https://w3id.org/cptkg/modifier/TC")
    assert graph.value(entry, CPTKG.physicianSupervision) == URIRef("https://w3id.org/cptkg/vocab/pfs-supervision-6A")
    # 29 columns (all but the description and the empty endoscopic base code), with type, label, payer, year,
    # release and source
    assert len(set(graph.predicates(entry))) == 35
    assert graph.value(URIRef(PFS + "59400"), CPTKG.globalSurgery).endswith("pfs-global-MMM")
    assert graph.value(URIRef(PFS + "99153"), CPTKG.globalSurgery).endswith("pfs-global-ZZZ")
    assert graph.value(URIRef(PFS + "44799"), CPTKG.globalSurgery).endswith("pfs-global-YYY")
    assert graph.value(URIRef(PFS + "22526"), CPTKG.notUsedForMedicarePayment) == Literal(True)
    assert graph.value(URIRef(PFS + "44388-53"), CPTKG.forModifier).endswith("/modifier/53")
    assert graph.value(URIRef(PFS + "0640T"), CPTKG.diagnosticImagingFamily).endswith("pfs-imaging-family-88")
    assert graph.value(URIRef(PFS + "44365"), CPTKG.endoscopicBaseCode) == URIRef("https://w3id.org/cptkg/cpt/44360")


def test_family_rows_are_the_curated_entries_triple_for_triple(sample):
    same_entries(
        graph_of(sample),
        curated_pfs(),
        ["44360", "44365", "44799", "88305", "88305-26", "88305-TC", "99152", "99153", "G0500"],
    )


def test_codes_the_curated_graph_lacks_get_a_minimal_node(sample):
    graph = graph_of(sample)
    for code, scheme in (("0001F", "CPT"), ("0042T", "CPT"), ("59400", "CPT"), ("D0120", "HCPCS")):
        node = URIRef(("https://w3id.org/cptkg/cpt/" if scheme == "CPT" else "https://w3id.org/cptkg/hcpcs/") + code)
        assert graph.value(node, SKOS.notation) == Literal(code)
        assert graph.value(node, SKOS.inScheme) == CPTKG[scheme]
        assert graph.value(node, SKOS.prefLabel) == Literal(f"{scheme} {code}", lang="en")
    assert "ADA text" in str(graph.value(URIRef("https://w3id.org/cptkg/hcpcs/D0120"), SKOS.definition))
    # curated codes are not redeclared
    assert (URIRef("https://w3id.org/cptkg/cpt/44365"), None, None) not in graph


def test_descriptions_are_left_out_unless_asked(sample, tmp_path):
    text = sample.triples.ntriples()
    assert "Fixture row" not in text and "cmsShortDescription" not in text
    licensed = import_pfs(CMS / "pfs-2025-oct-sample.csv", 2025, "october", include_descriptions=True)
    graph = graph_of(licensed)
    assert graph.value(URIRef(PFS + "44365"), CPTKG.cmsShortDescription) == Literal(
        "Fixture row 2, not the CMS text", lang="en"
    )


def test_nothing_the_project_ships_carries_cms_descriptions():
    for path in ontology_dir().rglob("*"):
        if path.is_file() and path.name != "cptkg.ttl":
            assert "cmsShortDescription" not in path.read_text(encoding="utf-8"), path


def test_another_release_gets_its_release_and_source_nodes(tmp_path):
    graph = graph_of(import_pfs(sample_release(tmp_path, 2026, "january"), 2026, "january"))
    release = URIRef("https://w3id.org/cptkg/pfs/2026/release/january")
    assert graph.value(release, CPTKG.releaseName) == Literal("january")
    assert graph.value(release, CPTKG.conversionFactor) == Literal(
        "32.3465", datatype=URIRef("http://www.w3.org/2001/XMLSchema#decimal")
    )
    source = graph.value(release, URIRef("http://www.w3.org/ns/prov#wasDerivedFrom"))
    assert str(source) == "https://w3id.org/cptkg/source/cms-pfs-rvu-2026-jan"
    assert "National Physician Fee Schedule" in str(graph.value(source, URIRef("http://purl.org/dc/terms/title")))
    assert graph.value(URIRef("https://w3id.org/cptkg/pfs/2026/january/44365"), CPTKG.scheduleYear) == Literal(2026)
    assert graph.value(URIRef("https://w3id.org/cptkg/pfs/2026/january/88305-26"), CPTKG.inRelease) == release


def test_two_releases_of_a_year_never_share_an_entry(tmp_path):
    april = graph_of(import_pfs(sample_release(tmp_path, 2025, "april"), 2025, "april"))
    entries = set(april.subjects(RDF.type, CPTKG.FeeScheduleEntry))
    assert URIRef("https://w3id.org/cptkg/pfs/2025/april/44365") in entries
    assert not entries & set(curated_pfs().subjects(RDF.type, CPTKG.FeeScheduleEntry))


def test_a_malformed_row_fails_the_import_with_its_line(tmp_path):
    out = tmp_path / "pfs.ttl"
    result = cptkg("import", "pfs", str(CMS / "pfs-malformed.csv"), "--year", "2025", "--release", "october",
                   "--out", str(out))  # fmt: skip
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines() == [
        f"cptkg: error: {CMS / 'pfs-malformed.csv'}, line 12: work RVU '3.2x' is not a decimal "
        "(nothing written; --on-error skip leaves such rows out)"
    ]
    assert not out.exists()


def test_on_error_skip_reports_each_row_and_writes_the_rest(tmp_path):
    out = tmp_path / "pfs.nt"
    result = cptkg("import", "pfs", str(CMS / "pfs-malformed.csv"), "--year", "2025", "--release", "october",
                   "--out", str(out), "--on-error", "skip")  # fmt: skip
    assert result.exit_code == 0, result.output
    warnings = [line for line in result.stderr.splitlines() if "skipped" in line]
    assert [re.search(r"line (\d+)", w).group(1) for w in warnings] == ["12", "13", "14", "15", "16"]
    assert "30 columns instead of 31" in warnings[1]
    assert "statusCode 'Q' is not a value of its CMS value set" in warnings[2]
    assert "the non-facility NA flag 'N/A' is neither empty nor NA" in warnings[3]
    assert "modifier ZZ is not in the modifier registry" in warnings[4]
    graph = Graph().parse(out, format="nt")
    assert set(graph.subjects(RDF.type, CPTKG.FeeScheduleEntry)) == {URIRef(PFS + "44360")}
    assert "1 fee-schedule entries" in result.stdout and "5 malformed rows skipped" in result.stdout


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "the file is empty"),
        (b"\x00\x01\x02binary", "binary content"),
        (b"a,b,c\n1,2,3\n", "no PFS relative value (HCPCS,MOD,...) header row"),
    ],
)
def test_unreadable_files_are_one_error(tmp_path, content, message):
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    with pytest.raises(BadInputError, match=re.escape(message)):
        import_pfs(path, 2025, "october")


def test_bad_parameters_are_refused():
    with pytest.raises(BadInputError, match="not a fee-schedule year"):
        import_pfs(CMS / "pfs-2025-oct-sample.csv", 25, "october")
    with pytest.raises(BadInputError, match="lower-case name"):
        import_pfs(CMS / "pfs-2025-oct-sample.csv", 2025, "Oct 2025")
    with pytest.raises(BadInputError, match=r"is the 2025 october release .*not --year 2024 --release october"):
        import_pfs(CMS / "pfs-2025-oct-sample.csv", 2024, "october")
    with pytest.raises(BadInputError, match="not --year 2025 --release july"):
        import_pfs(CMS / "pfs-2025-oct-sample.csv", 2025, "july")
    assert cptkg("import", "pfs", str(CMS / "pfs-2025-oct-sample.csv"), "--year", "2025",
                 "--release", "october").exit_code == 2  # fmt: skip


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["import", "pfs", "f.csv", "--year", "abc", "--release", "october", "--out", "x.nt"], "'abc' is not a valid"),
        (["import", "pos", str(CMS), "--out", "x.nt"], "is a directory"),
        (["info"], "Missing argument 'CODE'"),
        (["no-such-command"], "No such command"),
    ],
)
def test_usage_errors_are_one_line_and_exit_2(args, message):
    result = cptkg(*args)
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("cptkg: error: ") and message in lines[0], result.stderr
    assert "--help)" in lines[0]


def test_turtle_and_ntriples_outputs_hold_the_same_graph_and_are_deterministic(tmp_path):
    args = ["import", "pfs", str(CMS / "pfs-2025-oct-sample.csv"), "--year", "2025", "--release", "october"]
    for name in ("a.ttl", "b.ttl", "c.nt"):
        assert cptkg(*args, "--out", str(tmp_path / name)).exit_code == 0
    assert (tmp_path / "a.ttl").read_bytes() == (tmp_path / "b.ttl").read_bytes()
    turtle = Graph().parse(tmp_path / "a.ttl", format="turtle")
    ntriples = Graph().parse(tmp_path / "c.nt", format="nt")
    assert len(turtle) == len(ntriples) > 500
    assert set(turtle) == set(ntriples)
    assert "AMA/ADA text" in (tmp_path / "a.ttl").read_text().splitlines()[1]


def test_the_store_holds_the_import_beside_the_shipped_graph(tmp_path):
    store_dir = tmp_path / "store"
    args = ["import", "pfs", str(CMS / "pfs-2025-oct-sample.csv"), "--year", "2025", "--release", "october"]
    assert cptkg(*args, "--store", str(store_dir)).exit_code == 0
    assert cptkg(*args, "--store", str(store_dir)).exit_code == 0  # replaced, not doubled
    store = ox.Store.read_only(str(store_dir))
    graph = ox.NamedNode("https://w3id.org/cptkg/graph/import/pfs-2025-october")
    # the import's triples, but for those the shipped graph holds already (the curated entries)
    imported = ox.Store()
    imported.load(
        import_pfs(CMS / "pfs-2025-oct-sample.csv", 2025, "october").triples.ntriples(), format=ox.RdfFormat.N_TRIPLES
    )
    shipped = open_store()
    expected = [q for q in imported if next(shipped.quads_for_pattern(q.subject, q.predicate, q.object), None) is None]
    assert 0 < len(expected) < len(imported)
    assert len(list(store.quads_for_pattern(None, None, None, graph))) == len(expected)
    del store
    result = cptkg("query", "fee-schedule", "-p", "code=59400", "--store", str(store_dir), "--format", "csv")
    assert result.exit_code == 0, result.output
    assert "global surgery,MMM" in result.stdout.replace("Global surgery", "global surgery")
    # the shipped graph is there too
    assert "jejunum" in cptkg("query", "extent", "-p", "code=44365", "--store", str(store_dir)).stdout
    # the code card of an imported code: its minimal node and its entry, no empty sections
    assert cptkg("info", "59400").exit_code == 2
    card = cptkg("info", "59400", "--store", str(store_dir))
    assert card.exit_code == 0, card.output
    assert card.stdout.startswith("59400  CPT 59400\n")
    assert "global surgery MMM" in card.stdout
    assert "What it is" not in card.stdout
    assert "What it is" in cptkg("info", "44365", "--store", str(store_dir)).stdout


def test_imports_share_a_store_and_a_failed_import_leaves_it_as_it_was(tmp_path, monkeypatch):
    from cptkg.importers import store_writer

    store_dir = tmp_path / "nested" / "store"
    pfs = ["import", "pfs", str(CMS / "pfs-2025-oct-sample.csv"), "--year", "2025", "--release", "october"]
    assert cptkg(*pfs, "--store", str(store_dir)).exit_code == 0
    assert cptkg("import", "pos", str(CMS / "pos-sample.csv"), "--store", str(store_dir)).exit_code == 0

    def graphs() -> dict[str, int]:
        store = ox.Store.read_only(str(store_dir))
        counts = {str(g): len(list(store.quads_for_pattern(None, None, None, g))) for g in store.named_graphs()}
        del store
        return counts

    before = graphs()
    assert {
        "<https://w3id.org/cptkg/graph/import/pfs-2025-october>",
        "<https://w3id.org/cptkg/graph/import/pos>",
    } <= set(before)

    def broken_swap(staging, folder):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(store_writer, "_swap", broken_swap)
    result = cptkg(*pfs, "--store", str(store_dir))
    assert result.exit_code == 3
    assert "cannot write the store" in result.stderr
    assert graphs() == before
    assert sorted(p.name for p in store_dir.parent.iterdir()) == ["store"]  # no staging left behind


def test_what_a_killed_import_left_is_recovered(tmp_path):
    import subprocess

    dead = subprocess.Popen(["true"])
    dead.wait()
    store_dir = tmp_path / "store"
    pfs = ["import", "pfs", str(CMS / "pfs-2025-oct-sample.csv"), "--year", "2025", "--release", "october"]
    assert cptkg(*pfs, "--store", str(store_dir)).exit_code == 0
    # killed between the two renames of the swap: the old store aside, the new one unfinished
    store_dir.rename(tmp_path / f".store.old-{dead.pid}")
    (tmp_path / f".store.new-{dead.pid}").mkdir()
    (tmp_path / f".store.new-{dead.pid}" / "junk").write_text("half a store")
    assert cptkg("import", "pos", str(CMS / "pos-sample.csv"), "--store", str(store_dir)).exit_code == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["store"]
    result = cptkg("query", "fee-schedule", "-p", "code=59400", "--store", str(store_dir))
    assert result.exit_code == 0 and "MMM" in result.stdout


def test_a_folder_that_is_not_a_store_is_refused_and_left_alone(tmp_path):
    folder = tmp_path / "papers"
    folder.mkdir()
    (folder / "notes.txt").write_text("mine")
    result = cptkg("import", "pos", str(CMS / "pos-sample.csv"), "--store", str(folder))
    assert result.exit_code == 2
    assert "not a store made by cptkg import" in result.stderr
    assert [p.name for p in folder.iterdir()] == ["notes.txt"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["papers"]
    for args in (["query", "fee-schedule", "-p", "code=44365"], ["info", "44365"]):
        result = cptkg(*args, "--store", str(folder))
        assert result.exit_code == 2
        assert result.stderr.strip() == f"cptkg: error: {folder}: not a store made by cptkg import"


def test_out_writes_through_a_link_and_never_replaces_a_device_or_pipe(tmp_path):
    import os
    import stat

    target, link, pipe = tmp_path / "pos.ttl", tmp_path / "link.ttl", tmp_path / "pipe.ttl"
    link.symlink_to(target)
    os.mkfifo(pipe)
    assert cptkg("import", "pos", str(CMS / "pos-sample.csv"), "--out", str(link)).exit_code == 0
    assert link.is_symlink() and "cptkg:PlaceOfService" in target.read_text(encoding="utf-8")
    result = cptkg("import", "pos", str(CMS / "pos-sample.csv"), "--out", str(pipe))
    assert result.exit_code == 2 and "not a regular file" in result.stderr
    assert stat.S_ISFIFO(pipe.stat().st_mode)


def test_both_output_targets_at_once_or_none_is_refused(tmp_path):
    args = ["import", "pos", str(CMS / "pos-sample.csv")]
    assert cptkg(*args, "--out", str(tmp_path / "x.ttl"), "--store", str(tmp_path / "s")).exit_code == 2


# ---------------------------------------------------------------- HCPCS Level II and places of service


def test_hcpcs_modifiers_join_the_registry_and_curated_ones_stay_as_they_are():
    result = import_hcpcs(CMS / "hcpcs-sample.csv")
    graph = graph_of(result)
    a1 = URIRef("https://w3id.org/cptkg/modifier/A1")
    assert graph.value(a1, SKOS.prefLabel) == Literal("Dressing for one wound", lang="en")
    assert graph.value(a1, CPTKG.modifierLevel) == URIRef("https://w3id.org/cptkg/vocab/hcpcs-level-ii")
    assert graph.value(a1, SKOS.inScheme) == URIRef("https://w3id.org/cptkg/modifier/registry")
    for curated in ("TC", "GA"):
        assert (URIRef(f"https://w3id.org/cptkg/modifier/{curated}"), None, None) not in graph
    assert (URIRef("https://w3id.org/cptkg/hcpcs/G0500"), None, None) not in graph
    assert result.summary == "3 codes and 1 modifiers; 3 already curated and left as they are"


def test_hcpcs_codes_carry_the_cms_texts_and_merge_with_the_pfs_node():
    graph = graph_of(import_hcpcs(CMS / "hcpcs-sample.csv"))
    code = URIRef("https://w3id.org/cptkg/hcpcs/G0503")
    long_text = str(graph.value(code, CPTKG.cmsLongDescription))
    assert long_text.endswith("other treatment goals and are prepared for discharge from active treatment")
    assert graph.value(code, SKOS.altLabel) == Literal("Subseq  psych care man,60mi", lang="en")
    # the PFS import writes the same label and definition for the same code: no duplicates when merged
    pfs_node = dict(minimal_code("G0503", "https://w3id.org/cptkg/source/cms-pfs-rvu-2025-oct"))
    assert graph.value(code, SKOS.prefLabel).n3() == pfs_node["<http://www.w3.org/2004/02/skos/core#prefLabel>"]
    assert graph.value(code, SKOS.definition).n3() == pfs_node["<http://www.w3.org/2004/02/skos/core#definition>"]


def test_hcpcs_continuation_records_and_malformed_records(tmp_path):
    path = tmp_path / "hcpcs.csv"
    path.write_text(
        "hcpcs,seqnum,recid,long_description,short_description\n"
        "Q9,0010,7,A modifier whose long text,Fixture modifier\n"
        "Q9,0020,8,goes on in a second record,\n"
        "12345,0010,3,Not a HCPCS code,Bad\n",
        encoding="utf-8",
    )
    with pytest.raises(BadInputError, match="line 4: code '12345' is not a HCPCS Level II code"):
        import_hcpcs(path)
    result = import_hcpcs(path, on_error="skip")
    graph = graph_of(result)
    assert graph.value(URIRef("https://w3id.org/cptkg/modifier/Q9"), SKOS.definition) == Literal(
        "A modifier whose long text goes on in a second record", lang="en"
    )
    assert [e.line for e in result.skipped] == [4]


@pytest.mark.parametrize(
    ("importer", "content", "message"),
    [
        (
            import_hcpcs,
            "hcpcs,seqnum,recid,long_description,short_description\n"
            "E0431,0010,3,Portable gaseous oxygen system, rental,Portable oxygen rental\n",
            "line 2: 6 columns instead of 5",
        ),
        (import_pos, "place_of_service_code,description\n01,Pharmacy,extra\n", "line 2: 3 columns instead of 2"),
    ],
)
def test_rows_with_extra_columns_are_malformed(tmp_path, importer, content, message):
    # an unquoted comma would otherwise shift the texts into the wrong fields without a word
    path = tmp_path / "file.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(BadInputError, match=message):
        importer(path)


@pytest.mark.parametrize(
    ("command", "header", "bad_row"),
    [
        (["pfs", "--year", "2025", "--release", "october"], None, "44365,,x,A\n"),
        (["hcpcs"], "hcpcs,seqnum,recid,long_description,short_description\n", "A1,0010,9,x,y\n"),
        (["pos"], "place_of_service_code,description\n", "XX,Nowhere\n"),
    ],
)
def test_an_import_of_no_rows_is_refused_and_the_store_kept(tmp_path, command, header, bad_row):
    store_dir = tmp_path / "store"
    pfs = ["import", "pfs", str(CMS / "pfs-2025-oct-sample.csv"), "--year", "2025", "--release", "october"]
    assert cptkg(*pfs, "--store", str(store_dir)).exit_code == 0
    if header is None:  # the PFS banner and header, without their rows
        header = "".join((CMS / "pfs-2025-oct-sample.csv").read_text(encoding="utf-8-sig").splitlines(True)[:10])
    for content in (header, header + bad_row):
        path = tmp_path / "empty.csv"
        path.write_text(content, encoding="utf-8")
        result = cptkg("import", command[0], str(path), *command[1:], "--on-error", "skip", "--store", str(store_dir))
        assert result.exit_code == 2, result.output
        assert "no rows to import" in result.stderr and "nothing written" in result.stderr
    card = cptkg("query", "fee-schedule", "-p", "code=59400", "--store", str(store_dir))
    assert card.exit_code == 0 and "MMM" in card.stdout


def test_a_store_holds_each_triple_once_and_answers_as_the_shipped_graph(tmp_path):
    # the curated entries are in the shipped graph and in the PFS import, G0500's code node in the PFS and
    # the HCPCS imports: held twice, the union default graph would repeat every row that uses them
    store_dir = tmp_path / "store"
    hcpcs = tmp_path / "hcpcs.csv"  # D0120 is in the PFS sample and not curated
    hcpcs.write_text(
        (CMS / "hcpcs-sample.csv").read_text(encoding="utf-8-sig") + "D0120,0010,3,Fixture long text,Fixture text\n",
        encoding="utf-8",
    )
    pfs = ["import", "pfs", str(CMS / "pfs-2025-oct-sample.csv"), "--year", "2025", "--release", "october"]
    for args in (pfs, ["import", "hcpcs", str(hcpcs)], pfs):
        assert cptkg(*args, "--store", str(store_dir)).exit_code == 0
    store = ox.Store.read_only(str(store_dir))
    twice = "ASK { GRAPH ?a { ?s ?p ?o } GRAPH ?b { ?s ?p ?o } FILTER(?a != ?b) }"
    assert not bool(store.query(twice))
    card = cptkg("info", "D0120", "--store", str(store_dir)).stdout
    assert "  CMS short description: Fixture text\n  CMS long description: Fixture long text\n" in card
    assert "Medicare fee schedule 2025" in card  # the entry of the PFS import beside the texts of the HCPCS one
    d0120 = ox.NamedNode("https://w3id.org/cptkg/hcpcs/D0120")
    graphs = {str(q.graph_name).rsplit("/", 1)[1] for q in store.quads_for_pattern(d0120, None, None, None)}
    assert graphs == {"pfs-2025-october>", "hcpcs>"}  # the code node in one, the CMS texts in the other
    del store
    for name, code in (("fee-schedule", "44365"), ("code-card", "44365"), ("fee-schedule", "88305")):
        shipped = cptkg("query", name, "-p", f"code={code}", "--format", "csv").stdout
        stored = cptkg("query", name, "-p", f"code={code}", "--store", str(store_dir), "--format", "csv").stdout
        assert sorted(stored.splitlines()) == sorted(shipped.splitlines()), name


def test_places_of_service_without_duplicates_of_the_curated_ones():
    result = import_pos(CMS / "pos-sample.csv")
    graph = graph_of(result)
    assert graph.value(URIRef("https://w3id.org/cptkg/pos/60"), SKOS.prefLabel) == Literal(
        "Mass Immunization Center", lang="en"
    )
    assert (URIRef("https://w3id.org/cptkg/pos/22"), None, None) not in graph  # curated, with its flag
    assert result.summary == "3 places of service; 4 already curated and left as they are"
    assert not list(graph.objects(None, CPTKG.isFacility))


def test_imports_validate_with_the_shipped_graph(tmp_path):
    files = []
    for name, result in (
        ("pfs.nt", import_pfs(CMS / "pfs-2025-oct-sample.csv", 2025, "october")),
        ("pfs-april.nt", import_pfs(sample_release(tmp_path, 2025, "april"), 2025, "april")),  # beside October
        ("hcpcs.nt", import_hcpcs(CMS / "hcpcs-sample.csv")),
        ("pos.nt", import_pos(CMS / "pos-sample.csv")),
    ):
        (tmp_path / name).write_text(result.triples.ntriples(), encoding="utf-8")
        files += ["--data", str(tmp_path / name)]
    result = cptkg("validate", *files, "--no-audit")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("conforms: 0 violations")


# ---------------------------------------------------------------- the full public files (../shared, present in CI)


@pytest.fixture(scope="module")
def full_pfs():
    return import_pfs(require_shared("reference/cms/PPRRVU2025_Oct.csv"), 2025, "october")


@pytest.mark.slow
def test_the_full_2025_file_imports_cleanly(full_pfs):
    graph_text = full_pfs.triples.ntriples()
    assert not full_pfs.skipped
    entries = [s for s in full_pfs.triples.subjects if s.startswith(f"<{PFS}") and "/release/" not in s]
    assert len(entries) == 19090
    modifiers = {}
    for entry in entries:
        match = re.search(r"-([0-9A-Z]{2})>$", entry)
        if match:
            modifiers[match.group(1)] = modifiers.get(match.group(1), 0) + 1
    assert modifiers == {"26": 1127, "TC": 1108, "53": 4}
    assert "cmsShortDescription" not in graph_text


@pytest.mark.slow
def test_the_full_file_gives_the_curated_entries(full_pfs):
    curated = curated_pfs()
    names = [str(s)[len(PFS) :] for s in curated.subjects(RDF.type, CPTKG.FeeScheduleEntry)]
    subset = Graph()
    for subject in (f"<{PFS}{name}>" for name in names):
        for predicate, obj in full_pfs.triples.subjects[subject]:
            subset.parse(data=f"{subject} {predicate} {obj} .\n", format="nt")
    same_entries(subset, curated, names)


@pytest.mark.slow
def test_the_full_hcpcs_and_pos_files_import_cleanly():
    hcpcs = import_hcpcs(require_shared("reference/cms/hcpcs_level_2_2022.csv"))
    assert hcpcs.summary == "7124 codes and 365 modifiers; 11 already curated and left as they are"
    pos = import_pos(require_shared("reference/cms/place_of_service.csv"))
    assert not pos.skipped and pos.summary.endswith("5 already curated and left as they are")


@pytest.mark.slow
def test_the_three_full_files_validate_together(full_pfs, tmp_path):
    files = []
    for name, result in (
        ("pfs.nt", full_pfs),
        ("hcpcs.nt", import_hcpcs(require_shared("reference/cms/hcpcs_level_2_2022.csv"))),
        ("pos.nt", import_pos(require_shared("reference/cms/place_of_service.csv"))),
    ):
        path = tmp_path / name
        path.write_text(result.triples.ntriples(), encoding="utf-8")
        files += ["--data", str(path)]
    result = cptkg("validate", *files, "--no-audit")
    assert result.exit_code == 0, result.output[:2000]
    assert result.stdout.startswith("conforms: 0 violations, 0 warnings, 0 infos")


@pytest.mark.slow
def test_modifier_rows_reference_registry_modifiers_only(full_pfs):
    registry = {
        str(s)
        for s in Graph().parse(ontology_dir() / "modifiers.ttl", format="turtle").subjects(RDF.type, CPTKG.Modifier)
    }
    used = {
        obj[1:-1]
        for pairs in full_pfs.triples.subjects.values()
        for predicate, obj in pairs
        if predicate == f"<{CPTKG}forModifier>"
    }
    assert used <= registry
