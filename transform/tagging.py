"""Tag an entry: events, actors, places and figures, each with its evidence span."""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from dataclasses import dataclass

from warday.transform.events import Clause, EventHit, clauses, find_events
from warday.transform.figures import Figure, find_figures
from warday.transform.gazetteer import CAPITAL_STATES, Actor, Gazetteer, Mention, Place
from warday.transform.text import Span, sentences

# Bump when rules, dictionaries or logic change so stored tags can be found and re-tagged.
TAGGER_VERSION = "rules-3"


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


@dataclass(frozen=True)
class ActorTag:
    name: str
    kind: str
    side: str | None
    surface: str
    sentence: str
    start: int
    end: int


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


def tag(text: str, gazetteer: Gazetteer | None = None) -> Tags:
    """All tags of an entry's text; every start/end indexes into text."""
    gaz = gazetteer or Gazetteer.default()
    actor_mentions, place_mentions = resolve_mentions(
        text, gaz, gaz.find_actors(text), gaz.find_places(text)
    )
    spans = sentences(text)
    starts = [sent.start for sent in spans]
    events: list[EventTag] = []
    figures: list[FigureTag] = []
    actor_index, place_index = _StartIndex(actor_mentions), _StartIndex(place_mentions)
    for sent in spans:
        actors_here = actor_index.between(sent.start, sent.end)
        places_here = place_index.between(sent.start, sent.end)
        events.extend(_events(sent, actors_here, places_here))
        figures.extend(_figure_tag(f, sent.text) for f in find_figures(sent.text, sent.start))
    return Tags(
        tuple(events),
        tuple(_actor_tag(m, _sentence_of(spans, text, m, starts)) for m in actor_mentions),
        tuple(_place_tag(m, _sentence_of(spans, text, m, starts)) for m in place_mentions),
        tuple(figures),
    )


# A country name after one of these is a location, not a government.
_LOCATIVE = re.compile(
    r"(?:\b(?:in|into|inside|across|throughout|within|over|near|out of|deep in)\s+(?:the\s+)?)$",
    re.IGNORECASE,
)
# ... and so is the goal or source of a movement ("deployed troops to Russia").
_MOVEMENT = re.compile(
    r"\b(?:deploy\w*|sen[dt]|sending|withdr\w+|mov\w+|travel\w*|pull\w*|fle\w+|return\w*|"
    r"evacuat\w+|deport\w*|transferr\w*|went|flew|arriv\w+|troops|forces|soldiers)\b"
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
    states = {a.name: a for a in gaz.actors if a.kind == "state"}
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


def _is_location(text: str, mention: Mention, place_starts: set[int]) -> bool:
    """True if a country/capital name is used as a location rather than a government."""
    if _LOCATIVE.search(text[max(0, mention.start - 20) : mention.start]):
        return True
    if _MOVEMENT.search(text[max(0, mention.start - 90) : mention.start]):
        return True
    possessive = re.match(r"'s\s+", text[mention.end :])
    return bool(possessive and mention.end + possessive.end() in place_starts)


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
    blocked = tuple((m.start - sent.start, m.end - sent.start) for m in [*actors, *places])
    hits = find_events(sent.text, blocked=blocked)
    spans = clauses(sent.text)
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
            )
        )
    return tags


def _in_report(spans: list[Clause], pos: int) -> bool:
    """True if a position lies in a reporting frame ("..., officials said")."""
    return any(c.reporting and c.start <= pos < c.end for c in spans)


_TARGET_BEFORE = re.compile(r"\b(?:on|against|at|to|for|with)\s+(?:the\s+)?$", re.IGNORECASE)
_AGENT_BEFORE = re.compile(r"\b(?:by|from|alongside|together with)\s+(?:the\s+)?$", re.IGNORECASE)
_SHARED_SUBJECT = re.compile(r"(?:,|\band)\s+(?:[a-z]+\s+){0,3}$")
_NEW_SUBJECT = re.compile(r"\b(?:that|who|which)\b", re.IGNORECASE)
_PRONOUN_START = re.compile(
    r"\s*(?:(?:it|its|they|their|he|his|she|her)\b|\w+ing\b)", re.IGNORECASE
)

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
    speakers = [m for m in mentions if _in_report(spans, m[0])]
    mentions = [m for m in mentions if m not in speakers]
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
        for start, _end, name in mentions:
            if hit.trigger_end <= start < hi:
                before = sentence[max(hit.trigger_end, start - 16) : start]
                (agents if _AGENT_BEFORE.search(before) else targets).append(name)
        if re.search(r"\bbetween\b", sentence[hit.trigger_end : hi]):
            agents, targets = agents + targets, []
            subject = [] if inherited else subject
        elif inherited and agents:
            targets, subject = [*subject, *targets], []
        doers = _unique([*subject, *agents])
        by_slot[hit.trigger_start] = (doers, _unique(t for t in targets if t not in doers))
    return [by_slot[h.trigger_start] for h in hits]


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
        actor.name, actor.kind, actor.side, mention.surface, sentence, mention.start, mention.end
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
    )


def _figure_tag(f: Figure, sentence: str) -> FigureTag:
    """A figure found in a sentence as a tag."""
    return FigureTag(**vars(f), sentence=sentence)
