"""Extraction of dangerous pages in a limited, warm child process.

``extract_safely`` is the entry point for untrusted pages. What is dangerous decides where a
page is parsed, not its size alone: pages without pathological structure (a cheap pre-scan
counts tags and unclosed containers) and under ``IN_PROCESS_MAX_BYTES`` are extracted
in-process - real news pages of 1-1.5 MB, mostly inline scripts, parse in 0.2 s; the rest go
to ``extract_isolated``, which hands them to this process's warm worker: one
``python -m warday.transform.isolate`` child, started on first use and kept for later pages,
with an address-space limit (``RLIMIT_AS``). A page that runs past its wall-clock limit gets
the child killed (the next page starts a fresh one); a child that ran out of memory or died
is reported and replaced. Every failure is an ``ExtractionError`` naming its reason, so
callers can dead-letter the page and carry on.

Budgets (environment, read per call): ``WARDAY_EXTRACT_TIMEOUT_S`` (default 20 s of
wall-clock time per isolated page, child start-up not included) and
``WARDAY_EXTRACT_MEMORY_MB`` (default 512 MB of address space for the child).

Child protocol, over its stdin/stdout: the child says ``{"ready": true}`` once its imports are
done; each request is a JSON line ``{"url": ..., "size": n}`` followed by the n page bytes;
each answer is one JSON line, ``{"ok": {...Extracted fields...}}`` or
``{"error": "...", "kind": "..."}``, with ``"exiting": true`` when the child recycles itself
after a page that grew it. An exit status of 3 means the child ran out of memory.
"""

from __future__ import annotations

import argparse
import atexit
import json
import os
import resource
import selectors
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from warday import settings
from warday.transform.extract import (
    MAX_HTML_BYTES,
    Extracted,
    ExtractionError,
    extract_html,
    parse_iso,
)

# Pages above this size are never parsed in the calling process (no article page comes near).
IN_PROCESS_MAX_BYTES = settings.ISOLATE_IN_PROCESS_MAX_BYTES
# Pre-scan limits for smaller pages (a large news page has ~10,000 tags).
MAX_TAGS_IN_PROCESS = settings.ISOLATE_MAX_TAGS_IN_PROCESS
MAX_DEPTH_IN_PROCESS = settings.ISOLATE_MAX_DEPTH_IN_PROCESS
DEFAULT_TIMEOUT_S = settings.ISOLATE_TIMEOUT_S
DEFAULT_MEMORY_MB = settings.ISOLATE_MEMORY_MB
STARTUP_TIMEOUT_S = settings.ISOLATE_STARTUP_TIMEOUT_S
_MEMORY_EXIT = 3
# A child whose peak address space grew by this share of its limit is replaced after the page.
_RECYCLE_SHARE = 0.25
# Containers that the HTML parser nests when left open (unlike <p> or <li>, which it closes).
_CONTAINERS = (b"div", b"span")
# The folder holding the `warday` package: the checkout, or site-packages when installed.
_ROOT = Path(__file__).parents[2]


_REFIRE_S = 0.05


class OverBudget(RuntimeError):
    """A stage of one document ran past its time or size budget."""


@contextmanager
def deadline(seconds: float, what: str) -> Iterator[None]:
    """Raise OverBudget when the block runs past `seconds`.

    On the main thread, with no other interval timer running (an Airflow task timeout uses
    one), SIGALRM interrupts the block, regular-expression matching included; elsewhere the
    overrun is found when the block ends. Use it around pure computation only.
    """
    message = f"{what} exceeded {seconds:g} s"
    armed = threading.current_thread() is threading.main_thread() and not any(
        signal.getitimer(signal.ITIMER_REAL)
    )
    previous: Any = None
    if armed:

        def _expire(signum: int, frame: Any) -> None:
            # fire again shortly: raised inside a finalizer the garbage collector runs (a
            # connection's __del__), the exception is swallowed and the block would go on
            signal.setitimer(signal.ITIMER_REAL, _REFIRE_S)
            raise OverBudget(message)

        previous = signal.signal(signal.SIGALRM, _expire)
        signal.setitimer(signal.ITIMER_REAL, seconds)
    started = time.monotonic()
    try:
        yield
    finally:
        if armed:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)
    if time.monotonic() - started > seconds:
        raise OverBudget(message)


class ExtractionTimeout(ExtractionError):
    """The isolated extraction ran past its wall-clock limit and was killed."""


class ExtractionMemory(ExtractionError):
    """The isolated extraction ran out of its address-space limit."""


class ExtractionCrash(ExtractionError):
    """The isolated extraction died without a result (signal, interpreter error)."""


def extract_safely(data: bytes, url: str | None = None) -> Extracted:
    """In-process extraction for ordinary pages, the limited warm child for dangerous ones."""
    if len(data) > MAX_HTML_BYTES:
        raise ExtractionError(f"page of {len(data)} bytes exceeds the {MAX_HTML_BYTES} limit")
    if len(data) > IN_PROCESS_MAX_BYTES or pathological(data):
        return extract_isolated(data, url)
    return extract_html(data, url)


def pathological(data: bytes) -> bool:
    """Cheap structural red flags: too many tags, or too many unclosed containers."""
    tags = data.count(b"<")
    if tags > MAX_TAGS_IN_PROCESS:
        return True
    # fewer tags than the depth limit cannot nest past it
    return tags > MAX_DEPTH_IN_PROCESS and nesting_estimate(data) > MAX_DEPTH_IN_PROCESS


def nesting_estimate(data: bytes) -> int:
    """Nesting depth implied by unclosed <div>/<span> (opening minus closing tags).

    Byte counts only (about 0.5 ms for a 300 KB page; a tag-by-tag scan or regex cost 3-5 ms,
    a third of the extraction itself). Deep but properly closed nesting is not seen here: a
    2,000-deep page has only a few thousand tags, and libxml2 stops nesting at 256 levels
    anyway, so in-process parsing of it stays cheap and extract_html reports the content lost
    below that depth; past MAX_TAGS_IN_PROCESS tags it is isolated by the tag count.
    """
    lowered = data.lower()
    return max(0, *(lowered.count(b"<" + tag) - lowered.count(b"</" + tag) for tag in _CONTAINERS))


def extract_isolated(
    data: bytes,
    url: str | None,
    *,
    timeout_s: float | None = None,
    memory_mb: int | None = None,
) -> Extracted:
    """extract_html in the warm child limited to `memory_mb` of address space and
    `timeout_s` of wall-clock time; any failure is raised as an ExtractionError subclass."""
    timeout_s = timeout_s or _env_number(settings.ENV_EXTRACT_TIMEOUT_S, DEFAULT_TIMEOUT_S)
    memory_mb = memory_mb or int(_env_number(settings.ENV_EXTRACT_MEMORY_MB, DEFAULT_MEMORY_MB))
    with _LOCK:
        return _from_json(_worker(memory_mb).extract(data, url, timeout_s))


def _env_number(name: str, default: float) -> float:
    """A positive number from the environment, else the default."""
    try:
        value = float(os.environ.get(name, "") or default)
    except ValueError:
        return default
    return value if value > 0 else default


class _Worker:
    """One warm child process and the pipes to it."""

    def __init__(self, memory_mb: int) -> None:
        self.memory_mb = memory_mb
        self.owner = os.getpid()
        self.stderr: IO[bytes] = tempfile.TemporaryFile()  # noqa: SIM115 (kept while the child runs)
        command = [sys.executable, "-m", "warday.transform.isolate", "--memory-mb", str(memory_mb)]
        self.proc = subprocess.Popen(
            command,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self.stderr,
            env=_child_env(),
        )
        self.buffer = b""
        answer = self._answer(STARTUP_TIMEOUT_S, "start-up")
        if not answer.get("ready"):
            raise ExtractionCrash(f"extraction worker did not start: {answer}")

    def alive(self) -> bool:
        """True while the child runs and belongs to this process (not a forked copy's)."""
        return self.owner == os.getpid() and self.proc.poll() is None

    def extract(self, data: bytes, url: str | None, timeout_s: float) -> dict[str, Any]:
        """Send one page, wait for its answer within the limit."""
        assert self.proc.stdin is not None
        header = json.dumps({"url": url, "size": len(data)}).encode() + b"\n"
        try:
            try:
                self.proc.stdin.write(header + data)
                self.proc.stdin.flush()
            except (BrokenPipeError, ValueError, OSError):
                pass  # the child died: its exit status is read below
            answer = self._answer(timeout_s, "extraction")
        except BaseException:
            self.close()  # interrupted mid-page: never leave an answer in flight
            raise
        if answer.pop("exiting", False):
            self.close()
        return _result(answer)

    def _answer(self, timeout_s: float, what: str) -> dict[str, Any]:
        """The next JSON line from the child, or the error its death or slowness means."""
        assert self.proc.stdout is not None
        deadline = time.monotonic() + timeout_s
        fd = self.proc.stdout.fileno()
        with selectors.DefaultSelector() as selector:
            selector.register(fd, selectors.EVENT_READ)
            while b"\n" not in self.buffer:
                left = deadline - time.monotonic()
                if left <= 0 or not selector.select(left):
                    self.close()
                    raise ExtractionTimeout(f"{what} exceeded {timeout_s:g} s")
                chunk = os.read(fd, 1 << 16)
                if not chunk:
                    raise self._death()
                self.buffer += chunk
        line, _, self.buffer = self.buffer.partition(b"\n")
        try:
            answer = json.loads(line.decode("utf-8"))
        except ValueError:
            answer = None
        if not isinstance(answer, dict):
            self.close()
            raise ExtractionCrash(f"extraction worker answered garbage: {line[:200]!r}")
        return answer

    def _death(self) -> ExtractionError:
        """The error for a child that ended without answering."""
        code = self.proc.wait()
        self.stderr.seek(0)
        tail = self.stderr.read().decode("utf-8", "replace").strip().splitlines()[-1:]
        self.close()
        if code == _MEMORY_EXIT:
            return ExtractionMemory(f"extraction exceeded {self.memory_mb} MB")
        how = f"signal {signal.Signals(-code).name}" if code < 0 else f"exit status {code}"
        detail = f": {tail[0][:200]}" if tail else ""
        return ExtractionCrash(
            f"extraction crashed ({how}, memory limit {self.memory_mb} MB){detail}"
        )

    def close(self) -> None:
        """Stop the child (if it is this process's) and release the pipes."""
        if self.owner != os.getpid():
            return
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()
        for stream in (self.proc.stdin, self.proc.stdout, self.stderr):
            if stream is not None:
                stream.close()


_LOCK = threading.Lock()
_WORKERS: dict[int, _Worker] = {}


def _worker(memory_mb: int) -> _Worker:
    """This process's live worker for the memory limit, started when there is none."""
    current = _WORKERS.get(memory_mb)
    if current is None or not current.alive():
        if current is not None:
            current.close()
        _WORKERS[memory_mb] = current = _Worker(memory_mb)
    return current


@atexit.register
def _stop_workers() -> None:
    """Stop this process's workers on exit (they also stop when their stdin closes)."""
    for worker in _WORKERS.values():
        worker.close()
    _WORKERS.clear()


def worker_pid(memory_mb: int = DEFAULT_MEMORY_MB) -> int | None:
    """The pid of this process's live worker for a memory limit, if any."""
    current = _WORKERS.get(memory_mb)
    return current.proc.pid if current is not None and current.alive() else None


def _child_env() -> dict[str, str]:
    """The parent's environment with this checkout first on the module path."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(_ROOT), env.get("PYTHONPATH")]))
    return env


def _result(answer: dict[str, Any]) -> dict[str, Any]:
    """The Extracted fields of an answer, or the matching ExtractionError."""
    if isinstance(answer.get("ok"), dict):
        return dict(answer["ok"])
    if answer.get("kind") == "extraction":
        raise ExtractionError(str(answer.get("error")))
    raise ExtractionCrash(f"extraction crashed ({answer.get('error')})")


def _to_json(page: Extracted) -> dict[str, Any]:
    """Extracted as JSON-ready fields."""
    fields = dict(vars(page))
    fields["published"] = page.published.isoformat() if page.published else None
    fields["updated"] = page.updated.isoformat() if page.updated else None
    return fields


def _from_json(fields: dict[str, Any]) -> Extracted:
    """Extracted from the child's JSON fields."""
    published, updated = fields.get("published"), fields.get("updated")
    return Extracted(
        text=str(fields["text"]),
        title=fields.get("title"),
        author=fields.get("author"),
        published=parse_iso(published) if published else None,
        sitename=fields.get("sitename"),
        url=fields.get("url"),
        language=fields.get("language"),
        updated=parse_iso(updated) if updated else None,
    )


def _limit(memory_mb: int) -> None:
    """Cap this process's address space (the child's own backstop)."""
    memory = memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))


def _peak_kb() -> int:
    """This process's peak virtual size (Linux /proc; elsewhere the peak resident size, a
    lower bound)."""
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmPeak:"):
                    peak_kb = int(line.split()[1])
    except (OSError, ValueError):
        pass
    return peak_kb


def _serve_one(data: bytes, url: str | None, memory_mb: int) -> dict[str, Any] | None:
    """One page's answer, or None when the child ran out of memory."""
    try:
        return {"ok": _to_json(extract_html(data, url))}
    except MemoryError:
        return None
    except Exception as exc:
        # libxml2 failing an allocation surfaces as "not parseable" (trafilatura swallows the
        # parser error): a child that reached its address-space ceiling ran out of memory
        if _peak_kb() >= 0.75 * memory_mb * 1024:
            return None
        if isinstance(exc, ExtractionError):
            return {"kind": "extraction", "error": str(exc)[:500]}
        return {"kind": "crash", "error": f"{type(exc).__name__}: {exc}"[:500]}


def _child(argv: Sequence[str] | None = None) -> int:
    """The child side: pages in on stdin, answers out on stdout, until stdin closes."""
    parser = argparse.ArgumentParser(prog="python -m warday.transform.isolate")
    parser.add_argument("--memory-mb", type=int, default=DEFAULT_MEMORY_MB)
    args = parser.parse_args(argv)
    _limit(args.memory_mb)
    baseline = _peak_kb()
    source, sink = sys.stdin.buffer, sys.stdout
    sink.write(json.dumps({"ready": True}) + "\n")
    sink.flush()
    while header := source.readline():
        request = json.loads(header)
        answer = _serve_one(source.read(int(request["size"])), request.get("url"), args.memory_mb)
        if answer is None:
            return _MEMORY_EXIT
        grown = _peak_kb() - baseline >= _RECYCLE_SHARE * args.memory_mb * 1024
        answer["exiting"] = grown
        sink.write(json.dumps(answer) + "\n")
        sink.flush()
        if grown:
            return 0
    return 0


if __name__ == "__main__":
    sys.exit(_child())
