"""A batch's documents are written together; what one of them breaks stays its own."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from warday import pipeline
from warday.store.db import connect

DISPATCH = """Day {day}: {title}

Russian drones struck energy facilities in the Odesa region overnight, the regional governor
said, and air defence units shot down most of them over the Black Sea coast.

In the east, Ukraine's general staff reported heavy fighting near Pokrovsk, where Russian
forces pressed assaults on several villages after a week of shelling.
"""

FEED = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel>
  <title>{outlet}</title><link>https://news.example/{slug}/</link>
  <description>War reporting.</description>
  <item>
    <title>{own_title}</title>
    <link>https://news.example/{slug}/own</link>
    <guid isPermaLink="true">https://news.example/{slug}/own</guid>
    <pubDate>Tue, 29 Apr 2025 07:20:00 +0300</pubDate>
    <description>Ukraine's air force said Russian drones attacked Kharkiv overnight, injuring
    four people and damaging an apartment building in the city centre.</description>
  </item>
  <item>
    <title>Zelensky meets European leaders in Kyiv</title>
    <link>https://news.example/shared/zelensky-meeting</link>
    <guid isPermaLink="true">https://news.example/shared/zelensky-meeting</guid>
    <pubDate>Tue, 29 Apr 2025 09:00:00 +0300</pubDate>
    <description>President Volodymyr Zelensky met European leaders in Kyiv on Tuesday.
    {version}</description>
  </item>
</channel></rss>
"""


def _ingest(folder: Path) -> dict[str, int]:
    with connect() as conn:
        pipeline.land_paths(conn, [folder])
        return pipeline.process_pending(conn, date(2025, 6, 1))


def test_two_feeds_carrying_one_story_leave_its_later_version(db_url: str, tmp_path: Path) -> None:
    """Two feeds of one batch carry the same item: both go through, one document holds it,
    and it says what the feed processed later says (as if they had come in two batches)."""
    for slug, version in (("alpha", "The talks turned to air defence."), ("beta", "LATER")):
        (tmp_path / f"{slug}.xml").write_text(
            FEED.format(outlet=slug, slug=slug, own_title=f"{slug} report", version=version),
            encoding="utf-8",
        )
    counts = _ingest(tmp_path)
    assert counts["raw_processed"] == 2 and "raw_failed" not in counts
    with connect() as conn:
        shared = conn.execute(
            "SELECT d.clean_text, count(*) OVER () AS n FROM documents d WHERE d.doc_key LIKE %s",
            ["%shared/zelensky-meeting%"],
        ).fetchall()
        letters = conn.execute("SELECT count(*) AS n FROM dead_letters").fetchone()
    assert len(shared) == 1 and "LATER" in shared[0]["clean_text"]
    assert letters["n"] == 0
    assert counts["documents"] == 4


def test_a_document_the_database_refuses_fails_alone(db_url: str, tmp_path: Path) -> None:
    """The database refuses one document of a batch (here a trigger does): that document is a
    dead letter with the database's reason, and its batch-mates are written in full."""
    titles = {
        "a.txt": (1161, "Drones hit Odesa port"),
        "b.txt": (1162, "Refused by the database"),
        "c.txt": (1163, "Fighting near Pokrovsk intensifies"),
    }
    for name, (day, title) in titles.items():
        (tmp_path / name).write_text(DISPATCH.format(day=f"{day:,}", title=title), "utf-8")
    with connect() as conn, conn.transaction():
        conn.execute(
            "CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            "IF NEW.title LIKE '%Refused%' THEN RAISE EXCEPTION 'title refused'; END IF; "
            "RETURN NEW; END $$"
        )
        conn.execute(
            "CREATE TRIGGER refuse BEFORE INSERT ON documents "
            "FOR EACH ROW EXECUTE FUNCTION refuse()"
        )
    counts = _ingest(tmp_path)
    assert counts["raw_processed"] == 2 and counts["raw_failed"] == 1
    with connect() as conn:
        titles_stored = {r["title"] for r in conn.execute("SELECT title FROM documents").fetchall()}
        letter = conn.execute("SELECT locator, message FROM dead_letters").fetchall()
        entries = conn.execute("SELECT count(*) AS n FROM entries").fetchone()["n"]
        changes = conn.execute("SELECT count(*) AS n FROM entry_changes").fetchone()["n"]
        rows = conn.execute("SELECT status, count(*) AS n FROM raw_documents GROUP BY status")
        status = {r["status"]: r["n"] for r in rows.fetchall()}
    assert len(titles_stored) == 2 and not any("Refused" in t for t in titles_stored)
    assert len(letter) == 1 and letter[0]["locator"].endswith("b.txt")
    assert "title refused" in letter[0]["message"]
    assert entries == counts["entries_written"] > 0 and changes == entries
    assert status == {"processed": 2, "failed": 1}


def test_files_of_one_document_land_in_turn_and_a_refused_file_fails_alone(
    db_url: str, tmp_path: Path
) -> None:
    """Landing reads files in lots. Two files naming one URL land in turn (the later is the
    current version); a file the database refuses is a dead letter, its lot-mates land."""
    for name, day, url in (
        ("a.txt", 1161, "https://news.example/day"),
        ("b.txt", 1162, "https://news.example/day"),
        ("c.txt", 1163, None),
        ("d.txt", 1164, None),
    ):
        (tmp_path / name).write_text(DISPATCH.format(day=f"{day:,}", title="Overnight"), "utf-8")
        if url:
            (tmp_path / f"{name.removesuffix('.txt')}.meta.json").write_text(
                f'{{"url": "{url}"}}', "utf-8"
            )
    with connect() as conn, conn.transaction():
        conn.execute(
            "CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            "IF NEW.doc_key LIKE '%d.txt' THEN RAISE EXCEPTION 'file refused'; END IF; "
            "RETURN NEW; END $$"
        )
        conn.execute(
            "CREATE TRIGGER refuse BEFORE INSERT ON raw_documents "
            "FOR EACH ROW EXECUTE FUNCTION refuse()"
        )
    with connect() as conn:
        counts = pipeline.land_paths(conn, [tmp_path])
        rows = conn.execute(
            "SELECT doc_key, is_current, convert_from(body, 'UTF8') AS body FROM raw_documents"
        ).fetchall()
        letters = conn.execute("SELECT locator, message FROM dead_letters").fetchall()
    assert counts == {"files": 4, "skipped": 0, "landed": 3, "failed": 1}
    current = {r["doc_key"]: r["body"] for r in rows if r["is_current"]}
    assert "Day 1,162" in current["https://news.example/day"]
    assert len(rows) == 3 and len(current) == 2
    assert [r["locator"].rsplit("/", 1)[1] for r in letters] == ["d.txt"]
    assert "file refused" in letters[0]["message"]
