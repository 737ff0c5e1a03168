"""What the warday DAGs share (imported only by dags/): default arguments, the failure notice,
open, judge, publish and close a run. Structure only: every task imports its work from
`warday.steps` when it runs, so parsing stays cheap."""

from __future__ import annotations

from datetime import timedelta
from typing import Any, NamedTuple

from airflow.sdk import Asset, get_current_context, setup, task, teardown
from airflow.sdk.exceptions import AirflowFailException, AirflowSkipException

WAR_ENTRIES = Asset("warday_war_entries")
OWNER = "warday"
TAGS = ["warday"]


def _on_failure(context: Any) -> None:
    """Log (and, when configured, post or mail) which task, which source, and why."""
    from warday.alerts import on_failure

    on_failure(context)


def use_warday_db(context: Any) -> None:
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


DEFAULT_ARGS: dict[str, Any] = {
    "owner": OWNER,
    "retries": 2,
    "retry_delay": timedelta(minutes=5),
    "execution_timeout": timedelta(minutes=30),
    "on_failure_callback": _on_failure,
    "pre_execute": use_warday_db,
}


def process_workers() -> list[int]:
    """The process step's mapped workers, numbered (WARDAY_PROCESS_WORKERS, default
    settings.PROCESS_WORKERS): read when the DAG file is parsed, so a bad value is an import
    error on the DAG, named, not a failed run."""
    import os

    from warday.settings import ENV_PROCESS_WORKERS, PROCESS_WORKERS, worker_count

    raw = os.environ.get(ENV_PROCESS_WORKERS, "").strip() or str(PROCESS_WORKERS)
    try:
        return list(range(1, worker_count(raw) + 1))
    except ValueError as exc:
        raise ValueError(f"{ENV_PROCESS_WORKERS}={raw!r}: {exc}") from None


def run_key() -> str:
    """The pipeline_runs key of this DAG run. Tasks derive it from their context: only the
    teardown takes it from the setup (tasks right after a setup must need all success)."""
    return f"airflow:{get_current_context()['run_id']}"


def run_date() -> Any:
    """The run's own date, never now(): manual runs have no data interval, but run_after."""
    ctx = get_current_context()
    when = ctx.get("data_interval_end") or ctx.get("logical_date") or ctx["dag_run"].run_after
    return when.date()


class RunTasks(NamedTuple):
    """The tasks every warday DAG shares, made fresh for one DAG."""

    migrate: Any
    begin: Any
    finish: Any
    quality_gate: Any
    publish: Any
    retag: Any
    link_stories: Any


def run_tasks() -> RunTasks:
    """Fresh task decorators for one DAG (a decorated task object belongs to one DAG)."""

    @task(execution_timeout=timedelta(minutes=10))
    def migrate() -> list[str]:
        """Bring the schema up to date."""
        from warday import steps

        return steps.apply_migrations()

    @setup
    @task(execution_timeout=timedelta(minutes=5))
    def begin() -> str:
        """Open the run's row; its teardown `finish` always closes it."""
        from warday import steps

        ctx = get_current_context()
        steps.begin(run_key(), "airflow", ctx.get("logical_date"))
        return run_key()

    @teardown
    @task(execution_timeout=timedelta(minutes=5), retries=3)
    def finish(key: str) -> dict[str, Any]:
        """Close the run's row, failed or not, and log its counts."""
        import logging

        from warday import steps

        closed = steps.finish(key)
        logging.getLogger("warday").info("run %s closed %s: %s", key, closed["status"], closed)
        return closed

    @task(retries=0, execution_timeout=timedelta(minutes=10), trigger_rule="all_done")
    def quality_gate() -> dict[str, Any]:
        """Judge the run and its sources by policy; a `fail` check fails this task."""
        from warday import gates, steps

        try:
            verdicts = steps.gate(run_key())
        except gates.GateFailed as exc:
            raise AirflowFailException(f"quality gate failed: {exc}") from exc
        return gates.as_counts(verdicts)

    @task(outlets=[WAR_ENTRIES], execution_timeout=timedelta(minutes=5), trigger_rule="all_done")
    def publish() -> dict[str, Any]:
        """Emit the asset event with what changed; skipped (no event) when nothing did."""
        from warday import steps

        changes = steps.run_changes(run_key())
        if not changes:
            raise AirflowSkipException("nothing changed: no asset event")
        get_current_context()["outlet_events"][WAR_ENTRIES].extra = changes
        return changes

    @task(execution_timeout=timedelta(hours=2))
    def retag() -> dict[str, int]:
        """Entries tagged by an older tagger are re-tagged from their stored text."""
        from warday import steps

        return steps.retag(run_key())

    @task(execution_timeout=timedelta(hours=1))
    def link_stories() -> dict[str, int]:
        """Every new entry joins or starts a story."""
        from warday import steps

        return steps.link(run_key())

    return RunTasks(migrate, begin, finish, quality_gate, publish, retag, link_stories)


def counts_label(name: str, counts: dict[str, Any], empty: str) -> str:
    """A mapped task's label in the UI: its name and its counts as k=v pairs (`empty` when
    it counted nothing)."""
    pairs = " ".join(f"{k}={v}" for k, v in sorted(counts.items()))
    return f"{name}: {pairs or empty}"


def fail_for(exc: Exception) -> AirflowFailException:
    """A failure that retrying will not fix (the step already retried what it could)."""
    return AirflowFailException(str(exc))
