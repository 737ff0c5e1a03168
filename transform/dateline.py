"""Wire-style datelines and bylines at the start of plain article text.

``split_dateline`` takes them off the front of a text and returns them separately::

    >>> split_dateline("KYIV, Ukraine (AP) — Russian drones struck the city overnight.")
    ('KYIV, Ukraine (AP)', None, 'Russian drones struck the city overnight.')
    >>> split_dateline("By Jane Smith and John Doe, Reuters\\nSEOUL, April 28 (Reuters) - Text.")
    ('SEOUL, April 28 (Reuters)', 'Jane Smith and John Doe, Reuters', 'Text.')

It is deliberately conservative: it only looks at the very start, needs the shapes wire
services use (an upper-case place, or a place with an agency or a date, then a dash or - with a
date or agency - a colon, then a capitalised sentence), and leaves the text untouched otherwise.
"""

from __future__ import annotations

import re

_MONTHS = (
    "January|February|March|April|May|June|July|August|September|October|November|December|"
    r"Jan\.?|Feb\.?|Mar\.?|Apr\.?|Jun\.?|Jul\.?|Aug\.?|Sept?\.?|Oct\.?|Nov\.?|Dec\.?"
)
_DAY = r"[0-3]?\d(?:st|nd|rd|th)?"
_DATE = rf"(?:(?:{_MONTHS})\s+{_DAY}|{_DAY}\s+(?:{_MONTHS}))(?:,?\s+(?:19|20)\d\d)?"
_WORDS = r"[^\W\d_]+\.?(?:[ '’.\-]{1,2}[^\W\d_]+\.?){0,4}?"
_DATELINE = re.compile(
    rf"""
    (?P<line>
      (?P<place>{_WORDS})
      (?:,[ ](?P<region>{_WORDS}))??
      (?:,?[ ](?P<date>{_DATE}))?
      (?:[ ]?\((?P<agency>[^\W\d_][^()\n]{{0,39}})\)|[ ](?P<outlet>[A-Z]{{2,8}}))?
    )
    (?P<sep>[ \n]?—[ ]?|[ ]–[ ]|[ ]--?[ ]|:[ ])
    \s*
    (?=["'(\[“‘]?[^\W_a-z])
    """,
    re.VERBOSE,
)
# Upper-case words that open sentences or label stories; never a dateline on their own.
_NOT_PLACES = frozenset(
    "UPDATE UPDATED BREAKING EXCLUSIVE ANALYSIS OPINION COMMENT WATCH LIVE NOTE VIDEO PHOTOS "
    "CORRECTION WARNING NATO EU UN US USA UK IAEA OSCE FSB SBU GUR HIMARS ATACMS".split()
)
_FUNCTION_WORDS = frozenset(
    "a an the in on at of for from to as after before during with by near over under".split()
)
_BYLINE_START = re.compile(r"^(?:By|BY)[ ]+(?=\S)")
_NAME_SPLIT = re.compile(r",[ ]+|[ ]+(?:and|&)[ ]+")
_PARTICLES = frozenset("de del della der di da dos du la le van von bin al el ter ten y".split())
_NOT_NAMES = frozenset(
    "Monday Tuesday Wednesday Thursday Friday Saturday Sunday Today Tonight Yesterday "
    "January February March April June July August September October November December".split()
)
# Outlets whose name alone on a line is a source line or a split dateline, never a title.
_OUTLETS = frozenset(
    name.casefold()
    for name in (
        "CNN",
        "Reuters",
        "AP",
        "Associated Press",
        "The Associated Press",
        "AFP",
        "Agence France-Presse",
        "BBC",
        "BBC News",
        "Al Jazeera",
        "NPR",
        "Bloomberg",
        "The Guardian",
        "Guardian",
        "Kyiv Independent",
        "The Kyiv Independent",
        "Kyiv Post",
        "Meduza",
        "Mediazona",
        "Ukrinform",
        "UNIAN",
        "Interfax",
        "Interfax-Ukraine",
        "TASS",
        "RIA Novosti",
        "dpa",
        "ANI",
        "Anadolu Agency",
        "Anadolu",
        "TIME",
        "Euronews",
        "DW",
        "Deutsche Welle",
        "France 24",
        "Sky News",
        "CBS News",
        "NBC News",
        "ABC News",
        "Fox News",
        "The New York Times",
        "The Washington Post",
        "Politico",
        "Axios",
        "RFE/RL",
        "Radio Free Europe/Radio Liberty",
        "Ukrainska Pravda",
        "United Nations",
        "UN News",
        "ISW",
        "Institute for the Study of War",
        "Xinhua",
        "Yonhap",
        "Kyodo",
        "EFE",
        "ANSA",
        "PAP",
        "Daily Sabah",
        "The Independent",
        "The Telegraph",
        "Financial Times",
        "The Economist",
        "Novaya Gazeta",
        "The Moscow Times",
    )
)
# A broadcaster's bracketed dateline: "(KHARKIV, Ukraine) -- One person was killed".
_BRACKETED = re.compile(
    r"\((?P<line>[A-Z][A-Z.'\- ]{1,30}(?:, [A-Z][\w.'\- ]{1,30})?)\)"
    r"[ ]?(?:--|—|–)\s*(?=[\"'“‘]?[A-Z0-9])"
)
# An outlet's line with its edition or desk: "The Guardian - AU", "BBC News | World". Only
# an outlet of _OUTLETS counts, so the name is read no further than the longest of them (case
# folding never shortens a name): a long line is not tried at every position.
_EDITION = re.compile(
    rf"^(?P<outlet>.{{1,{max(map(len, _OUTLETS))}}}?)"
    r"[ ]+[-\u2013\u2014|][ ]+[A-Z][A-Za-z&. ]{0,20}$"
)
_MAX_LABEL_WORDS = 4
# Words of a byline that names a role, not a person; one of the second set must be there.
_ROLE_HEADS = frozenset(
    "agency agencies report reporter reporters correspondent correspondents staff desk "
    "wire wires bureau writer writers editor editors".split()
)
_ROLE_WORDS = _ROLE_HEADS | frozenset(
    "our from the and & news web online digital service services team special foreign".split()
)
_MAX_ROLE_WORDS = 4
_TRAILER = re.compile(r"[ ]+[·•|][ ]+")
_MAX_BYLINE = 120
_MAX_DATELINE = 90


def split_dateline(text: str) -> tuple[str | None, str | None, str]:
    """(dateline, byline, rest): a leading byline line ("By ..." - returned without "By")
    and a leading dateline (returned without its dash or colon) taken off `text`."""
    body = text.lstrip()
    byline, body = _take_byline(body)
    dateline, body = _take_dateline(body)
    if byline is None and dateline is None:
        return None, None, text
    return dateline, byline, body


def is_outlet_name(line: str) -> bool:
    """Whether a line is only a news outlet's name ("CNN", "REUTERS", "The Associated Press"),
    perhaps with its edition or desk ("The Guardian - AU", "BBC News | Europe")."""
    name = line.strip().rstrip(":").strip()
    edition = _EDITION.match(name)
    return name.casefold() in _OUTLETS or (
        edition is not None and edition["outlet"].casefold() in _OUTLETS
    )


def is_section_label(line: str) -> bool:
    """A site's section or desk label ("World", "Nation & World News", "Europe"): a few
    capitalised words, no digits, no punctuation that a headline or sentence would carry."""
    words = line.split()
    return (
        0 < len(words) <= _MAX_LABEL_WORDS
        and all(w in ("&", "and", "of", "the") or (w[0].isupper() and w.isalpha()) for w in words)
        and words[0][0].isupper()
    )


def is_byline(line: str) -> bool:
    """A line naming only the authors: "By Jane Smith", "Jane Smith, Ann Lee and Bo Chan"."""
    line = line.strip()
    names = line[start.end() :] if (start := _BYLINE_START.match(line)) else line
    if not names or len(line) > _MAX_BYLINE:
        return False
    if _is_role_byline(names):
        return True
    parts = [p for p in _NAME_SPLIT.split(names) if p]
    return bool(parts) and all(_is_name(p) for p in parts) and (start is not None or len(parts) > 1)


def _is_role_byline(line: str) -> bool:
    """A byline naming a role instead of a person: "Agency Report", "Staff Reporter",
    "From Our Correspondent", "Web Desk"."""
    words = line.casefold().split()
    return (
        2 <= len(words) <= _MAX_ROLE_WORDS
        and all(w in _ROLE_WORDS for w in words)
        and any(w in _ROLE_HEADS for w in words)
    )


def dateline_source(dateline: str | None) -> str | None:
    """The outlet a dateline names: its agency in brackets, a trailing outlet, or itself."""
    if not dateline:
        return None
    found = _DATELINE.match(f"{dateline} — X")
    named = found and (found["agency"] or found["outlet"])
    if named:
        return named
    return dateline.strip() if is_outlet_name(dateline) else None


def _take_byline(text: str) -> tuple[str | None, str]:
    """A first line that is only 'By <names>[, <organisation>][ · <date>]'."""
    first, newline, rest = text.partition("\n")
    start = _BYLINE_START.match(first)
    if not newline or not start or len(first) > _MAX_BYLINE or not rest.strip():
        return None, text
    byline = first[start.end() :].strip()
    names, *trailer = _TRAILER.split(byline, maxsplit=1)
    if trailer and not any(ch.isdigit() for ch in trailer[0]):
        return None, text
    if not all(_is_name(part) for part in _NAME_SPLIT.split(names.strip())):
        return None, text
    return byline, rest.lstrip()


def _is_name(part: str) -> bool:
    """A person's or organisation's name: capitalised words (particles allowed), no digits."""
    words = part.split()
    if not 1 <= len(words) <= 5 or not words[0][0].isupper():
        return False
    for word in words:
        core = word.strip(".'’-")
        if not core or not all(ch.isalpha() or ch in ".'’-" for ch in word):
            return False
        if core in _NOT_NAMES:
            return False
        if not core[0].isupper() and core.lower() not in _PARTICLES:
            return False
    return True


def _take_dateline(text: str) -> tuple[str | None, str]:
    """A wire dateline at the very start of `text`, and the text after it."""
    bracketed = _BRACKETED.match(text)
    if bracketed and text[bracketed.end() :].strip():
        return bracketed["line"], text[bracketed.end() :]  # "(KHARKIV, Ukraine) -- Text"
    found = _DATELINE.match(text[: _MAX_DATELINE + 8])
    if not found or not _plausible(found):
        return None, text
    rest = text[found.end() :]
    if not rest.strip():
        return None, text
    return found["line"].strip(), rest


def _plausible(found: re.Match[str]) -> bool:
    """Whether the matched prefix has a dateline's shape rather than a sentence's."""
    place, region, date = found["place"], found["region"], found["date"]
    source = found["agency"] or found["outlet"]
    if len(found["line"]) > _MAX_DATELINE:
        return False
    if region and not _capitalised(region):
        return False
    if found["sep"].startswith(":") and not (date or source):
        return False
    if place.isupper():
        return bool(date or source or region) or place.strip(".") not in _NOT_PLACES
    # a capitalised place ("Kyiv") only with a named source: "Kyiv (Reuters) -", "Kyiv CNN —"
    if place.split()[0].casefold() in _FUNCTION_WORDS:
        return False
    return _capitalised(place) and bool(source) and _is_source(source or "")


def _is_source(source: str) -> bool:
    """A news agency or outlet named in a dateline: capitalised words, or dpa."""
    return source == "dpa" or _capitalised(source)


def _capitalised(words: str) -> bool:
    """Every word starts with an upper-case letter."""
    return all(word[0].isupper() for word in re.split(r"[ \-]+", words) if word)
