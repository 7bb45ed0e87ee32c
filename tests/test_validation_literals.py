"""The bulk engine gives plain pyshacl's results on literals the store or its parser would write differently:
every XSD datatype the store normalises, language tags with capitals, explicit xsd:string, and the SPARQL
features the store evaluates differently (sub-SELECT with LIMIT, look-ahead regex), plus custom components
typed through a subclass and prefixes that come only from the file. Each case is validated by both engines
with shipped=False and the two reports must be the same; the notes must say when plain pyshacl answered."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import BNode, Graph
from rdflib.namespace import SH

from cptkg import api

HEAD = """@prefix ex: <http://example.org/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
"""

# (value as written, the constraint of a property shape on ex:p) for one focus node ex:a
LITERALS = [
    ('"5"^^xsd:int', "sh:datatype xsd:integer"),
    ('"5"^^xsd:short', "sh:datatype xsd:integer"),
    ('"5"^^xsd:long', "sh:datatype xsd:integer"),
    ('"5"^^xsd:byte', "sh:datatype xsd:integer"),
    ('"5"^^xsd:nonNegativeInteger', "sh:datatype xsd:integer"),
    ('"5"^^xsd:positiveInteger', "sh:datatype xsd:integer"),
    ('"5"^^xsd:unsignedInt', "sh:datatype xsd:integer"),
    ('"3000000000"^^xsd:int', 'sh:maxInclusive "2147483647"^^xsd:int'),
    ('"3000000000"^^xsd:int', "sh:datatype xsd:int"),
    ('"1.50"^^xsd:decimal', 'sh:pattern "^1\\\\.50$"'),
    ('"1.50"^^xsd:decimal', "sh:minLength 4"),
    ('"1.50"^^xsd:decimal', 'sh:in ( "1.5"^^xsd:decimal )'),
    ('"007"^^xsd:integer', 'sh:hasValue "7"^^xsd:integer'),
    ('"+5"^^xsd:integer', 'sh:pattern "^\\\\+"'),
    ('"1"^^xsd:boolean', "sh:in ( true )"),
    ('"1.0E0"^^xsd:double', 'sh:pattern "E0$"'),
    ('"1.0"^^xsd:float', "sh:maxLength 2"),
    ('"2020-01-01T00:00:00+00:00"^^xsd:dateTime', 'sh:pattern "Z$"'),
    ('"2020-01-01Z"^^xsd:date', 'sh:pattern "\\\\+00:00$"'),
    ('"Hi"@EN', 'sh:languageIn ( "en" )'),
    ('"Hi"@EN', 'sh:in ( "Hi"@en )'),
    ('"Hi"@en-US', 'sh:languageIn ( "en-us" )'),
    ('"x"^^xsd:string', 'sh:in ( "x" )'),
    ('"x"^^xsd:string , "x"', "sh:maxCount 1"),
    ('"abc"^^xsd:int', "sh:datatype xsd:int"),
    ('"1.50"^^xsd:decimal , "1.5"^^xsd:decimal', "sh:maxCount 1"),
    ('"1"^^xsd:boolean , true', "sh:maxCount 1"),
]

SPARQL = {
    "sub-select with LIMIT": """
ex:a a ex:C ; ex:p 1 , 2 . ex:b a ex:C ; ex:p 3 . ex:c a ex:C ; ex:p 4 .
ex:S a sh:NodeShape ; sh:targetClass ex:C ;
  sh:sparql [ sh:select '''SELECT $this ?value WHERE {
    { SELECT $this ?value WHERE { $this <http://example.org/p> ?value } ORDER BY DESC(?value) LIMIT 1 } }''' ] .
""",
    "look-ahead regex": """
ex:a a ex:C ; ex:p "abc" .
ex:S a sh:NodeShape ; sh:targetClass ex:C ;
  sh:sparql [ sh:select "SELECT $this WHERE { $this <http://example.org/p> ?v . FILTER(REGEX(?v, '^(?=a)')) }" ] .
""",
    "STR of a decimal": """
ex:a a ex:C ; ex:p 1.50 .
ex:S a sh:NodeShape ; sh:targetClass ex:C ;
  sh:sparql [ sh:select "SELECT $this WHERE { $this <http://example.org/p> ?v . FILTER(STR(?v) = '1.50') }" ] .
""",
    "merged literals under NOT EXISTS": """
ex:a a ex:C ; ex:p 1.50 . ex:b ex:p 1.5 .
ex:S a sh:NodeShape ; sh:targetClass ex:C ;
  sh:sparql [ sh:select "SELECT $this WHERE { $this ?p ?v . FILTER NOT EXISTS { <http://example.org/b> ?p ?v } }" ] .
""",
    "confined predicate reaching a rewritten literal": """
ex:a a ex:C ; ex:p 1.50 .
ex:S a sh:NodeShape ; sh:targetClass ex:C ;
  sh:sparql [ sh:select "SELECT $this WHERE { $this ?q ?v . FILTER(?q IN (ex:p) && STR(?v) = '1.50') }" ] .
""",
    "prefix from the file only": """
ex:a a ex:C ; ex:p 1 .
ex:S a sh:NodeShape ; sh:targetClass ex:C ;
  sh:sparql [ sh:select "SELECT $this WHERE { $this ex:p ?v }" ] .
""",
    "component typed through a subclass": """
ex:MyComponent rdfs:subClassOf sh:ConstraintComponent .
ex:NoP a ex:MyComponent ; sh:parameter [ sh:path ex:forbid ] ;
  sh:validator [ a sh:SPARQLAskValidator ; sh:ask "ASK { FILTER NOT EXISTS { $this <http://example.org/p> ?x } }" ] .
ex:a a ex:C ; ex:p 1 .
ex:S a sh:NodeShape ; sh:targetClass ex:C ; ex:forbid true .
""",
}


def comparable(report: Graph) -> set[tuple[object, ...]]:
    rows = set()
    for result in report.subjects(None, SH.ValidationResult):
        row = []
        for prop in (SH.focusNode, SH.resultPath, SH.value, SH.sourceConstraintComponent, SH.resultSeverity):
            value = report.value(result, prop)
            row.append("_:b" if isinstance(value, BNode) else value)
        rows.add(tuple(row))
    return rows


def both(tmp_path: Path, text: str) -> tuple[api.Report, api.Report]:
    path = tmp_path / "case.ttl"
    path.write_text(HEAD + text, encoding="utf-8")
    reports = [api.validate(data=[path], shapes=[path], shipped=False, engine=e) for e in ("bulk", "pyshacl")]
    return reports[0], reports[1]


@pytest.mark.parametrize(("value", "constraint"), LITERALS, ids=[f"{v} {c}" for v, c in LITERALS])
def test_literals_as_pyshacl_sees_them(tmp_path, value, constraint):
    text = (
        f"ex:a a ex:C ; ex:p {value} .\n"
        f"ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:property [ sh:path ex:p ; {constraint} ] .\n"
    )
    bulk, reference = both(tmp_path, text)
    assert (bulk.conforms, comparable(bulk.report_graph)) == (reference.conforms, comparable(reference.report_graph))


@pytest.mark.parametrize("case", sorted(SPARQL))
def test_sparql_features_as_pyshacl_runs_them(tmp_path, case):
    bulk, reference = both(tmp_path, SPARQL[case])
    assert (bulk.conforms, comparable(bulk.report_graph)) == (reference.conforms, comparable(reference.report_graph))
    # the cases are built so that pyshacl finds something: an engine that says "conforms" is wrong
    assert not reference.conforms or case == "component typed through a subclass"


def test_the_notes_say_when_plain_pyshacl_answered(tmp_path):
    # Oxigraph's parser lower-cases the tag: only rdflib's reading of the file is pyshacl's
    bulk, _reference = both(
        tmp_path,
        'ex:a a ex:C ; ex:p "Hi"@EN .\nex:S a sh:NodeShape ; sh:targetClass ex:C ; '
        'sh:property [ sh:path ex:p ; sh:languageIn ( "EN" ) ] .\n',
    )
    assert [(n.shape, n.path) for n in bulk.engine_notes] == [("*", "pyshacl")]
    assert "reads differently" in bulk.engine_notes[0].reason
    assert bulk.to_json()["metadata"]["engine"][0]["path"] == "pyshacl"


def test_literals_the_store_rewrites_stay_on_the_bulk_path(tmp_path):
    # "5"^^xsd:int is kept as xsd:integer by the store: the value checks read the file's form instead
    bulk, reference = both(
        tmp_path,
        'ex:a a ex:C ; ex:p "5"^^xsd:int .\nex:S a sh:NodeShape ; sh:targetClass ex:C ; '
        "sh:property [ sh:path ex:p ; sh:datatype xsd:integer ] .\n",
    )
    assert not reference.conforms
    assert comparable(bulk.report_graph) == comparable(reference.report_graph)
    assert {n.path for n in bulk.engine_notes} == {"bulk"}


def test_canonical_data_stays_on_the_bulk_path(tmp_path):
    bulk, reference = both(
        tmp_path,
        "ex:a a ex:C ; ex:p 5 .\nex:S a sh:NodeShape ; sh:targetClass ex:C ; "
        "sh:property [ sh:path ex:p ; sh:maxInclusive 4 ] .\n",
    )
    assert not bulk.conforms and comparable(bulk.report_graph) == comparable(reference.report_graph)
    assert {n.path for n in bulk.engine_notes} == {"bulk"}


def test_no_shipped_needs_shapes(tmp_path):
    from cptkg.errors import BadInputError

    path = tmp_path / "d.ttl"
    path.write_text(HEAD + "ex:a ex:p 1 .\n", encoding="utf-8")
    with pytest.raises(BadInputError, match="needs at least one --shapes file"):
        api.validate(data=[path], shipped=False)
