"""Every source file parses with rdflib and with Oxigraph; prefixes agree with the package's one prefix map."""

from __future__ import annotations

import re

import pyoxigraph as ox
import pytest
import rdflib

from cptkg.namespaces import PREFIXES
from cptkg.resources import ontology_dir, source_files

FILES = [p for p in source_files() if p.suffix == ".ttl"]
MAPPING_SETS = [p for p in source_files() if p.name.endswith(".sssom.tsv")]


def test_there_is_a_file_per_topic():
    names = {p.relative_to(ontology_dir()).as_posix() for p in FILES}
    for expected in (
        "cptkg.ttl",
        "anatomy.ttl",
        "vocabulary.ttl",
        "modifiers.ttl",
        "places-of-service.ttl",
        "payers.ttl",
        "sources.ttl",
        "codes/enteroscopy.ttl",
        "medicare/pfs-2025.ttl",
        "claims/cpt-44365-overview.ttl",
    ):
        assert expected in names


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_parses_with_rdflib_and_oxigraph_to_the_same_triples(path):
    g = rdflib.Graph().parse(path, format="turtle")
    triples = list(ox.parse(path=str(path), format=ox.RdfFormat.TURTLE))
    assert len(g) > 0
    # Oxigraph keeps duplicates from the parse; the set sizes must agree
    assert len({(str(t.subject), str(t.predicate), str(t.object)) for t in triples}) == len(g)


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_declared_prefixes_match_the_package_prefix_map(path):
    for prefix, namespace in re.findall(r"@prefix\s+(\w+):\s+<([^>]+)>", path.read_text(encoding="utf-8")):
        if prefix in PREFIXES:
            assert PREFIXES[prefix] == namespace, (
                f"{path.name}: {prefix}: is {namespace}, the package says {PREFIXES[prefix]}"
            )


def test_rapper_parses_every_file_when_installed(tmp_path):
    import shutil
    import subprocess

    rapper = shutil.which("rapper")
    if rapper is None:
        pytest.skip("rapper (raptor2-utils) not installed")
    for path in FILES:
        run = subprocess.run([rapper, "-q", "-i", "turtle", "-c", str(path)], capture_output=True, text=True)
        assert run.returncode == 0, f"{path}: {run.stderr}"
