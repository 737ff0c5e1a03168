"""Figures in a sentence: casualties, troops, missiles and drones, money, equipment.

Each figure keeps its qualifier ("at least", "about", ranges as low/high), its
subject ("civilians", "Russian soldiers") and the exact character span it came from.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

_WORD_NUMBERS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "fifteen": 15,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "a dozen": 12,
    "dozens of": 24,
    "a hundred": 100,
    "hundreds of": 200,
    "thousands of": 2000,
    "tens of thousands of": 20000,
}
_VAGUE = {"dozens of", "hundreds of", "thousands of", "tens of thousands of"}
_SCALE = {
    "thousand": 1_000,
    "million": 1_000_000,
    "billion": 1_000_000_000,
    "m": 1_000_000,
    "bn": 1_000_000_000,
    "k": 1_000,
}
_QUALIFIERS = {
    "at least": "at_least",
    "more than": "more_than",
    "over": "more_than",
    "about": "about",
    "around": "about",
    "some": "about",
    "roughly": "about",
    "approximately": "about",
    "nearly": "nearly",
    "almost": "nearly",
    "up to": "up_to",
    "fewer than": "less_than",
    "less than": "less_than",
}
_NUM = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_WORDS = "|".join(sorted((re.escape(w) for w in _WORD_NUMBERS), key=len, reverse=True))
_QUAL = "|".join(sorted((re.escape(q) for q in _QUALIFIERS), key=len, reverse=True))
_AMOUNT = re.compile(
    rf"(?:(?P<qual>(?i:{_QUAL}))\s+)?(?P<currency>[$\u20ac\u00a3])?"
    rf"(?P<low>{_NUM}|(?i:{_WORDS}))"
    rf"(?:\s*(?:-|\u2013|to|and)\s*(?P<high>{_NUM}))?"
    rf"(?:\s*(?P<scale>thousand|million|billion|bn|m|k)\b)?"
    rf"(?:\s+(?P<currency_word>euros?|dollars?|pounds?|hryvnias?|roubles?|rubles?))?",
)
_KIND_WORDS = [
    ("killed_or_wounded", r"killed or wounded|killed and wounded|casualties|dead or wounded"),
    ("killed", r"killed|dead|died|deaths?|lost their lives|fatalities"),
    ("wounded", r"wounded|injured|injuries|hurt"),
    ("captured", r"captured|taken prisoner|prisoners of war|prisoners|POWs|detainees"),
    ("drones", r"drones?|Shaheds?|UAVs?"),
    ("missiles", r"missiles?|ballistic|cruise missiles?|rockets?"),
    (
        "equipment",
        r"tanks?|armou?red vehicles?|artillery systems?|aircraft|helicopters?|"
        r"air defen[cs]e systems?|howitzers?|jets?",
    ),
    ("troops", r"troops|soldiers|servicemen|personnel|fighters|conscripts|recruits"),
    ("displaced", r"displaced|evacuated|refugees"),
]
_KINDS = [(kind, re.compile(rf"\b(?:{words})\b", re.IGNORECASE)) for kind, words in _KIND_WORDS]
# Subject: the few words between a number and its kind ("North Korean", "Russian"), or the
# noun itself ("civilians", "people").
_SUBJECT_NOUNS = re.compile(
    r"\b(civilians?|children|people|residents|soldiers|troops|servicemen|personnel|"
    r"prisoners|POWs|fighters|workers|journalists|police officers|rescuers|medics)\b",
    re.IGNORECASE,
)
_MAX_GAP = 48  # characters between the number and the word that tells its kind


@dataclass(frozen=True)
class Figure:
    kind: str
    value: Decimal | None
    low: Decimal | None
    high: Decimal | None
    qualifier: str | None
    unit: str | None
    subject: str | None
    start: int
    end: int


def find_figures(sentence: str, offset: int = 0) -> list[Figure]:
    """Figures in one sentence; offsets are shifted by ``offset`` into the entry text."""
    found = []
    for match in _AMOUNT.finditer(sentence):
        if _is_date_or_ordinal(sentence, match):
            continue
        figure = _figure(sentence, match, offset)
        if figure is not None:
            found.append(figure)
    return found


def _figure(sentence: str, match: re.Match[str], offset: int) -> Figure | None:
    """Turn one amount into a figure if a kind can be found for it."""
    low, high = _value(match["low"], match["scale"]), _value(match["high"], match["scale"])
    if low is None:
        return None
    qualifier = _QUALIFIERS.get((match["qual"] or "").lower())
    if match["low"].lower() in _VAGUE:
        qualifier = "vague"
    if match["currency"] or match["currency_word"]:
        unit = _currency(match["currency"] or match["currency_word"])
        return Figure(
            "money",
            low,
            low,
            high or low,
            qualifier,
            unit,
            None,
            offset + match.start(),
            offset + match.end(),
        )
    kind, kind_end = _kind_after(sentence, match.end())
    if kind is None:
        kind, kind_end = _shot_down_of_earlier(sentence, match)
    if kind is None:
        return None
    kind, kind_end = _refine(sentence, kind, kind_end, match.start())
    subject = _subject(sentence, match.end(), kind_end)
    value = None if high is not None else low
    return Figure(
        kind,
        value,
        low,
        high or low,
        qualifier,
        _unit_of(kind),
        subject,
        offset + match.start(),
        offset + kind_end,
    )


def _value(text: str | None, scale: str | None) -> Decimal | None:
    """Numeric value of digits or number words, times the scale word."""
    if not text:
        return None
    word = _WORD_NUMBERS.get(text.lower())
    base = Decimal(word) if word is not None else Decimal(text.replace(",", ""))
    return base * _SCALE.get((scale or "").lower(), 1)


def _kind_after(sentence: str, pos: int) -> tuple[str | None, int]:
    """The kind word closest after the number, within a short window."""
    window = sentence[pos : pos + _MAX_GAP]
    best: tuple[int, str, int] | None = None
    for kind, pattern in _KINDS:
        hit = pattern.search(window)
        if hit and (best is None or hit.start() < best[0]):
            best = (hit.start(), kind, pos + hit.end())
    if best is None or re.search(r"[.;:]|\band\s+\d", window[: best[0]]):
        return None, pos
    return best[1], best[2]


_CASUALTY = re.compile(
    r"\s*(?:were\s+|have been\s+|had been\s+)?(killed or wounded|killed and "
    r"wounded|killed|wounded|injured|captured|taken prisoner)\b",
    re.IGNORECASE,
)
_SHOT_DOWN = re.compile(
    r"[^.;,\d]{0,40}?\b(shot down|intercepted|downed|destroyed|neutrali[sz]ed)\b", re.IGNORECASE
)
_CASUALTY_KIND = {
    "killed or wounded": "killed_or_wounded",
    "killed and wounded": "killed_or_wounded",
    "injured": "wounded",
    "taken prisoner": "captured",
}


def _refine(sentence: str, kind: str, end: int, start: int) -> tuple[str, int]:
    """Troops followed by a casualty verb are casualties; drones/missiles may be shot down."""
    if kind == "troops" and (hit := _CASUALTY.match(sentence, end)):
        word = hit[1].lower()
        return _CASUALTY_KIND.get(word, word), hit.end()
    if kind in ("drones", "missiles"):
        if hit := _SHOT_DOWN.match(sentence, end):
            return f"{kind}_shot_down", hit.end()
        if _SHOT_DOWN_BEFORE.search(sentence[max(0, start - 30) : start]):
            return f"{kind}_shot_down", end
    return kind, end


_SHOT_DOWN_BEFORE = re.compile(
    r"\b(shot down|intercepted|downed|destroyed)\s+(?:\w+\s+)?$", re.IGNORECASE
)


def _shot_down_of_earlier(sentence: str, match: re.Match[str]) -> tuple[str | None, int]:
    """ "..., 57 of which were shot down": the kind comes from drones/missiles named before."""
    hit = _SHOT_DOWN.match(sentence, match.end())
    if not hit or not re.match(r"\s+(of (which|them)|were|was)\b", sentence[match.end() :]):
        return None, match.end()
    earlier = re.findall(r"\b(drones?|missiles?)\b", sentence[: match.start()], re.IGNORECASE)
    if not earlier:
        return None, match.end()
    base = "drones" if earlier[-1].lower().startswith("drone") else "missiles"
    return f"{base}_shot_down", hit.end()


def _subject(sentence: str, start: int, end: int) -> str | None:
    """Whose figure it is: the words between number and kind, or a person noun."""
    between = sentence[start:end].strip()
    noun = _SUBJECT_NOUNS.search(between)
    if noun:
        head = between[: noun.end()]
        words = re.findall(r"[A-Z][\w-]+|\w+", head)
        keep = [
            w for w in words if w[0].isupper() or w == noun.group().lower() or w == noun.group()
        ]
        return " ".join(keep) or noun.group()
    return None


def _unit_of(kind: str) -> str:
    """The counting unit of a figure kind."""
    return {"drones": "drones", "missiles": "missiles", "equipment": "items"}.get(kind, "people")


def _currency(symbol: str) -> str:
    """ISO code for a currency sign or word."""
    key = symbol.lower().rstrip("s")
    return {
        "$": "USD",
        "dollar": "USD",
        "\u20ac": "EUR",
        "euro": "EUR",
        "\u00a3": "GBP",
        "pound": "GBP",
        "hryvnia": "UAH",
        "rouble": "RUB",
        "ruble": "RUB",
    }.get(key, key)


def _is_date_or_ordinal(sentence: str, match: re.Match[str]) -> bool:
    """Skip years, days of month, times and ordinals that look like amounts."""
    tail = sentence[match.end() : match.end() + 12]
    head = sentence[max(0, match.start() - 12) : match.start()]
    low = match["low"]
    if re.match(r"(st|nd|rd|th)\b|:\d", tail) or re.search(r"(day|Day|No\.)\s*$", head):
        return True
    months = (
        r"(January|February|March|April|May|June|July|August|September|October|November|December)"
    )
    return bool(
        re.match(rf"\s*{months}", tail)
        or re.search(rf"{months}\s*$", head)
        or (low.isdigit() and 1900 <= int(low) <= 2100 and not match["scale"])
    )
