"""The pipeline benchmark still runs (its figures are read by people, not asserted)."""

from __future__ import annotations

import re

import pytest

from bench.pipeline import run
from tests.conftest import bench_databases


def test_pipeline_bench_runs_and_cleans_up(
    server_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    before = bench_databases(server_url)
    last = run(4, server_url)
    assert re.fullmatch(
        r"pipeline docs_per_s=[\d.]+ entries_per_s=[\d.]+ link_ms_per_entry=[\d.]+ "
        r"peak_rss_mb=\d+ export_peak_rss_mb=\d+ tag_rows_per_s=\d+ baseline_tag_rows_per_s=\d+",
        last,
    )
    assert "processed 4 documents" in capsys.readouterr().out
    assert bench_databases(server_url) <= before  # its own scratch database is gone
