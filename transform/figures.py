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
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
    "a dozen": 12,
    "two dozen": 24,
    "three dozen": 36,
    "four dozen": 48,
    "dozens of": 24,
    "a hundred": 100,
    "a thousand": 1000,
    "hundreds of": 200,
    "thousands of": 2000,
    "tens of thousands of": 20000,
    "hundreds of thousands of": 200000,
    "millions of": 2000000,
}
# Vague quantities are lower bounds only: "dozens" is at least 24, never exactly 24.
_VAGUE = {
    "dozens of",
    "hundreds of",
    "thousands of",
    "tens of thousands of",
    "hundreds of thousands of",
    "millions of",
}
_SCALE = {
    "trillion": 1_000_000_000_000,
    "tn": 1_000_000_000_000,
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
    rf"(?<![\w.,$\u20ac\u00a3-])(?:(?P<qual>(?i:{_QUAL}))\s+)?(?P<currency>[$\u20ac\u00a3])?"
    rf"(?P<low>{_NUM}|(?i:{_WORDS})(?!\w))"
    rf"(?:\s*(?:-|\u2013|to|and)\s*(?P<high>{_NUM}))?"
    rf"(?:\s*(?P<scale>thousand|million|billion|trillion|bn|tn|m|k)\b)?"
    rf"(?:\s+(?P<currency_word>euros?|dollars?|pounds?|hryvnias?|roubles?|rubles?|kroner|krone|kronor|yen|zlotys?))?",
)
# Nouns a number can count, longest first within each group.
_WEAPON_NOUNS = [
    ("drones", r"drones?|Shaheds?|UAVs?|unmanned aerial vehicles?|unmanned aircraft"),
    ("missiles", r"missiles?|rockets?"),
    ("bombs", r"bombs?"),
    (
        "equipment",
        r"tanks?|armou?red vehicles?|vehicles|artillery systems?|aircraft|helicopters?|"
        r"air defen[cs]e systems?|howitzers?|fighter jets?|jets|bombers|warships?|ships|planes?|"
        r"warplanes?|airplanes?|launchers?",
    ),
]
_PEOPLE = (
    r"police officers|prisoners of war|people|person|civilians?|children|child|residents|"
    r"soldiers|troops|servicemen|personnel|fighters|conscripts|recruits|workers|journalists|"
    r"officers|rescuers|medics|deminers|Ukrainians|Russians|prisoners|POWs|individuals|men|"
    r"women|others|casualties|deaths|fatalities"
)
_TROOP_NOUNS = frozenset(
    "soldiers troops servicemen personnel fighters conscripts recruits".split()
)
_NO_SUBJECT = frozenset(
    ["others", "prisoners", "prisoners of war", "pows", "casualties", "deaths", "fatalities"]
)
_NOUN_KIND = {"casualties": "killed_or_wounded", "deaths": "killed", "fatalities": "killed"}
# Up to four modifiers ("fallen Ukrainian", "Kinzhal hypersonic") between number and noun.
_STOP = r"were|was|are|is|have|has|had|and|or|of|in|on|at|to|from|over|which|who"
_MODIFIER = rf"(?:(?!(?:{_STOP})\b)[\w'\u201c\u201d\"-]+\s+){{0,4}}?"
_NOUN_PHRASE = re.compile(
    rf"\s+(?:of\s+(?:its|their|the|his|her|our|those|these|whom)\s+)?(?P<mods>{_MODIFIER})(?P<noun>{_PEOPLE}|"
    + "|".join(rf"(?P<{kind}>{words})" for kind, words in _WEAPON_NOUNS)
    + r")\b",
    re.IGNORECASE,
)
_OF_WEAPONS = re.compile(
    r"\s+of\s+(?:the\s+|them\s*)?(?:\d[\d,]*\s+)?(?:\w+\s+){0,2}?(?P<noun>drones?|missiles?)\b",
    re.IGNORECASE,
)
_AFTER_VERB = re.compile(
    r"\s*,?\s*(?:(?:were|was|are|is|have been|had been|has been|have|had|were reportedly)\s+)?"
    r"(?:reportedly\s+|internally\s+)?(?P<verb>killed or wounded|killed and wounded|killed or "
    r"injured|dead or wounded|killed|died|dead|wounded|injured|hurt|captured|taken prisoner|"
    r"arrested|detained|deported|displaced|evacuated|fled|hospitali[sz]ed|returned home|released|"
    r"freed|remain(?:s|ed)? in (?:\w+ )?captivity|(?:are|were|is|was) held captive)\b",
    re.IGNORECASE,
)
_BEFORE_VERB = re.compile(
    r"\b(?P<verb>killing|killed|kills|injuring|injured|wounding|wounded|capturing|captured|"
    r"arrested|arresting|detained|detaining|deported|deporting|evacuated|evacuating|"
    r"evacuation of|displacing|released|releasing|freed|returned|exchanged?|exchange of|"
    r"exchange for|in exchange for|swapped|swap of|deaths of|death of|killing of|mobili[sz]ed|"
    r"mobili[sz]ing|deployed|recruited)\s+"
    r"(?:the\s+|another\s+|a further\s+|an additional\s+|further\s+)?$",
    re.IGNORECASE,
)
_VERB_KIND = {
    "killing": "killed",
    "killed": "killed",
    "kills": "killed",
    "died": "killed",
    "dead": "killed",
    "injuring": "wounded",
    "injured": "wounded",
    "wounding": "wounded",
    "wounded": "wounded",
    "hurt": "wounded",
    "capturing": "captured",
    "captured": "captured",
    "taken prisoner": "captured",
    "killed or wounded": "killed_or_wounded",
    "killed and wounded": "killed_or_wounded",
    "killed or injured": "killed_or_wounded",
    "dead or wounded": "killed_or_wounded",
    "arrested": "arrested",
    "arresting": "arrested",
    "detained": "arrested",
    "detaining": "arrested",
    "deported": "deported",
    "deporting": "deported",
    "displaced": "displaced",
    "evacuated": "displaced",
    "evacuating": "displaced",
    "evacuation of": "displaced",
    "fled": "displaced",
    "hospitalised": "wounded",
    "hospitalized": "wounded",
    "mobilised": "troops",
    "mobilized": "troops",
    "mobilising": "troops",
    "mobilizing": "troops",
    "deployed": "troops",
    "recruited": "troops",
    "deaths of": "killed",
    "death of": "killed",
    "killing of": "killed",
    "displacing": "displaced",
}
_EXCHANGE = re.compile(
    r"\b(?:exchang\w*|swap\w*|released|releas\w+|freed|returned home|prisoners of war|POWs)\b",
    re.IGNORECASE,
)
_FALLEN = re.compile(r"\b(?:fallen|dead|killed)\b", re.IGNORECASE)
_DEATH_NOUN = re.compile(r"\s+(?P<noun>deaths|casualties|fatalities)\b", re.IGNORECASE)
_TOTAL = re.compile(r"\b(?:total|tally|count)\s+of\s+$", re.IGNORECASE)
_OUT_OF = re.compile(r"\bout\s+of\s+$", re.IGNORECASE)
_LAUNCHED = re.compile(r"\s+(?:were\s+)?(?:launched|fired|sent)\b", re.IGNORECASE)
_INCLUDING = re.compile(r"\b(?:including|among them|among whom|of them|of whom)\s+$", re.IGNORECASE)
_TOLL = re.compile(r"\bdeath toll\b[^.;]{0,60}\b(?:to|at|of|reached|stands at)\s+$", re.IGNORECASE)
_LOSSES = re.compile(
    r"\b(?:losses|lost|losing|suffered)\b[^.;]{0,40}?(?:\b(?:to|at|of|reached)\s+)?$",
    re.IGNORECASE,
)
_ELIDED_HIT = re.compile(r"\s+(?:hit|struck|reached|got through)\b", re.IGNORECASE)


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
    found: list[Figure] = []
    for match in _AMOUNT.finditer(sentence):
        if _is_date_or_ordinal(sentence, match):
            continue
        figure = _figure(sentence, match, offset, found)
        if figure is not None:
            found.append(figure)
    return found


def _figure(
    sentence: str, match: re.Match[str], offset: int, earlier: list[Figure]
) -> Figure | None:
    """Turn one amount into a figure if a kind can be found for it."""
    low, high = _value(match["low"], match["scale"]), _value(match["high"], match["scale"])
    if low is None:
        return None
    qualifier = _QUALIFIERS.get((match["qual"] or "").lower())
    vague = match["low"].lower() in _VAGUE
    if vague:
        qualifier = "vague"
    if match["currency"] or match["currency_word"]:
        unit = _currency(match["currency"] or match["currency_word"])
        return Figure(
            "money",
            None if vague else low,
            low,
            None if vague else high or low,
            qualifier,
            unit,
            None,
            offset + match.start(),
            offset + match.end(),
        )
    found = _kind(sentence, match, earlier)
    if found is None:
        return None
    kind, kind_end, subject = found
    value = None if high is not None or vague else low
    return Figure(
        kind,
        value,
        low,
        None if vague else high or low,
        qualifier,
        _unit_of(kind),
        subject,
        offset + match.start(),
        offset + kind_end,
    )


def _kind(
    sentence: str, match: re.Match[str], earlier: list[Figure]
) -> tuple[str, int, str | None] | None:
    """Kind, end of evidence and subject of a number, from the noun it counts and its verb."""
    end, head = match.end(), sentence[: match.start()]
    phrase = _NOUN_PHRASE.match(sentence, end)
    if phrase is not None:
        weapon = next((k for k, _ in _WEAPON_NOUNS if phrase[k]), None)
        if weapon is not None:
            return (*_shot_down(sentence, weapon, phrase.end(), match.start()), None)
        return _people(sentence, match, phrase, earlier)
    if of_weapons := _OF_WEAPONS.match(sentence, end):
        base = "drones" if of_weapons["noun"].lower().startswith("drone") else "missiles"
        return (*_shot_down(sentence, base, of_weapons.end(), match.start()), None)
    kind, kind_end = _shot_down_of_earlier(sentence, match)
    if kind is not None:
        return kind, kind_end, None
    weapon = _elided_weapon(sentence, match, earlier)
    if weapon is not None:
        return weapon, end, None
    if (before := _BEFORE_VERB.search(head)) and (
        verb_kind := _VERB_KIND.get(before["verb"].lower())
    ):
        return verb_kind, end, None
    after = _after_verb(sentence, end)
    if after and (verb_kind := _VERB_KIND.get(after["verb"].lower())):
        return verb_kind, after.end(), None
    if _TOTAL.search(head):
        casualty = re.search(r"\b(killed|died|deaths?|dead|wounded|injured)\b", sentence)
        if casualty:
            word = casualty[1].lower()
            return ("wounded" if word in ("wounded", "injured") else "killed"), end, None
    if _TOLL.search(head):
        return "killed", end, None
    if _INCLUDING.search(head) and earlier and earlier[-1].kind != "money":
        return earlier[-1].kind, end, None
    if _ELIDED_HIT.match(sentence, end):
        nouns = re.findall(r"\b(drones?|missiles?)\b", head, re.IGNORECASE)
        if nouns:
            return ("drones" if nouns[-1].lower().startswith("drone") else "missiles"), end, None
    if re.search(r"\bto\s+$", head) and earlier and earlier[-1].kind != "money":
        return earlier[-1].kind, end, None
    return None


def _people(
    sentence: str, match: re.Match[str], phrase: re.Match[str], earlier: list[Figure]
) -> tuple[str, int, str | None] | None:
    """Kind of a number of people: from its adjectives, verb, context or noun."""
    noun = phrase["noun"]
    if _NOUN_AFTER.match(sentence, phrase.end()):
        return None  # "dozens of hacked military personnel accounts" counts accounts
    subject = _subject_of(phrase["mods"], noun)
    head, end = sentence[: match.start()], phrase.end()
    if noun.lower() in _NOUN_KIND:
        return _NOUN_KIND[noun.lower()], end, subject
    if death := _DEATH_NOUN.match(sentence, end):
        return _NOUN_KIND[death["noun"].lower()], death.end(), subject
    if _FALLEN.search(phrase["mods"]):
        return "killed", end, subject
    before = _BEFORE_VERB.search(head)
    if before and (verb_kind := _VERB_KIND.get(before["verb"].lower())):
        return verb_kind, end, subject
    after = _after_verb(sentence, end) or _coordinated_verb(sentence, end)
    if after and after["verb"].lower() in ("returned home", "released", "freed"):
        return "prisoners", after.end(), subject
    if after and (verb_kind := _VERB_KIND.get(after["verb"].lower())):
        return verb_kind, after.end(), subject
    if _INCLUDING.search(head) and earlier and earlier[-1].kind != "money":
        return earlier[-1].kind, end, subject
    if _TOLL.search(head):
        return "killed", end, subject
    if _EXCHANGE.search(sentence):
        return "prisoners", end, subject
    if noun.lower() in ("prisoners", "pows"):
        return "captured", end, subject
    if _LOSSES.search(head[-60:]):
        return "killed_or_wounded", end, subject
    if noun.lower() in _TROOP_NOUNS:
        return "troops", end, subject
    return None


_ASIDE = re.compile(r",\s+(?:including|among them)\b[^,;.]{1,60}(?=,)", re.IGNORECASE)
# A person noun that modifies another noun counts that noun, not people.
_NOUN_AFTER = re.compile(
    r"\s+(?:accounts|records|files|data|families|relatives|homes|houses|cards|documents|"
    r"salaries|wages|numbers|lists|names|bodies|remains|graves|phones|passports|units)\b",
    re.IGNORECASE,
)
_AUXILIARY = re.compile(r"\b(?:were|was|are|is|have|had|has)\b", re.IGNORECASE)
_COORDINATED = re.compile(
    rf"\s+and\s+(?:(?:{_QUAL})\s+)?(?:{_NUM}|(?:{_WORDS}))\s+(?:[\w'-]+\s+){{0,3}}?(?={_PEOPLE})",
    re.IGNORECASE,
)


def _after_verb(sentence: str, end: int) -> re.Match[str] | None:
    """The verb after a count ("12 people were killed"); a verb after a comma only with
    its auxiliary ("killed one civilian, injured three" gives the first no verb)."""
    aside = _ASIDE.match(sentence, end)
    if aside is not None:
        end = aside.end()  # "19 people, including four children, were killed"
    after = _AFTER_VERB.match(sentence, end)
    if after and re.match(r"\s*,", after.group()) and not _AUXILIARY.search(after.group()):
        return None
    return after


def _coordinated_verb(sentence: str, end: int) -> re.Match[str] | None:
    """The verb of a coordinated count: "18 children and about 12 women had been killed"."""
    joined = _COORDINATED.match(sentence, end)
    if joined is None:
        return None
    noun = re.match(rf"(?:{_PEOPLE})\b", sentence[joined.end() :], re.IGNORECASE)
    return _after_verb(sentence, joined.end() + noun.end()) if noun else None


def _elided_weapon(sentence: str, match: re.Match[str], earlier: list[Figure]) -> str | None:
    """A count whose weapon noun is elided: "107 drones out of 208 launched"."""
    head = sentence[: match.start()]
    if _OUT_OF.search(head) and earlier and earlier[-1].kind.startswith(("drones", "missiles")):
        return earlier[-1].kind.removesuffix("_shot_down")
    if _LAUNCHED.match(sentence, match.end()):
        nouns = re.findall(r"\b(drones?|missiles?|UAVs?)\b", head, re.IGNORECASE)
        if nouns:
            return "missiles" if nouns[-1].lower().startswith("missile") else "drones"
    return None


def _subject_of(mods: str, noun: str) -> str | None:
    """Capitalised modifiers plus the person noun ("Russian soldiers"); none for bare counts."""
    if noun.lower() in _NO_SUBJECT:
        return None
    keep = [w for w in mods.split() if w[:1].isupper() and not w.isupper()]
    return " ".join([*keep, noun.lower() if not noun[:1].isupper() or keep else noun])


def _shot_down(sentence: str, kind: str, end: int, start: int) -> tuple[str, int]:
    """Drones or missiles may be shot down, said after or before the number."""
    if kind in ("drones", "missiles"):
        if hit := _SHOT_DOWN.match(sentence, end):
            return f"{kind}_shot_down", hit.end()
        if _SHOT_DOWN_BEFORE.search(sentence[max(0, start - 40) : start]):
            return f"{kind}_shot_down", end
    return kind, end


def _value(text: str | None, scale: str | None) -> Decimal | None:
    """Numeric value of digits or number words, times the scale word."""
    if not text:
        return None
    word = _WORD_NUMBERS.get(text.lower())
    base = Decimal(word) if word is not None else Decimal(text.replace(",", ""))
    return base * _SCALE.get((scale or "").lower(), 1)


_SHOT_DOWN = re.compile(
    r"[^.;,\d]{0,40}?\b(shot down|intercepted|downed|destroyed|neutrali[sz]ed)\b", re.IGNORECASE
)
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


def _unit_of(kind: str) -> str:
    """The counting unit of a figure kind."""
    base = kind.removesuffix("_shot_down")
    return {"drones": "drones", "missiles": "missiles", "bombs": "bombs", "equipment": "items"}.get(
        base, "people"
    )


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
    """Skip years, days of month, times, ordinals, ages, percentages and "no one"."""
    tail = sentence[match.end() : match.end() + 12]
    head = sentence[max(0, match.start() - 12) : match.start()]
    low = match["low"]
    if re.match(r"(st|nd|rd|th)\b|:\d|\s*%|\s*per ?cent|-[a-z]", tail) or re.search(
        r"(day|Day|No\.)\s*$", head
    ):
        return True
    if re.search(r"\b(?:no|any|every|each)\s+$", head, re.IGNORECASE) and not low[0].isdigit():
        return True  # "no one was hurt"
    months = (
        r"(January|February|March|April|May|June|July|August|September|October|November|December)"
    )
    return bool(
        re.match(rf"\s*{months}", tail)
        or re.search(rf"{months}\s*$", head)
        or (low.isdigit() and 1900 <= int(low) <= 2100 and not match["scale"])
    )
