"""Tasks take warday's database from the `warday_db` Airflow connection, else DATABASE_URL."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import psycopg
import pytest
from psycopg.conninfo import conninfo_to_dict

from tests.conftest import SEEDS
from warday.store.db import conninfo_from_parts

DAGS = Path(__file__).resolve().parents[2] / "dags"


def test_conninfo_from_parts_keeps_libpq_extras_only() -> None:
    info = conninfo_to_dict(
        conninfo_from_parts(
            "db.example.org", 6432, "warday", "s3 cret", "wd", {"sslmode": "require", "iam": True}
        )
    )
    assert info == {
        "host": "db.example.org",
        "port": "6432",
        "user": "warday",
        "password": "s3 cret",
        "dbname": "wd",
        "sslmode": "require",
    }


def _run_nightly(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, day: int) -> str:
    from airflow.dag_processing.dagbag import DagBag

    registry = tmp_path / "sources.yaml"
    registry.write_text(f"sources:\n  - name: seeds\n    kind: directory\n    path: {SEEDS}\n")
    monkeypatch.setenv("WARDAY_SOURCES", str(registry))
    dag = DagBag(dag_folder=str(DAGS)).get_dag("warday_nightly")
    return str(dag.test(logical_date=datetime(2025, 5, day, 2, 30, tzinfo=UTC)).state)


def _live_entries(url: str) -> int:
    with psycopg.connect(url) as conn:
        row = conn.execute("SELECT count(*) FROM entries").fetchone()
    return int(row[0]) if row else 0


def test_tasks_use_the_airflow_connection_over_database_url(
    airflow_db: None,
    db_url: str,
    empty_db_url: str,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    """DATABASE_URL names an empty database; the connection names the real one."""
    info = conninfo_to_dict(db_url)
    conn = {
        "conn_type": "postgres",
        "host": info.get("host") or "127.0.0.1",
        "port": int(info.get("port") or 5432),
        "login": info.get("user"),
        "password": info.get("password"),
        "schema": info["dbname"],
        "extra": {"application_name": "warday-task"},
    }
    monkeypatch.setenv("AIRFLOW_CONN_WARDAY_DB", json.dumps(conn))
    monkeypatch.setenv("DATABASE_URL", empty_db_url)
    assert _run_nightly(monkeypatch, tmp_path, 3) == "success"
    assert _live_entries(db_url) > 20
    with psycopg.connect(empty_db_url) as empty:
        tables = empty.execute("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")
        assert tables.fetchone() == (0,)  # nothing went to DATABASE_URL


def test_tasks_fall_back_to_database_url(
    airflow_db: None, db_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("AIRFLOW_CONN_WARDAY_DB", raising=False)
    assert _run_nightly(monkeypatch, tmp_path, 4) == "success"
    assert _live_entries(db_url) > 20


def test_a_secrets_backend_provides_the_connection(
    airflow_db: None, db_url: str, empty_db_url: str, tmp_path: Path
) -> None:
    """The connection comes from a configured secrets backend (here Airflow's local-file one),
    in a fresh `airflow dags test` process: nothing in the environment names the database."""
    info = conninfo_to_dict(db_url)
    conns = tmp_path / "connections.json"
    conns.write_text(
        json.dumps(
            {
                "warday_db": {
                    "conn_type": "postgres",
                    "host": info.get("host") or "127.0.0.1",
                    "port": int(info.get("port") or 5432),
                    "login": info.get("user"),
                    "password": info.get("password"),
                    "schema": info["dbname"],
                }
            }
        )
    )
    registry = tmp_path / "sources.yaml"
    registry.write_text(f"sources:\n  - name: seeds\n    kind: directory\n    path: {SEEDS}\n")
    env = {k: v for k, v in os.environ.items() if k != "AIRFLOW_CONN_WARDAY_DB"}
    env.update(
        {
            "DATABASE_URL": empty_db_url,
            "WARDAY_SOURCES": str(registry),
            "AIRFLOW__SECRETS__BACKEND": "airflow.secrets.local_filesystem.LocalFilesystemBackend",
            "AIRFLOW__SECRETS__BACKEND_KWARGS": json.dumps({"connections_file_path": str(conns)}),
        }
    )
    airflow = Path(sys.executable).with_name("airflow")
    done = subprocess.run(
        [str(airflow), "dags", "test", "warday_nightly", "2025-05-06"],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert _live_entries(db_url) > 20
    with psycopg.connect(empty_db_url) as empty:
        tables = empty.execute("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")
        assert tables.fetchone() == (0,)
