"""Analyst surfaces as an analyst meets them: a login made by `warday grant-analyst`, the
README's three questions each answered by one short query (using the indexes meant for
them), views that hide retracted entries, and a data dictionary that matches the catalog."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict
from psycopg.rows import dict_row

from tests.conftest import FIXTURES, SEEDS
from warday import dictionary
from warday.cli import main
from warday.store.db import connect

README = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
KHARKIV = """SELECT war_date, event_type, place, lat, lon, fatalities, outlet, url
FROM war_events WHERE admin1 = 'Kharkiv Oblast' AND lat IS NOT NULL ORDER BY war_date;"""
WEEKLY = """SELECT date_trunc('week', war_date)::date AS week, event_type, count(*) AS events
FROM war_events WHERE war_date >= '2022-02-24' GROUP BY 1, 2 ORDER BY 1, 2;"""
CHANGES = """SELECT seq, op, entry_id, war_date, outlet, headline
FROM war_changes WHERE seq > %(cursor)s ORDER BY seq;"""


@pytest.fixture
def loaded(db_url: str, capsys: pytest.CaptureFixture[str]) -> str:
    assert main(["ingest", str(SEEDS), str(FIXTURES / "analyst")]) == 0
    capsys.readouterr()
    with connect() as conn:
        conn.execute("ANALYZE")
    return db_url


@pytest.fixture
def analyst(loaded: str, capsys: pytest.CaptureFixture[str]) -> Iterator[dict[str, Any]]:
    name = f"wd_ops11_analyst_{uuid.uuid4().hex[:8]}"
    assert main(["grant-analyst", name]) == 0
    out = capsys.readouterr().out
    password = re.search(r"password: (\S+)", out)
    assert password and name in out
    yield {"user": name, "password": password.group(1), "out": out}
    with psycopg.connect(loaded, autocommit=True) as conn:
        dbname = conninfo_to_dict(loaded)["dbname"]
        conn.execute(
            sql.SQL("REVOKE ALL ON DATABASE {} FROM {}").format(
                sql.Identifier(str(dbname)), sql.Identifier(name)
            )
        )
        conn.execute(sql.SQL("DROP OWNED BY {}").format(sql.Identifier(name)))
        conn.execute(sql.SQL("DROP ROLE {}").format(sql.Identifier(name)))


def as_analyst(url: str, who: dict[str, Any]) -> psycopg.Connection[Any]:
    info = {**conninfo_to_dict(url), "user": who["user"], "password": who["password"]}
    return psycopg.connect(**info, row_factory=dict_row)  # type: ignore[arg-type]


def test_the_readme_documents_the_three_queries() -> None:
    for query in (KHARKIV, WEEKLY, CHANGES.replace("%(cursor)s", "1234")):
        assert query in README, query.splitlines()[0]
    assert "warday grant-analyst" in README


def test_an_analyst_login_answers_the_three_questions(loaded: str, analyst: dict[str, Any]) -> None:
    with as_analyst(loaded, analyst) as conn:
        kharkiv = conn.execute(KHARKIV).fetchall()
        weekly = conn.execute(WEEKLY).fetchall()
        everything = conn.execute(CHANGES, {"cursor": 0}).fetchall()
        cursor = everything[len(everything) // 2]["seq"]
        since = conn.execute(CHANGES, {"cursor": cursor}).fetchall()
        versions = conn.execute("SELECT * FROM war_versions").fetchall()
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("SELECT body FROM raw_documents LIMIT 1")
    assert {r["place"] for r in kharkiv} >= {"Kharkiv", "Vovchansk"}
    assert all(r["lat"] and r["lon"] for r in kharkiv)
    assert any(r["fatalities"] == 2 for r in kharkiv if r["place"] == "Kharkiv")
    assert {r["event_type"] for r in weekly} >= {"ASSAULT"} and all(r["events"] for r in weekly)
    assert [r["seq"] for r in since] == [r["seq"] for r in everything if r["seq"] > cursor]
    assert versions and versions[0]["tagger_version"] and versions[0]["extractor_version"]


def test_views_hide_retracted_entries(loaded: str, analyst: dict[str, Any]) -> None:
    with connect() as conn:
        gone = conn.execute(
            "UPDATE entries SET is_live = false WHERE entry_id = (SELECT entry_id FROM events"
            " ORDER BY event_id LIMIT 1) RETURNING entry_id"
        ).fetchone()["entry_id"]
        conn.execute(
            "INSERT INTO entry_changes (entry_id, op, content_hash) VALUES (%s, %s, %s)",
            (gone, "retract", "x"),
        )
    views = ("war_entries", "war_events", "war_figures", "war_actor_mentions", "war_place_mentions")
    with as_analyst(loaded, analyst) as conn:
        for view in views:
            found = conn.execute(
                sql.SQL("SELECT count(*) AS n FROM {} WHERE entry_id = %s").format(
                    sql.Identifier(view)
                ),
                (gone,),
            ).fetchone()
            assert found["n"] == 0, view
        change = conn.execute(
            "SELECT op, headline FROM war_changes WHERE entry_id = %s ORDER BY seq DESC LIMIT 1",
            (gone,),
        ).fetchone()
    assert change == {"op": "retract", "headline": None}


def test_documented_queries_use_their_indexes(loaded: str) -> None:
    # The planner may reach Kharkiv's places by oblast or by entry and name; either way
    # through an index, never a sequential scan.
    expected = {
        KHARKIV: {"place_mentions_admin1", "place_mentions_entry_name"},
        WEEKLY: {"entries_war_date"},
        CHANGES: {"entry_changes_pkey"},
    }
    with connect() as conn:
        conn.execute("SET enable_seqscan = off")
        # A consumer's cursor is near the head of the feed.
        cursor = conn.execute("SELECT max(seq) - 3 AS c FROM entry_changes").fetchone()["c"]
        for query, index in expected.items():  # index: any of these
            plan = conn.execute(
                sql.SQL("EXPLAIN (FORMAT JSON) ") + sql.SQL(query.rstrip(";")),  # type: ignore[arg-type]
                {"cursor": cursor} if "cursor" in query else None,
            ).fetchone()
            text = str(plan).replace("'", '"')
            names = set(re.findall(r'"Index Name": "(\w+)"', text))
            assert index & names, (index, names)
            assert '"Node Type": "Seq Scan"' not in text, query


def test_every_view_is_a_security_barrier_and_described(loaded: str) -> None:
    with connect() as conn:
        found = dictionary.relations(conn)
        views = conn.execute(
            "SELECT relname, reloptions FROM pg_class WHERE relkind = 'v'"
            " AND relnamespace = current_schema()::regnamespace"
        ).fetchall()
    for view in views:
        assert "security_barrier=true" in (view["reloptions"] or []), view["relname"]
    assert dictionary.missing_comments(found) == []


def test_data_dictionary_matches_the_catalog(db_url: str) -> None:
    with connect() as conn:
        current = dictionary.render(dictionary.relations(conn))
    assert dictionary.DICTIONARY.read_text(encoding="utf-8") == current, (
        "docs/data-dictionary.md is out of date: run `python -m warday.dictionary --write`"
    )
