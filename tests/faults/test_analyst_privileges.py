"""Issue 14.11: a real login holding only the analyst role reads the views and nothing else:
no NOTIFY through pg_notify, no large objects, no advisory locks that the pipeline waits for,
no rows of retracted entries through a cheap function of its own, no mention tables."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Iterator

import psycopg
import pytest
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from tests.conftest import SEEDS
from warday import pipeline
from warday.store.db import connect
from warday.store.migrate import migrate

MIGRATION_LOCK = 0x5741_5244_4159
FEED_LOCK = (1466196292, 14)


@pytest.fixture
def analyst_url(db_url: str, server_url: str) -> Iterator[str]:
    """A login role that is a member of warday_analyst and nothing else."""
    name = f"wd_analyst_{uuid.uuid4().hex[:8]}"
    password = uuid.uuid4().hex
    with psycopg.connect(server_url, autocommit=True) as admin:
        admin.execute(
            sql.SQL("CREATE ROLE {} LOGIN PASSWORD {} IN ROLE warday_analyst").format(
                sql.Identifier(name), sql.Literal(password)
            )
        )
    info = {**conninfo_to_dict(db_url), "user": name, "password": password}
    yield make_conninfo("", **info)
    with psycopg.connect(db_url, autocommit=True) as admin:  # whatever it managed to own
        admin.execute(sql.SQL("DROP OWNED BY {}").format(sql.Identifier(name)))
    with psycopg.connect(server_url, autocommit=True) as admin:
        admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = %s", (name,)
        )
        admin.execute(sql.SQL("DROP ROLE IF EXISTS {}").format(sql.Identifier(name)))


@pytest.fixture
def seeded(db_url: str) -> str:
    """Seeds processed, and one entry (with its tags) retracted."""
    with connect() as conn:
        pipeline.land_paths(conn, [SEEDS])
        pipeline.process_pending(conn)
        row = conn.execute(
            "SELECT e.entry_id, ev.sentence FROM entries e JOIN events ev USING (entry_id)"
            " JOIN actor_mentions m USING (entry_id) ORDER BY e.entry_id LIMIT 1"
        ).fetchone()
        assert row is not None
        conn.execute("UPDATE entries SET is_live = false WHERE entry_id = %s", (row["entry_id"],))
    return str(row["entry_id"])


def _denied(url: str, statement: str, *params: object) -> None:
    with (
        psycopg.connect(url, autocommit=True) as conn,
        pytest.raises(psycopg.errors.InsufficientPrivilege),
    ):
        conn.execute(statement, params or None)


def test_analyst_cannot_notify_through_pg_notify(analyst_url: str) -> None:
    _denied(analyst_url, "SELECT pg_notify('warday_entry_changes', '1')")


def test_analyst_cannot_create_large_objects(analyst_url: str) -> None:
    _denied(analyst_url, "SELECT lo_create(0)")
    _denied(analyst_url, "SELECT lo_from_bytea(0, 'x'::bytea)")


@pytest.mark.parametrize(
    "statement",
    [
        "SELECT pg_advisory_lock(%s)",
        "SELECT pg_try_advisory_lock(%s)",
        "SELECT pg_advisory_lock_shared(%s)",
        "SELECT pg_advisory_xact_lock(%s)",
    ],
)
def test_analyst_cannot_take_the_migration_lock(analyst_url: str, statement: str) -> None:
    _denied(analyst_url, statement, MIGRATION_LOCK)


def test_analyst_cannot_take_the_change_feed_lock(analyst_url: str) -> None:
    _denied(analyst_url, "SELECT pg_advisory_lock(%s, %s)", *FEED_LOCK)


def test_migration_runner_is_not_blocked_by_an_analyst(analyst_url: str, db_url: str) -> None:
    with psycopg.connect(analyst_url, autocommit=True) as analyst:
        # whatever the analyst manages to take, the runner must get through
        with contextlib.suppress(psycopg.errors.InsufficientPrivilege):
            analyst.execute("SELECT pg_advisory_lock(%s)", (MIGRATION_LOCK,))
        with psycopg.connect(db_url, options="-c lock_timeout=5000") as conn:
            assert migrate(conn) == []


def test_pipeline_keeps_its_privileges(db_url: str) -> None:
    """A pipeline login that is a member of warday_writer (not a superuser) still works."""
    with connect() as conn:
        has = conn.execute(
            "SELECT has_function_privilege('warday_writer', 'pg_notify(text, text)', 'EXECUTE')"
            " AND has_function_privilege('warday_writer', 'pg_advisory_xact_lock(bigint)',"
            " 'EXECUTE') AS ok"
        ).fetchone()
    assert has is not None and has["ok"]


def test_every_view_is_a_security_barrier(db_url: str) -> None:
    with connect() as conn:
        rows = conn.execute(
            "SELECT c.relname, coalesce(c.reloptions, '{}') AS options FROM pg_class c"
            " JOIN pg_namespace n ON n.oid = c.relnamespace"
            " WHERE c.relkind = 'v' AND n.nspname = 'public'"
        ).fetchall()
    assert rows
    loose = [r["relname"] for r in rows if "security_barrier=true" not in r["options"]]
    assert not loose, loose


LEAK = """
CREATE FUNCTION pg_temp.peek(text) RETURNS boolean LANGUAGE plpgsql COST 0.0000001 AS $$
BEGIN RAISE NOTICE 'peek:%', $1; RETURN true; END $$
"""


def test_cheap_function_sees_no_retracted_rows(analyst_url: str, seeded: str) -> None:
    seen: list[str] = []
    with psycopg.connect(analyst_url, autocommit=True) as conn:
        conn.add_notice_handler(lambda notice: seen.append(notice.message_primary or ""))
        conn.execute(LEAK)
        for view, column in (
            ("war_events", "entry_id::text"),
            ("war_figures", "entry_id::text"),
            ("war_entries", "entry_id::text"),
            ("war_actor_mentions", "entry_id::text"),
            ("war_place_mentions", "entry_id::text"),
        ):
            conn.execute(
                sql.SQL("SELECT count(*) FROM {} WHERE pg_temp.peek({})").format(
                    sql.Identifier(view), sql.SQL(column)
                )
            )
    assert seen, "the function never ran"
    assert f"peek:{seeded}" not in seen


def test_mentions_only_through_views(analyst_url: str, seeded: str) -> None:
    _denied(analyst_url, "SELECT count(*) FROM actor_mentions")
    _denied(analyst_url, "SELECT count(*) FROM place_mentions")
    with psycopg.connect(analyst_url) as conn:
        ids = {r[0] for r in conn.execute("SELECT entry_id FROM war_actor_mentions").fetchall()}
        assert ids and int(seeded) not in ids


def test_migrations_run_where_the_roles_exist(empty_db_url: str) -> None:
    """CI reuses one server: the project's roles exist before a fresh database is migrated."""
    with psycopg.connect(empty_db_url) as conn:
        roles = {r[0] for r in conn.execute("SELECT rolname FROM pg_roles")}
        assert {"warday_analyst", "warday_writer"} <= roles
        assert migrate(conn)
        assert migrate(conn) == []
