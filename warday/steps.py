"""The nightly run's steps, each opening its own connection: called by DAG tasks and the CLI."""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from warday import pipeline
from warday.fetching import run_source
from warday.ingest.sources import DEFAULT_REGISTRY, Source, enabled, load_registry
from warday.store import repo
from warday.store.db import Conn, connect
from warday.store.migrate import migrate


def registry_path() -> Path:
    """The sources registry in use: WARDAY_SOURCES, else the shipped default."""
    return Path(os.environ.get("WARDAY_SOURCES", DEFAULT_REGISTRY))


def source_list(path: Path | None = None, *, live: bool = True) -> list[dict[str, Any]]:
    """Enabled sources as plain dicts (fit for XCom); network kinds only when live."""
    sources = enabled(load_registry(path or registry_path()))
    return [asdict(s) for s in sources if live or s.kind == "directory"]


def fetch_source(run_key: str, source: dict[str, Any]) -> dict[str, int]:
    """Land what is new at one source and record the counts on the run."""
    return _stage(run_key, f"source:{source['name']}", lambda c: run_source(c, Source(**source)))


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
    begin(run_key, trigger, datetime.combine(logical, datetime.min.time(), UTC))
    status = "failed"
    try:
        yield run_key, logical
        status = "success"
    finally:
        finish(run_key, status)


def begin(run_key: str, trigger: str, logical: datetime | None) -> None:
    """Open the run's bookkeeping row."""
    with connect() as conn:
        repo.start_run(conn, run_key, trigger, logical)


def land(
    run_key: str, paths: list[Path], overrides: dict[str, Any] | None = None
) -> dict[str, int]:
    """Land local files and record the counts on the run."""
    return _stage(run_key, "land", lambda c: pipeline.land_paths(c, paths, overrides))


def process(run_key: str, logical_date: date | None) -> dict[str, int]:
    """Process pending raw documents and record the counts on the run.

    A failing batch raises after its own transaction committed the dead letters.
    """
    return _stage(run_key, "process", lambda c: pipeline.process_pending(c, logical_date))


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


def finish(run_key: str, status: str = "success") -> None:
    """Close the run's bookkeeping row."""
    with connect() as conn:
        repo.finish_run(conn, run_key, status)


def _stage(
    run_key: str, stage: str, work: Callable[[Conn], dict[str, Any]], *, autocommit: bool = False
) -> dict[str, Any]:
    """Run one step on its own connection and record its counts on the run; a step that
    raises marks the run failed (with the error) before the exception goes on."""
    try:
        with connect(autocommit=autocommit) as conn:
            counts = work(conn)
    except Exception as exc:
        with connect() as conn:
            error = f"{type(exc).__name__}: {exc}"[:500]
            repo.add_run_counts(conn, run_key, {stage: {"error": error}})
            repo.finish_run(conn, run_key, "failed")
        raise
    with connect() as conn:
        repo.add_run_counts(conn, run_key, {stage: counts})
    return counts
