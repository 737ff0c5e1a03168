"""Hostile and broken registries, written by the tests: (name, file bytes, setup)."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

SECRET = "hunter2-registry-secret"


def _bomb(field: str) -> str:
    """A YAML billion-laughs whose last level lands in field of the one entry."""
    lines = ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    prev = "a"
    for name in "bcdefghi":
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{prev}"] * 9) + "]")
        prev = name
    entry = {"name": "x", "kind": "feed", "url": "https://example.org/rss"}
    body = "\n".join(f"    {k}: {v}" for k, v in entry.items() if k != field)
    return "\n".join(lines) + f"\nsources:\n  - {field}: *{prev}\n{body}\n"


def _entry(text: str) -> bytes:
    return f"sources:\n  - {text}\n".encode()


# Each is refused with exit code 2 and one line naming file, entry and field.
BAD_REGISTRIES: dict[str, bytes] = {
    "not-yaml": b"sources: [\n  - {name: x\n",
    "top-level-list": b"- name: x\n  kind: feed\n",
    "no-sources": b"feeds: []\n",
    "sources-not-list": b"sources: {name: x}\n",
    "entry-not-mapping": b"sources:\n  - just a string\n",
    "unknown-field": _entry("{name: x, kind: feed, url: 'https://example.org/', colour: red}"),
    "mixed-unknown-keys": _entry("{name: x, kind: feed, url: 'https://e.org/', 1: a, b: c}"),
    "bad-name": _entry("{name: 'Has Spaces', kind: feed, url: 'https://example.org/'}"),
    "name-not-string": _entry("{name: [1, 2], kind: feed, url: 'https://example.org/'}"),
    "bad-kind": _entry("{name: x, kind: ftp, url: 'https://example.org/'}"),
    "directory-without-path": _entry("{name: x, kind: directory}"),
    "directory-with-url": _entry("{name: x, kind: directory, path: d, url: 'https://e.org/'}"),
    "path-with-nul": _entry('{name: x, kind: directory, path: "a\\0b"}'),
    "feed-without-url": _entry("{name: x, kind: feed}"),
    "feed-file-url": _entry("{name: x, kind: feed, url: 'file:///etc/passwd'}"),
    "feed-javascript-url": _entry("{name: x, kind: page, url: 'javascript:alert(1)'}"),
    "feed-url-without-host": _entry("{name: x, kind: feed, url: 'https://:80/'}"),
    "feed-credentials": _entry(f"{{name: x, kind: feed, url: 'https://u:{SECRET}@e.org/'}}"),
    "outlet-not-string": _entry("{name: x, kind: feed, url: 'https://e.org/', outlet: [1]}"),
    "enabled-not-bool": _entry("{name: x, kind: feed, url: 'https://e.org/', enabled: 'yes'}"),
    "limits-not-mapping": _entry("{name: x, kind: feed, url: 'https://e.org/', limits: 3}"),
    "limits-unknown": _entry("{name: x, kind: feed, url: 'https://e.org/', limits: {max: 1}}"),
    "limits-negative": _entry(
        "{name: x, kind: feed, url: 'https://e.org/', limits: {max_items: -1}}"
    ),
    "limits-nan": _entry(
        "{name: x, kind: feed, url: 'https://e.org/', limits: {deadline_s: .NaN}}"
    ),
    "limits-bool": _entry(
        "{name: x, kind: feed, url: 'https://e.org/', limits: {max_items: true}}"
    ),
    "duplicate-name": b"sources:\n  - {name: x, kind: directory, path: a}\n"
    b"  - {name: x, kind: directory, path: b}\n",
    "python-tag": b"sources: !!python/object/apply:os.system ['true']\n",
    "non-utf8": "sources:\n  - {name: café, kind: directory, path: d}\n".encode("latin-1"),
    "utf16": "sources: []\n".encode("utf-16"),
    "nul-bytes": b"sources:\x00\n  - {name: x}\n",
    "alias-bomb-unknown-field": _bomb("bogus").encode(),
    "alias-bomb-name": _bomb("name").encode(),
    "alias-bomb-outlet": _bomb("outlet").encode(),
    "recursive-alias": b"x: &x [*x]\nsources:\n  - name: *x\n",
    "huge-file": b"sources: []\n" + b"#" * (2 * 1024 * 1024) + b"\n",
    "deep-nesting": b"sources: " + b"[" * 5000 + b"]" * 5000 + b"\n",
}


def _fifo(path: Path) -> None:
    os.mkfifo(path)


def _directory(path: Path) -> None:
    path.mkdir()


def _link_to_zero(path: Path) -> None:
    path.symlink_to("/dev/zero")


# Registries that are not regular files at all.
ODD_REGISTRIES: dict[str, Callable[[Path], None]] = {
    "registry-fifo": _fifo,
    "registry-is-directory": _directory,
    "registry-dev-zero": _link_to_zero,
}
