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
* text written one paragraph per line, as extracted web pages are;
* one-line headings of up to 25 words ("U.S.", quotes inside) that paraphrase the lead:
  compared by content words, not by exact text;
* paragraphs led by a bold sentence (an assessment's key takeaways, a briefing);
* two tiers of headings (a news-in-brief): long story headlines open entries, short
  crossheads inside a story ("Power cuts") stay in its text;
* a bullet marker alone on its line with the item's text on the next; "Heading: text"
  items; time stamps "9:20 p.m.:", "14:05 GMT"; markdown bold and ``#`` headings;
* theme headings ("Fighting", "Politics and diplomacy", "Military aid", "Sanctions") over
  bullet lists or over one-line items whose bullets extraction dropped.

Whether a text without a day number is a digest at all is :func:`looks_like_digest`: a
digest title ("briefing", "in brief", "key events", "live", "assessment", "Today.") or a
digest's structure (bold-led paragraphs, time stamps, theme headings, a summary list).
Captions, date lines, bylines and outlet lines are never headings.

The rules are conservative: a one-line paragraph that reads as a sentence (closing
punctuation, two sentences, a byline) is never taken for a heading.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from warday.transform.dateline import is_byline, is_outlet_name
from warday.transform.text import folds_oddly, sentences
from warday.transform.wardate import is_date_line

SEGMENTER_VERSION = "segment-10"
# List markers: hyphen, asterisk, bullets (round, square, black circle, white circle) and the
# middle dot that pages reprinted from wire summaries use ("\u00b7 Russian forces ...").
_MARKS = "-*\u2022\u25aa\u25cf\u25e6\u00b7"
_BULLET = re.compile(rf"^\s*(?:[{_MARKS}]|\d{{1,2}}[.)])\s+")
_ZONE = (
    r"(?:GMT|UTC|CET|CEST|EET|EEST|BST|MSK|ET|EDT|EST|PT|PDT|PST|CT|CDT"
    r"|Kyiv time|Moscow time|local time)"
)
_MERIDIEM = r"(?:\s*[ap]\.\s?m\.|\s*[ap]m\b)"
# "09:15 text", "14:05 GMT - text", "10.40 BST"; a dotted stamp needs a zone or a
# separator after it so that "2.50 million people" is not read as a time.
_TIMESTAMP = re.compile(
    rf"^(?:[01]?\d|2[0-3])(?::[0-5]\d{_MERIDIEM}?(?:\s*{_ZONE})?(?=\s|:|$)"
    rf"|\.[0-5]\d(?:\s*{_ZONE}(?=\s|$)|(?=\s*(?:$|\n|[-\u2014|]\s))))"
    # a live page's relative stamp alone on its line: "2 hr 15 min ago", "45m ago"
    r"|^\d{1,2}\s?(?:hr|hrs|hours?|h|min|mins|minutes?|m)(?:\s\d{1,2}\s?(?:min|mins|m))?\sago$"
)
_META_LINE = re.compile(
    r"^(?:by|updated|last updated|published|posted|photo|source|reporting by|editing by"
    r"|read more|additional reporting)\b",
    re.IGNORECASE,
)
# A header label alone on its line: "Published :", "Updated:", "Source: Meduza".
_LABEL_LINE = re.compile(
    r"^(?:published|updated|posted|source|photo|credit)\s*(?::\s*[^.!?]{0,40})?$|^\u00a9"
    r"|^(?:live(?: updates?)?|\d+ posts?|\d+ min read)$",
    re.IGNORECASE,
)
# A live page's own markers among its first lines ("Live Updates", "36 Posts").
_LIVE_MARKER = re.compile(r"^(?:live(?: updates?)?|\d+ posts?)$", re.IGNORECASE)
# Headlines are written in the present tense; "said" or "told" marks a reported sentence.
_REPORTED = re.compile(r"\b(?:said|told|added)\b", re.IGNORECASE)
_MARKUP = re.compile(r"^#+\s*|\*\*")
_MAX_HEADING_WORDS = 25
# A heading never ends on a word that needs more after it: such a line lost its link text.
_DANGLING = frozenset(
    "a an the of to for from with and or but than that which who whose according via per "
    "including".split()
)
# Photo captions and credits: "(file)", "[File: X/AFP]", "Photograph: X/Reuters", "© X".
_CAPTION = re.compile(
    r"(?:\((?:file|handout)[^)]*\)|\[[^\]]*(?:file|photo|/|afp|reuters|ap)[^\]]*\]"
    r"|photograph:.*|photo:.*|hide caption|getty images|/afp|/reuters|reuters/\S+"
    r"|\(ap photo[^)]*\)|via afp\)?|\([^()]*\bvia (?:ap|getty images)\)|file photo)\s*$|^\u00a9",
    re.IGNORECASE,
)
# Every caption above holds one of these: lines without any are not searched (a search of
# _CAPTION tries every position of the line, and most lines are not captions).
_CAPTION_CUES = ("(", "[", "photo", "caption", "getty", "afp", "reuters", "\u00a9")


# A caption cued by a bracket alone ends in its closing bracket ("(file)", "[File: X/AFP]");
# the others hold one of these words, which lower-casing finds unless a letter of the line
# folds oddly ("\u017f" matches "s").
_CAPTION_WORDS = ("photo", "caption", "getty", "afp", "reuters", "\u00a9")


def is_caption(line: str) -> bool:
    """Whether a line is (or ends in) a photo caption or credit."""
    lower = line.lower()
    if not any(cue in lower for cue in _CAPTION_CUES):
        return False
    if (
        line.rstrip()[-1:] not in (")", "]")
        and not any(word in lower for word in _CAPTION_WORDS)
        and not folds_oddly(line)
    ):
        return False  # a bracket inside the line: no caption ends there
    return _CAPTION.search(line) is not None


# Paragraphs led by a bold sentence: "**Ukrainian forces advanced.** Body text".
_BOLD_LEAD = re.compile(r"^\*\*(?P<head>[^*\n]{3,400}?)\*\*(?P<rest>(?:\s+\S.*)?)$", re.DOTALL)
_MIN_BOLD_LEADS = 2
# Words of theme headings that group items rather than head a story.
_THEME_WORDS = frozenset(
    "fighting diplomacy politics political military aid assistance sanctions economy economic "
    "humanitarian weapons energy nuclear security regional prisoners prisoner battlefield "
    "frontline front international developments attacks strikes ceasefire peace talks "
    "negotiations refugees casualties drones drone missiles defence defense support allies "
    "finance trade grain gas oil elections justice crime courts legal reaction response "
    "domestic affairs events news elsewhere society culture war ukraine russia nato eu us "
    "europe exchanges exchange swaps swap the and in on other".split()
)
_MAX_THEME_WORDS = 4
# Story headlines (this long or longer) outrank short crossheads inside their stories.
_LONG_HEADING_WORDS = 7
_MAX_CROSSHEAD_WORDS = 5
# Titles that name a digest ("briefing", "news in brief", "key events", "live", ...).
# Words an article's title may also hold ("what we know about", "takeaways", "assessment")
# are left out: a wrongly recognised article would be split at its crossheads.
_DIGEST_TITLE = re.compile(
    r"\b(?:war briefing|(?:morning|evening|daily|weekly|\w+day) briefing|in brief|key events"
    r"|key developments|at a glance|live updates|live blog|live:|as it happened"
    r"|latest developments|war latest|newsletter|campaign assessment|round-?up|daily brief)"
    r"|\blive$|[\u2013\u2014-] live\b|\btoday\.|\bthe real russia\b",
    re.IGNORECASE,
)
# Digests that may be written as plain paragraphs, one story each.
_BRIEFING_TITLE = re.compile(
    r"\b(?:briefing|in brief|daily brief|newsletter|round-?up)\b", re.IGNORECASE
)
# A paragraph that goes on with the story before it.
_CONTINUES = re.compile(
    r"^(?:[\"'\u201c\u2018\u00ab]|(?:he|she|it|they|his|her|its|their|this|that|these|those"
    r"|but|however|and|also|earlier|later|the same|both|such|there)\b)",
    re.IGNORECASE,
)
# A quote that names its speaker at once ("'We are grateful,' Zelenskyy continued") is a
# briefing item of its own, not the end of the paragraph before it.
_ATTRIBUTED_QUOTE = re.compile(
    r"^[\"\u201c\u2018\u00ab][^\"\u201d\u2019\u00bb\n]{1,300}[\"\u201d\u2019\u00bb]\s*,?\s*"
    r"(?:[A-Z][\w'\u2019.-]+\s+){0,3}[A-Z][\w'\u2019-]+\s+"
    r"(?:said|says|continued|added|told|wrote|insisted|warned)\b"
)
# A briefing titled as one ("Ukraine war briefing: ...") is split from two paragraphs on.
_MIN_PARAGRAPH_ITEMS = 2
# Lines that introduce a summary list ("Key takeaways", "Here's where things stand:").
_SUMMARY_HEAD = re.compile(
    r"^(?:#+\s*|\*\*)?(?:key takeaways|summary|where things stand|key developments"
    r"|what we (?:know|covered)|here(?:'s| is| are) (?:where|what|the"
    r"|an?\s+(?:quick\s+)?(?:rundown|recap|summary|round-?up|look|overview))[^.]{0,60}"
    r"|the latest|(?:the\s+)?latest\s+(?:major\s+|key\s+)?(?:developments|updates)"
    r"|catch up|in brief|key points|main points|highlights|top stories)\b"
    r"[^\n]{0,60}:?\**$",
    re.IGNORECASE,
)
_MIN_STRUCTURE = 3
_HEADER_BLOCKS = 8  # where a page's own markers sit
_MIN_TITLE_TOPICS = 3  # "In Brief: A, B, C" lists its stories
# Words that carry no content when comparing a heading with a lead sentence.
_STOPWORDS = frozenset(
    "a an the of to in on at by for from with and or but as is are was were be been has have "
    "had it its this that these those their his her they he she we our said says will would "
    "could after over into about than then not no more also".split()
)
_MIN_CONTENT_OVERLAP = 0.75
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
    line = _unmarked(block.strip()).strip()
    if "\n" in line or not line or _BULLET.match(line) or _TIMESTAMP.match(line):
        return False
    if _META_LINE.match(line) or _REPORTED.search(line) or is_meta_line(line):
        return False
    if is_caption(line):
        return False
    words = line.split()
    first = next((c for c in line if c.isalnum()), "")
    if len(words) > _MAX_HEADING_WORDS or not (first.isupper() or first.isdigit()):
        return False
    if line.endswith(":"):
        return len(words) <= _MAX_COLON_HEADING_WORDS and ":" not in line[:-1]
    end = line.rstrip("\"'\u201d\u2019)")
    if not end or end[-1] in _CLOSING or words[-1].lower() in _DANGLING:
        return False
    return len(sentences(line)) == 1


def looks_like_digest(title: str, text: str) -> bool:
    """Whether a text without a day number is a digest: by its title or its structure
    (bold-led paragraphs, time stamps, theme headings, a list under a summary line)."""
    if _DIGEST_TITLE.search(title):
        return True
    paragraphs = blocks(text)
    if any(_LIVE_MARKER.match(b) for b in paragraphs[:_HEADER_BLOCKS]):
        return True
    if len(_topic_headings(title, _story_blocks(paragraphs))) >= _MIN_TOPIC_HEADINGS:
        return True
    bold = sum(1 for b in paragraphs if _BOLD_LEAD.match(b))
    stamps = sum(1 for b in paragraphs if _TIMESTAMP.match(b))
    themes = sum(1 for i in range(len(paragraphs)) if _is_theme(paragraphs, i))
    return (
        bold >= _MIN_STRUCTURE
        or stamps >= _MIN_STRUCTURE
        or themes >= 2
        or _summary_list(paragraphs)
    )


def _summary_list(paragraphs: list[str]) -> bool:
    """A summary line ("Key takeaways:") over at least three list items."""
    for i, block in enumerate(paragraphs):
        first = block.split("\n", 1)[0]
        if _SUMMARY_HEAD.match(first):
            rest = "\n".join([*block.split("\n")[1:], *paragraphs[i + 1 : i + 1 + _MIN_STRUCTURE]])
            if len(_list_items(rest)[1]) >= _MIN_STRUCTURE:
                return True
    return False


_LETTERS = re.compile(r"[^\W\d_]+")


def _is_theme(paragraphs: list[str], i: int) -> bool:
    """A theme heading: a few theme words ("Politics and diplomacy", "MILITARY AID:")."""
    if "\n" in paragraphs[i]:
        return False
    # one word more than a theme has is enough to tell: the rest of a long paragraph is not read
    found = _LETTERS.finditer(_clean(paragraphs[i]).lower())
    words = [m.group() for m in itertools.islice(found, _MAX_THEME_WORDS + 1)]
    return (  # the word checks first: is_heading is the costly one
        0 < len(words) <= _MAX_THEME_WORDS
        and all(w in _THEME_WORDS for w in words)
        and any(w not in ("the", "and", "in", "on", "war", "ukraine", "russia") for w in words)
        and is_heading(paragraphs[i])
    )


_LEADING_SYMBOLS = re.compile(r"^[^\w\"'(\[]+")
_MIN_ITEM_HEAD_WORDS = 3
_ITEM_HEAD = re.compile(r"^(?P<head>[^:.!?\n]{3,120}):\s+\S")
_LONE_MARKER_LINE = re.compile(
    rf"^[ \t]*([{_MARKS}\u2013\u2014]|\d{{1,2}}[.)])[ \t]*\n[ \t]*(?=\S)", re.MULTILINE
)
_LONE_MARKER = re.compile(rf"^(?:[{_MARKS}\u2013\u2014]|\d{{1,2}}[.)])$")


# An agency's subhead wrapped in dashes on its own line ("- Talks in Istanbul -").
_DASH_WRAPPED = re.compile(
    r"^[ \t]*[-\u2013\u2014][ \t]+(?P<head>[^\n.!?]{2,100}?\S)[ \t]+[-\u2013\u2014][ \t]*$",
    re.MULTILINE,
)


def blocks(text: str) -> list[str]:
    """Paragraph blocks separated by blank lines.

    Text with no blank line at all is taken to hold one paragraph per line (the way
    extracted web pages are written); a line continuing an unfinished bullet joins it.
    """
    text = _DASH_WRAPPED.sub(r"\g<head>", text)  # "- Heading -": a heading, not an item
    text = _LONE_MARKER_LINE.sub(r"\1 ", text)  # "-" alone, the item's text on the next line
    parts = [b.strip() for b in re.split(r"\n\s*\n", text) if b.strip()]
    if len(parts) != 1 or "\n" not in parts[0]:
        return parts
    lines: list[str] = []
    for line in (ln.strip() for ln in parts[0].split("\n")):
        if not line:
            continue
        previous = lines[-1] if lines else ""
        if _LONE_MARKER.match(previous):
            lines[-1] = f"{previous} {line}"  # "-" alone, the item's text on the next line
        elif (
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
        if len(drafts) <= 1 and _BRIEFING_TITLE.search(title):
            drafts = _paragraph_items(blocks(body))
        if len(drafts) > 1:
            return [
                Segment(
                    i, d.headline or _first_sentence(d.parts[0]), "\n\n".join(d.parts), d.section
                )
                for i, d in enumerate(drafts)
            ]
    return [Segment(0, title or _first_sentence(body), body.strip())]


def _paragraph_items(paragraphs: list[str]) -> list[_Draft]:
    """A briefing written as plain paragraphs, one story each: a paragraph that goes on
    with the one before it (a quote, "He said", "But ...") stays with it."""
    drafts: list[_Draft] = []
    for block in _story_blocks(paragraphs):
        if drafts and _CONTINUES.match(block) and not _ATTRIBUTED_QUOTE.match(block):
            drafts[-1].parts.append(block)
        else:
            drafts.append(_Draft(_first_sentence(block), None, [block]))
    return drafts if len(drafts) >= _MIN_PARAGRAPH_ITEMS else []


def _digest_drafts(title: str, paragraphs: list[str]) -> list[_Draft]:
    """Walk the blocks, opening a draft at each heading, list item or time stamp."""
    if paragraphs and title and _key(paragraphs[0]) == _key(title):
        paragraphs = paragraphs[1:]  # an extracted page repeats its title as a paragraph
    paragraphs = _story_blocks(paragraphs)
    if sum(1 for b in paragraphs if _BOLD_LEAD.match(b)) >= _MIN_BOLD_LEADS:
        return _bold_drafts(title, paragraphs)
    paragraphs = _unbulleted_summary(paragraphs)
    start, echoes = _echo_headings(paragraphs)
    # only a title that does not call itself a digest is read for the stories it names
    topics = frozenset() if _DIGEST_TITLE.search(title) else _topic_headings(title, paragraphs)
    plan = _Plan(echoes, frozenset(), topics)
    plan = _Plan(
        echoes, _crossheads(title, paragraphs, plan) | _topic_crossheads(paragraphs, plan), topics
    )
    start = start or _summary_list_end(paragraphs, plan)
    drafts = [_Draft(title, "summary", list(paragraphs[:start]))]
    theme: str | None = None
    nested = False  # the theme heads sub-stories, not just list items
    itemise = False  # a theme over plain one-paragraph items (bullets lost in extraction)
    absorb = False  # a heading over a single bulleted paragraph: that paragraph is its story
    for i in range(start, len(paragraphs)):
        block = paragraphs[i]
        current = drafts[-1]
        heading = _heading(paragraphs, i, plan)
        if current.section == "live" and not current.headline:
            # a bare time stamp: the next heading or paragraph gives its headline
            current.headline = heading or _first_sentence(block)
            if heading is None:
                current.parts.append(block)
            continue
        if heading is not None:
            itemise = False
            nxt = _kind(paragraphs, i + 1, plan)
            if nxt == "stamp" and _is_stamp_author(paragraphs[i + 1]):
                drafts.append(_Draft(heading, "live"))  # a post: headline, stamp, body
            elif nxt == "text" and _is_theme(paragraphs, i):
                theme, nested, itemise = heading, False, True
            elif nxt == "text":
                drafts.append(_Draft(heading, theme if nested else None))
                if not nested:
                    theme = None
            elif (
                nxt == "list"
                and not _is_theme(paragraphs, i)
                and _single_item_story(paragraphs, i + 1, plan)
            ):
                drafts.append(_Draft(heading, theme if nested else None))
                absorb = True
            elif nxt == "list":
                theme, nested = heading, False
            elif nxt in ("heading", "stamp") and not block.endswith(":"):
                theme, nested = heading, True
            else:
                current.parts.append(block)
        elif absorb and (listed := _list_items(block))[1]:
            current.parts.extend(listed[1])  # the heading's one bulleted paragraph
            absorb = False
        elif (listed := _list_items(block))[1]:
            inline, items = listed
            section = inline if inline is not None else theme
            if inline is not None:
                theme, nested = inline, False
            drafts.extend(_Draft(_item_headline(item), section, [item]) for item in items)
        elif _is_stamp_author(block) and current.section == "live" and not current.parts:
            continue  # the stamp and author line under a post's headline
        elif stamp := _TIMESTAMP.match(block):
            drafts.append(_live_draft(block[stamp.end() :]))
        elif itemise:
            drafts.append(_Draft(_item_headline(block), theme, [block]))
        elif _after_list(paragraphs, i) and _opens_story(block):
            drafts.append(_Draft(_first_sentence(block), None, [block]))
        else:
            current.parts.append(block)
    return drafts


# A page's invitation after its last story: no story of its own.
_CALL_TO_ACTION = re.compile(
    r"^(?:follow|read|sign up|subscribe|get|click|watch|listen|download|join|support|see|"
    r"for more|you can|to receive|catch up)\b",
    re.IGNORECASE,
)


def _after_list(paragraphs: list[str], i: int) -> bool:
    """Whether the block before i is a list (its items are stories of their own)."""
    return i > 0 and bool(_list_items(paragraphs[i - 1])[1])


def _opens_story(block: str) -> bool:
    """A prose paragraph that starts a story rather than going on with an item: a full
    sentence of some length that does not open like a continuation, a quote or a page's
    call to action ("Follow our live coverage ...")."""
    return (
        len(block.split()) >= _MIN_PROSE_WORDS
        and not _CONTINUES.match(block)
        and not _CALL_TO_ACTION.match(block)
        and not is_meta_line(block)
        and block.rstrip()[-1:] in ".!?\"'"
    )


@dataclass(frozen=True)
class _Plan:
    echoes: frozenset[str]  # keys of lines that repeat or paraphrase the lead
    crossheads: frozenset[int]  # short headings inside a story, kept as its text
    topics: frozenset[int] = frozenset()  # headings naming a story the title names


def _story_blocks(paragraphs: list[str]) -> list[str]:
    """Blocks that carry the digest: captions go, and so do header lines before the first
    story (date lines, outlet and source lines, bylines)."""
    # a line is asked about twice (as the line after a block, then as a block): answer once
    captions: dict[str, bool] = {}

    def caption(line: str) -> bool:
        found = captions.get(line)
        if found is None:
            found = captions[line] = is_caption(line)
        return found

    paragraphs = [
        b
        for i, b in enumerate(paragraphs)
        if not (i + 1 < len(paragraphs) and _repeats_caption(b, paragraphs[i + 1], caption))
    ]
    kept = [
        b
        for b in (_without_captions(b, caption) for b in paragraphs)
        if b and not _is_header_block(b, caption)
    ]
    while kept and "\n" not in kept[0] and (is_meta_line(kept[0]) or is_byline(kept[0])):
        kept.pop(0)
    return kept


def _repeats_caption(
    block: str, following: str, caption: Callable[[str], bool] = is_caption
) -> bool:
    """A page prints a photo's caption bare, then again with its credit, each on its own
    line ("Soldiers near Bakhmut" / "Soldiers near Bakhmut. Photograph: Name/Agency")."""
    return (
        "\n" not in block
        and "\n" not in following
        and caption(following)
        and _key(following).startswith(_key(block))
    )


def _without_captions(block: str, caption: Callable[[str], bool] = is_caption) -> str:
    """A block without its caption lines, nor the bare caption repeated above one
    ("Zelensky in Berlin" / "Zelensky in Berlin. Photograph: Name/Agency")."""
    lines = block.split("\n")
    if len(lines) == 1:
        return block
    drop = {i for i, ln in enumerate(lines) if caption(ln)}
    drop |= {
        i for i in range(len(lines) - 1) if i + 1 in drop and lines[i + 1].startswith(lines[i])
    }
    return "\n".join(ln for i, ln in enumerate(lines) if i not in drop).strip()


def _is_header_block(block: str, caption: Callable[[str], bool] = is_caption) -> bool:
    """A caption, a date line, a source label or an outlet line standing alone."""
    if "\n" in block:
        return False
    line = block.strip()
    return (
        caption(line)
        or is_date_line(line)
        or _LABEL_LINE.match(line) is not None
        or is_outlet_name(line)
    )


def _summary_list_end(paragraphs: list[str], plan: _Plan) -> int:
    """Where a leading list ends when headed stories retell its items.

    A newsletter opens with its key developments as a list and then gives each one a
    headed story, its heading paraphrasing the item: the list is the summary. Returns 0
    when the text has no such shape.
    """
    first_list = next((i for i, b in enumerate(paragraphs) if _list_items(b)[1]), None)
    if first_list is None:
        return 0
    if any(_heading(paragraphs, i, plan) for i in range(first_list)) and not _SUMMARY_HEAD.match(
        _clean(paragraphs[first_list - 1]) if first_list else ""
    ):
        return 0
    end, items = first_list, []
    while end < len(paragraphs) and (listed := _list_items(paragraphs[end])[1]):
        items.extend(listed)  # one paragraph per line: each bullet is its own block
        end += 1
    headings = [
        _key(paragraphs[i])
        for i in range(end, len(paragraphs))
        if _heading(paragraphs, i, plan) and _kind(paragraphs, i + 1, plan) == "text"
    ]
    retold = sum(1 for item in items if any(_retells(h, _key(item)) for h in headings))
    return end if len(headings) >= 2 and 2 * retold >= len(items) else 0


def _retells(heading: str, item: str) -> bool:
    """Whether a heading and a list item share most content words of the shorter one."""
    a = {w for w in heading.split() if w not in _STOPWORDS}
    b = {w for w in item.split() if w not in _STOPWORDS}
    return bool(a and b) and 2 * len(a & b) >= min(len(a), len(b))


def _bold_drafts(title: str, paragraphs: list[str]) -> list[_Draft]:
    """One draft per paragraph led by a bold sentence; the paragraphs after it belong to
    it, and whatever comes before the first one (a takeaways list) is the summary."""
    drafts = [_Draft(title, "summary")]
    for block in paragraphs:
        lead = _BOLD_LEAD.match(block)
        if lead is None:
            drafts[-1].parts.append(block)
            continue
        head, rest = lead["head"].strip(), lead["rest"].strip()
        drafts.append(_Draft(_clean(head), None, [f"{head} {rest}".strip()] if rest else []))
    return drafts


def _item_headline(item: str) -> str:
    """A list item's headline: its "Heading:" before a colon, else its first sentence."""
    item = _LEADING_SYMBOLS.sub("", item)
    named = _ITEM_HEAD.match(item)
    # "Orban and Trump meet: ..." names the item; "Kyiv: ..." only says where it happened
    if named and len(named["head"].split()) >= _MIN_ITEM_HEAD_WORDS and is_heading(named["head"]):
        return named["head"].strip()
    return _first_sentence(item)


def _crossheads(title: str, paragraphs: list[str], plan: _Plan) -> frozenset[int]:
    """Short headings inside stories, when the digest also has story headlines.

    A news-in-brief heads each story with a full headline and breaks a long story with
    crossheads of a few words; only the headlines open entries. When the title lists the
    stories ("World News in Brief: strikes condemned, migrant deaths, floods in Brazil"),
    a heading naming none of them is a crosshead; otherwise, with at least two long
    headlines, the short headings are.
    """
    heads = [
        i
        for i in range(len(paragraphs))
        if _heading(paragraphs, i, plan) is not None and not _is_theme(paragraphs, i)
    ]
    inside = [
        i
        for i in heads
        if _kind(paragraphs, i + 1, plan) == "text" and _kind(paragraphs, i - 1, plan) == "text"
    ]
    topics = _title_topics(title)
    if heads and heads[0] > 0 and _kind(paragraphs, 0, plan) == "text":
        topics = topics[1:]  # the first story sits under the title without a headline
    if len(topics) >= _MIN_TITLE_TOPICS - 1:
        named = [i for i in heads if _names_topic(paragraphs[i], topics)]
        if len(named) >= 1 and len(named) < len(heads):
            return frozenset(i for i in inside if i not in named)
    sizes = {i: len(_clean(paragraphs[i]).split()) for i in heads}
    if sum(1 for i in heads if sizes[i] >= _LONG_HEADING_WORDS) < 2:
        return frozenset()
    return frozenset(i for i in inside if sizes[i] <= _MAX_CROSSHEAD_WORDS)


def _title_topics(title: str) -> list[set[str]]:
    """Content words of each story a title lists after its colon ("A, B, C")."""
    _, colon, listed = title.partition(":")
    parts = re.split(r",\s+|;\s+", listed)
    if not colon or len(parts) < _MIN_TITLE_TOPICS:
        return []
    return [words for part in parts if (words := _stems(part))]


def _names_topic(heading: str, topics: list[set[str]]) -> bool:
    """Whether a heading shares a content word with one of the title's stories."""
    words = _stems(heading)
    return any(words & topic for topic in topics)


def _stems(text: str) -> set[str]:
    """Content words, crudely singular ("migrants" ~ "migrant")."""
    return {
        w[:-1] if w.endswith("s") and len(w) > 3 else w
        for w in _key(text).split()
        if w not in _STOPWORDS and len(w) > 2
    }


def _kind(paragraphs: list[str], i: int, plan: _Plan) -> str | None:
    """What block i is: heading, list, stamp or text (None outside the text)."""
    if i >= len(paragraphs) or i < 0:
        return None
    block = paragraphs[i]
    if _heading(paragraphs, i, plan) is not None:
        return "heading"
    if _list_items(block)[1]:
        return "list"
    if _TIMESTAMP.match(block):
        return "stamp"
    return "text"


def _heading(paragraphs: list[str], i: int, plan: _Plan) -> str | None:
    """The heading text of block i, or None when it is not a heading.

    Besides :func:`is_heading`, a line repeating a lead sentence is a heading, and so is
    a numbered or bulleted single line that reads as a heading and is followed by prose.
    A crosshead inside a story is not.
    """
    block = paragraphs[i]
    if "\n" in block or i in plan.crossheads:
        return None
    if i in plan.topics:
        return _clean(block).rstrip(".")
    if is_heading(block) or (_key(block) in plan.echoes and not _BULLET.match(block)):
        return _clean(block)
    following = paragraphs[i + 1] if i + 1 < len(paragraphs) else ""
    marker = _BULLET.match(block)
    if (
        marker
        and following
        and not block.rstrip().endswith(":")
        and is_heading(block[marker.end() :])
        and not _same_marker(marker.group(), following)
        and not _TIMESTAMP.match(following)
        and not is_heading(following)
    ):
        return _clean(block[marker.end() :])
    return None


def _single_item_story(paragraphs: list[str], i: int, plan: _Plan) -> bool:
    """A list of one item between two headings ("2. Kharkiv bombarded" / "\u2022 text" /
    "3. ..."): the story of the heading above it, not a themed list."""
    inline, items = _list_items(paragraphs[i])
    return (
        inline is None and len(items) == 1 and _kind(paragraphs, i + 1, plan) in ("heading", None)
    )


def _same_marker(marker: str, block: str) -> bool:
    """Whether block opens with a list marker of the same kind (numbers, or symbols):
    "2. Kharkiv bombarded" over a "\u2022" paragraph heads it; over "3. ..." it is a list."""
    other = _BULLET.match(block)
    return other is not None and marker.strip()[0].isdigit() == other.group().strip()[0].isdigit()


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
    if not rest or _is_stamp_author(f"00:00 {rest}"):
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
    seen = _Seen()
    echoes: set[str] = set()
    first_echo: int | None = None
    for i, block in enumerate(paragraphs):
        key = _key(block)
        if (
            "\n" not in block
            and _MIN_ECHO_WORDS <= len(key.split()) <= _MAX_HEADING_WORDS
            and not _BULLET.match(block)
            and len(sentences(block)) == 1
            and seen.echoed_by(key)
        ):
            echoes.add(key)
            first_echo = i if first_echo is None else first_echo
            continue
        seen.extend(_key(s.text) for s in sentences(block))
        for item in _list_items(block)[1]:
            seen.extend((_key(item), _key(_first_sentence(item))))
    if len(echoes) < _MIN_ECHOES or first_echo is None:
        return 0, frozenset()
    lead = paragraphs[:first_echo]
    if any(is_heading(b) and not b.endswith(":") for b in lead):
        return 0, frozenset(echoes)  # headed sections before: the lead is not all summary
    return first_echo, frozenset(echoes)


class _Seen:
    """Sentences seen so far, each with its content words taken once (not again for every
    line checked against them)."""

    def __init__(self) -> None:
        self._texts: set[str] = set()
        self._words: list[set[str]] = []

    def extend(self, texts: Iterable[str]) -> None:
        for text in texts:
            self._texts.add(text)
            self._words.append({w for w in text.split() if w not in _STOPWORDS})

    def echoed_by(self, line: str) -> bool:
        """Whether a line repeats or paraphrases a sentence seen: the same words, or most of
        its content words found in it ("run counter to U.S.-proposed plan" ~ "... to the
        U.S.-...")."""
        if line in self._texts:
            return True
        words = {w for w in line.split() if w not in _STOPWORDS}
        if len(words) < _MIN_ECHO_WORDS:
            return False
        need = _MIN_CONTENT_OVERLAP * len(words)
        return any(len(words & seen) >= need for seen in self._words)


_WORDS = re.compile(r"\w+")


def _key(text: str) -> str:
    """Text reduced to lower-case words, for comparing a heading with a sentence."""
    text = _BULLET.sub("", text.strip())
    return " ".join(_WORDS.findall(text.lower()))


def _clean(heading: str) -> str:
    """A heading without markup and without a closing colon."""
    return _unmarked(heading.strip()).strip().rstrip(":").strip()


def _unmarked(text: str) -> str:
    """Text without heading marks and bold markers; most text has neither, and then the
    pattern (which tries every position) is not run over it."""
    if "**" not in text and not text.startswith("#"):
        return text
    return _MARKUP.sub("", text)


def _first_sentence(text: str) -> str:
    """The first sentence of text, used as a headline when there is none; outlet names,
    date lines and labels ("REUTERS", "May 17, 2025 16:33", "Published :") are skipped."""
    spans = sentences(_unmarked(text))
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


# A live post's stamp and author line: "03:42 , Jane Doe", "17:48 | Jane Doe".
_STAMP_AUTHOR = re.compile(
    r"^(?:[01]?\d|2[0-3])[:.][0-5]\d(?:\s*[ap]\.?m\.?)?\s*[,|\u00b7\u2022]\s*"
    r"(?P<author>[^\W\d_][^\n\d]{1,60})$",
    re.IGNORECASE,
)
_MAX_AUTHOR_WORDS = 5


def _is_stamp_author(block: str) -> bool:
    """Whether a block is only a time stamp and an author's name ("03:42 , Jane Doe")."""
    found = _STAMP_AUTHOR.match(block.strip())
    if found is None:
        return False
    names = [n for n in re.split(r",\s*|\s+and\s+", found["author"].strip()) if n]
    return all(
        len(n.split()) <= _MAX_AUTHOR_WORDS and all(w[0].isupper() for w in n.split())
        for n in names
    )


def _unbulleted_summary(paragraphs: list[str]) -> list[str]:
    """A summary line ("Key Points") over one-line headlines whose bullets extraction
    dropped: the headlines become list items. A headline over a post's stamp and author
    line is that post's own, not an item."""
    result = list(paragraphs)
    for i, block in enumerate(paragraphs):
        if "\n" in block or not _SUMMARY_HEAD.match(_clean(block)):
            continue
        end = i + 1
        while (
            end < len(paragraphs)
            and is_heading(paragraphs[end])
            and not (end + 1 < len(paragraphs) and _is_stamp_author(paragraphs[end + 1]))
        ):
            end += 1
        if end - i - 1 >= 2:
            result[i + 1 : end] = [f"- {b}" for b in paragraphs[i + 1 : end]]
        break
    return result


# A news-in-brief whose title names its stories without saying "in brief" ("Strikes on
# Ukraine and floods in Brazil"): each story's heading names one of them, and may be
# written as a sentence ("Strikes continue in Ukraine.").
_TOPIC_SPLIT = re.compile(r"\s*(?:,|;|:|\band\b|&)\s*", re.IGNORECASE)
_MIN_TOPIC_WORDS = 2
_MIN_TOPIC_HEADINGS = 2
_MAX_TOPIC_HEADING_WORDS = 15
_MIN_PROSE_WORDS = 8


def _topic_headings(title: str, paragraphs: list[str]) -> frozenset[int]:
    """Indices of one-line headings that each name a different story the title names.

    Only a title naming at least two stories of two or more content words each counts,
    and each such story must be named by exactly one heading followed by prose.
    """
    topics = [t for p in _TOPIC_SPLIT.split(title) if len(t := _content_words(p)) >= 2]
    if len(topics) < _MIN_TOPIC_HEADINGS:
        return frozenset()
    found: dict[int, int] = {}  # topic -> heading index
    for i, block in enumerate(paragraphs):
        if not _could_head_topic(paragraphs, i):
            continue
        words = _content_words(block)
        named = [k for k, topic in enumerate(topics) if words & topic]
        if len(named) == 1 and named[0] not in found:
            found[named[0]] = i
    if len(found) < _MIN_TOPIC_HEADINGS:
        return frozenset()
    return frozenset(found.values())


def _topic_crossheads(paragraphs: list[str], plan: _Plan) -> frozenset[int]:
    """With stories headed by the topics the title names, any other heading between two
    paragraphs of prose is a crosshead inside one of them."""
    if not plan.topics:
        return frozenset()
    return frozenset(
        i
        for i in range(len(paragraphs))
        if i not in plan.topics
        and _heading(paragraphs, i, plan) is not None
        and _kind(paragraphs, i - 1, plan) == "text"
        and _kind(paragraphs, i + 1, plan) == "text"
    )


def _could_head_topic(paragraphs: list[str], i: int) -> bool:
    """A short heading (perhaps closed by a full stop) followed by a paragraph of prose."""
    block = paragraphs[i]
    following = paragraphs[i + 1] if i + 1 < len(paragraphs) else ""
    return (
        "\n" not in block
        and len(block.split()) <= _MAX_TOPIC_HEADING_WORDS
        and is_heading(block.rstrip().removesuffix("."))
        and len(following.split()) >= _MIN_PROSE_WORDS
        and following.rstrip("\"'\u201d\u2019)")[-1:] in (".", "!", "?")
    )


def _content_words(text: str) -> set[str]:
    """Content words, crudely singular ("strikes" ~ "strike"), for naming a topic."""
    return {
        w[:-1] if w.endswith("s") and len(w) > 3 else w
        for w in _key(text).split()
        if w not in _STOPWORDS and len(w) > 2
    }
