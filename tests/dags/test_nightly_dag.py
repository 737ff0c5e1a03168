"""The real DAG files, parsed by Airflow and run end to end with dag.test()."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.conftest import SEEDS
from tests.dags.helpers import asset_events, task_labels, task_states
from tests.integration.test_pipeline import table_counts
from warday.ingest.local import discover
from warday.store.db import connect

DAGS = Path(__file__).resolve().parents[2] / "dags"


@pytest.fixture(scope="module")
def dagbag(airflow_db: None):  # type: ignore[no-untyped-def]
    from airflow.dag_processing.dagbag import DagBag

    return DagBag(dag_folder=str(DAGS))


def test_dags_import_cleanly(dagbag) -> None:  # type: ignore[no-untyped-def]
    assert dagbag.import_errors == {}
    dag = dagbag.get_dag("warday_nightly")
    assert dag is not None
    assert {t.task_id for t in dag.tasks} == {
        "migrate",
        "begin",
        "list_sources",
        "fetch_source",
        "process",
        "retag",
        "link_stories",
        "quality_gate",
        "publish",
        "finish",
    }
    assert dag.get_task("begin").is_setup and dag.get_task("finish").is_teardown
    assert dag.max_active_runs == 1 and not dag.catchup


def test_nightly_end_to_end_and_idempotent(  # type: ignore[no-untyped-def]
    dagbag, db_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    registry = tmp_path / "sources.yaml"
    registry.write_text(f"sources:\n  - name: seeds\n    kind: directory\n    path: {SEEDS}\n")
    monkeypatch.setenv("WARDAY_SOURCES", str(registry))
    dag = dagbag.get_dag("warday_nightly")
    events_before = len(asset_events("warday_war_entries"))
    first = dag.test(logical_date=datetime(2025, 5, 1, 2, 30, tzinfo=UTC))
    assert first.state == "success", task_states(first)
    states = task_states(first)
    assert states["fetch_source[seeds]"] == "success" and states["publish"] == "success"
    # The counts are visible in the UI: each mapped fetch task is labelled with them, and so
    # is each process worker; the workers shared the queue and the run holds their sum.
    labels = task_labels(first)
    assert "seeds: files=" in labels["fetch_source[0]"]
    assert states["process[worker 1]"] == states["process[worker 2]"] == "success"
    assert labels["process[0]"].startswith("worker 1: ")
    assert labels["process[1]"].startswith("worker 2: ")
    events = asset_events("warday_war_entries")
    assert len(events) == events_before + 1
    assert events[-1]["entries_written"] > 20 and events[-1]["seq"][0] >= 1
    with connect() as conn:
        after_first = table_counts(conn)
        runs = conn.execute("SELECT status, counts FROM pipeline_runs").fetchall()
    assert after_first["entries"] > 20 and after_first["events"] > 0
    assert runs[0]["status"] == "success" and runs[0]["counts"]["process"]["raw_processed"] == len(
        discover([SEEDS])[0]
    )
    second = dag.test(logical_date=datetime(2025, 5, 2, 2, 30, tzinfo=UTC))
    assert second.state == "success"
    assert task_states(second)["publish"] == "skipped"  # nothing changed: no asset event
    assert len(asset_events("warday_war_entries")) == events_before + 1
    with connect() as conn:
        assert table_counts(conn) == after_first
        closed = conn.execute("SELECT status, finished_at FROM pipeline_runs").fetchall()
    assert all(r["status"] == "success" and r["finished_at"] for r in closed)
