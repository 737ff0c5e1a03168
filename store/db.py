"""Connections: DATABASE_URL when set, else the project's embedded PostgreSQL."""

from __future__ import annotations

import os
from typing import Any

import psycopg
from psycopg.rows import DictRow, dict_row

from warday import settings

Conn = psycopg.Connection[DictRow]


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
    """Open a connection that returns rows as dicts."""
    return psycopg.connect(url or database_url(), row_factory=dict_row, autocommit=autocommit)


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
