"""From landed raw bytes to document drafts: dispatch on media type, apply metadata."""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from warday.ingest.feeds import FeedItem, looks_like_feed, parse_feed
from warday.ingest.urls import is_web_url, strip_credentials
from warday.transform.dateline import (
    dateline_source,
    is_outlet_name,
    is_section_label,
    split_dateline,
)
from warday.transform.extract import EXTRACTOR_VERSION, parse_iso
from warday.transform.isolate import extract_safely
from warday.transform.pagetype import SHORT_TEXT_CHARS, classify
from warday.transform.text import normalise

# Bump when what the plain-text, feed or JSON paths produce changes (part of the pipeline
# version, so failed documents are retried and `reprocess` can be targeted).
TEXT_PARSER_VERSION = "warday-text.5"
FEED_PARSER_VERSION = "warday-feed.1"


class ParseError(ValueError):
    """The raw document cannot be turned into documents."""


class DroppedInput(ParseError):
    """An item of a feed, or a document's URL, was left out; the rest went through."""


class PageRejected(ParseError):
    """A cookie wall, paywall or empty page where an article was expected."""


@dataclass(frozen=True)
class RawDoc:
    raw_id: int
    doc_key: str
    media_type: str
    body: bytes
    meta: dict[str, Any]
    url: str | None
    fetched_at: datetime


@dataclass(frozen=True)
class DocDraft:
    doc_key: str
    url: str | None
    outlet: str | None
    title: str
    author: str | None
    published_at: datetime | None
    text: str
    language: str | None = None
    flags: tuple[str, ...] = ()
    extractor_version: str = TEXT_PARSER_VERSION
    dateline: str | None = None
    modified_at: datetime | None = None


@dataclass(frozen=True)
class Parsed:
    drafts: list[DocDraft]
    rejected: list[tuple[str, str]]  # (item or document key, why it or its URL was dropped)


def parse_raw(raw: RawDoc) -> Parsed:
    """Documents carried by one raw document, and what was dropped on the way: unreadable
    feed items, and URLs that are not http(s) (a document keeps only a web URL, without
    credentials)."""
    rejected: list[tuple[str, str]] = []
    drafts = [_web_url_only(d, rejected) for d in _documents(raw, rejected)]
    return Parsed(drafts, rejected)


def documents_from_raw(raw: RawDoc) -> list[DocDraft]:
    """Documents carried by one raw document (a feed carries several)."""
    return parse_raw(raw).drafts


def _web_url_only(draft: DocDraft, rejected: list[tuple[str, str]]) -> DocDraft:
    """The draft with its URL kept only when it is http(s), credentials stripped."""
    if draft.url is None:
        return draft
    if not is_web_url(draft.url):
        scheme = draft.url.partition(":")[0][:20] if ":" in draft.url else ""
        rejected.append((draft.doc_key, f"url dropped: scheme {scheme!r} is not http(s)"))
        return replace(draft, url=None)
    return replace(draft, url=strip_credentials(draft.url))


def _documents(raw: RawDoc, rejected: list[tuple[str, str]]) -> list[DocDraft]:
    """Documents carried by one raw document, before the URL check."""
    if looks_like_feed(raw.body[:4096]) or raw.media_type.endswith(("rss+xml", "atom+xml")):
        drafts = _from_feed(raw, rejected)
        if raw.meta.get("discovery_only"):
            # Items' pages are fetched and become the documents; an item without a link
            # has no page, so its own text is the document.
            return [_apply_meta(d, raw.meta) for d in drafts if not d.url]
    elif raw.media_type == "text/html" or raw.body.lstrip()[:15].lower().startswith(
        b"<!doctype html"
    ):
        drafts = [_from_html(raw)]
    elif raw.media_type in ("application/json", "application/x-ndjson"):
        drafts = _from_json(raw)
    elif raw.media_type == "text/plain":
        drafts = [_from_text(raw)]
    else:
        raise ParseError(f"unsupported media type {raw.media_type}")
    if not drafts:
        raise ParseError("no documents in input")
    return [_apply_meta(d, raw.meta) for d in drafts]


def _decode(body: bytes) -> str:
    """UTF-8 text (BOM tolerated); anything else is an error, not mojibake."""
    try:
        return body.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ParseError(f"not UTF-8 text: {exc}") from exc


def _from_text(raw: RawDoc) -> DocDraft:
    """A plain-text dispatch: first line is the title when short.

    A text opening with a dateline ("CNN" / "—", "KYIV (AP) —") or with an outlet's
    name alone has no title line; its headline will be its first sentence.
    """
    text = normalise(_decode(raw.body))
    if not text:
        raise ParseError("empty text file")
    text = _without_page_labels(text)
    first, _, rest = text.partition("\n")
    dateline, byline, body = split_dateline(text)
    if dateline is not None or byline is not None:
        title = ""
    elif len(first) <= 200 and rest.strip() and not is_outlet_name(first) and not _is_lede(first):
        title, body = first.strip(), rest.strip()
        dateline, byline, body = split_dateline(body)
    else:
        title, body = "", text
        dateline, byline, body = split_dateline(body)
    return DocDraft(
        raw.doc_key,
        raw.url,
        dateline_source(dateline),
        title,
        byline,
        None,
        body,
        dateline=dateline,
    )


# A first line this long that ends with a full stop is the story's lede, not its title
# (pages whose headline was left out start with the first paragraph).
_LEDE_WORDS = 12


def _is_lede(line: str) -> bool:
    """A first line that reads as a sentence of the story: many words, a closing full stop."""
    line = line.strip().rstrip("\"'\u201d\u2019)")
    return line.endswith(".") and len(line.split()) >= _LEDE_WORDS


# A headline: a line of a few words or more, not closed like a sentence.
_MIN_HEADLINE_WORDS = 5
_MAX_HEADLINE_CHARS = 200


def _without_page_labels(text: str) -> str:
    """The text without the outlet and section labels a page prints above its headline
    ("The Guardian - AU" / "World", "Nation & World News"): such a line is dropped when
    the lines after it reach a headline, so that it never becomes the title."""
    lines = text.split("\n")
    skip = 0
    while skip < len(lines) - 1 and (is_outlet_name(lines[skip]) or is_section_label(lines[skip])):
        skip += 1
    if skip == 0 or not _is_headline_line(lines[skip]):
        return text
    return "\n".join(lines[skip:])


def _is_headline_line(line: str) -> bool:
    """A line that reads as a headline rather than a sentence or a label."""
    line = line.strip()
    return (
        len(line.split()) >= _MIN_HEADLINE_WORDS
        and len(line) <= _MAX_HEADLINE_CHARS
        and line[-1] not in ".!?:;,"
    )


def _from_html(raw: RawDoc) -> DocDraft:
    """An article page through the extractor; walls and empty shells are refused."""
    page = extract_safely(raw.body, url=raw.url)
    # only a short text is checked against the page's markup (walls), so only then decode it
    short = len(page.text) < SHORT_TEXT_CHARS
    kind = classify(raw.body[:500_000].decode("utf-8", "replace") if short else "", page.text)
    if kind != "article":
        raise PageRejected(f"{kind}: the page holds no article ({len(page.text)} chars of text)")
    dateline, byline, text = split_dateline(page.text)
    return DocDraft(
        raw.doc_key,
        page.url or raw.url,
        page.sitename or dateline_source(dateline),
        "" if is_outlet_name(page.title or "") else page.title or "",
        page.author or byline,
        page.published,
        text,
        page.language,
        (),
        EXTRACTOR_VERSION,
        dateline,
        page.updated,
    )


def _from_feed(raw: RawDoc, rejected: list[tuple[str, str]]) -> list[DocDraft]:
    """One document per feed item, keyed by the item; dropped items go to `rejected`."""
    feed = parse_feed(raw.body, base_url=raw.url)
    rejected.extend(feed.rejected)
    return [_from_item(item, feed.title) for item in feed.items if item.text or item.title]


def _from_item(item: FeedItem, feed_title: str | None) -> DocDraft:
    """A feed item as a document; its own key, URL and date."""
    return DocDraft(
        f"item:{item.url or item.key}",
        item.url,
        feed_title,
        item.title,
        item.author,
        item.published,
        normalise(item.text or item.title),
        None,
        item.flags,
        FEED_PARSER_VERSION,
    )


def _from_json(raw: RawDoc) -> list[DocDraft]:
    """One JSON object, or JSON lines, each with title/text/url/published."""
    text = _decode(raw.body).strip()
    try:
        objects = (
            [json.loads(text)]
            if text.startswith("{") and "\n{" not in text
            else [json.loads(line) for line in text.splitlines() if line.strip()]
        )
    except (ValueError, RecursionError) as exc:  # bad JSON, absurd nesting
        raise ParseError(f"invalid JSON: {exc}") from exc
    return [_from_object(raw, i, obj) for i, obj in enumerate(objects)]


def _from_object(raw: RawDoc, index: int, obj: Any) -> DocDraft:
    """One JSON record as a document."""
    if not isinstance(obj, dict) or not str(obj.get("text") or "").strip():
        raise ParseError(f"record {index}: needs an object with a non-empty 'text'")
    published = _published(obj.get("published"), f"record {index}")
    key = obj.get("url") or f"{raw.doc_key}#{index}"
    return DocDraft(
        f"item:{key}",
        obj.get("url"),
        obj.get("outlet"),
        str(obj.get("title") or ""),
        obj.get("author"),
        published,
        normalise(str(obj["text"])),
    )


def _published(value: Any, where: str) -> datetime | None:
    """An aware publication time, or an error naming where the bad value was."""
    if value in (None, ""):
        return None
    moment = parse_iso(str(value))
    if moment is None:
        raise ParseError(f"{where}: 'published' must be ISO 8601 with a time zone, got {value!r}")
    return moment


def _apply_meta(draft: DocDraft, meta: dict[str, Any]) -> DocDraft:
    """Sidecar / CLI metadata: fills outlet always, overrides title/url/date of single docs."""
    changes: dict[str, Any] = {}
    if not draft.title and meta.get("feed_title"):
        changes["title"] = normalise(meta["feed_title"])
    if draft.published_at is None and meta.get("feed_published"):
        changes["published_at"] = _published(meta["feed_published"], "feed item")
    if meta.get("outlet"):
        changes["outlet"] = meta["outlet"]
    if not draft.doc_key.startswith("item:"):
        if meta.get("title"):
            changes["title"] = normalise(meta["title"])
        if meta.get("url"):
            changes["url"] = meta["url"]
        if meta.get("published"):
            changes["published_at"] = _published(meta["published"], "metadata")
    return replace(draft, **changes)
