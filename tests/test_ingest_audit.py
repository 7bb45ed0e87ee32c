"""`cptkg ingest` and `cptkg audit`: the seed document's claims and findings, planted errors in fixture
documents of other codes, untidy variants of the format, and mangled documents (hypothesis)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rdflib import Graph
from rdflib.compare import isomorphic

from cptkg.documents.audit import audit
from cptkg.documents.model import Document
from cptkg.documents.parsing import parse
from cptkg.documents.reading import read_document
from cptkg.documents.resolving import LabelIndex
from cptkg.errors import BadInputError
from cptkg.resources import ontology_dir

from .conftest import cptkg as cli
from .conftest import require_shared

DOCS = Path(__file__).resolve().parent / "fixtures" / "documents"
MODIFIER_11 = (
    "The source claims modifier 11 (Professional component): 11 is not a modifier, it is place of service 11 "
    "Office; professional component is modifier 26; and 26 is not allowed on 44365 under Medicare "
    "(PC/TC 0: physician service code)."
)


@pytest.fixture(scope="module")
def resolver():
    return LabelIndex.from_engine()


def short(iri: str) -> str:
    return iri.rsplit("/", 1)[1]


def test_the_seed_document_gives_exactly_the_expected_claims(resolver):
    document = parse(read_document(require_shared("sources/cpt-44365-overview.txt")), resolver)
    got = [
        (c.line, c.kind, c.aspect or c.limit or "", c.text[:60], [short(i) for i in c.resolved])
        for c in document.claims
    ]
    assert got == [
        (2, "code-title", "", "CPT 44365: Small Intestine Endoscopy with Lesion Removal", ["44365"]),
        (3, "extent", "reachesBeyond", "past the second portion of the duodenum", ["duodenum-part-2"]),
        (3, "extent", "doesNotReach", "stops short of the ileum", ["ileum"]),
        (3, "technique", "", "hot biopsy forceps", ["hot-biopsy-forceps"]),
        (3, "technique", "", "bipolar cautery", ["bipolar-cautery"]),
        (4, "payer", "", "Aetna", ["aetna"]),
        (4, "payer", "", "Blue Cross Blue Shield", ["bcbs"]),
        (4, "payer", "", "Cigna Health", ["cigna"]),
        (4, "payer", "", "UnitedHealthcare", ["unitedhealthcare"]),
        (4, "payer", "", "Medicare", ["medicare"]),
        (6, "extent", "reachesBeyond", "beyond the second portion of the duodenum", ["duodenum-part-2"]),
        (6, "extent", "doesNotReach", "does not include the ileum", ["ileum"]),
        (8, "service-type", "", "Diagnostic and therapeutic endoscopy with lesion removal", ["therapeutic-purpose"]),
        (10, "site-of-service", "", "Endoscopy suite", ["outpatient-endoscopy-suite"]),
        (10, "site-of-service", "", "hospital outpatient department", ["19", "22"]),
        (13, "vignette", "age", "58-year-old male", []),
        (13, "vignette", "sex", "male", ["male"]),
        (13, "vignette", "indication", "melena", ["melena"]),
        (13, "vignette", "indication", "iron-deficiency anemia", ["iron-deficiency-anemia"]),
        (13, "vignette", "indication", "fecal occult blood", ["occult-blood-in-stool"]),
        (13, "extent", "doesNotReach", "not including the ileum", ["ileum"]),
        (13, "vignette", "instrument", "push enteroscope", ["push-enteroscope"]),
        (
            13,
            "vignette",
            "finding",
            "one or more pedunculated and sessile polyps in the proximal ",
            ["polyp", "jejunum"],
        ),
        (13, "vignette", "step", "pre-procedure consent and chart review", []),
        (13, "vignette", "step", "administration of moderate sedation in the endoscopy suite", []),
        (13, "vignette", "sedation", "moderate sedation", ["moderate-sedation"]),
        (13, "vignette", "step", "endoscopic inspection and lesion removal with electrocautery", []),
        (13, "technique", "", "electrocautery", []),
        (13, "vignette", "step", "specimen collection for pathology", []),
        (13, "vignette", "step", "post-procedure recovery and discharge instructions", []),
        (13, "vignette", "step", "documentation of procedural details, findings, and immediate", []),
        (13, "site-of-service", "", "hospital outpatient endoscopy unit", ["19", "22"]),
        (13, "site-of-service", "", "ambulatory surgical center", ["24"]),
        (
            13,
            "service-type",
            "",
            "diagnostic and therapeutic endoscopy (push enteroscopy) with",
            ["therapeutic-purpose"],
        ),
        (17, "modifier", "", "11 | Professional component | Use when reporting the physici", []),
    ]
    assert [c.order for c in document.claims if c.aspect == "step"] == [1, 2, 3, 4, 5, 6]
    modifier = document.claims[-1]
    assert (modifier.code, modifier.meaning) == ("11", "Professional component")
    assert modifier.when is not None and modifier.when.startswith("Use when reporting the physician")
    assert document.warnings == []


def test_every_claim_is_the_exact_text_of_its_span(resolver):
    for path in [require_shared("sources/cpt-44365-overview.txt"), *sorted(DOCS.rglob("*.txt"))]:
        document = parse(read_document(path), resolver)
        for claim in document.claims:
            assert document.text[claim.start : claim.end] == claim.text, (path.name, claim)
            assert document.text.count("\n", 0, claim.start) + 1 == claim.line, (path.name, claim)


def test_the_shipped_claims_are_what_ingest_reads_from_the_seed_document():
    path = require_shared("sources/cpt-44365-overview.txt")
    result = cli("ingest", str(path), "--format", "turtle")
    assert result.exit_code == 0
    ingested = Graph().parse(data=result.stdout, format="turtle")
    shipped = Graph().parse(ontology_dir() / "claims" / "cpt-44365-overview.ttl", format="turtle")
    assert isomorphic(ingested, shipped)


def test_audit_of_the_seed_document():
    seed = str(require_shared("sources/cpt-44365-overview.txt"))
    result = cli("audit", seed)
    assert result.exit_code == 1
    assert "(CPT 44365, 35 claims): 1 violations, 0 warnings, 1 infos" in result.stdout
    assert f"finding: {MODIFIER_11}" in result.stdout
    assert "graph:   Medicare: modifier 26 on 44365: PC/TC indicator 0" in result.stdout
    assert "source:  RVU25D: record layout and indicator definitions" in result.stdout
    assert 'INFO line 13: "electrocautery"' in result.stdout
    report = json.loads(cli("audit", seed, "--format", "json").stdout)
    assert [(f["severity"], f["line"], f["shape"]) for f in report["findings"]] == [
        ("Info", 13, "UnknownClaimShape"),
        ("Violation", 17, "ClaimedModifierExistsShape"),
    ]
    assert report["findings"][1]["message"] == MODIFIER_11


PLANTED = {
    "error-44364-modifier-11.txt": [("Violation", "ClaimedModifierExistsShape", 17)],
    "error-44366-modifier-meaning.txt": [("Violation", "ClaimedModifierMeaningShape", 17)],
    "error-44361-modifier-not-allowed.txt": [("Warning", "ClaimedModifierNotAllowedShape", 17)],
    "error-44377-extent.txt": [("Warning", "ClaimedExtentShape", 3)],
    "error-44364-technique.txt": [("Warning", "ClaimedTechniqueShape", 3)],
    "error-44363-office.txt": [("Warning", "ClaimedSiteOfServiceShape", 10)],
    "error-44360-service-type.txt": [("Warning", "ClaimedServiceTypeShape", 8)],
    "info-44376-unknown.txt": [("Info", "UnknownClaimShape", 4), ("Info", "UnknownClaimShape", 10)],
    "clean-44364.txt": [],
    "clean-44376.txt": [],
    "clean-44361.txt": [],
}


@pytest.fixture(scope="module")
def fixture_audits():
    return {r.document.path.name: r for r in audit(DOCS)}


@pytest.mark.parametrize("name", sorted(PLANTED))
def test_planted_errors_are_found_and_clean_documents_raise_no_alarm(name, fixture_audits):
    report = fixture_audits[name]
    assert [(f.severity, f.shape, f.line) for f in report.findings] == PLANTED[name]
    assert report.passed == (not any(s in ("Violation", "Warning") for s, _, _ in PLANTED[name]))


def test_planted_error_messages(fixture_audits):
    messages = {name: [f.message for f in r.findings] for name, r in fixture_audits.items()}
    assert messages["error-44366-modifier-meaning.txt"] == [
        "The source claims modifier 59 means Professional component, but 59 is Distinct procedural service; "
        "professional component is modifier 26."
    ]
    assert messages["error-44377-extent.txt"] == [
        'The source says 44377 does not reach the ileum ("not including the ileum"), but the extent of 44377 does '
        "not: it reaches beyond the duodenum, second part, must reach the ileum."
    ]
    assert messages["error-44363-office.txt"][0].startswith(
        'The source gives "Physician office" (place of service 11 Office, a non-facility setting) as a typical '
        "site for 44363, but 44363 is facility-only: its Medicare 2025 non-facility practice expense is NA."
    )
    assert messages["error-44360-service-type.txt"] == [
        'The source calls 44360 "Therapeutic endoscopy with lesion removal", but the graph has it as a diagnostic '
        "endoscopy whose purpose is diagnostic."
    ]
    assert messages["error-44361-modifier-not-allowed.txt"][0].startswith(
        "The source lists modifier 26 for 44361, but Medicare does not allow 26 on 44361: PC/TC indicator 0"
    )


@pytest.mark.parametrize("variant", sorted(p.name for p in (DOCS / "untidy").glob("*.txt")))
def test_untidy_variants_read_like_the_tidy_document(variant, resolver):
    tidy = parse(read_document(DOCS / "error-44364-modifier-11.txt"), resolver)
    document = parse(read_document(DOCS / "untidy" / variant), resolver)
    modifiers = [(c.code, c.meaning) for c in document.claims if c.kind == "modifier"]
    if variant == "unknown-code.txt":
        assert document.code == "45999"
        assert [w.message for w in document.warnings] == [
            "code 45999 is not in the graph; its claims cannot be audited"
        ]
        return
    expected = [(c.code, c.meaning) for c in tidy.claims if c.kind == "modifier"]
    if variant == "missing-sections.txt":
        assert modifiers == expected[:1]
        assert [w.message for w in document.warnings] == ["no Clinical Context section: no vignette claims"]
        return
    assert modifiers == expected
    assert sorted((c.kind, c.aspect or "", c.value or "") for c in document.claims) == sorted(
        (c.kind, c.aspect or "", c.value or "") for c in tidy.claims
    )
    if variant == "wrapped-row.txt":
        row = next(c for c in document.claims if c.code == "11")
        assert row.when == "Use when the physician's service is billed apart from the facility."


@pytest.mark.parametrize(
    "content, message",
    [
        (b"", "the document is empty"),
        (b"\xef\xbb\xbf  \r\n", "the document is empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "not a text document"),
    ],
)
def test_unreadable_input_is_one_clear_error(tmp_path, content, message):
    path = tmp_path / "doc.txt"
    path.write_bytes(content)
    with pytest.raises(BadInputError, match=message):
        read_document(path)
    for command in ("ingest", "audit"):
        result = cli(command, str(path))
        assert result.exit_code == 2
        assert result.stderr.strip().count("\n") == 0 and message in result.stderr


def test_a_folder_is_ingested_into_one_named_graph_a_document(tmp_path):
    import pyoxigraph as ox

    result = cli("ingest", str(DOCS), "--out", str(tmp_path / "claims.trig"))
    assert result.exit_code == 0
    graphs = {q.graph_name.value for q in ox.parse(path=str(tmp_path / "claims.trig"), format=ox.RdfFormat.TRIG)}
    assert len(graphs) == 11 and "https://w3id.org/cptkg/graph/claims/clean-44364" in graphs


SEED_LINES = (DOCS / "error-44364-modifier-11.txt").read_text().splitlines()


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    lines=st.lists(st.sampled_from(SEED_LINES) | st.text(max_size=80), max_size=30),
    bom=st.booleans(),
    crlf=st.booleans(),
    noise=st.binary(max_size=20),
)
def test_mangled_documents_give_claims_or_the_documented_error(tmp_path, resolver, lines, bom, crlf, noise):
    text = ("\r\n" if crlf else "\n").join(lines)
    data = (b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8", "surrogatepass") + noise
    path = tmp_path / "mangled.txt"
    path.write_bytes(data)
    try:
        document = read_document(path)
    except BadInputError:
        return
    result = parse(document, resolver)
    assert isinstance(result, Document)
    kinds = {"code-title", "extent", "technique", "service-type", "site-of-service", "payer", "modifier", "vignette"}
    for claim in result.claims:
        assert result.text[claim.start : claim.end] == claim.text
        assert claim.kind in kinds
