"""Analyst logins: a LOGIN role in the read-only `warday_analyst` group, able to connect."""

from __future__ import annotations

import re
import secrets

from psycopg import sql
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from warday.store.db import Conn

_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


def grant(conn: Conn, name: str) -> str:
    """Create the login (or give it a new password) in warday_analyst; returns the password.

    The connecting role needs CREATEROLE. Passwords are generated, never chosen on the
    command line (where shell history would keep them).
    """
    if not _NAME.match(name) or name.startswith("pg_"):
        raise ValueError(f"analyst name {name!r}: use lower-case letters, digits, underscores")
    password = secrets.token_urlsafe(18)
    role, pw = sql.Identifier(name), sql.Literal(password)
    exists = conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (name,)).fetchone()
    verb = "ALTER" if exists else "CREATE"
    conn.execute(
        sql.SQL(verb + " ROLE {} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD {}").format(
            role, pw
        )
    )
    conn.execute(sql.SQL("GRANT warday_analyst TO {}").format(role))
    dbname = conn.execute("SELECT current_database() AS db").fetchone()
    assert dbname is not None
    conn.execute(
        sql.SQL("GRANT CONNECT ON DATABASE {} TO {}").format(sql.Identifier(dbname["db"]), role)
    )
    return password


def login_url(admin_url: str, name: str, password: str) -> str:
    """The admin's connection string with the analyst's user and password instead."""
    info = {k: v for k, v in conninfo_to_dict(admin_url).items() if v is not None}
    return make_conninfo("", **{**info, "user": name, "password": password})
