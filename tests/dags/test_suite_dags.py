"""The reprocess and backfill DAGs through Airflow: they rebuild from stored bytes (never
fetching), close their run row, and publish an asset event only when something changed."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from tests.conftest import SEEDS
from tests.dags.helpers import task_states
from warday.cli import main
from warday.store.db import connect

DAGS = Path(__file__).resolve().parents[2] / "dags"


@pytest.fixture(scope="module")
def dagbag(airflow_db: None):  # type: ignore[no-untyped-def]
    from airflow.dag_processing.dagbag import DagBag

    return DagBag(dag_folder=str(DAGS))


@pytest.fixture
def stored(db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """The seeds landed and processed once, the way the nightly run leaves them."""
    registry = tmp_path / "sources.yaml"
    registry.write_text("sources: []\n")
    monkeypatch.setenv("WARDAY_SOURCES", str(registry))
    assert main(["ingest", str(SEEDS)]) == 0
    return db_url


def runs() -> list[dict]:
    with connect() as conn:
        return conn.execute(
            "SELECT trigger, status, finished_at, counts FROM pipeline_runs ORDER BY run_id"
        ).fetchall()


def test_reprocess_retags_a_war_date_range(dagbag, stored: str) -> None:  # type: ignore[no-untyped-def]
    run = dagbag.get_dag("warday_reprocess").test(
        logical_date=datetime(2025, 5, 3, tzinfo=UTC),
        run_conf={"stage": "tag", "date_from": "2025-04-28", "date_to": "2025-04-28"},
    )
    assert run.state == "success", task_states(run)
    last = runs()[-1]
    assert last["status"] == "success" and last["finished_at"] is not None
    with connect() as conn:
        in_range = conn.execute(
            "SELECT count(*) AS n FROM entries WHERE is_live AND war_date = '2025-04-28'"
        ).fetchone()["n"]
    retag = last["counts"]["retag"]
    assert retag.get("entries_tags_unchanged", 0) + retag.get("entries_retagged", 0) == in_range
    assert in_range > 0
    # The same tagger gives the same tags: nothing changed, so no asset event.
    assert retag.get("entries_retagged", 0) == 0 and task_states(run)["publish"] == "skipped"


def test_backfill_processes_stored_bytes_of_the_fetch_days(dagbag, stored: str) -> None:  # type: ignore[no-untyped-def]
    today = date.today().isoformat()
    run = dagbag.get_dag("warday_backfill").test(
        logical_date=datetime(2025, 5, 4, tzinfo=UTC),
        run_conf={"date_from": today, "date_to": today},
    )
    assert run.state == "success", task_states(run)
    last = runs()[-1]
    assert last["status"] == "success"
    assert last["counts"]["process"]["raw_processed"] > 0 and "source:" not in str(last["counts"])
    # Same bytes, same derived rows: nothing changed, so no asset event.
    assert task_states(run)["publish"] == "skipped"
