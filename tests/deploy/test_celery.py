"""CeleryExecutor, proven without containers: Airflow 3 with a PostgreSQL metadata database,
the machine's Redis as broker and two Celery workers runs `warday_nightly` over several
logical dates, then `warday_backfill` over every fetch day; the result equals a
LocalExecutor deployment's over the same input.

Tasks reach warday's database through the `warday_db` Airflow connection only (DATABASE_URL
points nowhere). Timings of both deployments go to .warday/deploy/executors.json and the
test output (run with -s to see them); they are figures, not pass/fail limits."""

from __future__ import annotations

import json
import re
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
import pytest
from psycopg.conninfo import conninfo_to_dict

from tests.conftest import FIXTURES, SEEDS
from tests.deploy.airflow_cluster import (
    REPO,
    Cluster,
    broker_reachable,
    create_db,
    drop_db,
    sqlalchemy_url,
)

pytestmark = pytest.mark.integration

DAG_ID = "warday_nightly"
# Then warday_backfill processes again every raw document fetched in a wide range of days.
BACKFILL_DAG_ID = "warday_backfill"
BACKFILL_CONF = json.dumps({"date_from": "2020-01-01", "date_to": "2099-12-31"})
FROM_DATE, TO_DATE = "2025-05-01", "2025-05-03T12:00:00+00:00"
LOGICAL_DATES = ["2025-05-01", "2025-05-02", "2025-05-03"]
BROKER = "redis://127.0.0.1:6379/0"
EXECUTORS = ("LocalExecutor", "CeleryExecutor")
# A Celery worker's log line for each task it was handed.
RECEIVED = re.compile(r"Task execute_workload\[[0-9a-f-]+\] received")


@dataclass
class Outcome:
    states: list[str]
    logical_dates: list[str]
    seconds: float
    backfill_dag_seconds: float
    snapshot: dict[str, Any]
    worker_tasks: dict[str, int]


def _connection_json(url: str) -> str:
    """The warday_db Airflow connection for a libpq URL, in Airflow's JSON form."""
    info = conninfo_to_dict(url)
    return json.dumps(
        {
            "conn_type": "postgres",
            "host": info.get("host") or "127.0.0.1",
            "port": int(info.get("port") or 5432),
            "login": info.get("user"),
            "password": info.get("password"),
            "schema": info["dbname"],
        }
    )


def snapshot(url: str) -> dict[str, Any]:
    """What the runs produced, by natural keys (ids depend on the order of commits)."""
    with psycopg.connect(url) as conn:
        entries = conn.execute(
            """SELECT d.doc_key, e.entry_key, e.ordinal, e.headline, md5(e.text), e.war_day,
                      e.war_date::text, e.date_source, e.is_live, e.tagger_version,
                      ARRAY(SELECT v.event_type || ':' || v.char_start || ':' || v.assertion
                            AS tag FROM events v WHERE v.entry_id = e.entry_id ORDER BY tag),
                      (SELECT count(*) FROM figures f WHERE f.entry_id = e.entry_id)
               FROM entries e JOIN documents d USING (document_id) ORDER BY e.entry_key"""
        ).fetchall()
        stories = conn.execute(
            """SELECT array_agg(entry_key ORDER BY entry_key) FROM entries
               WHERE story_id IS NOT NULL GROUP BY story_id ORDER BY 1"""
        ).fetchall()
        runs = conn.execute(
            "SELECT run_key, status, counts FROM pipeline_runs ORDER BY run_key"
        ).fetchall()
        letters = conn.execute("SELECT stage, locator FROM dead_letters ORDER BY 1, 2").fetchall()
    return {
        "entries": [list(r) for r in entries],
        "stories": [r[0] for r in stories],
        "runs": [list(r) for r in runs],
        "dead_letters": [list(r) for r in letters],
    }


def _deploy(
    executor: str, tag: str, server_url: str, template: str, home: Path, registry: Path
) -> Outcome:
    """One deployment: start it, backfill the logical dates, stop it, read the results."""
    short = executor.removesuffix("Executor").lower()
    meta_url = create_db(server_url, f"wd_af_{short}_{tag}", template=template)
    data_url = create_db(server_url, f"wd_data_{short}_{tag}")
    queue = f"warday_{tag}"
    extra = {
        "AIRFLOW_CONN_WARDAY_DB": _connection_json(data_url),
        "DATABASE_URL": "postgresql://127.0.0.1:1/not_this_one",  # tasks must use the connection
        "WARDAY_SOURCES": str(registry),
        "AIRFLOW__OPERATORS__DEFAULT_QUEUE": queue,
        "AIRFLOW__CELERY__BROKER_URL": BROKER,
        "AIRFLOW__CELERY__RESULT_BACKEND": "db+" + sqlalchemy_url(meta_url),
        "AIRFLOW__CELERY__WORKER_CONCURRENCY": "2",
    }
    cluster = Cluster.create(home / short, executor, meta_url, extra)
    try:
        cluster.run("dags", "reserialize")
        for dag_id in (DAG_ID, BACKFILL_DAG_ID):
            cluster.run("dags", "unpause", dag_id)
        cluster.start(
            "api-server",
            ["api-server", "--host", "127.0.0.1", "--port", str(cluster.port), "--workers", "1"],
        )
        cluster.wait_healthy()
        workers = ("worker-1", "worker-2") if executor == "CeleryExecutor" else ()
        for name in workers:
            cluster.start(
                name,
                [
                    "celery",
                    "worker",
                    "-q",
                    queue,
                    "-c",
                    "2",
                    "-H",
                    f"{name}-{tag}@%h",
                    "--skip-serve-logs",
                    "--without-gossip",
                    "--without-mingle",
                ],
            )
        cluster.start("scheduler", ["scheduler"])
        started = time.monotonic()
        cluster.run(
            "backfill",
            "create",
            "--dag-id",
            DAG_ID,
            "--from-date",
            FROM_DATE,
            "--to-date",
            TO_DATE,
            "--max-active-runs",
            "1",
        )
        states = cluster.wait_runs(meta_url, DAG_ID, len(LOGICAL_DATES), timeout=900)
        seconds = time.monotonic() - started
        cluster.run(
            "dags",
            "trigger",
            BACKFILL_DAG_ID,
            "--run-id",
            f"deploy-{BACKFILL_DAG_ID}",
            "--conf",
            BACKFILL_CONF,
        )
        states += cluster.wait_runs(meta_url, BACKFILL_DAG_ID, 1, timeout=600)
        backfill_seconds = time.monotonic() - started - seconds
        with psycopg.connect(meta_url) as conn:
            dates = conn.execute(
                "SELECT logical_date::date::text FROM dag_run WHERE dag_id = %s ORDER BY 1",
                (DAG_ID,),
            ).fetchall()
        worker_tasks = {
            name: len(
                RECEIVED.findall((cluster.home / f"{name}.log").read_text("utf-8", "replace"))
            )
            for name in workers
        }
        failure = cluster.tail() if any(s != "success" for s in states) else ""
        assert not failure, failure
        return Outcome(
            states,
            [d[0] for d in dates],
            seconds,
            backfill_seconds,
            snapshot(data_url),
            worker_tasks,
        )
    finally:
        cluster.stop()


@pytest.fixture(scope="module")
def outcomes(server_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    if not broker_reachable():
        pytest.skip(f"no Celery broker: nothing answers PING at {BROKER} (start Redis to run)")
    tag = uuid.uuid4().hex[:8]
    home = tmp_path_factory.mktemp("airflow")
    registry = home / "sources.yaml"
    registry.write_text(
        "sources:\n"
        f"  - {{name: seeds, kind: directory, path: {SEEDS}}}\n"
        f"  - {{name: digests, kind: directory, path: {FIXTURES / 'digests'}}}\n"
    )
    template = f"wd_af_tpl_{tag}"
    names = [template] + [f"wd_{k}_{e}_{tag}" for k in ("af", "data") for e in ("local", "celery")]
    try:
        migrate = Cluster.create(
            home / "migrate", "LocalExecutor", create_db(server_url, template), {}
        )
        started = time.monotonic()
        migrate.run("db", "migrate", timeout=600)
        migrate_s = time.monotonic() - started
        results = {
            executor: _deploy(executor, tag, server_url, template, home, registry)
            for executor in EXECUTORS
        }
        _record(results, migrate_s)
        yield results
    finally:
        for name in names:
            drop_db(server_url, name)


def _record(results: dict[str, Outcome], migrate_s: float) -> None:
    figures = {
        "logical_dates": LOGICAL_DATES,
        "airflow_db_migrate_s": round(migrate_s, 1),
        **{
            executor: {
                "nightly_3_runs_s": round(o.seconds, 1),
                "warday_backfill_run_s": round(o.backfill_dag_seconds, 1),
                "worker_tasks": o.worker_tasks,
            }
            for executor, o in results.items()
        },
    }
    out = REPO / ".warday" / "deploy" / "executors.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(figures, indent=2) + "\n")
    print("\nexecutors:", json.dumps(figures))


def test_every_run_succeeds_on_both_executors(outcomes: dict[str, Outcome]) -> None:
    for executor, outcome in outcomes.items():
        assert outcome.states == ["success"] * (len(LOGICAL_DATES) + 1), executor
        assert outcome.logical_dates == LOGICAL_DATES, executor


def test_celery_workers_ran_the_tasks(outcomes: dict[str, Outcome]) -> None:
    tasks = outcomes["CeleryExecutor"].worker_tasks
    assert sum(tasks.values()) >= 8 * len(LOGICAL_DATES), tasks  # every task of every run


def test_celery_results_equal_local_executor(outcomes: dict[str, Outcome]) -> None:
    local = outcomes["LocalExecutor"].snapshot
    celery = outcomes["CeleryExecutor"].snapshot
    assert len(local["entries"]) > 40 and len(local["runs"]) == len(LOGICAL_DATES) + 1
    for part in ("entries", "dead_letters"):
        assert celery[part] == local[part], part
    # Which entries end up in one story depends on the order entries were written (the
    # parallel fetch tasks land in either order), on any executor: compared in shape only,
    # and so are the link step's counts (how many joined a story and how many started one).
    assert [_link_in_shape(r) for r in celery["runs"]] == [_link_in_shape(r) for r in local["runs"]]
    for stories in (celery["stories"], local["stories"]):
        linked = [key for story in stories for key in story]
        assert len(linked) == len(set(linked))  # no entry in two stories


def _link_in_shape(run: list[Any]) -> list[Any]:
    """A run row with its link counts reduced to the number of entries linked."""
    key, status, counts = run
    link = counts.get("link", {})
    linked = link.get("entries_linked", 0) + link.get("stories_created", 0)
    return [key, status, {**counts, "link": linked}]


def test_no_duplicates(outcomes: dict[str, Outcome]) -> None:
    for executor, outcome in outcomes.items():
        keys = [e[1] for e in outcome.snapshot["entries"]]
        assert len(keys) == len(set(keys)), executor
        live = [(e[0], e[4]) for e in outcome.snapshot["entries"] if e[8]]
        assert len(live) == len(set(live)), executor
