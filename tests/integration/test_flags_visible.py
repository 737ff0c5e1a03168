"""A run-dated document and an off-topic digest item say so wherever they show."""

from __future__ import annotations

import json
from pathlib import Path

import psycopg
import pytest

from tests.conftest import FIXTURES
from warday.cli import main

BRIEF = FIXTURES / "digests" / "un-style-news-in-brief.txt"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    assert main(list(argv)) == 0
    return capsys.readouterr().out


def test_fallback_dates_and_off_topic_items_are_visible(
    db_url: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    undated = tmp_path / "undated.txt"
    undated.write_text("Shelling went on\nShelling went on along the front, officials said.")
    run(capsys, "ingest", str(undated), str(BRIEF), str(BRIEF.with_suffix(".meta.json")))

    records = [json.loads(line) for line in run(capsys, "export").splitlines()]
    fallback = [r for r in records if r["date_source"] == "logical_date"]
    assert len(fallback) == 1 and "fallback_run_date" in fallback[0]["date_flags"]
    off = [r for r in records if r["relevance"] == "off_topic"]
    assert [r["headline"] for r in off] == [
        "Cholera cases surge in Sudan as rainy season begins early",
        "UN agency warns of locust swarms across the Sahel after heavy rains",
    ]
    assert all(r["relevance_reason"] for r in off)

    assert "dated by the run's fallback date (no stated date): 1" in run(capsys, "status")
    summary = run(capsys, "summary")
    assert "entries_dated_by_run_fallback=1" in summary and "entries_off_topic=2" in summary
    assert "FALLBACK: dated by the run" in summary

    with psycopg.connect(db_url) as conn:
        shown = {h for (h,) in conn.execute("SELECT headline FROM war_entries")}
    assert shown and not shown & {r["headline"] for r in off}


def test_off_topic_entries_keep_who_where_and_how_many_but_no_war_events(
    db_url: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    page = tmp_path / "flood.txt"
    page.write_text(
        "Floods in Minas Gerais\nPublished: May 6, 2025\n"
        "Heavy rains left 12 people dead in Brazil's Minas Gerais state on Monday, "
        "Governor Romeu Zema said, and 3,500 residents had to leave their homes.\n"
    )
    run(capsys, "ingest", str(page))
    with psycopg.connect(db_url) as conn:
        row = conn.execute(
            "SELECT e.relevance,"
            " (SELECT count(*) FROM events v WHERE v.entry_id = e.entry_id),"
            " (SELECT count(*) FROM figures f WHERE f.entry_id = e.entry_id),"
            " (SELECT count(*) FROM actor_mentions a WHERE a.entry_id = e.entry_id)"
            " FROM entries e"
        ).fetchone()
    assert row is not None
    relevance, events, figures, actors = row
    assert relevance == "off_topic"
    assert events == 0 and figures >= 1 and actors >= 1


def test_off_topic_items_get_no_story(db_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    """Stories link this war's reporting: the brief's war items get stories, its other news
    gets none (and no fingerprint), so no story is the cholera or the locust item."""
    out = run(capsys, "ingest", str(BRIEF), str(BRIEF.with_suffix(".meta.json")))
    with psycopg.connect(db_url) as conn:
        rows = conn.execute(
            "SELECT relevance, story_id IS NOT NULL, fingerprint IS NOT NULL FROM entries"
        ).fetchall()
        labels = {label for (label,) in conn.execute("SELECT label FROM stories")}
        other_news = {
            h for (h,) in conn.execute("SELECT headline FROM entries WHERE relevance <> 'war'")
        }
    war = [r for r in rows if r[0] == "war"]
    off = [r for r in rows if r[0] == "off_topic"]
    assert war and all(linked and stored for _, linked, stored in war)
    assert len(off) == 2 and not any(linked or stored for _, linked, stored in off)
    assert other_news and not labels & other_news
    linked = sum(int(n) for n in _counts(out, "link:", ("stories_created", "entries_linked")))
    assert linked == len(war)


def _counts(out: str, step: str, names: tuple[str, ...]) -> list[str]:
    """Values of some counters on one step's line of the CLI's output."""
    line = next(x for x in out.splitlines() if x.startswith(step))
    pairs = dict(p.split("=") for p in line.split()[1:] if "=" in p)
    return [pairs.get(name, "0") for name in names]
