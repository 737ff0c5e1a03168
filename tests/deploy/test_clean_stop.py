"""SIGINT/SIGTERM stop every process that `scripts/run.sh` (warday nightly) and
`warday airflow-ui` (airflow standalone) started."""

from __future__ import annotations

import contextlib
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import psutil
import pytest

from tests.deploy.airflow_cluster import free_port
from tests.deploy.conftest import REPO
from warday.procs import stop_tree

pytestmark = pytest.mark.integration


def _descendants(pid: int) -> list[psutil.Process]:
    try:
        return psutil.Process(pid).children(recursive=True)
    except psutil.NoSuchProcess:
        return []


def _cmdlines(procs: list[psutil.Process]) -> str:
    lines = []
    for proc in procs:
        with contextlib.suppress(psutil.Error):
            lines.append(" ".join(proc.cmdline()))
    return "\n".join(lines)


def _wait_until(pid: int, ready: Callable[[str], bool], timeout: float) -> list[psutil.Process]:
    """Until the process tree's command lines satisfy ready; the tree then."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        tree = _descendants(pid)
        if ready(_cmdlines(tree)):
            return tree
        time.sleep(0.5)
    raise AssertionError(f"not ready after {timeout:g} s:\n{_cmdlines(_descendants(pid))}")


def _still_running(tree: list[psutil.Process], timeout: float = 30) -> list[str]:
    deadline = time.monotonic() + timeout
    alive = tree
    while alive and time.monotonic() < deadline:
        alive = [p for p in alive if p.is_running() and p.status() != psutil.STATUS_ZOMBIE]
        time.sleep(0.2)
    return [_cmdlines([p]) for p in alive]


def _env(tmp_path: Path, db_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AIRFLOW")}
    registry = tmp_path / "sources.yaml"
    registry.write_text(f"sources:\n  - {{name: seeds, kind: directory, path: {REPO / 'seeds'}}}\n")
    return {
        **env,
        "DATABASE_URL": db_url,
        "WARDAY_STATE_DIR": str(tmp_path / "state"),
        "WARDAY_SOURCES": str(registry),
    }


def _stop(proc: subprocess.Popen[bytes], ready: Callable[[str], bool], sig: signal.Signals) -> None:
    """Once ready, signal proc; it must exit 128+sig with no descendant left. Whatever
    happens, nothing it started outlives the test."""
    try:
        tree = _wait_until(proc.pid, ready, timeout=300)
        time.sleep(3)  # let the components start their own children (api workers, log servers)
        tree += [p for p in _descendants(proc.pid) if p not in tree]
        proc.send_signal(sig)
        assert proc.wait(timeout=60) == 128 + sig
        assert _still_running(tree) == []
    finally:
        stop_tree(proc.pid, grace_s=5)
        proc.wait()


COMPONENTS = [
    re.compile(rf"airflow[ _-]{c}")
    for c in ("scheduler", "api.server", "dag.processor", "triggerer")
]


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_run_sh_stops_airflow_dags_test_and_its_children(
    db_url: str, tmp_path: Path, sig: signal.Signals
) -> None:
    proc = subprocess.Popen(
        ["sh", str(REPO / "scripts" / "run.sh")],
        env=_env(tmp_path, db_url),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    _stop(proc, lambda cmds: "dags test warday_nightly" in cmds, sig)


def test_airflow_ui_stops_every_component_of_standalone(db_url: str, tmp_path: Path) -> None:
    port = free_port()
    env = {**_env(tmp_path, db_url), "AIRFLOW__LOGGING__WORKER_LOG_SERVER_PORT": str(free_port())}
    proc = subprocess.Popen(
        [str(Path(sys.executable).with_name("warday")), "airflow-ui", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    _stop(proc, lambda cmds: all(c.search(cmds) for c in COMPONENTS), signal.SIGINT)
