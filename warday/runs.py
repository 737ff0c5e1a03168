"""Run leases: a run that dies (kill -9, a lost server) is closed by the next start.

A run records its host and, when the whole run lives in one process (the CLI), that
process's id, and refreshes a heartbeat while it works. When a run begins, every other open
run whose owner process is gone (same host), or whose heartbeat is older than the lease, is
marked ``aborted`` with the reason. ``WARDAY_HEARTBEAT_S`` (default 30) and
``WARDAY_RUN_LEASE_S`` (default 900) tune it.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import psycopg

from warday import settings
from warday.ingest.errors import env_int
from warday.store import repo
from warday.store.db import Conn, DatabaseUnreachable, connect

log = logging.getLogger(__name__)
_active: set[str] = set()  # runs this process already heartbeats


def host() -> str:
    """This machine's name, as runs record it."""
    return socket.gethostname()


def lease_s() -> int:
    """Seconds without a heartbeat after which an open run is taken for dead."""
    return env_int(settings.ENV_RUN_LEASE_S, settings.RUN_LEASE_S)


def heartbeat_s() -> int:
    """Seconds between heartbeats."""
    return env_int(settings.ENV_HEARTBEAT_S, settings.RUN_HEARTBEAT_S)


def pid_alive(pid: int) -> bool:
    """True when a process with this id exists on this host."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def stale_reason(run: dict[str, Any], lease: float, here: str) -> str | None:
    """Why an open run can no longer finish, or None while it may still be alive."""
    pid = run["owner_pid"]
    if pid is not None and run["owner_host"] == here and not pid_alive(pid):
        return f"process {pid} on {here} ended without closing the run"
    if run["silent_s"] > lease:
        return f"no heartbeat for {int(run['silent_s'])} s (lease {int(lease)} s)"
    return None


def close_stale(conn: Conn, run_key: str) -> list[str]:
    """Abort every other open run that can no longer finish; returns their keys."""
    lease, here, closed = lease_s(), host(), []
    for run in repo.running_runs(conn, other_than=run_key):
        reason = stale_reason(run, lease, here)
        if reason:
            repo.abort_run(conn, run["run_key"], reason)
            log.warning("run %s aborted: %s", run["run_key"], reason)
            closed.append(run["run_key"])
    return closed


@contextmanager
def heartbeat(run_key: str) -> Iterator[None]:
    """Keep the run's heartbeat fresh from a background thread while the block runs."""
    if run_key in _active:
        yield
        return
    _active.add(run_key)
    stop = threading.Event()
    thread = threading.Thread(target=_beat, args=(run_key, stop), daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(5)
        _active.discard(run_key)


def _beat(run_key: str, stop: threading.Event) -> None:
    """Refresh the heartbeat every heartbeat_s() until stopped; failures only logged."""
    every = heartbeat_s()
    while not stop.wait(every):
        try:
            with connect(autocommit=True) as conn:
                repo.heartbeat_run(conn, run_key)
        except (psycopg.Error, DatabaseUnreachable) as exc:
            log.warning("heartbeat of run %s failed: %s", run_key, type(exc).__name__)
