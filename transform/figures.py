"""Figures in a sentence: casualties, troops, missiles and drones, money, equipment.

Each figure keeps its qualifier ("at least", "about", ranges as low/high), its
subject ("civilians", "Russian soldiers") and the exact character span it came from.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from warday.transform.text import (
    ascii_key,
    by_first_letter,
    first_letters_ignorecase,
    folds_oddly,
)

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
    "close to": "nearly",
    "up to": "up_to",
    "fewer than": "less_than",
    "less than": "less_than",
}
_NUM = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
# Longest first; grouped by first letter, which gives the same matches faster.
_WORDS = by_first_letter(sorted((re.escape(w) for w in _WORD_NUMBERS), key=len, reverse=True))
_QUAL = by_first_letter(sorted((re.escape(q) for q in _QUALIFIERS), key=len, reverse=True))
# The lookaheads of the letters a qualifier or a number word opens with (ignoring case) are
# only there for speed: a word opening with none of them is passed over at once.
_QUAL_FIRST = first_letters_ignorecase(_QUALIFIERS)
_WORD_FIRST = first_letters_ignorecase(_WORD_NUMBERS)
_AMOUNT = re.compile(
    rf"(?<![\w.,$\u20ac\u00a3-])(?=[\d$\u20ac\u00a3{_QUAL_FIRST[1:-1]}{_WORD_FIRST[1:-1]}])"
    rf"(?:(?={_QUAL_FIRST})(?P<qual>(?i:{_QUAL}))\s+)?(?P<currency>[$\u20ac\u00a3])?"
    rf"(?P<low>{_NUM}|(?={_WORD_FIRST})(?i:{_WORDS})(?!\w))"
    rf"(?:\s*(?:-|\u2013|to|and)\s*(?P<high>{_NUM}))?(?P<or_more>\s+or\s+more\b)?"
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
    r"women|others|casualties|deaths|fatalities|injuries|refugees|citizens|nationals|"
    r"inhabitants|passengers|patients|employees|volunteers|firefighters"
)
_TROOP_NOUNS = frozenset(
    "soldiers troops servicemen personnel fighters conscripts recruits".split()
)
_NO_SUBJECT = frozenset(
    [
        "others",
        "prisoners",
        "prisoners of war",
        "pows",
        "casualties",
        "deaths",
        "fatalities",
        "injuries",
    ]
)
# Nouns that say the kind themselves ("9,806 deaths", "17,962 injuries", "6 million refugees").
_NOUN_KIND = {
    "casualties": "killed_or_wounded",
    "deaths": "killed",
    "fatalities": "killed",
    "injuries": "wounded",
    "refugees": "displaced",
}
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
    r"(?:\s+(?:more|others|other))?"  # "Eight more die", "14 others were injured"
    r"\s*,?\s*(?:(?:were|was|are|is|have been|had been|has been|have|had|were reportedly)\s+)?"
    r"(?:(?:reportedly|internally|also|already|now|since)\s+)?"
    r"(?P<verb>(?:sustained|suffered|received) "
    r"(?:\w+ )?(?:injuries|wounds)|lost their lives|perished|die[ds]?|killed or wounded|"
    r"killed,? wounded,? (?:or|and) (?:gone |went )?missing|"
    r"killed and wounded|killed or "
    r"injured|dead or wounded|killed|died|dead|wounded|injured|hurt|captured|taken prisoner|"
    r"arrested|detained|deported|displaced|evacuated|fled|hospitali[sz]ed|returned home|released|"
    r"freed|remain(?:s|ed)? in (?:\w+ )?captivity|(?:are|were|is|was) held captive)\b",
    re.IGNORECASE,
)
_VERBS_BEFORE = (
    "killing|killed|kills|kill|wounds|wound|injures|injure|hurting|injuring|injured|wounding|"
    "wounded|capturing|captured|arrested|arresting|detained|detaining|deported|deporting|"
    "evacuated|evacuating|evacuation of|displacing|released|releasing|freed|returned|"
    "exchanged?|exchange of|exchange for|in exchange for|swapped|swap of|deaths of|death of|"
    "killing of|mobili[sz]ed|mobili[sz]ing|deployed|recruited"
)
_BEFORE_VERB = re.compile(
    rf"\b(?P<verb>{by_first_letter(_VERBS_BEFORE.split('|'))})\s+"
    r"(?:the\s+|another\s+|a further\s+|an additional\s+|further\s+)?$",
    re.IGNORECASE,
)
_VERB_KIND = {
    "killing": "killed",
    "killed": "killed",
    "kills": "killed",
    "died": "killed",
    "die": "killed",
    "dies": "killed",
    "perished": "killed",
    "lost their lives": "killed",
    "kill": "killed",
    "wounds": "wounded",
    "wound": "wounded",
    "injures": "wounded",
    "injure": "wounded",
    "hurting": "wounded",
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


@dataclass(frozen=True)
class Context:
    """The sentence before, for counts whose noun it names ("Four more were shot down")."""

    figures: tuple[Figure, ...] = ()
    text: str = ""


_NO_CONTEXT = Context()


# Every amount holds a digit or a number word; most sentences hold neither. Words holding
# another ("fourteen", "four") are covered by it.
_DIGIT = re.compile(r"\d")
_NUMBER_WORDS = tuple(w for w in _WORD_NUMBERS if not any(o != w and o in w for o in _WORD_NUMBERS))


def _may_hold_amount(sentence: str) -> bool:
    """False only if no amount can be read in the sentence: lower-casing stands in for the
    case-insensitive number words unless a letter folds oddly ("\u017f" matches "s")."""
    if _DIGIT.search(sentence) or folds_oddly(sentence):
        return True
    low = sentence.lower()
    return any(word in low for word in _NUMBER_WORDS)


def find_figures(sentence: str, offset: int = 0, context: Context = _NO_CONTEXT) -> list[Figure]:
    """Figures in one sentence; offsets are shifted by ``offset`` into the entry text."""
    found: list[Figure] = []
    if not _may_hold_amount(sentence):
        return found
    for match in _AMOUNT.finditer(sentence):
        if _is_date_or_ordinal(sentence, match):
            continue
        figure = _figure(sentence, match, offset, found, context)
        if figure is not None:
            found.append(figure)
    return found


def _figure(
    sentence: str, match: re.Match[str], offset: int, earlier: list[Figure], context: Context
) -> Figure | None:
    """Turn one amount into a figure if a kind can be found for it."""
    low, high = _value(match["low"], match["scale"]), _value(match["high"], match["scale"])
    if low is None:
        return None
    qualifier = _QUALIFIERS.get(ascii_key(match["qual"] or ""))
    vague = ascii_key(match["low"]) in _VAGUE
    if vague:
        qualifier = "vague"
    elif match["or_more"]:
        qualifier = "at_least"
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
    if _OTHER_COUNT.match(sentence, match.end()):
        return None  # "the two sides", "three hours", "120 pages"
    found = _kind(sentence, match, earlier, context)
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
    sentence: str, match: re.Match[str], earlier: list[Figure], context: Context = _NO_CONTEXT
) -> tuple[str, int, str | None] | None:
    """Kind, end of evidence and subject of a number, from the noun it counts and its verb."""
    end, head = match.end(), sentence[: match.start()]
    phrase = _NOUN_PHRASE.match(sentence, end)
    if phrase is not None:
        weapon = next((k for k, _ in _WEAPON_NOUNS if phrase[k]), None)
        if weapon is not None:
            return (*_shot_down(sentence, weapon, phrase.end(), match.start()), None)
        people = _people(sentence, match, phrase, earlier)
        if people is not None or phrase["noun"].lower() != "others":
            return people  # "29 others crashed" falls through to the elided noun
    if of_weapons := _OF_WEAPONS.match(sentence, end):
        base = "drones" if of_weapons["noun"].lower().startswith("drone") else "missiles"
        return (*_shot_down(sentence, base, of_weapons.end(), match.start()), None)
    if later := _of_later(sentence, match, earlier, context):
        return later
    kind, kind_end = _shot_down_of_earlier(sentence, match, context)
    if kind is not None:
        return kind, kind_end, None
    weapon = _elided_weapon(sentence, match, earlier)
    if weapon is not None:
        return weapon, end, None
    if (before := _BEFORE_VERB.search(head)) and (verb_kind := _verb_kind(before["verb"])):
        return verb_kind, end, None
    after = _after_verb(sentence, end)
    if after and (verb_kind := _verb_kind(after["verb"])):
        return verb_kind, after.end(), None
    if _TOTAL.search(head):
        casualty = _CASUALTY_WORD.search(sentence)
        if casualty:
            word = casualty[1].lower()
            return ("wounded" if word in ("wounded", "injured") else "killed"), end, None
    if _TOLL.search(head):
        return "killed", end, None
    if _INCLUDING.search(head) and earlier and earlier[-1].kind != "money":
        return earlier[-1].kind, end, None
    if _WEAPON_FATE.match(sentence, end) and (weapon := _weapon_before(head, context)):
        return weapon, end, None  # "three more hit port facilities", "29 others crashed"
    if _TO_BEFORE.search(head) and earlier and earlier[-1].kind != "money":
        return earlier[-1].kind, end, None
    kind = _elided(sentence, match, earlier, context)
    return None if kind is None else (kind, end, None)


_CASUALTY_WORD = re.compile(r"\b(killed|died|deaths?|dead|wounded|injured)\b")
_TO_BEFORE = re.compile(r"\bto\s+$")
_COMMA = re.compile(r"\s*,")
_PEOPLE_NOUN = re.compile(rf"(?:{_PEOPLE})\b", re.IGNORECASE)
_DRONE_OR_MISSILE = re.compile(r"\b(drones?|missiles?|UAVs?)\b", re.IGNORECASE)
# Nouns a number counts that are no figure ("the two sides", "three hours", "120 pages").
_OTHER_COUNT = re.compile(
    r"\s+(?:sides|years?|days?|weeks?|months?|hours?|minutes?|seconds?|times|pages?|"
    r"kilomet(?:re|er)s?|km|miles?|met(?:re|er)s?|rounds?|regions|oblasts|countries|villages|"
    r"towns|cities|storeys|floors|points|votes|languages|steps|stages|parts)\b",
    re.IGNORECASE,
)
_WEAPON_WORD = re.compile(
    r"\b(drones?|UAVs?|Shaheds?|unmanned aerial vehicles?|missiles?|rockets?)\b", re.IGNORECASE
)
# What became of weapons counted apart from their noun ("29 others crashed").
_WEAPON_FATE = re.compile(
    r"(?:\s+(?:more|others|other))?\s+(?:(?:were|was|have|had|been|also)\s+)*"
    r"(?:hit|struck|reached|got through|crashed|lost|went missing|jammed|suppressed|"
    r"failed to reach|disappeared)\b",
    re.IGNORECASE,
)
_MORE_AFTER = re.compile(r"\s+(?:more|others|other)\b", re.IGNORECASE)
_MORE_BEFORE = re.compile(r"\b(?:another|a further|an additional|further)\s+$", re.IGNORECASE)
_LIST_HEAD = re.compile(
    r"(?:,|;|\band|\bwhile)\s*(?:(?:another|a further|an additional|further)\s+)?$",
    re.IGNORECASE,
)
_PLACE_AFTER = re.compile(
    r"(?:\s+(?:more|others))?\s+(?:over|in|on|near|across|from|at|into|around|above|off)\s+"
    r"(?!the\s+(?:past|last|next|same|first)\b)",
    re.IGNORECASE,
)
_OF_LATER = re.compile(rf"\s+(?:out\s+)?of\s+(?:the\s+)?(?=(?:{_NUM})\b)", re.IGNORECASE)


def _weapon_before(head: str, context: Context) -> str | None:
    """Drones or missiles named last before a number, in its sentence or the one before."""
    nouns = _WEAPON_WORD.findall(head)
    if not nouns:
        prior = [f.kind for f in context.figures if f.kind.startswith(("drones", "missiles"))]
        if prior:
            return prior[-1].removesuffix("_shot_down")
        nouns = _WEAPON_WORD.findall(context.text)
    if not nouns:
        return None
    return "missiles" if nouns[-1].lower().startswith(("missile", "rocket")) else "drones"


def _of_later(
    sentence: str, match: re.Match[str], earlier: list[Figure], context: Context
) -> tuple[str, int, str | None] | None:
    """ "downed 52 out of the 54 drones": the part takes the kind of the whole after it."""
    of_later = _OF_LATER.match(sentence, match.end())
    whole = _AMOUNT.match(sentence, of_later.end()) if of_later else None
    found = _kind(sentence, whole, earlier, context) if whole else None
    if found is None:
        return None
    base = found[0].removesuffix("_shot_down")
    if base in ("drones", "missiles") and _SHOT_DOWN_BEFORE.search(
        sentence[max(0, match.start() - 40) : match.start()]
    ):
        return f"{base}_shot_down", match.end(), None
    return found[0], match.end(), found[2]


def _elided(
    sentence: str, match: re.Match[str], earlier: list[Figure], context: Context
) -> str | None:
    """A bare count in a list or marked "more"/"another" counts what the count before did:
    "31 drones over Kharkiv and 12 over Poltava", "Eight more ...", "a further 40 from ..."."""
    head, end = sentence[: match.start()], match.end()
    counts = [f for f in earlier if f.kind != "money"]
    marked = _MORE_AFTER.match(sentence, end) or _MORE_BEFORE.search(head)
    if counts and _LIST_HEAD.search(head) and (marked or _PLACE_AFTER.match(sentence, end)):
        return counts[-1].kind
    if marked:
        prior = counts or [f for f in context.figures if f.kind != "money"]
        return prior[-1].kind if prior else None
    return None


def _verb_kind(verb: str) -> str | None:
    """The figure kind a verb gives its count."""
    verb = verb.lower()
    if verb.startswith(("sustained", "suffered", "received")):
        return "wounded"
    if verb.startswith("killed,") or verb.startswith("killed wounded"):
        return "killed_or_wounded"  # "killed, wounded, or gone missing"
    return _VERB_KIND.get(verb)


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
    if before and (verb_kind := _verb_kind(before["verb"])):
        return verb_kind, end, subject
    after = _after_verb(sentence, end) or _coordinated_verb(sentence, end)
    if after and after["verb"].lower() in ("returned home", "released", "freed"):
        return "prisoners", after.end(), subject
    if after and (verb_kind := _verb_kind(after["verb"])):
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
_SIDES = re.compile(r"\s+on (?:both|either|each|the \w+) sides?\b", re.IGNORECASE)
_AUXILIARY = re.compile(r"\b(?:were|was|are|is|have|had|has)\b", re.IGNORECASE)
_COORDINATED = re.compile(
    rf"\s+and\s+(?:(?:{_QUAL})\s+)?(?:{_NUM}|(?:{_WORDS}))\s+(?:[\w'-]+\s+){{0,3}}?(?={_PEOPLE})",
    re.IGNORECASE,
)


def _after_verb(sentence: str, end: int) -> re.Match[str] | None:
    """The verb after a count ("12 people were killed"); a verb after a comma only with
    its auxiliary ("killed one civilian, injured three" gives the first no verb)."""
    aside = _ASIDE.match(sentence, end) or _SIDES.match(sentence, end)
    if aside is not None:
        end = aside.end()  # "19 people, including four children, were killed"
    after = _AFTER_VERB.match(sentence, end)
    if after and _COMMA.match(after.group()) and not _AUXILIARY.search(after.group()):
        return None
    return after


def _coordinated_verb(sentence: str, end: int) -> re.Match[str] | None:
    """The verb of a coordinated count: "18 children and about 12 women had been killed"."""
    joined = _COORDINATED.match(sentence, end)
    if joined is None:
        return None
    noun = _PEOPLE_NOUN.match(sentence[joined.end() :])
    return _after_verb(sentence, joined.end() + noun.end()) if noun else None


def _elided_weapon(sentence: str, match: re.Match[str], earlier: list[Figure]) -> str | None:
    """A count whose weapon noun is elided: "107 drones out of 208 launched"."""
    head = sentence[: match.start()]
    if _OUT_OF.search(head) and earlier and earlier[-1].kind.startswith(("drones", "missiles")):
        return earlier[-1].kind.removesuffix("_shot_down")
    if _LAUNCHED.match(sentence, match.end()):
        nouns = _DRONE_OR_MISSILE.findall(head)
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
        joined = _JOINED_WEAPON.match(sentence, end)
        if joined and _SHOT_DOWN.match(sentence, joined.end()):
            return f"{kind}_shot_down", end  # "101 drones and 7 missiles were intercepted"
        if _SHOT_DOWN_BEFORE.search(sentence[max(0, start - 40) : start]):
            return f"{kind}_shot_down", end
    return kind, end


def _value(text: str | None, scale: str | None) -> Decimal | None:
    """Numeric value of digits or number words, times the scale word."""
    if not text:
        return None
    word = _WORD_NUMBERS.get(ascii_key(text))
    base = Decimal(word) if word is not None else Decimal(text.replace(",", ""))
    return base * _SCALE.get((scale or "").lower(), 1)


_SHOT_DOWN = re.compile(
    r"[^.;,\d]{0,40}?\b(shot down|intercepted|downed|destroyed|neutrali[sz]ed)\b", re.IGNORECASE
)
_JOINED_WEAPON = re.compile(
    rf"\s+and\s+(?:{_NUM})\s+(?:[\w-]+\s+){{0,2}}?(?:drones?|UAVs?|missiles?|rockets?)\b",
    re.IGNORECASE,
)
_SHOT_DOWN_BEFORE = re.compile(
    r"\b(shot down|intercepted|downed|destroyed)\s+(?:\w+\s+)?$", re.IGNORECASE
)


def _shot_down_of_earlier(
    sentence: str, match: re.Match[str], context: Context
) -> tuple[str | None, int]:
    """ "..., 57 of which were shot down", "Three more were shot down": the kind comes from
    drones/missiles named before, in this sentence or the one before."""
    hit = _SHOT_DOWN.match(sentence, match.end())
    if not hit or not _ELLIPSIS_VERB.match(sentence, match.end()):
        return None, match.end()
    base = _weapon_before(sentence[: match.start()], context)
    if base is None:
        return None, match.end()
    return f"{base}_shot_down", hit.end()


_ELLIPSIS_VERB = re.compile(
    r"\s+(?:(?:more|others|other)\s+)?(?:of (?:which|them|those)|were|was|have|had)\b",
    re.IGNORECASE,
)


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


_MONTHS = r"(January|February|March|April|May|June|July|August|September|October|November|December)"
_ORDINAL_OR_UNIT_AFTER = re.compile(r"(st|nd|rd|th)\b|:\d|\s*%|\s*per ?cent|-[a-z]")
_DAY_BEFORE = re.compile(r"(day|Day|No\.)\s*$")
_NONE_BEFORE = re.compile(r"\b(?:no|any|every|each)\s+$", re.IGNORECASE)
_MONTH_AFTER = re.compile(rf"\s*{_MONTHS}")
_MONTH_BEFORE = re.compile(rf"{_MONTHS}\s*$")


def _is_date_or_ordinal(sentence: str, match: re.Match[str]) -> bool:
    """Skip years, days of month, times, ordinals, ages, percentages and "no one"."""
    tail = sentence[match.end() : match.end() + 12]
    head = sentence[max(0, match.start() - 12) : match.start()]
    low = match["low"]
    if _ORDINAL_OR_UNIT_AFTER.match(tail) or _DAY_BEFORE.search(head):
        return True
    if _NONE_BEFORE.search(head) and not low[0].isdigit():
        return True  # "no one was hurt"
    return bool(
        _MONTH_AFTER.match(tail)
        or _MONTH_BEFORE.search(head)
        or (low.isdigit() and 1900 <= int(low) <= 2100 and not match["scale"])
    )
