"""RSS/Atom parsing of bytes already fetched; feedparser never touches the network."""

from __future__ import annotations

import codecs
import email.utils
import hashlib
import io
import re
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urlsplit

import feedparser
from lxml import html as lxml_html

from warday import settings
from warday.ingest.errors import InputError
from warday.ingest.urls import canonical_url, is_web_url

# Entity declarations are how billion-laughs and quadratic blow-ups start.
_ENTITY_DECL = re.compile(rb"<!ENTITY", re.IGNORECASE)
# bozo exceptions that leave a perfectly usable feed.
_HARMLESS_BOZO = ("CharacterEncodingOverride", "NonXMLContentType")
_MAX_SUMMARY_CHARS = settings.FEED_MAX_SUMMARY_CHARS
_DECLARED_ENCODING = re.compile(rb"""<\?xml[^>]*?encoding\s*=\s*["']([^"']*)["']""")
_ENCODING_NAME = re.compile(rb"[A-Za-z][A-Za-z0-9._:-]{0,39}")


class FeedError(InputError):
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
    rejected: tuple[tuple[str, str], ...] = ()  # (item key, why it or its link was dropped)


def looks_like_feed(body: bytes) -> bool:
    """True when the bytes open like RSS, RDF or Atom XML."""
    head = body[:2048].lower()
    return b"<rss" in head or b"<feed" in head or b"<rdf:rdf" in head


def parse_feed(body: bytes, base_url: str | None = None) -> ParsedFeed:
    """Parse feed bytes into items keyed by guid, else by canonical link.

    Raises only FeedError. One unreadable item is left out (named in ``rejected``), and an
    item link that is not http(s) is dropped (the item stays, without a URL)."""
    try:
        return _parse_feed(body, base_url)
    except FeedError:
        raise
    except Exception as exc:  # feedparser's internals on hostile bytes (KeyError, ...)
        raise FeedError(f"unparseable feed ({type(exc).__name__})") from None


def _parse_feed(body: bytes, base_url: str | None) -> ParsedFeed:
    """parse_feed without the guard."""
    if _ENTITY_DECL.search(body):  # anywhere: comments may pad the prolog before a DOCTYPE
        raise FeedError("feed declares XML entities; refused (entity expansion attack)")
    _check_declared_encoding(body)
    parsed = feedparser.parse(io.BytesIO(body), sanitize_html=True, resolve_relative_uris=True)
    if parsed.get("bozo") and type(parsed.get("bozo_exception")).__name__ not in _HARMLESS_BOZO:
        raise FeedError(f"malformed feed: {str(parsed.get('bozo_exception'))[:300]}")
    if not parsed.get("version"):
        raise FeedError("not an RSS or Atom document")
    link = _text_or_none(parsed.feed.get("link")) or base_url
    items: list[FeedItem] = []
    rejected: list[tuple[str, str]] = []
    seen: set[str] = set()
    for index, entry in enumerate(parsed.entries):
        try:
            item, dropped = _item(entry, link)
        except Exception as exc:  # one bad item must not cost its neighbours
            rejected.append((f"item {index}", f"unreadable item ({type(exc).__name__})"))
            continue
        if dropped:
            rejected.append((item.key, dropped))
        if item.key not in seen:  # duplicate guids inside one feed: keep the first
            seen.add(item.key)
            items.append(item)
    title = _text_or_none(parsed.feed.get("title"))
    return ParsedFeed(title, link, tuple(items), tuple(rejected))


def _check_declared_encoding(body: bytes) -> None:
    """Refuse an XML declaration naming an encoding no codec could have."""
    match = _DECLARED_ENCODING.search(body[:1024])
    if match and not _ENCODING_NAME.fullmatch(match[1]):
        raise FeedError("feed declares an invalid encoding name")
    if match:
        try:
            codecs.lookup(match[1].decode("ascii"))
        except LookupError:
            raise FeedError("feed declares an unknown encoding") from None


def _text_or_none(value: object) -> str | None:
    """A string field of feedparser's output, None when absent or not a string."""
    return value if isinstance(value, str) and value else None


def _item(entry: feedparser.FeedParserDict, base: str | None) -> tuple[FeedItem, str | None]:
    """One feed entry as a typed item, and why its link was dropped (None when it was not)."""
    link, dropped = _text_or_none(entry.get("link")), None
    url = canonical_url(link, base) if link else None
    if url is not None and not is_web_url(url):
        dropped = f"link dropped: scheme {urlsplit(url).scheme[:20]!r} is not http(s)"
        url = None
    text = _html_text(_entry_html(entry))
    title = _html_text(_text_or_none(entry.get("title")) or "") or (text[:120] if text else "")
    published, flags = _entry_date(entry)
    guid = _text_or_none(entry.get("id"))
    key = (guid or url or _fallback_key(title, text))[:2000]
    author = _text_or_none(entry.get("author"))
    return FeedItem(key, url, title, text, published, author, flags), dropped


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
