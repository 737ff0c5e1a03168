"""Issue 14.4 and 14.7 against PostgreSQL: refused files are dead letters with the reason,
good neighbours are stored, and a registry directory that does not exist is an error."""

from __future__ import annotations

import os
from pathlib import Path

from tests.faults.helpers import within
from warday import pipeline
from warday.fetching import run_source
from warday.ingest.sources import load_registry
from warday.store.db import connect

GOOD = (
    "Day 1,160: Kyiv counts the damage\n\n"
    "Russian drones struck Kharkiv overnight, officials said.\n"
)


def _letters(conn) -> dict[str, str]:  # type: ignore[no-untyped-def]
    rows = conn.execute(
        "SELECT locator, message FROM dead_letters WHERE resolved_at IS NULL"
    ).fetchall()
    return {Path(r["locator"].removeprefix("file://")).name: r["message"] for r in rows}


def test_hostile_files_are_dead_letters_beside_a_stored_neighbour(
    db_url: str, tmp_path: Path
) -> None:
    watched, outside = tmp_path / "watched", tmp_path / "outside"
    watched.mkdir()
    outside.mkdir()
    (outside / "secret.txt").write_text("private\n\nnot for the database")
    (watched / "good.txt").write_text(GOOD)
    os.mkfifo(watched / "pipe.txt")
    (watched / "leak.txt").symlink_to(outside / "secret.txt")
    (watched / "zero.txt").write_text(GOOD.replace("Kyiv", "Lviv"))
    (watched / "zero.meta.json").symlink_to("/dev/zero")
    with open(watched / "sparse.txt", "wb") as handle:
        handle.truncate(300 * 1024 * 1024)
    with connect() as conn:
        counts = within(30, lambda: pipeline.land_paths(conn, [watched]))
        assert counts["landed"] == 1 and counts["failed"] == 4
        letters = _letters(conn)
        keys = [r["doc_key"] for r in conn.execute("SELECT doc_key FROM raw_documents")]
    assert "FIFO" in letters["pipe.txt"]
    assert "outside" in letters["leak.txt"]
    assert "sidecar" in letters["zero.txt"] and "outside" in letters["zero.txt"]
    assert "exceeds the cap" in letters["sparse.txt"]
    assert [Path(k).name for k in keys] == ["good.txt"]


def test_directory_source_caps_its_files(db_url: str, tmp_path: Path) -> None:
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / "good.txt").write_text(GOOD)
    (tmp_path / "d" / "big.txt").write_text(GOOD * 100)
    registry = tmp_path / "sources.yaml"
    registry.write_text(
        "sources:\n  - {name: local, kind: directory, path: d, limits: {max_bytes: 1000}}\n"
    )
    (source,) = load_registry(registry)
    with connect() as conn:
        counts = run_source(conn, source)
        assert counts["landed"] == 1 and counts["failed"] == 1
        assert "cap of 1000 bytes" in _letters(conn)["big.txt"]


def test_missing_registry_directory_is_an_error_for_that_source(
    db_url: str, tmp_path: Path
) -> None:
    registry = tmp_path / "sources.yaml"
    registry.write_text("sources:\n  - {name: typo, kind: directory, path: seedz}\n")
    (source,) = load_registry(registry)
    with connect() as conn:
        counts = run_source(conn, source)
        state = conn.execute("SELECT last_status, last_error FROM sources").fetchone()
        letter = conn.execute("SELECT stage, locator, message FROM dead_letters").fetchone()
    assert counts == {"fetch_failed": 1}
    assert state["last_status"] == "error" and "does not exist" in state["last_error"]
    assert letter["locator"].endswith("seedz") and "does not exist" in letter["message"]
