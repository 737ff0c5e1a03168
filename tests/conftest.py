"""Shared fixtures: a real PostgreSQL (DATABASE_URL, else an embedded server) and fresh
databases cloned per test from a migrated template."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
import pytest
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict, make_conninfo

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "tests" / "fixtures"
SEEDS = REPO / "seeds"


def with_dbname(url: str, dbname: str) -> str:
    """The same server, another database."""
    return make_conninfo("", **{**conninfo_to_dict(url), "dbname": dbname})


@pytest.fixture(scope="session")
def server_url() -> str:
    """Admin URL of the test server: DATABASE_URL, or an embedded one under .warday/."""
    url = os.environ.get("DATABASE_URL")
    if url:
        return url
    from warday.store.embedded import embedded_url

    return embedded_url(REPO / ".warday" / "pgdata-test", keep_running=False)


@pytest.fixture(scope="session")
def template_db(server_url: str) -> Iterator[str]:
    """A migrated database used as the template of every test database."""
    from warday.store.migrate import migrate

    name = f"warday_tpl_{uuid.uuid4().hex[:8]}"
    _admin(server_url, sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    with psycopg.connect(with_dbname(server_url, name)) as conn:
        migrate(conn)
    yield name
    _admin(
        server_url, sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
    )


@pytest.fixture
def db_url(server_url: str, template_db: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A fresh, migrated database for one test, exported as DATABASE_URL."""
    with cloned_database(server_url, template_db, f"warday_test_{uuid.uuid4().hex[:8]}") as url:
        monkeypatch.setenv("DATABASE_URL", url)
        yield url


@contextmanager
def cloned_database(server_url: str, source: str, name: str) -> Iterator[str]:
    """A copy of database `source` named `name` (its URL), dropped afterwards."""
    _admin(
        server_url,
        sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
            sql.Identifier(name), sql.Identifier(source)
        ),
    )
    try:
        yield with_dbname(server_url, name)
    finally:
        _admin(
            server_url,
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)),
        )


@pytest.fixture
def empty_db_url(server_url: str) -> Iterator[str]:
    """A fresh database with no schema at all (for migration tests)."""
    name = f"warday_empty_{uuid.uuid4().hex[:8]}"
    _admin(server_url, sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    yield with_dbname(server_url, name)
    _admin(
        server_url, sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
    )


def _admin(url: str, statement: sql.Composed) -> None:
    """Run a statement that cannot run inside a transaction."""
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(statement)


def bench_databases(server_url: str, prefix: str = "warday_bench_") -> set[str]:
    """Scratch databases of benchmarks on the server (others may be running beside)."""
    with psycopg.connect(server_url) as conn:
        rows = conn.execute(
            "SELECT datname FROM pg_database WHERE starts_with(datname, %s)", (prefix,)
        ).fetchall()
    return {name for (name,) in rows}
