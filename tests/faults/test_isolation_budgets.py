"""Per-document isolation: a document too big or too slow for a stage becomes a dead letter
with the reason, and the documents beside it are stored in the same run."""

from __future__ import annotations

import shutil
import time
from datetime import date
from pathlib import Path

import pytest

from tests.conftest import FIXTURES
from warday import pipeline
from warday.store.db import connect

pytestmark = pytest.mark.integration
GOOD = ("day-451-bakhmut", "grain-deal-article")


def neighbours(folder: Path) -> None:
    """Two good dispatches with their sidecars."""
    for name in GOOD:
        for suffix in (".txt", ".meta.json"):
            shutil.copy(FIXTURES / "digests" / f"{name}{suffix}", folder / f"{name}{suffix}")


def one_line(size: int) -> str:
    """A long single-paragraph dispatch in the shape of real reporting, `size` chars."""
    sentence = (
        "Russian forces shelled Kherson and Nikopol overnight, regional officials said, "
        "and Ukraine's air force reported 40 drones shot down over six regions. "
    )
    return "Overnight attacks\n\n" + sentence * (size // len(sentence))


def run(folder: Path) -> tuple[dict[str, int], list[dict], list[str]]:
    """Land and process the folder; counts, open dead letters, outlets stored."""
    with connect() as conn:
        pipeline.land_paths(conn, [folder])
        counts = pipeline.process_pending(conn, date(2025, 6, 1))
        letters = conn.execute(
            "SELECT locator, error_class, message FROM dead_letters WHERE resolved_at IS NULL"
        ).fetchall()
        stored = conn.execute(
            "SELECT d.doc_key FROM documents d JOIN entries e USING (document_id) WHERE e.is_live"
        ).fetchall()
    return counts, letters, sorted({r["doc_key"] for r in stored})


def test_entry_over_the_size_budget_is_a_dead_letter(
    db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("WARDAY_TAG_MAX_CHARS", "20000")
    neighbours(tmp_path)
    (tmp_path / "huge.txt").write_text(one_line(60_000), encoding="utf-8")
    counts, letters, stored = run(tmp_path)
    assert counts["raw_processed"] == 2 and counts["raw_failed"] == 1
    assert [(Path(r["locator"]).name, r["error_class"]) for r in letters] == [
        ("huge.txt", "OverBudget")
    ]
    assert "exceeds the tagging budget of 20000" in letters[0]["message"]
    assert len(stored) == 2


def test_entry_over_the_time_budget_is_interrupted_and_a_dead_letter(
    db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("WARDAY_TAG_TIMEOUT_S", "0.3")
    neighbours(tmp_path)
    (tmp_path / "slow.txt").write_text(one_line(300_000), encoding="utf-8")
    counts, letters, stored = run(tmp_path)
    assert counts["raw_processed"] == 2 and counts["raw_failed"] == 1
    assert [(Path(r["locator"]).name, r["error_class"]) for r in letters] == [
        ("slow.txt", "OverBudget")
    ]
    assert "tagging (WARDAY_TAG_TIMEOUT_S) exceeded 0.3 s" in letters[0]["message"]
    assert len(stored) == 2


def test_page_past_the_extraction_budget_is_a_dead_letter(
    db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """14 MB of span soup goes to the warm worker, which is killed at the time limit."""
    monkeypatch.setenv("WARDAY_EXTRACT_TIMEOUT_S", "1")
    monkeypatch.setenv("WARDAY_EXTRACT_MEMORY_MB", "4096")
    neighbours(tmp_path)
    unit = b"<span>word</span> "
    page = b"<html><body><div>" + unit * (14 * 1024 * 1024 // len(unit)) + b"</div></body></html>"
    (tmp_path / "soup.html").write_bytes(page)
    counts, letters, stored = run(tmp_path)
    assert counts["raw_processed"] == 2 and counts["raw_failed"] == 1
    assert [(Path(r["locator"]).name, r["error_class"]) for r in letters] == [
        ("soup.html", "ExtractionTimeout")
    ]
    assert "exceeded 1 s" in letters[0]["message"]
    assert len(stored) == 2


def test_a_deadline_swallowed_once_still_interrupts_the_block() -> None:
    """An alarm that lands in a finalizer the garbage collector runs is swallowed there; the
    deadline fires again, so the block is still interrupted rather than run to its end."""
    from warday.transform.isolate import OverBudget, deadline

    swallowed = finished = False
    with pytest.raises(OverBudget), deadline(0.1, "a test block"):
        try:
            time.sleep(1)
        except OverBudget:  # as a __del__ would lose it
            swallowed = True
        for _ in range(200):  # 2 s if nothing interrupts it
            time.sleep(0.01)
        finished = True
    assert swallowed and not finished
