"""Tag an entry: events, actors, places and figures, each with its evidence span."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from transform.events import find_events
from transform.figures import Figure, find_figures
from transform.gazetteer import Actor, Gazetteer, Mention, Place
from transform.text import Span, sentences

# Bump when rules, dictionaries or logic change so stored tags can be found and re-tagged.
TAGGER_VERSION = "rules-1"
_PASSIVE_BY = re.compile(r"\bby\s*$")


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
class FigureTag:
    kind: str
    value: Decimal | None
    low: Decimal | None
    high: Decimal | None
    qualifier: str | None
    unit: str | None
    subject: str | None
    sentence: str
    start: int
    end: int


@dataclass(frozen=True)
class Tags:
    events: tuple[EventTag, ...]
    actors: tuple[ActorTag, ...]
    places: tuple[PlaceTag, ...]
    figures: tuple[FigureTag, ...]


def tag(text: str, gazetteer: Gazetteer | None = None) -> Tags:
    """All tags of an entry's text; every start/end indexes into text."""
    gaz = gazetteer or Gazetteer.default()
    actor_mentions, place_mentions = gaz.find_actors(text), gaz.find_places(text)
    spans = sentences(text)
    events: list[EventTag] = []
    figures: list[FigureTag] = []
    for sent in spans:
        actors_here = [m for m in actor_mentions if sent.start <= m.start < sent.end]
        places_here = [m for m in place_mentions if sent.start <= m.start < sent.end]
        events.extend(_events(text, sent, actors_here, places_here))
        figures.extend(_figure_tag(f, sent.text) for f in find_figures(sent.text, sent.start))
    return Tags(
        tuple(events),
        tuple(_actor_tag(m, _sentence_of(spans, text, m)) for m in actor_mentions),
        tuple(_place_tag(m, _sentence_of(spans, text, m)) for m in place_mentions),
        tuple(figures),
    )


def _events(text: str, sent: Span, actors: list[Mention], places: list[Mention]) -> list[EventTag]:
    """Events of one sentence with actor/recipient roles from word order."""
    tags = []
    for hit in find_events(sent.text):
        trigger = sent.start + hit.trigger_start
        doers, targets = _roles(text, trigger, actors)
        tags.append(
            EventTag(
                hit.event_type,
                hit.mode,
                hit.acled,
                hit.assertion,
                doers,
                targets,
                _unique(m.name for m in places),
                sent.text,
                sent.start,
                sent.end,
            )
        )
    return tags


def _roles(
    text: str, trigger: int, actors: list[Mention]
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Actors before the trigger act; after it they are recipients, unless after "by"."""
    doers: list[str] = []
    targets: list[str] = []
    for mention in actors:
        passive_agent = _PASSIVE_BY.search(text[max(0, mention.start - 6) : mention.start])
        (doers if mention.start < trigger or passive_agent else targets).append(mention.name)
    doer_set = set(doers)
    return _unique(doers), _unique(t for t in targets if t not in doer_set)


def _unique(names: Iterable[str]) -> tuple[str, ...]:
    """Names in first-seen order without repeats."""
    return tuple(dict.fromkeys(names))


def _sentence_of(spans: list[Span], text: str, mention: Mention) -> str:
    """The sentence that contains a mention."""
    for sent in spans:
        if sent.start <= mention.start < sent.end:
            return sent.text
    return text[mention.start : mention.end]


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
    return FigureTag(
        f.kind, f.value, f.low, f.high, f.qualifier, f.unit, f.subject, sentence, f.start, f.end
    )
