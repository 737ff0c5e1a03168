"""Same happening, different outlets: fingerprints, candidate blocking and a measured score.

An entry's fingerprint is its set of content words (hashed into a sparse binary vector by
scikit-learn) and the actors and places tagged in it. Two entries score by how many content
words and names they share, and not at all when their war dates lie more than
MAX_DAYS_APART apart. Weights and threshold were chosen on the labelled development pairs in
tests/stories (see bench/stories.py), never on the seeds.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from functools import lru_cache

import numpy as np
import snowballstemmer
from scipy import sparse
from sklearn.feature_extraction import FeatureHasher
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS
from wordfreq import zipf_frequency

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
_STOP = frozenset(ENGLISH_STOP_WORDS) | _FILLER
_WORD = re.compile(r"[^\W\d_][\w'’-]*[^\W_]")
# Names too common in this war's reporting to tell two happenings apart.
_COMMON_NAMES = frozenset({"Russia", "Ukraine", "Kyiv", "Moscow", "Kremlin"})
MAX_DAYS_APART = 2


@dataclass(frozen=True)
class Weights:
    containment: float  # shared term weight over the lighter entry's
    cosine: float  # shared term weight over both entries' (penalises length mismatch)
    names: float  # shared distinctive actors and places
    headline: float  # shared headline words
    day_penalty: float  # per day between war dates
    threshold: float  # a story is joined at or above this score


# Chosen on the development half of the labelled pairs (python -m bench.stories --choose).
WEIGHTS = Weights(0.5, 0.3, 0.2, 0.0, 0.05, 0.22)
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
_HASHER = FeatureHasher(n_features=2**20, input_type="dict", alternate_sign=False)
_STEMMER = snowballstemmer.stemmer("english")


@dataclass(frozen=True)
class Fingerprint:
    terms: dict[str, float]  # stem -> weight
    names: frozenset[str]
    war_date: date | None
    head: frozenset[str] = frozenset()


def content_terms(headline: str, text: str, names: Iterable[str] = ()) -> dict[str, float]:
    """Stemmed content words of headline and text, each weighted by its rarity. Words of
    tagged names are left to the name overlap, so a name does not count twice."""
    words = {w.lower().replace("’", "'") for w in _WORD.findall(f"{headline} {text}")}
    skip = _STOP | {w.lower() for n in names for w in _WORD.findall(n)}
    terms: dict[str, float] = {}
    for word in words:
        if len(word) > 2 and word not in skip:
            stem = _stem(word)
            terms[stem] = max(terms.get(stem, 0.0), _idf(word))
    return terms


def fingerprint(headline: str, text: str, names: Iterable[str], war_date: date | None) -> Fingerprint:
    """An entry's content words and tagged names."""
    names = frozenset(names)
    head = frozenset(content_terms(headline, "", names))
    return Fingerprint(content_terms(headline, text, names), names, war_date, head)


def vectors(fps: Sequence[Fingerprint]) -> sparse.csr_matrix:
    """Hashed TF-IDF rows holding sqrt(weight), so a dot product sums shared weights."""
    rows = [{t: w**0.5 for t, w in fp.terms.items()} for fp in fps]
    return _HASHER.transform(rows).tocsr()


def mass(fp: Fingerprint) -> float:
    """Total weight of an entry's terms."""
    return float(sum(fp.terms.values()))


def index_keys(fp: Fingerprint) -> set[str]:
    """Keys a stored entry is indexed under: its distinctive names and content words."""
    return {f"n:{n}" for n in fp.names - _COMMON_NAMES} | {f"w:{t}" for t in fp.terms}


def query_keys(fp: Fingerprint) -> set[str]:
    """Keys a new entry looks up: its distinctive names and headline words (few, so the
    lookup costs the same whatever the history holds)."""
    return {f"n:{n}" for n in fp.names - _COMMON_NAMES} | {f"w:{t}" for t in fp.head}


def scores(
    mine: Fingerprint,
    row: sparse.csr_matrix,
    others: Sequence[Fingerprint],
    rows: sparse.csr_matrix,
    w: Weights = WEIGHTS,
) -> np.ndarray:
    """Similarity of one entry to each of several others (0 when too many days apart)."""
    shared = np.asarray((rows @ row.T).todense()).ravel()
    sizes = np.array([mass(o) for o in others], dtype=float)
    mine_size = mass(mine)
    with np.errstate(divide="ignore", invalid="ignore"):
        contain = np.nan_to_num(shared / np.minimum(sizes, mine_size))
        cosine = np.nan_to_num(shared / np.sqrt(sizes * mine_size))
    names = np.array([name_overlap(mine.names, o.names) for o in others])
    heads = np.array([head_overlap(mine.head, o.head) for o in others])
    days = np.array([days_apart(mine.war_date, o.war_date) for o in others], dtype=float)
    score = (
        w.containment * contain
        + w.cosine * cosine
        + w.names * names
        + w.headline * heads
        - w.day_penalty * days
    )
    return np.where(days > MAX_DAYS_APART, 0.0, score)


def similarity(a: Fingerprint, b: Fingerprint, w: Weights = WEIGHTS) -> float:
    """Score of one pair (the linker scores many at once with scores())."""
    va, vb = vectors([a, b])
    return float(scores(a, va, [b], vb, w)[0])


def head_overlap(a: frozenset[str], b: frozenset[str]) -> float:
    """Shared headline words relative to the shorter headline."""
    if not a or not b:
        return 0.0
    return len(a & b) / min(len(a), len(b))


def name_overlap(a: frozenset[str], b: frozenset[str]) -> float:
    """Shared distinctive names relative to the entry with fewer of them."""
    a, b = a - _COMMON_NAMES, b - _COMMON_NAMES
    if not a or not b:
        return 0.0
    return len(a & b) / min(len(a), len(b))


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
    """Index of the member that scores highest on average against the others."""
    if len(fps) < 3:
        return 0
    rows = vectors(fps)
    totals = [scores(fp, rows[i], fps, rows).sum() for i, fp in enumerate(fps)]
    return int(np.argmax(totals))


@lru_cache(maxsize=200_000)
def _stem(word: str) -> str:
    """Snowball (Porter 2) stem, so 'troops'/'troop' and 'confirmed'/'confirms' meet."""
    return str(_STEMMER.stemWord(word))


@lru_cache(maxsize=200_000)
def _idf(word: str) -> float:
    """How rare a word is in general English: an inverse document frequency prior."""
    return max(IDF_FLOOR, IDF_CEILING - zipf_frequency(word, "en"))
