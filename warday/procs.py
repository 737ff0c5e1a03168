"""Child processes that stop with their parent: own process group, signals forwarded.

`airflow standalone` and `airflow dags test` start processes of their own (scheduler,
api-server, task runners, extraction children). Stopping only the direct child leaves those
running, so a stop signals the child's whole process group and every descendant still
attached to it, then kills whatever outlived the grace period.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time
from collections.abc import Iterator, Sequence
from types import FrameType
from typing import IO, Any

import psutil

from warday import settings

GRACE_S = settings.STOP_GRACE_S
_STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


class Stopped(Exception):
    """A stop signal arrived while a child ran."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


def run(
    cmd: Sequence[str],
    *,
    env: dict[str, str] | None = None,
    stdout: IO[Any] | None = None,
    grace_s: float = GRACE_S,
) -> int:
    """Run cmd in its own process group and return its exit code.

    On SIGINT/SIGTERM the whole group is stopped and Stopped is raised; whatever the way out,
    no process of the group outlives this call."""
    with _stop_signals_raise():
        proc = subprocess.Popen(
            list(cmd),
            env=env,
            stdout=stdout,
            stderr=subprocess.STDOUT if stdout is not None else None,
            start_new_session=True,
        )
        try:
            return proc.wait()
        finally:
            stop_tree(proc.pid, grace_s)
            proc.wait()


def stop_tree(pid: int, grace_s: float = GRACE_S) -> None:
    """SIGTERM the process group led by pid and every descendant, SIGKILL those left."""
    members = _members(pid)
    _signal_all(pid, members, signal.SIGTERM)
    deadline = time.monotonic() + grace_s
    while time.monotonic() < deadline and _alive(pid, members):
        time.sleep(0.1)
    members += [p for p in _members(pid) if p not in members]
    _signal_all(pid, members, signal.SIGKILL)
    psutil.wait_procs(members, timeout=grace_s)


def _members(pid: int) -> list[psutil.Process]:
    """The process and its descendants, including those that left the group."""
    try:
        root = psutil.Process(pid)
        return [root, *root.children(recursive=True)]
    except psutil.NoSuchProcess:
        return []


def _signal_all(pgid: int, members: list[psutil.Process], sig: signal.Signals) -> None:
    """Signal the group (reaches members whose parent already exited) and each member."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, sig)
    for proc in members:
        with contextlib.suppress(psutil.NoSuchProcess, psutil.AccessDenied):
            proc.send_signal(sig)


def _alive(pgid: int, members: list[psutil.Process]) -> bool:
    """Whether any member or any process of the group still runs (zombies count as gone)."""
    for proc in members:
        with contextlib.suppress(psutil.NoSuchProcess):
            if proc.status() != psutil.STATUS_ZOMBIE:
                return True
    try:
        os.killpg(pgid, 0)
    except (ProcessLookupError, PermissionError):
        return False
    return _group_has_live(pgid)


def _group_has_live(pgid: int) -> bool:
    """A non-zombie process whose group is pgid."""
    for proc in psutil.process_iter(["status"]):
        with contextlib.suppress(psutil.NoSuchProcess, psutil.AccessDenied, ProcessLookupError):
            if os.getpgid(proc.pid) == pgid and proc.info["status"] != psutil.STATUS_ZOMBIE:
                return True
    return False


@contextlib.contextmanager
def _stop_signals_raise() -> Iterator[None]:
    """Turn SIGINT/SIGTERM into Stopped for the duration (main thread only)."""

    stopping: list[int] = []

    def handler(signum: int, frame: FrameType | None) -> None:
        # Only the first signal interrupts; a second one must not cut the clean-up short.
        if not stopping:
            stopping.append(signum)
            raise Stopped(signum)

    previous = {sig: signal.signal(sig, handler) for sig in _STOP_SIGNALS}
    try:
        yield
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)
