"""`warday report` writes one self-contained page whose charts render in a real headless
browser with the network cut off (Chromium from Debian's packages; installed with apt-get
when missing and possible, else the test is skipped with the reason)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, SEEDS
from warday.cli import main

CHARTS = ("chart-timeline", "chart-map", "chart-casualties")


def chromium() -> str:
    """The Chromium binary, installing Debian's package when that is possible."""
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found:
        return found
    if shutil.which("apt-get") and os.geteuid() == 0:
        subprocess.run(
            ["apt-get", "install", "-y", "-q", "chromium"],
            capture_output=True,
            check=False,
            timeout=900,
        )
        found = shutil.which("chromium")
    if not found:
        pytest.skip("no Chromium: install Debian's `chromium` package to run the browser check")
    return found


def headless(page: Path, profile: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    """Open the page in headless Chromium with every network request sent nowhere."""
    return subprocess.run(
        [
            chromium(),
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            f"--user-data-dir={profile}",
            "--proxy-server=http://127.0.0.1:9",
            "--proxy-bypass-list=<-loopback>",
            "--virtual-time-budget=20000",
            *extra,
            page.as_uri(),
        ],
        capture_output=True,
        text=True,
        check=False,
        timeout=180,
    )


@pytest.fixture
def report(db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    assert main(["ingest", str(SEEDS), str(FIXTURES / "analyst")]) == 0
    out = tmp_path / "report.html"
    assert main(["report", "--since", "2024-01-01", "--out", str(out)]) == 0
    assert "works offline" in capsys.readouterr().out
    return out


def test_report_is_one_self_contained_page(report: Path) -> None:
    page = report.read_text(encoding="utf-8")
    assert not re.search(r"<(?:script|link|img)[^>]+(?:src|href)=", page)  # nothing to fetch
    body = page.split("<body>", 1)[1]  # the inlined plotly.js names its CDN; no chart uses it
    assert "cdn.plot.ly" not in body and "geo" not in re.findall(r'"type":\s*"(\w+)"', body)
    for section in ("timeline", "map", "casualties", "stories", "health"):
        assert f'<section id="{section}">' in page
    assert "Kharkiv" in page and "Eastern Desk" in page and "ASSAULT" in page


def test_charts_render_in_headless_chromium(report: Path, tmp_path: Path) -> None:
    done = headless(report, tmp_path / "profile", "--dump-dom")
    assert done.returncode == 0, done.stderr[-2000:]
    dom = done.stdout
    for chart in CHARTS:
        rendered = re.search(rf'<div id="{chart}"[^>]*class="[^"]*js-plotly-plot', dom)
        assert rendered, f"{chart} did not render"
    assert dom.count('class="main-svg"') >= 2 * len(CHARTS)
    assert dom.count('class="trace bars"') >= 1  # the stacked timeline drew its bars
    assert re.search(r'class="scatterlayer', dom)  # map and casualty points
