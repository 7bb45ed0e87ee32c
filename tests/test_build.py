"""`cptkg build`: the products, their determinism, and what a malformed source does."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from rdflib.compare import isomorphic

from cptkg.graph.build import PRODUCTS, build
from cptkg.resources import ontology_dir

from .conftest import cptkg

pytestmark = pytest.mark.slow  # builds, the reasoner or real servers: seconds a test


def test_all_products_are_written(built):
    assert sorted(p.name for p in built.iterdir()) == sorted(PRODUCTS)
    info = json.loads((built / "build-info.json").read_text())
    assert info["triples"]["asserted"] > 4000
    assert info["triples"]["inferred"] > info["triples"]["asserted"]
    assert "https://w3id.org/cptkg/graph/codes/enteroscopy" in info["graphs"]


def test_products_hold_the_same_graph(built, graph):
    merged_ttl = rdflib.Graph().parse(built / "cptkg.ttl", format="turtle")
    merged_nt = rdflib.Graph().parse(built / "cptkg.nt", format="nt")
    assert isomorphic(merged_ttl, graph)
    assert isomorphic(merged_nt, graph)
    context = json.loads((built / "cptkg.context.jsonld").read_text())
    assert context["@context"]["cpt"] == "https://w3id.org/cptkg/cpt/"
    from_jsonld = rdflib.Graph().parse(built / "cptkg.jsonld", format="json-ld")
    assert isomorphic(from_jsonld, graph)


def test_quads_and_trig_keep_one_graph_per_source_file(built, dataset):
    expected = {str(g.identifier): len(g) for g in dataset.graphs() if len(g)}
    for name, fmt in (("cptkg.nq", ox.RdfFormat.N_QUADS), ("cptkg.trig", ox.RdfFormat.TRIG)):
        counts: dict[str, int] = {}
        for quad in ox.parse(path=str(built / name), format=fmt):
            counts[quad.graph_name.value] = counts.get(quad.graph_name.value, 0) + 1
        assert counts == expected, name


def test_inferred_product_has_the_closure(built):
    inferred = rdflib.Graph().parse(built / "cptkg-inferred.ttl", format="turtle")
    proximal = rdflib.URIRef("https://w3id.org/cptkg/ontology#proximalTo")
    assert (
        rdflib.URIRef("https://w3id.org/cptkg/anatomy/esophagus"),
        proximal,
        rdflib.URIRef("https://w3id.org/cptkg/anatomy/ileum"),
    ) in inferred


def test_build_is_deterministic_across_processes(built, tmp_path):
    """A second build, in another process with another hash seed, gives byte-identical files."""
    out = tmp_path / "again"
    env = dict(os.environ, PYTHONHASHSEED="12345")
    subprocess.run([sys.executable, "-c", f"import cptkg; cptkg.build({str(out)!r})"], check=True, env=env)
    for name in PRODUCTS:
        assert (out / name).read_bytes() == (built / name).read_bytes(), name


def test_malformed_source_stops_the_build_and_keeps_dist(tmp_path, built):
    sources = tmp_path / "ontology"
    shutil.copytree(ontology_dir(), sources)
    dist = tmp_path / "dist"
    shutil.copytree(built, dist)
    before = {p.name: p.read_bytes() for p in dist.iterdir()}
    bad = sources / "payers.ttl"
    lines = bad.read_text().splitlines()
    lines[10] = lines[10] + ' "unterminated'
    bad.write_text("\n".join(lines) + "\n")
    result = cptkg("build", "--out", str(dist), "--sources", str(sources))
    assert result.exit_code == 2
    message = result.stderr.strip()
    assert message.count("\n") == 0, "one line"
    assert f"{bad}:11:" in message and "syntax error" in message
    assert {p.name: p.read_bytes() for p in dist.iterdir()} == before
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".dist")], "no staging folder left behind"


def test_build_replaces_an_old_dist(tmp_path):
    out = tmp_path / "dist"
    out.mkdir()
    (out / "stale.txt").write_text("old")
    result = build(out)
    assert not (out / "stale.txt").exists()
    assert result.asserted_triples > 4000
    assert oct(out.stat().st_mode & 0o777) != oct(0o700)


def test_cli_build_prints_a_summary(tmp_path):
    result = cptkg("build", "--out", str(tmp_path / "d"))
    assert result.exit_code == 0
    assert "asserted triples" in result.stdout and "cptkg.jsonld" in result.stdout


@pytest.mark.parametrize("name", ["cptkg.ttl", "cptkg-inferred.ttl"])
def test_turtle_products_parse_with_oxigraph(built, name):
    assert sum(1 for _ in ox.parse(path=str(built / name), format=ox.RdfFormat.TURTLE)) > 4000


def test_products_are_utf8_text(built):
    for name in PRODUCTS:
        Path(built / name).read_text(encoding="utf-8")
