"""The end-to-end benchmark still runs on real-shaped pages (its figures are read by people,
not asserted): both sides measured, every page accounted for, its databases dropped."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bench import e2e
from tests.conftest import REPO, bench_databases


def test_e2e_bench_runs_both_sides_and_cleans_up(
    server_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    page = REPO / "seeds" / "article-kursk-north-korea.html"
    for name in ("a.html", "b.html"):
        shutil.copy(page, tmp_path / name)
    (tmp_path / "c.html").write_text("<html><body><p>No article here.</p></body></html>")
    monkeypatch.setenv("DATABASE_URL", server_url)
    before = bench_databases(server_url, "warday_e2e_")

    assert e2e.main(["--corpus", str(tmp_path), "--workers", "2", "--rounds", "1"]) == 0

    out = capsys.readouterr().out
    assert re.search(
        r"^e2e pages_per_s=[\d.]+ trafilatura_pages_per_s=[\d.]+ ratio=[\d.]+ workers=2$",
        out,
        re.MULTILINE,
    )
    assert "scaling: 2 workers" in out and "pages: 3;" in out
    assert "bare trafilatura over 2 processes" in out
    assert re.search(r"^and of bare computation: a loop over 2 processes [\d.]+x one", out, re.M)
    assert "'landed': 3" in out and "entries by relevance" in out
    assert bench_databases(server_url, "warday_e2e_") <= before


def test_parallel_baseline_ends_in_a_process_that_ignores_sigterm() -> None:
    """The forked extraction processes are let go by closing their pool, not by SIGTERM, which
    a process may have inherited a handler for (a test runner, an Airflow task): the pool
    never ended there."""
    script = (
        "import signal; signal.signal(signal.SIGTERM, signal.SIG_IGN)\n"
        "from bench import e2e\n"
        "page = ('a.html', b'<html><body><p>Drones struck Kyiv overnight.</p></body></html>')\n"
        "e2e.run_trafilatura_parallel([page] * 8, 2)\n"
        "print('ended')\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=REPO, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0 and done.stdout.strip() == "ended", done.stderr
