"""HTML to clean text and metadata with trafilatura, options pinned here.

The page is parsed once, by trafilatura.load_html's steps with a faster parser (_load_html).
Metadata comes from that tree's meta tags, ``<title>``/``<h1>``, the canonical link and
JSON-LD (parsed only when the meta tags leave a field open), not from trafilatura's own
metadata pass, which measured ~9 ms a page, as much as the text extraction itself. The text
comes from ``bare_extraction`` on the same tree with the options below, chosen with
``python -m bench.extraction`` (181 pages; that module documents the metric):

* ``fast=True``: skip the readability/justext comparison; same F1 (0.947 either way on the
  benchmark, tables on) at about 30 % less time;
* balanced focus (neither favor_precision nor favor_recall): recall mode scores the same F1 and
  is faster (no recall escalation) but, on 8 of the 10 pages where it differs, adds teaser and
  related-story blocks, which would become false tags downstream; precision mode lost recall
  (F1 0.928);
* ``include_tables=False``: news tables are mostly fact boxes, scoreboards and layout; dropping
  them raised precision (0.931 -> 0.938) with recall unchanged;
* ``include_comments=False``: reader comments are not the dispatch;
* ``deduplicate=False``: trafilatura's dedup cache is process-global, so a page seen a third
  time (a reprocess, a retry) came back empty and output depended on what the process had
  seen before; extraction must be a pure function of the bytes;
* inert subtrees dropped first: scripts (JSON-LD kept, trafilatura reads article bodies from
  it), styles, SVG drawings and noscript blocks, all of which trafilatura deletes anyway; its
  cleaning passes and tree copies then walk a smaller tree (about 5 % of the extraction time on
  the benchmark, same text on all 181 pages);
* asides, footers and the head's tags dropped next, where trafilatura could not read them
  before deleting them (see _drop_boilerplate): a quarter of the elements left on the
  benchmark's pages, about 6 % less extraction time (page by page, each page timed with and
  without in turn), the same extraction of all 181 pages;
* post-cleaning: a first line that only repeats the title (returned in ``title``) is dropped,
  as the plain-text path does with its title line; every other line is kept.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from itertools import islice
from typing import Any
from urllib.parse import urljoin, urlsplit

import trafilatura
from lxml import etree
from lxml import html as lxml_html
from trafilatura.settings import MANUALLY_CLEANED, use_config
from trafilatura.utils import (
    DOCTYPE_TAG,
    FAULTY_HTML,
    INVALID_XML_CHARS,
    decode_file,
    is_dubious_html,
)

from warday import settings
from warday.ingest.errors import InputError
from warday.transform.text import normalise

EXTRACTOR_VERSION = f"trafilatura-{trafilatura.__version__}+warday.2"
# Hard ceiling for any page. Pages above transform.isolate's in-process threshold (1 MB) go
# through a memory- and time-limited child process (extract_safely), so this only refuses
# what no news article is: a 14 MB page is extracted there within limits or rejected with a
# reason, while 32 MB+ is refused outright without parsing.
MAX_HTML_BYTES = settings.EXTRACT_MAX_HTML_BYTES

_CONFIG = use_config()
_CONFIG.set("DEFAULT", "INSECURE_SSL_FALLBACK", "off")
_CONFIG.set("DEFAULT", "EXTRACTION_TIMEOUT", "0")
_OPTIONS: dict[str, Any] = {
    "fast": True,
    "favor_precision": False,
    "favor_recall": False,
    "include_comments": False,
    "include_tables": False,
    "include_images": False,
    "include_links": False,
    "deduplicate": False,
    "with_metadata": False,
}
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
_UPDATED_META = ("article:modified_time", "og:updated_time", "dateModified", "last-modified")
_TITLE_META = ("og:title", "twitter:title", "title", "headline", "dc.title")
_AUTHOR_META = ("author", "article:author", "parsely-author", "sailthru.author", "dc.creator")
_SITE_META = ("og:site_name", "application-name", "twitter:site")
_TITLE_SEPARATORS = re.compile(r"\s+[|\u2014\u2013·•-]\s+")
_BY = re.compile(r"^by\s+", re.IGNORECASE)
_MAX_JSON_LD = settings.EXTRACT_MAX_JSON_LD_BYTES
_INERT = ("script", "style", "svg", "noscript")
# Deleted by trafilatura's cleaning and by its basic cleaning alike (_drop_boilerplate).
_BOILERPLATE = ("aside", "footer", "fencedframe")
# Elements trafilatura's cleaning deletes with their contents (tables too: they are off).
_CLEANED = frozenset([*MANUALLY_CLEANED, "table", "td", "th", "tr"])
# Words in the id or class of blocks its raw-tree prunes delete (comment sections, infinite
# scroll, share buttons): a wider net than its patterns, never a narrower one.
_PRUNE_MARKS = ("comment", "comol", "disqus", "dsq-", "mvp-post-add", "infinite", "share")
_PRUNABLE = frozenset(["div", "section", "aside", "details", "ol", "ul"])
_PARAGRAPHS_ASKED = 100
# trafilatura's parser options, with lxml's built-in class lookup instead of lxml.html's
# Python one, which runs for every element object made (some 300,000 per 181 pages, 8 % of
# the extraction time). Elements are all HtmlElement then, without the form classes
# (FormElement, InputElement...) that neither trafilatura nor warday use.
_PARSER = lxml_html.HTMLParser(
    collect_ids=False,
    default_doctype=False,
    encoding="utf-8",
    remove_comments=True,
    remove_pis=True,
)
_PARSER.set_element_class_lookup(
    etree.ElementDefaultClassLookup(
        element=lxml_html.HtmlElement,
        comment=lxml_html.HtmlComment,
        pi=lxml_html.HtmlProcessingInstruction,
        entity=lxml_html.HtmlEntity,
    )
)
_LD_JSON = "application/ld+json"
# What trafilatura's INVALID_XML_CHARS deletes, one character each.
_XML_FORBIDDEN = tuple(map(chr, [*range(0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0xFFFE, 0xFFFF]))
# libxml2 (without XML_PARSE_HUGE) stops building the tree at this element depth.
PARSER_MAX_DEPTH = settings.EXTRACT_PARSER_MAX_DEPTH


class ExtractionError(InputError):
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
    updated: datetime | None = None  # last modification, kept apart from publication


def extract_html(data: bytes | str, url: str | None = None) -> Extracted:
    """Parse the page once, read its metadata, and extract the article text.

    Raises only ExtractionError, whatever the bytes."""
    try:
        return _extract_html(data, url)
    except ExtractionError:
        raise
    except RecursionError:
        raise ExtractionError("page nested too deeply to extract") from None
    except Exception as exc:  # parser internals on hostile markup
        raise ExtractionError(f"page not extractable ({type(exc).__name__})") from None


def _extract_html(data: bytes | str, url: str | None) -> Extracted:
    """extract_html without the guard."""
    if len(data) > MAX_HTML_BYTES:
        raise ExtractionError(f"page of {len(data)} bytes exceeds the {MAX_HTML_BYTES} limit")
    tree = _load_html(data)
    if tree is None:
        raise ExtractionError("not parseable as HTML")
    meta = _meta_tags(tree)
    ld = _json_ld(tree) if _wants_json_ld(meta) else {}
    _drop_inert(tree)
    title = _title(tree, meta, ld)
    _drop_boilerplate(tree)
    doc = trafilatura.bare_extraction(tree, url=url, config=_CONFIG, **_OPTIONS)
    text = normalise(getattr(doc, "text", None) or "")
    if not text:  # the reason reads the page as parsed, before anything was dropped
        parsed = _load_html(data)
        raise ExtractionError(_empty_reason(tree if parsed is None else parsed))
    page_url = _page_url(meta, url)
    return Extracted(
        text=_without_headline(text, title),
        title=title,
        author=_author(meta, ld),
        published=_published(meta, ld),
        updated=_stamp([*(meta.get(k) for k in _UPDATED_META), str(ld.get("dateModified") or "")]),
        sitename=_sitename(meta, ld, page_url),
        url=page_url,
        language=_clean(meta.get("lang") or meta.get("content-language")),
    )


def _load_html(data: bytes | str) -> lxml_html.HtmlElement | None:
    """trafilatura.load_html's steps (decode, repair, parse, its fallbacks and its rejection of
    what is not HTML) with a parser that makes elements without a Python call per element."""
    text = decode_file(data)
    beginning = text[:50].lower()
    dubious = is_dubious_html(beginning)
    text = _repair(text, beginning)
    tree, retried = None, False
    try:
        tree = lxml_html.fromstring(text, parser=_PARSER)
    except ValueError:  # a string with an encoding declaration: parse its bytes
        tree, retried = _parse_bytes(text), True
    except Exception:  # libxml2 refuses the string: try its bytes below
        tree = None
    if (tree is None or len(tree) < 1) and not retried:
        tree = _parse_bytes(text)
    if tree is not None and dubious and len(tree) < 2:
        return None
    return tree


def _repair(text: str, beginning: str) -> str:
    """trafilatura's repairs before parsing: characters XML forbids deleted, a doctype with a
    slash removed from the first line, a self-closing <html/> opened. Pages seldom hold a
    forbidden character, and looking for each one takes a third of the time of the regex
    pass that deletes them (which then runs only when one is there)."""
    if any(char in text for char in _XML_FORBIDDEN):
        text = INVALID_XML_CHARS.sub("", text)
    if "doctype" in beginning:
        first, _, rest = text.partition("\n")
        text = DOCTYPE_TAG.sub("", first, count=1) + "\n" + rest
    for line in text[:4096].splitlines()[:4]:
        if "<html" in line and line.endswith("/>"):
            return FAULTY_HTML.sub(r"\1>", text, count=1)
    return text


def _parse_bytes(text: str) -> lxml_html.HtmlElement | None:
    try:
        return lxml_html.fromstring(text.encode("utf8", "surrogatepass"), parser=_PARSER)
    except Exception:  # libxml2 refuses it: no tree, as trafilatura has it
        return None


def _drop_inert(tree: lxml_html.HtmlElement) -> None:
    """Delete subtrees that never hold article text (see the module notes), keeping the text
    that follows each of them."""
    for node in list(tree.iter(*_INERT)):
        if node.tag == "script" and (node.get("type") or "").strip().lower() == _LD_JSON:
            continue
        _delete(node)


def _drop_boilerplate(tree: lxml_html.HtmlElement) -> None:
    """Delete asides, footers and the head's tags but JSON-LD before trafilatura sees the page:
    it deletes them on every path it takes (its cleaning; its basic cleaning before the
    baseline and the page measure, which read only the body and JSON-LD), after reading only
    what the conditions below keep. An aside or footer holding a script (JSON-LD: the baseline
    and the forum detection read it), an <h1> (the raw-tree prune asks whether a block holds
    one) or a forum's preloaded posts stays; so does everything on a page with no paragraph
    trafilatura keeps for sure, where its recall retry may bring it back (_keeps_a_paragraph).
    The metadata and the title are read before this."""
    if not _keeps_a_paragraph(tree):
        return
    head = tree.find("head")
    if head is not None:  # the metadata is read: of the head, trafilatura reads only JSON-LD
        for node in [child for child in head if child.tag != "script"]:
            _delete(node)
    # one pass over the page marks what stays (a pass per aside could be quadratic when they
    # nest): the asides and footers holding something trafilatura reads
    kept: set[lxml_html.HtmlElement] = set()
    for node in tree.iter("script", "h1", "div"):
        if node.tag != "div" or node.get("id") == "data-preloaded":
            kept.update(node.iterancestors(*_BOILERPLATE))
    for node in list(tree.iter(*_BOILERPLATE)):
        if node not in kept:
            _delete(node)


def _keeps_a_paragraph(tree: lxml_html.HtmlElement) -> bool:
    """True if a <p> lies outside everything trafilatura's cleaning deletes and everything its
    raw-tree prunes may delete (comment sections, infinite-scroll containers, share bars;
    matched here more broadly than it does). Only a page without such a paragraph has its
    cleaning undone in recall mode, which would restore what _drop_boilerplate deleted."""
    # the first such paragraph comes early (by the 25th on the benchmark pages); asking only
    # the first hundred bounds the walk on a hostile page (a False only keeps everything)
    for paragraph in islice(tree.iter("p"), _PARAGRAPHS_ASKED):
        if not any(_cleaned_or_pruned(node) for node in paragraph.iterancestors()):
            return True
    return False


def _cleaned_or_pruned(node: lxml_html.HtmlElement) -> bool:
    if node.tag in _CLEANED:
        return True
    if node.tag not in _PRUNABLE:
        return False
    marks = f"{node.get('id') or ''} {node.get('class') or ''}".lower()
    return any(mark in marks for mark in _PRUNE_MARKS)


def _delete(node: lxml_html.HtmlElement) -> None:
    """Remove a subtree, its tail text joined to what precedes it (as trafilatura does)."""
    parent = node.getparent()
    if parent is None:
        return
    if node.tail:
        before = node.getprevious()
        if before is not None:
            before.tail = (before.tail or "") + node.tail
        else:
            parent.text = (parent.text or "") + node.tail
    parent.remove(node)


def _without_headline(text: str, title: str | None) -> str:
    """The text without a first line that only repeats the title (kept in `title`), as for
    plain-text dispatches whose first line becomes the title."""
    first, _, rest = text.partition("\n")
    if title and rest.strip() and first.strip().casefold() == title.casefold():
        return rest.strip()
    return text


def _empty_reason(tree: lxml_html.HtmlElement) -> str:
    """Why no text came out: say so plainly when the page is pathologically nested."""
    depth = _max_depth(tree)
    if depth >= PARSER_MAX_DEPTH:
        return (
            f"no article text found (pathological nesting: elements reach the HTML parser's "
            f"depth limit of {PARSER_MAX_DEPTH}, deeper content was dropped)"
        )
    return "no article text found (empty body)"


def _max_depth(tree: lxml_html.HtmlElement) -> int:
    """Deepest element nesting of the parsed tree, in one pass without recursion."""
    depth = deepest = 0
    for event, _node in etree.iterwalk(tree, events=("start", "end")):
        depth += 1 if event == "start" else -1
        deepest = max(deepest, depth)
    return deepest


def _meta_tags(tree: lxml_html.HtmlElement) -> dict[str, str]:
    """Meta name/property values, the canonical link, <title> and the page language."""
    found: dict[str, str] = {}
    for node in tree.iter("meta", "link", "title"):
        if node.tag == "meta":
            key = node.get("property") or node.get("name") or node.get("itemprop")
            key = key or (node.get("http-equiv") or "").lower()
            value = (node.get("content") or "").strip()
            if key and value and key not in found:
                found[key] = value
        elif node.tag == "link":
            href = (node.get("href") or "").strip()
            if href and "canonical" in (node.get("rel") or "").lower().split():
                found.setdefault("canonical", href)
        elif "<title>" not in found and (title := node.text_content().strip()):
            found["<title>"] = title
    if tree.get("lang"):
        found["lang"] = tree.get("lang", "").strip()
    return found


def _wants_json_ld(meta: dict[str, str]) -> bool:
    """Whether the meta tags leave a field that JSON-LD may fill (it costs a JSON parse)."""
    has_title = any(key in meta for key in _TITLE_META)
    has_author = any(key in meta for key in (*_AUTHOR_META, "byl"))
    has_site = any(key in meta for key in _SITE_META)
    has_date = _published(meta) is not None
    return not (has_title and has_author and has_site and has_date)


def _json_ld(tree: lxml_html.HtmlElement) -> dict[str, Any]:
    """The first JSON-LD object that looks like an article (or the first object at all)."""
    first: dict[str, Any] = {}
    for script in tree.iterfind(".//script[@type='application/ld+json']"):
        raw = script.text or ""
        if not raw.strip() or len(raw) > _MAX_JSON_LD:
            continue
        try:
            data = json.loads(raw)
        except ValueError:
            continue
        for item in _ld_items(data):
            if "Article" in str(item.get("@type", "")) or "Posting" in str(item.get("@type", "")):
                return item
            first = first or item
    return first


def _ld_items(data: Any) -> Iterator[dict[str, Any]]:
    """Objects of a JSON-LD document, including those in @graph lists."""
    items = data if isinstance(data, list) else [data]
    for item in items:
        if isinstance(item, dict):
            yield item
            graph = item.get("@graph")
            if isinstance(graph, list):
                yield from (g for g in graph if isinstance(g, dict))


def _ld_name(value: Any) -> str | None:
    """A name from a JSON-LD string, {"name": ...} object or list of them (joined)."""
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        name = value.get("name")
        return name if isinstance(name, str) else None
    if isinstance(value, list):
        names = [n for n in map(_ld_name, value) if n]
        return ", ".join(names) or None
    return None


def _title(tree: lxml_html.HtmlElement, meta: dict[str, str], ld: dict[str, Any]) -> str | None:
    """og/twitter title, JSON-LD headline, a lone <h1>, then <title> minus the site name."""
    for key in _TITLE_META:
        if value := _clean(meta.get(key)):
            return value
    if isinstance(ld.get("headline"), str) and (value := _clean(ld["headline"])):
        return value
    headings = tree.findall(".//h1")
    if len(headings) == 1 and (value := _clean(headings[0].text_content())):
        return value
    return _strip_site(meta.get("<title>"))


def _strip_site(title: str | None) -> str | None:
    """'Story | Site' -> 'Story': the longest separator-delimited part of a <title>."""
    if not title:
        return None
    parts = [p for p in _TITLE_SEPARATORS.split(title) if p.strip()]
    return _clean(max(parts, key=len) if len(parts) > 1 else title)


def _author(meta: dict[str, str], ld: dict[str, Any]) -> str | None:
    """Meta author (not a profile URL), the NYT-style byl, then JSON-LD author names."""
    for key in _AUTHOR_META:
        value = meta.get(key)
        if value and not value.startswith(("http://", "https://", "/")):
            return _clean(value)
    if byl := meta.get("byl"):
        return _clean(_BY.sub("", byl))
    return _clean(_ld_name(ld.get("author")))


def _published(meta: dict[str, str], ld: dict[str, Any] | None = None) -> datetime | None:
    """The first meta (then JSON-LD) publication time that carries a time zone."""
    candidates = [meta.get(key) for key in _PUBLISHED_META]
    candidates.append(str((ld or {}).get("datePublished") or ""))
    return _stamp(candidates)


def _stamp(candidates: list[str | None]) -> datetime | None:
    """The first candidate that parses as an aware timestamp."""
    for value in candidates:
        if value and (moment := parse_iso(value)) is not None:
            return moment
    return None


def _sitename(meta: dict[str, str], ld: dict[str, Any], url: str | None) -> str | None:
    """og:site_name and friends, the JSON-LD publisher, else the URL's host name."""
    for key in _SITE_META:
        if value := _clean(meta.get(key, "").lstrip("@")):
            return value
    if value := _clean(_ld_name(ld.get("publisher"))):
        return value
    host = urlsplit(url).hostname if url else None
    return host.removeprefix("www.") if host else None


def _page_url(meta: dict[str, str], url: str | None) -> str | None:
    """The canonical (else og:url) address made absolute against `url`, else `url`."""
    for key in ("canonical", "og:url"):
        value = meta.get(key)
        if not value:
            continue
        absolute = urljoin(url, value) if url else value
        if urlsplit(absolute).scheme in ("http", "https"):
            return absolute
    return url


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
