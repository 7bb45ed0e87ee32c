"""Bulk validation gives exactly plain pyshacl's results: on every fixture of every shape, on a sample of the
real fee-schedule import with planted errors, and when it has to fall back. And the query rewriting it
relies on: when joining the target at the top equals pre-binding $this, and when it does not."""

from __future__ import annotations

import json

import pytest
from rdflib import Graph

from cptkg.sparql.focus_queries import bulk_query, substitute_this
from cptkg.validation.bulk import confirm, plans
from cptkg.validation.data import ValidationData
from cptkg.validation.report import parse_report
from cptkg.validation.shape_sets import load_shapes
from cptkg.validation.validate import check_shapes, validate

from .conftest import FIXTURES, cptkg, require_shared
from .shape_world import CROSS_CHECKED, all_shapes, plain_fixture_report, store_of, with_fixture


@pytest.mark.slow  # plain pyshacl: seconds a fixture
@pytest.mark.parametrize(("kind", "rule"), CROSS_CHECKED, ids=lambda v: v)
def test_bulk_equals_pyshacl_on_every_fixture(kind, rule):
    data, plain_report = plain_fixture_report(kind, rule)
    shapes = all_shapes()
    found = plans(store_of(data), shapes)
    _ok, report = confirm(found, lambda: data, shapes)
    assert parse_report(report, data, shapes) == parse_report(plain_report, data, shapes)
    if kind == "valid":
        # only the QA shape with a sub-SELECT is left to pyshacl on every focus node: pyshacl pre-binds $this
        # inside the sub-SELECT, which no rewrite for the store is sure to match
        assert {p.shape.rsplit("#", 1)[1] for p in found if p.everything} <= {"TermDocumentedShape"}


def test_conforming_data_never_reaches_pyshacl():
    data = with_fixture(FIXTURES / "valid" / "FeeTotalsShape.ttl")

    def no_graph() -> Graph:
        raise AssertionError("the bulk pass should have found nothing to confirm")

    shapes = all_shapes()
    # the QA shapes are left out: their sub-SELECT shape is always pyshacl's
    shapes = load_shapes("core") + load_shapes("audit")
    candidate_plans = [p for p in plans(store_of(data), shapes) if p.candidates or p.everything]
    assert candidate_plans == []
    ok, report = confirm(candidate_plans, no_graph, shapes)
    assert ok and len(report) == 2


ENTRY = "<https://w3id.org/cptkg/pfs/2025/{}>"
ONTOLOGY = "<https://w3id.org/cptkg/ontology#{}>"


def decimal(text: str) -> str:
    return f'"{text}"^^<http://www.w3.org/2001/XMLSchema#decimal>'


PLANTED = {
    # lines taken out of, and added to, a sample of the real import
    "remove": [f"{ENTRY.format('44364')} {ONTOLOGY.format('workRVU')}"],
    "add": [
        f"{ENTRY.format('44364')} {ONTOLOGY.format('malpracticeRVU')} {decimal('0.01')} .",  # a second value
        f"{ENTRY.format('44366')} {ONTOLOGY.format('totalFacilityRVU')} {decimal('0.00')} .",  # totals
        f"{ENTRY.format('44369')} {ONTOLOGY.format('statusCode')} <https://w3id.org/cptkg/vocab/pfs-status-Z> .",
        f"{ENTRY.format('44370')} {ONTOLOGY.format('workRVU')} {decimal('-1.50')} .",  # negative
        f"{ENTRY.format('44372')} {ONTOLOGY.format('conversionFactor')} {decimal('thirty')} .",  # ill-typed
        '<https://w3id.org/cptkg/cpt/0001F> <http://www.w3.org/2004/02/skos/core#notation> "1F" .',
        f"{ENTRY.format('44373')} {ONTOLOGY.format('forModifier')} <https://w3id.org/cptkg/modifier/ZZ> .",
    ],
}


@pytest.fixture(scope="module")
def planted_sample(tmp_path_factory):
    """Every 200th row of the real 2025 file plus the family, imported, with errors planted."""
    from cptkg.importers import import_pfs

    source = require_shared("reference/cms/PPRRVU2025_Oct.csv")
    lines = source.read_text(encoding="utf-8-sig").splitlines()
    family = [line for line in lines[10:] if line.startswith(("4436", "4437", "0001F,"))]
    sample = lines[:10] + lines[10::200] + family
    folder = tmp_path_factory.mktemp("planted")
    (folder / "sample.csv").write_text("\n".join(dict.fromkeys(sample)) + "\n", encoding="utf-8")
    text = import_pfs(folder / "sample.csv", 2025, "october").triples.ntriples()
    kept = [line for line in text.splitlines() if not any(line.startswith(p) for p in PLANTED["remove"])]
    path = folder / "planted.nt"
    path.write_text("\n".join(kept + PLANTED["add"]) + "\n", encoding="utf-8")
    return path


@pytest.mark.slow
def test_bulk_equals_pyshacl_on_a_sample_of_the_real_import(planted_sample):
    bulk = validate([planted_sample], engine="bulk")
    plain = validate([planted_sample], engine="pyshacl")
    assert bulk.results == plain.results
    assert bulk.audit == plain.audit
    assert bulk.conforms == plain.conforms is False
    shapes = {r.shape for r in bulk.results}
    assert {
        "cptkg-shapes:FeeWorkRVUShape",
        "cptkg-shapes:FeeMalpracticeRVUShape",
        "cptkg-shapes:FeeTotalsShape",
        "cptkg-shapes:FeeStatusCodeShape",
        "cptkg-shapes:FeeConversionFactorShape",
        "cptkg-shapes:CPTNotationPatternShape",
        "cptkg-shapes:FeeModifierShape",
    } <= shapes
    assert len(bulk.results) >= 9


def test_literals_equal_after_normalisation_are_counted_as_pyshacl_counts_them(tmp_path):
    # "1.00" and "1.0" are two terms for pyshacl and one value for the store: maxCount must still count 2, on
    # the bulk path (the store's value is known to stand for both)
    path = tmp_path / "twice.ttl"
    path.write_text(
        (FIXTURES / "valid" / "FeeTotalsShape.ttl").read_text(encoding="utf-8")
        + "\nt:entry-x cptkg:workRVU 1.00, 1.0 .\n",
        encoding="utf-8",
    )
    data = ValidationData([path], include_shipped=False, parser="oxigraph")
    data.store()
    one = [forms for value, forms in data.originals.items() if str(value).startswith('"1"^^')]
    assert [sorted(str(f).split('"')[1] for f in forms) for forms in one] == [["1.0", "1.00"]]
    bulk = validate([path], include_shipped=False, audit=False, engine="bulk")
    plain = validate([path], include_shipped=False, audit=False, engine="pyshacl")
    assert bulk.results == plain.results
    assert any(
        r.shape == "cptkg-shapes:FeeWorkRVUShape" and r.component == "MaxCountConstraintComponent" for r in bulk.results
    )
    assert all(note.path == "bulk" for note in bulk.engine_notes)


def test_check_shapes_refuses_an_unknown_engine():
    from cptkg.errors import BadInputError
    from cptkg.validation.shape_sets import load_shapes

    with pytest.raises(BadInputError, match="unknown validation engine"):
        check_shapes(ValidationData(), load_shapes("core"), engine="fast")


@pytest.mark.slow
def test_the_command_line_gives_the_same_report_on_both_engines():
    data = str(FIXTURES / "invalid" / "FeeTotalsShape.ttl")
    bulk = cptkg("validate", "--data", data, "--format", "json")
    plain = cptkg("validate", "--data", data, "--format", "json", "--engine", "pyshacl")
    assert bulk.exit_code == plain.exit_code == 1
    # the same report; only the metadata says which engine answered
    bulk_json, plain_json = json.loads(bulk.stdout), json.loads(plain.stdout)
    assert bulk_json.pop("metadata") != plain_json.pop("metadata")
    assert bulk_json == plain_json


# ---------------------------------------------------------------- query rewriting

TARGET = "?this a <urn:C>"


@pytest.mark.parametrize(
    "where",
    [
        "$this <urn:p> ?value . FILTER(?value > 1)",
        "$this <urn:p> ?v . FILTER NOT EXISTS { $this <urn:q> ?v }",
        "{ $this <urn:p> ?v . FILTER(?v = 1) } UNION { $this <urn:q> ?v }",
        "$this <urn:p> ?v . OPTIONAL { ?x <urn:q> ?y FILTER(?y = $this) }",
        "FILTER NOT EXISTS { $this <urn:p> ?v }",
    ],
)
def test_queries_that_run_for_all_focus_nodes_at_once(where):
    query = bulk_query(f"SELECT $this ?value WHERE {{ {where} }}", TARGET)
    assert query is not None and TARGET in query and query.startswith("SELECT DISTINCT ?this")


@pytest.mark.parametrize(
    "where",
    [
        # a branch that does not bind $this filters on it: bottom up it would see it unbound
        "{ FILTER NOT EXISTS { $this <urn:p> ?v } } UNION { $this <urn:q> ?v }",
        # a subquery that does not project $this has its own $this
        "{ SELECT ?v WHERE { $this <urn:p> ?v } }",
        # MINUS compares shared variables: pre-bound, $this is shared with nothing
        "?x <urn:p> ?v . MINUS { $this <urn:q> ?v }",
    ],
)
def test_queries_that_must_run_once_per_focus_node(where):
    assert bulk_query(f"SELECT $this WHERE {{ {where} }}", TARGET) is None


def test_aggregates_and_limits_run_once_per_focus_node():
    assert bulk_query("SELECT $this (COUNT(?v) AS ?n) WHERE { $this <urn:p> ?v } GROUP BY $this", TARGET) is None
    assert bulk_query("SELECT $this WHERE { $this <urn:p> ?v } LIMIT 1", TARGET) is None
    # a variable named like an aggregate is not one
    assert bulk_query("SELECT $this ?sum WHERE { $this <urn:p> ?sum }", TARGET) is not None


def test_substitution_prebinds_this_only_inside_the_where_group():
    text = 'SELECT $this ?v WHERE { $this <urn:p> ?v . FILTER(?v != "$this") }'
    assert substitute_this(text, "<urn:x>") == 'SELECT $this ?v WHERE { <urn:x> <urn:p> ?v . FILTER(?v != "$this") }'
