"""Connections: DATABASE_URL when set, else the project's embedded PostgreSQL."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import psycopg
from psycopg.rows import DictRow, dict_row

from warday.ingest.errors import ConfigError

Conn = psycopg.Connection[DictRow]
REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA_DIR = REPO_ROOT / ".warday" / "pgdata"
DEFAULT_CONNECT_TIMEOUT_S = 10.0
DEFAULT_STATEMENT_TIMEOUT_S = 900.0
# A peer that vanishes mid-query is noticed within about a minute.
_KEEPALIVES = {
    "keepalives": 1,
    "keepalives_idle": 30,
    "keepalives_interval": 10,
    "keepalives_count": 3,
    "tcp_user_timeout": 60_000,
}


class DatabaseUnreachable(RuntimeError):
    """No connection to the database could be opened (down, refusing, or silent)."""


def database_url() -> str:
    """The URL to use: DATABASE_URL, or the embedded server (started on demand)."""
    url = os.environ.get("DATABASE_URL")
    if url:
        return url
    from warday.store.embedded import embedded_url

    data_dir = Path(os.environ.get("WARDAY_PGDATA", DEFAULT_DATA_DIR))
    url = embedded_url(data_dir)
    # Child processes (Airflow tasks, subcommands) reuse the same server.
    os.environ["DATABASE_URL"] = url
    return url


def connect(url: str | None = None, *, autocommit: bool = False) -> Conn:
    """Open a connection that returns rows as dicts, with connect and statement timeouts
    (a server that accepts TCP and never answers must not hang a command)."""
    url = url or database_url()
    try:
        return psycopg.connect(with_timeouts(url), row_factory=dict_row, autocommit=autocommit)
    except psycopg.OperationalError as exc:
        raise DatabaseUnreachable(f"cannot connect to {redact(url)}: {_first_line(exc)}") from exc


def with_timeouts(url: str, environ: Mapping[str, str] | None = None) -> str:
    """The conninfo with connect, statement and keepalive settings added where it has none.

    WARDAY_CONNECT_TIMEOUT_S (default 10) and WARDAY_STATEMENT_TIMEOUT_S (default 900)."""
    env = os.environ if environ is None else environ
    info = psycopg.conninfo.conninfo_to_dict(url)
    connect_s = _seconds(env, "WARDAY_CONNECT_TIMEOUT_S", DEFAULT_CONNECT_TIMEOUT_S)
    statement_s = _seconds(env, "WARDAY_STATEMENT_TIMEOUT_S", DEFAULT_STATEMENT_TIMEOUT_S)
    extra: dict[str, Any] = {"connect_timeout": max(2, round(connect_s)), **_KEEPALIVES}
    for key, value in extra.items():
        info.setdefault(key, value)
    options = str(info.get("options") or "")
    if "statement_timeout" not in options:
        info["options"] = f"{options} -c statement_timeout={int(statement_s * 1000)}".strip()
    return psycopg.conninfo.make_conninfo("", **{k: v for k, v in info.items() if v is not None})


def _seconds(env: Mapping[str, str], name: str, default: float) -> float:
    """A positive number of seconds from the environment."""
    raw = env.get(name, "").strip()
    try:
        value = float(raw) if raw else default
    except ValueError:
        value = -1.0
    if not value > 0:
        raise ConfigError(f"{name} must be a positive number of seconds")
    return value


def _first_line(exc: BaseException) -> str:
    """The first line of an error's message."""
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def redact(url: str) -> str:
    """The URL with any password masked, fit for logs."""
    info = psycopg.conninfo.conninfo_to_dict(url)
    if info.get("password"):
        info["password"] = "***"
    return psycopg.conninfo.make_conninfo("", **{k: v for k, v in info.items() if v is not None})
