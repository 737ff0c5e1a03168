"""The operator scenario, through Airflow: from a local server, one feed answers 500, one is
malformed, one links a broken (truncated) article, one is healthy, plus the seeds directory.
The broken sources' own mapped tasks go red, the others stay green, each failure notice names
its source, `warday status` names them, and the gate fails the run."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import pytest

from tests.conftest import SEEDS
from tests.dags.helpers import task_states
from warday import report
from warday.store.db import connect

ARTICLE = (SEEDS / "article-kursk-north-korea.html").read_bytes()
DAGS = Path(__file__).resolve().parents[2] / "dags"


def feed(port: int, path: str, title: str) -> bytes:
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>{title}</title><link>http://127.0.0.1:{port}/</link>
<item><title>{title}: Pyongyang confirms Kursk role</title>
  <link>http://127.0.0.1:{port}{path}</link>
  <pubDate>Mon, 28 Apr 2025 09:30:00 +0000</pubDate></item>
</channel></rss>""".encode()


class Handler(BaseHTTPRequestHandler):
    hooks: ClassVar[list[dict]] = []

    def do_GET(self) -> None:
        port = int(self.server.server_address[1])
        if self.path == "/down.xml":
            self.send_error(500, "Internal Server Error")
        elif self.path == "/malformed.xml":
            self._send(b'<?xml version="1.0"?><rss version="2.0"><channel><item><title>Day 1,1')
        elif self.path == "/good.xml":
            self._send(feed(port, "/article/good", "Good Desk"))
        elif self.path == "/brokenart.xml":
            self._send(feed(port, "/article/broken", "Broken Desk"))
        elif self.path == "/article/good":
            self._send(ARTICLE, "text/html; charset=utf-8")
        elif self.path == "/article/broken":  # promises more bytes than it sends
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(ARTICLE) * 2))
            self.end_headers()
            self.wfile.write(ARTICLE[:500])
        else:
            self.send_error(404)

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        type(self).hooks.append(json.loads(body))
        self.send_response(204)
        self.end_headers()

    def _send(self, body: bytes, media: str = "application/rss+xml") -> None:
        self.send_response(200)
        self.send_header("Content-Type", media)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> Iterator[int]:
    monkeypatch.setenv("WARDAY_FETCH_ALLOW", "127.0.0.1")
    Handler.hooks = []
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield int(httpd.server_address[1])
    httpd.shutdown()


def registry(path: Path, port: int) -> Path:
    feeds = {
        "down": "/down.xml",
        "malformed": "/malformed.xml",
        "good": "/good.xml",
        "brokenart": "/brokenart.xml",
    }
    lines = ["sources:", "  - {name: seeds, kind: directory, path: " + str(SEEDS) + "}"]
    lines += [
        f"  - {{name: {name}, kind: feed, url: 'http://127.0.0.1:{port}{url}', outlet: {name}}}"
        for name, url in feeds.items()
    ]
    path.write_text("\n".join(lines) + "\n")
    return path


@pytest.fixture(scope="module")
def dagbag(airflow_db: None):  # type: ignore[no-untyped-def]
    from airflow.dag_processing.dagbag import DagBag

    return DagBag(dag_folder=str(DAGS))


def test_broken_sources_turn_their_own_tasks_red(  # type: ignore[no-untyped-def]
    dagbag, db_url: str, server: int, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("WARDAY_SOURCES", str(registry(tmp_path / "sources.yaml", server)))
    monkeypatch.setenv("WARDAY_ALERT_WEBHOOK", f"http://127.0.0.1:{server}/hook")
    run = dagbag.get_dag("warday_nightly").test(logical_date=datetime(2025, 5, 1, tzinfo=UTC))
    states = task_states(run)
    assert {k: v for k, v in states.items() if k.startswith("fetch_source")} == {
        "fetch_source[seeds]": "success",
        "fetch_source[good]": "success",
        "fetch_source[down]": "failed",
        "fetch_source[malformed]": "failed",
        "fetch_source[brokenart]": "failed",
    }
    workers = {k: v for k, v in states.items() if k.startswith("process[")}
    assert workers == {"process[worker 1]": "success", "process[worker 2]": "success"}
    assert states["link_stories"] == "success"
    assert states["quality_gate"] == "failed" and states["finish"] == "success"
    assert run.state == "failed"

    notified = {h["source"]: h["reason"] for h in Handler.hooks if h["task_id"] == "fetch_source"}
    assert set(notified) == {"down", "malformed", "brokenart"}
    assert "500" in notified["down"] and "FeedError" in notified["malformed"]
    assert "Truncated" in notified["brokenart"]

    with connect() as conn:
        status = report.status(conn)
        letters = conn.execute(
            "SELECT source_name FROM dead_letters WHERE resolved_at IS NULL"
        ).fetchall()
        closed = conn.execute("SELECT status, finished_at, counts FROM pipeline_runs").fetchone()
    assert all(r["source_name"] for r in letters)  # every dead letter names its source
    verdicts = {line.split()[0]: line for line in status.splitlines() if "FAIL" in line}
    assert {"down", "malformed", "brokenart"} <= set(verdicts)
    assert "good" not in verdicts and "seeds" not in verdicts
    assert closed["status"] == "failed" and closed["finished_at"] is not None
    assert closed["counts"]["gate"]["verdict"] == "fail"
