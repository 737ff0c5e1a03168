"""Issue 14.9: every parser entry point raises only the project's documented error types
(warday.ingest.errors), for inputs found by fuzzing (kept here) and for a short fuzz run."""

from __future__ import annotations

import contextlib
import json
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from warday.ingest import errors
from warday.ingest.feeds import parse_feed
from warday.ingest.local import read_local, read_sidecar
from warday.ingest.sources import load_registry
from warday.transform.extract import extract_html

FOUND_BY_FUZZING = [
    b"<!--<rss--><entry<channel<link</entry</link>",  # feedparser: KeyError 'links'
    b'<?xml version="1.0" encoding="a\x00b"?><rss version="2.0"><channel/></rss>',
    b'<?xml version="1.0" encoding="\xff"?><rss version="2.0"><channel/></rss>',
    b'<?xml version="1.0" encoding="no-such-codec"?><rss version="2.0"><channel/></rss>',
    b"<rss version='2.0'><channel><item><link>http://[oops/</link></item></channel></rss>",
    b"<feed xmlns='http://www.w3.org/2005/Atom'><entry><link href='http://[::1'/></entry></feed>",
    b"<rss version='2.0'><channel><item><title>"
    + b"<b>" * 5000
    + b"</title></item></channel></rss>",
]
ALLOWED = (errors.InputError, errors.ConfigError)
# CI runs a short fuzz; WARDAY_FUZZ_EXAMPLES=5000 runs a longer one by hand.
EXAMPLES = int(os.environ.get("WARDAY_FUZZ_EXAMPLES", "150"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))

_FEED_PARTS = st.sampled_from(
    [
        b"<rss version='2.0'>",
        b"<channel>",
        b"<item>",
        b"<entry>",
        b"<feed>",
        b"<link>",
        b"</link>",
        b"<title>",
        b"</item>",
        b"<guid>",
        b"<!--",
        b"-->",
        b"<![CDATA[",
        b"]]>",
        b"<pubDate>",
        b"<?xml version='1.0' encoding='",
        b"'?>",
        b"http://[",
        b"javascript:",
        b"&amp;",
        b"&#0;",
        b"\x00",
        b"\xff",
        b"<content:encoded>",
        b"<link href='",
        b"'/>",
    ]
)


@pytest.mark.parametrize("body", FOUND_BY_FUZZING)
def test_fuzz_found_feeds_raise_only_feed_error(body: bytes) -> None:
    with contextlib.suppress(*ALLOWED):
        parse_feed(body)


@FUZZ
@given(st.lists(st.one_of(_FEED_PARTS, st.binary(max_size=20)), max_size=30))
def test_fuzz_parse_feed(parts: list[bytes]) -> None:
    with contextlib.suppress(*ALLOWED):
        parse_feed(b"".join(parts), base_url="https://example.org/feed")


@settings(max_examples=max(EXAMPLES // 3, 20), deadline=None, suppress_health_check=[*HealthCheck])
@given(
    st.lists(
        st.sampled_from(
            [
                "<html>",
                "<body>",
                "<article>",
                "<p>",
                "</p>",
                "<div>",
                "<script>",
                "<meta property='og:",
                "url' content='",
                "javascript:",
                "'>",
                "<link rel='canonical' href='",
                "http://[",
                "\x00",
                "<![CDATA[",
                "<!--",
                "Russian drones struck Kharkiv overnight. ",
                "<table>",
                "<svg>",
            ]
        )
        | st.text(max_size=20),
        max_size=40,
    )
)
def test_fuzz_extract_html(parts: list[str]) -> None:
    with contextlib.suppress(*ALLOWED):
        extract_html("".join(parts).encode("utf-8", "surrogatepass"), url="https://e.org/a")


_JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=12,
)


@FUZZ
@given(
    st.one_of(
        st.binary(max_size=200),
        st.dictionaries(
            st.sampled_from(["url", "outlet", "title", "published", "x"]), _JSON_VALUES
        ).map(lambda d: json.dumps(d).encode()),
    )
)
def test_fuzz_sidecar(tmp_path_factory: pytest.TempPathFactory, raw: bytes) -> None:
    folder = tmp_path_factory.mktemp("side")
    (folder / "a.txt").write_text("x")
    (folder / "a.meta.json").write_bytes(raw)
    try:
        read_sidecar(folder / "a.txt")
        read_local(folder / "a.txt", root=folder)
    except ALLOWED:
        pass


_YAML_PARTS = st.sampled_from(
    [
        "sources:\n",
        "  - ",
        "name: ",
        "kind: ",
        "feed",
        "directory",
        "page",
        "url: ",
        "path: ",
        "https://example.org/",
        "limits: ",
        "{max_items: ",
        "deadline_s: ",
        "}",
        "[",
        "]",
        "&a ",
        "*a",
        "!!python/name:os.system",
        "\n",
        "    ",
        "enabled: ",
        "yes",
        ".nan",
        "-1",
        "\x00",
        '"\\x00"',
        "'",
        "~",
        "?",
        ": ",
        "- ",
        "!!binary ",
        "<<: *a",
    ]
)


@FUZZ
@given(st.lists(_YAML_PARTS | st.text(max_size=10), max_size=40))
def test_fuzz_registry(tmp_path_factory: pytest.TempPathFactory, parts: list[str]) -> None:
    path: Path = tmp_path_factory.mktemp("reg") / "sources.yaml"
    path.write_bytes("".join(parts).encode("utf-8", "surrogatepass"))
    with contextlib.suppress(*ALLOWED):
        load_registry(path)
