"""Nightly refresh: fetch every enabled source (one mapped task each), process what is new
into day-numbered war entries, link stories across outlets."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pendulum
from airflow.sdk import Asset, dag, get_current_context, task

WAR_ENTRIES = Asset("warday_war_entries")


def _use_warday_db(context: Any) -> None:
    """Before each task: the database is the `warday_db` Airflow connection when one is
    defined (AIRFLOW_CONN_WARDAY_DB, the metadata DB or a secrets backend), else DATABASE_URL."""
    from airflow.sdk import Connection
    from airflow.sdk.exceptions import AirflowNotFoundException

    from warday.settings import AIRFLOW_CONN_ID
    from warday.store import db

    try:
        conn = Connection.get(AIRFLOW_CONN_ID)
    except AirflowNotFoundException:
        return
    db.use_url(
        db.conninfo_from_parts(
            conn.host, conn.port, conn.login, conn.password, conn.schema, conn.extra_dejson
        )
    )


def _run_key() -> str:
    """The pipeline_runs key of this DAG run."""
    return f"airflow:{get_current_context()['run_id']}"


@dag(
    dag_id="warday_nightly",
    schedule="30 2 * * *",
    start_date=pendulum.datetime(2025, 1, 1, tz="UTC"),
    catchup=False,
    max_active_runs=1,
    default_args={
        "retries": 2,
        "retry_delay": timedelta(minutes=5),
        "pre_execute": _use_warday_db,
    },
    tags=["warday"],
    doc_md=__doc__,
)
def warday_nightly() -> None:
    @task
    def migrate() -> list[str]:
        from warday import steps

        return steps.apply_migrations()

    @task
    def begin() -> str:
        from warday import steps

        ctx = get_current_context()
        steps.begin(_run_key(), "airflow", ctx.get("logical_date"))
        return _run_key()

    @task
    def list_sources() -> list[dict]:
        from warday import steps

        return steps.source_list()

    @task(map_index_template="{{ source_name }}")
    def fetch_source(run_key: str, source: dict) -> dict[str, int]:
        from warday import steps

        get_current_context()["source_name"] = source["name"]  # type: ignore[typeddict-unknown-key]
        return steps.fetch_source(run_key, source)

    # No retries: a failing batch has recorded its dead letters, and a retry would find
    # nothing pending and pass, hiding the failure.
    @task(outlets=[WAR_ENTRIES], retries=0)
    def process(run_key: str) -> dict[str, int]:
        from warday import steps

        ctx = get_current_context()
        # The run's own date, never now(): manual runs have no data interval, but run_after.
        when = ctx.get("data_interval_end") or ctx.get("logical_date") or ctx["dag_run"].run_after
        return steps.process(run_key, when.date())

    @task
    def retag(run_key: str) -> dict[str, int]:
        """Entries tagged by an older tagger are re-tagged from their stored text."""
        from warday import steps

        return steps.retag(run_key)

    @task
    def link_stories(run_key: str) -> dict[str, int]:
        from warday import steps

        return steps.link(run_key)

    @task
    def finish(run_key: str) -> None:
        from warday import steps

        steps.finish(run_key)

    run_key = begin()
    migrate() >> run_key
    fetched = fetch_source.partial(run_key=run_key).expand(source=list_sources())
    processed = process(run_key)
    fetched >> processed
    linked = link_stories(run_key)
    processed >> retag(run_key) >> linked >> finish(run_key)


warday_nightly()
