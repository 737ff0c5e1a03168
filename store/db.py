"""Connections: DATABASE_URL when set, else the project's embedded PostgreSQL."""

from __future__ import annotations

import os
from pathlib import Path

import psycopg
from psycopg.rows import DictRow, dict_row

Conn = psycopg.Connection[DictRow]
REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA_DIR = REPO_ROOT / ".warday" / "pgdata"


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
    """Open a connection that returns rows as dicts."""
    return psycopg.connect(url or database_url(), row_factory=dict_row, autocommit=autocommit)


def redact(url: str) -> str:
    """The URL with any password masked, fit for logs."""
    info = psycopg.conninfo.conninfo_to_dict(url)
    if info.get("password"):
        info["password"] = "***"
    return psycopg.conninfo.make_conninfo("", **{k: v for k, v in info.items() if v is not None})
