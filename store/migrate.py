"""Migration runner: applies sql/migrations/NNNN_name.sql in order, once each."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from importlib.resources.abc import Traversable
from typing import Any

import psycopg

from warday.settings import package_dir

# Shipped inside the package (importlib.resources), so an installed wheel finds them too.
MIGRATIONS_DIR = package_dir("sql", "migrations")
_NAME = re.compile(r"^(\d{4})_([a-z0-9_]+)\.sql$")
# Any constant works; it only has to be the same for every runner of this project.
_LOCK_ID = 0x5741_5244_4159

_BOOKKEEPING = """
CREATE TABLE IF NOT EXISTS schema_migrations (
    version    integer PRIMARY KEY,
    name       text NOT NULL,
    checksum   text NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now()
)
"""


class MigrationError(RuntimeError):
    """A migration file is malformed, or an applied one was edited."""


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    sql: str

    @property
    def checksum(self) -> str:
        """SHA-256 of the file's text."""
        return hashlib.sha256(self.sql.encode()).hexdigest()


def discover(directory: Traversable = MIGRATIONS_DIR) -> list[Migration]:
    """All migration files, ordered by version."""
    found = []
    files = (p for p in directory.iterdir() if p.name.endswith(".sql"))
    for path in sorted(files, key=lambda p: p.name):
        match = _NAME.match(path.name)
        if not match:
            raise MigrationError(f"{path.name}: name must look like 0001_some_name.sql")
        found.append(Migration(int(match[1]), match[2], path.read_text(encoding="utf-8")))
    versions = [m.version for m in found]
    if len(set(versions)) != len(versions):
        raise MigrationError(f"duplicate migration versions in {directory}")
    return found


def migrate(conn: psycopg.Connection[Any], directory: Traversable = MIGRATIONS_DIR) -> list[str]:
    """Apply pending migrations under an advisory lock; return the names applied."""
    migrations = discover(directory)
    applied: list[str] = []
    with conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (_LOCK_ID,))
        conn.execute(_BOOKKEEPING)
        done = {r["version"]: r for r in _rows(conn, "SELECT * FROM schema_migrations")}
        for migration in migrations:
            if migration.version in done:
                _check_unchanged(migration, done[migration.version])
                continue
            conn.execute(migration.sql.encode())
            conn.execute(
                "INSERT INTO schema_migrations (version, name, checksum) VALUES (%s, %s, %s)",
                (migration.version, migration.name, migration.checksum),
            )
            applied.append(f"{migration.version:04d}_{migration.name}")
    return applied


def _rows(conn: psycopg.Connection[Any], query: str) -> list[dict]:
    """Rows of a query as dicts, whatever the connection's row factory."""
    cur = conn.execute(query)
    names = [c.name for c in cur.description or []]
    return [row if isinstance(row, dict) else dict(zip(names, row, strict=True)) for row in cur]


def _check_unchanged(migration: Migration, applied: dict) -> None:
    """Refuse to continue when an applied migration's file was edited."""
    if applied["checksum"] != migration.checksum:
        raise MigrationError(
            f"migration {migration.version:04d}_{migration.name} was edited after it was "
            "applied; add a new migration instead"
        )
