"""The two real documents the project started from produce what ../shared/seeds/EXPECTED.md
says (story linking of the pair is checked with the stories; here: dating, segmentation,
headlines, dateline and outlet). Read by path, skipped with the reason when absent."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import psycopg
import pytest
from psycopg.rows import dict_row

from bench.realtext import shared_dir
from warday import pipeline
from warday.transform.text import normalise

SEEDS = shared_dir() / "seeds"
DIGEST = SEEDS / "000_6bbf38a7d179ce51.txt"
WIRE = SEEDS / "002_ea93744d241e498e.txt"
# EXPECTED.md's headlines; stored text has the project's plain quotes (transform.text).
HEADINGS = [
    "Putin thanks North Korean troops for fighting against Ukrainian forces in Russia\u2019s"
    " Kursk region",
    "Russia\u2019s demands for engaging in peace talks with Ukraine run counter to"
    " U.S.-proposed peace plan",
    "Ukraine, U.S. agree that past American aid provided to Kyiv will not be part of minerals deal",
]
LATER = date(2026, 11, 29)  # the run's date: far from the seeds' own dates

pytestmark = pytest.mark.skipif(
    not (DIGEST.exists() and WIRE.exists()), reason=f"seed documents not found in {SEEDS}"
)


def _entries(url: str, path: Path, overrides: dict | None = None) -> list[dict]:
    with psycopg.connect(url, row_factory=dict_row) as conn:
        pipeline.land_paths(conn, [path], overrides)
        pipeline.process_pending(conn, LATER)
        return conn.execute(
            "SELECT e.*, d.outlet, d.dateline, d.date_flags, d.title FROM entries e "
            "JOIN documents d USING (document_id) WHERE e.is_live ORDER BY e.ordinal"
        ).fetchall()


def test_day_digest_is_a_lead_and_three_sub_stories(db_url: str) -> None:
    entries = _entries(db_url, DIGEST)
    assert len(entries) == 4
    assert entries[0]["section"] == "summary"
    assert entries[0]["headline"] == normalise(
        "Day 1,160: Russia makes demands for deal to end its war against Ukraine"
    )
    assert [e["headline"] for e in entries[1:]] == [normalise(h) for h in HEADINGS]
    assert {(e["war_day"], e["war_date"], e["date_source"]) for e in entries} == {
        (1160, date(2025, 4, 28), "day_number")
    }
    assert all(e["relevance"] == "war" for e in entries)


def test_wire_story_split_dateline(db_url: str) -> None:
    (entry,) = _entries(db_url, WIRE)
    assert (entry["outlet"], entry["dateline"]) == ("CNN", "CNN")
    assert entry["headline"] not in ("CNN", "") and entry["headline"].startswith(
        normalise("Russia\u2019s President Vladimir Putin has for the first time acknowledged")
    )
    # no date anywhere in the text: the run's date, flagged as a fallback
    assert entry["date_source"] == "logical_date" and "fallback_run_date" in entry["date_flags"]


def test_wire_story_with_a_publication_time_is_day_1160(db_url: str) -> None:
    (entry,) = _entries(db_url, WIRE, {"published": "2025-04-28T14:00:00+00:00"})
    assert (entry["war_day"], entry["war_date"], entry["date_source"]) == (
        1160,
        date(2025, 4, 28),
        "metadata",
    )
    assert "fallback_run_date" not in entry["date_flags"]
