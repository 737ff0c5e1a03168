"""Extraction of hostile or oversized pages in a limited child process.

``extract_safely`` is the entry point for untrusted pages: ordinary pages (up to
``IN_PROCESS_MAX_BYTES`` and without pathological structure found by a cheap pre-scan) are
extracted in-process; the rest go to ``extract_isolated``, which runs ``extract_html`` in a fresh
``python -m transform.isolate`` child with an address-space limit (``RLIMIT_AS``) and a
wall-clock timeout after which the child is killed. Every failure is an ``ExtractionError``
naming its reason, so callers can dead-letter the page and carry on.

Child protocol: the page bytes on stdin, the limits and URL as arguments; one JSON object on
stdout: ``{"ok": {...Extracted fields...}}`` or ``{"error": "...", "kind": "..."}``.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import signal
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from warday.transform.extract import (
    MAX_HTML_BYTES,
    Extracted,
    ExtractionError,
    extract_html,
    parse_iso,
)

# Pages above this size are never parsed in the calling process.
IN_PROCESS_MAX_BYTES = 1024 * 1024
# Pre-scan limits for pages under IN_PROCESS_MAX_BYTES (a large news page has ~10,000 tags).
MAX_TAGS_IN_PROCESS = 50_000
MAX_DEPTH_IN_PROCESS = 2_000
DEFAULT_TIMEOUT_S = 20.0
DEFAULT_MEMORY_MB = 512
_MEMORY_EXIT = 3
# Containers that the HTML parser nests when left open (unlike <p> or <li>, which it closes).
_CONTAINERS = (b"div", b"span")
_ROOT = Path(__file__).resolve().parent.parent


class ExtractionTimeout(ExtractionError):
    """The isolated extraction ran past its wall-clock limit and was killed."""


class ExtractionMemory(ExtractionError):
    """The isolated extraction ran out of its address-space limit."""


class ExtractionCrash(ExtractionError):
    """The isolated extraction died without a result (signal, interpreter error)."""


def extract_safely(data: bytes, url: str | None = None) -> Extracted:
    """In-process extraction for ordinary pages, a limited child process for the rest."""
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
    timeout_s: float = DEFAULT_TIMEOUT_S,
    memory_mb: int = DEFAULT_MEMORY_MB,
) -> Extracted:
    """extract_html in a child process limited to `memory_mb` of address space and
    `timeout_s` of wall-clock time; any failure is raised as an ExtractionError subclass."""
    command = [sys.executable, "-m", "warday.transform.isolate", "--memory-mb", str(memory_mb)]
    command += ["--cpu-s", str(int(timeout_s) + 5)]
    if url:
        command += ["--url", url]
    try:
        done = subprocess.run(
            command,
            input=data,
            capture_output=True,
            timeout=timeout_s,
            env=_child_env(),
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise ExtractionTimeout(f"extraction exceeded {timeout_s:g} s") from exc
    return _result(done, memory_mb)


def _child_env() -> dict[str, str]:
    """The parent's environment with this checkout first on the module path."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(_ROOT), env.get("PYTHONPATH")]))
    return env


def _result(done: subprocess.CompletedProcess[bytes], memory_mb: int) -> Extracted:
    """The child's answer as an Extracted, or the matching ExtractionError."""
    if done.returncode == _MEMORY_EXIT:
        raise ExtractionMemory(f"extraction exceeded {memory_mb} MB")
    try:
        answer = json.loads(done.stdout.decode("utf-8"))
    except ValueError:
        answer = None
    if isinstance(answer, dict) and isinstance(answer.get("ok"), dict):
        return _from_json(answer["ok"])
    if isinstance(answer, dict) and answer.get("kind") == "extraction":
        raise ExtractionError(str(answer.get("error")))
    if isinstance(answer, dict) and answer.get("kind") == "crash":
        raise ExtractionCrash(f"extraction crashed ({answer.get('error')})")
    raise ExtractionCrash(_crash_reason(done, memory_mb))


def _crash_reason(done: subprocess.CompletedProcess[bytes], memory_mb: int) -> str:
    """A readable reason for a child that ended without an answer."""
    code = done.returncode
    how = f"signal {signal.Signals(-code).name}" if code < 0 else f"exit status {code}"
    tail = done.stderr.decode("utf-8", "replace").strip().splitlines()[-1:]
    detail = f": {tail[0][:200]}" if tail else ""
    return f"extraction crashed ({how}, memory limit {memory_mb} MB){detail}"


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


def _limit(memory_mb: int, cpu_s: int) -> None:
    """Cap this process's address space and CPU time (the child's own backstops)."""
    memory = memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_s, cpu_s + 1))


def _reached(memory_mb: int, share: float = 0.75) -> bool:
    """Whether this process's peak virtual size came within `share` of the limit (Linux
    /proc; elsewhere the peak resident size, a lower bound)."""
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmPeak:"):
                    peak_kb = int(line.split()[1])
    except (OSError, ValueError):
        pass
    return peak_kb >= share * memory_mb * 1024


def _child(argv: Sequence[str] | None = None) -> int:
    """The child side: read the page from stdin, extract under limits, answer on stdout."""
    parser = argparse.ArgumentParser(prog="python -m transform.isolate")
    parser.add_argument("--memory-mb", type=int, default=DEFAULT_MEMORY_MB)
    parser.add_argument("--cpu-s", type=int, default=int(DEFAULT_TIMEOUT_S) + 5)
    parser.add_argument("--url", default=None)
    args = parser.parse_args(argv)
    data = sys.stdin.buffer.read()
    _limit(args.memory_mb, args.cpu_s)
    try:
        answer: dict[str, Any] = {"ok": _to_json(extract_html(data, args.url))}
    except MemoryError:
        return _MEMORY_EXIT
    except Exception as exc:
        # libxml2 failing an allocation surfaces as "not parseable" (trafilatura swallows the
        # parser error): a child that reached its address-space ceiling ran out of memory
        if _reached(args.memory_mb):
            return _MEMORY_EXIT
        kind = "extraction" if isinstance(exc, ExtractionError) else "crash"
        answer = {"kind": kind, "error": f"{type(exc).__name__}: {exc}"[:500]}
        if kind == "extraction":
            answer["error"] = str(exc)
    sys.stdout.write(json.dumps(answer))
    sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(_child())
