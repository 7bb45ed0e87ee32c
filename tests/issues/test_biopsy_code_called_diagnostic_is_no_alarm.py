"""Regression: "Diagnostic endoscopy with biopsy", the way coding pages describe a biopsy code, was read as the
CPT class diagnostic endoscopy only, and a biopsy code is a surgical endoscopy: a warning on a clean document. A
bare "diagnostic" names the class and the clinical purpose both; the claim holds when either is the code's."""

from __future__ import annotations

from pathlib import Path

import pytest

from cptkg.documents.audit import audit

PAGE = """CPT {code}: {title}

Overview
CPT {code} is an enteroscopy reaching the jejunum.

Key Facts
Service type: {service_type}
"""


@pytest.mark.parametrize(
    ("code", "title", "service_type", "alarm"),
    [
        ("44361", "Small bowel endoscopy with biopsy", "Diagnostic endoscopy with biopsy", False),
        ("44361", "Small bowel endoscopy with biopsy", "Surgical endoscopy", False),
        ("44360", "Diagnostic small bowel endoscopy", "Diagnostic endoscopy", False),
        ("44365", "Small bowel endoscopy, lesion removal", "Diagnostic endoscopy", True),
        ("44361", "Small bowel endoscopy with biopsy", "Therapeutic endoscopy", True),
        ("44360", "Diagnostic small bowel endoscopy", "Surgical endoscopy", True),
    ],
)
def test_service_type_claims_on_either_axis(tmp_path: Path, code, title, service_type, alarm):
    page = tmp_path / f"{code}.txt"
    page.write_text(PAGE.format(code=code, title=title, service_type=service_type), encoding="utf-8")
    [report] = audit(page)
    shapes = [f.shape for f in report.findings if f.shape == "ClaimedServiceTypeShape"]
    assert shapes == (["ClaimedServiceTypeShape"] if alarm else [])
