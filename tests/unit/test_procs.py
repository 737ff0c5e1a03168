"""A stop signal ends the whole process tree a warday command started, stubborn ones too."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

# A child that starts three grandchildren: a plain one, one that ignores SIGTERM and one
# that left the process group (setsid), then waits.
TREE = """
sleep 300 & echo $! >> "$PIDS"
sh -c 'trap "" TERM; sleep 300' & echo $! >> "$PIDS"
setsid sleep 300 & echo $! >> "$PIDS"
echo ready >> "$PIDS"
wait
"""
RUNNER = """
import sys
from warday import procs
try:
    sys.exit(procs.run(["sh", "-c", sys.argv[1]], grace_s=1.0))
except procs.Stopped as stop:
    sys.exit(128 + stop.signum)
"""


def _wait_for(path: Path, text: str, timeout: float = 20.0) -> list[int]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if path.exists() and text in path.read_text():
            return [int(x) for x in path.read_text().split() if x.isdigit()]
        time.sleep(0.05)
    raise AssertionError(f"{path} never said {text!r}")


def _gone(pids: list[int], timeout: float = 10.0) -> list[int]:
    """The pids still alive (not zombies) after timeout."""
    deadline = time.monotonic() + timeout
    alive = pids
    while alive and time.monotonic() < deadline:
        alive = [p for p in alive if _running(p)]
        time.sleep(0.1)
    return alive


def _running(pid: int) -> bool:
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_stop_signal_ends_every_descendant(tmp_path: Path, sig: signal.Signals) -> None:
    pids_file = tmp_path / "pids"
    runner = subprocess.Popen(
        [sys.executable, "-c", RUNNER, TREE], env={"PIDS": str(pids_file), "PATH": "/usr/bin:/bin"}
    )
    try:
        grandchildren = _wait_for(pids_file, "ready")
        assert len(grandchildren) == 3 and all(_running(p) for p in grandchildren)
        shell = psutil.Process(runner.pid).children()[0].pid
        runner.send_signal(sig)
        assert runner.wait(timeout=20) == 128 + sig
        assert _gone([shell, *grandchildren]) == []
    finally:
        runner.kill()
        for pid in _wait_for(pids_file, "ready", 0.1) if pids_file.exists() else []:
            if _running(pid):
                psutil.Process(pid).kill()


def test_normal_exit_leaves_no_background_process(tmp_path: Path) -> None:
    from warday import procs

    pids_file = tmp_path / "pids"
    script = f"sleep 300 & echo $! > {pids_file}; echo ready >> {pids_file}; exit 7"
    assert procs.run(["sh", "-c", script], grace_s=1.0) == 7
    assert _gone(_wait_for(pids_file, "ready")) == []
