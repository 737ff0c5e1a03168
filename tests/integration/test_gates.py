"""Quality gates by policy: a run that lands new items but writes no entry fails (or warns),
stale sources are named, and the failure notice names source and reason."""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import pytest

from warday import alerts, gates
from warday.cli import EXIT_SOURCE, main
from warday.store.db import connect


def broken_source(tmp_path: Path, policy: str) -> Path:
    """A registry with one directory whose two files land but cannot be processed."""
    folder = tmp_path / "inbox"
    folder.mkdir()
    for name in ("a.txt", "b.txt"):
        (folder / name).write_bytes(b"Day 1,200: \xff\xfe not UTF-8 \xff")
    registry = tmp_path / "sources.yaml"
    registry.write_text(
        f"gates:\n{policy}sources:\n  - {{name: inbox, kind: directory, path: {folder}}}\n"
    )
    return registry


def test_zero_entry_run_fails_the_gate(
    db_url: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    registry = broken_source(tmp_path, "  source_failed: warn\n")
    monkeypatch.setenv("WARDAY_SOURCES", str(registry))
    assert main(["run", "--sources", str(registry)]) == EXIT_SOURCE
    out = capsys.readouterr().out
    assert "gate:    FAIL: run: zero_entries: 2 new item(s) landed, 0 entries written" in out
    with connect() as conn:
        run = conn.execute("SELECT status, counts FROM pipeline_runs").fetchone()
    assert run["status"] == "failed" and run["counts"]["gate"]["verdict"] == "fail"
    checks = {c["check"]: c["level"] for c in run["counts"]["gate"]["checks"]}
    assert checks == {"zero_entries": "fail", "dead_letter_rate": "warn", "source_failed": "warn"}


def test_policy_can_make_it_a_warning(
    db_url: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    registry = broken_source(tmp_path, "  zero_entries: warn\n  source_failed: warn\n")
    monkeypatch.setenv("WARDAY_SOURCES", str(registry))
    assert main(["run", "--sources", str(registry)]) == 0
    assert "gate:    warn" in capsys.readouterr().out
    assert main(["status"]) == 0
    status = capsys.readouterr().out
    assert "inbox" in status and "WARN" in status and "2 open dead letter(s)" in status


def test_a_source_with_nothing_new_is_stale(db_url: str, tmp_path: Path) -> None:
    registry = tmp_path / "sources.yaml"
    registry.write_text(
        "gates: {stale: fail}\nsources:\n"
        "  - {name: quiet, kind: feed, url: 'https://example.org/f.xml', limits: {stale_days: 2}}\n"
    )
    policy = gates.load_policy(registry)
    with connect() as conn:
        conn.execute(
            "INSERT INTO sources (name, kind, locator, last_status, created_at)"
            " VALUES ('quiet', 'feed', 'https://example.org/f.xml', 'not_modified', %s)",
            (datetime(2025, 1, 1, tzinfo=UTC),),
        )
        now = datetime(2025, 1, 1, tzinfo=UTC) + timedelta(days=3)
        health = {h["name"]: h for h in gates.source_health(conn, policy, now)}
    assert health["quiet"]["check"] == "stale" and health["quiet"]["level"] == "fail"
    assert health["quiet"]["detail"] == "nothing new for 3.0 days"


class Hook(BaseHTTPRequestHandler):
    got: ClassVar[list[dict]] = []

    def do_POST(self) -> None:
        type(self).got.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


def test_failure_notice_names_source_and_reason(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Hook)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    monkeypatch.setenv("WARDAY_ALERT_WEBHOOK", f"http://127.0.0.1:{httpd.server_address[1]}/")

    class TI:
        dag_id, task_id, run_id, rendered_map_index = "warday_nightly", "fetch_source", "r1", None

    exc = RuntimeError("source kyiv-wire failed: https://x/feed.xml: HttpStatus: HTTP 500")
    with caplog.at_level("ERROR", logger="warday.alerts"):
        alerts.on_failure({"ti": TI(), "exception": exc})
    httpd.shutdown()
    assert Hook.got[0]["source"] == "kyiv-wire" and "HTTP 500" in Hook.got[0]["reason"]
    assert "warday_nightly.fetch_source[kyiv-wire] failed" in caplog.text


def test_process_workers_counts_add_up(db_url: str) -> None:
    """Several workers (mapped tasks) share the process step: the run records the sum of
    their counts, and the one that failed keeps its error beside them."""
    from warday.store import repo

    run_key = "test:shared-process"
    with connect() as conn:
        repo.start_run(conn, run_key, "test", datetime.now(UTC))
    # two connections at once, as two workers finishing together
    with connect() as first, connect() as second:
        repo.sum_run_counts(first, run_key, "process", {"raw_processed": 5, "entries_written": 9})
        done = threading.Thread(
            target=repo.sum_run_counts,
            args=(second, run_key, "process", {"raw_processed": 3, "raw_failed": 1}),
        )
        done.start()  # waits on the first worker's row lock, then adds to what it committed
        first.commit()
        done.join()
        second.commit()
    with connect() as conn:
        repo.sum_run_counts(conn, run_key, "process", {"error": "BatchFailed: 3 of 4 failed"})
        counts = conn.execute(
            "SELECT counts FROM pipeline_runs WHERE run_key = %s", (run_key,)
        ).fetchone()["counts"]
    assert counts["process"] == {
        "raw_processed": 8,
        "entries_written": 9,
        "raw_failed": 1,
        "error": "BatchFailed: 3 of 4 failed",
    }
