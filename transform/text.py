"""Plain-text normalisation and sentence boundaries."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

_QUOTES = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u00ab": '"',
        "\u00bb": '"',
        "\u2013": "-",
        "\u2012": "-",
        "\u2010": "-",
        "\u2011": "-",
        "\u00a0": " ",
        "\u202f": " ",
        "\u2009": " ",
        "\u200b": "",
    }
)
_SPACES = re.compile(r"[ \t\f\v]+")
_BLANK_LINES = re.compile(r"\n\s*\n+")


def normalise(text: str) -> str:
    """NFC, plain quotes and dashes (em dash kept), single spaces, at most one blank line."""
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    text = text.translate(_QUOTES)
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    text: str


# A sentence ends at . ! ? (optionally followed by a closing quote/bracket) before
# whitespace and an upper-case letter, digit or quote; common abbreviations do not end one.
# After the stop: a closing quote or bracket, citation markers ("[xxvii]", "[12]") and a
# closing bold marker may stand before the space.
_BOUNDARY = re.compile(
    r"""(?<=[.!?])(?:\*\*)?["')\]]?(?:\[(?:[ivxlcdm]+|\d+)\])*\s+(?=(?:\*\*)?["'(\[]?[A-Z0-9])"""
)
_ABBREVIATIONS = (
    "Mr.",
    "Mrs.",
    "Ms.",
    "Dr.",
    "Gen.",
    "Lt.",
    "Col.",
    "Maj.",
    "Sgt.",
    "Capt.",
    "Adm.",
    "St.",
    "U.S.",
    "U.K.",
    "U.N.",
    "No.",
    "Jan.",
    "Feb.",
    "Aug.",
    "Sept.",
    "Oct.",
    "Nov.",
    "Dec.",
    "e.g.",
    "i.e.",
    "vs.",
    "approx.",
    "Gov.",
    "Sen.",
    "Rep.",
    "Pres.",
)


def sentences(text: str) -> list[Span]:
    """Sentence spans of text; offsets index into text and paragraphs never merge."""
    spans: list[Span] = []
    for para in re.finditer(r"[^\n]+", text):
        spans.extend(_split_paragraph(para.group(), para.start()))
    return spans


def _split_paragraph(para: str, offset: int) -> list[Span]:
    """Split one paragraph at sentence boundaries."""
    spans, start = [], 0
    for match in _BOUNDARY.finditer(para):
        head = para[start : match.start()].rstrip("\"')]")
        if head.endswith(_ABBREVIATIONS) or re.search(r"\b[A-Z]\.$", head):
            continue
        piece = para[start : match.start()] + para[match.start() : match.end()].rstrip()
        spans.append(_span(piece, offset + start))
        start = match.end()
    if para[start:].strip():
        spans.append(_span(para[start:], offset + start))
    return spans


def _span(piece: str, start: int) -> Span:
    """A span trimmed of surrounding whitespace."""
    lead = len(piece) - len(piece.lstrip())
    body = piece.strip()
    return Span(start + lead, start + lead + len(body), body)
