"""Pages whose stated dates are impossible (a CMS's year 1, year 9999, a year before the war)
are stored with the date discarded and flagged; nothing downstream computes with it."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from warday import pipeline
from warday.store.db import connect
from warday.transform.wardate import plausible, resolve

PAGE = """<!DOCTYPE html>
<html lang="en"><head>
  <title>{title} | Steppe Courier</title>
  <script type="application/ld+json">{{"@context": "https://schema.org",
    "@type": "NewsArticle", "headline": "{title}", "datePublished": "{published}",
    "dateModified": "{published}"}}</script>
  <meta property="article:published_time" content="{published}">
</head><body><article>
  <h1>{title}</h1>
  <p>Russian forces shelled the outskirts of {town} on Tuesday, the regional administration
  said, damaging a power substation and several houses near the river crossing.</p>
  <p>Ukrainian air defence shot down eleven drones over the region overnight, the air force
  said, and repair crews restored electricity to most districts by the afternoon.</p>
  <p>Local officials asked residents to stay in shelters while sappers cleared debris from
  the main road leading to the railway station.</p>
</article></body></html>"""
STATED = {
    "year-one": "0001-01-01T00:00:00Z",
    "year-one-offset": "0001-01-01T00:30:00+05:00",
    "far-future": "9999-12-31T23:59:59-05:00",
    "pre-war": "1999-08-01T10:00:00Z",
}


def test_plausible_window() -> None:
    fetched = datetime(2025, 6, 1, tzinfo=UTC)
    assert plausible(datetime(2025, 5, 30, tzinfo=UTC), fetched)
    assert plausible(date(2021, 12, 1), fetched)  # the build-up before the invasion
    assert not plausible(date(1, 1, 1), fetched)
    assert not plausible(datetime(1, 1, 1, tzinfo=UTC), fetched)
    assert not plausible(date(9999, 12, 31), None)
    assert not plausible(date(2025, 6, 10), fetched)  # after it was fetched
    assert not plausible(None, fetched)


def test_resolve_skips_and_flags_implausible_dates() -> None:
    year_one = datetime(1, 1, 1, tzinfo=UTC)
    dating = resolve("Shelling near Kherson", year_one, "", date(2025, 6, 1))
    assert (dating.date_source, dating.war_date) == ("logical_date", date(2025, 6, 1))
    assert "implausible_published_0001-01-01" in dating.flags
    dated = resolve("Day 1,160: talks", year_one, "", None)
    assert (dated.war_day, dated.date_source) == (1160, "day_number")
    assert "implausible_published_0001-01-01" in dated.flags
    lined = resolve("Attack", None, "KYIV, March 3, 2099 — Drones hit", None, year_one)
    assert lined.date_source == "none"
    assert "implausible_dateline_2099-03-03" in lined.flags


@pytest.mark.integration
def test_pages_with_impossible_dates_are_stored_and_linked(db_url: str, tmp_path: Path) -> None:
    towns = ("Kupiansk", "Izium", "Pokrovsk", "Nikopol")
    for (name, stated), town in zip(STATED.items(), towns, strict=True):
        title = f"Shelling hits {town}"
        (tmp_path / f"{name}.html").write_text(
            PAGE.format(title=title, published=stated, town=town), encoding="utf-8"
        )
    (tmp_path / "sidecar.txt").write_text(
        "Shelling hits Kherson\n\nRussian artillery struck Kherson overnight, officials said.\n",
        encoding="utf-8",
    )
    (tmp_path / "sidecar.meta.json").write_text(
        json.dumps({"url": "https://example.org/kherson", "published": "0001-01-01T00:00:00Z"}),
        encoding="utf-8",
    )
    with connect() as conn:
        pipeline.land_paths(conn, [tmp_path])
        processed = pipeline.process_pending(conn, date(2025, 6, 1))
        linked = pipeline.link_stories(conn)
        docs = conn.execute(
            "SELECT published_at, modified_at, war_date, date_source, date_flags FROM documents"
        ).fetchall()
        letters = conn.execute("SELECT count(*) AS n FROM dead_letters").fetchone()["n"]
    assert processed.get("raw_processed") == 5 and "raw_failed" not in processed
    assert letters == 0 and sum(linked.values()) >= 5
    assert len(docs) == 5
    for doc in docs:
        assert doc["published_at"] is None and doc["modified_at"] is None
        assert (doc["war_date"], doc["date_source"]) == (date(2025, 6, 1), "logical_date")
        assert any(flag.startswith("implausible_published_") for flag in doc["date_flags"])
