"""A site of service after extra spaces ("Typical site of service:  ASC ,  hospital outpatient") keeps a span
that is exactly its words: the span used to start at the spaces before them."""

from __future__ import annotations

from cptkg.documents.model import Document
from cptkg.documents.parsing import parse
from cptkg.documents.resolving import LabelIndex


def test_every_claims_text_is_the_document_text_at_its_span(tmp_path):
    text = (
        "CPT 44365: push enteroscopy\r\n\r\n"
        "Billing Code Overview\r\n"
        "  - Service type:   therapeutic endoscopy  \r\n"
        "  - Typical site of service:  ASC ,  hospital outpatient department;   inpatient hospital\r\n"
        "Common payers include  Medicare,  Aetna and   Cigna.\r\n"
    )
    document = parse(Document(tmp_path / "d.txt", text, "0" * 64), LabelIndex.from_engine())
    sites = [c for c in document.claims if c.kind == "site-of-service"]
    assert [c.text for c in sites] == ["ASC", "hospital outpatient department", "inpatient hospital"]
    for claim in document.claims:
        assert document.text[claim.start : claim.end] == claim.text, claim
