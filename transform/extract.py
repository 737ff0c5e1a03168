"""HTML to clean text and metadata with trafilatura, options pinned here."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

import trafilatura
from lxml import html as lxml_html
from trafilatura.settings import use_config

from transform.text import normalise

EXTRACTOR_VERSION = f"trafilatura-{trafilatura.__version__}+warday.1"
# Above this, extraction time and memory grow without bound (14 MB took 84 s here).
MAX_HTML_BYTES = 5 * 1024 * 1024

_CONFIG = use_config()
_CONFIG.set("DEFAULT", "INSECURE_SSL_FALLBACK", "off")
_CONFIG.set("DEFAULT", "EXTRACTION_TIMEOUT", "0")
_PUBLISHED_META = (
    "article:published_time",
    "og:article:published_time",
    "datePublished",
    "pubdate",
    "publishdate",
    "date",
    "dc.date",
    "DC.date.issued",
    "sailthru.date",
)


class ExtractionError(ValueError):
    """The page yielded no usable article text."""


@dataclass(frozen=True)
class Extracted:
    text: str
    title: str | None
    author: str | None
    published: datetime | None
    sitename: str | None
    url: str | None
    language: str | None


def extract_html(data: bytes | str, url: str | None = None) -> Extracted:
    """Parse the page once, read its meta tags, and extract the article text."""
    if len(data) > MAX_HTML_BYTES:
        raise ExtractionError(f"page of {len(data)} bytes exceeds the {MAX_HTML_BYTES} limit")
    tree = trafilatura.load_html(data)
    if tree is None:
        raise ExtractionError("not parseable as HTML")
    meta = _meta_tags(tree)
    doc = trafilatura.bare_extraction(
        tree,
        url=url,
        with_metadata=True,
        include_comments=False,
        include_tables=False,
        deduplicate=True,
        config=_CONFIG,
    )
    text = normalise(getattr(doc, "text", None) or "")
    if not text:
        raise ExtractionError("no article text found (empty body)")
    return Extracted(
        text=text,
        title=_clean(getattr(doc, "title", None)),
        author=_clean(getattr(doc, "author", None)),
        published=_published(meta),
        sitename=_clean(getattr(doc, "sitename", None)) or meta.get("og:site_name"),
        url=meta.get("canonical") or _clean(getattr(doc, "url", None)) or url,
        language=_clean(getattr(doc, "language", None)) or meta.get("lang"),
    )


def _meta_tags(tree: lxml_html.HtmlElement) -> dict[str, str]:
    """Meta name/property values, the canonical link and the page language."""
    found: dict[str, str] = {}
    for node in tree.iterfind(".//meta"):
        key = node.get("property") or node.get("name") or node.get("itemprop")
        if key and node.get("content") and key not in found:
            found[key] = node.get("content", "").strip()
    for link in tree.iterfind(".//link"):
        if link.get("rel") == "canonical" and link.get("href"):
            found["canonical"] = link.get("href", "").strip()
    if tree.get("lang"):
        found["lang"] = tree.get("lang", "")
    return found


def _published(meta: dict[str, str]) -> datetime | None:
    """The first meta publication time that carries a time zone."""
    for key in _PUBLISHED_META:
        value = meta.get(key)
        if value and (moment := parse_iso(value)) is not None:
            return moment
    return None


def parse_iso(value: str) -> datetime | None:
    """An aware datetime from ISO 8601 text, or None (naive values are rejected)."""
    try:
        moment = datetime.fromisoformat(re.sub(r"Z$", "+00:00", value.strip()))
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None


def _clean(value: str | None) -> str | None:
    """Normalised text or None when blank."""
    return normalise(value) or None if value else None
