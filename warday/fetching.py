"""One source at a time: list a directory, or fetch a feed (and its new pages) or a page.

Feeds and pages go through the one safe HTTP client with conditional GET, so an
unchanged feed costs a 304 and writes nothing.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import psycopg

from warday import settings
from warday.ingest.feeds import FeedError, FeedItem, parse_feed
from warday.ingest.http import Fetcher, FetchError, FetchLimits, FetchResult
from warday.ingest.local import LocalFileError
from warday.ingest.sources import Source
from warday.ingest.urls import canonical_url, scrub
from warday.pipeline import PIPELINE_VERSION, land_paths
from warday.store import repo
from warday.store.db import Conn, connect
from warday.store.queries import q

log = logging.getLogger(__name__)
FEED_ACCEPT = "application/rss+xml, application/atom+xml, application/xml;q=0.9, */*;q=0.5"
PAGE_ACCEPT = "text/html, application/xhtml+xml;q=0.9, */*;q=0.5"
DEFAULT_MAX_ITEMS = settings.FEED_MAX_ITEMS


def host_gate(host: str, interval: float) -> float:
    """Per-host request pacing shared by every process fetching (parallel mapped tasks):
    reserve the host's next request start in the database; the seconds to wait for it.
    (A short connection of its own: never inside a source's transaction.)"""
    with connect(autocommit=True) as conn:
        row = conn.execute(
            q("reserve_host_start"), {"host": host, "interval": timedelta(seconds=interval)}
        ).fetchone()
    return max(float(row["wait_s"]), 0.0) if row else 0.0


def shared_fetcher(limits: FetchLimits) -> Fetcher:
    """The client paced per host across processes."""
    return Fetcher(limits, host_gate=host_gate)


def run_source(
    conn: Conn,
    source: Source,
    make_fetcher: Callable[[FetchLimits], Fetcher] = shared_fetcher,
) -> dict[str, int]:
    """Land whatever is new at one source; failures become dead letters, never exceptions
    (only a database error escapes, so the task fails and is retried)."""
    try:
        return _run_source(conn, source, make_fetcher)
    except psycopg.Error:
        raise
    except Exception as exc:  # one broken source must not stop the others
        conn.rollback()
        _record_failure(conn, source, source.locator, exc, status="error")
        conn.commit()
        return {"fetch_failed": 1}


def _run_source(
    conn: Conn, source: Source, make_fetcher: Callable[[FetchLimits], Fetcher]
) -> dict[str, int]:
    """Land whatever is new at one source."""
    state = repo.upsert_source(conn, source.name, source.kind, source.locator, source.outlet)
    conn.commit()
    if source.kind == "directory":
        folder = Path(source.locator)
        if not folder.is_dir():  # a typo in the registry is an error, not an empty source
            raise LocalFileError(f"{folder}: directory does not exist or is not a directory")
        landed = land_paths(
            conn,
            [folder],
            {"outlet": source.outlet},
            state["source_id"],
            max_bytes=source.limits.get("max_bytes"),
            source_name=source.name,
        )
        repo.record_fetch(conn, source.name, "ok")
        return landed
    fetcher = make_fetcher(_limits(source))
    counts: Counter[str] = Counter()
    result = _fetch(conn, source, fetcher, source.locator, state, FEED_ACCEPT, counts)
    if result is not None:
        _land_fetched(conn, source, state["source_id"], result, counts)
        if source.kind == "feed":
            _check_feed(conn, source, result)
    if source.kind == "feed" and source.fetch_pages:
        # Behind a 304 the items come from the feed version landed before.
        feed = (result.body, result.final_url) if result else repo.current_feed(conn, source.name)
        items = _feed_items(*feed) if feed else []
        _fetch_pages(conn, source, state["source_id"], fetcher, items, counts)
    conn.commit()
    return dict(counts)


def _limits(source: Source) -> FetchLimits:
    """The client limits for a source, with its overrides applied."""
    overrides = {k: v for k, v in source.limits.items() if k in ("max_bytes", "deadline_s")}
    return replace(FetchLimits(), **overrides)


def _fetch(
    conn: Conn,
    source: Source,
    fetcher: Fetcher,
    url: str,
    state: dict[str, Any] | None,
    accept: str,
    counts: Counter[str],
) -> FetchResult | None:
    """Fetch a URL (conditionally when state has validators); record the outcome."""
    etag = state.get("etag") if state else None
    modified = state.get("last_modified") if state else None
    try:
        result: FetchResult = fetcher.fetch(url, etag=etag, last_modified=modified, accept=accept)
    except FetchError as exc:
        _record_failure(conn, source, url, exc, status=exc.reason if state is not None else None)
        counts["fetch_failed"] += 1
        return None
    counts["fetched"] += 1
    repo.resolve_dead_letters(conn, "fetch", [url])  # a 304 is a successful fetch too
    if state is not None:
        repo.record_fetch(
            conn,
            source.name,
            "not_modified" if result.not_modified else "ok",
            etag=result.etag,
            last_modified=result.last_modified,
        )
    if result.not_modified:
        counts["not_modified"] += 1
        return None
    return result


def _land_fetched(
    conn: Conn,
    source: Source,
    source_id: int,
    result: FetchResult,
    counts: Counter[str],
    meta: dict[str, Any] | None = None,
    doc_key: str | None = None,
) -> None:
    """Land a fetched body as a raw document."""
    discovery = source.kind == "feed" and source.fetch_pages and doc_key is None
    written = repo.insert_raw(
        conn,
        doc_key=doc_key or canonical_url(result.final_url),
        body=result.body,
        media_type=result.media_type or "application/octet-stream",
        meta={
            "outlet": source.outlet,
            **(meta or {}),
            **({"discovery_only": True} if discovery else {}),
        },
        fetched_at=result.fetched_at,
        requested_url=result.requested_url,
        final_url=result.final_url,
        headers=_kept_headers(result.headers),
        source_id=source_id,
    )
    counts["landed" if written else "unchanged"] += 1


def _check_feed(conn: Conn, source: Source, result: FetchResult) -> None:
    """A feed that does not parse is the source's failure: dead-letter it under its name."""
    try:
        parse_feed(result.body, base_url=result.final_url)
    except FeedError as exc:
        log.warning("feed of %s does not parse: %s", source.name, exc)
        repo.dead_letter(
            conn,
            stage="feed",
            locator=source.locator,
            error=exc,
            version=PIPELINE_VERSION,
            source_name=source.name,
        )
        repo.record_fetch(conn, source.name, "malformed", error=f"FeedError: {exc}")
    else:
        repo.resolve_dead_letters(conn, "feed", [source.locator])


class SourceFailed(RuntimeError):
    """A source failed this run (its own URL, its feed, or its pages); the rest is landed."""

    def __init__(self, source: str, reasons: list[str]) -> None:
        self.source, self.reasons = source, reasons
        more = f" (+{len(reasons) - 1} more)" if len(reasons) > 1 else ""
        super().__init__(f"source {source} failed: {reasons[0]}{more}")


def problems_since(conn: Conn, source_name: str, since: datetime) -> list[str]:
    """What went wrong at a source's fetch since a moment: fetch and feed dead letters."""
    rows = repo.fetch_all(conn, "source_problems", source=source_name, since=since)
    return [f"{r['locator']}: {r['error_class']}: {r['message'][:300]}" for r in rows]


def _feed_items(body: bytes, base_url: str | None) -> list[FeedItem]:
    """The items of a feed body, none when it does not parse."""
    try:
        return list(parse_feed(body, base_url=base_url).items)
    except FeedError:
        return []  # the feed's own processing records the dead letter


def _fetch_pages(
    conn: Conn,
    source: Source,
    source_id: int,
    fetcher: Fetcher,
    items: list[FeedItem],
    counts: Counter[str],
) -> None:
    """Fetch the article behind each item not landed yet, and again each page whose fetch
    failed before, even when the feed itself is unchanged."""
    limit = int(source.limits.get("max_items", DEFAULT_MAX_ITEMS))
    by_url = {item.url: item for item in items if item.url}
    candidates = list(by_url)[:limit]
    landed = repo.landed_keys(conn, candidates)
    pending = [url for url in candidates if url not in landed]
    for url in repo.open_fetch_failures(conn, source.name, exclude=source.locator):
        if url not in pending:
            pending.append(url)
    for url in pending:
        try:
            _fetch_page(conn, source, source_id, fetcher, url, by_url.get(url), counts)
        except psycopg.Error:
            raise
        except Exception as exc:  # one broken page must not cost the pages after it
            conn.rollback()
            _record_failure(conn, source, url, exc, status=None)
            counts["fetch_failed"] += 1
        conn.commit()


def _fetch_page(
    conn: Conn,
    source: Source,
    source_id: int,
    fetcher: Fetcher,
    url: str,
    item: FeedItem | None,
    counts: Counter[str],
) -> None:
    """Fetch and land one article page, with its feed item's title and date as fallbacks."""
    page = _fetch(conn, source, fetcher, url, None, PAGE_ACCEPT, counts)
    if page is None:
        return
    meta = {}
    if item is not None:
        published = item.published.isoformat() if item.published else None
        meta = {"feed_title": item.title, "feed_published": published}
    _land_fetched(conn, source, source_id, page, counts, meta, doc_key=url)


def _record_failure(
    conn: Conn, source: Source, url: str, exc: Exception, *, status: str | None
) -> None:
    """Dead-letter a failed fetch; with a status, also as the source's last fetch result."""
    log.warning("fetch %s failed: %s: %s", scrub(url), type(exc).__name__, scrub(str(exc)))
    repo.dead_letter(
        conn,
        stage="fetch",
        locator=url,
        error=exc,
        version=PIPELINE_VERSION,
        source_name=source.name,
    )
    if status is not None:
        repo.record_fetch(conn, source.name, status, error=f"{type(exc).__name__}: {exc}")


def _kept_headers(headers: dict[str, str]) -> dict[str, str]:
    """Response headers worth keeping as provenance (never cookies)."""
    keep = ("content-type", "etag", "last-modified", "date", "content-language", "server")
    return {k: v for k, v in headers.items() if k in keep}
