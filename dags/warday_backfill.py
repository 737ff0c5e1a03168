"""Backfill from stored raw bytes: process again everything fetched in a date range, one
fetch day at a time, each day the fallback date of what nothing else dates. No fetching."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pendulum
from airflow.sdk import Param, dag, get_current_context, task

from warday.dagkit import DEFAULT_ARGS, TAGS, run_key, run_tasks


@dag(
    dag_id="warday_backfill",
    schedule=None,
    start_date=pendulum.datetime(2025, 1, 1, tz="UTC"),
    catchup=False,
    max_active_runs=1,
    default_args=DEFAULT_ARGS,
    tags=[*TAGS, "backfill"],
    doc_md=__doc__,
    params={
        "date_from": Param("2025-01-01", type="string", format="date", description="first day"),
        "date_to": Param("2025-01-01", type="string", format="date", description="last day"),
    },
)
def warday_backfill() -> None:
    @task(retries=0, execution_timeout=timedelta(hours=6))
    def backfill() -> dict[str, Any]:
        from warday import steps

        params = get_current_context()["params"]
        low, high = date.fromisoformat(params["date_from"]), date.fromisoformat(params["date_to"])
        return steps.backfill(run_key(), low, high)

    run = run_tasks()
    key = run.begin()
    run.migrate() >> key
    linked = run.link_stories()
    key >> backfill() >> run.retag() >> linked
    linked >> [run.quality_gate(), run.publish()] >> run.finish(key)


warday_backfill()
