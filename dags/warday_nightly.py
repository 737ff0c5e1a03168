"""Nightly refresh: fetch every enabled source (one mapped task each, red when that source
failed), process what is new into day-numbered war entries (mapped workers sharing the
queue), re-tag, link stories, judge the run by the quality gate, and publish the asset event
when something changed."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pendulum
from airflow.sdk import dag, get_current_context, task

from warday.dagkit import (
    DEFAULT_ARGS,
    TAGS,
    counts_label,
    fail_for,
    process_workers,
    run_date,
    run_key,
    run_tasks,
)


@dag(
    dag_id="warday_nightly",
    schedule="30 2 * * *",
    start_date=pendulum.datetime(2025, 1, 1, tz="UTC"),
    catchup=False,
    max_active_runs=1,
    default_args=DEFAULT_ARGS,
    tags=[*TAGS, "nightly"],
    doc_md=__doc__,
)
def warday_nightly() -> None:
    @task
    def list_sources() -> list[dict]:
        from warday import steps

        return steps.source_list()

    # The client already retries 429/5xx with backoff; a source that still fails is red at
    # once, named in the map label and the failure notice.
    @task(
        map_index_template="{{ source_label }}",
        retries=0,
        execution_timeout=timedelta(minutes=20),
    )
    def fetch_source(source: dict) -> dict[str, Any]:
        from warday import steps
        from warday.fetching import SourceFailed

        ctx: Any = get_current_context()
        ctx["source_label"] = source["name"]
        try:
            counts = steps.fetch_source(run_key(), source)
        except SourceFailed as exc:
            ctx["source_label"] = f"{source['name']}: FAILED"
            raise fail_for(exc) from exc
        ctx["source_label"] = counts_label(source["name"], counts, "nothing new")
        return counts

    # Runs even when some sources failed; no retries: a failing batch has recorded its dead
    # letters, and a retry would find nothing pending and pass, hiding the failure. Several
    # workers share it (WARDAY_PROCESS_WORKERS): each claims its own batches, and the run's
    # counts are their sum.
    @task(
        retries=0,
        execution_timeout=timedelta(hours=2),
        trigger_rule="all_done",
        map_index_template="{{ worker_label }}",
    )
    def process(worker: int) -> dict[str, int]:
        from warday import steps

        ctx: Any = get_current_context()
        ctx["worker_label"] = f"worker {worker}"
        counts = steps.process(run_key(), run_date())
        ctx["worker_label"] = counts_label(f"worker {worker}", counts, "nothing pending")
        return counts

    run = run_tasks()
    key = run.begin()
    run.migrate() >> key
    sources = list_sources()
    key >> sources
    fetched = fetch_source.expand(source=sources)
    processed = process.expand(worker=process_workers())
    fetched >> processed
    linked = run.link_stories()
    processed >> run.retag() >> linked
    linked >> [run.quality_gate(), run.publish()] >> run.finish(key)


warday_nightly()
