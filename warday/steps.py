"""The nightly run's steps, each opening its own connection: called by DAG tasks and the CLI."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

from store import repo
from store.db import connect
from store.migrate import migrate
from warday import pipeline


def apply_migrations() -> list[str]:
    """Bring the schema up to date."""
    with connect() as conn:
        return migrate(conn)


def begin(run_key: str, trigger: str, logical: datetime | None) -> None:
    """Open the run's bookkeeping row."""
    with connect() as conn:
        repo.start_run(conn, run_key, trigger, logical)


def land(
    run_key: str, paths: list[Path], overrides: dict[str, Any] | None = None
) -> dict[str, int]:
    """Land local files and record the counts on the run."""
    with connect() as conn:
        counts = pipeline.land_paths(conn, paths, overrides)
        repo.add_run_counts(conn, run_key, {"land": counts})
    return counts


def process(run_key: str, logical_date: date | None) -> dict[str, int]:
    """Process pending raw documents and record the counts on the run."""
    with connect() as conn:
        # A failing batch raises after its own transaction committed the dead letters.
        counts = pipeline.process_pending(conn, logical_date)
        repo.add_run_counts(conn, run_key, {"process": counts})
    return counts


def link(run_key: str) -> dict[str, int]:
    """Link entries into stories and record the counts on the run."""
    with connect() as conn:
        counts = pipeline.link_stories(conn)
        repo.add_run_counts(conn, run_key, {"link": counts})
    return counts


def finish(run_key: str, status: str = "success") -> None:
    """Close the run's bookkeeping row."""
    with connect() as conn:
        repo.finish_run(conn, run_key, status)
