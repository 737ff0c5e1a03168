"""Same happening, different outlets: a fingerprint per entry and a similarity between two."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from warday import settings

# Function words and newsroom filler that say nothing about which happening it is.
_STOP = frozenset(
    [
        "about",
        "above",
        "after",
        "again",
        "against",
        "along",
        "also",
        "among",
        "another",
        "because",
        "before",
        "being",
        "below",
        "between",
        "both",
        "could",
        "during",
        "each",
        "first",
        "further",
        "having",
        "here",
        "into",
        "itself",
        "just",
        "like",
        "made",
        "make",
        "many",
        "more",
        "most",
        "much",
        "must",
        "near",
        "only",
        "other",
        "over",
        "said",
        "says",
        "same",
        "should",
        "since",
        "some",
        "such",
        "than",
        "that",
        "their",
        "them",
        "then",
        "there",
        "these",
        "they",
        "this",
        "those",
        "through",
        "under",
        "until",
        "very",
        "were",
        "what",
        "when",
        "where",
        "which",
        "while",
        "will",
        "with",
        "within",
        "would",
        "year",
        "years",
        "week",
        "today",
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
        "officials",
        "official",
        "statement",
        "reported",
        "according",
        "told",
        "local",
        "time",
        "people",
        "country",
    ]
)
_WORD = re.compile(r"[A-Za-z][A-Za-z'-]{3,}")
# Two entries a few days apart scoring this much tell one story (set on the seeds: same
# happening 0.69-0.85, related but distinct happenings 0.2-0.5).
LINK_THRESHOLD = settings.STORY_LINK_THRESHOLD
MAX_DAYS_APART = settings.STORY_MAX_DAYS_APART


@dataclass(frozen=True)
class Fingerprint:
    names: frozenset[str]
    words: frozenset[str]
    war_date: date | None


def fingerprint(headline: str, text: str, names: list[str], war_date: date | None) -> Fingerprint:
    """Names tagged in the entry plus its distinctive words (lower-cased, crude stem)."""
    words = {_stem(w.lower()) for w in _WORD.findall(f"{headline} {headline} {text}")}
    return Fingerprint(frozenset(names), frozenset(words - _STOP), war_date)


def similarity(a: Fingerprint, b: Fingerprint) -> float:
    """Overlap of names and words relative to the smaller entry; 0 when days apart."""
    if a.war_date and b.war_date and abs((a.war_date - b.war_date).days) > MAX_DAYS_APART:
        return 0.0
    names = _overlap(a.names, b.names)
    words = _overlap(a.words, b.words)
    return 0.4 * names + 0.6 * words


def _overlap(a: frozenset[str], b: frozenset[str]) -> float:
    """|A & B| / min(|A|, |B|), 0 for an empty side."""
    if not a or not b:
        return 0.0
    return len(a & b) / min(len(a), len(b))


def _stem(word: str) -> str:
    """A crude suffix strip so 'troops'/'troop' and 'confirmed'/'confirms' meet."""
    for suffix in ("ing", "ed", "es", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)]
    return word
