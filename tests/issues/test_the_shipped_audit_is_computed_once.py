"""The shipped graph's own audit is computed once per set of sources and kept with the store cache; a
validation whose data files hold no source claims reports it without running the audit shapes again."""

from __future__ import annotations

from cptkg.validation import validate as flow


def test_a_second_validation_reuses_the_shipped_audit(tmp_path, monkeypatch):
    monkeypatch.setenv("CPTKG_CACHE_DIR", str(tmp_path / "cache"))
    first = flow.validate()
    assert [r.shape for r in first.audit][:1] == ["cptkg-shapes:ClaimedModifierExistsShape"]

    def no_second_run(*_args, **_kwargs):
        raise AssertionError("the audit shapes ran again")

    monkeypatch.setattr(flow, "_run_audit", no_second_run)
    second = flow.validate()
    assert second.audit == first.audit
