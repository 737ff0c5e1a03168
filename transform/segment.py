"""Split a day digest into its sub-stories; a plain article stays one entry.

Shapes handled:

* a lead summary followed by headed sections (the lead becomes the ``summary`` entry);
* theme headings ("Fighting", "FIGHTING", "Fighting:") over bullet or numbered lists,
  one entry per item; an item wrapped over several lines stays one item;
* theme headings over headed sub-stories (the theme becomes their section);
* headings that repeat sentences of the lead summary verbatim (then they are headings
  even though they end with a full stop, and a bulleted lead stays the summary);
* live-blog blocks that open with a time stamp ("09:15", "14:05 GMT", "10.40 BST"),
  with or without a headline line under the stamp;
* numbered headings ("1. Ceasefire talks") over body paragraphs;
* text written one paragraph per line, as extracted web pages are.

The rules are conservative: a one-line paragraph that reads as a sentence (closing
punctuation, two sentences, a byline) is never taken for a heading.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from warday.transform.dateline import is_outlet_name
from warday.transform.text import sentences
from warday.transform.wardate import is_date_line

SEGMENTER_VERSION = "segment-2"
_BULLET = re.compile(r"^\s*(?:[-*\u2022\u25aa\u25cf]|\d{1,2}[.)])\s+")
_ZONE = r"(?:GMT|UTC|CET|CEST|EET|EEST|BST|MSK|Kyiv time|local time)"
# "09:15 text", "14:05 GMT - text", "10.40 BST"; a dotted stamp needs a zone or a
# separator after it so that "2.50 million people" is not read as a time.
_TIMESTAMP = re.compile(
    rf"^(?:[01]?\d|2[0-3])(?::[0-5]\d(?:\s*{_ZONE})?(?=\s|$)"
    rf"|\.[0-5]\d(?:\s*{_ZONE}(?=\s|$)|(?=\s*(?:$|\n|[-\u2014|]\s))))"
)
_META_LINE = re.compile(
    r"^(?:by|updated|last updated|published|posted|photo|source|reporting by|editing by"
    r"|read more|additional reporting)\b",
    re.IGNORECASE,
)
# A header label alone on its line: "Published :", "Updated:", "Source: Meduza".
_LABEL_LINE = re.compile(
    r"^(?:published|updated|posted|source|photo|credit)\s*(?::\s*[^.!?]{0,40})?$|^\u00a9",
    re.IGNORECASE,
)
# Headlines are written in the present tense; "said" or "told" marks a reported sentence.
_REPORTED = re.compile(r"\b(?:said|told|added)\b", re.IGNORECASE)
_MARKUP = re.compile(r"^#+\s*|\*\*")
_MAX_HEADING_WORDS = 14
_MAX_COLON_HEADING_WORDS = 6
_MIN_ECHO_WORDS = 4
_MIN_ECHOES = 2
_CLOSING = ".!?;:,\u2026"


@dataclass(frozen=True)
class Segment:
    ordinal: int
    headline: str
    text: str
    section: str | None = None


@dataclass
class _Draft:
    headline: str
    section: str | None
    parts: list[str] = field(default_factory=list)


def is_heading(block: str) -> bool:
    """A short single line without closing punctuation reads as a heading.

    "Fighting:" (a few words and a colon) and ALL CAPS lines count; a line ending in a
    full stop, holding two sentences, reporting speech ("... said") or opening like a
    byline ("By ...") does not.
    """
    line = _MARKUP.sub("", block.strip()).strip()
    if "\n" in line or not line or _BULLET.match(line) or _TIMESTAMP.match(line):
        return False
    if _META_LINE.match(line) or _REPORTED.search(line):
        return False
    words = line.split()
    first = next((c for c in line if c.isalnum()), "")
    if len(words) > _MAX_HEADING_WORDS or not (first.isupper() or first.isdigit()):
        return False
    if line.endswith(":"):
        return len(words) <= _MAX_COLON_HEADING_WORDS and ":" not in line[:-1]
    end = line.rstrip("\"'\u201d\u2019)")
    if not end or end[-1] in _CLOSING:
        return False
    return len(sentences(line)) == 1


def looks_like_digest(title: str, text: str) -> bool:
    """Whether a text without a day number is a digest by its structure."""
    return False


def blocks(text: str) -> list[str]:
    """Paragraph blocks separated by blank lines.

    Text with no blank line at all is taken to hold one paragraph per line (the way
    extracted web pages are written); a line continuing an unfinished bullet joins it.
    """
    parts = [b.strip() for b in re.split(r"\n\s*\n", text) if b.strip()]
    if len(parts) != 1 or "\n" not in parts[0]:
        return parts
    lines: list[str] = []
    for line in (ln.strip() for ln in parts[0].split("\n")):
        if not line:
            continue
        previous = lines[-1] if lines else ""
        if (
            _BULLET.match(previous)
            and previous[-1] not in ".!?\"'"
            and not _BULLET.match(line)
            and not _TIMESTAMP.match(line)
            and not is_heading(line)
        ):
            lines[-1] = f"{previous} {line}"
        else:
            lines.append(line)
    return lines


def segment(title: str, body: str, *, digest: bool) -> list[Segment]:
    """Entries of a document: sub-stories of a digest, or the whole article."""
    if digest:
        drafts = [d for d in _digest_drafts(title, blocks(body)) if d.parts]
        if len(drafts) > 1:
            return [
                Segment(
                    i, d.headline or _first_sentence(d.parts[0]), "\n\n".join(d.parts), d.section
                )
                for i, d in enumerate(drafts)
            ]
    return [Segment(0, title or _first_sentence(body), body.strip())]


def _digest_drafts(title: str, paragraphs: list[str]) -> list[_Draft]:
    """Walk the blocks, opening a draft at each heading, list item or time stamp."""
    if paragraphs and title and _key(paragraphs[0]) == _key(title):
        paragraphs = paragraphs[1:]  # an extracted page repeats its title as a paragraph
    start, echoes = _echo_headings(paragraphs)
    drafts = [_Draft(title, "summary", list(paragraphs[:start]))]
    theme: str | None = None
    nested = False  # the theme heads sub-stories, not just list items
    for i in range(start, len(paragraphs)):
        block = paragraphs[i]
        current = drafts[-1]
        heading = _heading(paragraphs, i, echoes)
        if current.section == "live" and not current.headline:
            # a bare time stamp: the next heading or paragraph gives its headline
            current.headline = heading or _first_sentence(block)
            if heading is None:
                current.parts.append(block)
            continue
        if heading is not None:
            nxt = _kind(paragraphs, i + 1, echoes)
            if nxt == "text":
                drafts.append(_Draft(heading, theme if nested else None))
                if not nested:
                    theme = None
            elif nxt == "list":
                theme, nested = heading, False
            elif nxt in ("heading", "stamp") and not block.endswith(":"):
                theme, nested = heading, True
            else:
                current.parts.append(block)
        elif (listed := _list_items(block))[1]:
            inline, items = listed
            section = inline if inline is not None else theme
            if inline is not None:
                theme, nested = inline, False
            drafts.extend(_Draft(_first_sentence(item), section, [item]) for item in items)
        elif stamp := _TIMESTAMP.match(block):
            drafts.append(_live_draft(block[stamp.end() :]))
        else:
            current.parts.append(block)
    return drafts


def _kind(paragraphs: list[str], i: int, echoes: frozenset[str]) -> str | None:
    """What block i is: heading, list, stamp or text (None past the end)."""
    if i >= len(paragraphs):
        return None
    block = paragraphs[i]
    if _heading(paragraphs, i, echoes) is not None:
        return "heading"
    if _list_items(block)[1]:
        return "list"
    if _TIMESTAMP.match(block):
        return "stamp"
    return "text"


def _heading(paragraphs: list[str], i: int, echoes: frozenset[str]) -> str | None:
    """The heading text of block i, or None when it is not a heading.

    Besides :func:`is_heading`, a line repeating a lead sentence is a heading, and so is
    a numbered or bulleted single line that reads as a heading and is followed by prose.
    """
    block = paragraphs[i]
    if "\n" in block:
        return None
    if is_heading(block) or (_key(block) in echoes and not _BULLET.match(block)):
        return _clean(block)
    following = paragraphs[i + 1] if i + 1 < len(paragraphs) else ""
    marker = _BULLET.match(block)
    if (
        marker
        and following
        and not block.rstrip().endswith(":")
        and is_heading(block[marker.end() :])
        and not _BULLET.match(following)
        and not _TIMESTAMP.match(following)
        and not is_heading(following)
    ):
        return _clean(block[marker.end() :])
    return None


def _list_items(block: str) -> tuple[str | None, list[str]]:
    """(inline theme or None, items) of a list block; no items when it is not one.

    A first line that is a heading names the list's theme ("Fighting:" directly above
    the bullets); a line without a bullet continues the item before it.
    """
    lines = [ln.strip() for ln in block.split("\n") if ln.strip()]
    inline: str | None = None
    if len(lines) > 1 and is_heading(lines[0]) and _BULLET.match(lines[1]):
        inline, lines = _clean(lines[0]), lines[1:]
    if not lines or not _BULLET.match(lines[0]):
        return None, []
    items: list[str] = []
    for line in lines:
        if marker := _BULLET.match(line):
            items.append(line[marker.end() :].strip())
        else:
            items[-1] = f"{items[-1]} {line}"
    return inline, items


def _live_draft(rest: str) -> _Draft:
    """A live-blog entry from what follows its time stamp."""
    rest = rest.lstrip(" \t-:|\u2014").strip()
    if not rest:
        return _Draft("", "live")  # the stamp stands alone; the next block completes it
    first, _, remainder = rest.partition("\n")
    if remainder.strip() and is_heading(first):
        return _Draft(_clean(first), "live", [remainder.strip()])
    return _Draft(_first_sentence(rest), "live", [rest])


def _echo_headings(paragraphs: list[str]) -> tuple[int, frozenset[str]]:
    """Where the body starts and which lines are headings repeating the lead.

    Some digests open with a summary (prose or bullets) and then head each sub-story
    with one of its sentences. When at least two single-line paragraphs repeat an
    earlier sentence or item, those lines are headings and everything before the first
    of them is the summary, bullets included.
    """
    seen: set[str] = set()
    echoes: set[str] = set()
    first_echo: int | None = None
    for i, block in enumerate(paragraphs):
        key = _key(block)
        if (
            "\n" not in block
            and key in seen
            and len(key.split()) >= _MIN_ECHO_WORDS
            and not _BULLET.match(block)
        ):
            echoes.add(key)
            first_echo = i if first_echo is None else first_echo
            continue
        seen.update(_key(s.text) for s in sentences(block))
        for item in _list_items(block)[1]:
            seen.add(_key(item))
            seen.add(_key(_first_sentence(item)))
    if len(echoes) < _MIN_ECHOES or first_echo is None:
        return 0, frozenset()
    lead = paragraphs[:first_echo]
    if any(is_heading(b) and not b.endswith(":") for b in lead):
        return 0, frozenset(echoes)  # headed sections before: the lead is not all summary
    return first_echo, frozenset(echoes)


def _key(text: str) -> str:
    """Text reduced to lower-case words, for comparing a heading with a sentence."""
    text = _BULLET.sub("", text.strip())
    return " ".join(re.findall(r"\w+", text.lower()))


def _clean(heading: str) -> str:
    """A heading without markup and without a closing colon."""
    return _MARKUP.sub("", heading.strip()).strip().rstrip(":").strip()


def _first_sentence(text: str) -> str:
    """The first sentence of text, used as a headline when there is none; outlet names,
    date lines and labels ("REUTERS", "May 17, 2025 16:33", "Published :") are skipped."""
    spans = sentences(_MARKUP.sub("", text))
    for span in spans:
        if not is_meta_line(span.text):
            return span.text
    return spans[0].text if spans else text.strip()[:200]


def is_meta_line(line: str) -> bool:
    """A source, date or label line of a page header: never a headline or a heading."""
    line = line.strip()
    return (
        is_outlet_name(line)
        or is_date_line(line)
        or _LABEL_LINE.match(line) is not None
        or _META_LINE.match(line) is not None
    )
