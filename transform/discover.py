"""Actors beyond the curated list, discovered from how news names people and bodies.

Mechanisms, each marking its actors ``discovered`` (curated ones are not):

* a title or role with a name: "Governor Oleh Syniehubov", "Malaysia's Prime Minister
  Anwar Ibrahim", "Samara Oblast Governor X", "photographer X", "Mr. X";
* a name with a role in apposition: "John Kirby, the White House national security
  spokesperson", "said Amy Pope, the agency's Director General", "The prosecutor, X,";
* a two- or three-word name that speaks: "X Y said", "said X Y";
* organisations by their form: ministries, agencies, services, committees, staffs
  ("Russia's Ministry of Defence" is the curated "Russian Defence Ministry": forms are
  compared as bags of normalised words, with adjectives and possessives mapped to their
  country), and acronyms that act ("IOM urged") or are spelled out ("... (RSF)");
* a bare "the General Staff" is the General Staff of the side the entry last named.

Later surname-only mentions of a discovered person ("Strukov said") are the same actor.
Side comes from the possessive or adjective of the title ("Malaysia's", "Russian"), a
place in front of it ("Samara Oblast Governor") or a known body in the apposition.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from warday.settings import package_dir
from warday.transform.text import by_first_letter

# Shipped inside the package (importlib.resources), so an installed wheel finds it too.
DATA_DIR = package_dir("transform", "data")
DEMONYMS_PATH = DATA_DIR / "demonyms.csv"

# Letters of names, Latin accents included ("St\u00e9phane", "\u0141ukasz"); a word may carry
# one inner capital after its first letters ("DiCarlo", "McCarthy", "LeBlanc").
_UPPER = "A-Z\u00c0-\u00d6\u00d8-\u00de\u0100-\u017f"
_LOWER = "a-z\u00df-\u00f6\u00f8-\u00ff\u0100-\u017f"
_NAME_WORD_TAIL = rf"[{_LOWER}]+(?:[{_UPPER}][{_LOWER}]{{2,}})?(?:[-'\u2019][A-Za-z][{_LOWER}]+)*"
_NAME_WORD = rf"[{_UPPER}]{_NAME_WORD_TAIL}"
_PARTICLE = r"(?:(?:bin|ibn|al|el|de|van|von|der|da|di)[-\s])?"
# A name after its first letter. Patterns below open with a letter (class) and test what
# stands before it right after it, not with a look-behind or \b: the regex engine then skips
# to the letters a match can open with instead of trying every position of the text.
_NAME_TAIL = rf"{_NAME_WORD_TAIL}(?:\s+(?:[A-Z]\.\s+)?{_PARTICLE}{_NAME_WORD}){{1,2}}"
_NAME = rf"[{_UPPER}]{_NAME_TAIL}"
_SURNAME_ONLY = rf"{_NAME_WORD}"
# Titles written before a name ("Governor X"); one word of a name may follow them. Each
# opens with a capital or with "former" (_TITLED tests the first letter before trying them).
_TITLES = (
    r"(?:Deputy\s+|Vice\s+|Acting\s+|Former\s+|former\s+|Interim\s+)?(?:"
    r"President|Prime\s+Minister|Premier|Chancellor|Foreign\s+Minister|Defen[cs]e\s+Minister|"
    r"(?:[A-Z][a-z]+\s+)?Minister|Secretary(?:-General|\s+General|\s+of\s+State)?|"
    r"Governor|Mayor|Judge|General|Gen\.|Lieutenant\s+General|Lt\.\s+Gen\.|Major\s+General|"
    r"Maj\.\s+Gen\.|Colonel|Col\.|Admiral|Adm\.|Commander|Ambassador|Envoy|Special\s+Envoy|"
    r"Senator|Sen\.|Rep\.|Representative|Speaker|Patriarch|Pope|King|Queen|Crown\s+Prince|"
    r"Prince|Sheikh|Emir|Sultan|Commissioner|High\s+Commissioner|Director(?:\s+General)?|"
    r"Chief\s+Prosecutor|Prosecutor(?:\s+General)?|Ombudsman|Ombudsperson|Metropolitan|"
    r"Spokesperson|Spokesman|Spokeswoman|Chairman|Chairwoman|Chair|CEO|Lt\.|Sgt\.|Capt\.|"
    r"Major|Captain|Lieutenant|Sergeant|Marshal|Dr\.|Mr\.|Ms\.|Mrs\.|Mx\.)"
)

# Role nouns written in lower case before a name ("photographer X", "lawyer X").
_ROLES = by_first_letter(
    """spokes(?:person|man|woman) minister governor mayor judge prosecutor lawyer attorney
    photographer journalist reporter correspondent activist blogger milblogger analyst
    researcher professor official officer commander soldier general adviser advisor aide
    negotiator envoy ambassador diplomat lawmaker deputy senator director head chief
    leader chairman chair president secretary representative author expert economist
    historian editor founder member resident volunteer doctor medic priest businessman
    oligarch dissident politician pilot commentator propagandist presenter host
    coordinator manager executive rapporteur investigator ombudsman commissioner""".split()
)
# The title and the name after it are found first; what stands before the title (a
# possessive, a place, adjectives) is read from a short window in front of it. The first
# letter decides whether titles (capitals, "former") or roles (lower case) are tried at all.
_TITLED = re.compile(
    rf"(?<![\w-])(?P<title>(?=[A-Zf]){_TITLES}|(?=[a-z]){_ROLES})"
    rf"\s+(?P<name>{_NAME}|{_SURNAME_ONLY})(?![\w-])"
)
_LEAD = re.compile(
    r"(?:(?P<poss>[A-Z][\w.'-]*(?:\s+[A-Z][\w.'-]*){0,2})['\u2019]s\s+)?"
    r"(?P<pre>(?:(?:[A-Z][\w.'-]*|national|security|foreign|defen[cs]e|deputy|regional|"
    r"military|top|chief|senior|former|prominent)\s+){0,4})$"
)
_APPOSED = re.compile(
    rf"(?P<name>[{_UPPER}](?<![\w-].){_NAME_TAIL}),\s+"
    rf"(?P<role>(?:the\s+|a\s+|an\s+)?[^,;.\n]{{0,90}}?"
    rf"\b(?i:{_ROLES})\b[^,;.\n]{{0,60}}?)(?=,|\.|;|$|\s+(?:said|says|told|added|wrote))"
)
# "the region's acting governor, X Y," / "his Spokesman, X Y, told" / "..., the mayor, X Y."
_ROLE_THEN_NAME = re.compile(
    r"[TtHhIi](?<!\w.)(?:(?<=[Tt])he|(?<=[Hh])is|(?<=[Hh])er|(?<=[Tt])heir|(?<=[Ii])ts)\s+"
    rf"(?:[\w'\u2019-]+\s+){{0,3}}?(?i:{_ROLES})"
    rf"(?:\s+of\s+(?:the\s+)?(?:[\w'-]+\s+){{0,3}}?(?:region|oblast|city|town|province|district|"
    rf"country|agency|ministry|office|mission|army|navy|[A-Z][\w'-]*))?,\s+(?P<name>{_NAME})"
    rf"(?=,|[.;](?:\s|$))"
)
# The tail every _ROLE_THEN_NAME match ends with (", X Y," ); a text without it has no match
# and is not searched (the tail opens with a comma, which the regex engine skips to).
_ROLE_THEN_NAME_GATE = re.compile(rf",\s+{_NAME}(?=,|[.;](?:\s|$))")
_SPEAKER_AFTER = re.compile(
    rf"(?P<name>{_NAME})(?:,[^,\n]{{1,90}},)?\s+(?:said|says|told|added|wrote|argued|stressed|"
    rf"noted|warned|posted)\b"
)
# \b(?:said|says|told|added|according\s+to), opening with the letters those open with.
_SPEAKER_BEFORE = re.compile(
    r"[sta](?<!\w.)(?:(?<=s)(?:aid|ays)|(?<=t)old|(?<=a)(?:dded|ccording\s+to))"
    rf"\s+(?P<name>{_NAME})(?![\w-])"
)
_ORG_HEADS = (
    r"Ministry|Ministries|Agency|Service|Committee|Council|Commission|Office|Directorate|"
    r"General\s+Staff|Guard|Court|Prosecutor['\u2019]s\s+Office|Administration|Department|"
    r"Command|Inspectorate|Bureau|Fund|Programme|Program|Parliament|Senate|Duma|Cabinet|"
    r"Rada|Assembly|Police|Army|Navy|Air\s+Force|Forces"
)
_ORG = re.compile(
    rf"(?<![\w'-])(?=[A-Z])(?:(?P<poss>[A-Z][\w.'-]*(?:\s+[A-Z][\w.'-]*)?)['\u2019]s\s+)?"
    rf"(?P<body>(?:(?!(?:The|A|An|This|Its|Their|In|On|At|By|For|From|With|As|But|And)\s)"
    rf"[A-Z][\w'-]*\s+){{0,4}}(?:{_ORG_HEADS})(?:\s+(?:of|for)\s+(?:the\s+)?"
    rf"[A-Z][\w'-]*(?:\s+(?:and\s+)?[A-Z][\w'-]*){{0,3}})?)"
)
# A ministry written in lower case after its country's possessive ("Britain's defence
# ministry", "the United Kingdom's foreign ministry"): the body is named by the possessive.
_LOWER_MINISTRY = re.compile(
    r"(?<![\w'-])(?P<poss>[A-Z][\w.'-]*(?:\s+[A-Z][\w.'-]*)?)['\u2019]s\s+"
    r"(?P<body>(?:defen[cs]e|foreign|interior|health|energy|justice|finance|economy|"
    r"emergencies|emergency|culture|education|agriculture|digital|transport)\s+ministry)(?![\w-])"
)
_GENERIC_BODY = re.compile(
    r"(?:Air\s+Force|Army|Navy|Police|Forces|General\s+Staff|Parliament|Senate|Cabinet|"
    r"Foreign\s+Ministry|Defen[cs]e\s+Ministry|Interior\s+Ministry|Health\s+Ministry|"
    r"Ministry\s+of\s+\w+|Security\s+Service|Border\s+Guard|National\s+Guard)"
)
_SPEAKS_AFTER = re.compile(
    r"\s+(?:(?:has|have|had)\s+)?(?:said|says|reported|announced|confirmed|stated|warned)\b"
)
_ORG_TAIL_NOT_BODY = re.compile(r"\s+(?:One|Day|Week|Month|Year|Base|Academy|Award)\b")
_GROUP_HEADS = (
    r"Organi[sz]ation|Movement|Front|Party|Group|Brigade|Battalion|Regiment|Union|Mission|"
    r"Corps|Division|Network|Alliance|Coalition|Federation|Association|Institute|Centre|Center"
)
_ORG_GATE = re.compile(
    "(?:" + "|".join(rf"{h[0]}(?<!\w.){h[1:]}" for h in _ORG_HEADS.split("|")) + r")\b"
)
# A head anywhere (_ORG's head group matches it), and a character no _ORG match holds: a
# match lies within one run of other characters, around a head (_organisations).
_ORG_HEAD = re.compile(f"(?:{_ORG_HEADS})")
_NOT_IN_ORG = re.compile(r"[^\w.'\u2019\s-]")
_ACRONYM = re.compile(r"(?P<acr>[A-Z](?<![\w.][A-Z])[A-Z]{1,5})(?![\w.])")
_ACRONYM_ACTS = re.compile(
    r"\s+(?:said|says|urged|urges|warned|reported|supports|supported|estimated|recorded|"
    r"documented|called|announced|condemned|noted|fighters|forces|troops|militants|"
    r"militia|staff|teams|chief|head|spokesperson|spokesman)\b"
)
_BARE_GENERAL_STAFF = re.compile(r"\b[Tt]he\s+(?P<gs>General\s+Staff)\b(?!\s+of)")
_NOT_NAME_WORDS = frozenset(
    """The A An This That These Those It Its He She They We I In On At By For From With As
    But And Or If When While After Before During Since Until Monday Tuesday Wednesday
    Thursday Friday Saturday Sunday January February March April May June July August
    September October November December Ministry Service Agency Office Council Forces Staff
    Army Air Force Committee Court Government House Department Bureau Party Union News
    Press Times Post Institute University Centre Center Group Company Bank Fund
    Organization Organisation Commission Parliament Assembly Guard Police Navy Command
    Directorate Republic Oblast Region State States Kingdom Emirates Nations Federation
    Security Defence Defense Foreign Affairs Energy Emergency National International
    World Human Rights Red Cross Crescent General Prime Minister President Governor Mayor
    Judge Mr Ms Mrs Dr Reuters Associated Agence France Jazeera Telegram Facebook X
    Ukrainian Russian American British European Western North South East West Northern
    Southern Eastern Western Central Photo Photograph Getty Images AFP AP Kremlin White
    Black Sea Day Independence Victory Christmas Easter Geneva Kyiv Moscow Washington
    Europe Ukraine Russia Island Nuclear Power Plant Station Oil Gas Refinery Airport
    Bridge Street Square District Village City Town Peace Board Plan Deal Summit Talks
    Council Agreement Treaty Law Act Bill Strategy Initiative Programme Program Project
    Olympic Olympics Games Cup League Club Team Church Orthodox Catholic Cathedral
    Patriarchate Orthodoxy Holy See God Lord Death Yars Flamingo Neptune Shahed Geran
    Iskander Kinzhal Kalibr Patriot Storm Shadow Taurus Tomahawk Telegraph Guardian
    Journal Mediazona Meduza Interfax Tass TASS RIA Novosti Ukrinform Suspilne Kyiv
    Independent Pravda Economist Politico Bloomberg Axios CNN BBC NPR TIME Time""".split()
)
# Acronyms that are no actor (agencies of news, units, times) or that curated lists hold.
_NOT_ACTOR_ACRONYMS = frozenset(
    """AP AFP CNN BBC NPR TASS RIA UK US USA EU UN NATO GMT UTC CET EST AM PM TV ID OK
    VIP CEO MP MPS MOD DPRK UAV UAVS GDP HIMARS ATACMS MLRS NPP ZNPP IDP IDPS POW POWS
    KM KG USD EUR UAH RUB DJI FPV EW SAM ISW ICC ICJ LNG DNR LNR FSB SBU GUR HUR""".split()
)


_ORG_WORD = re.compile(r"[A-Za-z_]+")
_LATIN_WORD = re.compile(r"[A-Za-z]+")
_INITIAL = re.compile(r"\b[A-Z]\.")
_CAPITALISED_RUN = re.compile(r"[A-Z][\w.-]*(?:\s+[A-Z][\w.-]*)*")


@dataclass(frozen=True)
class Discovered:
    """An actor found by form: canonical name, kind, side, span and how sure."""

    name: str
    kind: str
    side: str | None
    role: str | None
    start: int
    end: int
    confidence: float
    lead: int | None = None  # start of a possessive in front ("Russia's" Defence Ministry)


@cache
def demonyms(path: Path = DEMONYMS_PATH) -> dict[str, str]:
    """Adjective or short form -> country ("Russian" -> "Russia")."""
    rows = [ln for ln in path.read_text(encoding="utf-8").splitlines() if not ln.startswith("#")]
    out: dict[str, str] = {}
    for i, row in enumerate(csv.DictReader(rows)):
        if not row.get("form") or not row.get("country"):
            raise ValueError(f"{path.name}: row {i + 1}: form and country are required")
        out[row["form"]] = row["country"]
    return out


def org_key(form: str) -> frozenset[str]:
    """Bag of normalised words of an organisation's name, countries for adjectives.

    "Russia's Ministry of Defence", "Russian Defense Ministry" and "Ministry of Defence of
    Russia" share one key.
    """
    form = form.replace("\u2019", "'").replace("'s ", " ")
    table = demonyms()
    for country in _multiword_countries():
        form = form.replace(country, country.replace(" ", "_"))
    out = set()
    for word in _ORG_WORD.findall(form):
        low = word.lower()
        if low in ("the", "of", "s", "and", "for"):
            continue
        known = table.get(word) or word
        out.add(known.lower().replace("defense", "defence").replace("_", " "))
    return frozenset(out)


@cache
def _multiword_countries() -> tuple[str, ...]:
    """Country names of more than one word ("United Kingdom"), longest first."""
    names = {c for c in demonyms().values() if " " in c}
    return tuple(sorted(names, key=len, reverse=True))


def discover(
    text: str,
    taken: Sequence[tuple[int, int]],
    side_of: dict[str, str | None],
    places: Sequence[tuple[int, int, str | None]],
) -> list[Discovered]:
    """Actors named in text outside the ``taken`` spans (curated actors).

    ``side_of`` maps known names and forms (curated actors, states, places) to a side;
    ``places`` are (start, end, country) of the entry's place mentions.
    """
    found: list[Discovered] = []
    spans = list(taken)

    curated = set(taken)

    def add(item: Discovered | None) -> None:
        if item is None:
            return
        lo = item.start if item.lead is None else item.lead
        for s, e in spans:
            swallowed = (
                (s, e) in curated and item.kind == "organisation" and lo <= s and e <= item.end
            )
            if s < item.end and lo < e and not (swallowed and (e - s) < (item.end - lo)):
                return
        spans.append((lo, item.end))
        found.append(item)

    for match in _TITLED.finditer(text):
        add(_titled(text, match, side_of, places))
    for pattern in (_APPOSED, _ROLE_THEN_NAME, _SPEAKER_AFTER, _SPEAKER_BEFORE):
        if pattern is _ROLE_THEN_NAME and not _ROLE_THEN_NAME_GATE.search(text):
            continue
        for match in pattern.finditer(text):
            add(_named(text, match, side_of))
    if _ORG_GATE.search(text):
        for match in _organisations(text):
            add(_organisation(match, side_of))
    for match in _LOWER_MINISTRY.finditer(text) if "ministry" in text else ():
        add(_lower_ministry(match, side_of))
    spelled: dict[str, str | None] = {}  # an acronym's spell-out, looked up once per text
    for match in _ACRONYM.finditer(text):
        add(_acronym(text, match, spelled))
    people = [d for d in found if d.kind == "person"]
    for item in _surnames(text, people, spans):
        add(item)
    return sorted(found, key=lambda d: d.start)


def _valid_name(name: str) -> bool:
    """A person's name: no word that names a body, a place word, a month or a day (a middle
    initial, "Rosemary A. DiCarlo", is no word)."""
    words = _LATIN_WORD.findall(_INITIAL.sub(" ", name))
    return bool(words) and not any(w in _NOT_NAME_WORDS for w in words)


def _side_from(words: str, side_of: dict[str, str | None]) -> str | None:
    """Country or body that a possessive, adjective or apposition names."""
    table = demonyms()
    for word in _CAPITALISED_RUN.findall(words):
        for form in (word, *word.split()):
            if form in table:
                return table[form]
            if side_of.get(form):
                return side_of[form]
    return None


def _titled(
    text: str,
    match: re.Match[str],
    side_of: dict[str, str | None],
    places: Sequence[tuple[int, int, str | None]],
) -> Discovered | None:
    """A person named with a title ("Governor X", "Malaysia's Prime Minister X")."""
    name, title = match["name"], " ".join(match["title"].split())
    if not _valid_name(name):
        return None
    single = " " not in name
    honorific = title in ("Mr.", "Ms.", "Mrs.", "Dr.", "Mx.")
    if single and not (title[0].isupper() and title not in ("General", "Major", "Chair")):
        return None
    window = max(0, match.start() - 80)
    front = _LEAD.search(text, window, match.start())
    lead = f"{front['poss'] or ''} {front['pre'] or ''}" if front else ""
    begin = front.start() if front else match.start()
    side = _side_from(lead, side_of)
    if side is None:
        side = next((c for s, e, c in places if begin <= s < match.start("title")), None)
    confidence = 0.6 if single and honorific else 0.8 if single else 0.9
    role = title if not honorific else None
    return Discovered(
        name, "person", side, role, match.start("name"), match.end("name"), confidence
    )


def _named(text: str, match: re.Match[str], side_of: dict[str, str | None]) -> Discovered | None:
    """A person named with a role in apposition or as a speaker."""
    name = match["name"]
    if not _valid_name(name) or name in side_of:
        return None
    role = match.groupdict().get("role")
    side = _side_from(role, side_of) if role else None
    confidence = 0.85 if role or match.re is _ROLE_THEN_NAME else 0.7
    return Discovered(
        name, "person", side, None, match.start("name"), match.end("name"), confidence
    )


def _organisations(text: str) -> Iterator[re.Match[str]]:
    """The matches of _ORG.finditer(text), searched for only in the runs of characters a match
    can hold (no comma, quote, bracket...) that hold a head: no match crosses such a run's
    ends, nor needs what lies beyond them (the look-behind at its start reads the text)."""
    reverse = None
    end = 0
    for head in _ORG_HEAD.finditer(text):
        at = head.start()
        if at < end:  # in the run just searched
            continue
        if reverse is None:
            reverse = text[::-1]
        back = _NOT_IN_ORG.search(reverse, len(text) - at)
        start = len(text) - back.start() if back else 0
        ahead = _NOT_IN_ORG.search(text, at)
        end = ahead.start() if ahead else len(text)
        yield from _ORG.finditer(text, start, end)


def _organisation(match: re.Match[str], side_of: dict[str, str | None]) -> Discovered | None:
    """A body named by its form ("the Interior Ministry", "State Emergency Service")."""
    body = match["body"]
    if body == "General Staff" and not match["poss"]:
        return None  # bare: its side comes from the entry (bare_general_staff)
    words = body.split()
    generic = _GENERIC_BODY.fullmatch(body) is not None
    speaks = _SPEAKS_AFTER.match(match.string, match.end("body")) is not None
    if (len(words) < 2 or generic) and not match["poss"] and not speaks:
        return None  # a bare "the Army" that does nothing: whose is unknown
    if words[0] in ("The", "A", "An", "This", "Its", "Their", "Oval"):
        return None
    if _ORG_TAIL_NOT_BODY.match(match.string, match.end("body")):
        return None  # "Air Force One", "Diplomatic Service Day"
    side = _side_from(f"{match['poss'] or ''} {body}", side_of)
    lead = match.start("poss") if match["poss"] and side else None
    name = f"{side}'s {body}" if lead is not None and side and side not in body else body
    start, end = match.start("body"), match.end("body")
    confidence = 0.7 if side or not generic else 0.5
    return Discovered(name, "organisation", side, None, start, end, confidence, lead)


def _lower_ministry(match: re.Match[str], side_of: dict[str, str | None]) -> Discovered | None:
    """A ministry named after its country's possessive, in lower case."""
    side = _side_from(match["poss"], side_of)
    if side is None:
        return None
    body = match["body"].title()
    start, end = match.start("body"), match.end("body")
    name = f"{side}'s {body}"
    return Discovered(name, "organisation", side, None, start, end, 0.7, match.start())


def _acronym(text: str, match: re.Match[str], spelled: dict[str, str | None]) -> Discovered | None:
    """An acronym that acts ("IOM urged") or is spelled out in the text."""
    acr = match["acr"]
    if acr in _NOT_ACTOR_ACRONYMS:
        return None
    if not _ACRONYM_ACTS.match(text, match.end()):
        if acr not in spelled:
            spelled[acr] = _spelled_out(text, acr)
        if not _names_a_body(spelled[acr]):
            return None
    return Discovered(acr, "organisation", None, None, match.start(), match.end(), 0.7)


# A spelled-out name ends right before "(ACR)"; no body's name runs longer than this.
_SPELL_WINDOW = 200
_SPELLED = re.compile(r"([A-Z][\w'-]*(?:\s+(?:of\s+|for\s+|and\s+)?[A-Z][\w'-]*)+)\s+\Z")
# Any "(ACR)": one compiled pattern for every acronym (a pattern per acronym overflowed the
# re module's cache, and each was compiled anew).
_PAREN_ACRONYM = re.compile(r"\(\s*([A-Z]+)\s*\)")
_BODY_HEAD = re.compile(rf"\b(?:{_ORG_HEADS}|{_GROUP_HEADS})\b")


def _spelled_out(text: str, acr: str) -> str | None:
    """The words an acronym is spelled out with ("International Atomic Energy Agency (IAEA)"):
    the first "(ACR)" with capitalised words right before it. Only the stretch before each
    parenthesis is read, so the cost does not grow with the text once per acronym."""
    for paren in _PAREN_ACRONYM.finditer(text):
        if paren[1] != acr:
            continue
        start = max(0, paren.start() - _SPELL_WINDOW)
        spelled = _SPELLED.search(text, start, paren.start())
        if spelled is not None:
            return spelled[1]
    return None


def _names_a_body(spelled: str | None) -> bool:
    """Whether spelled-out words name a body ("battlefield air interdiction" does not)."""
    return spelled is not None and _BODY_HEAD.search(spelled) is not None


def _wordish(char: str) -> bool:
    """True for a letter, digit, underscore or hyphen (a name goes on)."""
    return bool(char) and (char.isalnum() or char in "_-")


def _surnames(
    text: str, people: Iterable[Discovered], spans: Sequence[tuple[int, int]]
) -> list[Discovered]:
    """Later mentions of a discovered person by surname alone."""
    out = []
    for person in people:
        parts = person.name.split()
        if len(parts) < 2:
            continue
        surname = parts[-1]
        at = text.find(surname, person.end)
        while at != -1:
            end = at + len(surname)
            bounded = not _wordish(text[at - 1 : at]) and not _wordish(text[end : end + 1])
            if bounded and not any(s <= at < e for s, e in spans):
                found = Discovered(
                    person.name, "person", person.side, person.role, at, end, person.confidence
                )
                out.append(found)
            at = text.find(surname, end)
    return out


def bare_general_staff(text: str, sides: Sequence[tuple[int, str]]) -> list[tuple[int, int, str]]:
    """(start, end, side) of each bare "the General Staff": the side last named before it.

    ``sides`` are (position, side) of the entry's Ukrainian/Russian actor mentions; with
    none before it, the Ukrainian General Staff (whose daily reports are the usual source).
    """
    out: list[tuple[int, int, str]] = []
    if "General" not in text:  # the pattern's one fixed word: most texts have none to find
        return out
    for match in _BARE_GENERAL_STAFF.finditer(text):
        before = [
            side for pos, side in sides if pos < match.start() and side in ("Ukraine", "Russia")
        ]
        out.append((match.start("gs"), match.end("gs"), before[-1] if before else "Ukraine"))
    return out
