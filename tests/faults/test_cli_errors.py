"""Issue 14.5 and 14.6: timeouts on every connection; one line and a distinct exit code per
failure class, tracebacks only with --debug; registry errors never echo expanded values."""

from __future__ import annotations

import os
import resource
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from tests.conftest import REPO
from tests.faults.helpers import within
from tests.faults.registries import BAD_REGISTRIES, ODD_REGISTRIES, SECRET
from warday import steps
from warday.cli import main

WARDAY = [sys.executable, "-m", "warday.cli"]


def _one_line_error(capsys: pytest.CaptureFixture[str]) -> str:
    err = capsys.readouterr().err.strip()
    assert "Traceback" not in err
    assert len(err.splitlines()) == 1, err
    assert err.startswith("warday: ")
    return err


@pytest.mark.parametrize("name", sorted(BAD_REGISTRIES))
def test_bad_registry_is_one_line_and_exit_2(
    name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    registry = tmp_path / "sources.yaml"
    registry.write_bytes(BAD_REGISTRIES[name])
    assert within(20, lambda: main(["run", "--sources", str(registry)])) == 2
    err = _one_line_error(capsys)
    assert "bad configuration" in err and "sources.yaml" in err
    assert SECRET not in err and "lol" not in err and len(err) < 400


@pytest.mark.parametrize("name", sorted(ODD_REGISTRIES))
def test_registry_that_is_no_regular_file(
    name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    registry = tmp_path / "sources.yaml"
    ODD_REGISTRIES[name](registry)
    assert within(10, lambda: main(["run", "--sources", str(registry)])) == 2
    assert "bad configuration" in _one_line_error(capsys)


def test_missing_registry_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", "--sources", str(tmp_path / "nope.yaml")]) == 2
    assert "nope.yaml" in _one_line_error(capsys)


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (1024**3, 1024**3))


# Runs a command and prints its peak RSS in KB. A child forked from the test process starts
# with the test process's pages counted as its own; one forked from this small wrapper does not.
PEAK_RSS = (
    "import resource, subprocess, sys; done = subprocess.run(sys.argv[1:]); "
    "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss); sys.exit(done.returncode)"
)


def test_alias_bomb_stays_small(tmp_path: Path) -> None:
    registry = tmp_path / "sources.yaml"
    registry.write_bytes(BAD_REGISTRIES["alias-bomb-unknown-field"])
    done = subprocess.run(
        [sys.executable, "-c", PEAK_RSS, *WARDAY, "run", "--sources", str(registry)],
        capture_output=True,
        text=True,
        timeout=60,
        preexec_fn=_limit_memory,
        cwd=REPO,
        check=False,
    )
    assert done.returncode == 2, done.stderr[-2000:]
    assert "Traceback" not in done.stderr and len(done.stderr) < 400
    assert int(done.stdout.split()[-1]) < 300 * 1024  # KB


@pytest.fixture
def silent_server() -> Iterator[int]:
    """A server that accepts TCP connections and never says a word."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(16)
        yield listener.getsockname()[1]


@pytest.mark.parametrize("command", [["status"], ["export"], ["migrate"], ["summary"]])
def test_silent_database_server_does_not_hang(silent_server: int, command: list[str]) -> None:
    env = {
        **os.environ,
        "DATABASE_URL": f"postgresql://u:{SECRET}@127.0.0.1:{silent_server}/x",
        "WARDAY_CONNECT_TIMEOUT_S": "2",
    }
    started = time.monotonic()
    done = subprocess.run(
        [*WARDAY, *command],
        capture_output=True,
        text=True,
        timeout=45,
        env=env,
        cwd=REPO,
        check=False,
    )
    assert time.monotonic() - started < 40
    assert done.returncode == 4, done.stderr[-2000:]
    assert "database unreachable" in done.stderr and "Traceback" not in done.stderr
    assert SECRET not in done.stderr


def test_refused_database_is_exit_4(capsys: pytest.CaptureFixture[str], monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("DATABASE_URL", "postgresql://postgres@127.0.0.1:1/x")
    assert main(["status"]) == 4
    assert "database unreachable" in _one_line_error(capsys)


def test_statement_timeout_applies(db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from warday.store.db import connect

    monkeypatch.setenv("WARDAY_STATEMENT_TIMEOUT_S", "0.5")
    with connect() as conn, pytest.raises(psycopg.errors.QueryCanceled):
        conn.execute("SELECT pg_sleep(3)")


def test_export_on_unmigrated_database(
    empty_db_url: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DATABASE_URL", empty_db_url)
    for command in ("export", "status", "summary"):
        assert main([command]) == 5
        assert "not migrated (run `warday migrate`)" in _one_line_error(capsys)


def test_debug_shows_the_traceback(
    empty_db_url: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DATABASE_URL", empty_db_url)
    assert main(["--debug", "export"]) == 5
    assert "Traceback" in capsys.readouterr().err


def test_failure_handler_does_not_chain_a_second_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The database goes away during a step: the step's own error is what surfaces, not a
    second one from reconnecting to record the failure."""
    first = psycopg.OperationalError("server closed the connection unexpectedly")

    class Gone:
        calls = 0

        def __call__(self, *args: object, **kwargs: object) -> object:
            Gone.calls += 1
            if Gone.calls == 1:
                return _NoConn()
            raise psycopg.OperationalError("connection refused")

    def work(conn: object) -> dict[str, int]:
        raise first

    monkeypatch.setattr(steps, "connect", Gone())
    with pytest.raises(psycopg.OperationalError) as raised:
        steps._stage("run-1", "process", work)
    assert raised.value is first


class _NoConn:
    def __enter__(self) -> _NoConn:
        return self

    def __exit__(self, *exc: object) -> None:
        return None


def test_database_lost_during_a_command_is_one_line(
    db_url: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A step fails on the database, and recording the failure fails too: one line, exit 4."""
    calls = {"n": 0}
    real = steps.connect

    def flaky(*args: object, **kwargs: object) -> object:
        calls["n"] += 1
        if calls["n"] > 3:  # migrate, begin and land worked; then the server is gone
            raise psycopg.OperationalError("connection to server failed: Connection refused")
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(steps, "connect", flaky)
    code = main(["ingest", str(REPO / "seeds")])
    err = _one_line_error(capsys)
    assert code == 4 and "database" in err
