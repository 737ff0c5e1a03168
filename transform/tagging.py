"""Tag an entry: events, actors, places and figures, each with its evidence span."""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from dataclasses import dataclass, replace
from functools import cache

from warday.transform.discover import bare_general_staff, demonyms, discover, org_key
from warday.transform.events import Clause, EventHit, events_and_clauses, outside_this_war
from warday.transform.figures import Context, Figure, find_figures
from warday.transform.gazetteer import CAPITAL_STATES, Actor, Gazetteer, Mention, Place
from warday.transform.text import Span, sentences

# Bump when rules, dictionaries or logic change so stored tags can be found and re-tagged.
TAGGER_VERSION = "rules-8"


@dataclass(frozen=True)
class EventTag:
    event_type: str
    mode: str | None
    acled_sub_event_type: str | None
    assertion: str
    actors: tuple[str, ...]
    recipients: tuple[str, ...]
    places: tuple[str, ...]
    sentence: str
    start: int
    end: int
    confidence: float = 1.0


@dataclass(frozen=True)
class ActorTag:
    name: str
    kind: str
    side: str | None
    surface: str
    sentence: str
    start: int
    end: int
    confidence: float = 1.0
    discovered: bool = False


@dataclass(frozen=True)
class PlaceTag:
    name: str
    admin1: str | None
    country: str | None
    lat: float | None
    lon: float | None
    surface: str
    sentence: str
    start: int
    end: int
    confidence: float = 1.0
    discovered: bool = False


@dataclass(frozen=True)
class FigureTag(Figure):
    """A figure with the sentence it was read from."""

    sentence: str


@dataclass(frozen=True)
class Tags:
    events: tuple[EventTag, ...]
    actors: tuple[ActorTag, ...]
    places: tuple[PlaceTag, ...]
    figures: tuple[FigureTag, ...]


def tag(text: str, gazetteer: Gazetteer | None = None, events_too: bool = True) -> Tags:
    """All tags of an entry's text; every start/end indexes into text. Without
    ``events_too`` (an entry about other news) only who, where and how many are read: the
    event ontology is this war's, and read on a flood report it only makes noise."""
    actor_mentions, place_mentions = mentions(text, gazetteer)
    spans = sentences(text)
    starts = [sent.start for sent in spans]
    events: list[EventTag] = []
    figures: list[FigureTag] = []
    actor_index, place_index = _StartIndex(actor_mentions), _StartIndex(place_mentions)
    context = Context()
    for sent in spans:
        if events_too:
            actors_here = actor_index.between(sent.start, sent.end)
            places_here = place_index.between(sent.start, sent.end)
            events.extend(_events(sent, actors_here, places_here))
        found = find_figures(sent.text, sent.start, context)
        figures.extend(_figure_tag(f, sent.text) for f in found)
        context = Context(tuple(found), sent.text)  # "Four more were shot down." reads back
    return Tags(
        tuple(events),
        tuple(_actor_tag(m, _sentence_of(spans, text, m, starts)) for m in actor_mentions),
        tuple(_place_tag(m, _sentence_of(spans, text, m, starts)) for m in place_mentions),
        tuple(figures),
    )


def mentions(text: str, gazetteer: Gazetteer | None = None) -> tuple[list[Mention], list[Mention]]:
    """The actor and place mentions of a text, as tag() reads them (curated, discovered,
    resolved), without its events and figures."""
    gaz = gazetteer or Gazetteer.default()
    curated = gaz.find_actors(text)
    found_places = gaz.find_places(text, [(m.start, m.end) for m in curated])
    found_actors = curated + discovered_mentions(text, gaz, curated, found_places)
    found_actors.sort(key=lambda m: m.start)
    found_places = [p for p in found_places if not _inside_discovered(p, found_actors)]
    return resolve_mentions(text, gaz, found_actors, found_places)


def discovered_mentions(
    text: str, gaz: Gazetteer, curated: list[Mention], places: list[Mention]
) -> list[Mention]:
    """Actors found by form (see ``transform.discover``), as mentions.

    A body whose normalised form is a curated one's ("Russia's Ministry of Defence") is
    that curated actor; a bare "the General Staff" is the one of the side named last.
    """
    side_of: dict[str, str | None] = {m.surface: _side(m) for m in curated}
    side_of.update({m.surface: getattr(m.entity, "country", None) for m in places})
    place_info = [(m.start, m.end, getattr(m.entity, "country", None)) for m in places]
    taken = [(m.start, m.end) for m in curated]
    by_key = _org_index(gaz)
    out: list[Mention] = []
    for item in discover(text, taken, side_of, place_info):
        known = by_key.get(org_key(item.name)) if item.kind == "organisation" else None
        if known is not None:
            start = item.start if item.lead is None else item.lead
            curated[:] = [m for m in curated if not start <= m.start < item.end]
            out.append(Mention(known.name, start, item.end, text[start : item.end], known))
            continue
        if item.kind == "organisation":
            curated[:] = [m for m in curated if not item.start <= m.start < item.end]
        actor = Actor(item.name, item.kind, item.side, item.role, ())
        surface = text[item.start : item.end]
        out.append(Mention(item.name, item.start, item.end, surface, actor, item.confidence, True))
    taken += [(m.start, m.end) for m in out]
    staffs = _by_side(gaz, _GENERAL_STAFFS)
    sides = [(m.start, side) for m in curated if (side := _side(m))]
    for start, end, side in bare_general_staff(text, sides):
        if side in staffs and not any(s < end and start < e for s, e in taken):
            staff = staffs[side]
            out.append(Mention(staff.name, start, end, text[start:end], staff, 0.6))
    return out


_GENERAL_STAFFS = ("General Staff of the Armed Forces of Ukraine", "Russian General Staff")


@cache
def _by_side(gaz: Gazetteer, names: tuple[str, ...]) -> dict[str | None, Actor]:
    """Named curated actors by their side."""
    return {a.side: a for a in gaz.actors if a.name in names}


@cache
def _states(gaz: Gazetteer) -> dict[str, Actor]:
    """Curated states by name."""
    return {a.name: a for a in gaz.actors if a.kind == "state"}


def _side(mention: Mention) -> str | None:
    """Side of an actor mention."""
    return mention.entity.side if isinstance(mention.entity, Actor) else None


@cache
def _org_index(gaz: Gazetteer) -> dict[frozenset[str], Actor]:
    """Curated bodies by the normalised bag of words of each of their forms."""
    out: dict[frozenset[str], Actor] = {}
    for actor in gaz.actors:
        if actor.kind in ("organisation", "armed_force", "unit", "group"):
            for form in (actor.name, *actor.aliases):
                out.setdefault(org_key(form), actor)
    return out


def _inside_discovered(place: Mention, actors: list[Mention]) -> bool:
    """True if a GeoNames place lies inside a discovered actor's name."""
    return place.discovered and any(
        a.discovered and a.start <= place.start and place.end <= a.end for a in actors
    )


# A country name after one of these is a location, not a government.
_LOCATIVE = re.compile(
    r"(?:\b(?:in|into|inside|across|throughout|within|over|near|out of|deep in)\s+(?:the\s+)?"
    r"(?:neighbou?ring\s+|nearby\s+|western\s+|eastern\s+|northern\s+|southern\s+|central\s+)?)$",
    re.IGNORECASE,
)
# ... and so is the goal or source of a movement ("deployed troops to Russia").
_MOVEMENT = re.compile(
    r"\b(?:deploy\w*|sen[dt]|sending|withdr\w+|mov\w+|travel\w*|pull\w*|fle\w+|return\w*|"
    r"evacuat\w+|deport\w*|transferr\w*|went|flew|arriv\w+|cross\w*|fled|escap\w+|troops|forces|"
    r"headed|heading|bound|sail\w*|"
    r"soldiers|refugees)\b"
    r"[^,;.]{0,60}\b(?:to|from)\s+(?:the\s+)?$",
    re.IGNORECASE,
)
# A capital after one of these is its government ("pressure on Moscow", "support for Kyiv").
_GOVERNMENT_SLOT = re.compile(
    r"(?:\b(?:for|with|on|against|by|between|accused|urged|warned|blamed|giving|gave|give|"
    r"told|pressed)\s+)$",
    re.IGNORECASE,
)
_ATTACK_ON = re.compile(
    r"\b(?:strikes?|attacks?|assault|raids?|bombing|shelling)\s+on\s+$", re.IGNORECASE
)
_TRANSFER_TO = re.compile(
    r"\b(?:suppl\w+|deliver\w*|sen[dt]|sending|provid\w+|handed|transferr\w*|pledged|gave|"
    r"aid|weapons|missiles)\b[^,;.]{0,60}\bto\s+$",
    re.IGNORECASE,
)
# A capital as the subject of a verb: "Pyongyang has deployed", "Kyiv did not confirm".
_SUBJECT_VERB = re.compile(
    r"\s+(?:(?:did|does|do|has|have|had|will|would|could|can|also|now)(?: not|n't)?\s+)*"
    r"(?:[a-z]+ed|sent|sends|took|takes|struck|hit|met|meets|confirm|say|agree)\b"
)
# Bodies named after their seat: after "at the"/"in the" they are the building.
_SEATS = frozenset(["White House", "Kremlin", "Élysée Palace", "Downing Street", "Pentagon"])
_AT_SEAT = re.compile(r"\b(?:at|in|inside|outside|near|to)\s+the\s+$", re.IGNORECASE)


def resolve_mentions(
    text: str, gaz: Gazetteer, actors: list[Mention], places: list[Mention]
) -> tuple[list[Mention], list[Mention]]:
    """Decide, where actor and place mentions overlap, which one the text means.

    A country is a place after a locative preposition or as a possessive in front of a
    place ("Russia's Kursk region"), else a government; a capital the gazetteer read as
    a government is no place, and one in a government slot ("talks with Moscow", "Kyiv
    did not confirm") becomes one; a place inside a longer actor name ("UN mission in
    Ukraine") is part of that name; a seat after "at the" is the building.
    """
    states = _states(gaz)
    place_starts = {p.start for p in places}
    place_index = _StartIndex(places)
    kept_actors: list[Mention] = []
    dropped_places: set[int] = set()
    for actor in actors:
        if actor.name in _SEATS and _AT_SEAT.search(text[max(0, actor.start - 12) : actor.start]):
            continue
        within = place_index.between(actor.start, actor.end)
        same = [p for p in within if p.start == actor.start and p.end == actor.end]
        inside = [p for p in within if p.end <= actor.end and p not in same]
        dropped_places.update(id(p) for p in inside)
        if same and _is_location(text, actor, place_starts):
            continue
        dropped_places.update(id(p) for p in same)
        kept_actors.append(actor)
    kept_places: list[Mention] = []
    taken = [(a.start, a.end) for a in kept_actors]
    for place in places:
        if id(place) in dropped_places:
            continue
        state = CAPITAL_STATES.get(place.surface)
        if state in states and _government_slot(text, place):
            if not any(s < place.end and place.start < e for s, e in taken):
                entity = states[state]
                kept_actors.append(
                    Mention(entity.name, place.start, place.end, place.surface, entity)
                )
            continue
        kept_places.append(place)
    kept_actors.sort(key=lambda m: m.start)
    return kept_actors, kept_places


_POSSESSIVE = re.compile(r"'s\s+")


def _is_location(text: str, mention: Mention, place_starts: set[int]) -> bool:
    """True if a country/capital name is used as a location rather than a government."""
    if _LOCATIVE.search(text[max(0, mention.start - 20) : mention.start]):
        return True
    if _MOVEMENT.search(text[max(0, mention.start - 90) : mention.start]):
        return True
    possessive = _POSSESSIVE.match(text, mention.end)
    return bool(possessive and possessive.end() in place_starts)


def _government_slot(text: str, place: Mention) -> bool:
    """True if a capital sits where a government acts or is acted on."""
    before = text[max(0, place.start - 12) : place.start]
    if _ATTACK_ON.search(text[max(0, place.start - 20) : place.start]):
        return False
    if _GOVERNMENT_SLOT.search(before) or _SUBJECT_VERB.match(text, place.end):
        return not _LOCATIVE.search(before)
    return bool(_TRANSFER_TO.search(text[max(0, place.start - 80) : place.start]))


def _events(sent: Span, actors: list[Mention], places: list[Mention]) -> list[EventTag]:
    """Events of one sentence with actor/recipient roles from sentence structure."""
    if _other_war(sent.text, actors, places):
        return []
    blocked = tuple((m.start - sent.start, m.end - sent.start) for m in [*actors, *places])
    # no event found, no tag: the clauses are then not needed (most sentences)
    events, spans = events_and_clauses(sent.text, blocked=blocked)
    if not events or spans is None:
        return []
    found = (_credible(sent.text, h) for h in events)
    # A trigger in the reporting frame (", alliance chief says") names the reporter.
    hits = [h for h in found if h is not None and not _in_trailing_report(spans, h.trigger_start)]
    everyone = [(m.start - sent.start, m.end - sent.start, m.name) for m in actors]
    roles = _roles(sent.text, hits, spans, everyone)
    tags = []
    for hit, (doers, targets) in zip(hits, roles, strict=True):
        scope = hit.scope or ((hit.clause_start, hit.clause_end),)
        where = [m.name for m in places if any(a <= m.start - sent.start < b for a, b in scope)]
        tags.append(
            EventTag(
                hit.event_type,
                hit.mode,
                hit.acled,
                hit.assertion,
                doers,
                targets,
                _unique(where),
                sent.text,
                sent.start,
                sent.end,
                hit.confidence,
            )
        )
    return tags


_THIS_WAR = frozenset(["Ukraine", "Russia"])


def _other_war(sentence: str, actors: list[Mention], places: list[Mention]) -> bool:
    """True if a sentence names another war's parties and nothing of this war.

    Parties are named by actors' sides, places' countries and nationality words
    ("Palestinians", "Sudanese").
    """
    named = {getattr(m.entity, "side", None) for m in actors}
    named |= {getattr(m.entity, "country", None) for m in places}
    named |= {_DEMONYMS[w] for w in _CAPITAL_WORD.findall(sentence) if w in _DEMONYMS}
    return bool(named & outside_this_war()) and not named & _THIS_WAR


# A capitalised word without a plural "s"; the look-behind follows the capital so that the
# regex engine skips to capitals instead of trying every position.
_CAPITAL_WORD = re.compile(r"([A-Z](?<!\w.)[a-z]+?)(?:s)?\b")
_DEMONYMS = demonyms()
_PROPOSAL = re.compile(
    r"\b(?:proposals?|propos(?:ed|es)|suggest(?:ed|s|ion)|open to (?:discuss\w*|talks))\b",
    re.IGNORECASE,
)
# "X suggested" opening the clause as its frame.
_PROPOSAL_FRAME = re.compile(
    r"\b(?:suggest(?:ed|s)|propos(?:ed|es))\s+(?:that\s+)?$", re.IGNORECASE
)
# Weather and earth do not attack: "a typhoon struck Luzon", "the quake hit" (a hazard
# after the verb is its object or a weapon's name: "struck a Tornado launcher").
_NATURAL = re.compile(
    r"\b(?:typhoons?|hurricanes?|cyclones?|storms?|earthquakes?|quakes?|floods?|flooding|"
    r"tornado(?:es)?|wildfires?|tsunamis?|landslides?|avalanches?|eruptions?|heatwaves?)\b",
    re.IGNORECASE,
)
# What is mobilised when it is no force: "mobilised emergency assistance".
_CIVIL_MEANS = re.compile(
    r"\s+(?:\w+\s+){0,2}?(?:assistance|aid|funds?|funding|resources|supplies|support|help|"
    r"donations|volunteers|relief|money)\b",
    re.IGNORECASE,
)
# A need or a lack is no delivery: "12 million people will need aid".
_NEED_BEFORE = re.compile(
    r"\b(?:need(?:s|ed)?|require[sd]?|lack(?:s|ed)?|in need of|short of)\s+(?:\w+\s+){0,2}$",
    re.IGNORECASE,
)
# A participle after an article names a state, not an act: "the destroyed Kakhovka dam".
_ATTRIBUTIVE = re.compile(r"\b(?:the|a|an)\s+$", re.IGNORECASE)
# "the fight for survival": a struggle, no clash.
_FIGURATIVE_FIGHT = re.compile(
    r"\s+for\s+(?:\w+\s+){0,2}?(?:survival|existence|freedom|independence|future|"
    r"sovereignty|democracy|identity)\b",
    re.IGNORECASE,
)
_BANNED = re.compile(r"\b(?:prohibit\w*|ban on|banning|restrict\w*|refrain\w*)\b", re.IGNORECASE)
_CEASEFIRE_HOLDS = re.compile(
    r"\b(?:agreed|agree|declared|announced|(?:came|come|comes) into (?:force|effect)|took effect|"
    r"in (?:force|effect)|"
    r"observ\w+|hold|holds|held|holding|violat\w+|broke|broken|breach\w*|extended|began|"
    r"started|ended|collapsed|expired|brokered|facilitated)\b",
    re.IGNORECASE,
)


def _credible(sentence: str, hit: EventHit) -> EventHit | None:
    """Drop attacks named inside a proposal or ban; a ceasefire no verb says holds is
    only talked about (hedged)."""
    clause = sentence[hit.clause_start : hit.clause_end]
    if hit.event_type in ("ASSAULT", "AID") and _BANNED.search(clause):
        return None  # "a ban on arms sales", "refrain from further attacks"
    frame = sentence[max(0, hit.clause_start - 30) : hit.clause_start]
    if hit.event_type == "ASSAULT" and (_PROPOSAL.search(clause) or _PROPOSAL_FRAME.search(frame)):
        return None  # "Macron suggested a truce that would apply to attacks on energy"
    if _not_an_act(sentence, hit, clause):
        return None
    if (
        hit.mode == "ceasefire"
        and hit.assertion == "asserted"
        and not _CEASEFIRE_HOLDS.search(clause)
    ):
        return replace(hit, assertion="hedged", confidence=round(hit.confidence - 0.1, 2))
    return hit


def _not_an_act(sentence: str, hit: EventHit, clause: str) -> bool:
    """A trigger naming a state, a need, a metaphor or nature's work, not an act of war."""
    trigger = sentence[hit.trigger_start : hit.trigger_end]
    before = sentence[max(hit.clause_start, hit.trigger_start - 40) : hit.trigger_start]
    if hit.event_type == "ASSAULT" and (
        _NATURAL.search(sentence, hit.clause_start, hit.trigger_start)  # nature as subject
        or (hit.mode is None and trigger.endswith("ed") and _ATTRIBUTIVE.search(before))
        or (
            trigger.lower().startswith("fight")
            and _FIGURATIVE_FIGHT.match(sentence, hit.trigger_end)
        )
    ):
        return True
    if (
        hit.event_type == "MOBILIZE"
        and trigger.lower().startswith("mobili")
        and _CIVIL_MEANS.match(sentence, hit.trigger_end)
    ):
        return True
    return hit.event_type == "AID" and bool(_NEED_BEFORE.search(before))


def _in_trailing_report(spans: list[Clause], pos: int) -> bool:
    """True if a position lies in a frame after the report (", alliance chief says")."""
    return any(c.reporting and 0 < c.start <= pos < c.end for c in spans)


def _in_report(spans: list[Clause], pos: int) -> bool:
    """True if a position lies in a reporting frame ("..., officials said")."""
    return any(c.reporting and c.start <= pos < c.end for c in spans)


# The reporter of an event is neither its actor nor its recipient.
_SPEAKS = re.compile(
    r"(?:['\u2019]s?)?(?:,[^,;]{1,90},|\s+(?:officials?|authorities|sources|media|military|"
    r"spokes(?:man|woman|person)|governor|ministry|officers?|commanders?))?"
    r"\s+(?:has\s+|had\s+|also\s+)?(?:said|says|say|told|reported|"
    r"acknowledged|stated|noted|claimed|announced|wrote|added|posted|confirmed)\b"
)
# A relative clause after the trigger's object ("missiles that Putin calls ...") holds no
# recipient; a "that" right after the trigger ("demanded that Ukraine ...") is its object.
_RELATIVE = re.compile(r"(?<=\w)\s+\S.*?\b(?P<rel>that|which|who|whom|whose)\b")
_PLACE_BEFORE = re.compile(
    r"\b(?:(?:in|near|inside|outside)\s+(?:the\s+)?|at\s+the\s+)$", re.IGNORECASE
)
_TARGET_BEFORE = re.compile(r"\b(?:on|against|at|to|for|with)\s+(?:the\s+)?$", re.IGNORECASE)
_AGENT_BEFORE = re.compile(r"\b(?:by|from|alongside|together with)\s+(?:the\s+)?$", re.IGNORECASE)
_SHARED_SUBJECT = re.compile(r"(?:,|\band)\s+(?:[a-z]+\s+){0,3}$")
_NEW_SUBJECT = re.compile(r"\b(?:that|who|which)\b", re.IGNORECASE)
_PRONOUN_START = re.compile(
    r"\s*(?:(?:it|its|they|their|he|his|she|her)\b|\w+ing\b)", re.IGNORECASE
)

# "X has been accused": the subject of a passive verb undergoes it.
_PASSIVE_BEFORE = re.compile(
    r"\b(?:been|was|were|is|are|being|be|got)\s+(?:\w+ly\s+)?$", re.IGNORECASE
)
# "Ukraine shot down 24 of 28 drones launched by Russia": the subject defends, not attacks.
_INTERCEPTED = re.compile(
    r"\b(?:shot down|shoot(?:s|ing)? down|downed|intercept(?:ed|s|ing)?|repel(?:led|s|ling)?|"
    r"destroyed|neutrali[sz]ed)\b",
    re.IGNORECASE,
)
# "..., Russia is striking": a mention opening its own predicate is no one's object.
_OWN_PREDICATE = re.compile(
    r"\s+(?:is|are|was|were|has|have|had)\s+(?!been\b)\w+(?:ing|ed)\b", re.IGNORECASE
)
# "Schmale, the UN coordinator for Ukraine, condemned": a title in apposition plays no role.
_APPOSITION = re.compile(r",\s+(?:the|a|an)\s+[^,;]{0,80}$", re.IGNORECASE)

_BETWEEN = re.compile(r"\bbetween\b")

Names = tuple[str, ...]


def _roles(
    sentence: str, hits: list[EventHit], spans: list[Clause], mentions: list[tuple[int, int, str]]
) -> list[tuple[Names, Names]]:
    """Actors and recipients of each hit, from word order within its clause.

    The mentions between the previous trigger of the clause (or its start) and a trigger
    are its subject; with none, or after "and"/"," (a shared subject), the previous
    event's actors carry over, or a request's recipients ("urged X to supply").  The
    mentions after a trigger up to the next one are its recipients, except "by X" /
    "from X" agents and "between X and Y" pairs, which act.  A clause framed by "X said
    it ..." takes X as its subject.
    """
    speakers = [m for m in mentions if _in_report(spans, m[0]) or _SPEAKS.match(sentence, m[1])]
    ends = {m[1] for m in mentions}
    mentions = [m for m in mentions if m not in speakers and not _in_apposition(sentence, m, ends)]
    slots = sorted({h.trigger_start: h for h in hits}.values(), key=lambda h: h.trigger_start)
    by_slot: dict[int, tuple[Names, Names]] = {}
    for i, hit in enumerate(slots):
        prev = slots[i - 1] if i and slots[i - 1].clause_start == hit.clause_start else None
        nxt = (
            slots[i + 1]
            if i + 1 < len(slots) and slots[i + 1].clause_start == hit.clause_start
            else None
        )
        lo = prev.trigger_end if prev else hit.clause_start
        hi = nxt.trigger_start if nxt else hit.clause_end
        relative = _RELATIVE.search(sentence, hit.trigger_end, hi)
        hi = relative.start("rel") if relative else hi
        subject: list[str] = []
        targets_before: list[str] = []
        for start, _end, name in mentions:
            if lo <= start < hit.trigger_start:
                before = sentence[max(0, start - 12) : start]
                (targets_before if _TARGET_BEFORE.search(before) else subject).append(name)
        last_end = max((e for s, e, _ in mentions if lo <= s < hit.trigger_start), default=lo)
        shared = prev is not None and _SHARED_SUBJECT.search(sentence[last_end : hit.trigger_start])
        inherited = False
        if prev is not None and (not subject or shared):
            subject = _carried_subject(sentence, prev, hit, by_slot[prev.trigger_start])
            inherited = True
        elif not subject and prev is None:
            subject = _framing_subject(sentence, spans, hit, speakers)
        agents: list[str] = []
        targets = list(targets_before)
        if not inherited and _intercepts(sentence, last_end, hit):
            subject = []  # the defender neither launched the attack nor was its target
        elif not inherited and _undergoes(sentence, last_end, hit):
            targets, subject = [*subject, *targets], []
        for start, end, name in mentions:
            if hit.trigger_end <= start < hi:
                if _PLACE_BEFORE.search(sentence, max(0, start - 12), start):
                    continue  # "at the Kremlin", "in Osaka, Japan": where, not who
                if _OWN_PREDICATE.match(sentence, end):
                    continue
                before = sentence[max(hit.trigger_end, start - 16) : start]
                (agents if _AGENT_BEFORE.search(before) else targets).append(name)
        if _BETWEEN.search(sentence[hit.trigger_end : hi]):
            agents, targets = agents + targets, []
            subject = [] if inherited else subject
        elif inherited and agents:
            targets, subject = [*subject, *targets], []
        doers = _unique([*subject, *agents])
        by_slot[hit.trigger_start] = (doers, _unique(t for t in targets if t not in doers))
    return [by_slot[h.trigger_start] for h in hits]


def _undergoes(sentence: str, last_end: int, hit: EventHit) -> bool:
    """True if the clause's subject suffers the event: "X has been accused"."""
    between = sentence[last_end : hit.trigger_start]
    trigger = sentence[hit.trigger_start : hit.trigger_end]
    return trigger.endswith("ed") and bool(_PASSIVE_BEFORE.search(between))


def _intercepts(sentence: str, last_end: int, hit: EventHit) -> bool:
    """True if the subject stopped the attack ("Ukraine shot down 24 of 28 drones")."""
    between = sentence[last_end : hit.trigger_start]
    return hit.event_type == "ASSAULT" and bool(_INTERCEPTED.search(between))


def _in_apposition(sentence: str, mention: tuple[int, int, str], ends: set[int]) -> bool:
    """True if a mention sits in a comma-closed title right after a name ("Jan Novak, the
    EU envoy for Ukraine, said")."""
    start, end, _name = mention
    title = _APPOSITION.search(sentence, max(0, start - 80), start)
    return title is not None and title.start() in ends and sentence[end : end + 2].startswith(",")


def _carried_subject(
    sentence: str, prev: EventHit, hit: EventHit, prev_roles: tuple[Names, Names]
) -> list[str]:
    """Subject an event takes over from the previous one in its clause.

    After a request or accusation the addressee acts ("urged X to send", "accused X of
    shelling"); after a rejection, or across "that"/"who", nobody named does; otherwise
    the previous event's actors do ("received X and pledged ...").
    """
    if _NEW_SUBJECT.search(sentence[prev.trigger_end : hit.trigger_start]):
        return []
    doers, targets = prev_roles
    if prev.event_type in ("REQUEST", "ACCUSE"):
        return list(targets)
    if prev.event_type == "REJECT":
        return []
    return list(doers)


def _framing_subject(
    sentence: str, spans: list[Clause], hit: EventHit, speakers: list[tuple[int, int, str]]
) -> list[str]:
    """Speaker of "X said it/its ..." or "X denied attacking" when the clause refers back."""
    for index, clause in enumerate(spans):
        if clause.start == hit.clause_start and clause.framed and index:
            frame = spans[index - 1]
            if _PRONOUN_START.match(sentence, clause.start):
                return [name for start, _end, name in speakers if frame.start <= start < frame.end]
    return []


def _unique(names: Iterable[str]) -> tuple[str, ...]:
    """Names in first-seen order without repeats."""
    return tuple(dict.fromkeys(names))


def _sentence_of(spans: list[Span], text: str, mention: Mention, starts: list[int]) -> str:
    """The sentence that contains a mention (`starts`: the sentences' starts, ascending)."""
    i = bisect_right(starts, mention.start) - 1
    if i >= 0 and mention.start < spans[i].end:
        return spans[i].text
    return text[mention.start : mention.end]


class _StartIndex:
    """Mentions looked up by where they start, in their original order: a bisection per
    lookup instead of a scan of every mention, so tagging stays linear in entry size."""

    def __init__(self, mentions: list[Mention]) -> None:
        self.order = sorted(range(len(mentions)), key=lambda i: mentions[i].start)
        self.starts = [mentions[i].start for i in self.order]
        self.mentions = mentions

    def between(self, start: int, end: int) -> list[Mention]:
        """Mentions with start <= m.start < end."""
        lo, hi = bisect_left(self.starts, start), bisect_left(self.starts, end)
        return [self.mentions[i] for i in sorted(self.order[lo:hi])]


def _actor_tag(mention: Mention, sentence: str) -> ActorTag:
    """An actor mention as a tag."""
    actor = mention.entity
    assert isinstance(actor, Actor)
    return ActorTag(
        actor.name,
        actor.kind,
        actor.side,
        mention.surface,
        sentence,
        mention.start,
        mention.end,
        round(mention.confidence, 2),
        mention.discovered,
    )


def _place_tag(mention: Mention, sentence: str) -> PlaceTag:
    """A place mention as a tag."""
    place = mention.entity
    assert isinstance(place, Place)
    return PlaceTag(
        place.name,
        place.admin1,
        place.country,
        place.lat,
        place.lon,
        mention.surface,
        sentence,
        mention.start,
        mention.end,
        round(mention.confidence, 2),
        mention.discovered,
    )


def _figure_tag(f: Figure, sentence: str) -> FigureTag:
    """A figure found in a sentence as a tag."""
    return FigureTag(**vars(f), sentence=sentence)
