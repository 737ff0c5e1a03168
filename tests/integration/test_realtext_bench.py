"""Floors on real reporting: the labelled development set, ingested, exported and scored.

Reads ``../shared/realtext`` (or ``$WARDAY_SHARED/realtext``) by path; skipped with the
reason when the set is not there. The figures are the set's own scorer's.
"""

from __future__ import annotations

import pytest

from bench.realtext import run, shared_dir

REALTEXT = shared_dir() / "realtext"
DATING_FLOOR = 1.0
SEGMENTATION_FLOOR = 0.9
EVIDENCE_FLOOR = 1.0


@pytest.mark.skipif(
    not (REALTEXT / "score.py").exists(),
    reason=f"development set of real reporting not found at {REALTEXT}",
)
def test_real_reporting_floors(server_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    figures = run(REALTEXT, server_url)
    report = capsys.readouterr().out
    assert figures["dating"] >= DATING_FLOOR, report
    assert figures["segmentation"] >= SEGMENTATION_FLOOR, report
    assert figures["evidence"] >= EVIDENCE_FLOOR, report
    assert "articles kept whole 11/11" in report, report
