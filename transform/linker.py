"""Incremental story linking: a new entry joins the best story, starts one, or bridges two.

Pure and in memory: the caller loads the entries near the dates being linked, asks for a
decision per new entry, writes it, and tells the index. Candidates come from an inverted
index keyed by (war day, name or word), so the cost of one decision depends on how many
entries share its days and keys, not on how many entries history holds.
"""

from __future__ import annotations

import heapq
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date

from warday.transform.cluster import (
    MAX_CANDIDATES,
    MAX_DAYS_APART,
    MAX_POSTINGS,
    MERGE_MARGIN,
    WEIGHTS,
    Fingerprint,
    Vec,
    Weights,
    index_keys,
    query_keys,
    scores,
    vectors,
)


@dataclass(frozen=True)
class Member:
    entry_id: int
    document_id: int
    summary: bool  # a digest's lead spans all its sub-stories: never linked
    fp: Fingerprint


@dataclass(frozen=True)
class Decision:
    story_id: int | None  # None: start a new story
    merge: tuple[int, ...] = ()  # stories the new entry shows to be the same as story_id
    score: float = 0.0


@dataclass
class StoryIndex:
    weights: Weights = WEIGHTS
    members: dict[int, Member] = field(default_factory=dict)
    story_of: dict[int, int] = field(default_factory=dict)
    stories: dict[int, set[int]] = field(default_factory=lambda: defaultdict(set))
    _vecs: dict[int, Vec] = field(default_factory=dict)
    _by_document: dict[int, set[int]] = field(default_factory=lambda: defaultdict(set))
    _postings: dict[tuple[int | None, str], list[int]] = field(
        default_factory=lambda: defaultdict(list)
    )

    def add(self, member: Member, story_id: int, vec: Vec | None = None) -> None:
        """Index an entry that belongs to a story."""
        self.members[member.entry_id] = member
        self._vecs[member.entry_id] = vectors([member.fp])[0] if vec is None else vec
        self._assign(member.entry_id, story_id)
        self._by_document[member.document_id].add(member.entry_id)
        if member.summary:
            return
        day = _day(member.fp.war_date)
        for key in index_keys(member.fp):
            self._postings[(day, key)].append(member.entry_id)

    def add_many(self, members: list[tuple[Member, int]]) -> None:
        """Index stored entries in one go (their vectors made in one call)."""
        vecs = vectors([m.fp for m, _ in members])
        for (member, story_id), vec in zip(members, vecs, strict=True):
            self.add(member, story_id, vec)

    def decide(self, member: Member, vec: Vec | None = None) -> Decision:
        """Where a new entry belongs, given what is indexed (vec: its term vector, when the
        caller made the vectors of many entries in one go)."""
        if member.summary:
            return Decision(None)
        best = self._best_per_story(member, vectors([member.fp])[0] if vec is None else vec)
        linked = [(s, sid) for sid, s in best.items() if s >= self.weights.threshold]
        if not linked:
            return Decision(None)
        linked.sort(key=lambda p: (-p[0], p[1]))
        target = linked[0][1]
        bar = self.weights.threshold + MERGE_MARGIN
        merge = tuple(sid for s, sid in linked[1:] if s >= bar and self._compatible(target, sid))
        survivor = min((target, *merge))  # the oldest id lives on; the others redirect to it
        others = tuple(sorted(s for s in (target, *merge) if s != survivor))
        return Decision(survivor, others, linked[0][0])

    def merge(self, survivor: int, gone: int) -> list[int]:
        """Move a merged-away story's entries to the survivor; returns the moved entries."""
        moved = sorted(self.stories.pop(gone, set()))
        for entry_id in moved:
            self._assign(entry_id, survivor)
        return moved

    def _assign(self, entry_id: int, story_id: int) -> None:
        """Record which story an entry is in."""
        before = self.story_of.get(entry_id)
        if before is not None:
            self.stories[before].discard(entry_id)
        self.story_of[entry_id] = story_id
        self.stories[story_id].add(entry_id)

    def _best_per_story(self, member: Member, vec: Vec) -> dict[int, float]:
        """Best score per story among the blocked candidates, skipping stories that already
        hold another entry of the same document (sub-stories of one digest differ)."""
        ids = self.candidates(member.fp)
        own = {self.story_of[e] for e in self._by_document.get(member.document_id, ())}
        ids = [e for e in ids if self.members[e].document_id != member.document_id]
        if not ids:
            return {}
        vecs = [self._vecs[e] for e in ids]
        got = scores(member.fp, vec, [self.members[e].fp for e in ids], vecs, self.weights)
        best: dict[int, float] = {}
        for entry_id, score in zip(ids, got, strict=True):
            story = self.story_of[entry_id]
            if story not in own and score > best.get(story, -1.0):
                best[story] = float(score)
        return best

    def _compatible(self, a: int, b: int) -> bool:
        """Two stories may merge unless that would put two entries of one document together."""
        docs_a = {self.members[e].document_id for e in self.stories.get(a, ())}
        return not any(self.members[e].document_id in docs_a for e in self.stories.get(b, ()))

    def candidates(self, fp: Fingerprint) -> list[int]:
        """Entries within the date window sharing the most distinctive keys with fp; ties
        go to the older entry, so the cut is the same whatever order sets iterate in."""
        counts: Counter[int] = Counter()
        keys = query_keys(fp)
        for day in _window(fp.war_date):
            for key in keys:
                posting = self._postings.get((day, key), ())
                if len(posting) <= MAX_POSTINGS:
                    counts.update(posting)
        ranked = heapq.nsmallest(MAX_CANDIDATES, counts.items(), key=lambda p: (-p[1], p[0]))
        return [e for e, _ in ranked]


def _day(d: date | None) -> int | None:
    """A war date as a day ordinal (integers never overflow the way dates do)."""
    return d.toordinal() if d is not None else None


def _window(d: date | None) -> list[int | None]:
    """The day ordinals within MAX_DAYS_APART of d (only the unknown bucket for no date)."""
    if d is None:
        return [None]
    day = d.toordinal()
    return list(range(day - MAX_DAYS_APART, day + MAX_DAYS_APART + 1))
