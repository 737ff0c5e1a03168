"""Per-host politeness across processes: two clients (as two parallel fetch tasks would be)
share one pace per host through the database; without the gate they would not."""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar

import pytest

from warday.fetching import host_gate
from warday.ingest.http import Fetcher, FetchLimits

INTERVAL = 0.4


class Stamp(BaseHTTPRequestHandler):
    starts: ClassVar[list[float]] = []

    def do_GET(self) -> None:
        type(self).starts.append(time.monotonic())
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> Iterator[int]:
    monkeypatch.setenv("WARDAY_FETCH_ALLOW", "127.0.0.1")
    Stamp.starts = []
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Stamp)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield int(httpd.server_address[1])
    httpd.shutdown()


def burst(port: int, gate: object) -> list[float]:
    """Two clients, three requests each, all at once; the gaps between request starts."""
    limits = FetchLimits(min_host_interval_s=INTERVAL, retries=0)
    clients = [Fetcher(limits, host_gate=gate) for _ in range(2)]  # type: ignore[arg-type]
    threads = [
        threading.Thread(target=lambda c=c, i=i: c.fetch(f"http://127.0.0.1:{port}/{i}"))
        for c in clients
        for i in range(3)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    starts = sorted(Stamp.starts)
    return [b - a for a, b in itertools.pairwise(starts)]


def test_parallel_clients_share_one_pace_per_host(db_url: str, server: int) -> None:
    gaps = burst(server, host_gate)
    assert len(gaps) == 5 and min(gaps) >= INTERVAL * 0.8, gaps


def test_without_the_gate_two_clients_do_not_pace_each_other(server: int) -> None:
    gaps = burst(server, None)
    assert min(gaps) < INTERVAL * 0.5, gaps
