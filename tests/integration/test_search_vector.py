"""The full-text vector is kept for war entries only, and follows their text and relevance."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import SEEDS
from warday import pipeline
from warday.store.db import connect

OTHER_NEWS = """Valencia clears streets after overnight storm

Heavy rain flooded streets in the centre of Valencia overnight, and the city council said
that schools would stay closed on Thursday while crews cleared fallen trees and mud.
Forecasters expect drier weather from the weekend.
"""

MATCHES = """SELECT relevance,
       search IS NOT DISTINCT FROM
           (CASE WHEN relevance = 'war'
                 THEN to_tsvector('english', headline || ' ' || text) END) AS kept
FROM entries"""


def test_vector_of_war_entries_only(db_url: str, tmp_path: Path) -> None:
    (tmp_path / "storm.txt").write_text(OTHER_NEWS, encoding="utf-8")
    with connect() as conn:
        pipeline.land_paths(conn, [SEEDS, tmp_path])
        pipeline.process_pending(conn)
        rows = conn.execute(MATCHES).fetchall()
        assert {r["relevance"] for r in rows} == {"war", "off_topic"}
        assert all(r["kept"] for r in rows)
        nulls = conn.execute(
            "SELECT relevance, count(*) AS n FROM entries WHERE search IS NULL GROUP BY 1"
        ).fetchall()
        assert [r["relevance"] for r in nulls] == ["off_topic"]


def test_vector_follows_relevance_and_text(db_url: str, tmp_path: Path) -> None:
    (tmp_path / "storm.txt").write_text(OTHER_NEWS, encoding="utf-8")
    with connect() as conn:
        pipeline.land_paths(conn, [tmp_path])
        pipeline.process_pending(conn)
        entry_id = conn.execute("SELECT entry_id FROM entries").fetchone()["entry_id"]

        def search() -> str | None:
            row = conn.execute("SELECT search::text FROM entries WHERE entry_id = %s", (entry_id,))
            found: str | None = row.fetchone()["search"]
            return found

        assert search() is None
        conn.execute("UPDATE entries SET relevance = 'war' WHERE entry_id = %s", (entry_id,))
        assert "valencia" in (search() or "")
        conn.execute(
            "UPDATE entries SET text = text || ' Drones were not involved.' WHERE entry_id = %s",
            (entry_id,),
        )
        assert "drone" in (search() or "")
        conn.execute("UPDATE entries SET search = NULL WHERE entry_id = %s", (entry_id,))
        assert "drone" in (search() or "")  # not writable by hand: it is made again
        conn.execute("UPDATE entries SET relevance = 'off_topic' WHERE entry_id = %s", (entry_id,))
        assert search() is None
