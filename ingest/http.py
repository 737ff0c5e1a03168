"""The one HTTP client warday uses for everything it fetches.

Feeds and pages are treated as hostile: URLs are parsed strictly, every resolved
address must be public (SSRF), the checked IP is pinned for the connection, redirects
are followed by hand and re-validated, bodies are streamed under a decoded-size cap and
a wall-clock deadline, and requests to one host are paced and bounded in concurrency.
"""

from __future__ import annotations

import contextlib
import http.client
import ipaddress
import logging
import os
import re
import socket
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from types import TracebackType
from typing import Any
from urllib.parse import quote, urljoin, urlsplit

from urllib3 import HTTPConnectionPool, HTTPSConnectionPool, Timeout
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.exceptions import DecodeError, HTTPError, SSLError
from urllib3.response import BaseHTTPResponse

from warday import settings

__all__ = [
    "DEFAULT_USER_AGENT",
    "ENV_ALLOW",
    "BadEncoding",
    "BadUrl",
    "BlockedAddress",
    "ConnectFailed",
    "DeadlineExceeded",
    "FetchError",
    "FetchLimits",
    "FetchResult",
    "Fetcher",
    "HttpStatus",
    "RateLimited",
    "TooLarge",
    "TooManyRedirects",
    "Truncated",
    "allow_list_from_env",
    "is_public_address",
]

log = logging.getLogger(__name__)

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
AllowEntry = IPNetwork | str

ENV_ALLOW = settings.ENV_FETCH_ALLOW
DEFAULT_USER_AGENT = "warday/0.1 (+https://example.org/warday; news-archive bot)"

_DEFAULT_PORTS = {"http": 80, "https": 443}
_RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
_REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
_CHUNK = 64 * 1024
_BAD_URL_CHARS = re.compile(r"[\x00-\x20\x7f\\]")
_BAD_HEADER_CHARS = re.compile(r"[\x00-\x1f\x7f]")
_HOST_RE = re.compile(r"^[a-z0-9_-]+(\.[a-z0-9_-]+)*\.?$")
_NUMERIC_LABEL = re.compile(r"^(0x[0-9a-f]*|[0-9]+)$")
_URL_SAFE = "/%:@!$&'()*+,;=-._~"
_BLOCKED_V4 = tuple(
    ipaddress.IPv4Network(n)
    for n in ("0.0.0.0/8", "100.64.0.0/10", "192.0.0.0/24", "198.18.0.0/15", "224.0.0.0/3")
)
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")
_NAT64_LOCAL = ipaddress.IPv6Network("64:ff9b:1::/48")
_V4_COMPATIBLE = ipaddress.IPv6Network("::/96")


# --------------------------------------------------------------------------- config


@dataclass(frozen=True)
class FetchLimits:
    """Bounds applied to every fetch."""

    deadline_s: float = settings.FETCH_DEADLINE_S
    connect_timeout_s: float = settings.FETCH_CONNECT_TIMEOUT_S
    read_timeout_s: float = settings.FETCH_READ_TIMEOUT_S
    max_bytes: int = settings.FETCH_MAX_BYTES
    max_redirects: int = settings.FETCH_MAX_REDIRECTS
    retries: int = settings.FETCH_RETRIES
    backoff_s: float = settings.FETCH_BACKOFF_S
    max_retry_after_s: float = settings.FETCH_MAX_RETRY_AFTER_S
    min_host_interval_s: float = settings.FETCH_MIN_HOST_INTERVAL_S
    max_per_host: int = settings.FETCH_MAX_PER_HOST

    def __post_init__(self) -> None:
        """Reject limits that would disable a safeguard."""
        positive = (self.deadline_s, self.connect_timeout_s, self.read_timeout_s, self.max_bytes)
        if min(positive) <= 0 or self.max_per_host < 1:
            raise ValueError("deadline, timeouts, max_bytes and max_per_host must be positive")
        if min(self.max_redirects, self.retries, self.backoff_s, self.max_retry_after_s) < 0:
            raise ValueError("redirect, retry and backoff limits must not be negative")
        if self.min_host_interval_s < 0:
            raise ValueError("min_host_interval_s must not be negative")


DEFAULT_LIMITS = FetchLimits()


@dataclass(frozen=True)
class FetchResult:
    """A successful (2xx) or not-modified (304) response."""

    requested_url: str
    final_url: str
    status: int
    headers: dict[str, str] = field(repr=False)
    body: bytes = field(repr=False)
    fetched_at: datetime
    not_modified: bool
    etag: str | None
    last_modified: str | None
    media_type: str | None
    charset: str | None
    redirects: tuple[str, ...]


# --------------------------------------------------------------------------- errors


class FetchError(Exception):
    """Base fetch failure: ``reason`` is a stable short code, ``url`` the URL concerned."""

    reason = "fetch_error"

    def __init__(self, url: str, message: str) -> None:
        """Store the URL and a human message; str() never includes the query string."""
        super().__init__(f"{message}: {_redact(url)}")
        self.url = url
        self.message = message

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickle by constructor arguments (for process pools and task queues)."""
        return (type(self), (self.url, self.message))


class BadUrl(FetchError):
    """Not an absolute http(s) URL, or one carrying credentials or odd characters."""

    reason = "bad_url"


class BlockedAddress(FetchError):
    """The host is (or resolves to) a non-public address that is not allow-listed."""

    reason = "blocked_address"


class TooLarge(FetchError):
    """The decoded body exceeded ``max_bytes``."""

    reason = "too_large"


class DeadlineExceeded(FetchError):
    """The wall-clock deadline for the whole request passed."""

    reason = "deadline"


class TooManyRedirects(FetchError):
    """More than ``max_redirects`` redirects."""

    reason = "too_many_redirects"


class ConnectFailed(FetchError):
    """DNS, TCP, TLS or transport failure (after retries where retryable)."""

    reason = "connect_failed"


class Truncated(FetchError):
    """The body ended before the declared Content-Length."""

    reason = "truncated"


class BadEncoding(FetchError):
    """The Content-Encoding (gzip/deflate) stream could not be decoded."""

    reason = "bad_encoding"


class HttpStatus(FetchError):
    """An HTTP status the caller cannot use; ``status`` holds it."""

    reason = "http_status"

    def __init__(self, url: str, status: int, message: str | None = None) -> None:
        """Record the status alongside the URL."""
        super().__init__(url, message or f"HTTP {status}")
        self.status = status

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickle by constructor arguments."""
        return (type(self), (self.url, self.status, self.message))


class RateLimited(FetchError):
    """The server kept rate limiting us, or asked for a longer wait than we accept."""

    reason = "rate_limited"

    def __init__(self, url: str, status: int = 429, message: str | None = None) -> None:
        """Record the status alongside the URL."""
        super().__init__(url, message or f"rate limited (HTTP {status})")
        self.status = status

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickle by constructor arguments."""
        return (type(self), (self.url, self.status, self.message))


class _Transient(Exception):
    """Internal: a retryable connection-level failure."""


# --------------------------------------------------------------------------- addresses


def allow_list_from_env(value: str | None = None) -> tuple[AllowEntry, ...]:
    """Parse comma-separated hosts/IPs/CIDRs from *value*, or from WARDAY_FETCH_ALLOW."""
    raw = os.environ.get(ENV_ALLOW, "") if value is None else value
    return tuple(_parse_allow_entry(part) for part in raw.split(",") if part.strip())


def _parse_allow_entry(text: str) -> AllowEntry:
    """Turn one allow-list entry into a network or a lower-case hostname."""
    entry = text.strip().lower()
    with contextlib.suppress(ValueError):
        return ipaddress.ip_network(entry.strip("[]"), strict=False)
    host = entry.rstrip(".")
    if not _HOST_RE.match(host) or _looks_numeric(host):
        raise ValueError(f"invalid allow-list entry: {text!r}")
    return host


def is_public_address(ip: IPAddress) -> bool:
    """True only for globally routable unicast addresses (embedded IPv4 forms unwrapped)."""
    if isinstance(ip, ipaddress.IPv4Address):
        return _is_public_v4(ip)
    if ip.teredo is not None or ip in _NAT64_LOCAL:
        return False
    embedded = _embedded_ipv4(ip)
    if embedded is not None:
        return _is_public_v4(embedded)
    return ip.is_global and not (ip.is_multicast or ip.is_site_local or ip.is_reserved)


def _is_public_v4(ip: ipaddress.IPv4Address) -> bool:
    """Public IPv4: global, not multicast/reserved/shared/benchmark/this-network."""
    if not ip.is_global or ip.is_multicast or ip.is_reserved:
        return False
    return not any(ip in net for net in _BLOCKED_V4)


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address inside an IPv4-mapped, -compatible, 6to4 or NAT64 address."""
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip.sixtofour is not None:
        return ip.sixtofour
    if ip in _NAT64 or ip in _V4_COMPATIBLE:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def _looks_numeric(host: str) -> bool:
    """True if every label is a decimal/octal/hex number (an IPv4 literal in disguise)."""
    labels = host.rstrip(".").split(".")
    return all(_NUMERIC_LABEL.match(label) for label in labels)


def _ip_literal(host: str) -> IPAddress | None:
    """The address if *host* is a canonical IP literal, else None."""
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        return None


# --------------------------------------------------------------------------- URLs


@dataclass(frozen=True)
class _Target:
    """A validated URL split into what is needed to connect and send the request."""

    url: str
    scheme: str
    host: str
    port: int
    host_header: str
    request_target: str


def _redact(url: str) -> str:
    """The URL without credentials and query string, safe for messages and logs."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return "<unparseable URL>"
    netloc = parts.netloc.rpartition("@")[2]
    return f"{parts.scheme}://{netloc}{parts.path}" + ("?..." if parts.query else "")


def _parse_url(url: str) -> _Target:
    """Strictly parse and normalise an absolute http(s) URL, or raise BadUrl."""
    if not url or _BAD_URL_CHARS.search(url):
        raise BadUrl(url, "URL is empty or contains whitespace, control chars or backslashes")
    try:
        parts = urlsplit(url)
        explicit_port = parts.port
    except ValueError as exc:
        raise BadUrl(url, f"unparseable URL ({exc})") from None
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS:
        raise BadUrl(url, f"scheme {scheme or '(none)'!r} is not allowed")
    if "@" in parts.netloc:
        raise BadUrl(_redact(url), "credentials in URLs are not allowed")
    if explicit_port == 0:
        raise BadUrl(url, "port 0 is not allowed")
    host = _normalise_host(url, parts.hostname)
    port = explicit_port or _DEFAULT_PORTS[scheme]
    bracketed = f"[{host}]" if ":" in host else host
    host_header = bracketed if port == _DEFAULT_PORTS[scheme] else f"{bracketed}:{port}"
    path = quote(parts.path or "/", safe=_URL_SAFE)
    query = "?" + quote(parts.query, safe=_URL_SAFE + "?") if parts.query else ""
    return _Target(
        f"{scheme}://{host_header}{path}{query}", scheme, host, port, host_header, path + query
    )


def _normalise_host(url: str, hostname: str | None) -> str:
    """Return the lower-case ASCII host; refuse malformed or disguised-IP hosts."""
    if not hostname:
        raise BadUrl(url, "URL has no host")
    if ":" in hostname:
        if "%" in hostname or _ip_literal(hostname) is None:
            raise BadUrl(url, "malformed IPv6 literal")
        return str(ipaddress.IPv6Address(hostname))
    try:
        host = hostname.encode("idna").decode("ascii").lower()
    except UnicodeError:
        raise BadUrl(url, "host is not a valid (internationalised) domain name") from None
    if not _HOST_RE.match(host):
        raise BadUrl(url, "host contains characters not allowed in a hostname")
    if _looks_numeric(host) and _ip_literal(host) is None:
        raise BlockedAddress(url, "non-canonical numeric IPv4 host (decimal/octal/hex form)")
    return host


def _location(raw: str) -> str:
    """Recover a UTF-8 Location header that http.client decoded as Latin-1."""
    try:
        return raw.encode("latin-1").decode("utf-8").strip()
    except UnicodeError:
        return raw.strip()


def _parse_content_type(value: str | None) -> tuple[str | None, str | None]:
    """Split Content-Type into (media type, charset), both lower-case."""
    if not value:
        return None, None
    media, _, params = value.partition(";")
    media = media.strip().lower()
    charset = None
    for param in params.split(";"):
        key, _, val = param.partition("=")
        if key.strip().lower() == "charset":
            charset = val.strip().strip("\"'").lower() or None
    return (media if "/" in media else None), charset


def _retry_after_seconds(value: str | None) -> float | None:
    """Parse Retry-After (delta seconds or HTTP-date) into seconds from now."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


# --------------------------------------------------------------------------- plumbing


def _shutdown(sock: socket.socket) -> None:
    """Shut a socket down, waking any thread blocked on it."""
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)


class _Watchdog:
    """Shuts the request's socket down when the wall-clock deadline passes."""

    def __init__(self, seconds: float) -> None:
        """Arm a timer for *seconds*."""
        self.fired = False
        self._sock: socket.socket | None = None
        self._lock = threading.Lock()
        self._timer = threading.Timer(max(seconds, 0.0), self._fire)
        self._timer.daemon = True

    def __enter__(self) -> _Watchdog:
        """Start the timer."""
        self._timer.start()
        return self

    def __exit__(
        self, typ: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        """Disarm the timer and let go of the watched socket."""
        self._timer.cancel()
        with self._lock:
            if self._sock is not None:
                self._sock.close()
                self._sock = None

    def attach(self, sock: socket.socket) -> None:
        """Watch *sock* (shut it at once if the deadline already passed).

        The watchdog keeps its own duplicate of the descriptor: TLS wrapping detaches the
        original socket object, but shutting down any descriptor of the connection still
        wakes a read blocked in the handshake, the headers or the body.
        """
        with self._lock:
            if self._sock is not None:
                self._sock.close()
            self._sock = sock.dup()
            if self.fired:
                _shutdown(self._sock)

    def _fire(self) -> None:
        """Timer callback: mark the deadline as passed and kill the socket."""
        with self._lock:
            self.fired = True
            if self._sock is not None:
                _shutdown(self._sock)


class _WatchedHTTPConnection(HTTPConnection):
    """HTTPConnection that registers its socket with a deadline watchdog."""

    def __init__(self, *args: Any, watchdog: _Watchdog, **kwargs: Any) -> None:
        """Keep the watchdog for when the socket is created."""
        super().__init__(*args, **kwargs)
        self._watchdog = watchdog

    def _new_conn(self) -> socket.socket:
        """Create the socket and hand it to the watchdog."""
        sock = super()._new_conn()
        self._watchdog.attach(sock)
        return sock


class _WatchedHTTPSConnection(HTTPSConnection):
    """HTTPSConnection that registers its socket with a deadline watchdog."""

    def __init__(self, *args: Any, watchdog: _Watchdog, **kwargs: Any) -> None:
        """Keep the watchdog for when the socket is created."""
        super().__init__(*args, **kwargs)
        self._watchdog = watchdog

    def _new_conn(self) -> socket.socket:
        """Create the socket (before TLS) and hand it to the watchdog."""
        sock = super()._new_conn()
        self._watchdog.attach(sock)
        return sock


class _HTTPPool(HTTPConnectionPool):
    """Single-use pool pinned to one checked IP."""

    ConnectionCls = _WatchedHTTPConnection


class _HTTPSPool(HTTPSConnectionPool):
    """Single-use TLS pool pinned to one checked IP."""

    ConnectionCls = _WatchedHTTPSConnection


class _HostSlot:
    """Concurrency limit and request pacing for one host."""

    def __init__(self, max_concurrent: int) -> None:
        """Create the semaphore and pacing state."""
        self.semaphore = threading.BoundedSemaphore(max_concurrent)
        self.lock = threading.Lock()
        self.next_start = float("-inf")


@dataclass(frozen=True)
class _Response:
    """Status, headers and (for 2xx) the fully read body of one attempt."""

    status: int
    headers: dict[str, str]
    body: bytes


def _is_incomplete(exc: BaseException) -> bool:
    """True if a urllib3 error wraps http.client.IncompleteRead."""
    causes = (*exc.args, exc.__cause__)
    return any(isinstance(c, http.client.IncompleteRead) for c in causes)


# --------------------------------------------------------------------------- fetcher


class Fetcher:
    """Thread-safe, SSRF-hardened, polite HTTP GET client."""

    def __init__(
        self,
        limits: FetchLimits = DEFAULT_LIMITS,
        *,
        allow: Sequence[str] | None = None,
        user_agent: str = DEFAULT_USER_AGENT,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        host_gate: Callable[[str, float], float] | None = None,
    ) -> None:
        """Configure limits, allow-list (None: from WARDAY_FETCH_ALLOW) and time sources.

        host_gate(host, interval) reserves the host's next request start shared with other
        processes (parallel fetch tasks) and returns the seconds to wait for it."""
        entries = allow_list_from_env() if allow is None else allow_list_from_env(",".join(allow))
        self.limits = limits
        self.user_agent = user_agent
        self._allow_hosts = frozenset(e for e in entries if isinstance(e, str))
        self._allow_nets = tuple(e for e in entries if not isinstance(e, str))
        self._sleep = sleep
        self._clock = clock
        self._hosts: dict[str, _HostSlot] = {}
        self._hosts_lock = threading.Lock()
        self._host_gate = host_gate

    def fetch(
        self,
        url: str,
        *,
        etag: str | None = None,
        last_modified: str | None = None,
        accept: str | None = None,
    ) -> FetchResult:
        """GET *url*; return a 2xx/304 result or raise a FetchError subclass."""
        deadline = self._clock() + self.limits.deadline_s
        target = _parse_url(url)
        headers = self._base_headers(etag, last_modified, accept)
        redirects: list[str] = []
        while True:
            resp = self._hop(target, {**headers, "Host": target.host_header}, deadline)
            nxt = self._redirect(resp, target)
            if nxt is None:
                return self._result(url, target, resp, tuple(redirects), etag, last_modified)
            if len(redirects) >= self.limits.max_redirects:
                raise TooManyRedirects(url, f"more than {self.limits.max_redirects} redirects")
            redirects.append(nxt.url)
            target = nxt

    # ---- request construction and results

    def _base_headers(
        self, etag: str | None, last_modified: str | None, accept: str | None
    ) -> dict[str, str]:
        """Request headers shared by every hop (no cookies or credentials, ever)."""
        headers = {
            "User-Agent": self.user_agent,
            "Accept": accept or "*/*",
            "Accept-Encoding": "gzip, deflate",
            "Connection": "close",
        }
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        if any(_BAD_HEADER_CHARS.search(v) for v in headers.values()):
            raise ValueError("header values must not contain control characters")
        return headers

    def _redirect(self, resp: _Response, target: _Target) -> _Target | None:
        """The validated next hop if *resp* is a redirect, else None."""
        if resp.status not in _REDIRECT_STATUSES:
            return None
        location = resp.headers.get("location")
        if not location:
            raise HttpStatus(target.url, resp.status, f"HTTP {resp.status} without Location")
        return _parse_url(urljoin(target.url, _location(location)))

    def _result(
        self,
        requested: str,
        target: _Target,
        resp: _Response,
        redirects: tuple[str, ...],
        etag: str | None,
        last_modified: str | None,
    ) -> FetchResult:
        """Build the FetchResult for a 2xx/304 response, or raise HttpStatus."""
        if resp.status != 304 and not 200 <= resp.status < 300:
            raise HttpStatus(target.url, resp.status)
        not_modified = resp.status == 304
        media_type, charset = _parse_content_type(resp.headers.get("content-type"))
        return FetchResult(
            requested_url=requested,
            final_url=target.url,
            status=resp.status,
            headers=resp.headers,
            body=b"" if not_modified else resp.body,
            fetched_at=datetime.now(UTC),
            not_modified=not_modified,
            etag=resp.headers.get("etag") or (etag if not_modified else None),
            last_modified=resp.headers.get("last-modified")
            or (last_modified if not_modified else None),
            media_type=media_type,
            charset=charset,
            redirects=redirects,
        )

    # ---- one hop: resolve, check, retry

    def _hop(self, target: _Target, headers: dict[str, str], deadline: float) -> _Response:
        """Fetch one URL, retrying connection errors and 429/5xx with backoff."""
        addresses = self._resolve(target, deadline)
        attempt = 0
        while True:
            try:
                resp = self._attempt(target, addresses, headers, deadline)
            except _Transient as exc:
                delay = self._backoff(attempt)
                final: FetchError = ConnectFailed(target.url, f"connection failed ({exc})")
            else:
                if resp.status not in _RETRY_STATUSES:
                    return resp
                delay, final = self._status_delay(target, resp, attempt)
            if attempt >= self.limits.retries or delay >= self._remaining(deadline):
                raise final
            log.info("retrying %s in %.1fs (%s)", _redact(target.url), delay, final.message)
            self._sleep(delay)
            attempt += 1

    def _backoff(self, attempt: int) -> float:
        """Exponential backoff for the given (0-based) retry."""
        return float(self.limits.backoff_s * 2**attempt)

    def _status_delay(
        self, target: _Target, resp: _Response, attempt: int
    ) -> tuple[float, FetchError]:
        """Delay before retrying a 429/5xx and the error to raise if we give up."""
        status = resp.status
        final: FetchError = (
            RateLimited(target.url, status) if status == 429 else HttpStatus(target.url, status)
        )
        after = _retry_after_seconds(resp.headers.get("retry-after"))
        if after is None:
            return self._backoff(attempt), final
        if after > self.limits.max_retry_after_s:
            raise RateLimited(target.url, status, f"HTTP {status}, Retry-After {after:.0f}s")
        return after, final

    def _resolve(self, target: _Target, deadline: float) -> tuple[IPAddress, ...]:
        """Resolve the host and refuse it unless every address is public or allow-listed."""
        literal = _ip_literal(target.host)
        addresses = (literal,) if literal is not None else self._lookup(target, deadline)
        if target.host.rstrip(".") in self._allow_hosts:
            return addresses
        for ip in addresses:
            if not (is_public_address(ip) or any(ip in net for net in self._allow_nets)):
                raise BlockedAddress(target.url, f"{target.host} is non-public address {ip}")
        return addresses

    def _lookup(self, target: _Target, deadline: float) -> tuple[IPAddress, ...]:
        """getaddrinfo in a helper thread, so a stuck resolver cannot outlive the deadline."""
        box: list[Any] = []

        def run() -> None:
            """Resolve and store the outcome."""
            try:
                box.append(socket.getaddrinfo(target.host, target.port, type=socket.SOCK_STREAM))
            except (OSError, UnicodeError) as exc:
                box.append(exc)

        worker = threading.Thread(target=run, name="warday-dns", daemon=True)
        worker.start()
        worker.join(max(self._remaining(deadline), 0.0))
        if not box:
            raise DeadlineExceeded(target.url, "DNS resolution did not finish in time")
        if isinstance(box[0], Exception):
            raise ConnectFailed(target.url, f"cannot resolve {target.host} ({box[0]})")
        found = [ipaddress.ip_address(info[4][0]) for info in box[0]]
        if not found:
            raise ConnectFailed(target.url, f"{target.host} has no addresses")
        return tuple(dict.fromkeys(found))

    # ---- one attempt: pace, connect to the pinned IP, read

    def _attempt(
        self,
        target: _Target,
        addresses: tuple[IPAddress, ...],
        headers: dict[str, str],
        deadline: float,
    ) -> _Response:
        """One request under the host's politeness slot, trying each checked address."""
        with self._polite(target, deadline):
            failures: list[str] = []
            for ip in addresses:
                try:
                    return self._attempt_ip(target, ip, headers, deadline)
                except _Transient as exc:
                    failures.append(f"{ip}: {exc}")
            raise _Transient("; ".join(failures))

    def _attempt_ip(
        self, target: _Target, ip: IPAddress, headers: dict[str, str], deadline: float
    ) -> _Response:
        """Send the GET to one pinned IP and read the response under the watchdog."""
        remaining = self._remaining_or_raise(deadline, target.url)
        timeout = Timeout(
            connect=min(self.limits.connect_timeout_s, remaining),
            read=min(self.limits.read_timeout_s, remaining),
        )
        with (
            _Watchdog(remaining) as watchdog,
            contextlib.closing(self._pool(target, ip, timeout, watchdog)) as pool,
        ):
            resp = self._send(pool, target, headers, deadline, watchdog)
            try:
                return self._consume(resp, target, deadline, watchdog)
            finally:
                resp.close()

    def _pool(
        self, target: _Target, ip: IPAddress, timeout: Timeout, watchdog: _Watchdog
    ) -> HTTPConnectionPool:
        """A one-connection pool to *ip*, verifying TLS against the URL's hostname."""
        if target.scheme == "https":
            return _HTTPSPool(
                str(ip),
                target.port,
                timeout=timeout,
                maxsize=1,
                retries=False,
                cert_reqs="CERT_REQUIRED",
                assert_hostname=target.host.rstrip("."),
                server_hostname=target.host,
                watchdog=watchdog,
            )
        return _HTTPPool(
            str(ip), target.port, timeout=timeout, maxsize=1, retries=False, watchdog=watchdog
        )

    def _send(
        self,
        pool: HTTPConnectionPool,
        target: _Target,
        headers: dict[str, str],
        deadline: float,
        watchdog: _Watchdog,
    ) -> BaseHTTPResponse:
        """Send the request and return the streaming response (headers read)."""
        try:
            return pool.urlopen(
                "GET",
                target.request_target,
                headers=headers,
                retries=False,
                redirect=False,
                assert_same_host=False,
                preload_content=False,
                decode_content=True,
                release_conn=False,
            )
        except SSLError as exc:
            self._raise_if_late(watchdog, deadline, target.url)
            raise ConnectFailed(target.url, f"TLS failure ({exc})") from None
        except (HTTPError, OSError) as exc:
            self._raise_if_late(watchdog, deadline, target.url)
            raise _Transient(f"{type(exc).__name__}: {exc}") from None

    def _consume(
        self, resp: BaseHTTPResponse, target: _Target, deadline: float, watchdog: _Watchdog
    ) -> _Response:
        """Collect status and headers; read the body only for 2xx responses."""
        headers = {key.lower(): resp.headers[key] for key in resp.headers}
        log.debug("GET %s -> %d", _redact(target.url), resp.status)
        body = b""
        if 200 <= resp.status < 300:
            body = self._read_body(resp, headers, target, deadline, watchdog)
        return _Response(resp.status, headers, body)

    def _read_body(
        self,
        resp: BaseHTTPResponse,
        headers: dict[str, str],
        target: _Target,
        deadline: float,
        watchdog: _Watchdog,
    ) -> bytes:
        """Stream and decode the body under max_bytes, Content-Length and the deadline."""
        self._check_declared_size(headers, target)
        limit = self.limits.max_bytes
        body = bytearray()
        while True:
            self._arm_read_timeout(resp, deadline, target.url)
            chunk = self._read_chunk(
                resp, min(_CHUNK, limit + 1 - len(body)), target, deadline, watchdog
            )
            if not chunk:
                break
            body += chunk
            if len(body) > limit:
                raise TooLarge(target.url, f"decoded body exceeds {limit} bytes")
        self._raise_if_late(watchdog, deadline, target.url)
        return bytes(body)

    def _check_declared_size(self, headers: dict[str, str], target: _Target) -> None:
        """Refuse early when an unencoded body declares more than max_bytes."""
        if headers.get("content-encoding", "identity").strip().lower() != "identity":
            return
        declared = headers.get("content-length", "").strip()
        if declared.isdigit() and int(declared) > self.limits.max_bytes:
            raise TooLarge(target.url, f"Content-Length {declared} exceeds max_bytes")

    def _arm_read_timeout(self, resp: BaseHTTPResponse, deadline: float, url: str) -> None:
        """Set the socket timeout for the next read to at most the remaining deadline."""
        remaining = self._remaining_or_raise(deadline, url)
        sock = getattr(resp.connection, "sock", None)
        if sock is not None:
            sock.settimeout(min(self.limits.read_timeout_s, remaining))

    def _read_chunk(
        self,
        resp: BaseHTTPResponse,
        amount: int,
        target: _Target,
        deadline: float,
        watchdog: _Watchdog,
    ) -> bytes:
        """Read up to *amount* decoded bytes, mapping transport errors to FetchErrors."""
        try:
            return resp.read1(amount, decode_content=True)
        except DecodeError:
            self._raise_if_late(watchdog, deadline, target.url)
            raise BadEncoding(target.url, "corrupt compressed body") from None
        except (HTTPError, OSError) as exc:
            self._raise_if_late(watchdog, deadline, target.url)
            if _is_incomplete(exc):
                raise Truncated(target.url, "body shorter than Content-Length") from None
            raise ConnectFailed(target.url, f"connection lost reading body ({exc})") from None

    # ---- politeness and time

    @contextlib.contextmanager
    def _polite(self, target: _Target, deadline: float) -> Iterator[None]:
        """Hold one of the host's concurrency slots, pacing request starts."""
        slot = self._slot(target.host)
        if not slot.semaphore.acquire(timeout=max(self._remaining(deadline), 0.0)):
            raise DeadlineExceeded(target.url, "timed out waiting for a per-host slot")
        try:
            self._pace(slot, target, deadline)
            yield
        finally:
            slot.semaphore.release()

    def _slot(self, host: str) -> _HostSlot:
        """The (shared) politeness state for *host*."""
        key = host.rstrip(".")
        with self._hosts_lock:
            if key not in self._hosts:
                self._hosts[key] = _HostSlot(self.limits.max_per_host)
            return self._hosts[key]

    def _pace(self, slot: _HostSlot, target: _Target, deadline: float) -> None:
        """Reserve the host's next start time and sleep until it."""
        with slot.lock:
            now = self._clock()
            start = max(now, slot.next_start)
            slot.next_start = start + self.limits.min_host_interval_s
        self._wait(start - now, target, deadline)
        if self._host_gate is not None and self.limits.min_host_interval_s > 0:
            shared = self._host_gate(target.host.rstrip("."), self.limits.min_host_interval_s)
            self._wait(shared, target, deadline)

    def _wait(self, wait: float, target: _Target, deadline: float) -> None:
        """Sleep until a paced start, unless that would pass the deadline."""
        if wait <= 0:
            return
        if wait >= self._remaining(deadline):
            raise DeadlineExceeded(target.url, "per-host pacing would pass the deadline")
        self._sleep(wait)

    def _remaining(self, deadline: float) -> float:
        """Seconds left before *deadline*."""
        return deadline - self._clock()

    def _remaining_or_raise(self, deadline: float, url: str) -> float:
        """Seconds left, raising DeadlineExceeded when none are."""
        remaining = self._remaining(deadline)
        if remaining <= 0:
            raise DeadlineExceeded(url, "deadline passed")
        return remaining

    def _raise_if_late(self, watchdog: _Watchdog, deadline: float, url: str) -> None:
        """Raise DeadlineExceeded if the watchdog fired or the deadline passed."""
        if watchdog.fired or self._remaining(deadline) <= 0:
            raise DeadlineExceeded(url, f"deadline of {self.limits.deadline_s:g}s passed")
