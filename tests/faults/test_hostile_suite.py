"""The hostile-input suite: >= 90 hostile files, sidecars, HTML pages, feeds over HTTP,
registries and URLs put through the `warday` CLI in one child process. Wanted: no traceback,
no invocation over 60 s, peak RSS under 1 GB, every good neighbour stored, every hostile
input accounted for (stored safely or a dead letter), no credential stored or printed."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from dataclasses import asdict
from pathlib import Path

import pytest

from tests.conftest import REPO
from tests.faults import hostile
from tests.faults.servers import serving
from warday.store.db import connect

pytestmark = pytest.mark.slow
MAX_RSS_KB = 1024 * 1024  # 1 GB
SUITE_TIMEOUT_S = 600


def test_hostile_inputs_through_the_cli(db_url: str, tmp_path: Path) -> None:
    routes: dict[str, tuple[bytes, str]] = {}
    with serving(routes) as base:
        routes.update(hostile.feed_routes(base))
        plan = hostile.build(tmp_path, base)
        plan_file = tmp_path / "plan.json"
        plan_file.write_text(json.dumps(asdict(plan)))
        env = {**os.environ, "DATABASE_URL": db_url, "WARDAY_FETCH_ALLOW": "127.0.0.1"}
        started = time.monotonic()
        child = subprocess.Popen(
            [sys.executable, "-m", "tests.faults.hostile", str(plan_file)],
            cwd=REPO,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        out, err, peak_kb = _communicate_with_rusage(child)
        took = time.monotonic() - started
    results = [json.loads(line) for line in out.splitlines() if line.startswith("{")]
    print(
        f"\nhostile inputs: {len(plan.inputs)}; invocations: {len(results)}; "
        f"{took:.0f} s; peak RSS {peak_kb / 1024:.0f} MB"
    )
    assert len(plan.inputs) >= 90
    assert not [r for r in results if "hang" in r], "an invocation hung past 60 s"
    assert child.returncode == 0, err[-3000:]
    assert len(results) == len(plan.invocations)
    assert "Traceback" not in err, err[-3000:]
    tracebacks = [r for r in results if r["traceback"]]
    assert not tracebacks, tracebacks
    assert max(r["seconds"] for r in results) < hostile.HANG_S
    assert peak_kb < MAX_RSS_KB
    _check_outcomes(results)
    _check_database(plan)
    assert hostile.SECRET not in err
    assert not [r["argv"][0] for r in results if r["secret_printed"]]


def _communicate_with_rusage(child: subprocess.Popen[str]) -> tuple[str, str, int]:
    """Read the child's output, then reap it with wait4 for its own peak RSS (KB)."""
    assert child.stdout is not None and child.stderr is not None
    chunks: dict[str, str] = {}
    readers = [
        threading.Thread(target=lambda: chunks.__setitem__("out", child.stdout.read())),  # type: ignore[union-attr]
        threading.Thread(target=lambda: chunks.__setitem__("err", child.stderr.read())),  # type: ignore[union-attr]
    ]
    for reader in readers:
        reader.start()
    deadline = time.monotonic() + SUITE_TIMEOUT_S
    while True:
        pid, status, usage = os.wait4(child.pid, os.WNOHANG)
        if pid:
            break
        if time.monotonic() > deadline:
            child.kill()
            raise AssertionError("the hostile suite ran past its time limit")
        time.sleep(0.2)
    child.returncode = os.waitstatus_to_exitcode(status)
    for reader in readers:
        reader.join(10)
    return chunks.get("out", ""), chunks.get("err", ""), int(usage.ru_maxrss)


def _check_outcomes(results: list[dict]) -> None:
    """Exit codes: registries are bad configuration (2), except the missing directory (a
    dead letter for that source); the rest complete (0), report a failed batch (3) or failed
    sources (6), with their dead letters stored."""
    for r in results:
        argv = r["argv"]
        if argv[0] == "run" and "registries" in argv[-1] and "missing-directory" not in argv[-1]:
            assert r["code"] == 2, r
        else:
            assert r["code"] in (0, 3, 6), r


def _check_database(plan: hostile.Plan) -> None:
    with connect() as conn:
        titles = {r["title"] for r in conn.execute("SELECT title FROM documents")}
        doc_keys = [
            r["doc_key"]
            for r in conn.execute(
                "SELECT doc_key || ' ' || coalesce(requested_url, '') AS doc_key FROM raw_documents"
            )
        ]
        urls = [r["url"] for r in conn.execute("SELECT url FROM documents WHERE url IS NOT NULL")]
        letters = conn.execute(
            "SELECT stage, locator, message FROM dead_letters WHERE resolved_at IS NULL"
        ).fetchall()
        dump = conn.execute(
            "SELECT concat_ws(' ', (SELECT string_agg(t::text, ' ') FROM sources t),"
            " (SELECT string_agg(t::text, ' ') FROM dead_letters t),"
            " (SELECT string_agg(concat_ws(' ', doc_key, requested_url, final_url, meta::text),"
            "  ' ') FROM raw_documents),"
            " (SELECT string_agg(t::text, ' ') FROM documents t)) AS everything"
        ).fetchone()["everything"]
        sumy = conn.execute(
            "SELECT count(*) AS n FROM documents WHERE title LIKE 'Drones over Sumy%'"
        ).fetchone()
    missing = [t for t in plan.good_titles if not any(x and x.startswith(t) for x in titles)]
    assert not missing, f"good neighbours not stored: {missing}"
    assert sumy["n"] >= 1  # the good feed's page, beside the hostile feeds
    assert all(u.startswith(("http://", "https://")) for u in urls), urls
    assert hostile.SECRET not in dump
    located = " ".join(f"{r['locator']} {r['message']}" for r in letters)
    unaccounted = [
        name
        for name in plan.inputs
        if name.startswith(("file:", "sidecar:"))
        and name.split(":", 1)[1] not in hostile.STORED_SAFELY | {"escape-dir"}
        and name.split(":", 1)[1] not in located
    ]
    assert not unaccounted, f"hostile inputs with no dead letter: {unaccounted}"
    unstored = [n for n in hostile.STORED_SAFELY if not any(n in k for k in doc_keys)]
    assert not unstored, f"inputs that should have been stored safely: {unstored}"
