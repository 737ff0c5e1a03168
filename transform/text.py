"""Plain-text normalisation and sentence boundaries."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
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
# UTF-8 read as Windows-1252 by a page on the way ("\u00e2\u20ac\u2122" for "\u2019"): the usual
# punctuation sequences are put back; a lone "\u00c2" before a space or a line's end is what
# is left of a non-breaking space and goes.
_MOJIBAKE = {
    "\u00e2\u20ac\u2122": "'",
    "\u00e2\u20ac\u02dc": "'",
    "\u00e2\u20ac\u0153": '"',
    "\u00e2\u20ac\u009d": '"',
    "\u00e2\u20ac\u201c": "-",
    "\u00e2\u20ac\u201d": "\u2014",
    "\u00c2\u00a0": " ",
}
_MOJIBAKE_RUN = re.compile("|".join(map(re.escape, _MOJIBAKE)))
# The characters _QUOTES replaces: a text holds few of them, and one regex pass over it finds
# them faster than str.translate looks up every character of a non-ASCII text.
_QUOTE_CHARS = re.compile("[" + "".join(map(chr, _QUOTES)) + "]")
_BROKEN_SPACE = re.compile(r"\u00c2(?=[ \t\n]|$)")
_SPACES = re.compile(r"[ \t\f\v]+")
_BLANK_LINES = re.compile(r"\n\s*\n+")


def normalise(text: str) -> str:
    """NFC, plain quotes and dashes (em dash kept), single spaces, at most one blank line;
    punctuation mangled by a wrong encoding on the way is put back."""
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    text = _MOJIBAKE_RUN.sub(lambda m: _MOJIBAKE[m.group()], text)
    text = _QUOTE_CHARS.sub(_plain_quote, _BROKEN_SPACE.sub("", text))
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def _plain_quote(match: re.Match[str]) -> str:
    return str(_QUOTES[ord(match.group())] or "")


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    text: str


# A sentence ends at . ! ? (optionally followed by a closing quote/bracket) before
# whitespace and an upper-case letter, digit or quote; common abbreviations do not end one.
# After the stop: a closing quote or bracket, citation markers ("[xxvii]", "[12]") and a
# closing bold marker may stand before the space.
# The stop is matched too (the boundary starts after it): a pattern opening with it lets
# the regex engine skip to the few stops of a paragraph instead of trying every position.
_BOUNDARY = re.compile(
    r"""[.!?](?:\*\*)?["')\]]?(?:\[(?:[ivxlcdm]+|\d+)\])*\s+(?=(?:\*\*)?["'(\[]?[A-Z0-9])"""
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


_LINE = re.compile(r"[^\n]+")
_INITIAL_AT_END = re.compile(r"\b[A-Z]\.$")


def by_first_letter(alternatives: Iterable[str]) -> str:
    """A regex alternation of the alternatives (each opening with a lower-case letter), grouped
    by that letter and in their order within a group. Alternatives opening with different
    letters never match at one place, even ignoring case, so the outcome is that of the plain
    alternation; the regex engine tries one group instead of every alternative."""
    groups = _grouped(alternatives)
    return "(?:" + "|".join(f"{c}(?:{'|'.join(rest)})" for c, rest in groups.items()) + ")"


def _grouped(alternatives: Iterable[str]) -> dict[str, list[str]]:
    """The rest of each alternative by its first letter, which must be a lower-case one."""
    groups: dict[str, list[str]] = {}
    for alternative in alternatives:
        if not "a" <= alternative[:1] <= "z":
            raise ValueError(f"{alternative!r} does not open with a lower-case letter")
        groups.setdefault(alternative[0], []).append(alternative[1:])
    return groups


def _in_any_case(letters: Iterable[str]) -> str:
    """The letters as a case-insensitive regex matches them, for a character class."""
    return "".join(c + c.upper() + _CASE_FELLOWS.get(c, "") for c in letters)


# Letters beyond ASCII that a case-insensitive regex matches with an ASCII letter.
_CASE_FELLOWS = {"i": "\u0130\u0131", "k": "\u212a", "s": "\u017f"}
# Those that str.lower does not turn into their ASCII letter (long s, dotless i, dotted
# capital I; the Kelvin sign lowers to "k"): where a text holds one, a lower-cased substring
# test cannot stand in for a case-insensitive match.
_ODD_CASE = "".join(f for c, fs in _CASE_FELLOWS.items() for f in fs if f.lower() != c)
_TO_ASCII = str.maketrans({f: c for c, fs in _CASE_FELLOWS.items() for f in fs})


def folds_oddly(text: str) -> bool:
    """Whether the text holds a letter that lower-casing does not fold as a case-insensitive
    regex does ("\u017f" matches "s")."""
    return any(char in text for char in _ODD_CASE)


def ascii_key(word: str) -> str:
    """The lower-case ASCII form of a word a case-insensitive regex matched."""
    return word.lower() if word.isascii() else word.translate(_TO_ASCII).lower()


def first_letters_ignorecase(alternatives: Iterable[str]) -> str:
    """A regex class of the letters a case-insensitive match of the alternatives (each
    opening with a lower-case letter) can open with: a lookahead of it lets the regex engine
    give up at once on a word opening with none of them, instead of trying each group."""
    return "[" + _in_any_case(_grouped(alternatives)) + "]"


def by_first_letter_ignorecase(alternatives: Iterable[str], after_first: str = "") -> str:
    """A regex matching what ``(?i:<alternation>)`` does (alternatives as in by_first_letter;
    ``after_first``, a zero-width test, runs after the first letter) that opens with a class
    of every letter a match can open with, written out in both cases: with that class (and
    no case-insensitive flag on the whole pattern) the regex engine skips to those letters
    instead of trying the alternation at every position of a text."""
    groups = _grouped(alternatives)
    rests = "|".join(f"(?<={c})(?:{'|'.join(rest)})" for c, rest in groups.items())
    return f"[{_in_any_case(groups)}]{after_first}(?i:{rests})"


def sentences(text: str) -> list[Span]:
    """Sentence spans of text; offsets index into text and paragraphs never merge."""
    spans: list[Span] = []
    for para in _LINE.finditer(text):
        spans.extend(_split_paragraph(para.group(), para.start()))
    return spans


def _split_paragraph(para: str, offset: int) -> list[Span]:
    """Split one paragraph at sentence boundaries."""
    spans, start = [], 0
    for match in _BOUNDARY.finditer(para):
        at = match.start() + 1  # after the stop
        head = para[start:at].rstrip("\"')]")
        if head.endswith(_ABBREVIATIONS) or _INITIAL_AT_END.search(head):
            continue
        piece = para[start:at] + para[at : match.end()].rstrip()
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
