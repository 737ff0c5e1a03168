"""The link step: every live war entry gets a story, incrementally, one link step at a time
(an off-topic entry, other news of a world-news feed, gets none).

It loads only the linked entries whose war dates lie near the dates being linked, indexes
them by (war day, name or word), and decides entry by entry (warday.transform.linker). A
new entry joins the best story, starts one, or bridges stories, which then merge: the
merged-away id gets a redirect row. Every entry whose story changed gets a change-feed row
(published last, in the same transaction), so a consumer that keeps its cursor stays right.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from psycopg.types.json import Jsonb

from warday import settings
from warday.store import repo
from warday.store.db import Conn
from warday.store.queries import q
from warday.transform.cluster import (
    MAX_DAYS_APART,
    Vec,
    central,
    fingerprint,
    fingerprint_from_json,
    fingerprint_json,
    fingerprint_version,
    short_label,
    vectors,
)
from warday.transform.linker import Member, StoryIndex

RESERVE = 64


@dataclass
class _Batch:
    """What one link step changed, written at its end."""

    assigned: dict[int, int] = field(default_factory=dict)  # new entry -> story
    made: list[dict[str, Any]] = field(default_factory=list)  # fingerprints to store
    reserved: list[int] = field(default_factory=list)  # story ids made, not yet used
    moved: dict[int, str] = field(default_factory=dict)  # stored entry -> content hash
    touched: set[int] = field(default_factory=set)  # stories to relabel
    counts: Counter[str] = field(default_factory=Counter)


def link_stories(conn: Conn, chunk: int = settings.LINK_CHUNK) -> dict[str, int]:
    """Give every live war entry a story, joining an existing one when it tells the same
    happening (off-topic entries get none).

    New entries are linked oldest first, `chunk` per transaction: a backfill of 75,000 entries
    needs no more memory than a night's run, and each chunk sees the stories of the last."""
    counts: Counter[str] = Counter()
    previous: list[int] = []
    while True:
        with conn.transaction():
            conn.execute(q("link_lock"))
            unlinked = repo.fetch_all(
                conn, "unlinked_entries", limit=chunk, fp_version=fingerprint_version()
            )
            ids = [r["entry_id"] for r in unlinked]
            if not unlinked:
                break
            if ids == previous:  # every chunk assigns all its entries; never loop on one
                raise RuntimeError(f"story linking made no progress on entries {ids[:5]}...")
            counts.update(_link_chunk(conn, unlinked))
            previous = ids
    return dict(counts)


def _link_chunk(conn: Conn, unlinked: list[dict[str, Any]]) -> Counter[str]:
    """Link one chunk of new entries in the caller's transaction."""
    batch = _Batch()
    index, rows = _load_index(conn, unlinked, batch.made)
    members = [_member(r, batch.made) for r in unlinked]
    for row, member, vec in zip(unlinked, members, vectors([m.fp for m in members]), strict=True):
        _link_one(conn, index, row, member, vec, batch)
    _write(conn, index, rows, batch)
    return batch.counts


def _load_index(
    conn: Conn, unlinked: list[dict[str, Any]], made: list[dict[str, Any]]
) -> tuple[StoryIndex, dict[int, dict[str, Any]]]:
    """The linked entries near the dates being linked, indexed."""
    dates = sorted({r["war_date"] for r in unlinked if r["war_date"] is not None})
    stored = (
        repo.iter_rows(
            conn,
            "story_pool",
            dates=dates,
            days=MAX_DAYS_APART,
            per_story=settings.STORY_POOL_PER_STORY,
            pool_max=settings.STORY_POOL_MAX,
            fp_version=fingerprint_version(),
        )
        if dates
        else iter(())
    )
    index = StoryIndex()
    rows: dict[int, dict[str, Any]] = {}
    members = []
    for row in stored:  # streamed: each row's fingerprint or text goes once it is read
        members.append((_member(row, made), row["story_id"]))
        rows[row["entry_id"]] = row
    index.add_many(members)
    rows |= {r["entry_id"]: r for r in unlinked}
    return index, rows


def _member(row: dict[str, Any], made: list[dict[str, Any]]) -> Member:
    """An entry row as the linker sees it: its stored fingerprint, else one made from its text
    and names, added to `made` to be stored (a change of rules, word tables or tagger costs
    one fingerprint per entry, not one per link step). Text and fingerprint are let go from
    the row: only the headline, date and hashes are read from it afterwards."""
    stored, text = row.pop("fingerprint"), row.pop("text")
    if stored is not None:
        fp = fingerprint_from_json(stored, row["war_date"])
    else:
        fp = fingerprint(row["headline"], text, row["names"], row["war_date"])
        made.append(
            {
                "entry_id": row["entry_id"],
                "content_hash": row["content_hash"],
                "tags_hash": row["tags_hash"],
                "fingerprint": fingerprint_json(fp, fingerprint_version()),
            }
        )
    return Member(row["entry_id"], row["document_id"], row["section"] == "summary", fp)


def _link_one(
    conn: Conn, index: StoryIndex, row: dict[str, Any], member: Member, vec: Vec, batch: _Batch
) -> None:
    """Decide one new entry's story, merging the stories it bridges."""
    decision = index.decide(member, vec)
    story = decision.story_id
    if story is None:
        if not batch.reserved:  # story rows are made RESERVE at a time, labelled at the end
            batch.reserved = [
                r["story_id"] for r in repo.fetch_all(conn, "reserve_stories", n=RESERVE)
            ]
        story = batch.reserved.pop(0)
        batch.counts["stories_created"] += 1
    else:
        batch.counts["entries_linked"] += 1
    for gone in decision.merge:
        _merge(conn, index, story, gone, row["entry_id"], batch)
    index.add(member, story, vec)
    batch.assigned[row["entry_id"]] = story
    batch.touched.add(story)


def _merge(
    conn: Conn, index: StoryIndex, survivor: int, gone: int, entry_id: int, batch: _Batch
) -> None:
    """Merge a story into the survivor in the database and in the index."""
    params = {"survivor": survivor, "gone": gone, "entry_id": entry_id}
    for r in conn.execute(q("merge_story"), params).fetchall():
        if r["is_live"] and r["entry_id"] not in batch.assigned:
            batch.moved[r["entry_id"]] = r["content_hash"]
    for moved in index.merge(survivor, gone):
        if moved in batch.assigned:
            batch.assigned[moved] = survivor
    batch.touched.discard(gone)
    batch.counts["stories_merged"] += 1


def _write(conn: Conn, index: StoryIndex, rows: dict[int, dict[str, Any]], batch: _Batch) -> None:
    """Store the new entries' stories, relabel touched stories, publish the changes last."""
    if batch.reserved:
        conn.execute(q("drop_reserved_stories"), {"story_ids": batch.reserved})
    if batch.made:
        conn.execute(q("store_fingerprints"), {"rows": Jsonb(batch.made)})
    ids = sorted(batch.assigned)
    conn.execute(
        q("assign_stories"),
        {"entry_ids": ids, "story_ids": [batch.assigned[i] for i in ids]},
    )
    _relabel(conn, index, rows, batch.touched)
    changes = [repo.Change(i, "upsert", rows[i]["content_hash"]) for i in ids]
    changes += [repo.Change(i, "upsert", h) for i, h in sorted(batch.moved.items())]
    repo.publish_changes(conn, changes)


def _relabel(
    conn: Conn, index: StoryIndex, rows: dict[int, dict[str, Any]], stories: Iterable[int]
) -> None:
    """Label each touched story with its most central member's headline, among its members
    near the dates being linked, and date it by its earliest war date seen here."""
    ids, labels, dates = [], [], []
    for story in sorted(stories):
        members = sorted(index.stories.get(story, ()))
        told = [e for e in members if not index.members[e].summary] or members
        if not told:
            continue
        best = told[central([index.members[e].fp for e in told])]
        ids.append(story)
        labels.append(short_label(rows[best]["headline"]))
        known = [rows[e]["war_date"] for e in members if rows[e]["war_date"] is not None]
        dates.append(min(known) if known else None)
    if ids:
        conn.execute(q("relabel_stories"), {"story_ids": ids, "labels": labels, "dates": dates})
