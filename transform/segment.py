"""Split a day digest into its sub-stories; a plain article stays one entry.

Shapes handled: a lead summary followed by headed sections; theme headings over
bullet lists (one entry per bullet); live-blog blocks that open with a time stamp.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from transform.text import sentences

SEGMENTER_VERSION = "segment-1"
_BULLET = re.compile(r"^\s*(?:[-*\u2022\u25aa\u25cf]|\d{1,2}[.)])\s+")
_TIMESTAMP = re.compile(r"^(?:[01]?\d|2[0-3])[:.][0-5]\d(?:\s*(?:GMT|UTC|CET|EET|EEST|BST))?\b")
_MAX_HEADING_WORDS = 14


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
    """A short single line without closing punctuation reads as a heading."""
    line = block.strip()
    if "\n" in line or not line or _BULLET.match(line):
        return False
    words = line.split()
    return len(words) <= _MAX_HEADING_WORDS and line[-1] not in ".!?;:,\"'" and line[0].isupper()


def blocks(text: str) -> list[str]:
    """Paragraph blocks separated by blank lines."""
    return [b.strip() for b in re.split(r"\n\s*\n", text) if b.strip()]


def segment(title: str, body: str, *, digest: bool) -> list[Segment]:
    """Entries of a document: sub-stories of a digest, or the whole article."""
    if digest:
        drafts = [d for d in _digest_drafts(title, blocks(body)) if d.parts]
        if len(drafts) > 1:
            return [
                Segment(i, d.headline, "\n\n".join(d.parts), d.section)
                for i, d in enumerate(drafts)
            ]
    return [Segment(0, title or _first_sentence(body), body.strip())]


def _digest_drafts(title: str, paragraphs: list[str]) -> list[_Draft]:
    """Walk the blocks, opening a draft at each heading, bullet or time stamp."""
    lead = _Draft(title, "summary")
    drafts, theme = [lead], None
    for i, block in enumerate(paragraphs):
        following = paragraphs[i + 1] if i + 1 < len(paragraphs) else ""
        if is_heading(block) and following:
            theme = block if _bullet_lines(following) else None
            if theme is None:
                drafts.append(_Draft(block, None))
        elif lines := _bullet_lines(block):
            drafts.extend(_Draft(_first_sentence(item), theme, [item]) for item in lines)
        elif _TIMESTAMP.match(block):
            stamp = _TIMESTAMP.match(block)
            rest = block[stamp.end() if stamp else 0 :].lstrip(" -:\u2014")
            drafts.append(_Draft(_first_sentence(rest), "live", [rest]))
        else:
            drafts[-1].parts.append(block)
    return drafts


def _bullet_lines(block: str) -> list[str]:
    """The items of a bullet list block, or [] when it is not one."""
    lines = [ln for ln in block.split("\n") if ln.strip()]
    if not lines or not all(_BULLET.match(ln) for ln in lines):
        return []
    return [_BULLET.sub("", ln).strip() for ln in lines]


def _first_sentence(text: str) -> str:
    """The first sentence of text, used as a headline when there is none."""
    spans = sentences(text)
    return spans[0].text if spans else text.strip()[:200]
