"""Rules every warday DAG keeps: owner, tags, retries and timeouts on every task, a failure
notice, the run row opened by a setup and closed by a teardown, cheap parsing."""

from __future__ import annotations

import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest

DAGS = Path(__file__).resolve().parents[2] / "dags"
SUITE = {"warday_nightly", "warday_reprocess", "warday_backfill"}
HEAVY = (
    "psycopg",
    "trafilatura",
    "feedparser",
    "lxml",
    "plotly",
    "warday.steps",
    "warday.pipeline",
    "warday.transform",
    "warday.store",
    "warday.ingest",
)
# CPU seconds per DAG file, once Airflow's own decorators are imported (Airflow's import
# timeout is 30 s). CPU time, not wall time, so a busy machine does not fail the check.
PARSE_BUDGET_S = 3.0


@pytest.fixture(scope="module")
def dagbag(airflow_db: None):  # type: ignore[no-untyped-def]
    from airflow.dag_processing.dagbag import DagBag

    return DagBag(dag_folder=str(DAGS))


def test_the_suite_parses(dagbag) -> None:  # type: ignore[no-untyped-def]
    assert dagbag.import_errors == {}
    assert set(dagbag.dag_ids) == SUITE


@pytest.mark.parametrize("dag_id", sorted(SUITE))
def test_owner_tags_retries_timeouts_and_notices(dagbag, dag_id: str) -> None:  # type: ignore[no-untyped-def]
    dag = dagbag.get_dag(dag_id)
    assert "warday" in dag.tags and dag.max_active_runs == 1 and not dag.catchup
    for t in dag.tasks:
        assert t.owner == "warday", t.task_id
        assert t.retries is not None and t.retries <= 3, t.task_id
        assert t.execution_timeout is not None, t.task_id
        assert t.execution_timeout <= timedelta(hours=6), t.task_id
        assert t.on_failure_callback, t.task_id
    setups = [t.task_id for t in dag.tasks if t.is_setup]
    teardowns = [t.task_id for t in dag.tasks if t.is_teardown]
    assert setups == ["begin"] and teardowns == ["finish"]
    # Every working task lies between the setup and the teardown, so the run row is closed.
    inner = {t.task_id for t in dag.tasks} - {"migrate", "begin", "finish"}
    assert inner <= dag.get_task("begin").get_flat_relative_ids(upstream=False)
    assert inner <= dag.get_task("finish").get_flat_relative_ids(upstream=True)
    assert "publish" in {t.task_id for t in dag.tasks}


def test_reprocess_and_backfill_take_params(dagbag) -> None:  # type: ignore[no-untyped-def]
    assert set(dagbag.get_dag("warday_reprocess").params) == {"stage", "date_from", "date_to"}
    assert set(dagbag.get_dag("warday_backfill").params) == {"date_from", "date_to"}
    fetching = [t for t in dagbag.get_dag("warday_reprocess").tasks if "fetch" in t.task_id]
    assert fetching == []


@pytest.mark.parametrize("path", sorted(DAGS.glob("*.py")), ids=lambda p: p.name)
def test_parsing_is_cheap(path: Path) -> None:
    """No heavy module is imported at parse time, and a file parses within the budget."""
    probe = (
        "import importlib.util, sys, time\n"
        "import airflow.sdk\n"
        "t = time.process_time()\n"
        f"spec = importlib.util.spec_from_file_location('probe', {str(path)!r})\n"
        "mod = importlib.util.module_from_spec(spec); spec.loader.exec_module(mod)\n"
        "print(time.process_time() - t)\n"
        "print(' '.join(sorted(sys.modules)))\n"
    )
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=False, timeout=120
    )
    assert done.returncode == 0, done.stderr[-2000:]
    seconds, modules = done.stdout.strip().splitlines()[-2:]
    loaded = set(modules.split())
    heavy = [m for m in loaded if any(m == h or m.startswith(h + ".") for h in HEAVY)]
    assert heavy == [], f"{path.name} imports {heavy[:10]} at parse time"
    assert float(seconds) < PARSE_BUDGET_S, f"{path.name} parsed in {seconds}s"
    assert time.perf_counter() - started < 120


@pytest.mark.parametrize(("value", "workers"), [("", [1, 2]), ("3", [1, 2, 3]), (" 1 ", [1])])
def test_process_workers_come_from_the_environment(
    monkeypatch: pytest.MonkeyPatch, value: str, workers: list[int]
) -> None:
    from warday.dagkit import process_workers

    monkeypatch.setenv("WARDAY_PROCESS_WORKERS", value)
    assert process_workers() == workers


@pytest.mark.parametrize("value", ["0", "-1", "two", "33", "1.5"])
def test_a_bad_process_worker_count_is_named(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    from warday.dagkit import process_workers

    monkeypatch.setenv("WARDAY_PROCESS_WORKERS", value)
    with pytest.raises(ValueError, match="WARDAY_PROCESS_WORKERS"):
        process_workers()
