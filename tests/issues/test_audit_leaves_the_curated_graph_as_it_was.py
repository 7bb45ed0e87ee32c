"""The audit checks each document against the curated graph without copying it: the claims are added for
the check and taken out after, so the next document is audited against the curated graph alone."""

from __future__ import annotations

from pathlib import Path

from cptkg.documents.audit import audit_document
from cptkg.documents.resolving import LabelIndex
from cptkg.graph.sources import curated_graph
from cptkg.validation.shape_sets import load_shapes

DOCUMENTS = Path(__file__).resolve().parent.parent / "fixtures" / "documents"


def test_two_documents_in_a_row_leave_the_curated_graph_unchanged(tmp_path):
    curated = curated_graph()
    before = set(curated)
    first = tmp_path / "first.txt"
    first.write_text("CPT 44365: push enteroscopy\n\n- Typical site of service: physician office\n", encoding="utf-8")
    second = tmp_path / "second.txt"
    second.write_text("CPT 44365: push enteroscopy\n\nPayers include Medicare.\n", encoding="utf-8")
    labels, shapes = LabelIndex.from_engine(), load_shapes("audit")
    one = audit_document(first, curated, labels, shapes)
    two = audit_document(second, curated, labels, shapes)
    assert set(curated) == before
    # the first document's office claim is found there, and is not found again in the second
    assert any("office" in f.words.lower() for f in one.findings)
    assert not any("office" in f.words.lower() for f in two.findings)
