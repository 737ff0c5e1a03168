"""A real Airflow 3 deployment on this machine, no containers: api-server, scheduler and, for
CeleryExecutor, Celery workers, against a PostgreSQL metadata database.

Every process starts in its own process group and is stopped with its whole tree, whatever
happens (warday.procs.stop_tree)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
from psycopg import sql

from tests.conftest import with_dbname
from warday.procs import stop_tree

REPO = Path(__file__).resolve().parents[2]
AIRFLOW = str(Path(sys.executable).with_name("airflow"))
TERMINAL = {"success", "failed"}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def broker_reachable(host: str = "127.0.0.1", port: int = 6379) -> bool:
    """A Redis that answers PING."""
    try:
        with socket.create_connection((host, port), timeout=2) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def create_db(server_url: str, name: str, template: str | None = None) -> str:
    stmt = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
    if template:
        stmt = sql.SQL("{} TEMPLATE {}").format(stmt, sql.Identifier(template))
    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(stmt)
    return with_dbname(server_url, name)


def drop_db(server_url: str, name: str) -> None:
    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


def sqlalchemy_url(libpq_url: str) -> str:
    """postgresql+psycopg:// form of a libpq URL (key=value or URI)."""
    info = psycopg.conninfo.conninfo_to_dict(libpq_url)
    user = info.get("user") or "postgres"
    password = f":{info['password']}" if info.get("password") else ""
    host = info.get("host") or "127.0.0.1"
    port = info.get("port") or "5432"
    if str(host).startswith("/"):  # a socket directory (embedded server)
        return f"postgresql+psycopg://{user}{password}@/{info['dbname']}?host={host}&port={port}"
    return f"postgresql+psycopg://{user}{password}@{host}:{port}/{info['dbname']}"


@dataclass
class Cluster:
    """One Airflow deployment: its environment, its processes and their logs."""

    home: Path
    env: dict[str, str]
    port: int
    procs: list[subprocess.Popen[bytes]] = field(default_factory=list)

    @classmethod
    def create(cls, home: Path, executor: str, metadata_url: str, extra: dict[str, str]) -> Cluster:
        port = free_port()
        home.mkdir(parents=True, exist_ok=True)
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith("AIRFLOW")},
            "AIRFLOW_HOME": str(home),
            "AIRFLOW__CORE__EXECUTOR": executor,
            "AIRFLOW__CORE__DAGS_FOLDER": str(REPO / "dags"),
            "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
            "AIRFLOW__CORE__PARALLELISM": "4",
            "AIRFLOW__CORE__EXECUTION_API_SERVER_URL": f"http://127.0.0.1:{port}/execution/",
            "AIRFLOW__API__PORT": str(port),
            "AIRFLOW__API_AUTH__JWT_SECRET": uuid.uuid4().hex,
            "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": sqlalchemy_url(metadata_url),
            # Airflow would derive asyncpg for its async engine; psycopg serves both.
            "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN_ASYNC": sqlalchemy_url(metadata_url).replace(
                "+psycopg:", "+psycopg_async:", 1
            ),
            "AIRFLOW__LOGGING__LOGGING_LEVEL": "INFO",
            "AIRFLOW__SCHEDULER__SCHEDULER_HEARTBEAT_SEC": "1",
            # A loaded machine answers task-runner calls slowly: wait and retry, do not fail them.
            "AIRFLOW__WORKERS__EXECUTION_API_TIMEOUT": "60",
            "AIRFLOW__WORKERS__EXECUTION_API_RETRIES": "10",
            # Only the runs a test asks for: no run for the latest schedule interval.
            "AIRFLOW__SCHEDULER__USE_JOB_SCHEDULE": "False",
            # Not the fixed default port: other deployments may run on this machine.
            "AIRFLOW__LOGGING__WORKER_LOG_SERVER_PORT": str(free_port()),
            "AIRFLOW__SCHEDULER__MIN_FILE_PROCESS_INTERVAL": "5",
            **extra,
        }
        return cls(home=home, env=env, port=port)

    def run(self, *args: str, timeout: float = 300) -> str:
        """An airflow CLI command to completion; its output, or an AssertionError with it."""
        done = subprocess.run(
            [AIRFLOW, *args],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
            start_new_session=True,
        )
        assert done.returncode == 0, (
            f"airflow {' '.join(args)}:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
        )
        return done.stdout

    def start(self, name: str, args: Sequence[str]) -> None:
        """A long-running component, logging to HOME/NAME.log."""
        log = open(self.home / f"{name}.log", "wb")  # noqa: SIM115 (closed with the process)
        self.procs.append(
            subprocess.Popen(
                [AIRFLOW, *args],
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        )
        log.close()

    def wait_healthy(self, timeout: float = 180) -> None:
        """Until the api-server answers its health endpoint."""
        url = f"http://127.0.0.1:{self.port}/api/v2/monitor/health"
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self._check_alive()
            try:
                with urllib.request.urlopen(url, timeout=5) as response:
                    if response.status == 200:
                        return
            except OSError:
                time.sleep(1)
        raise AssertionError(f"api-server not healthy after {timeout:g} s\n{self.tail()}")

    def wait_runs(self, metadata_url: str, dag_id: str, count: int, timeout: float) -> list[str]:
        """Until count runs of dag_id are finished; their states in logical-date order."""
        deadline = time.monotonic() + timeout
        states: list[str] = []
        while time.monotonic() < deadline:
            self._check_alive()
            with psycopg.connect(metadata_url) as conn:
                rows = conn.execute(
                    "SELECT state FROM dag_run WHERE dag_id = %s ORDER BY logical_date", (dag_id,)
                ).fetchall()
            states = [str(r[0]) for r in rows]
            if len(states) >= count and all(s in TERMINAL for s in states):
                return states
            time.sleep(1)
        raise AssertionError(f"runs not finished after {timeout:g} s: {states}\n{self.tail()}")

    def _check_alive(self) -> None:
        dead = [p.args for p in self.procs if p.poll() is not None]
        assert not dead, f"component exited: {dead}\n{self.tail()}"

    def tail(self, chars: int = 2500) -> str:
        """The end of every component's log, for failure messages."""
        return "\n".join(
            f"--- {log.name}\n{log.read_text(errors='replace')[-chars:]}"
            for log in sorted(self.home.glob("*.log"))
        )

    def stop(self) -> None:
        """Stop every component and everything it started."""
        for proc in reversed(self.procs):
            stop_tree(proc.pid, grace_s=10)
            proc.wait()
        self.procs.clear()
