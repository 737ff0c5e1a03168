"""The nightly run's steps, each opening its own connection: called by DAG tasks and the CLI."""

from __future__ import annotations

import logging
import multiprocessing
import os
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import psycopg

from warday import gates, pipeline, runs, settings
from warday.fetching import SourceFailed, problems_since, run_source
from warday.ingest.sources import DEFAULT_REGISTRY, Source, enabled, load_registry
from warday.store import repo
from warday.store.db import Conn, DatabaseUnreachable, connect, database_url
from warday.store.migrate import migrate

log = logging.getLogger(__name__)


def registry_path() -> Path:
    """The sources registry in use: WARDAY_SOURCES, else the shipped default."""
    return Path(os.environ.get(settings.ENV_SOURCES, DEFAULT_REGISTRY))


def source_list(path: Path | None = None, *, live: bool = True) -> list[dict[str, Any]]:
    """Enabled sources as plain dicts (fit for XCom); network kinds only when live."""
    sources = enabled(load_registry(path or registry_path()))
    return [asdict(s) for s in sources if live or s.kind == "directory"]


def fetch_source(run_key: str, source: dict[str, Any]) -> dict[str, Any]:
    """Land what is new at one source and record the counts on the run.

    Raises SourceFailed (after everything else of the source is landed and recorded) when
    the source's own URL failed, its feed does not parse, or one of its pages failed.
    """
    name = source["name"]
    counts: dict[str, Any] = _stage(run_key, f"source:{name}", lambda c: _fetch_checked(c, source))
    if counts.get("failed"):
        raise SourceFailed(name, counts["failed"])
    return counts


def _fetch_checked(conn: Conn, source: dict[str, Any]) -> dict[str, Any]:
    """One source's counts, with its problems of this run under "failed"."""
    with conn.transaction():
        since = repo.fetch_all(conn, "db_now")[0]["now"]
    counts: dict[str, Any] = dict(run_source(conn, Source(**source)))
    problems = problems_since(conn, source["name"], since)
    if problems:
        counts["failed"] = problems
    return counts


def apply_migrations() -> list[str]:
    """Bring the schema up to date."""
    with connect() as conn:
        return migrate(conn)


@contextmanager
def local_run(trigger: str, logical: date | None) -> Iterator[tuple[str, date]]:
    """A run outside Airflow: migrate, open its row, and close it as success or failed."""
    apply_migrations()
    run_key = f"{trigger}:{uuid.uuid4()}"
    logical = logical or datetime.now(UTC).date()
    begin(run_key, trigger, datetime.combine(logical, datetime.min.time(), UTC), os.getpid())
    try:
        with runs.heartbeat(run_key):
            yield run_key, logical
    except BaseException:
        _quietly(finish, run_key, "failed")  # the original error is what the operator needs
        raise
    finish(run_key)  # success, unless a source or the gate recorded a failure


def begin(run_key: str, trigger: str, logical: datetime | None, pid: int | None = None) -> None:
    """Open the run's bookkeeping row (pid: the process the whole run lives in, if one),
    and close runs that died without closing theirs."""
    with connect() as conn:
        repo.start_run(conn, run_key, trigger, logical)
        repo.own_run(conn, run_key, runs.host(), pid)
        runs.close_stale(conn, run_key)


def land(
    run_key: str, paths: list[Path], overrides: dict[str, Any] | None = None
) -> dict[str, int]:
    """Land local files and record the counts on the run."""
    return _stage(run_key, "land", lambda c: pipeline.land_paths(c, paths, overrides))


def process(run_key: str, logical_date: date | None) -> dict[str, int]:
    """Process pending raw documents and record the counts on the run.

    A failing batch raises after its own transaction committed the dead letters.
    """
    return _stage(
        run_key, "process", lambda c: pipeline.process_pending(c, logical_date), shared=True
    )


def process_with_workers(run_key: str, logical_date: date | None, workers: int) -> dict[str, int]:
    """The process step run by `workers` processes at once, as the nightly DAG's mapped
    workers do: each claims its own batches and adds its counts to the run's; their sum is
    returned. A worker's failure (a failing batch) is raised once every worker is done, and
    so is a failing share of the whole step's documents."""
    if workers <= 1:
        return process(run_key, logical_date)
    database_url()  # started (if embedded) and in the environment the workers inherit
    # a fresh interpreter per worker: the parent runs threads (the run's heartbeat), which a
    # fork would copy mid-flight
    context = multiprocessing.get_context("spawn")
    with context.Pool(workers) as pool:
        jobs = [pool.apply_async(process, (run_key, logical_date)) for _ in range(workers)]
        counts: Counter[str] = Counter()
        failures: list[BaseException] = []
        for job in jobs:
            try:
                counts.update(job.get())
            except Exception as exc:  # every worker is waited for, then the first failure
                failures.append(exc)
    if failures:
        raise failures[0]
    try:
        pipeline.check_failures(counts)  # failures spread over workers count together
    except pipeline.BatchFailed as exc:
        _quietly(_record_failed, run_key, "process", exc, True)
        raise
    return dict(counts)


def retag(run_key: str, everything: bool = False) -> dict[str, int]:
    """Re-tag entries whose tags an older tagger made; record the counts on the run."""
    return _stage(run_key, "retag", lambda c: pipeline.retag(c, everything), autocommit=True)


def requeue() -> int:
    """Mark every current raw document for processing again (extract, segment, tag)."""
    with connect() as conn:
        return repo.requeue_processed(conn)


def link(run_key: str) -> dict[str, int]:
    """Link entries into stories and record the counts on the run."""
    return _stage(run_key, "link", pipeline.link_stories)


def finish(run_key: str, status: str | None = None) -> dict[str, Any]:
    """Close the run's bookkeeping row: with the status given, else failed when a stage
    recorded an error or a failed source or the gate failed, and success otherwise."""
    with connect() as conn:
        if status is not None:
            repo.finish_run(conn, run_key, status)
        rows = repo.fetch_all(conn, "close_run", run_key=run_key)
    return rows[0] if rows else {"status": "missing", "counts": {}}


def gate(run_key: str) -> list[gates.Verdict]:
    """Judge the run and its sources by the registry's gate policy; record the verdicts.

    Raises GateFailed when a check whose policy is `fail` did not hold.
    """
    policy = gates.load_policy(registry_path())
    with connect() as conn:
        verdicts = gates.evaluate_run(conn, run_key, policy)
        repo.add_run_counts(conn, run_key, {"gate": gates.as_counts(verdicts)})
    failing = [v for v in verdicts if v.level == "fail"]
    if failing:
        raise gates.GateFailed("; ".join(f"{v.subject}: {v.check}: {v.detail}" for v in failing))
    return verdicts


def run_changes(run_key: str) -> dict[str, Any]:
    """What a run changed (entries written, retracted, re-tagged; the change-feed seq range
    and war dates it touched): an empty dict when it changed nothing."""
    with connect() as conn:
        rows = repo.fetch_all(conn, "run_changes", run_key=run_key)
    if not rows or not rows[0]["changes"]:
        return {}
    row, counts = rows[0], rows[0]["counts"]
    keys = ("entries_written", "entries_retracted", "entries_retagged", "stories_created")
    figures = {
        k: sum(int(c.get(k, 0)) for c in counts.values() if isinstance(c, dict)) for k in keys
    }
    return {
        "run_key": run_key,
        **figures,
        "changes": row["changes"],
        "seq": [row["first_seq"], row["last_seq"]],
        "war_dates": [str(row["first_war_date"]), str(row["last_war_date"])],
    }


def reprocess(
    run_key: str, stage: str, low: date | None = None, high: date | None = None
) -> dict[str, Any]:
    """Rebuild from stored bytes without fetching: `tag` re-tags the entries whose war date
    lies in the range; `all` extracts, segments and tags again the documents in it, each
    fetch day with its own fallback date."""
    if stage == "tag":
        return _stage(
            run_key,
            "retag",
            lambda c: pipeline.retag(c, everything=True, low=low, high=high),
            autocommit=True,
        )
    if stage != "all":
        raise ValueError(f"unknown stage {stage!r} (tag or all)")
    return _requeue_by_day(run_key, "war_date", low, high)


def backfill(run_key: str, low: date, high: date) -> dict[str, Any]:
    """Process again the raw bytes fetched in [low, high], one fetch day at a time, each
    dated by its own day when nothing better dates it."""
    return _requeue_by_day(run_key, "fetched", low, high)


def _requeue_by_day(run_key: str, by: str, low: date | None, high: date | None) -> dict[str, Any]:
    """Requeue the selected raw documents day by day and process each day."""
    with connect() as conn:
        days = repo.fetch_all(conn, "raw_days", by=by, low=low or date.min, high=high or date.max)
    total: Counter[str] = Counter(days=len(days))
    for row in days:
        with connect() as conn:
            repo.requeue_raw(conn, row["raw_ids"])
        total.update(process(run_key, row["day"]))
    return dict(total)


def _stage(
    run_key: str,
    stage: str,
    work: Callable[[Conn], dict[str, Any]],
    *,
    autocommit: bool = False,
    shared: bool = False,
) -> dict[str, Any]:
    """Run one step on its own connection and record its counts on the run; a step that
    raises marks the run failed (with the error) before the exception goes on. The counts of
    a `shared` step (run by several workers at once) add up to those already recorded."""
    try:
        with runs.heartbeat(run_key), connect(autocommit=autocommit) as conn:
            counts = work(conn)
    except Exception as exc:
        _quietly(_record_failed, run_key, stage, exc, shared)
        raise
    with connect() as conn:
        _record_counts(conn, run_key, stage, counts, shared)
    return counts


def _record_counts(
    conn: Conn, run_key: str, stage: str, counts: dict[str, Any], shared: bool
) -> None:
    """A stage's counts on the run: added to those of the other workers of a shared stage,
    else in place of any recorded before."""
    if shared:
        repo.sum_run_counts(conn, run_key, stage, counts)
    else:
        repo.add_run_counts(conn, run_key, {stage: counts})


def _record_failed(run_key: str, stage: str, exc: Exception, shared: bool = False) -> None:
    """Mark the run failed with the stage's error (beside the counts other workers of a
    shared stage recorded)."""
    with connect() as conn:
        error = f"{type(exc).__name__}: {exc}"[:500]
        _record_counts(conn, run_key, stage, {"error": error}, shared)
        repo.finish_run(conn, run_key, "failed")


def _quietly(work: Callable[..., Any], *args: Any) -> None:
    """Bookkeeping after a failure: when the database is what failed, it fails too; log it
    (the run is closed as aborted by the next start) and let the first error speak."""
    try:
        work(*args)
    except (psycopg.Error, DatabaseUnreachable) as exc:
        log.warning("could not record the failure of run: %s", type(exc).__name__)
