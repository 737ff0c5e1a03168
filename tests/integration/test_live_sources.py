"""Feeds and pages fetched over real HTTP from a server on 127.0.0.1 started by the test."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import pytest

from tests.conftest import SEEDS
from tests.integration.test_pipeline import table_counts
from warday import pipeline
from warday.fetching import run_source
from warday.ingest.sources import Source
from warday.store.db import connect

ARTICLE = (SEEDS / "article-kursk-north-korea.html").read_bytes()
COOKIE_WALL = b"""<!doctype html><html><head><title>Before you continue</title></head><body>
<div class="consent"><h1>Before you continue</h1><p>We use cookies and data to deliver our
services. Accept all cookies or manage your consent in cookie settings.</p>
<button>Accept all</button></div></body></html>"""


def feed_xml(port: int) -> bytes:
    base = f"http://127.0.0.1:{port}"
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Test Desk</title><link>{base}/</link>
<item><title>Pyongyang confirms Kursk role</title>
  <link>{base}/article?utm_source=rss&amp;utm_medium=feed</link>
  <pubDate>Mon, 28 Apr 2025 09:30:00 +0000</pubDate><description>Short summary.</description></item>
<item><title>Bulletin without a link</title><guid isPermaLink="false">bulletin-1</guid>
  <pubDate>Mon, 28 Apr 2025 11:00:00 +0000</pubDate>
  <description>Air defence shot down 12 drones over Kyiv, the city said.</description></item>
<item><title>Consent page</title><link>{base}/wall#rssom</link>
  <guid isPermaLink="false">wall-1</guid><pubDate>Mon, 28 Apr 2025 10:00:00 +0000</pubDate></item>
</channel></rss>""".encode()


class Handler(BaseHTTPRequestHandler):
    requests: ClassVar[list[tuple[str, str | None]]] = []
    article_down: ClassVar[bool] = False

    def do_GET(self) -> None:
        type(self).requests.append((self.path, self.headers.get("If-None-Match")))
        port = int(self.server.server_address[1])
        if self.path == "/feed.xml":
            if self.headers.get("If-None-Match") == '"v1"':
                self.send_response(304)
                self.end_headers()
                return
            self._send(feed_xml(port), "application/rss+xml", etag='"v1"')
        elif self.path.startswith("/article") and type(self).article_down:
            self.send_error(404)
        elif self.path.startswith("/article"):
            self._send(ARTICLE, "text/html; charset=utf-8")
        elif self.path.startswith("/wall"):
            self._send(COOKIE_WALL, "text/html; charset=utf-8")
        else:
            self.send_error(404)

    def _send(self, body: bytes, media: str, etag: str | None = None) -> None:
        self.send_response(200)
        self.send_header("Content-Type", media)
        self.send_header("Content-Length", str(len(body)))
        if etag:
            self.send_header("ETag", etag)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> Iterator[int]:
    monkeypatch.setenv("WARDAY_FETCH_ALLOW", "127.0.0.1")
    Handler.requests = []
    Handler.article_down = False
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd.server_address[1]
    httpd.shutdown()


def nightly(source: Source) -> dict[str, dict[str, int]]:
    with connect() as conn:
        fetched = run_source(conn, source)
        processed = pipeline.process_pending(conn, date(2025, 6, 1))
    return {"fetch": fetched, "process": processed}


def test_feed_pages_then_conditional_get(db_url: str, server: int) -> None:
    source = Source("test-desk", "feed", f"http://127.0.0.1:{server}/feed.xml", "Test Desk")
    first = nightly(source)
    assert first["fetch"] == {"fetched": 3, "landed": 3}
    assert first["process"]["raw_processed"] == 2 and first["process"]["raw_failed"] == 1
    with connect() as conn:
        docs = conn.execute(
            "SELECT doc_key, outlet, war_day FROM documents ORDER BY doc_key"
        ).fetchall()
        wall = conn.execute("SELECT error_class, message FROM dead_letters").fetchone()
        before = table_counts(conn)
    assert docs == [
        {"doc_key": f"http://127.0.0.1:{server}/article", "outlet": "Test Desk", "war_day": 1160},
        {"doc_key": "item:bulletin-1", "outlet": "Test Desk", "war_day": 1160},
    ]
    assert wall["error_class"] == "PageRejected" and wall["message"].startswith("cookie_wall")

    Handler.requests = []
    second = nightly(source)
    assert second["fetch"] == {"fetched": 1, "not_modified": 1}
    assert Handler.requests == [("/feed.xml", '"v1"')]
    with connect() as conn:
        assert table_counts(conn) == before
        state = conn.execute("SELECT last_status, etag FROM sources").fetchone()
    assert state == {"last_status": "not_modified", "etag": '"v1"'}


def test_fetch_failure_is_dead_lettered(db_url: str, server: int) -> None:
    source = Source("missing", "feed", f"http://127.0.0.1:{server}/nope.xml", "X")
    assert nightly(source)["fetch"] == {"fetch_failed": 1}
    with connect() as conn:
        letter = conn.execute("SELECT stage, error_class, source_name FROM dead_letters").fetchone()
        status = conn.execute("SELECT last_status FROM sources").fetchone()
    assert letter == {"stage": "fetch", "error_class": "HttpStatus", "source_name": "missing"}
    assert status == {"last_status": "http_status"}


def test_private_address_refused_without_allow_list(
    db_url: str, server: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("WARDAY_FETCH_ALLOW")
    source = Source("sneaky", "page", f"http://127.0.0.1:{server}/article", "X")
    assert nightly(source)["fetch"] == {"fetch_failed": 1}
    assert Handler.requests == []
    with connect() as conn:
        assert conn.execute("SELECT error_class FROM dead_letters").fetchone() == {
            "error_class": "BlockedAddress"
        }


def test_registry_validation(tmp_path: Path) -> None:
    from warday.ingest.sources import RegistryError, load_registry

    bad = tmp_path / "s.yaml"
    bad.write_text("sources:\n  - name: ok\n    kind: feed\n    url: ftp://x\n")
    with pytest.raises(RegistryError, match=r"s.yaml: entry 0 \('ok'\): field 'url'"):
        load_registry(bad)
    bad.write_text(
        "sources:\n  - name: a\n    kind: directory\n    path: .\n    limits: {max_items: 0}\n"
    )
    with pytest.raises(RegistryError, match=r"limits\.max_items"):
        load_registry(bad)
    shipped = load_registry()
    assert [s.name for s in shipped if s.enabled] == ["seeds"]
    assert len([s for s in shipped if s.kind == "feed"]) >= 5


def test_unexpected_error_in_one_source_is_a_dead_letter(
    db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    import warday.fetching as fetching

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("parser exploded")

    monkeypatch.setattr(fetching, "_run_source", broken)
    source = Source("flaky", "feed", "https://example.org/feed.xml", "X")
    with connect() as conn:
        assert run_source(conn, source) == {"fetch_failed": 1}
        letter = conn.execute("SELECT stage, error_class, message FROM dead_letters").fetchone()
    assert letter == {"stage": "fetch", "error_class": "RuntimeError", "message": "parser exploded"}


def test_failed_step_marks_the_run_failed(db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from warday import pipeline, steps

    def boom(conn: object, logical_date: object) -> None:
        raise pipeline.BatchFailed("3 of 4 documents failed; see dead_letters")

    steps.apply_migrations()
    steps.begin("run-1", "test", None)
    monkeypatch.setattr(pipeline, "process_pending", boom)
    with pytest.raises(pipeline.BatchFailed):
        steps.process("run-1", None)
    with connect() as conn:
        run = conn.execute("SELECT status, counts FROM pipeline_runs").fetchone()
    assert run["status"] == "failed"
    assert run["counts"]["process"]["error"].startswith("BatchFailed: 3 of 4")


def test_page_that_failed_is_retried_while_the_feed_is_unchanged(db_url: str, server: int) -> None:
    source = Source("test-desk", "feed", f"http://127.0.0.1:{server}/feed.xml", "Test Desk")
    Handler.article_down = True
    first = nightly(source)
    assert first["fetch"]["fetch_failed"] == 1
    Handler.article_down = False
    Handler.requests = []
    second = nightly(source)
    assert second["fetch"] == {"fetched": 2, "not_modified": 1, "landed": 1}
    assert [path for path, _ in Handler.requests] == ["/feed.xml", "/article"]
    with connect() as conn:
        open_letters = conn.execute(
            "SELECT count(*) AS n FROM dead_letters WHERE stage = 'fetch' AND resolved_at IS NULL"
        ).fetchone()["n"]
    assert open_letters == 0
    with connect() as conn:
        meta = conn.execute(
            "SELECT meta FROM raw_documents WHERE doc_key LIKE %s", ("%/article",)
        ).fetchone()["meta"]
    assert meta["feed_title"] == "Pyongyang confirms Kursk role"  # from the feed landed before
