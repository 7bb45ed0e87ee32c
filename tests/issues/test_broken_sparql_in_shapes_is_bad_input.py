"""Regression: a user's shapes file whose sh:select does not parse (an unclosed brace) ended in "unexpected
ValueError" (bulk) or "unexpected ParseException" (pyshacl) with exit 3, an environment error. It is bad input:
one line saying the shapes cannot be used, exit 2, on both engines."""

from __future__ import annotations

import pytest

from ..conftest import cptkg

SHAPES = """@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix ex: <http://example.org/> .
ex:S a sh:NodeShape ; sh:targetNode ex:a ;
  sh:sparql [ sh:select "SELECT $this WHERE { $this ex:nope ?x" ] .
"""


@pytest.mark.parametrize("engine", ["bulk", "pyshacl"])
def test_a_shape_query_that_does_not_parse_is_one_error_line(tmp_path, engine):
    data = tmp_path / "data.ttl"
    data.write_text('<http://example.org/a> <http://example.org/p> "x" .\n', encoding="utf-8")
    shapes = tmp_path / "shapes.ttl"
    shapes.write_text(SHAPES, encoding="utf-8")
    result = cptkg("validate", "--data", str(data), "--shapes", str(shapes), "--no-shipped", "--engine", engine)
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and "the shapes cannot be used: a SPARQL query of theirs does not parse" in lines[0]
