"""Issue 14.8, 14.9 (over HTTP) and 14.12: only http(s) links become document URLs, one bad
feed item never costs its neighbours, and credentials are never stored or printed."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tests.faults.servers import serving
from warday import pipeline
from warday.cli import main
from warday.fetching import run_source
from warday.ingest.sources import Source
from warday.store.db import Conn, connect

SECRET = "s3cr3t-feed-password"
UNSAFE = (
    "javascript:alert(1)",
    "data:text/html,<b>x</b>",
    "file:///etc/passwd",
    "vbscript:msgbox(1)",
)
ARTICLE = b"""<!doctype html><html><head><title>Drones over Kharkiv</title></head><body>
<article><h1>Drones over Kharkiv</h1><p>Russian drones struck Kharkiv overnight, regional
governor Oleh Syniehubov said on Monday, wounding four people and damaging homes.</p>
<p>Ukraine's air force said it shot down 40 of 56 drones launched overnight across the
country, and that debris fell in three regions.</p></article></body></html>"""


def _item(title: str, link: str, guid: str | None = None) -> str:
    guid_tag = f"<guid isPermaLink='false'>{guid}</guid>" if guid else ""
    return (
        f"<item><title>{title}</title><link>{link}</link>{guid_tag}"
        "<pubDate>Mon, 28 Apr 2025 09:30:00 +0000</pubDate>"
        f"<description>{title}: Russian drones struck Kharkiv overnight.</description></item>"
    )


def _feed(items: list[str]) -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Desk</title>'
        + "".join(items)
        + "</channel></rss>"
    ).encode()


def _urls(conn: Conn) -> list[str | None]:
    return [r["url"] for r in conn.execute("SELECT url FROM documents ORDER BY doc_key")]


def _open_letters(conn: Conn, stage: str) -> list[dict]:
    return conn.execute(
        "SELECT locator, message FROM dead_letters WHERE stage = %s AND resolved_at IS NULL",
        (stage,),
    ).fetchall()


def test_unsafe_item_links_are_dropped_with_dead_letters(db_url: str, tmp_path: Path) -> None:
    items = [
        _item(f"Unsafe {i}", link.replace("<", "&lt;").replace(">", "&gt;"), f"u{i}")
        for i, link in enumerate(UNSAFE)
    ]
    items.append(_item("Safe", "https://example.org/safe", "s1"))
    (tmp_path / "feed.xml").write_bytes(_feed(items))
    with connect() as conn:
        pipeline.land_paths(conn, [tmp_path])
        counts = pipeline.process_pending(conn, date(2025, 5, 1))
        urls = _urls(conn)
        letters = _open_letters(conn, "item")
    assert counts["raw_processed"] == 1 and counts["documents"] == 5
    assert sorted(u for u in urls if u) == ["https://example.org/safe"]
    assert len(letters) == 4
    assert all("not http(s)" in letter["message"] for letter in letters)


def test_non_web_url_from_metadata_is_dropped(db_url: str, tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("Kharkiv under drones\n\nRussian drones struck Kharkiv.\n")
    assert main(["ingest", str(tmp_path / "a.txt"), "--url", "javascript:alert(1)"]) == 0
    with connect() as conn:
        assert _urls(conn) == [None]
        assert len(_open_letters(conn, "item")) == 1


def _source(url: str, *, fetch_pages: bool) -> Source:
    return Source("desk", "feed", url, "Desk", fetch_pages=fetch_pages)


@pytest.fixture(autouse=True)
def _allow_local(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WARDAY_FETCH_ALLOW", "127.0.0.1")


@pytest.mark.parametrize("fetch_pages", [False, True])
def test_one_bad_item_over_http_spares_the_feed(db_url: str, fetch_pages: bool) -> None:
    routes = {"/a1": (ARTICLE, "text/html"), "/a2": (ARTICLE + b"<!-- 2 -->", "text/html")}
    with serving(routes) as base:  # routes are read per request: the feed can name the base
        items = [
            _item("Good one", f"{base}/a1", "g1"),
            _item("Broken link", "http://[oops/", "bad"),  # raises inside URL parsing
            _item("Good two", f"{base}/a2", "g2"),
        ]
        routes["/feed.xml"] = (_feed(items), "application/rss+xml")
        with connect() as conn:
            counts = run_source(conn, _source(f"{base}/feed.xml", fetch_pages=fetch_pages))
            processed = pipeline.process_pending(conn, date(2025, 5, 1))
            docs = conn.execute("SELECT count(*) AS n FROM documents").fetchone()["n"]
            process_letters = _open_letters(conn, "process")
            item_letters = _open_letters(conn, "item")
    assert "fetch_failed" not in counts
    assert processed.get("raw_failed", 0) == 0, process_letters
    assert docs >= 2
    assert any("unreadable item" in x["message"] for x in item_letters)


def test_credentials_never_stored_or_printed(
    db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    items = [
        _item("Secret link", f"https://reader:{SECRET}@example.org/a", "c1"),
        _item("Unsafe", f"ftp://reader:{SECRET}@example.org/b", "c2"),
    ]
    (tmp_path / "feed.xml").write_bytes(_feed(items))
    (tmp_path / "note.txt").write_text("Kharkiv\n\nRussian drones struck Kharkiv overnight.\n")
    (tmp_path / "note.meta.json").write_text(
        '{"url": "https://user:' + SECRET + '@example.org/note"}'
    )
    registry = tmp_path / "sources.yaml"
    registry.write_text(
        f"sources:\n  - {{name: d, kind: feed, url: 'https://u:{SECRET}@e.org/'}}\n"
    )
    assert main(["ingest", str(tmp_path)]) == 0
    assert main(["run", "--live", "--sources", str(registry)]) == 2
    assert main(["status"]) == 0 and main(["summary"]) == 0 and main(["export"]) == 0
    printed = capsys.readouterr()
    assert SECRET not in printed.out + printed.err
    with connect() as conn:
        dump = conn.execute(
            "SELECT concat_ws(' ', (SELECT string_agg(t::text, ' ') FROM sources t),"
            " (SELECT string_agg(t::text, ' ') FROM dead_letters t),"
            " (SELECT string_agg(concat_ws(' ', doc_key, requested_url, final_url, meta::text),"
            "  ' ') FROM raw_documents),"
            " (SELECT string_agg(t::text, ' ') FROM documents t)) AS everything"
        ).fetchone()["everything"]
    assert "example.org" in dump and SECRET not in dump
