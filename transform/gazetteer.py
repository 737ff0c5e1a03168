"""Dictionary tagging of actors and places in war dispatches.

The dictionaries ship as ``transform/data/actors.yaml`` and ``transform/data/places.yaml``
and are validated when loaded.  Matching rules, in order of application:

* Names and aliases match on word boundaries.  The first word of a form is
  case-sensitive ("US" never matches "us"); later words are not ("Kharkiv region"
  also matches "Kharkiv Region").  Latin diacritics are folded ("Erdoğan" matches
  "Erdogan"), apostrophe and hyphen variants are unified and any run of whitespace
  matches one space.  Offsets always refer to the text passed in.
* At each position the longest form wins and mentions of one type never overlap, so
  "Kursk region" is Kursk Oblast while a bare "Kursk" (including "the Kursk incursion"
  and "in Kursk") is the city.  Possessives ("Zelensky's") give a mention covering
  the name only.
* A city name directly followed by "regions"/"oblasts", or listed before them
  ("Kursk and Belgorod regions"), resolves to that city's region.
* One-word forms of actors flagged ``surname_needs_full_mention`` ("Kim", "Austin")
  match only after a full form of the actor appeared earlier in the same text; when
  several flagged actors share the short form, the most recently named one wins.
* "Georgia" is skipped (as a place and as a state) when a US cue such as "Atlanta",
  "U.S. state" or "state of Georgia" lies within 100 characters.
* A place followed by a masthead word ("Kyiv Independent", "Washington Post") is not
  reported as a place.
* Capitals as governments: ``find_actors`` maps Washington, Moscow, Kyiv, Beijing,
  Pyongyang, Minsk, Tehran (and a few other capitals, see ``CAPITAL_STATES``) to their
  state when written as a possessive that is not about the city ("Moscow's forces",
  but not "Kyiv's mayor" or "Moscow's Red Square"), or when followed by a statement or
  decision verb, optionally after up to three auxiliaries, adverbs or time words
  ("Washington on Monday announced").  A place preposition just before the capital
  ("officials in Kyiv said") blocks the mapping.  ``find_places`` always reports them
  as places.
"""

from __future__ import annotations

import math
import re
import unicodedata
from bisect import bisect_left
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path
from typing import Any, NoReturn

import yaml

from warday.settings import package_dir
from warday.transform.geonames import (
    GeoIndex,
    GeoPlace,
    admin1_forms,
    find_settlements,
    load_admin1,
    load_index,
)

# Shipped inside the package (importlib.resources), so an installed wheel finds it too.
DATA_DIR = package_dir("transform", "data")
ACTORS_PATH = DATA_DIR / "actors.yaml"
PLACES_PATH = DATA_DIR / "places.yaml"

ACTOR_KINDS = ("person", "state", "organisation", "armed_force", "unit", "group")
PLACE_KINDS = (
    "country",
    "oblast",
    "region",
    "city",
    "town",
    "village",
    "territory",
    "facility",
    "sea",
    "district",
)


def _words(text: str) -> tuple[str, ...]:
    """Split a space-separated word list."""
    return tuple(text.split())


CAPITAL_STATES: Mapping[str, str] = {
    "Washington": "United States",
    "Moscow": "Russia",
    "Kyiv": "Ukraine",
    "Kiev": "Ukraine",
    "Beijing": "China",
    "Pyongyang": "North Korea",
    "Minsk": "Belarus",
    "Tehran": "Iran",
    "Seoul": "South Korea",
    "London": "United Kingdom",
    "Paris": "France",
    "Berlin": "Germany",
    "Warsaw": "Poland",
    "Ankara": "Turkey",
    "Budapest": "Hungary",
}

_STATEMENT_VERBS = _words(
    "said says announced announces approved approves warned warns urged urges imposed "
    "imposes wants wanted will would denied denies rejected rejects accused accuses "
    "claimed claims demanded demands insisted insists agreed agrees signed signs refused "
    "refuses confirmed confirms vowed vows threatened threatens responded responds "
    "launched launches sanctioned expects expected plans planned decided decides "
    "cleared clears signalled signaled signals called calls pressed presses weighs "
    "weighed promised promises pledged pledges offered offers proposed proposes "
    "condemned condemns welcomed welcomes stated states argued argues believes "
    "considers considered endorsed endorses eased eases lifted lifts backed backs "
    "supports supported opposes opposed seeks sought seeking hopes hoped told sent "
    "supplied supplies dismissed dismisses must cannot can could should"
)
_FILLER_WORDS = _words(
    "has have had is was does did not never also already again still then now later "
    "earlier on this last week today yesterday tonight just long in turn Monday Tuesday "
    "Wednesday Thursday Friday Saturday Sunday"
)
_PLACE_NOUNS = frozenset(
    _words(
        "mayor mayors residents resident inhabitants population people city streets street "
        "metro subway centre center district districts suburb suburbs outskirts skyline "
        "sky skies air airport airports square region oblast neighbourhood neighborhood "
        "neighbourhoods neighborhoods buildings apartment railway station bridge river "
        "embankment zoo hospital hospitals schools power water heating cathedral "
        "monastery university"
    )
)
_PLACE_PREPOSITIONS = _words(
    "in to from at near into outside around toward towards over across via of visited "
    "visiting above"
)
_MASTHEAD_WORDS = ("Post", "Times", "Independent", "Herald", "Journal", "Tribune")
_US_GEORGIA_CUES = re.compile(
    r"Atlanta|Savannah|U\.?S\.? state|state of Georgia|Georgia,\s+(?:USA|U\.S\.|United States)"
)
_US_GEORGIA_WINDOW = 100

_FOLLOWED_BY_VERB = re.compile(
    r"(?:\s+(?:"
    + "|".join(_FILLER_WORDS)
    + r"|[a-z]+ly)){0,3}\s+(?:"
    + "|".join(_STATEMENT_VERBS)
    + r")(?!\w)"
)
_POSSESSIVE = re.compile(r"'s(?!\w)(?:\s+([\w-]+))?(?:\s+([\w-]+))?")
_AFTER_PREPOSITION = re.compile(
    r"(?<!\w)(?:" + "|".join(_PLACE_PREPOSITIONS) + r")\s+$", re.IGNORECASE
)
_MASTHEAD = re.compile(r"\s+(?:" + "|".join(_MASTHEAD_WORDS) + r")(?!\w)")
_REGION_OF = re.compile(r"\b(?:region|regions|oblast|province)\s+of\s+$", re.IGNORECASE)
_REGION_LIST_TAIL = re.compile(
    r"(?:(?:,|,?\s+and|,?\s+or)\s+[A-Z][\w'-]*(?:\s+[A-Z][\w'-]*)?)*\s+(?:regions|oblasts)(?!\w)"
)

_APOSTROPHES = "\u2018\u2019\u02bc\u00b4\u0060\u2032"
_HYPHENS = "\u2010\u2011\u2012\u2013"
_TERMINAL = "\0"
# Calls remembered (texts are held only while they are this recent).
_RECENT_CALLS = 4
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class GazetteerError(ValueError):
    """Invalid dictionary data.

    Messages read ``<file>: entry <0-based index> ('<name>'): field '<field>': <problem>``.
    """


@dataclass(frozen=True)
class Actor:
    """A person, state, organisation, armed force, unit or group."""

    name: str
    kind: str
    side: str | None
    role: str | None
    aliases: tuple[str, ...]
    surname_needs_full_mention: bool = False


@dataclass(frozen=True)
class Place:
    """A named location with a representative point."""

    name: str
    kind: str
    admin1: str | None
    country: str | None
    lat: float | None
    lon: float | None
    aliases: tuple[str, ...]


@dataclass(frozen=True)
class Mention:
    """One match: canonical name, offsets into the input, surface text and record."""

    name: str
    start: int
    end: int
    surface: str
    entity: Actor | Place
    confidence: float = 1.0
    discovered: bool = False


Entity = Actor | Place
_Hit = tuple[int, Entity, bool]


def _build_fold_table() -> dict[int, str]:
    """Map accented Latin letters, apostrophes and hyphens to one plain character each."""
    table: dict[int, str] = {}
    for code in range(0xC0, 0x250):
        parts = unicodedata.normalize("NFD", chr(code))
        if len(parts) > 1 and all(unicodedata.combining(c) for c in parts[1:]):
            table[code] = parts[0]
    table.update({ord(c): "'" for c in _APOSTROPHES})
    table.update({ord(c): "-" for c in _HYPHENS})
    return table


_FOLD = _build_fold_table()
# Each folded character maps to one that is not folded again, so replacing the few that
# occur one by one gives what translate() gives, without a table lookup per character.
_FOLD_CHARS = frozenset(map(chr, _FOLD))
_FOLD_ASCII = "".join(sorted(c for c in _FOLD_CHARS if c.isascii()))
# The folded characters a text holds, found by one regex scan (a set of every character of
# a long text took several times as long).
_FOLD_CHAR = re.compile("[" + "".join(map(re.escape, sorted(_FOLD_CHARS))) + "]")


def _fold(text: str) -> str:
    """Fold text character by character, so offsets are preserved."""
    if text.isascii() and not any(c in text for c in _FOLD_ASCII):
        return text
    for char in set(_FOLD_CHAR.findall(text)):
        text = text.replace(char, _FOLD[ord(char)])
    return text


def _key(form: str) -> str:
    """Lookup key: folded, single-spaced, words after the first lowercased."""
    words = _fold(form).split()
    return " ".join(words[:1] + [w.lower() for w in words[1:]])


# --------------------------------------------------------------------------- loading


class _Fields:
    """Typed field access for one raw YAML entry, raising located errors."""

    def __init__(self, label: str, index: int, raw: object, spec: Mapping[str, bool]) -> None:
        """Check the entry is a mapping with known, present required fields."""
        name = raw.get("name") if isinstance(raw, dict) else None
        self.where = f"{label}: entry {index}" + (f" ({name!r})" if isinstance(name, str) else "")
        if not isinstance(raw, dict):
            raise GazetteerError(f"{self.where}: must be a mapping")
        self.raw: dict[Any, Any] = raw
        for field in raw:
            if field not in spec:
                self.fail(str(field), "unknown field")
        for field, required in spec.items():
            if required and raw.get(field) is None:
                self.fail(field, "required")

    def fail(self, field: str, message: str) -> NoReturn:
        """Raise a GazetteerError naming file, entry and field."""
        raise GazetteerError(f"{self.where}: field {field!r}: {message}")

    def opt_text(self, field: str) -> str | None:
        """Return a non-empty, trimmed string or None."""
        value = self.raw.get(field)
        if value is None:
            return None
        if not isinstance(value, str) or not value.strip() or value != value.strip():
            self.fail(field, "must be a non-empty string without surrounding spaces")
        return value

    def text(self, field: str) -> str:
        """Return a required non-empty string."""
        value = self.opt_text(field)
        if value is None:
            self.fail(field, "required")
        return value

    def choice(self, field: str, options: Sequence[str]) -> str:
        """Return a string that must be one of options."""
        value = self.text(field)
        if value not in options:
            self.fail(field, "must be one of " + ", ".join(options))
        return value

    def number(self, field: str, low: float, high: float) -> float:
        """Return a number within [low, high]."""
        value = self.raw.get(field)
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.fail(field, "must be a number")
        if not low <= value <= high:
            self.fail(field, f"must be between {low:g} and {high:g}")
        return float(value)

    def flag(self, field: str) -> bool:
        """Return an optional boolean (default False)."""
        value = self.raw.get(field, False)
        if not isinstance(value, bool):
            self.fail(field, "must be true or false")
        return value

    def aliases(self) -> tuple[str, ...]:
        """Return the alias list as a tuple of non-empty strings."""
        value = self.raw.get("aliases") or []
        if not isinstance(value, list):
            self.fail("aliases", "must be a list of strings")
        for item in value:
            if not isinstance(item, str) or not item.strip() or item != item.strip():
                self.fail("aliases", f"{item!r} is not a non-empty trimmed string")
        return tuple(value)


_ACTOR_SPEC = {
    "name": True,
    "kind": True,
    "side": True,
    "role": False,
    "aliases": False,
    "surname_needs_full_mention": False,
}
_PLACE_SPEC = {
    "name": True,
    "kind": True,
    "admin1": False,
    "country": True,
    "lat": True,
    "lon": True,
    "aliases": False,
}


def _read_entries(path: Path, key: str) -> list[Any]:
    """Parse a YAML file and return its top-level list under key."""
    try:
        doc = yaml.load(path.read_text(encoding="utf-8"), Loader=_YAML_LOADER)
    except OSError as exc:
        raise GazetteerError(f"{path.name}: cannot read file: {exc}") from exc
    except yaml.YAMLError as exc:
        raise GazetteerError(f"{path.name}: invalid YAML: {exc}") from exc
    if not isinstance(doc, dict) or not isinstance(doc.get(key), list):
        raise GazetteerError(f"{path.name}: top level must be a mapping with a {key!r} list")
    return doc[key]


def _parse_actor(fields: _Fields) -> Actor:
    """Build an Actor from validated fields."""
    actor = Actor(
        name=fields.text("name"),
        kind=fields.choice("kind", ACTOR_KINDS),
        side=fields.text("side"),
        role=fields.opt_text("role"),
        aliases=fields.aliases(),
        surname_needs_full_mention=fields.flag("surname_needs_full_mention"),
    )
    if actor.surname_needs_full_mention and len(actor.name.split()) < 2:
        fields.fail("surname_needs_full_mention", "needs a multi-word name")
    return actor


def _parse_place(fields: _Fields) -> Place:
    """Build a Place from validated fields."""
    place = Place(
        name=fields.text("name"),
        kind=fields.choice("kind", PLACE_KINDS),
        admin1=fields.opt_text("admin1"),
        country=fields.text("country"),
        lat=fields.number("lat", -90, 90),
        lon=fields.number("lon", -180, 180),
        aliases=fields.aliases(),
    )
    if place.kind == "country" and place.admin1 is not None:
        fields.fail("admin1", "must be null for a country")
    if place.kind == "oblast" and place.admin1 != place.name:
        fields.fail("admin1", "must equal the name for an oblast")
    return place


def _load_file(
    path: Path, key: str, spec: Mapping[str, bool], parse: Callable[[_Fields], Any]
) -> tuple[Any, ...]:
    """Read, validate and cross-check the records in one dictionary file."""
    records = tuple(
        parse(_Fields(path.name, i, raw, spec)) for i, raw in enumerate(_read_entries(path, key))
    )
    _build_index(records, path.name)
    return records


def _stamp(path: Path) -> tuple[Path, int, int]:
    """Cache key for a file: resolved path, modification time and size."""
    try:
        stat = path.stat()
    except OSError as exc:
        raise GazetteerError(f"{path.name}: cannot read file: {exc}") from exc
    return path.resolve(), stat.st_mtime_ns, stat.st_size


@cache
def _load_actors_cached(stamp: tuple[Path, int, int]) -> tuple[Actor, ...]:
    """Cached worker for load_actors."""
    return _load_file(stamp[0], "actors", _ACTOR_SPEC, _parse_actor)


@cache
def _load_places_cached(stamp: tuple[Path, int, int]) -> tuple[Place, ...]:
    """Cached worker for load_places."""
    return _load_file(stamp[0], "places", _PLACE_SPEC, _parse_place)


def load_actors(path: Path | None = None) -> tuple[Actor, ...]:
    """Load and validate actors (default: the shipped actors.yaml); cached per file version."""
    return _load_actors_cached(_stamp(Path(path or ACTORS_PATH)))


def load_places(path: Path | None = None) -> tuple[Place, ...]:
    """Load and validate places (default: the shipped places.yaml); cached per file version."""
    return _load_places_cached(_stamp(Path(path or PLACES_PATH)))


# --------------------------------------------------------------------------- indexing


def _forms(entity: Entity) -> list[tuple[str, str, bool]]:
    """Return (field, form, gated) for the name and every alias of an entity."""
    flagged = isinstance(entity, Actor) and entity.surname_needs_full_mention
    forms = [("name", entity.name)] + [("aliases", a) for a in entity.aliases]
    return [(field, form, flagged and len(form.split()) == 1) for field, form in forms]


def _build_index(records: Sequence[Entity], label: str) -> dict[str, list[_Hit]]:
    """Map form keys to records; reject duplicate names and unresolved shared aliases."""
    index: dict[str, list[_Hit]] = {}
    names: dict[str, int] = {}
    for i, entity in enumerate(records):
        where = f"{label}: entry {i} ({entity.name!r})"
        if entity.name in names:
            raise GazetteerError(f"{where}: field 'name': duplicate of entry {names[entity.name]}")
        names[entity.name] = i
        own: set[str] = set()
        for field, form, gated in _forms(entity):
            key = _key(form)
            if key in own:
                raise GazetteerError(
                    f"{where}: field {field!r}: {form!r} repeats another form of this entry "
                    "(words after the first are matched case-insensitively)"
                )
            own.add(key)
            hits = index.setdefault(key, [])
            clash = next(((j, e) for j, e, g in hits if not (gated and g)), None)
            if clash is not None:
                raise GazetteerError(
                    f"{where}: field {field!r}: {form!r} is already used by entry "
                    f"{clash[0]} ({clash[1].name!r})"
                )
            hits.append((i, entity, gated))
    return index


def _compile(keys: Iterable[str]) -> re.Pattern[str]:
    """Compile the keys into one trie-shaped regex that prefers the longest form."""
    root: dict[str, Any] = {}
    for key in keys:
        node = root
        for ch in key:
            node = node.setdefault(ch, {})
        node[_TERMINAL] = {}
    return re.compile(_opening_with_a_key_character(root))


def _opening_with_a_key_character(root: dict[str, Any]) -> str:
    """The trie's regex, not preceded by a word character: each key's first character comes
    before that test, so the regex engine skips to characters that open a key instead of
    trying the whole trie at every position. Keys never open with a space or a newline."""
    alts = [
        re.escape(ch) + r"(?<!\w.)" + _emit(child, tail=False)
        for ch, child in sorted(root.items())
        if ch != _TERMINAL
    ]
    return "(?:" + ("|".join(alts) or "(?!)") + ")"


def _atom(ch: str, tail: bool) -> str:
    """Regex for one key character; letters after the first word ignore case."""
    if ch == " ":
        return r"\s+"
    upper = ch.upper()
    if tail and upper != ch and len(upper) == 1:
        return f"[{ch}{upper}]"
    return re.escape(ch)


def _emit(node: dict[str, Any], tail: bool) -> str:
    """Emit the regex for a trie node; children are tried before ending here."""
    alts = [
        _atom(ch, tail) + _emit(child, tail or ch == " ")
        for ch, child in sorted(node.items())
        if ch != _TERMINAL
    ]
    if _TERMINAL in node:
        alts.append(r"(?!\w)")
    return alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"


# --------------------------------------------------------------------------- matching


def _is_us_georgia(folded: str, start: int, end: int) -> bool:
    """True if 'Georgia' at start..end sits near a cue for the US state."""
    lo, hi = max(0, start - _US_GEORGIA_WINDOW), end + _US_GEORGIA_WINDOW
    return folded[start:end] == "Georgia" and bool(_US_GEORGIA_CUES.search(folded, lo, hi))


def _possessive_of_state(folded: str, end: int) -> bool:
    """True for "X's <noun>" unless the next words point at the city itself."""
    match = _POSSESSIVE.match(folded, end)
    if match is None:
        return False
    following = [w.lower() for w in match.groups() if w]
    return not any(w in _PLACE_NOUNS for w in following)


def _is_metonym(folded: str, start: int, end: int) -> bool:
    """True if a capital at start..end stands for its government."""
    if _AFTER_PREPOSITION.search(folded, max(0, start - 20), start):
        return False
    return _possessive_of_state(folded, end) or bool(_FOLLOWED_BY_VERB.match(folded, end))


def _overlaps(spans: Sequence[Mention], start: int, end: int) -> bool:
    """True if start..end overlaps a mention in spans (sorted, non-overlapping)."""
    i = bisect_left(spans, start, key=lambda m: m.end)
    while i < len(spans) and spans[i].end <= start:
        i += 1
    return i < len(spans) and spans[i].start < end


class Gazetteer:
    """Compiled matcher over actor and place records."""

    def __init__(
        self, actors: Iterable[Actor], places: Iterable[Place], geo: GeoIndex | None = None
    ) -> None:
        """Index and compile the records; raises GazetteerError on conflicts.

        With a GeoNames index, the admin1 units it knows (oblasts, federal subjects) are
        added as places and settlements beyond the curated list are found too.
        """
        self.actors = tuple(actors)
        self.geo = geo
        curated = _with_bare_adjectives(tuple(places))
        self.places = curated + (_admin1_places(curated, geo) if geo else ())
        self._actor_index = _build_index(self.actors, "actors")
        self._place_index = _build_index(self.places, "places")
        self._recent: dict[tuple[Any, ...], list[Mention]] = {}
        self._actor_re = _compile(self._actor_index)
        self._place_re = _compile(self._place_index)
        by_name = {a.name: a for a in self.actors}
        self._capitals = {c: by_name[s] for c, s in CAPITAL_STATES.items() if s in by_name}
        # the first letter before the look-behind, as in the tries (_compile)
        alternatives = (
            "|".join(re.escape(c[0]) + r"(?<!\w.)" + re.escape(c[1:]) for c in self._capitals)
            or r"(?!)"
        )
        self._capital_re = re.compile(r"(?:" + alternatives + r")(?!\w)")

    @classmethod
    def default(cls) -> Gazetteer:
        """Return the cached gazetteer built from the shipped dictionaries."""
        return _default_gazetteer()

    def find_actors(self, text: str) -> list[Mention]:
        """Return actor mentions in text, ordered by position."""
        return self._recall(("actors", text), lambda: self._find_actors(text))

    def find_places(self, text: str, blocked: Sequence[tuple[int, int]] = ()) -> list[Mention]:
        """Return place mentions in text, ordered by position.

        Curated places first; then GeoNames settlements outside them and outside
        ``blocked`` spans (actor names), each with the confidence of its choice.
        """
        key = ("places", text, tuple(blocked))
        return self._recall(key, lambda: self._find_places(text, blocked))

    def _recall(self, key: tuple[Any, ...], find: Callable[[], list[Mention]]) -> list[Mention]:
        """The mentions of a recent identical call: an entry's relevance is judged on the
        same text the tagger reads next, and the scan is the costly part of both."""
        if key not in self._recent:
            if len(self._recent) >= _RECENT_CALLS:
                del self._recent[next(iter(self._recent))]
            self._recent[key] = find()
        return list(self._recent[key])

    def _find_actors(self, text: str) -> list[Mention]:
        """find_actors without the memory."""
        folded = _fold(text)
        found: list[Mention] = []
        last_full: dict[str, int] = {}
        for match in self._actor_re.finditer(folded):
            entity = self._resolve_actor(match, last_full)
            if entity is not None and not _is_us_georgia(folded, match.start(), match.end()):
                found.append(_mention(text, match.start(), match.end(), entity))
        extra = []
        for match in self._capital_re.finditer(folded):
            start, end = match.span()
            if _is_metonym(folded, start, end) and not _overlaps(found, start, end):
                extra.append(_mention(text, start, end, self._capitals[match.group()]))
        return sorted(found + extra, key=lambda m: m.start)

    def _resolve_actor(self, match: re.Match[str], last_full: dict[str, int]) -> Entity | None:
        """Pick the actor for a match, applying the full-mention rule for short forms."""
        hits = self._actor_index[_key(match.group())]
        if not hits[0][2]:
            last_full[hits[0][1].name] = match.start()
            return hits[0][1]
        named = [(last_full[e.name], e) for _, e, _ in hits if e.name in last_full]
        return max(named, key=lambda pair: pair[0])[1] if named else None

    def _find_places(self, text: str, blocked: Sequence[tuple[int, int]]) -> list[Mention]:
        """find_places without the memory."""
        folded = _fold(text)
        found: list[Mention] = []
        skipped: list[tuple[int, int]] = []
        for match in self._place_re.finditer(folded):
            start, end = match.span()
            if _is_us_georgia(folded, start, end) or _MASTHEAD.match(folded, end):
                skipped.append((start, end))
                continue
            entity = self._place_index[_key(match.group())][0][1]
            found.append(_mention(text, start, end, self._region_of(folded, start, end, entity)))
        if self.geo is None:
            return found
        spans = [(m.start, m.end) for m in found] + skipped + list(blocked)
        known = [_point(m.entity) for m in found]
        for hit in find_settlements(text, self.geo, spans, known):
            entity = _as_place(hit.place)
            found.append(
                Mention(
                    entity.name,
                    hit.start,
                    hit.end,
                    text[hit.start : hit.end],
                    entity,
                    hit.confidence,
                    discovered=True,
                )
            )
        return sorted(found, key=lambda m: m.start)

    def _region_of(self, folded: str, start: int, end: int, place: Entity) -> Entity:
        """Return the region for a city listed before "regions" or named as "the region of
        X", else the place itself."""
        if not isinstance(place, Place) or place.kind not in ("city", "town"):
            return place
        region_of = _REGION_OF.search(folded, max(0, start - 30), max(0, start))
        if not _REGION_LIST_TAIL.match(folded, end) and region_of is None:
            return place
        hits = self._place_index.get(_key(place.name + " region"))
        return hits[0][1] if hits else place


def _mention(text: str, start: int, end: int, entity: Entity) -> Mention:
    """Build a Mention for text[start:end]."""
    return Mention(name=entity.name, start=start, end=end, surface=text[start:end], entity=entity)


def _point(entity: Entity) -> tuple[str | None, float | None, float | None]:
    """(admin1, lat, lon) of a resolved place."""
    if isinstance(entity, Place):
        return entity.admin1, entity.lat, entity.lon
    return None, None, None


def _as_place(geo: GeoPlace) -> Place:
    """A GeoNames settlement (or a place named as such) as a Place record."""
    if math.isnan(geo.lat):
        return Place(geo.name, geo.kind, None, geo.country or None, None, None, ())
    return Place(geo.name, geo.kind, geo.admin1, geo.country, geo.lat, geo.lon, ())


_ADJECTIVAL_OBLAST = re.compile(r"([A-Z][\w-]*(?:ska|zka|cka))\s+oblast", re.IGNORECASE)


def _with_bare_adjectives(places: tuple[Place, ...]) -> tuple[Place, ...]:
    """Oblasts also answer to their bare adjectival form ("Vinnytska, Kyivska oblasts")."""
    used = {_key(f) for p in places for f in (p.name, *p.aliases)}
    out = []
    for place in places:
        extra = []
        if place.kind == "oblast":
            for alias in place.aliases:
                match = _ADJECTIVAL_OBLAST.fullmatch(alias)
                if match and _key(match[1]) not in used:
                    used.add(_key(match[1]))
                    extra.append(match[1])
        out.append(replace(place, aliases=place.aliases + tuple(extra)) if extra else place)
    return tuple(out)


def _admin1_places(curated: tuple[Place, ...], geo: GeoIndex) -> tuple[Place, ...]:
    """Admin1 units missing from the curated list, with forms no curated place uses."""
    names = {p.name for p in curated}
    used = {_key(f) for p in curated for f in (p.name, *p.aliases)}
    out = []
    for unit in load_admin1():
        if unit.name in names:
            continue
        fresh = {_key(f): f for f in reversed(admin1_forms(unit)) if _key(f) not in used}
        forms = list(fresh.values())[::-1]
        point = geo.admin1_points.get(unit.name)
        if not forms or point is None:
            continue
        used.update(_key(f) for f in forms)
        country = {"UA": "Ukraine", "RU": "Russia", "BY": "Belarus", "MD": "Moldova"}[unit.country]
        kind = "oblast" if unit.kind == "oblast" else "region" if unit.kind == "region" else "city"
        admin1 = unit.name
        out.append(Place(forms[0], kind, admin1, country, point[0], point[1], tuple(forms[1:])))
    return tuple(out)


@cache
def _default_gazetteer() -> Gazetteer:
    """Build the shipped gazetteer once."""
    return Gazetteer(load_actors(), load_places(), load_index())
