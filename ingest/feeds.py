"""RSS/Atom parsing of bytes already fetched; feedparser never touches the network."""

from __future__ import annotations

import email.utils
import hashlib
import io
import re
import time
from dataclasses import dataclass
from datetime import UTC, datetime

import feedparser
from lxml import html as lxml_html

from warday.ingest.urls import canonical_url

# Entity declarations are how billion-laughs and quadratic blow-ups start.
_ENTITY_DECL = re.compile(rb"<!ENTITY", re.IGNORECASE)
# bozo exceptions that leave a perfectly usable feed.
_HARMLESS_BOZO = ("CharacterEncodingOverride", "NonXMLContentType")
_MAX_SUMMARY_CHARS = 200_000


class FeedError(ValueError):
    """The bytes are not a usable feed."""


@dataclass(frozen=True)
class FeedItem:
    key: str
    url: str | None
    title: str
    text: str
    published: datetime | None
    author: str | None
    flags: tuple[str, ...] = ()


@dataclass(frozen=True)
class ParsedFeed:
    title: str | None
    link: str | None
    items: tuple[FeedItem, ...]


def looks_like_feed(body: bytes) -> bool:
    """True when the bytes open like RSS, RDF or Atom XML."""
    head = body[:2048].lower()
    return b"<rss" in head or b"<feed" in head or b"<rdf:rdf" in head


def parse_feed(body: bytes, base_url: str | None = None) -> ParsedFeed:
    """Parse feed bytes into items keyed by guid, else by canonical link."""
    if _ENTITY_DECL.search(body):  # anywhere: comments may pad the prolog before a DOCTYPE
        raise FeedError("feed declares XML entities; refused (entity expansion attack)")
    parsed = feedparser.parse(io.BytesIO(body), sanitize_html=True, resolve_relative_uris=True)
    if parsed.get("bozo") and type(parsed.get("bozo_exception")).__name__ not in _HARMLESS_BOZO:
        raise FeedError(f"malformed feed: {parsed.get('bozo_exception')}")
    if not parsed.get("version"):
        raise FeedError("not an RSS or Atom document")
    link = parsed.feed.get("link") or base_url
    items, seen = [], set()
    for entry in parsed.entries:
        item = _item(entry, link)
        if item.key not in seen:  # duplicate guids inside one feed: keep the first
            seen.add(item.key)
            items.append(item)
    return ParsedFeed(parsed.feed.get("title"), link, tuple(items))


def _item(entry: feedparser.FeedParserDict, base: str | None) -> FeedItem:
    """One feed entry as a typed item."""
    url = canonical_url(entry["link"], base) if entry.get("link") else None
    text = _html_text(_entry_html(entry))
    title = _html_text(entry.get("title", "")) or (text[:120] if text else "")
    published, flags = _entry_date(entry)
    key = entry.get("id") or url or _fallback_key(title, text)
    return FeedItem(key, url, title, text, published, entry.get("author"), flags)


def _entry_html(entry: feedparser.FeedParserDict) -> str:
    """The richest body the entry carries: content, else summary."""
    contents = entry.get("content") or []
    best = max((c.get("value", "") for c in contents), key=len, default="")
    return best if len(best) > len(entry.get("summary", "")) else entry.get("summary", "")


def _html_text(fragment: str) -> str:
    """Visible text of a small HTML fragment, paragraphs kept apart."""
    fragment = fragment[:_MAX_SUMMARY_CHARS].strip()
    if not fragment:
        return ""
    if "<" not in fragment:
        return fragment
    root = lxml_html.fragment_fromstring(fragment, create_parent="div")
    for block in root.iter("p", "br", "li", "div", "h1", "h2", "h3"):
        block.tail = "\n\n" + (block.tail or "")
    return re.sub(r"\n\s*\n+", "\n\n", root.text_content()).strip()


def _entry_date(entry: feedparser.FeedParserDict) -> tuple[datetime | None, tuple[str, ...]]:
    """Published (else updated) time; a value without a zone is read as UTC and flagged."""
    for field in ("published", "updated"):
        moment = _parse_date(entry.get(field) or "", entry.get(f"{field}_parsed"))
        if moment is not None:
            flags: tuple[str, ...] = () if moment.tzinfo else ("date_zone_assumed_utc",)
            if field == "updated":
                flags += ("date_from_updated",)
            return moment.replace(tzinfo=moment.tzinfo or UTC), flags
    return None, ()


def _parse_date(raw: str, parsed: time.struct_time | None) -> datetime | None:
    """RFC 822 or ISO 8601 text (naive when it names no zone), else feedparser's parse in UTC."""
    raw = raw.strip()
    for parse in (email.utils.parsedate_to_datetime, datetime.fromisoformat):
        try:
            return parse(raw.replace("Z", "+00:00") if parse is datetime.fromisoformat else raw)
        except (TypeError, ValueError, IndexError):
            continue
    return datetime(*parsed[:6], tzinfo=UTC) if parsed else None


def _fallback_key(title: str, text: str) -> str:
    """A content key for items with neither guid nor link."""
    return "sha1:" + hashlib.sha1(f"{title}\n{text}".encode()).hexdigest()
