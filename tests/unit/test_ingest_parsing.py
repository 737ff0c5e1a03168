from pathlib import Path

import pytest

from tests.conftest import FIXTURES, SEEDS
from warday.ingest.feeds import FeedError, parse_feed
from warday.ingest.local import SidecarError, discover, read_local
from warday.ingest.urls import canonical_url


def test_canonical_url_strips_tracking() -> None:
    url = "https://Example.com/a?utm_source=rss&id=3&traffic_source=rss&at_medium=RSS#rssom"
    assert canonical_url(url) == "https://example.com/a?id=3"
    assert canonical_url("/x", "https://example.org/feed") == "https://example.org/x"


def test_seed_feeds_parse() -> None:
    rss = parse_feed((SEEDS / "feed-wire.xml").read_bytes())
    assert len(rss.items) == 4
    assert all(i.published and i.published.tzinfo for i in rss.items)
    assert all("utm_" not in (i.url or "") for i in rss.items)
    atom = parse_feed((SEEDS / "feed-europe-desk.xml").read_bytes())
    assert len(atom.items) == 3


def test_broken_and_hostile_feeds_are_refused() -> None:
    with pytest.raises(FeedError, match="malformed"):
        parse_feed((FIXTURES / "broken" / "truncated-feed.xml").read_bytes())
    with pytest.raises(FeedError, match="entities"):
        parse_feed((FIXTURES / "broken" / "laughs-feed.xml").read_bytes())


def test_items_without_guid_keyed_by_link_and_duplicates_dropped() -> None:
    body = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>
    <item><title>A</title><link>https://example.org/a?utm_source=x</link>
      <pubDate>Mon, 28 Apr 2025 10:00:00</pubDate></item>
    <item><title>B</title><guid>g1</guid></item><item><title>B2</title><guid>g1</guid></item>
    </channel></rss>"""
    feed = parse_feed(body)
    assert [i.key for i in feed.items] == ["https://example.org/a", "g1"]
    assert feed.items[0].flags == ("date_zone_assumed_utc",)


def test_local_discovery_skips_sidecars_and_unknown(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("Title\n\nBody")
    (tmp_path / "a.meta.json").write_text('{"outlet": "X"}')
    (tmp_path / "notes.md").write_text("#")
    found, skipped = discover([tmp_path])
    assert [p.name for p in found] == ["a.txt"] and [p.name for p in skipped] == ["notes.md"]
    local = read_local(found[0], {"outlet": "Override", "url": None})
    assert local.meta == {"outlet": "Override"}


def test_bad_sidecar_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("x")
    (tmp_path / "a.meta.json").write_text('{"outlet": "X", "colour": "red"}')
    with pytest.raises(SidecarError, match="unknown keys"):
        read_local(tmp_path / "a.txt")


def test_wrong_charset_declaration_is_a_harmless_override() -> None:
    body = """<?xml version="1.0" encoding="us-ascii"?><rss version="2.0"><channel>
    <title>Desk</title><item><title>Zelenskyy’s address — Kyiv</title><guid>1</guid>
    <description>Text with “quotes”.</description></item></channel></rss>""".encode()
    (item,) = parse_feed(body).items
    assert item.title.startswith("Zelenskyy")


def test_quadratic_entity_feed_refused_fast() -> None:
    import time
    import tracemalloc

    big = "x" * 50_000
    body = (
        f'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY e "{big}">]><rss version="2.0">'
        f"<channel><title>t</title><item><title>{'&e;' * 50_000}</title></item>"
        "</channel></rss>"
    ).encode()
    tracemalloc.start()
    started = time.perf_counter()
    with pytest.raises(FeedError, match="entities"):
        parse_feed(body)
    elapsed = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert elapsed < 1.0 and peak < 5 * len(body)


def test_entity_declaration_behind_padding_is_refused() -> None:
    padding = "<!-- " + "p" * 100_000 + " -->"
    body = (
        f'<?xml version="1.0"?>{padding}<!DOCTYPE rss [<!ENTITY a "aaaa">]>'
        '<rss version="2.0"><channel><title>&a;</title></channel></rss>'
    ).encode()
    with pytest.raises(FeedError, match="entities"):
        parse_feed(body)
