"""Issue 14.10: runs killed or faulted are closed on the next start, as `aborted` with the
reason, and shown so by `warday status`."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

from tests.conftest import REPO, SEEDS
from warday import steps
from warday.cli import main
from warday.store.db import connect

HOLD_A_RUN = """
import sys, time
from warday import steps
with steps.local_run("cli-test", None) as (run_key, _):
    print(run_key, flush=True)
    time.sleep(120)
"""


def _run(run_key: str) -> dict:
    with connect() as conn:
        row = conn.execute(
            "SELECT status, counts, heartbeat_at, finished_at FROM pipeline_runs"
            " WHERE run_key = %s",
            (run_key,),
        ).fetchone()
    assert row is not None
    return row


def test_killed_run_is_aborted_by_the_next_start(
    db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    child = subprocess.Popen(
        [sys.executable, "-c", HOLD_A_RUN], stdout=subprocess.PIPE, text=True, cwd=REPO
    )
    try:
        assert child.stdout is not None
        run_key = child.stdout.readline().strip()
        assert _run(run_key)["status"] == "running"
    finally:
        os.kill(child.pid, signal.SIGKILL)
        child.wait()
    assert main(["ingest", str(SEEDS)]) == 0  # the next start
    row = _run(run_key)
    assert row["status"] == "aborted" and row["finished_at"] is not None
    assert f"process {child.pid}" in row["counts"]["aborted"]["reason"]
    capsys.readouterr()
    assert main(["status"]) == 0
    out = capsys.readouterr().out
    assert "aborted" in out and "ended without closing the run" in out


def test_run_silent_past_its_lease_is_aborted(db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    steps.begin("airflow-run", "airflow", None)  # no owner process: only the lease counts
    with connect() as conn:
        conn.execute(
            "UPDATE pipeline_runs SET heartbeat_at = now() - interval '2 hours'"
            " WHERE run_key = 'airflow-run'"
        )
    steps.begin("next-run", "airflow", None)
    row = _run("airflow-run")
    assert row["status"] == "aborted"
    assert "no heartbeat for" in row["counts"]["aborted"]["reason"]


def test_live_runs_are_left_alone(db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    steps.begin("mine", "cli-test", None, os.getpid())  # alive, fresh heartbeat
    steps.begin("theirs", "airflow", None)
    steps.begin("next-run", "cli-test", None, os.getpid())
    assert _run("mine")["status"] == "running"
    assert _run("theirs")["status"] == "running"


def test_heartbeat_keeps_a_long_run_fresh(db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WARDAY_HEARTBEAT_S", "1")
    with steps.local_run("cli-test", None) as (run_key, _):
        first = _run(run_key)["heartbeat_at"]
        time.sleep(2.5)
        assert _run(run_key)["heartbeat_at"] > first
    assert _run(run_key)["status"] == "success"
