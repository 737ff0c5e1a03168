"""Workers sharing the process step: claimed batches, no document twice, none left over."""

from __future__ import annotations

import threading
from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from bench.pipeline import write_digests
from warday import pipeline
from warday.store.db import connect

pytestmark = pytest.mark.integration


def test_two_workers_share_the_queue_without_duplicates(db_url: str, tmp_path: Path) -> None:
    write_digests(tmp_path, 24)
    with connect() as conn:
        assert pipeline.land_paths(conn, [tmp_path])["landed"] == 24
    results: list[dict[str, int]] = []

    def worker() -> None:
        with connect() as conn:
            results.append(pipeline.process_pending(conn, date(2025, 6, 1), batch_size=2))

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert [r.get("raw_processed", 0) > 0 for r in results] == [True, True]
    assert sum(r.get("raw_processed", 0) for r in results) == 24
    with connect() as conn:
        status = conn.execute("SELECT status, count(*) AS n FROM raw_documents GROUP BY 1")
        assert {r["status"]: r["n"] for r in status} == {"processed": 24}
        per_entry = Counter(
            r["entry_id"] for r in conn.execute("SELECT entry_id FROM entry_changes")
        )
        live = conn.execute("SELECT count(*) AS n FROM entries WHERE is_live").fetchone()["n"]
    assert set(per_entry.values()) == {1} and len(per_entry) == live


SHARED_ITEM_FEED = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel>
  <title>{outlet}</title><link>https://news.example/{outlet}/</link>
  <description>War reporting.</description>
  <item>
    <title>Drones hit Kharkiv overnight</title>
    <link>https://news.example/shared/kharkiv-drones</link>
    <guid isPermaLink="true">https://news.example/shared/kharkiv-drones</guid>
    <pubDate>Tue, 29 Apr 2025 07:20:00 +0300</pubDate>
    <description>Ukraine's air force said Russian drones attacked Kharkiv overnight, injuring
    four people and damaging an apartment building in the city centre.</description>
  </item>
</channel></rss>
"""


def test_a_worker_waiting_for_a_document_reads_it_as_the_other_left_it(
    db_url: str, tmp_path: Path
) -> None:
    """Two feeds carry the same story. While one worker has written it and not committed, the
    other waits for the document, then reads the entries the first one stored: it finds them
    unchanged and rewrites nothing (not a view of the database from before its wait)."""
    for outlet in ("alpha", "beta"):
        (tmp_path / f"{outlet}.xml").write_text(
            SHARED_ITEM_FEED.format(outlet=outlet), encoding="utf-8"
        )
    with connect() as conn:
        assert pipeline.land_paths(conn, [tmp_path])["landed"] == 2
    second: list[dict[str, int]] = []
    with connect() as first:
        with first.transaction():  # the first worker's batch, held open
            assert pipeline._process_batch(first, date(2025, 6, 1), 1)["entries_written"] == 1

            def worker() -> None:
                with connect() as conn:
                    second.append(pipeline.process_pending(conn, date(2025, 6, 1), batch_size=1))

            waiting = threading.Thread(target=worker)
            waiting.start()
            waiting.join(2)
            assert waiting.is_alive(), "the second worker should wait for the document"
        waiting.join(60)
    assert second == [{"documents": 1, "entries_unchanged": 1, "raw_processed": 1}]
