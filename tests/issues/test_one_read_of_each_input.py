"""Each flow reads its input once: `validate --data` parses a data file once (it was three times), and
`import pfs` reads its file once (it was three: lines for the progress bar, the banner, the rows)."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from cptkg.graph import rdf_files
from cptkg.importers import import_pfs
from cptkg.validation.validate import validate

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def test_validate_parses_a_data_file_once(tmp_path, monkeypatch):
    data = tmp_path / "rules.ttl"
    data.write_text(
        "@prefix cptkg: <https://w3id.org/cptkg/ontology#> .\n<https://example.org/payer-note> a cptkg:SourceNote .\n",
        encoding="utf-8",
    )
    parsed: list[str] = []
    real = ox.parse

    def counting(*args, **kwargs):
        parsed.append(str(kwargs.get("path")))
        return real(*args, **kwargs)

    monkeypatch.setattr(rdf_files.ox, "parse", counting)
    report = validate([data])
    assert report.conforms
    assert parsed.count(str(data)) == 1


def test_the_fee_schedule_import_reads_its_file_once(monkeypatch):
    sample = FIXTURES / "cms" / "pfs-2025-oct-sample.csv"
    opened: list[Path] = []
    real = Path.open

    def counting(self, *args, **kwargs):
        opened.append(self)
        return real(self, *args, **kwargs)

    monkeypatch.setattr(Path, "open", counting)
    result = import_pfs(sample, 2025, "october", progress=lambda done, total: None)
    assert result.triples.count > 0
    assert opened.count(sample) == 1
