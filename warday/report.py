"""Read-side views for people and consumers: summary, status, export."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterator
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from warday import settings
from warday.ingest.urls import scrub
from warday.progress import Bar
from warday.store import repo
from warday.store.db import Conn
from warday.store.queries import q

_EXPORT_BATCH = settings.EXPORT_BATCH


def summary(conn: Conn) -> dict[str, Any]:
    """Counts, entries per war day, events by type, open dead letters."""
    return {
        "totals": repo.fetch_all(conn, "summary_counts")[0],
        "entries_per_day": repo.fetch_all(conn, "entries_per_day"),
        "events_by_type": repo.fetch_all(conn, "events_by_type"),
        "dead_letters": repo.fetch_all(conn, "open_dead_letters", limit=20),
    }


def format_summary(data: dict[str, Any]) -> str:
    """The summary as a short plain-text report."""
    totals = data["totals"]
    lines = [
        "warday summary",
        "  " + ", ".join(f"{k}={v}" for k, v in totals.items()),
        "",
        "entries per war day:",
    ]
    for row in data["entries_per_day"]:
        day = f"day {row['war_day']:,}" if row["war_day"] else "undated"
        how = "FALLBACK: dated by the run, no stated date" if row["fallback"] else None
        lines.append(
            f"  {day:<11} {row['war_date'] or '-'!s:<11} {row['entries']:>4} entries"
            f"  ({how or ', '.join(row['date_sources'])})"
        )
    lines += ["", "events by type:"]
    lines += [f"  {r['event_type']:<10} {r['events']:>4}" for r in data["events_by_type"]]
    lines += ["", f"dead letters (open): {totals['dead_letters']}"]
    lines += [
        f"  [{r['stage']}] {r['locator']}: {r['error_class']}: {r['message'][:160]}"
        for r in data["dead_letters"]
    ]
    return scrub("\n".join(lines))  # rows stored before credentials were stripped


def status(conn: Conn, limit: int = 10) -> str:
    """Recent runs with per-stage counts, then open dead letters with reasons."""
    lines = ["recent runs:"]
    for run in repo.fetch_all(conn, "recent_runs", limit=limit):
        took = run["finished_at"] - run["started_at"] if run["finished_at"] else "running"
        lines.append(
            f"  {run['started_at']:%Y-%m-%d %H:%M:%S} {run['status']:<8} {run['run_key']}"
            f" ({run['trigger']}, {took})"
        )
        for stage, counts in run["counts"].items():
            pairs = " ".join(f"{k}={v}" for k, v in sorted(counts.items()))
            lines.append(f"      {stage:<8} {pairs or 'nothing to do'}")
    lines += ["", *source_lines(conn)]
    fallback = repo.fetch_all(conn, "fallback_dated_documents", limit=limit)
    lines += ["", f"documents dated by the run's fallback date (no stated date): {len(fallback)}"]
    lines += [f"  {d['war_date']} {d['outlet'] or '-'} {d['locator']}" for d in fallback]
    dead = repo.fetch_all(conn, "open_dead_letters", limit=50)
    lines += ["", f"open dead letters: {len(dead)}"]
    lines += [
        f"  [{d['stage']}] {d['locator']}\n      {d['error_class']}: {d['message'][:300]}"
        f" (attempts {d['attempts']})"
        for d in dead
    ]
    return scrub("\n".join(lines))  # rows stored before credentials were stripped


def source_lines(conn: Conn, now: datetime | None = None) -> list[str]:
    """Per source the gate's verdict, last success, last new item, open dead letters and
    what is wrong (the same verdicts the quality gate task records)."""
    from warday import gates
    from warday.steps import registry_path

    now = now or repo.fetch_all(conn, "db_now")[0]["now"]
    health = gates.source_health(conn, gates.load_policy(registry_path()), now)
    lines = [
        "sources:",
        f"  {'name':<20} {'verdict':<7} {'last success':<16} {'last new item':<16} letters  why",
    ]
    for src in health:
        lines.append(
            f"  {src['name']:<20} {src['level'].upper():<7} {_when(src['last_success_at']):<16}"
            f" {_when(src['last_new_item']):<16} {src['open_dead_letters']:>7}  {src['detail']}"
        )
    return lines


def _when(value: datetime | None) -> str:
    """A timestamp to the minute, or never."""
    return f"{value:%Y-%m-%d %H:%M}" if value else "never"


def export_entries(conn: Conn, since: int = 0) -> Iterator[dict[str, Any]]:
    """Entries changed after seq ``since``, in seq order: live ones in full with their tags,
    withdrawn ones as ``{"op": "retract", "entry_id", "seq"}`` so consumers can drop them.

    Rows come through a server-side cursor in batches, so memory stays flat however many
    entries there are.
    """
    total = conn.execute(q("export_count"), {"since": since}).fetchone()
    with (
        conn.transaction(),
        conn.cursor(name="warday_export") as cur,
        Bar("export", total["n"] if total else 0) as bar,
    ):
        cur.execute(q("export_entries"), {"since": since})
        while batch := cur.fetchmany(_EXPORT_BATCH):
            bar.advance(len(batch))
            tags = _tags_for(conn, [r["entry_id"] for r in batch if r["op"] == "upsert"])
            for row in batch:
                if row["op"] == "retract":
                    yield {"op": "retract", "entry_id": row["entry_id"], "seq": row["seq"]}
                else:
                    yield {**row, **{kind: tags[kind].get(row["entry_id"], []) for kind in tags}}


def _tags_for(conn: Conn, ids: list[int]) -> dict[str, dict[int, list[dict]]]:
    """Events, actors, places and figures of a batch of entries, grouped by entry."""
    grouped: dict[str, dict[int, list[dict]]] = {}
    for kind in ("events", "actors", "places", "figures"):
        by_entry: dict[int, list[dict]] = defaultdict(list)
        for row in repo.fetch_all(conn, f"export_{kind}", ids=ids):
            by_entry[row.pop("entry_id")].append(row)
        grouped[kind] = by_entry
    return grouped


def to_json(record: dict[str, Any]) -> str:
    """One JSON line; dates as ISO 8601, decimals as numbers."""
    return json.dumps(record, default=_json_default, ensure_ascii=False)


def _json_default(value: Any) -> Any:
    """JSON for the types rows carry."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    raise TypeError(f"cannot serialise {type(value).__name__}")
