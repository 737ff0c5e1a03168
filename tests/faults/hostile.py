"""Hostile inputs for the fault suite, and a driver that puts each through the `warday` CLI.

``build(root, base_url)`` writes the corpus under root (files and sidecars beside good
neighbours, registries, a feed registry pointing at base_url) and returns the list of
hostile inputs and the CLI invocations that exercise them. ``python -m tests.faults.hostile
PLAN.json`` runs the invocations of a plan in one process through ``warday.cli.main`` and
prints one JSON line per invocation: exit code, seconds, whether a traceback escaped.
A watchdog ends the process when one invocation runs past the limit (a hang).
"""

from __future__ import annotations

import contextlib
import io
import json
import logging
import os
import sys
import threading
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.faults.registries import BAD_REGISTRIES, ODD_REGISTRIES

HANG_S = 60
SECRET = "hostile-suite-secret"
GOOD_DAYS = range(1100, 1120)


@dataclass
class Plan:
    inputs: list[str] = field(default_factory=list)  # one name per hostile input
    invocations: list[list[str]] = field(default_factory=list)
    good_titles: list[str] = field(default_factory=list)  # documents that must be stored


def good_digest(day: int) -> str:
    """A small digest of the project's own writing, different per day."""
    return (
        f"Day {day:,}: Kyiv reports overnight drone attack on region {day % 24}\n\n"
        f"Russian forces launched {day % 90 + 10} drones at Ukraine overnight, the air force "
        f"said, and air defences shot down most of them over the north and east.\n\n"
        f"Officials in Kharkiv said {day % 7 + 1} people were wounded when debris fell on a "
        "residential street. President Volodymyr Zelensky again asked partners for more air "
        "defence systems.\n"
    )


def _good(folder: Path, day: int, plan: Plan) -> None:
    (folder / f"good-{day}.txt").write_text(good_digest(day))
    plan.good_titles.append(f"Day {day:,}: Kyiv reports overnight drone attack")


def _sparse(path: Path, size: int) -> None:
    with open(path, "wb") as handle:
        handle.truncate(size)


def _files(watched: Path, outside: Path) -> dict[str, object]:
    """Hostile files: name -> bytes to write, or a callable that makes the entry."""
    secret = outside / "secret.txt"
    deep_json = b"[" * 200_000 + b"]" * 200_000
    return {
        "fifo.txt": lambda p: os.mkfifo(p),
        "fifo.html": lambda p: os.mkfifo(p),
        "zero-link.txt": lambda p: p.symlink_to("/dev/zero"),
        "urandom-link.html": lambda p: p.symlink_to("/dev/urandom"),
        "null-link.xml": lambda p: p.symlink_to("/dev/null"),
        "escape-link.txt": lambda p: p.symlink_to(secret),
        "escape-link.xml": lambda p: p.symlink_to(outside / "feed.xml"),
        "dangling-link.txt": lambda p: p.symlink_to(outside / "missing.txt"),
        "loop-link.txt": lambda p: p.symlink_to(p),
        "escape-dir": lambda p: p.symlink_to(outside, target_is_directory=True),
        "sparse-300mb.txt": lambda p: _sparse(p, 300 * 1024 * 1024),
        "sparse-50mb.html": lambda p: _sparse(p, 50 * 1024 * 1024),
        "sparse-40mb.json": lambda p: _sparse(p, 40 * 1024 * 1024),
        "socket.txt": _socket,
        "empty.txt": b"",
        "blank.txt": b"   \n\n\t  \n",
        "binary.txt": bytes(range(256)) * 64,
        "latin1.txt": "Day 1,130: Kyiv caf\xe9 hit\n\nDrones struck.".encode("latin-1"),
        "utf16.txt": "Day 1,131: drones\n\nText.".encode("utf-16"),
        "nul-bytes.txt": b"Day 1,132: nul\n\nText\x00with\x00nuls.\n",
        "bidi-controls.txt": "Day 1,133: \u202etxet\u202c\n\nDrones \u2066x\u2069.\n".encode(),
        "bad.json": b'{"title": "x", "text": ',
        "deep.json": deep_json,
        "records-not-objects.jsonl": b'[1]\n"s"\n3\n',
        "record-bad-date.json": b'{"title": "t", "text": "Drones hit Kyiv.", "published": "soon"}',
        "record-js-url.json": b'{"title": "t", "text": "Drones hit Lviv.", "url": "javascript:x"}',
        "record-huge-number.json": b'{"title": "t", "text": "x", "published": 1e999}',
        "empty.html": b"<!doctype html><html><head></head><body></body></html>",
        "cookie-wall.html": b"<!doctype html><html><body><h1>Before you continue</h1><p>We use"
        b" cookies. Accept all cookies or manage your consent.</p></body></html>",
        "unclosed-100k.html": b"<!doctype html><html><body>" + b"<div><p>x" * 100_000,
        "deep-html.html": b"<!doctype html><html><body>" + b"<div>" * 60_000 + b"text",
        "js-canonical.html": b"<!doctype html><html><head><link rel='canonical' "
        b"href='javascript:alert(1)'><title>Strike</title></head><body><article><p>Russian "
        b"missiles struck Odesa port overnight, the regional governor said on Monday, damaging"
        b" grain silos and wounding two workers at the terminal.</p></article></body></html>",
        "bad-charset.html": b"<!doctype html><html><head><meta charset='\x00\xff'></head>"
        b"<body><p>Text</p></body></html>",
        "entity-bomb.xml": b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa">'
        b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><rss version="2.0"><channel>'
        b"<title>&b;</title></channel></rss>",
        "keyerror-links.xml": b"<!--<rss--><entry<channel<link</entry</link>",
        "nul-encoding.xml": b'<?xml version="1.0" encoding="a\x00b"?><rss version="2.0">'
        b"<channel><title>t</title></channel></rss>",
        "ff-encoding.xml": b'<?xml version="1.0" encoding="\xff"?><rss version="2.0">'
        b"<channel><title>t</title></channel></rss>",
        "truncated.rss": b'<?xml version="1.0"?><rss version="2.0"><channel><title>t</tit',
        "not-a-feed.atom": b"just some words, not XML at all",
        "deep-title.atom": b"<feed xmlns='http://www.w3.org/2005/Atom'><entry><title>"
        + b"<b>" * 5000
        + b"</title></entry></feed>",
        "unsafe-links.xml": _unsafe_feed(),
        "creds-links.xml": _feed_of(
            [("Secret link", f"https://reader:{SECRET}@example.org/a", "c1")]
        ),
        "bad-item.xml": _feed_of(
            [("Broken", "http://[oops/", "b1"), ("Fine", "https://example.org/fine", "b2")]
        ),
    }


def _socket(path: Path) -> None:
    import socket

    sock = socket.socket(socket.AF_UNIX)
    sock.bind(str(path))  # left bound: the file stays a socket


def _feed_of(items: list[tuple[str, str, str]]) -> bytes:
    body = "".join(
        f"<item><title>{t}</title><link>{link.replace('&', '&amp;').replace('<', '&lt;')}"
        f"</link><guid isPermaLink='false'>{g}</guid><pubDate>Mon, 28 Apr 2025 09:30:00 +0000"
        f"</pubDate><description>{t}: Russian drones struck Kharkiv overnight, officials "
        "said.</description></item>"
        for t, link, g in items
    )
    return (
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>Desk</title>{body}'
        "</channel></rss>"
    ).encode()


def _unsafe_feed() -> bytes:
    return _feed_of(
        [
            ("Script", "javascript:alert(1)", "u1"),
            ("Data", "data:text/html,<b>x</b>", "u2"),
            ("File", "file:///etc/passwd", "u3"),
            ("VB", "vbscript:msgbox(1)", "u4"),
            ("Safe", "https://example.org/safe", "u5"),
        ]
    )


def _sidecars(outside: Path) -> dict[str, object]:
    """Hostile sidecars (each beside its own .txt): name -> bytes, or a callable."""
    return {
        "side-fifo": lambda p: os.mkfifo(p),
        "side-zero": lambda p: p.symlink_to("/dev/zero"),
        "side-urandom": lambda p: p.symlink_to("/dev/urandom"),
        "side-escape": lambda p: p.symlink_to(outside / "meta.json"),
        "side-dir": lambda p: p.mkdir(),
        "side-sparse": lambda p: _sparse(p, 100 * 1024 * 1024),
        "side-big": b'{"title": "' + b"x" * 200_000 + b'"}',
        "side-bad-json": b'{"outlet": ',
        "side-array": b'["outlet", "x"]',
        "side-deep": b"[" * 100_000 + b"]" * 100_000,
        "side-unknown": b'{"outlet": "x", "colour": "red"}',
        "side-number": b'{"outlet": 12, "title": {"a": 1}}',
        "side-js-url": b'{"url": "javascript:alert(1)"}',
        "side-creds-url": ('{"url": "https://u:' + SECRET + '@example.org/side"}').encode(),
        "side-bad-date": b'{"published": "next Tuesday"}',
        "side-naive-date": b'{"published": "2025-04-28T10:00:00"}',
        "side-nul": b'{"title": "a\\u0000b"}',
        "side-latin1": '{"outlet": "caf\xe9"}'.encode("latin-1"),
        "side-utf16": '{"outlet": "x"}'.encode("utf-16"),
        "side-long-title": ('{"title": "' + "t" * 5000 + '"}').encode(),
    }


# Inputs that are stored, made safe (credentials stripped, a non-web URL dropped, odd text
# kept as text) rather than refused.
STORED_SAFELY = {
    "side-creds-url",
    "bidi-controls.txt",
    "unclosed-100k.html",
    "js-canonical.html",
    "bad-charset.html",
    "creds-links.xml",
}

URL_OVERRIDES = {
    "url-javascript": "javascript:alert(document.cookie)",
    "url-data": "data:text/html;base64,PHNjcmlwdD4=",
    "url-file": "file:///etc/shadow",
    "url-vbscript": "vbscript:msgbox(1)",
    "url-credentials": f"https://admin:{SECRET}@example.org/x",
    "url-no-host": "https:///path-only",
    "url-long": "https://example.org/" + "a" * 10_000,
    "url-bad-ipv6": "http://[::1/x",
}


def _make(path: Path, spec: object) -> None:
    if callable(spec):
        spec(path)
    else:
        assert isinstance(spec, bytes)
        path.write_bytes(spec)


def build(root: Path, base_url: str) -> Plan:
    """Write the corpus under root; returns the plan."""
    plan = Plan()
    watched, outside, regs = root / "watched", root / "outside", root / "registries"
    for folder in (watched, outside, regs):
        folder.mkdir(parents=True)
    (outside / "secret.txt").write_text("private notes\n\nnot for the database\n")
    (outside / "feed.xml").write_bytes(_feed_of([("Elsewhere", "https://e.org/x", "o1")]))
    (outside / "meta.json").write_text('{"outlet": "Elsewhere"}')
    for day in GOOD_DAYS:
        _good(watched, day, plan)
    for name, spec in _files(watched, outside).items():
        _make(watched / name, spec)
        plan.inputs.append(f"file:{name}")
    for i, (name, spec) in enumerate(_sidecars(outside).items()):
        (watched / f"{name}.txt").write_text(good_digest(1200 + i))
        _make(watched / f"{name}.meta.json", spec)
        plan.inputs.append(f"sidecar:{name}")
    plan.invocations.append(["ingest", str(watched)])
    _registries(regs, plan)
    _feeds(root, base_url, plan)
    for i, (name, url) in enumerate(URL_OVERRIDES.items()):
        doc = root / "urls" / f"{name}.txt"
        doc.parent.mkdir(exist_ok=True)
        doc.write_text(good_digest(1300 + i))
        plan.invocations.append(["ingest", str(doc), "--url", url])
        plan.good_titles.append(f"Day {1300 + i:,}: Kyiv reports overnight drone attack")
        plan.inputs.append(f"url:{name}")
    plan.invocations += [["status"], ["summary"], ["export"]]
    return plan


def _registries(regs: Path, plan: Plan) -> None:
    for name, body in BAD_REGISTRIES.items():
        (regs / f"{name}.yaml").write_bytes(body)
        plan.invocations.append(["run", "--live", "--sources", str(regs / f"{name}.yaml")])
        plan.inputs.append(f"registry:{name}")
    for name, make in ODD_REGISTRIES.items():
        make(regs / f"{name}.yaml")
        plan.invocations.append(["run", "--live", "--sources", str(regs / f"{name}.yaml")])
        plan.inputs.append(f"registry:{name}")
    missing = regs / "missing-directory.yaml"
    missing.write_text("sources:\n  - {name: typo, kind: directory, path: no-such-dir}\n")
    plan.invocations.append(["run", "--sources", str(missing)])
    plan.inputs.append("registry:missing-directory")


# Feeds served over HTTP by the test: path -> (body, content type, fetch_pages).
def feed_routes(base_url: str) -> dict[str, tuple[bytes, str]]:
    good_page = (
        b"<!doctype html><html><head><title>Drones over Sumy</title></head><body><article>"
        b"<h1>Drones over Sumy</h1><p>Russian drones struck Sumy overnight, the regional "
        b"administration said on Tuesday, wounding three people and damaging a school and "
        b"several apartment blocks in the city centre.</p><p>Ukraine's air force said it "
        b"downed 31 of 45 drones launched across the country overnight.</p></article></body>"
        b"</html>"
    )
    return {
        "/good.xml": (
            _feed_of([("Drones over Sumy", f"{base_url}/page/sumy", "g1")]),
            "application/rss+xml",
        ),
        "/page/sumy": (good_page, "text/html"),
        "/keyerror.xml": (b"<!--<rss--><entry<channel<link</entry</link>", "application/xml"),
        "/nul-encoding.xml": (
            b'<?xml version="1.0" encoding="a\x00b"?><rss version="2.0"><channel/></rss>',
            "application/rss+xml",
        ),
        "/ff-encoding.xml": (
            b'<?xml version="1.0" encoding="\xff"?><rss version="2.0"><channel/></rss>',
            "application/rss+xml",
        ),
        "/unsafe.xml": (_unsafe_feed(), "application/rss+xml"),
        "/bad-item.xml": (
            _feed_of([("Broken", "http://[oops/", "b1"), ("Sumy", f"{base_url}/page/sumy", "b2")]),
            "application/rss+xml",
        ),
        "/creds.xml": (
            _feed_of([("Secret", f"http://u:{SECRET}@127.0.0.1:1/page/sumy", "c1")]),
            "application/rss+xml",
        ),
        "/html-not-feed.xml": (b"<!doctype html><html><body>hi</body></html>", "text/html"),
        "/huge.xml": (b"<rss version='2.0'><channel>" + b" " * (9 * 1024 * 1024), "text/xml"),
        "/entities.xml": (
            b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "x">]><rss version="2.0">'
            b"<channel><title>&a;</title></channel></rss>",
            "application/rss+xml",
        ),
        "/dupes.xml": (
            _feed_of([("A", "https://example.org/a", "d"), ("B", "https://example.org/b", "d")]),
            "application/rss+xml",
        ),
        "/private-links.xml": (
            _feed_of([("Meta", "http://169.254.169.254/latest/meta-data/", "p1")]),
            "application/rss+xml",
        ),
    }


FEEDS = {  # source name -> (path, fetch_pages)
    "good": ("/good.xml", True),
    "keyerror": ("/keyerror.xml", True),
    "nul-encoding": ("/nul-encoding.xml", False),
    "ff-encoding": ("/ff-encoding.xml", False),
    "unsafe-no-pages": ("/unsafe.xml", False),
    "unsafe-pages": ("/unsafe.xml", True),
    "bad-item-no-pages": ("/bad-item.xml", False),
    "bad-item-pages": ("/bad-item.xml", True),
    "creds-links": ("/creds.xml", True),
    "html-not-feed": ("/html-not-feed.xml", False),
    "huge": ("/huge.xml", False),
    "entities": ("/entities.xml", False),
    "dupes": ("/dupes.xml", False),
    "private-links": ("/private-links.xml", True),
    "not-found": ("/nothing-here.xml", False),
}


def _feeds(root: Path, base_url: str, plan: Plan) -> None:
    lines = ["sources:"]
    for name, (path, pages) in FEEDS.items():
        lines.append(
            f"  - {{name: {name}, kind: feed, url: '{base_url}{path}', "
            f"fetch_pages: {str(pages).lower()}, limits: {{max_bytes: 8388608, deadline_s: 20}}}}"
        )
        if name != "good":
            plan.inputs.append(f"feed:{name}")
    (root / "feeds.yaml").write_text("\n".join(lines) + "\n")
    plan.invocations.append(["run", "--live", "--sources", str(root / "feeds.yaml")])


def run_plan(invocations: list[list[str]]) -> list[dict[str, Any]]:
    """Each invocation through the CLI in this process; a hang ends the process."""
    from warday.cli import main

    results = []
    for argv in invocations:
        done = threading.Event()
        threading.Thread(target=_watchdog, args=(argv, done), daemon=True).start()
        started = time.monotonic()
        err, out = io.StringIO(), io.StringIO()
        try:
            with contextlib.redirect_stderr(err), contextlib.redirect_stdout(out):
                code: int | str = main(argv)
        except BaseException:  # an escaped exception is a traceback the user would see
            code = "traceback: " + traceback.format_exc(limit=3)[-600:]
        done.set()
        seconds = round(time.monotonic() - started, 2)
        text = err.getvalue()
        results.append(
            {
                "argv": argv,
                "code": code,
                "seconds": seconds,
                "traceback": "Traceback" in text or isinstance(code, str),
                "stderr": text[-300:],
                "secret_printed": SECRET in text + out.getvalue(),
            }
        )
    return results


def _watchdog(argv: list[str], done: threading.Event) -> None:
    if not done.wait(HANG_S):
        print(json.dumps({"hang": argv}), flush=True)
        os._exit(9)


if __name__ == "__main__":
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    plan = Plan(**json.loads(Path(sys.argv[1]).read_text()))
    for result in run_plan(plan.invocations):
        print(json.dumps(result), flush=True)
