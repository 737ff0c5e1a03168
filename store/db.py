"""Connections: DATABASE_URL when set, else the project's embedded PostgreSQL."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

import psycopg
from psycopg.rows import DictRow, dict_row

from warday import settings
from warday.ingest.errors import ConfigError

Conn = psycopg.Connection[DictRow]
DEFAULT_CONNECT_TIMEOUT_S = settings.DB_CONNECT_TIMEOUT_S
DEFAULT_STATEMENT_TIMEOUT_S = settings.DB_STATEMENT_TIMEOUT_S
# A peer that vanishes mid-query is noticed within about a minute.
_KEEPALIVES = settings.DB_KEEPALIVES


class DatabaseUnreachable(RuntimeError):
    """No connection to the database could be opened (down, refusing, or silent)."""


def database_url() -> str:
    """The URL to use: DATABASE_URL, or the embedded server (started on demand)."""
    url = settings.database_url()
    if url:
        return url
    from warday.store.embedded import embedded_url

    url = embedded_url(settings.pgdata_dir())
    # Child processes (Airflow tasks, subcommands) reuse the same server.
    os.environ[settings.ENV_DATABASE_URL] = url
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
    connect_s = _seconds(env, settings.ENV_CONNECT_TIMEOUT_S, DEFAULT_CONNECT_TIMEOUT_S)
    statement_s = _seconds(env, settings.ENV_STATEMENT_TIMEOUT_S, DEFAULT_STATEMENT_TIMEOUT_S)
    extra: dict[str, Any] = {"connect_timeout": max(2, round(connect_s)), **_KEEPALIVES}
    for key, value in extra.items():
        info.setdefault(key, value)
    options = str(info.get("options") or "")
    if "statement_timeout" not in options:
        options = f"{options} -c statement_timeout={int(statement_s * 1000)}".strip()
    # Plan every statement for its own values. A worker's prepared statements otherwise keep
    # the generic plan chosen while the tables were small (a fresh database, a backfill)
    # until statistics are gathered again: a tag delete planned as a sequential scan on an
    # empty table then scanned 900,000 rows per document.
    if "plan_cache_mode" not in options:
        options = f"{options} -c plan_cache_mode=force_custom_plan".strip()
    info["options"] = options
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


def conninfo_from_parts(
    host: str | None,
    port: int | None,
    login: str | None,
    password: str | None,
    dbname: str | None,
    extra: dict[str, object] | None = None,
) -> str:
    """A libpq connection string from a connection's fields (e.g. an Airflow connection);
    extras that libpq knows (sslmode, options, ...) are kept, others are dropped."""
    known = {opt.keyword.decode() for opt in psycopg.pq.Conninfo.get_defaults()}
    params: dict[str, Any] = {
        k: v for k, v in (extra or {}).items() if k in known and v not in (None, "")
    }
    fields = {"host": host, "port": port, "user": login, "password": password, "dbname": dbname}
    params.update({k: v for k, v in fields.items() if v not in (None, "")})
    return psycopg.conninfo.make_conninfo("", **params)


def use_url(url: str) -> None:
    """Make url the database of this process and of the children it starts."""
    os.environ[settings.ENV_DATABASE_URL] = url
