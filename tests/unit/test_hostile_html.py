"""Hostile pages through extract_safely: each ends as text or a reasoned ExtractionError,
in bounded time, without the test process's memory blowing up (the child is limited)."""

from __future__ import annotations

import os
import resource
import signal
import threading
import time
from collections.abc import Iterator

import pytest

from warday.transform import isolate
from warday.transform.extract import MAX_HTML_BYTES, Extracted, ExtractionError, extract_html
from warday.transform.isolate import (
    DEFAULT_TIMEOUT_S,
    ExtractionCrash,
    ExtractionMemory,
    ExtractionTimeout,
    extract_isolated,
    extract_safely,
    pathological,
    worker_pid,
)

# Child start-up (interpreter + trafilatura import) and JSON transfer on a slow CI machine.
SLACK_S = 8.0
# The parent holds the generated page, the child's captured output and its own copies.
MAX_PARENT_RSS_GROWTH_MB = 200

ARTICLE = b"""<html lang="uk"><head><title>Shelling in Kherson | Desk</title>
<meta property="article:published_time" content="2025-04-28T09:30:00+03:00"></head>
<body><article><h1>Shelling in Kherson</h1>
<p>Russian artillery shelled residential areas of Kherson on Monday morning, the regional
administration said, wounding four civilians and damaging a hospital building.</p>
<p>Power was cut in several districts while repair crews waited for the shelling to stop.</p>
</article></body></html>"""


def spans_page(size: int) -> bytes:
    """About `size` bytes of flat <span> soup."""
    unit = b"<span>word</span> "
    return b"<html><body><div>" + unit * (size // len(unit)) + b"</div></body></html>"


def deep_page(depth: int) -> bytes:
    """`depth` nested <div>s with one paragraph at the bottom."""
    text = b"<p>Deep text at the bottom of the nesting, a full sentence long.</p>"
    return b"<html><body>" + b"<div>" * depth + text + b"</div>" * depth + b"</body></html>"


def unclosed_page(tags: int) -> bytes:
    """`tags` alternating <p>/<div> tags, none of them closed."""
    return b"<html><body>" + b"<p>para text <div>block text " * (tags // 2) + b"</body></html>"


def rss_mb() -> float:
    """Peak resident set of this process (not its children), in MB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


@pytest.fixture
def bounded() -> Iterator[None]:
    """Fail if the body grows the parent's peak RSS by more than the allowance."""
    before = rss_mb()
    yield
    growth = rss_mb() - before
    assert growth < MAX_PARENT_RSS_GROWTH_MB, f"parent RSS grew by {growth:.0f} MB"


def run_timed(data: bytes) -> tuple[Extracted | ExtractionError, float]:
    """extract_safely's result or error, and the wall time it took."""
    start = time.monotonic()
    try:
        outcome: Extracted | ExtractionError = extract_safely(data, "https://example.org/p")
    except ExtractionError as exc:
        outcome = exc
    return outcome, time.monotonic() - start


@pytest.mark.usefixtures("bounded")
def test_14_mb_of_spans_is_isolated_and_limited() -> None:
    """Goes to the child (770,000 tags), which runs out of its 512 MB and says so."""
    data = spans_page(14 * 1024 * 1024)
    assert len(data) < MAX_HTML_BYTES
    outcome, seconds = run_timed(data)
    del data
    assert seconds < DEFAULT_TIMEOUT_S + SLACK_S
    # Measured here: the child passes 512 MB after about 2.5 s, far inside the time limit.
    assert isinstance(outcome, ExtractionMemory), outcome
    assert "exceeded 512 MB" in str(outcome)


@pytest.mark.usefixtures("bounded")
def test_50000_deep_divs_fail_with_a_nesting_reason() -> None:
    data = deep_page(50_000)
    assert pathological(data)
    outcome, seconds = run_timed(data)
    assert seconds < DEFAULT_TIMEOUT_S + SLACK_S
    assert isinstance(outcome, ExtractionError)
    assert "no article text found" in str(outcome)
    assert "pathological nesting" in str(outcome)


@pytest.mark.usefixtures("bounded")
def test_100000_unclosed_tags_end_as_text_or_reason() -> None:
    data = unclosed_page(100_000)
    assert pathological(data)
    outcome, seconds = run_timed(data)
    assert seconds < DEFAULT_TIMEOUT_S + SLACK_S
    # The parser keeps what lies above its depth limit: real text, nothing invented.
    assert isinstance(outcome, Extracted), outcome
    assert outcome.text and set(outcome.text.split("\n")) <= {"para text", "block text"}


def test_deep_nesting_in_process_names_the_cause() -> None:
    """A small deeply nested page also fails clearly when extracted in-process."""
    with pytest.raises(ExtractionError, match="pathological nesting"):
        extract_html(deep_page(3_000))


def test_timeout_kills_the_child() -> None:
    """With memory to spare, the wall-clock limit stops the child and names itself."""
    data = spans_page(14 * 1024 * 1024)
    start = time.monotonic()
    with pytest.raises(ExtractionTimeout, match=r"extraction exceeded 1 s"):
        extract_isolated(data, None, timeout_s=1, memory_mb=8192)
    assert time.monotonic() - start < 1 + SLACK_S


def test_memory_limit_is_reported() -> None:
    with pytest.raises(ExtractionMemory, match=r"^extraction exceeded 300 MB$"):
        extract_isolated(spans_page(14 * 1024 * 1024), None, memory_mb=300)


def test_ordinary_page_matches_in_process_and_isolated() -> None:
    """The child returns the same Extracted, metadata included."""
    assert not pathological(ARTICLE)
    in_process = extract_safely(ARTICLE, "https://example.org/kherson")
    isolated = extract_isolated(ARTICLE, "https://example.org/kherson")
    assert isolated == in_process
    assert in_process.title == "Shelling in Kherson"
    assert in_process.language == "uk"
    assert in_process.published is not None and in_process.published.utcoffset() is not None


def test_child_extraction_error_keeps_its_message() -> None:
    with pytest.raises(ExtractionError, match="no article text found") as info:
        extract_isolated(b"<html><body></body></html>", None)
    assert type(info.value) is ExtractionError


def test_oversized_page_is_refused_without_parsing() -> None:
    with pytest.raises(ExtractionError, match="exceeds the"):
        extract_safely(b" " * (MAX_HTML_BYTES + 1))


def test_crashed_child_is_reported() -> None:
    """A child killed by a signal mid-page becomes an ExtractionCrash naming the signal."""
    extract_isolated(ARTICLE, None, memory_mb=4096)
    pid = worker_pid(4096)
    assert pid is not None
    killer = threading.Timer(0.5, os.kill, (pid, signal.SIGSEGV))
    killer.start()
    with pytest.raises(ExtractionCrash, match=r"crashed \(signal SIGSEGV"):
        extract_isolated(spans_page(14 * 1024 * 1024), None, timeout_s=30, memory_mb=4096)
    killer.join()


def test_the_worker_stays_warm_between_pages_and_is_replaced_after_a_timeout() -> None:
    """Ordinary isolated pages reuse one child; a page past its limit gets it killed, and
    the next page is served by a fresh one."""
    first = extract_isolated(ARTICLE, None)
    pid = worker_pid()
    assert extract_isolated(ARTICLE, None) == first and worker_pid() == pid
    with pytest.raises(ExtractionTimeout):
        extract_isolated(spans_page(14 * 1024 * 1024), None, timeout_s=0.5)
    assert extract_isolated(ARTICLE, None) == first
    assert worker_pid() not in (None, pid)


def test_large_ordinary_pages_stay_in_process(monkeypatch: pytest.MonkeyPatch) -> None:
    """Size alone isolates nothing below IN_PROCESS_MAX_BYTES: a 1.5 MB page that is mostly
    an inline script is an ordinary page."""
    script = b"<script>var data = '" + b"x" * 1_500_000 + b"';</script>"
    page = ARTICLE.replace(b"</head>", script + b"</head>")

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("isolated")

    monkeypatch.setattr(isolate, "extract_isolated", refuse)
    assert not pathological(page)
    assert extract_safely(page).title == "Shelling in Kherson"
