"""Pipeline steps shared by the Airflow DAGs and the CLI; each step is one transaction."""

from __future__ import annotations

import dataclasses
import gc
import hashlib
import logging
import os
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import cache
from pathlib import Path
from typing import Any, TypeVar

from warday import settings
from warday.analyse import Analysis, analyse
from warday.ingest.local import discover, read_local
from warday.parse import (
    FEED_PARSER_VERSION,
    TEXT_PARSER_VERSION,
    DocDraft,
    DroppedInput,
    RawDoc,
    parse_raw,
)
from warday.progress import Bar, progress
from warday.store import repo
from warday.store.db import Conn
from warday.transform.extract import EXTRACTOR_VERSION
from warday.transform.isolate import OverBudget, deadline
from warday.transform.relevance import WAR
from warday.transform.segment import SEGMENTER_VERSION, Segment
from warday.transform.tagging import TAGGER_VERSION, Tags, tag
from warday.transform.wardate import plausible

log = logging.getLogger(__name__)
_T = TypeVar("_T")
PIPELINE_VERSION = "/".join(
    (EXTRACTOR_VERSION, TEXT_PARSER_VERSION, FEED_PARSER_VERSION, SEGMENTER_VERSION, TAGGER_VERSION)
)
# A batch where more than this share of documents fail (and at least a few) fails its task.
MAX_FAILURE_RATIO = settings.BATCH_MAX_FAILURE_RATIO
MIN_FAILURES_TO_FAIL = settings.BATCH_MIN_FAILURES_TO_FAIL
# Raw documents claimed and committed together by one worker.
BATCH_SIZE = settings.PROCESS_BATCH_SIZE
# Local files read and landed together: a few statements for the lot instead of five per
# file. Their bodies are in memory at once, so the lot also stops at a size.
LAND_BATCH_FILES = 32
LAND_BATCH_BYTES = 8 * 1024 * 1024


@dataclass(frozen=True)
class Budget:
    """Limits per document of the process step's in-process stages; a document past one is a
    dead letter with the reason, and the documents beside it go on. (Extraction has its own:
    WARDAY_EXTRACT_TIMEOUT_S / WARDAY_EXTRACT_MEMORY_MB, see transform.isolate.)"""

    segment_s: float = settings.SEGMENT_TIMEOUT_S  # dating and segmentation of one document
    tag_max_chars: int = settings.TAG_MAX_CHARS  # one entry's text (tagging is linear: ~5 s)
    tag_s: float = settings.TAG_TIMEOUT_S  # tagging all changed entries of one document

    @classmethod
    def from_env(cls) -> Budget:
        """WARDAY_SEGMENT_TIMEOUT_S, WARDAY_TAG_MAX_CHARS, WARDAY_TAG_TIMEOUT_S over defaults."""
        return cls(
            _env_number(settings.ENV_SEGMENT_TIMEOUT_S, cls.segment_s),
            int(_env_number(settings.ENV_TAG_MAX_CHARS, cls.tag_max_chars)),
            _env_number(settings.ENV_TAG_TIMEOUT_S, cls.tag_s),
        )


def _env_number(name: str, default: float) -> float:
    """A positive number from the environment, else the default."""
    try:
        value = float(os.environ.get(name, "") or default)
    except ValueError:
        return default
    return value if value > 0 else default


# Seconds this process spent per stage of the process step (read by bench.e2e).
STAGE_SECONDS: defaultdict[str, float] = defaultdict(float)


@contextmanager
def timed(stage: str) -> Iterator[None]:
    """Add the time spent in the block to STAGE_SECONDS[stage]."""
    started = time.perf_counter()
    try:
        yield
    finally:
        STAGE_SECONDS[stage] += time.perf_counter() - started


class BatchFailed(RuntimeError):
    """Too many documents of a batch failed; their dead letters are committed."""


def land_paths(
    conn: Conn,
    paths: Sequence[Path],
    overrides: dict[str, Any] | None = None,
    source_id: int | None = None,
    max_bytes: int | None = None,
    source_name: str = "cli",
) -> dict[str, int]:
    """Land local files (recursively) as raw documents; bad ones become dead letters.

    Each given path is the root its files must stay in (links may not lead out of it)."""
    counts: Counter[str] = Counter()
    total = 0
    landed: list[str] = []  # locators of the files that went in, their letters closed at once
    with conn.transaction():
        for root in paths:
            files, skipped = discover([Path(root)])
            counts["skipped"] += len(skipped)
            total += len(files)
            read: list[tuple[str, repo.RawVersion]] = []
            for path in progress(files, "land"):
                found = _read_file(
                    conn, path, Path(root), overrides, max_bytes, source_id, source_name
                )
                if found is None:
                    counts["failed"] += 1
                    continue
                read.append(found)
                if len(read) >= LAND_BATCH_FILES or _bytes(read) >= LAND_BATCH_BYTES:
                    counts.update(_land_files(conn, read, source_name, landed))
                    read = []
            counts.update(_land_files(conn, read, source_name, landed))
        repo.resolve_dead_letters(conn, "land", landed)
    return {"files": total, **counts}


def _bytes(read: list[tuple[str, repo.RawVersion]]) -> int:
    return sum(len(version.body) for _, version in read)


def _read_file(
    conn: Conn,
    path: Path,
    root: Path,
    overrides: dict[str, Any] | None,
    max_bytes: int | None,
    source_id: int | None,
    source_name: str,
) -> tuple[str, repo.RawVersion] | None:
    """A file's locator and the version it lands as; None (and its dead letter) when it cannot
    be read: unreadable, too large, a bad sidecar, a link out of its root."""
    locator = path.as_uri()  # the path as found; a refused link is not resolved
    try:
        local = read_local(path, overrides, root=root, max_bytes=max_bytes)
    except Exception as exc:
        _land_failed(conn, locator, exc, source_name)
        return None
    locator = local.path.as_uri()
    version = repo.RawVersion(
        doc_key=local.meta.get("url") or locator,
        body=local.body,
        media_type=local.media_type,
        meta=local.meta,
        fetched_at=datetime.now(UTC),
        requested_url=locator,
        final_url=locator,
        source_id=source_id,
    )
    return locator, version


def _land_files(
    conn: Conn, read: list[tuple[str, repo.RawVersion]], source_name: str, landed: list[str]
) -> Counter[str]:
    """Land read files together in a savepoint (a few statements for the lot); files that
    share a document key with another, and every file of a lot the database refuses, land
    one by one in their own savepoints, so only the file at fault is a dead letter. The
    locators of those that went in are added to `landed`."""
    if not read:
        return Counter()
    together, alone = _apart_by_shared_keys(read, lambda item: [item[1].doc_key])
    counts: Counter[str] = Counter()
    try:
        with conn.transaction():
            written = repo.insert_raws(conn, [v for _, v in together])
    except Exception as exc:
        log.warning("landing %d files together failed (%s); one by one", len(together), exc)
        together, written, alone = [], [], together + alone
    for (locator, _), new in zip(together, written, strict=True):
        landed.append(locator)
        counts["landed" if new else "unchanged"] += 1
    for locator, version in alone:
        try:
            with conn.transaction():
                new = repo.insert_raws(conn, [version])[0]
        except Exception as exc:  # a value the database refuses
            _land_failed(conn, locator, exc, source_name)
            counts["failed"] += 1
        else:
            landed.append(locator)
            counts["landed" if new else "unchanged"] += 1
    return counts


def _land_failed(conn: Conn, locator: str, exc: Exception, source_name: str) -> None:
    """The dead letter of a file that did not land."""
    log.warning("landing %s failed: %s", locator, exc)
    repo.dead_letter(
        conn,
        stage="land",
        locator=locator,
        error=exc,
        version=PIPELINE_VERSION,
        source_name=source_name,
    )


@cache  # once per process
def warm_up() -> None:
    """Load what every batch reads (the tagger's dictionaries, the story fingerprint's word
    tables) and set it apart from the cycle collector: its ~150,000 objects live as long as
    the worker, yet each full collection walked them all (0.09 s), and in a worker forked from
    a warm parent (a prefork pool) that walk also copied every memory page they share with
    the parent."""
    tag("Russian drones struck Kyiv overnight.")
    story_fingerprint({"headline": "Drones hit Kyiv", "text": "Drones hit Kyiv."}, tag("Kyiv"))
    gc.collect()
    gc.freeze()


def process_pending(
    conn: Conn, logical_date: date | None = None, batch_size: int = BATCH_SIZE
) -> dict[str, int]:
    """Turn pending raw documents into documents, entries and tags, one claimed batch per
    transaction, until none is left; any number of workers may run this at once.

    Each batch is claimed with FOR UPDATE SKIP LOCKED, so workers never take the same
    document and never wait for each other; the claim is the row lock itself, so a worker
    that dies releases it with its connection. The batch's change-feed rows go last.
    """
    warm_up()
    counts: Counter[str] = Counter()
    with conn.transaction():  # its own transaction: each batch below must commit on its own
        pending = repo.count_pending(conn, PIPELINE_VERSION)
    with Bar("process", pending) as bar:
        while batch := _process_batch(conn, logical_date, batch_size):
            counts.update(batch)
            bar.advance(batch["raw_processed"] + batch["raw_failed"])
    check_failures(counts)
    return dict(counts)


def _process_batch(conn: Conn, logical_date: date | None, batch_size: int) -> Counter[str]:
    """Claim, process and commit one batch; an empty counter when nothing is pending.

    Every claimed document is parsed first; a failure there is its dead letter, with nothing
    written. The rest are analysed, tagged and written together in a few statements."""
    counts: Counter[str] = Counter()
    with conn.transaction():
        done: list[_Done] = []
        ready: list[_Ready] = []
        with timed("claim"):
            claimed = repo.claim_pending(conn, PIPELINE_VERSION, batch_size)
        for row in claimed:
            with timed("read"):
                body = row["body"]
                body = bytes(body) if body is not None else repo.raw_body(conn, row["raw_id"])
                raw = _raw_doc(row, body)
            prepared = _prepare(conn, raw, row["source_name"])
            if prepared is None:
                counts["raw_failed"] += 1
            else:
                ready.append(prepared)
        counts.update(_write_ready(conn, ready, logical_date, done))
        repo.mark_processed(conn, [d.raw.raw_id for d in done], PIPELINE_VERSION)
        repo.resolve_dead_letters(conn, "process", [d.raw.doc_key for d in done])
        _record_dropped(conn, done)
        repo.publish_changes(conn, [change for d in done for change in d.changes])
    return counts


@dataclass(frozen=True)
class _Done:
    """A raw document that went through: its feed changes and the items its parse dropped."""

    raw: RawDoc
    changes: list[repo.Change]
    rejected: list[tuple[str, str]]


@dataclass(frozen=True)
class _Ready:
    """A claimed raw document parsed into its documents; nothing written."""

    raw: RawDoc
    source_name: str | None
    rejected: list[tuple[str, str]]
    drafts: list[DocDraft]
    budget: Budget


@dataclass
class _Plan:
    """What writing one document takes: its row, its changed entries (tagged), the new
    positions of unchanged ones that moved, and the keys it keeps."""

    document: dict[str, Any]
    rows: list[dict[str, Any]]
    tags: list[Tags]
    moves: list[tuple[int, int]]
    keys: list[str]
    unchanged: int


def _raw_doc(row: dict[str, Any], body: bytes) -> RawDoc:
    """A raw_documents row and its bytes as a typed record."""
    return RawDoc(
        row["raw_id"],
        row["doc_key"],
        row["media_type"],
        body,
        row["meta"],
        row["final_url"]
        if str(row["final_url"] or "").startswith("http")
        else row["meta"].get("url"),
        row["fetched_at"],
    )


def _prepare(conn: Conn, raw: RawDoc, source_name: str | None) -> _Ready | None:
    """A raw document parsed into its documents (without implausible dates); on failure its
    dead letter (named after its source) and None."""
    try:
        with timed("extract"):
            parsed = parse_raw(raw)
    except Exception as exc:  # one bad document must never stop the batch
        _fail(conn, raw, exc, source_name)
        return None
    drafts = [discard_implausible_dates(draft, raw.fetched_at) for draft in parsed.drafts]
    return _Ready(raw, source_name, parsed.rejected, drafts, Budget.from_env())


def _analysed(draft: DocDraft, logical_date: date | None, budget: Budget) -> Analysis:
    """A document's war dating, entries and their relevance, within the budget."""
    with (
        timed("date+segment"),
        deadline(budget.segment_s, "dating and segmentation (WARDAY_SEGMENT_TIMEOUT_S)"),
    ):
        return analyse(draft, logical_date)


def _fail(conn: Conn, raw: RawDoc, exc: Exception, source_name: str | None) -> None:
    """A raw document that could not be processed: its dead letter, and its status."""
    log.warning("processing %s failed: %s: %s", raw.doc_key, type(exc).__name__, exc)
    repo.dead_letter(
        conn,
        stage="process",
        locator=raw.doc_key,  # a fixed version of the same document resolves the letter
        error=exc,
        version=PIPELINE_VERSION,
        raw_id=raw.raw_id,
        source_name=source_name,
    )
    repo.mark_raw(conn, raw.raw_id, "failed", PIPELINE_VERSION)


def _record_dropped(conn: Conn, done: list[_Done]) -> None:
    """Dead letters (stage 'item') for the items and URLs the documents' parses dropped;
    those of their earlier versions close first, so a fixed feed closes them."""
    repo.resolve_item_letters(conn, [f"{d.raw.doc_key}#" for d in done])
    for d in done:
        for key, reason in d.rejected:
            repo.dead_letter(
                conn,
                stage="item",
                locator=f"{d.raw.doc_key}#{key}",
                error=DroppedInput(reason),
                version=PIPELINE_VERSION,
                raw_id=d.raw.raw_id,
            )


def _write_ready(
    conn: Conn, ready: list[_Ready], logical_date: date | None, done: list[_Done]
) -> Counter[str]:
    """Write the batch's documents together (one statement per table), in a savepoint.

    Raw documents that share a document key with another of the batch are written after
    them, one by one in claim order (the later version wins, as when they come in separate
    batches). If the joint write fails, each is retried on its own in its own savepoint, so
    only the document at fault becomes a dead letter."""
    together, alone = _apart_by_shared_keys(ready, lambda r: [d.doc_key for d in r.drafts])
    counts: Counter[str] = Counter()
    if together:
        try:
            with conn.transaction():
                counts, written, failed = _write_group(conn, together, logical_date)
        except Exception as exc:
            log.warning(
                "writing %d documents together failed (%s: %s); writing them one by one",
                len(together),
                type(exc).__name__,
                exc,
            )
            counts, alone = Counter(), together + alone
        else:
            done.extend(written)
            for r, error in failed:
                _fail(conn, r.raw, error, r.source_name)
                counts["raw_failed"] += 1
    for r in alone:
        try:
            with conn.transaction():
                one, written, failed = _write_group(conn, [r], logical_date)
                if failed:
                    raise failed[0][1]
        except Exception as exc:
            _fail(conn, r.raw, exc, r.source_name)
            counts["raw_failed"] += 1
        else:
            done.extend(written)
            counts.update(one)
    return counts


def _apart_by_shared_keys(
    items: list[_T], keys_of: Callable[[_T], list[str]]
) -> tuple[list[_T], list[_T]]:
    """The items whose document keys no other item (nor the item twice) carries, and the
    others, each list in the order given: those are written one at a time, the last winning."""
    seen: Counter[str] = Counter(key for item in items for key in keys_of(item))
    together = [item for item in items if all(seen[key] == 1 for key in keys_of(item))]
    alone = [item for item in items if any(seen[key] > 1 for key in keys_of(item))]
    return together, alone


def _write_group(
    conn: Conn, group: list[_Ready], logical_date: date | None
) -> tuple[Counter[str], list[_Done], list[tuple[_Ready, Exception]]]:
    """Write raw documents whose document keys are distinct: lock them and read their stored
    entries, plan each document, then store the plans. Returns the counts, what went through,
    and the raw documents whose analysis failed (nothing of theirs written)."""
    drafts = _last_per_key(group)
    existing = repo.lock_documents(conn, [draft.doc_key for _, ds in drafts for draft in ds])
    planned: list[tuple[_Ready, list[_Plan]]] = []
    failed: list[tuple[_Ready, Exception]] = []
    for r, docs in drafts:
        try:  # dated, segmented and tagged back to back: the tagger reuses the scans its
            # relevance judgement just made
            plans = [
                _plan(
                    r.raw.raw_id,
                    draft,
                    _analysed(draft, logical_date, r.budget),
                    existing[draft.doc_key],
                    r.budget,
                )
                for draft in docs
            ]
        except Exception as exc:  # past a budget: this raw document alone fails
            failed.append((r, exc))
        else:
            planned.append((r, plans))
    counts, written = _store(conn, planned)
    return counts, written, failed


def _store(
    conn: Conn, planned: list[tuple[_Ready, list[_Plan]]]
) -> tuple[Counter[str], list[_Done]]:
    """Documents, entries, tags and retractions of the plans in one statement each (moves,
    rare, one by one); the counts, and each raw document's feed changes."""
    plans = [p for _, ps in planned for p in ps]
    ids = repo.upsert_documents(conn, [p.document for p in plans])
    rows = [{**row, "document_id": ids[p.document["doc_key"]]} for p in plans for row in p.rows]
    entry_ids = repo.upsert_entries(conn, rows)
    tags = [t for p in plans for t in p.tags]
    repo.replace_tags_many(conn, list(zip(entry_ids, tags, strict=True)), TAGGER_VERSION)
    for entry_id, ordinal in (move for p in plans for move in p.moves):
        repo.move_entry(conn, entry_id, ordinal)
    retracted = repo.retract_missing_many(
        conn, [(ids[p.document["doc_key"]], p.keys) for p in plans]
    )
    counts: Counter[str] = Counter()
    written: list[_Done] = []
    position = 0  # the plans' entries were upserted in order: each takes the next ids
    for r, ps in planned:
        changes: list[repo.Change] = []
        for p in ps:
            mine = entry_ids[position : position + len(p.rows)]
            position += len(p.rows)
            changes += [
                repo.Change(i, "upsert", row["content_hash"])
                for i, row in zip(mine, p.rows, strict=True)
            ]
            gone = retracted.get(ids[p.document["doc_key"]], [])
            changes += gone
            counts["documents"] += 1
            counts["entries_unchanged"] += p.unchanged
            counts["entries_written"] += len(p.rows)
            counts["entries_retracted"] += len(gone)
        counts["raw_processed"] += 1
        written.append(_Done(r.raw, changes, r.rejected))
    return +counts, written  # counts of nothing are left out


def _last_per_key(group: list[_Ready]) -> list[tuple[_Ready, list[DocDraft]]]:
    """Each raw document's documents, a key repeated within one keeping only its last (as
    writing them in turn would leave it); feeds already drop repeated items."""
    return [(r, list({draft.doc_key: draft for draft in r.drafts}.values())) for r in group]


def _plan(
    raw_id: int,
    draft: DocDraft,
    analysis: Analysis,
    existing: dict[str, dict[str, Any]],
    budget: Budget,
) -> _Plan:
    """A document's row and changed entries, tagged within the budget; an entry that is
    stored with the same content and tagger is left alone (a moved one gets its new
    position). A stage past its budget raises OverBudget."""
    dating = analysis.dating
    document = {
        "doc_key": draft.doc_key,
        "raw_id": raw_id,
        "url": draft.url,
        "outlet": draft.outlet,
        "title": draft.title,
        "author": draft.author,
        "dateline": draft.dateline,
        "modified_at": draft.modified_at,
        "published_at": draft.published_at,
        "clean_text": draft.text,
        "language": draft.language,
        "war_day_reported": dating.war_day_reported,
        "war_day": dating.war_day,
        "war_date": dating.war_date,
        "date_source": dating.date_source,
        "date_flags": list(draft.flags + dating.flags),
        "extractor_version": draft.extractor_version,
    }
    segments = analysis.segments
    keys = match_keys(draft.doc_key, segments, list(existing.values()))
    plan = _Plan(document, [], [], [], keys, 0)
    for seg, key, (relevant, why) in zip(segments, keys, analysis.relevance, strict=True):
        row = {
            "entry_key": key,
            "ordinal": seg.ordinal,
            "section": seg.section,
            "headline": seg.headline,
            "text": seg.text,
            "war_day": dating.war_day,
            "war_date": dating.war_date,
            "date_source": dating.date_source,
            "relevance": relevant,
            "relevance_reason": why,
            "tagger_version": TAGGER_VERSION,
        }
        row["content_hash"] = _entry_hash(row)
        before = existing.get(key)
        if _unchanged(row, before):
            plan.unchanged += 1
            if before and before["ordinal"] != row["ordinal"]:  # moved within a revised digest
                plan.moves.append((int(before["entry_id"]), seg.ordinal))
        else:
            plan.rows.append(row)
    plan.tags = _tagged(plan.rows, budget)
    return plan


def discard_implausible_dates(draft: DocDraft, fetched_at: datetime | None) -> DocDraft:
    """The draft without stated dates that cannot be its own (year 1, after it was fetched),
    each flagged; nothing downstream computes with them."""
    changes: dict[str, Any] = {}
    flags = list(draft.flags)
    for field in ("published_at", "modified_at"):
        when = getattr(draft, field)
        if when is not None and not plausible(when, fetched_at):
            changes[field] = None
            flags.append(f"implausible_{field.removesuffix('_at')}_{when.date().isoformat()}")
    return dataclasses.replace(draft, **changes, flags=tuple(flags)) if changes else draft


def _unchanged(row: dict[str, Any], before: dict[str, Any] | None) -> bool:
    """True when the stored entry already says this, with this tagger."""
    return bool(
        before
        and before["content_hash"] == row["content_hash"]
        and before["is_live"]
        and before["tagger_version"] == TAGGER_VERSION
    )


def _tagged(rows: list[dict[str, Any]], budget: Budget) -> list[Tags]:
    """The entries' tags within the budget; each row gets its tags' hash and, for a war
    entry, its story fingerprint."""
    if not rows:
        return []
    tagged = tag_within_budget([(row["text"], _about_the_war(row)) for row in rows], budget)
    with timed("fingerprint"):
        for row, tags in zip(rows, tagged, strict=True):
            row["tags_hash"] = tags_hash(tags)
            # only war entries are linked into stories (warday.linking)
            row["fingerprint"] = story_fingerprint(row, tags) if _about_the_war(row) else None
    return tagged


def story_fingerprint(row: dict[str, Any], tags: Tags) -> dict[str, Any]:
    """The entry's story fingerprint, made here by the worker that tagged it so that the
    single link step reads it back instead of making it (warday.linking)."""
    # here, not at the top: the numeric libraries load only in processes that tag
    from warday.transform.cluster import fingerprint, fingerprint_json, fingerprint_version

    names = {a.name for a in tags.actors} | {p.name for p in tags.places}
    fp = fingerprint(row["headline"], row["text"], names, None)
    return fingerprint_json(fp, fingerprint_version())


def _about_the_war(row: dict[str, Any]) -> bool:
    """Whether the entry's events are read: an entry about other news gets its actors,
    places and figures but no war events (see transform.relevance)."""
    return bool(row.get("relevance", WAR) == WAR)


def tag_within_budget(entries: list[tuple[str, bool]], budget: Budget) -> list[Tags]:
    """Tags of each (text, about the war) entry; an entry over the size budget, or tagging
    of the lot past the time budget, raises OverBudget."""
    for text, _ in entries:
        if len(text) > budget.tag_max_chars:
            raise OverBudget(
                f"an entry of {len(text)} characters exceeds the tagging budget of "
                f"{budget.tag_max_chars} (WARDAY_TAG_MAX_CHARS)"
            )
    with timed("tag"), deadline(budget.tag_s, "tagging (WARDAY_TAG_TIMEOUT_S)"):
        return [tag(text, events_too=war) for text, war in entries]


def tags_hash(tags: Tags) -> str:
    """Hash of everything the tagger said about an entry (re-tagging compares it)."""
    return repo.sha256(repr(tags).encode())


def match_keys(doc_key: str, segments: list[Segment], previous: list[dict[str, Any]]) -> list[str]:
    """Stable keys for a document's sub-stories across revisions.

    A sub-story keeps the key of the earlier entry with the same headline; failing that,
    of the earlier entry at the same position whose headline is gone (an edited headline);
    otherwise it gets a new key. Inserting or removing a sub-story moves no other key.
    """
    by_headline: dict[str, list[str]] = {}
    for p in sorted(previous, key=lambda p: p["ordinal"]):
        by_headline.setdefault(p["headline"], []).append(p["entry_key"])
    kept: dict[int, str] = {}
    for seg in segments:
        if by_headline.get(seg.headline):  # a repeated headline claims its keys in order
            kept[seg.ordinal] = by_headline[seg.headline].pop(0)
    claimed = set(kept.values())
    new_headlines = {seg.headline for seg in segments}
    by_ordinal = {
        p["ordinal"]: p["entry_key"]
        for p in previous
        if p["entry_key"] not in claimed and p["headline"] not in new_headlines
    }
    taken = {p["entry_key"] for p in previous}
    keys = []
    for seg in segments:
        key = kept.get(seg.ordinal) or by_ordinal.pop(seg.ordinal, None)
        if key is None:
            key, salt = entry_key(doc_key, seg.ordinal, seg.headline), 0
            while key in taken:  # never reuse a key another entry of this document holds
                salt += 1
                key = entry_key(doc_key, seg.ordinal, f"{seg.headline}#{salt}")
        taken.add(key)
        keys.append(key)
    return keys


def entry_key(doc_key: str, ordinal: int, headline: str = "") -> str:
    """A new entry's key: its document, position and headline, hashed."""
    return hashlib.sha256(f"{doc_key}#{ordinal}#{headline}".encode()).hexdigest()[:32]


def _entry_hash(row: dict[str, Any]) -> str:
    """Hash of everything a consumer sees of an entry."""
    fields: tuple[str, ...] = ("section", "headline", "text", "war_day", "war_date", "date_source")
    if row.get("relevance", "war") != "war":  # unchanged hashes for war entries
        fields = (*fields, "relevance", "relevance_reason")
    return repo.sha256("\x1f".join(str(row[f]) for f in fields).encode())


def check_failures(counts: Counter[str]) -> None:
    """Fail the step when too much of the batch failed (of one worker's share, or of the
    whole step's when the workers' counts are summed)."""
    failed, total = counts["raw_failed"], counts["raw_failed"] + counts["raw_processed"]
    if failed >= MIN_FAILURES_TO_FAIL and failed > MAX_FAILURE_RATIO * total:
        raise BatchFailed(f"{failed} of {total} documents failed; see dead_letters")


def link_stories(conn: Conn, chunk: int = settings.LINK_CHUNK) -> dict[str, int]:
    """Give every live war entry a story, `chunk` new entries per transaction (see
    warday.linking)."""
    from warday import linking

    return linking.link_stories(conn, chunk)


def retag(
    conn: Conn,
    everything: bool = False,
    batch_size: int = 100,
    low: date | None = None,
    high: date | None = None,
) -> dict[str, int]:
    """Re-tag stored entries after a tagger upgrade, one short transaction per batch (only
    entries whose war date lies in [low, high] when given).

    An entry whose new tags are the ones it has is left alone (only its tagger version is
    stamped when that changed): no rewrite and no change-feed row.
    """
    counts: Counter[str] = Counter()
    ids = repo.stale_entries(conn, TAGGER_VERSION, everything, low, high)
    for start in progress(range(0, len(ids), batch_size), "retag"):
        rows = repo.retag_rows(conn, ids[start : start + batch_size])
        with conn.transaction():
            counts.update(_retag_batch(conn, rows))
    return dict(counts)


def _retag_batch(conn: Conn, rows: list[dict[str, Any]]) -> Counter[str]:
    """Re-tag one batch in the caller's transaction; feed rows last."""
    counts: Counter[str] = Counter()
    changed: list[tuple[int, Tags]] = []
    changes: list[repo.Change] = []
    for row in rows:
        tags = tag(row["text"], events_too=_about_the_war(row))
        digest = tags_hash(tags)
        if digest == row["tags_hash"]:
            if row["tagger_version"] != TAGGER_VERSION:  # same output, new version stamps
                repo.stamp_tagger(conn, row["entry_id"], TAGGER_VERSION, digest, tags_too=True)
            counts["entries_tags_unchanged"] += 1
            continue
        changed.append((row["entry_id"], tags))
        repo.stamp_tagger(conn, row["entry_id"], TAGGER_VERSION, digest)
        changes.append(repo.Change(row["entry_id"], "upsert", row["content_hash"]))
    repo.replace_tags_many(conn, changed, TAGGER_VERSION)
    repo.publish_changes(conn, changes)
    if changes:
        counts["entries_retagged"] += len(changes)
    return counts
