"""Tests for ingest.http against a real HTTP server on 127.0.0.1 (no other network).

Name resolution is replaced by a fixed table (anything else must be a numeric literal),
and socket connects are recorded, so the SSRF tests can assert that nothing was dialled.
"""

from __future__ import annotations

import http.server
import ipaddress
import pickle
import socket
import threading
import time
import tracemalloc
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote, urlsplit

import pytest

from warday.ingest import http as fh
from warday.ingest.http import (
    ENV_ALLOW,
    BadEncoding,
    BadUrl,
    BlockedAddress,
    ConnectFailed,
    DeadlineExceeded,
    Fetcher,
    FetchLimits,
    HttpStatus,
    RateLimited,
    TooLarge,
    TooManyRedirects,
    Truncated,
    allow_list_from_env,
    is_public_address,
)

MB = 1024 * 1024
LAST_MODIFIED = "Wed, 21 Oct 2015 07:28:00 GMT"
FAKE_DNS: dict[str, list[str]] = {
    "feed.test": ["127.0.0.1"],
    "localhost": ["127.0.0.1", "::1"],
    "private.test": ["10.0.0.1"],
    "rebind.test": ["93.184.216.34", "10.0.0.1"],
}


# --------------------------------------------------------------------------- server


class _State:
    """What the test server saw."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.stop = threading.Event()
        self.hits: dict[str, int] = {}
        self.requests: list[tuple[str, dict[str, str]]] = []
        self.active = 0
        self.peak = 0
        self.bomb = b""

    def hit(self, path: str, headers: dict[str, str]) -> int:
        with self.lock:
            self.hits[path] = self.hits.get(path, 0) + 1
            self.requests.append((path, headers))
            return self.hits[path]


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    state: _State

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Clients hanging up mid-response is expected here."""


class _Handler(http.server.BaseHTTPRequestHandler):
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        """Keep test output quiet."""

    def do_GET(self) -> None:
        parts = urlsplit(self.path)
        self.query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        self.count = self.server.state.hit(parts.path, dict(self.headers))
        name = parts.path.strip("/").replace("/", "_").replace("-", "_")
        route = getattr(self, "route_" + name, None)
        try:
            if route is None:
                self.reply(404, b"not here")
            else:
                route()
        except OSError:
            pass

    def reply(self, status: int, body: bytes = b"", **headers: str) -> None:
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name.replace("_", "-"), value)
        if "Content_Length" not in headers:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def route_ok(self) -> None:
        if self.headers.get("If-None-Match") == '"v1"':
            self.send_response(304)
            self.send_header("ETag", '"v1"')
            self.end_headers()
            return
        self.reply(
            200,
            b"<p>hello</p>",
            Content_Type='text/html; charset="UTF-8"',
            ETag='"v1"',
            Last_Modified=LAST_MODIFIED,
        )

    def route_ratelimited(self) -> None:
        if self.count == 1:
            self.reply(429, b"slow down", Retry_After="1")
        else:
            self.reply(200, b"after 429", Content_Type="text/plain")

    def route_ratelimited_long(self) -> None:
        self.reply(429, b"", Retry_After="3600")

    def route_unavailable(self) -> None:
        self.reply(503, b"", Retry_After="5")

    def route_error(self) -> None:
        self.reply(500, b"boom")

    def route_truncated(self) -> None:
        self.reply(200, b"0123456789", Content_Length="100")

    def route_drip(self) -> None:
        self.send_response(200)
        self.send_header("Content-Length", "100")
        self.end_headers()
        for _ in range(100):
            self.wfile.write(b"x")
            if self.server.state.stop.wait(1.0):
                return

    def route_drip_headers(self) -> None:
        self.wfile.write(b"HTTP/1.0 200 OK\r\nX-Slow: ")
        for _ in range(100):
            self.wfile.write(b"x")
            if self.server.state.stop.wait(1.0):
                return

    def route_bomb(self) -> None:
        self.reply(200, self.server.state.bomb, Content_Encoding="gzip")

    def route_corrupt(self) -> None:
        self.reply(200, b"\x1f\x8b\x08\x00this is not gzip at all", Content_Encoding="gzip")

    def route_big(self) -> None:
        self.send_response(200)
        if self.query.get("cl"):
            self.send_header("Content-Length", str(50 * MB))
        self.end_headers()
        chunk = bytes(64 * 1024)
        for _ in range(50 * MB // len(chunk)):
            self.wfile.write(chunk)

    def route_redirect(self) -> None:
        self.reply(302, b"", Location=self.query["to"])

    def route_loop(self) -> None:
        self.reply(302, b"", Location="/loop")

    def route_hop_a(self) -> None:
        self.reply(301, b"", Location="../ok")

    def route_slow(self) -> None:
        state = self.server.state
        with state.lock:
            state.active += 1
            state.peak = max(state.peak, state.active)
        time.sleep(0.3)
        with state.lock:
            state.active -= 1
        self.reply(200, b"slow")


@dataclass
class Srv:
    port: int
    state: _State

    def url(self, path: str, host: str = "127.0.0.1") -> str:
        return f"http://{host}:{self.port}{path}"

    def paths(self) -> list[str]:
        return [path for path, _ in self.state.requests]


@pytest.fixture
def server() -> Iterator[Srv]:
    httpd = _Server(("127.0.0.1", 0), _Handler)
    httpd.state = _State()
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05})
    thread.daemon = True
    thread.start()
    try:
        yield Srv(httpd.server_address[1], httpd.state)
    finally:
        httpd.state.stop.set()
        httpd.shutdown()
        httpd.server_close()
        thread.join(5)


# --------------------------------------------------------------------------- helpers


@pytest.fixture(autouse=True)
def lookups(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Resolve names from FAKE_DNS only; everything else must be numeric (no DNS traffic)."""
    seen: list[str] = []
    real = socket.getaddrinfo

    def fake(
        host: Any, port: Any, family: int = 0, type: int = 0, proto: int = 0, flags: int = 0
    ) -> Any:
        name = host.decode() if isinstance(host, bytes) else str(host)
        seen.append(name)
        if name in FAKE_DNS:
            return [_addrinfo(ip, int(port)) for ip in FAKE_DNS[name]]
        return real(host, port, family, type, proto, flags | socket.AI_NUMERICHOST)

    monkeypatch.setattr(socket, "getaddrinfo", fake)
    monkeypatch.delenv(ENV_ALLOW, raising=False)
    return seen


def _addrinfo(ip: str, port: int) -> tuple[Any, ...]:
    if ":" in ip:
        return (socket.AF_INET6, socket.SOCK_STREAM, 6, "", (ip, port, 0, 0))
    return (socket.AF_INET, socket.SOCK_STREAM, 6, "", (ip, port))


@pytest.fixture
def connects(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Record the address of every outgoing connect attempt made through the socket module."""
    calls: list[Any] = []
    real_socket = socket.socket
    real_create = socket.create_connection

    class RecordingSocket(real_socket):  # type: ignore[misc,valid-type]
        def connect(self, address: Any) -> None:
            calls.append(address[:2])
            super().connect(address)

        def connect_ex(self, address: Any) -> int:
            calls.append(address[:2])
            return int(super().connect_ex(address))

    def create_connection(address: Any, *args: Any, **kwargs: Any) -> socket.socket:
        calls.append(("create_connection", *address[:2]))
        return real_create(address, *args, **kwargs)

    monkeypatch.setattr(socket, "socket", RecordingSocket)
    monkeypatch.setattr(socket, "create_connection", create_connection)
    return calls


@dataclass
class FakeTime:
    now: float = 1000.0
    sleeps: list[float] = field(default_factory=list)

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


@pytest.fixture
def fake_time() -> FakeTime:
    return FakeTime()


@pytest.fixture
def make(fake_time: FakeTime) -> Callable[..., Fetcher]:
    """Fetcher factory: local server allowed, no pacing, fake sleep/clock unless real=True."""

    def factory(allow: Any = ("127.0.0.1",), real: bool = False, **limits: Any) -> Fetcher:
        limits.setdefault("min_host_interval_s", 0.0)
        timing: dict[str, Any] = {}
        if not real:
            timing = {"sleep": fake_time.sleep, "clock": fake_time.clock}
        return Fetcher(FetchLimits(**limits), allow=allow, **timing)

    return factory


def _peak_during(action: Callable[[], object]) -> tuple[int, BaseException | None]:
    """Run *action* under tracemalloc; return (peak bytes, exception raised)."""
    tracemalloc.start()
    error: BaseException | None = None
    try:
        action()
    except Exception as exc:
        error = exc
    finally:
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    return peak, error


# --------------------------------------------------------------------------- basics


def test_200_with_etag_then_304_on_conditional_get(server: Srv, make: Callable[..., Fetcher]):
    fetcher = make()
    first = fetcher.fetch(server.url("/ok"), accept="text/html")
    assert (first.status, first.body, first.not_modified) == (200, b"<p>hello</p>", False)
    assert (first.etag, first.last_modified) == ('"v1"', LAST_MODIFIED)
    assert (first.media_type, first.charset) == ("text/html", "utf-8")
    assert first.final_url == first.requested_url == server.url("/ok")
    assert first.redirects == ()
    assert first.headers["content-type"] == 'text/html; charset="UTF-8"'
    assert all(key == key.lower() for key in first.headers)
    assert first.fetched_at.tzinfo is UTC
    assert "hello" not in repr(first) and "content-type" not in repr(first)

    second = fetcher.fetch(server.url("/ok"), etag=first.etag, last_modified=first.last_modified)
    assert (second.status, second.not_modified, second.body) == (304, True, b"")
    assert second.etag == '"v1"' and second.last_modified == LAST_MODIFIED

    sent = server.state.requests[1][1]
    assert sent["If-None-Match"] == '"v1"'
    assert sent["If-Modified-Since"] == LAST_MODIFIED
    assert sent["Host"] == f"127.0.0.1:{server.port}"
    assert sent["User-Agent"].startswith("warday/0.1")
    assert server.state.requests[0][1]["Accept"] == "text/html"


def test_429_retry_after_then_200(server: Srv, make: Callable[..., Fetcher], fake_time: FakeTime):
    result = make().fetch(server.url("/ratelimited"))
    assert result.body == b"after 429"
    assert fake_time.sleeps == [pytest.approx(1.0)]
    assert server.state.hits["/ratelimited"] == 2


def test_retry_after_beyond_cap_gives_up(
    server: Srv, make: Callable[..., Fetcher], fake_time: FakeTime
):
    with pytest.raises(RateLimited) as info:
        make().fetch(server.url("/ratelimited-long"))
    assert info.value.reason == "rate_limited" and info.value.status == 429
    assert fake_time.sleeps == []
    assert server.state.hits["/ratelimited-long"] == 1


def test_retry_after_beyond_deadline_gives_up(
    server: Srv, make: Callable[..., Fetcher], fake_time: FakeTime
):
    with pytest.raises(HttpStatus) as info:
        make(deadline_s=3).fetch(server.url("/unavailable"))
    assert info.value.status == 503
    assert fake_time.sleeps == []


def test_500_retried_with_backoff_then_http_status(
    server: Srv, make: Callable[..., Fetcher], fake_time: FakeTime
):
    with pytest.raises(HttpStatus) as info:
        make(retries=3, backoff_s=0.5).fetch(server.url("/error"))
    assert info.value.reason == "http_status" and info.value.status == 500
    assert server.state.hits["/error"] == 4
    assert fake_time.sleeps == [0.5, 1.0, 2.0]


def test_404_is_not_retried(server: Srv, make: Callable[..., Fetcher], fake_time: FakeTime):
    with pytest.raises(HttpStatus) as info:
        make().fetch(server.url("/missing?token=s3cret"))
    assert info.value.status == 404
    assert server.state.hits["/missing"] == 1 and fake_time.sleeps == []
    assert "s3cret" not in str(info.value) and "HTTP 404" in str(info.value)
    clone = pickle.loads(pickle.dumps(info.value))
    assert (type(clone), clone.status, clone.url) == (HttpStatus, 404, info.value.url)


def test_connection_refused_is_retried_then_connect_failed(
    make: Callable[..., Fetcher], fake_time: FakeTime
):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(ConnectFailed) as info:
        make(retries=2, backoff_s=1).fetch(f"http://127.0.0.1:{port}/")
    assert info.value.reason == "connect_failed"
    assert fake_time.sleeps == [1.0, 2.0]


def test_truncated_body(server: Srv, make: Callable[..., Fetcher]):
    with pytest.raises(Truncated) as info:
        make().fetch(server.url("/truncated"))
    assert info.value.reason == "truncated"


def test_corrupt_gzip_is_bad_encoding(server: Srv, make: Callable[..., Fetcher]):
    with pytest.raises(BadEncoding):
        make().fetch(server.url("/corrupt"))


def test_header_injection_refused(make: Callable[..., Fetcher]):
    with pytest.raises(ValueError):
        make().fetch("http://127.0.0.1:9/", etag='"x"\r\nX-Evil: 1')


# --------------------------------------------------------------------------- deadline


@pytest.mark.parametrize("path", ["/drip", "/drip-headers"])
def test_drip_feed_fails_at_deadline(server: Srv, make: Callable[..., Fetcher], path: str):
    fetcher = make(real=True, deadline_s=2.0, read_timeout_s=10.0, retries=0)
    started = time.monotonic()
    with pytest.raises(DeadlineExceeded) as info:
        fetcher.fetch(server.url(path))
    elapsed = time.monotonic() - started
    assert info.value.reason == "deadline"
    assert 1.5 <= elapsed < 3.0


# --------------------------------------------------------------------------- size caps


def _gzip_bomb(decoded_size: int) -> bytes:
    """gzip of *decoded_size* zero bytes, built without holding the plain data."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)
    block = bytes(MB)
    parts = [packer.compress(block) for _ in range(decoded_size // MB)]
    return b"".join([*parts, packer.flush()])


def test_gzip_bomb_too_large_with_bounded_memory(server: Srv, make: Callable[..., Fetcher]):
    server.state.bomb = _gzip_bomb(100 * MB)
    assert len(server.state.bomb) < MB
    fetcher = make(max_bytes=MB)
    peak, error = _peak_during(lambda: fetcher.fetch(server.url("/bomb")))
    assert isinstance(error, TooLarge) and error.reason == "too_large"
    assert peak < 30 * MB


def test_declared_50mb_body_refused_early(server: Srv, make: Callable[..., Fetcher]):
    with pytest.raises(TooLarge, match="Content-Length"):
        make(max_bytes=8 * MB).fetch(server.url("/big?cl=1"))


def test_undeclared_50mb_body_stops_at_cap(server: Srv, make: Callable[..., Fetcher]):
    fetcher = make(max_bytes=8 * MB)
    peak, error = _peak_during(lambda: fetcher.fetch(server.url("/big")))
    assert isinstance(error, TooLarge) and "decoded body" in str(error)
    assert peak < 30 * MB


# --------------------------------------------------------------------------- redirects


def test_relative_redirect_followed(server: Srv, make: Callable[..., Fetcher]):
    result = make().fetch(server.url("/hop/a"))
    assert result.body == b"<p>hello</p>"
    assert result.final_url == server.url("/ok")
    assert result.redirects == (server.url("/ok"),)
    assert result.requested_url == server.url("/hop/a")


def test_redirect_loop(server: Srv, make: Callable[..., Fetcher]):
    with pytest.raises(TooManyRedirects) as info:
        make(max_redirects=4).fetch(server.url("/loop"))
    assert info.value.reason == "too_many_redirects"
    assert server.state.hits["/loop"] == 5


@pytest.mark.parametrize(
    "target",
    [
        "http://127.0.0.1:{port}/ok",
        "http://169.254.169.254/latest/meta-data",
        "http://10.0.0.1/",
        "http://[::ffff:10.0.0.1]/",
        "http://2130706433/",
        "http://private.test/",
        "http://localhost:{port}/ok",
    ],
)
def test_redirect_to_internal_address_blocked(
    server: Srv, make: Callable[..., Fetcher], connects: list[Any], target: str
):
    # Only the hostname feed.test is allow-listed: no IP or network is.
    fetcher = make(allow=["feed.test"])
    start = server.url("/redirect?to=" + quote(target.format(port=server.port)), "feed.test")
    with pytest.raises(BlockedAddress) as info:
        fetcher.fetch(start)
    assert info.value.reason == "blocked_address"
    assert connects == [("127.0.0.1", server.port)]
    assert server.paths() == ["/redirect"]


@pytest.mark.parametrize("target", ["file:///etc/passwd", "ftp://feed.test/x"])
def test_redirect_to_other_scheme_is_bad_url(
    server: Srv, make: Callable[..., Fetcher], target: str
):
    with pytest.raises(BadUrl):
        make().fetch(server.url("/redirect?to=" + quote(target)))


# --------------------------------------------------------------------------- SSRF


@pytest.mark.parametrize(
    "url",
    [
        "http://2130706433/",  # decimal
        "http://017700000001/",  # octal, single number
        "http://0177.0.0.1/",  # octal dotted
        "http://0x7f.0.0.1/",  # hex dotted
        "http://0x7f000001/",  # hex, single number
        "http://127.1/",  # short form
        "http://0/",
        "http://[::ffff:127.0.0.1]/",  # IPv4-mapped IPv6
        "http://[::ffff:7f00:1]/",
        "http://[::ffff:169.254.169.254]/",
        "http://[64:ff9b::a9fe:a9fe]/",  # NAT64 of 169.254.169.254
        "http://[2002:a9fe:a9fe::1]/",  # 6to4 of 169.254.169.254
        "http://127.0.0.1/",
        "http://[::1]/",
        "http://0.0.0.0/",
        "http://10.0.0.1/",
        "http://169.254.169.254/latest/meta-data",
        "http://100.64.0.1/",
        "http://192.168.1.1/",
        "http://[fd00::1]/",
        "http://[fe80::1]/",
        "http://224.0.0.1/",
        "http://255.255.255.255/",
        "http://localhost/",
        "http://private.test/",
        "http://rebind.test/",  # one public and one private address
    ],
)
def test_internal_addresses_blocked_before_connect(url: str, connects: list[Any]):
    with pytest.raises(BlockedAddress) as info:
        Fetcher(FetchLimits(retries=0)).fetch(url)
    assert info.value.reason == "blocked_address"
    assert connects == []


def test_resolved_address_is_pinned(
    server: Srv,
    make: Callable[..., Fetcher],
    connects: list[Any],
    lookups: list[str],
    monkeypatch: pytest.MonkeyPatch,
):
    """The checked IP is the one dialled; a second (rebound) answer is never consulted."""
    answers = iter(["127.0.0.1", "10.0.0.1", "10.0.0.1"])
    inner = socket.getaddrinfo

    def rebinding(host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
        if host == "feed.test":
            lookups.append(host)
            return [_addrinfo(next(answers), int(port))]
        return inner(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", rebinding)
    result = make(allow=["127.0.0.1"]).fetch(server.url("/ok", "feed.test"))
    assert result.status == 200
    assert lookups.count("feed.test") == 1
    assert connects == [("127.0.0.1", server.port)]
    assert server.state.requests[0][1]["Host"] == f"feed.test:{server.port}"


def test_https_pins_ip_and_sends_sni(make: Callable[..., Fetcher], connects: list[Any]):
    """TLS goes to the checked IP with SNI for the URL host; a non-TLS peer fails fast."""
    hello: list[bytes] = []
    with socket.create_server(("127.0.0.1", 0)) as listener:
        port = listener.getsockname()[1]

        def serve() -> None:
            conn, _ = listener.accept()
            with conn:
                hello.append(conn.recv(4096))
                conn.sendall(b"HTTP/1.0 400 Bad Request\r\n\r\n")

        thread = threading.Thread(target=serve, daemon=True)
        thread.start()
        with pytest.raises(ConnectFailed, match="TLS"):
            make(allow=["feed.test"], retries=0).fetch(f"https://feed.test:{port}/")
        thread.join(5)
    assert b"feed.test" in hello[0]
    assert ("127.0.0.1", port) in connects


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "ftp://feed.test/file",
        "gopher://feed.test/",
        "javascript:alert(1)",
        "feed.test/path",
        "//feed.test/path",
        "http:///path",
        "http://user:pw@feed.test/",
        "http://feed.test\\@evil.test/",
        "http://feed.test:99999/",
        "http://feed.test:0/",
        "http://feed.test/a b",
        "http://feed.test/\r\nX-Injected: 1",
        "http://exa%mple.test/",
        "http://[::1%25eth0]/",
        "",
    ],
)
def test_bad_urls_refused(url: str, connects: list[Any]):
    with pytest.raises(BadUrl) as info:
        Fetcher().fetch(url)
    assert info.value.reason == "bad_url"
    assert "pw" not in str(info.value) and "pw" not in info.value.url
    assert connects == []


# --------------------------------------------------------------------------- allow-list


def test_allow_list_parsing(monkeypatch: pytest.MonkeyPatch):
    parsed = allow_list_from_env(" Feed.Example.COM. , 10.0.0.0/8,127.0.0.1 ,::1,, 10.1.2.3/16")
    assert parsed == (
        "feed.example.com",
        ipaddress.ip_network("10.0.0.0/8"),
        ipaddress.ip_network("127.0.0.1/32"),
        ipaddress.ip_network("::1/128"),
        ipaddress.ip_network("10.1.0.0/16"),
    )
    assert allow_list_from_env("") == ()
    assert allow_list_from_env() == ()
    monkeypatch.setenv(ENV_ALLOW, "a.test,192.168.0.0/16")
    assert allow_list_from_env() == ("a.test", ipaddress.ip_network("192.168.0.0/16"))


@pytest.mark.parametrize("entry", ["10.0.0.0/33", "bad host", "0177.0.0.1", "a/b", "x:y"])
def test_allow_list_rejects_garbage(entry: str):
    with pytest.raises(ValueError):
        allow_list_from_env(entry)


def test_allow_list_from_env_and_cidr(server: Srv, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv(ENV_ALLOW, "127.0.0.0/8")
    limits = FetchLimits(min_host_interval_s=0)
    assert Fetcher(limits).fetch(server.url("/ok")).status == 200
    assert Fetcher(limits, allow=["localhost"]).fetch(server.url("/ok", "localhost")).body
    with pytest.raises(BlockedAddress):
        Fetcher(limits, allow=[]).fetch(server.url("/ok"))


@pytest.mark.parametrize(
    ("address", "public"),
    [
        ("93.184.216.34", True),
        ("8.8.8.8", True),
        ("2606:4700:4700::1111", True),
        ("2002:5db8:d822::1", True),  # 6to4 of a public IPv4
        ("127.0.0.1", False),
        ("10.1.2.3", False),
        ("172.16.0.1", False),
        ("192.168.0.1", False),
        ("169.254.169.254", False),
        ("100.64.0.1", False),
        ("0.0.0.0", False),
        ("224.0.0.251", False),
        ("240.0.0.1", False),
        ("198.18.0.1", False),
        ("192.0.2.1", False),
        ("::", False),
        ("::1", False),
        ("::127.0.0.1", False),
        ("::ffff:127.0.0.1", False),
        ("::ffff:8.8.8.8", True),
        ("64:ff9b::7f00:1", False),
        ("64:ff9b:1::1", False),
        ("2001:0:4136:e378:8000:63bf:3fff:fdd2", False),  # Teredo
        ("fc00::1", False),
        ("fe80::1", False),
        ("fec0::1", False),
        ("ff02::1", False),
        ("2001:db8::1", False),
    ],
)
def test_is_public_address(address: str, public: bool):
    assert is_public_address(ipaddress.ip_address(address)) is public


# --------------------------------------------------------------------------- politeness


def test_min_interval_between_requests_to_one_host(
    server: Srv, make: Callable[..., Fetcher], fake_time: FakeTime
):
    fetcher = make(min_host_interval_s=5.0, allow=["127.0.0.1", "feed.test"])
    fetcher.fetch(server.url("/ok"))
    fetcher.fetch(server.url("/ok", "feed.test"))  # another host: no wait
    assert fake_time.sleeps == []
    fetcher.fetch(server.url("/ok"))
    assert fake_time.sleeps == [5.0]


def test_max_concurrent_requests_per_host(server: Srv, make: Callable[..., Fetcher]):
    fetcher = make(real=True, max_per_host=2)
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            fetcher.fetch(server.url("/slow"))
        except Exception as exc:
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert errors == []
    assert server.state.hits["/slow"] == 5
    assert server.state.peak == 2


def test_retry_after_http_date():
    soon = format_datetime(datetime.now(UTC) + timedelta(seconds=30), usegmt=True)
    assert fh._retry_after_seconds(soon) == pytest.approx(30, abs=2)
    assert fh._retry_after_seconds("7") == 7.0
    assert fh._retry_after_seconds("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0
    assert fh._retry_after_seconds("soon-ish") is None


def test_limits_validated():
    with pytest.raises(ValueError):
        FetchLimits(max_bytes=0)
    with pytest.raises(ValueError):
        FetchLimits(retries=-1)


def test_url_normalisation():
    target = fh._parse_url("HTTP://Bücher.Example:80/pfadä?q=1#frag")
    assert target.url == "http://xn--bcher-kva.example/pfad%C3%A4?q=1"
    assert (target.host, target.port, target.host_header) == (
        "xn--bcher-kva.example",
        80,
        "xn--bcher-kva.example",
    )
    v6 = fh._parse_url("https://[2606:4700:4700:0::1111]:8443")
    assert (v6.host_header, v6.request_target) == ("[2606:4700:4700::1111]:8443", "/")


def _self_signed(tmp_path: Path) -> tuple[Path, Path]:
    """A throwaway certificate for 127.0.0.1 and its key, as PEM files."""
    import datetime as dt

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = tmp_path / "cert.pem", tmp_path / "key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_file, key_file


@pytest.mark.parametrize("stage", ["headers", "body"])
def test_https_drip_hits_the_deadline(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, stage: str
) -> None:
    """Over TLS too, a 1-byte/s peer is cut off by the wall-clock deadline."""
    import ssl

    cert_file, key_file = _self_signed(tmp_path)
    monkeypatch.setenv("SSL_CERT_FILE", str(cert_file))  # the client trusts the test cert
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert_file, key_file)
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    port = listener.getsockname()[1]

    def serve() -> None:
        raw, _ = listener.accept()
        with context.wrap_socket(raw, server_side=True) as conn:
            conn.recv(65536)
            head = b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n"
            if stage == "body":
                conn.sendall(head)
                head = b"x" * 100
            for byte in head:
                time.sleep(1)
                try:
                    conn.sendall(bytes([byte]))
                except OSError:
                    return

    threading.Thread(target=serve, daemon=True).start()
    limits = FetchLimits(deadline_s=2.0, connect_timeout_s=30.0, read_timeout_s=30.0, retries=0)
    started = time.monotonic()
    with pytest.raises(DeadlineExceeded):
        Fetcher(limits, allow=["127.0.0.1"]).fetch(f"https://127.0.0.1:{port}/feed.xml")
    assert time.monotonic() - started < 4.0
    listener.close()
