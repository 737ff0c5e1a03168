"""Reprocess from stored bytes, never fetching: after a tagger upgrade (`stage: tag`) or an
extractor/segmenter change (`stage: all`), for the entries whose war date lies in a range
(empty bounds: everything). Trigger it by hand with params."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pendulum
from airflow.sdk import Param, dag, get_current_context, task

from warday.dagkit import DEFAULT_ARGS, TAGS, run_key, run_tasks


def _day(value: Any) -> date | None:
    """An optional ISO date param."""
    return date.fromisoformat(value) if value else None


@dag(
    dag_id="warday_reprocess",
    schedule=None,
    start_date=pendulum.datetime(2025, 1, 1, tz="UTC"),
    catchup=False,
    max_active_runs=1,
    default_args=DEFAULT_ARGS,
    tags=[*TAGS, "reprocess"],
    doc_md=__doc__,
    params={
        "stage": Param("tag", enum=["tag", "all"], description="tag: re-tag; all: re-extract"),
        "date_from": Param("", type="string", description="first war date (YYYY-MM-DD) or empty"),
        "date_to": Param("", type="string", description="last war date (YYYY-MM-DD) or empty"),
    },
)
def warday_reprocess() -> None:
    @task(retries=0, execution_timeout=timedelta(hours=3))
    def reprocess() -> dict[str, Any]:
        from warday import steps

        params = get_current_context()["params"]
        low, high = _day(params["date_from"]), _day(params["date_to"])
        return steps.reprocess(run_key(), params["stage"], low, high)

    @task(execution_timeout=timedelta(hours=1))
    def link_stories() -> dict[str, int]:
        from warday import steps

        return steps.link(run_key())

    run = run_tasks()
    key = run.begin()
    run.migrate() >> key
    linked = link_stories()
    key >> reprocess() >> linked
    linked >> [run.quality_gate(), run.publish()] >> run.finish(key)


warday_reprocess()
