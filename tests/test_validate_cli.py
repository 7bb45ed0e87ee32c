"""`cptkg validate` from the command line and from Python: exit codes, user data and shapes, formats."""

from __future__ import annotations

import json

import rdflib

import cptkg

from .conftest import cptkg as run

USER_RULE_BAD = """@prefix cptkg: <https://w3id.org/cptkg/ontology#> .
@prefix cpt: <https://w3id.org/cptkg/cpt/> .
@prefix mod: <https://w3id.org/cptkg/modifier/> .
@prefix payer: <https://w3id.org/cptkg/payer/> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix src: <https://w3id.org/cptkg/source/> .
@prefix vocab: <https://w3id.org/cptkg/vocab/> .

<https://example.org/rules/44365-26> a cptkg:ModifierRule ;
    skos:prefLabel "Our plan: 26 on 44365"@en ;
    cptkg:forCode cpt:44365 ; cptkg:forModifier mod:26 ; cptkg:payer payer:medicare ;
    cptkg:ruleStatus vocab:allowed ;
    cptkg:rationale "We thought the professional component could be billed."@en ;
    prov:wasDerivedFrom src:cptkg-design .
"""


def test_shipped_graph_conforms_exit_0():
    result = run("validate")
    assert result.exit_code == 0
    assert result.stdout.startswith("conforms: 0 violations, 0 warnings, 0 infos")
    assert "11 is not a modifier, it is place of service 11 Office" in result.stdout


def test_user_rule_that_the_indicator_forbids_exit_1(tmp_path):
    data = tmp_path / "rules.ttl"
    data.write_text(USER_RULE_BAD)
    result = run("validate", "--data", str(data))
    assert result.exit_code == 1
    assert "does not conform: 1 violations" in result.stdout
    assert (
        "Medicare rule lets modifier 26 be used on 44365, but the code's PC/TC 0: physician service code "
        "forbids it: Physician service codes"
    ) in result.stdout
    report = cptkg.validate(data=[data])
    assert not report.conforms
    assert [(r.shape, r.focus_label) for r in report.results] == [
        ("cptkg-shapes:RuleRespectsIndicatorShape", "Our plan: 26 on 44365")
    ]


def test_json_and_turtle_reports(tmp_path):
    data = tmp_path / "rules.ttl"
    data.write_text(USER_RULE_BAD)
    as_json = json.loads(run("validate", "--data", str(data), "--format", "json").stdout)
    assert as_json["conforms"] is False and as_json["counts"]["Violation"] == 1
    assert as_json["results"][0]["component"] == "SPARQLConstraintComponent"
    turtle = run("validate", "--data", str(data), "--format", "turtle").stdout
    report = rdflib.Graph().parse(data=turtle, format="turtle")
    sh = rdflib.Namespace("http://www.w3.org/ns/shacl#")
    assert (None, sh.conforms, rdflib.Literal(False)) in report
    assert len(list(report.subjects(rdflib.RDF.type, sh.ValidationResult))) == 1


def test_jsonld_user_data(tmp_path):
    data = tmp_path / "codes.jsonld"
    data.write_text(
        json.dumps(
            {
                "@context": {
                    "cptkg": "https://w3id.org/cptkg/ontology#",
                    "skos": "http://www.w3.org/2004/02/skos/core#",
                },
                "@id": "https://example.org/code/9999",
                "@type": "cptkg:ProcedureCode",
                "skos:notation": "9999",
            }
        )
    )
    report = cptkg.validate(data=[data], audit=False)
    shapes = {r.shape for r in report.results}
    assert "cptkg-shapes:CPTNotationPatternShape" not in shapes  # no scheme, so no pattern to apply
    assert {
        "cptkg-shapes:CodeLabelShape",
        "cptkg-shapes:CodeDefinitionShape",
        "cptkg-shapes:CodeSchemeShape",
        "cptkg-shapes:ProvenanceShape",
    } <= shapes


def test_user_shapes_run_with_the_shipped_ones(tmp_path):
    shapes = tmp_path / "mine.ttl"
    shapes.write_text("""@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix cptkg: <https://w3id.org/cptkg/ontology#> .
@prefix ex: <https://example.org/> .
ex:EveryCodeHasAnExtent a sh:NodeShape ; sh:targetClass cptkg:ProcedureCode ;
    sh:property [ sh:path cptkg:anatomicExtent ; sh:minCount 1 ; sh:message "our plan wants an extent on every code" ] .
""")
    result = run("validate", "--shapes", str(shapes), "--no-audit")
    assert result.exit_code == 1
    # the five related codes (44799, 88305, 99152, 99153, G0500) have no extent, nor do the four codes of
    # ileoscopy through a stoma (44380-44384) and the two ileal pouch codes (44385, 44386)
    assert result.stdout.count("our plan wants an extent on every code") == 11
    assert "G0500 Moderate sedation" in result.stdout


def test_unparseable_file_exit_2_with_file_line_column(tmp_path):
    bad = tmp_path / "bad.ttl"
    bad.write_text('@prefix ex: <http://e/> .\nex:a ex:b "oops .\n')
    result = run("validate", "--data", str(bad))
    assert result.exit_code == 2
    assert result.stderr.startswith(f"cptkg: error: {bad}:2:")
    assert result.stdout == ""
    broken_json = tmp_path / "bad.jsonld"
    broken_json.write_text('{"@id": "x",\n  "oops"\n}')
    result = run("validate", "--data", str(broken_json))
    assert result.exit_code == 2 and f"{broken_json}:3:1" in result.stderr


def test_missing_file_and_remote_context_are_bad_input(tmp_path):
    result = run("validate", "--data", str(tmp_path / "nope.ttl"))
    assert result.exit_code == 2 and "no such file" in result.stderr
    remote = tmp_path / "remote.jsonld"
    remote.write_text(json.dumps({"@context": "https://example.org/context.jsonld", "@id": "x"}))
    result = run("validate", "--data", str(remote))
    assert result.exit_code == 2 and "remote JSON-LD context" in result.stderr


def test_broken_user_shapes_are_bad_input(tmp_path):
    shapes = tmp_path / "broken.ttl"
    shapes.write_text("""@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix ex: <https://example.org/> .
ex:S a sh:NodeShape ; sh:targetNode ex:a ; sh:sparql [ sh:select "SELECT ?x WHERE { ?x ?p ?o } VALUES ?x { 1 }" ] .
""")
    result = run("validate", "--shapes", str(shapes), "--no-audit")
    assert result.exit_code == 2
    assert result.stderr.startswith("cptkg: error: the shapes cannot be used:")
