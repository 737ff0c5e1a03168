"""Named SQL from sql/queries.sql: SQL lives in .sql files, Python only binds parameters."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from warday.settings import package_dir

# Shipped inside the package (importlib.resources), so an installed wheel finds it too.
QUERIES_FILE = package_dir("sql") / "queries.sql"
_MARKER = re.compile(r"^-- name: (\w+)\s*$", re.MULTILINE)


@cache
def load(path: Path = QUERIES_FILE) -> dict[str, bytes]:
    """All named queries of the file, as bytes ready for execute()."""
    text = path.read_text(encoding="utf-8")
    parts = _MARKER.split(text)
    queries = {}
    for name, body in zip(parts[1::2], parts[2::2], strict=True):
        if name in queries:
            raise ValueError(f"{path.name}: query {name!r} defined twice")
        queries[name] = body.strip().encode()
    return queries


def q(name: str) -> bytes:
    """One named query."""
    try:
        return load()[name]
    except KeyError:
        raise KeyError(f"no query named {name!r} in {QUERIES_FILE.name}") from None
