"""The change feed under concurrent writers: a consumer polling with "seq > cursor" and
keeping the largest seq it read never misses a committed change."""

from __future__ import annotations

import random
import threading
import time

import pytest

from warday.store import repo
from warday.store.db import Conn, connect

pytestmark = pytest.mark.integration


def make_entries(conn: Conn, n: int) -> list[int]:
    """One document with n entries, committed; returns the entry ids."""
    with conn.transaction():
        conn.execute(
            "INSERT INTO raw_documents (content_hash, doc_key, media_type, body, fetched_at) "
            "VALUES ('h', 'k', 'text/plain', '\\x00', now())"
        )
        doc = conn.execute(
            "INSERT INTO documents (doc_key, raw_id, clean_text, date_source, extractor_version) "
            "SELECT 'k', raw_id, 't', 'metadata', 'x' FROM raw_documents RETURNING document_id"
        ).fetchone()["document_id"]
        rows = conn.execute(
            "INSERT INTO entries (entry_key, document_id, ordinal, headline, text, date_source,"
            " content_hash) SELECT 'e' || i, %s, i, 'h', 't', 'metadata', 'c'"
            " FROM generate_series(1, %s) AS i RETURNING entry_id",
            (doc, n),
        ).fetchall()
    return [r["entry_id"] for r in rows]


def poll(conn: Conn, cursor: int) -> list[tuple[int, int]]:
    """What a consumer reads after its cursor: (seq, entry_id) in seq order."""
    rows = conn.execute(
        "SELECT seq, entry_id FROM entry_changes WHERE seq > %s ORDER BY seq", (cursor,)
    ).fetchall()
    return [(r["seq"], r["entry_id"]) for r in rows]


def test_a_later_writer_waits_for_an_earlier_one_to_commit(db_url: str) -> None:
    """The interleaving that skipped changes: A draws a seq, B draws a higher one and commits
    first, a consumer reads B's and moves its cursor past A's. Now B cannot draw its seq
    before A ends, so the consumer sees A's change first."""
    with connect(autocommit=True) as setup:
        a_entry, b_entry = make_entries(setup, 2)
    b_done = threading.Event()

    def writer_b() -> None:
        with connect() as b, b.transaction():
            repo.publish_changes(b, [repo.Change(b_entry, "upsert", "c")])
        b_done.set()

    with connect() as a, connect(autocommit=True) as consumer:
        with a.transaction():
            repo.publish_changes(a, [repo.Change(a_entry, "upsert", "c")])
            thread = threading.Thread(target=writer_b)
            thread.start()
            assert not b_done.wait(1.0)  # B waits for A's commit
            assert poll(consumer, 0) == []  # nothing is visible yet
        thread.join(10)
        seen = poll(consumer, 0)
    assert [entry for _, entry in seen] == [a_entry, b_entry]


def test_polling_consumer_misses_nothing_under_concurrent_writers(db_url: str) -> None:
    """Eight writers commit small batches of changes at random moments, holding their
    transactions open for random times; a consumer polls with its cursor meanwhile."""
    with connect(autocommit=True) as setup:
        entries = make_entries(setup, 8 * 12)
    rng = random.Random(14)
    plans = [entries[i::8] for i in range(8)]
    delays = [[rng.uniform(0, 0.02) for _ in plan] for plan in plans]
    written: list[int] = []
    lock = threading.Lock()

    def writer(plan: list[int], waits: list[float]) -> None:
        with connect() as conn:
            for i in range(0, len(plan), 3):
                with conn.transaction():
                    conn.execute("SELECT pg_sleep(%s)", (waits[i],))  # work before the feed
                    seqs = repo.publish_changes(
                        conn, [repo.Change(e, "upsert", "c") for e in plan[i : i + 3]]
                    )
                    time.sleep(waits[i])  # a slow commit keeps the seq invisible a while
                with lock:
                    written.extend(seqs)

    threads = [
        threading.Thread(target=writer, args=(p, d)) for p, d in zip(plans, delays, strict=True)
    ]
    for thread in threads:
        thread.start()
    cursor, seen = 0, list[int]()
    with connect(autocommit=True) as consumer:
        while any(t.is_alive() for t in threads) or poll(consumer, cursor):
            batch = poll(consumer, cursor)
            seen.extend(seq for seq, _ in batch)
            cursor = max([cursor, *(seq for seq, _ in batch)])
            time.sleep(0.001)
    assert sorted(seen) == sorted(written)
    assert len(written) == len(entries)
