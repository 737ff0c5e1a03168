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
