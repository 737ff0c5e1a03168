"""Same happening, different outlets: fingerprints, candidate blocking and a measured score.

An entry's fingerprint is its set of content words (synonyms in one canonical form, from
transform/data/story_synonyms.txt, function words of story_stop_words.txt left out; hashed
into a sparse vector) and the actors and places tagged in it or named in its headline; words
and names told only after the lede weigh less. Two entries score by how many content words
and names they share, lose when their headlines are about different places or people, and do
not score at all when their war dates lie more than MAX_DAYS_APART apart. Weights and
threshold were chosen on the labelled development pairs in tests/stories (see
bench/stories.py), never on the seeds.
"""

from __future__ import annotations

import hashlib
import math
import re
import zlib
from collections.abc import Iterable, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field, fields
from datetime import date
from functools import lru_cache
from typing import Any

import numpy as np
import snowballstemmer
from wordfreq import get_frequency_dict, zipf_frequency

from warday import settings
from warday.settings import package_dir
from warday.transform.gazetteer import load_actors, load_places
from warday.transform.tagging import TAGGER_VERSION, mentions

# Newsroom filler and words every war report shares: they say nothing about which happening.
_FILLER = frozenset(
    """
    said says say told according reported report reports statement officials official
    added including local time people country monday tuesday wednesday thursday friday
    saturday sunday today yesterday week weeks year years day days month months later
    earlier early new just like also would could make made took take near least
    ukraine ukrainian ukrainians russia russian russians war moscow kyiv kiev president
    minister government forces military troops country's morning evening night
    """.split()
)
# The vocabulary of every strike and battle report: it tells the kind of happening, not which
# one, so it weighs a quarter of what its rarity in general English would give it.
_WAR_COMMON = frozenset(
    """
    attack attacks attacked strike strikes struck hit hits drone drones missile missiles
    rocket rockets shelling shelled overnight killed killing wounded wounding injured
    injuring damaged damage fire blaze destroyed home house building wound broke
    buildings residential apartment private district districts region regional governor
    mayor city town village villages civilians civilian soldiers fighting fighters
    frontline front offensive army defence defense air launched shot down casualties
    emergency rescuers debris rubble infrastructure energy power
    """.split()
)
WAR_COMMON_FACTOR = 0.25
# Counts ("12 killed", "215 prisoners") tell a happening apart; years and single digits do not.
# (?<![\w.,])\d{1,3}(?:,\d{3})+(?![\w])|(?<![\w.,])\d{2,}(?![\w]), opening with its first
# digit (what precedes it is tested after it), so the regex engine skips to the digits.
_NUMBER = re.compile(r"\d(?<![\w.,].)(?:\d{0,2}(?:,\d{3})+(?![\w])|\d+(?![\w]))")
_YEAR = re.compile(r"(?:19|20)\d\d")
NUMBER_WEIGHT = 3.0
_WORD = re.compile(r"[^\W\d_][\w'’-]*[^\W_]")
# Names too common in this war's reporting to tell two happenings apart.
_COMMON_NAMES = frozenset(
    {
        "Russia",
        "Ukraine",
        "Kyiv",
        "Moscow",
        "Kremlin",
        "Vladimir Putin",
        "Volodymyr Zelensky",
        "Armed Forces of Ukraine",
        "Russian Armed Forces",
    }
)
# A place named with its kind ("Kursk Oblast", "Dnipro River") is the same name as without.
_NAME_KIND = re.compile(r"\s+(?:Oblast|Region|River|Province|Krai)$")
MAX_DAYS_APART = settings.STORY_MAX_DAYS_APART
# Words and names a report tells only after its lede weigh this much of their full weight.
LATER_FACTOR = 0.5
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"“‘'(])")
SYNONYMS_PATH = package_dir("transform", "data") / "story_synonyms.txt"
STOP_WORDS_PATH = package_dir("transform", "data") / "story_stop_words.txt"
# Shared names count fully only with this much shared content besides (a report of a
# reprisal names the place of the attack it answers without telling the same happening).
NAME_SUPPORT = 0.35


@dataclass(frozen=True)
class Weights:
    containment: float  # shared term weight over the lighter entry's
    cosine: float  # shared term weight over both entries' (penalises length mismatch)
    names: float  # shared distinctive actors and places
    headline: float  # shared headline words
    subjects: float  # penalty when both headlines name places or people and none agree
    day_penalty: float  # per day between war dates
    threshold: float  # a story is joined at or above this score


# Threshold and name weight chosen on the labelled pairs (python -m bench.stories --choose).
WEIGHTS = Weights(0.5, 0.2, 0.2, 0.15, 0.2, 0.03, 0.18)
# A new entry merges a second story into the one it joins only when it scores this much above
# the threshold with it too: a long report touching several happenings must not chain them.
MERGE_MARGIN = 0.15
# Blocking: an entry is compared with at most this many candidates sharing the most keys;
# keys held by more entries than this in one window are too common to block on.
MAX_CANDIDATES = 40
MAX_POSTINGS = 400
# A story label is a headline cut at a word boundary to at most this many characters.
LABEL_CHARS = 90

# Inverse document frequency from general English (wordfreq's Zipf scale: 7 is "the",
# 0 is unseen): a word seen once per million words weighs 3, an unseen name weighs 7.
IDF_CEILING = 7.0
IDF_FLOOR = 0.5
N_FEATURES = 2**18
_BUFFER = np.zeros(N_FEATURES)
_STEMMER = snowballstemmer.stemmer("english")


@dataclass(frozen=True)
class Fingerprint:
    terms: dict[str, float]  # stem -> weight
    names: frozenset[str]
    war_date: date | None
    head: frozenset[str] = frozenset()
    mass: float = 0.0  # total full term weight (as if all were told in the lede)
    rare_names: dict[str, float] = field(default_factory=dict)  # distinctive name -> weight
    name_mass: float = 0.0  # total full weight of the distinctive names
    head_names: frozenset[str] = frozenset()  # distinctive names the headline carries
    head_places: frozenset[str] = frozenset()  # places the headline names, common or not
    head_words: frozenset[str] = frozenset()  # the headline's lower-case words
    lede_names: frozenset[str] = frozenset()  # names told in the headline or first sentence


# A term vector: the column indices and values of one sparse row.
Vec = tuple[np.ndarray, np.ndarray]


def content_terms(headline: str, text: str, names: Iterable[str] = ()) -> dict[str, float]:
    """Stemmed content words of headline and text, each weighted by its rarity, synonyms
    in their canonical form. Words of the names every report carries (Putin, Zelensky) are
    left out: rare in general English, they would otherwise count as telling words."""
    joined = f"{headline} {text}"
    return _terms(list(map(_bare, _WORD.findall(joined))), _NUMBER.findall(joined), names)


def _terms(bare_words: list[str], numbers: list[str], names: Iterable[str]) -> dict[str, float]:
    """content_terms of a text's bare words and counts, in the order the text has them."""
    words = set(normalised(bare_words))
    common = {_bare(w) for n in set(names) & _COMMON_NAMES for w in _WORD.findall(n)}
    terms: dict[str, float] = {}
    for word in words:
        if word.startswith("#"):
            terms[word] = NUMBER_WEIGHT
        elif word not in common and (term := _term(word)) is not None:
            stem, weight = term
            if weight > terms.get(stem, 0.0):  # weights are positive (IDF_FLOOR and factors)
                terms[stem] = weight
    for number in numbers:
        value = number.replace(",", "")
        if not _YEAR.fullmatch(value):
            terms[f"#{value}"] = NUMBER_WEIGHT
    return terms


@lru_cache(maxsize=200_000)
def _term(word: str) -> tuple[str, float] | None:
    """A content word's stem and weight (None for a short or stop word): one cached lookup
    per word of a text instead of a stem, a rarity and a table lookup each time."""
    if len(word) <= 2 or word in _stop_words():
        return None
    stem = _stem(word)
    return stem, _idf(word) * (WAR_COMMON_FACTOR if stem in _war_common() else 1.0)


def normalised(words: list[str]) -> list[str]:
    """Lower-case words with each synonym or phrase of the synonym table replaced by its
    canonical form (longest phrase first)."""
    table, longest = _synonyms()
    out: list[str] = []
    done, count = 0, len(words)
    # only a word that opens a variant can start a replacement: the words between two such
    # openers are copied as they are
    for i in [i for i, word in enumerate(words) if word in longest]:
        if i < done:  # inside a phrase already replaced
            continue
        out += words[done:i]
        done = i + 1
        for n in range(min(longest[words[i]], count - i), 0, -1):
            canonical = table.get(" ".join(words[i : i + n]))
            if canonical is not None:
                out.append(canonical)
                done = i + n
                break
        else:
            out.append(words[i])
    out += words[done:]
    return out


@lru_cache(maxsize=1)
def _synonyms() -> tuple[dict[str, str], dict[str, int]]:
    """Variant -> canonical form from the synonym table, and for each first word of a
    variant the number of words of the longest variant it opens.
    A canonical form in digits is a count ('#12'). Validated: every variant once, and no
    canonical form is itself a variant (no chains)."""
    table: dict[str, str] = {}
    for number, line in enumerate(SYNONYMS_PATH.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        canonical, sep, variants = (part.strip() for part in line.partition("="))
        if not sep or not canonical or not variants:
            raise ValueError(f"{SYNONYMS_PATH.name}:{number}: expected 'canonical = variants'")
        target = f"#{canonical}" if canonical.isdigit() else canonical
        for variant in (" ".join(v.lower().split()) for v in variants.split(",")):
            if not variant or variant in table:
                raise ValueError(f"{SYNONYMS_PATH.name}:{number}: empty or repeated {variant!r}")
            table[variant] = target
    if chained := set(table.values()) & set(table):
        raise ValueError(f"{SYNONYMS_PATH.name}: canonical forms used as variants: {chained}")
    longest: dict[str, int] = {}
    for variant in table:
        words = variant.split()
        longest[words[0]] = max(longest.get(words[0], 0), len(words))
    return table, longest


def fingerprint(
    headline: str, text: str, names: Iterable[str], war_date: date | None
) -> Fingerprint:
    """An entry's content words and names (tagged in its text, and those its headline
    names); those told only after the lede (headline and first sentence) weigh less, as a
    report's later sentences give context."""
    names = frozenset(_NAME_KIND.sub("", n) for n in {*names, *headline_names(headline)})
    # Headline, lede and the rest are each read once: no word or count spans the space
    # between two of them, so their words and counts together are those of the joined text.
    lede_text, *rest = _SENTENCE_END.split(text.strip(), maxsplit=1)
    parts = [
        (list(map(_bare, _WORD.findall(t))), _NUMBER.findall(t)) for t in (headline, lede_text)
    ]
    (head_bare, head_numbers), (lede_bare, lede_numbers) = parts
    rest_bare = list(map(_bare, _WORD.findall(rest[0]))) if rest else []
    rest_numbers = _NUMBER.findall(rest[0]) if rest else []
    head = frozenset(_terms(head_bare, head_numbers, names))
    lede = _terms(head_bare + lede_bare, head_numbers + lede_numbers, names)
    told = _terms(
        head_bare + lede_bare + rest_bare, head_numbers + lede_numbers + rest_numbers, names
    )
    terms = {t: lede.get(t, w * LATER_FACTOR) for t, w in told.items()}
    words = set(head_bare + lede_bare)
    full = {n: _name_weight(n) for n in names - _COMMON_NAMES}
    rare = {n: v * (1.0 if _named_in(n, words) else LATER_FACTOR) for n, v in full.items()}
    head_words = frozenset(head_bare)
    in_head = frozenset(n for n in rare if _named_in(n, head_words))
    places = frozenset(n for n in names - _not_places() if _named_in(n, head_words))
    in_lede = frozenset(n for n in names if _named_in(n, words))
    return Fingerprint(
        terms,
        names,
        war_date,
        head,
        math.fsum(told.values()),
        rare,
        math.fsum(full.values()),
        in_head,
        places,
        head_words,
        in_lede,
    )


@lru_cache(maxsize=1)
def fingerprint_version() -> str:
    """What a stored fingerprint was made with: this module's rules (bump the leading tag
    when fingerprint() changes), its word tables and the tagger, which names the headline's
    actors and places. A stored fingerprint of another version is made again."""
    tables = SYNONYMS_PATH.read_bytes() + STOP_WORDS_PATH.read_bytes()
    return f"fp1:{TAGGER_VERSION}:{hashlib.sha256(tables).hexdigest()[:12]}"


_SET_FIELDS = ("names", "head", "head_names", "head_places", "head_words", "lede_names")


def fingerprint_json(fp: Fingerprint, version: str) -> dict[str, Any]:
    """A fingerprint as JSON for entries.fingerprint (without its war date, which the entry
    row holds); sets become sorted lists."""
    data: dict[str, Any] = {"v": version}
    for f in fields(Fingerprint):
        if f.name != "war_date":
            value = getattr(fp, f.name)
            data[f.name] = sorted(value) if f.name in _SET_FIELDS else value
    return data


def fingerprint_from_json(data: dict[str, Any], war_date: date | None) -> Fingerprint:
    """The fingerprint stored by fingerprint_json, dated by its entry."""
    values = {f.name: data[f.name] for f in fields(Fingerprint) if f.name != "war_date"}
    for name in _SET_FIELDS:
        values[name] = frozenset(values[name])
    return Fingerprint(war_date=war_date, **values)


@lru_cache(maxsize=50_000)
def headline_names(headline: str) -> frozenset[str]:
    """Actors and places the tagger finds in a headline (entries' tags cover their text)."""
    actors, places = mentions(headline)
    return frozenset(m.entity.name for m in (*actors, *places))


def _named_in(name: str, words: AbstractSet[str]) -> bool:
    """Whether a word of the name is among some words."""
    return any(_bare(w) in words for w in _WORD.findall(name))


def vectors(fps: Sequence[Fingerprint]) -> list[Vec]:
    """Hashed TF-IDF rows holding sqrt(weight), so a dot product sums shared weights
    (terms hashed to the same column add up). Terms are taken in sorted order and columns
    kept sorted, so the sums come out the same to the last bit in every process, whatever
    order its sets iterate in."""
    rows = []
    for fp in fps:
        row: dict[int, float] = {}
        for term in sorted(fp.terms):
            column = _column(term)
            row[column] = row.get(column, 0.0) + fp.terms[term] ** 0.5
        row = dict(sorted(row.items()))
        rows.append(
            (
                np.fromiter(row.keys(), dtype=np.intp, count=len(row)),
                np.fromiter(row.values(), dtype=float, count=len(row)),
            )
        )
    return rows


@lru_cache(maxsize=200_000)
def _column(term: str) -> int:
    """A term's column: a stable hash (the same in every process) into N_FEATURES."""
    return zlib.crc32(term.encode()) % N_FEATURES


def index_keys(fp: Fingerprint) -> set[str]:
    """Keys a stored entry is indexed under: its distinctive names and content words."""
    return {f"n:{n}" for n in fp.names - _COMMON_NAMES} | {f"w:{t}" for t in fp.terms}


def query_keys(fp: Fingerprint) -> set[str]:
    """Keys a new entry looks up: its distinctive names and headline words (few, so the
    lookup costs the same whatever the history holds)."""
    return {f"n:{n}" for n in fp.names - _COMMON_NAMES} | {f"w:{t}" for t in fp.head}


def scores(
    mine: Fingerprint,
    vec: Vec,
    others: Sequence[Fingerprint],
    vecs: Sequence[Vec],
    w: Weights = WEIGHTS,
) -> np.ndarray:
    """Similarity of one entry to each of several others (0 when too many days apart)."""
    shared = _dots(vec, vecs)
    sizes = np.array([o.mass for o in others], dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        contain = np.nan_to_num(shared / np.minimum(sizes, mine.mass))
        cosine = np.nan_to_num(shared / np.sqrt(sizes * mine.mass))
    names = np.array([name_overlap(mine, o) for o in others])
    heads = np.array([head_overlap(mine.head, o.head) for o in others])
    apart = np.array([subjects_differ(mine, o) for o in others], dtype=float)
    days = np.array([days_apart(mine.war_date, o.war_date) for o in others], dtype=float)
    score = (
        w.containment * contain
        + w.cosine * cosine
        + w.names * names
        + w.headline * heads
        - w.subjects * apart
        - w.day_penalty * days
    )
    return np.where(days > MAX_DAYS_APART, 0.0, score)


def _dots(vec: Vec, vecs: Sequence[Vec]) -> np.ndarray:
    """Dot product of one sparse row with each of several, in O(non-zeros): the row is
    scattered into a dense buffer, the others' values gathered from it and summed per row."""
    if not vecs:
        return np.zeros(0)
    _BUFFER[vec[0]] = vec[1]
    lengths = np.array([len(v[0]) for v in vecs])
    products = np.concatenate([v[1] for v in vecs]) * _BUFFER[np.concatenate([v[0] for v in vecs])]
    _BUFFER[vec[0]] = 0.0
    starts = np.concatenate(([0], np.cumsum(lengths)[:-1]))
    sums = np.add.reduceat(np.append(products, 0.0), starts)
    return np.where(lengths > 0, sums, 0.0)  # reduceat repeats a value for empty rows


def similarity(a: Fingerprint, b: Fingerprint, w: Weights = WEIGHTS) -> float:
    """Score of one pair (the linker scores many at once with scores())."""
    va, vb = vectors([a, b])
    return float(scores(a, va, [b], [vb], w)[0])


def head_overlap(a: frozenset[str], b: frozenset[str]) -> float:
    """Shared headline words relative to the shorter headline."""
    if not a or not b:
        return 0.0
    return len(a & b) / min(len(a), len(b))


def subjects_differ(a: Fingerprint, b: Fingerprint) -> bool:
    """The headlines tell different subjects: both name distinctive places or people and
    neither entry's lede names a subject of the other's headline ("Drone strike on Pavlohrad"
    and "Drone attack on Kharkiv" tell two happenings; "Wagner's Prigozhin feared dead" and
    "Prigozhin listed aboard crashed plane" one), or both name a place, however common, and
    neither names the other's ("Biden visits Kyiv", "Biden speaks in Warsaw")."""
    return _differ(a, b, a.head_names, b.head_names) or _differ(a, b, a.head_places, b.head_places)


def _differ(a: Fingerprint, b: Fingerprint, mine: frozenset[str], theirs: frozenset[str]) -> bool:
    """Both headlines carry subjects of a kind and neither entry names one of the other's: on
    the same war date anywhere, else in its headline or lede (a report of a strike on Pavlohrad
    that adds, later on, that Kharkiv was hit too tells another happening than the previous
    day's report headlined on Kharkiv)."""
    if not mine or not theirs:
        return False
    same_day = a.war_date == b.war_date
    told_a, told_b = (a.names, b.names) if same_day else (a.lede_names, b.lede_names)
    return not (mine & told_b or theirs & told_a) and not (
        _name_stems(mine) & b.head
        or _name_stems(theirs) & a.head
        or any(_named_in(n, b.head_words) for n in mine)
        or any(_named_in(n, a.head_words) for n in theirs)
    )


@lru_cache(maxsize=1)
def _not_places() -> frozenset[str]:
    """Tagged names that are no place a headline could be about: actors and countries."""
    actors = {a.name for a in load_actors()}
    return frozenset(actors | {p.name for p in load_places() if p.kind == "country"})


@lru_cache(maxsize=50_000)
def _name_stems(names: frozenset[str]) -> frozenset[str]:
    """Stems of the words of some names, as content terms spell them."""
    return frozenset(_stem(_bare(w)) for n in names for w in _WORD.findall(n))


def name_overlap(a: Fingerprint, b: Fingerprint) -> float:
    """Weight of shared distinctive names relative to the lighter entry's (rare names weigh
    more: two reports naming Avdiivka say more than two naming the United States; a name
    told only after the lede counts as it weighs there)."""
    if not a.rare_names or not b.rare_names:
        return 0.0
    small, large = sorted((a.rare_names, b.rare_names), key=len)
    shared = math.fsum(min(v, large[n]) for n, v in small.items() if n in large)
    return shared / min(a.name_mass, b.name_mass)


@lru_cache(maxsize=50_000)
def _name_weight(name: str) -> float:
    """How rare a name's rarest word is in general English."""
    words = [_bare(w) for w in _WORD.findall(name)] or [name.lower()]
    return max(1.0, IDF_CEILING - min(zipf(w) for w in words))


@lru_cache(maxsize=200_000)
def _bare(word: str) -> str:
    """Lower case, straight apostrophe, no possessive 's."""
    word = word.lower().replace("’", "'")
    return word[:-2] if word.endswith("'s") else word


def days_apart(a: date | None, b: date | None) -> int:
    """Whole days between two war dates; 0 when either is unknown. Never overflows:
    subtracting two dates always fits in a timedelta."""
    if a is None or b is None:
        return 0
    return abs((a - b).days)


def short_label(headline: str, limit: int = LABEL_CHARS) -> str:
    """A headline cut at a word boundary, never a paragraph."""
    text = " ".join(headline.split())
    first = re.split(r"(?<=[.!?])\s", text, maxsplit=1)[0]
    if len(first) <= limit:
        return first
    cut = first[:limit].rsplit(" ", 1)[0].rstrip(",;:—–-")
    return f"{cut}…"


def central(fps: Sequence[Fingerprint]) -> int:
    """Index of the member closest to the story's centroid (linear in the story's size)."""
    if len(fps) < 3:
        return 0
    vecs = vectors(fps)
    ids = np.concatenate([v[0] for v in vecs])
    values = np.concatenate([v[1] for v in vecs])
    cols, inverse = np.unique(ids, return_inverse=True)
    centroid = (cols, np.bincount(inverse, weights=values))
    norms = np.sqrt(np.array([fp.mass for fp in fps]))
    with np.errstate(divide="ignore", invalid="ignore"):
        closeness = np.nan_to_num(_dots(centroid, vecs) / norms)
    return int(np.argmax(closeness))


@lru_cache(maxsize=200_000)
def _stem(word: str) -> str:
    """Snowball (Porter 2) stem, so 'troops'/'troop' and 'confirmed'/'confirms' meet."""
    return str(_STEMMER.stemWord(word))


@lru_cache(maxsize=1)
def _stop_words() -> frozenset[str]:
    """Function words (transform/data/story_stop_words.txt) and newsroom filler."""
    lines = STOP_WORDS_PATH.read_text(encoding="utf-8").splitlines()
    words = (w for line in lines if not line.startswith("#") for w in line.split())
    return frozenset(words) | _FILLER


@lru_cache(maxsize=1)
def _war_common() -> frozenset[str]:
    """Stems of the war-report vocabulary ('damages' and 'damaged' alike)."""
    return frozenset(_stem(w) for w in _WAR_COMMON)


@lru_cache(maxsize=200_000)
def _idf(word: str) -> float:
    """How rare a word is in general English: an inverse document frequency prior."""
    return max(IDF_FLOOR, IDF_CEILING - zipf(word))


_PLAIN_WORD = re.compile(r"[a-z]+")
_ZIPF_FLOOR = 1e-9  # wordfreq's frequency of an unseen word (Zipf 0)


def zipf(word: str) -> float:
    """wordfreq's zipf_frequency(word, "en", wordlist="small"), read straight from its table
    for a plain lower-case word (one token, no digits), which skips its tokenizer: the
    first fingerprints of a fresh worker spent half their time there."""
    if not _PLAIN_WORD.fullmatch(word):
        return float(zipf_frequency(word, "en", wordlist="small"))
    freq = max(_frequencies().get(word, 0.0), _ZIPF_FLOOR)
    freq = round(freq, math.floor(-math.log(freq, 10)) + 3)  # wordfreq keeps 3 digits
    return round(math.log(freq, 10) + 9, 2)


@lru_cache(maxsize=1)
def _frequencies() -> dict[str, float]:
    """wordfreq's small English table, word -> frequency."""
    return dict(get_frequency_dict("en", wordlist="small"))
