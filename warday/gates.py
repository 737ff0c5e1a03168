"""Quality gates: verdicts on a run and on each source, each warning or failing by policy.

The same per-source verdicts feed `warday status`, so the operator sees there what the
gate task decided.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import yaml

from warday.store import repo
from warday.store.db import Conn

LEVELS = ("ok", "warn", "fail")
DEFAULT_POLICY: dict[str, Any] = {
    "zero_entries": "fail",  # new items landed, yet no entry written
    "source_failed": "fail",  # a source's fetch, feed or documents failed
    "stale": "warn",  # a source with nothing new for stale_days
    "stale_days": 3,
    "dead_letter_rate": "warn",
    "max_dead_letter_rate": 0.25,
    "fallback_dated": "warn",  # entries dated only by the run's logical date
    "max_fallback_share": 0.5,
}


class GateFailed(RuntimeError):
    """A check whose policy is `fail` did not hold."""


@dataclass(frozen=True)
class Verdict:
    check: str
    subject: str  # "run" or a source name
    level: str  # ok | warn | fail
    detail: str


@dataclass
class Policy:
    rules: dict[str, Any] = field(default_factory=lambda: dict(DEFAULT_POLICY))
    stale_days: dict[str, float] = field(default_factory=dict)  # per source

    def level(self, check: str) -> str:
        """warn or fail (or ok: the check is switched off)."""
        return str(self.rules[check])

    def stale_after(self, source: str) -> timedelta:
        """How long a source may bring nothing new."""
        return timedelta(days=self.stale_days.get(source, self.rules["stale_days"]))


def load_policy(registry: Path) -> Policy:
    """The `gates:` section of the sources registry, over the defaults, and each source's
    `limits.stale_days`."""
    data = yaml.safe_load(registry.read_text(encoding="utf-8")) or {}
    rules = dict(DEFAULT_POLICY)
    for key, value in (data.get("gates") or {}).items():
        if key not in DEFAULT_POLICY:
            raise ValueError(f"{registry.name}: gates: unknown check {key!r}")
        if key in ("zero_entries", "source_failed", "stale", "dead_letter_rate", "fallback_dated"):
            if value not in LEVELS:
                raise ValueError(f"{registry.name}: gates.{key}: must be one of {LEVELS}")
        elif not isinstance(value, int | float) or isinstance(value, bool) or value < 0:
            raise ValueError(f"{registry.name}: gates.{key}: must be a number >= 0")
        rules[key] = value
    stale = {
        s["name"]: s["limits"]["stale_days"]
        for s in data.get("sources") or []
        if isinstance(s, dict) and isinstance(s.get("limits"), dict) and "stale_days" in s["limits"]
    }
    return Policy(rules, stale)


def source_health(conn: Conn, policy: Policy, now: datetime) -> list[dict[str, Any]]:
    """Per source: last success, last new item, open dead letters, staleness and a verdict."""
    rows = repo.fetch_all(conn, "source_health")
    for row in rows:
        row.update(asdict(_source_verdict(row, policy, now)))
    return rows


def _source_verdict(row: dict[str, Any], policy: Policy, now: datetime) -> Verdict:
    """The worst finding about one source."""
    name = row["name"]
    if row["last_status"] not in (None, "ok", "not_modified"):
        detail = f"last fetch {row['last_status']}: {row['last_error'] or ''}".strip()
        return Verdict("source_failed", name, policy.level("source_failed"), detail[:300])
    if row["open_dead_letters"]:
        detail = f"{row['open_dead_letters']} open dead letter(s): {row['last_letter'] or ''}"
        return Verdict("source_failed", name, policy.level("source_failed"), detail[:300])
    newest = row["last_new_item"] or row["created_at"]
    if row["kind"] != "directory" and now - newest > policy.stale_after(name):
        days = (now - newest).total_seconds() / 86400
        return Verdict("stale", name, policy.level("stale"), f"nothing new for {days:.1f} days")
    return Verdict("source_ok", name, "ok", "")


def evaluate_run(conn: Conn, run_key: str, policy: Policy) -> list[Verdict]:
    """Every check on one run: run-wide figures, then each source the run fetched."""
    run = repo.fetch_all(conn, "run_gate_figures", run_key=run_key)[0]
    counts: dict[str, Any] = run["counts"]
    verdicts = [
        _zero_entries(counts, policy),
        _dead_letter_rate(counts, policy),
        _fallback_share(run, policy),
    ]
    fetched = {k.split(":", 1)[1] for k in counts if k.startswith("source:")}
    for health in source_health(conn, policy, run["now"]):
        if health["name"] in fetched:
            verdicts.append(
                Verdict(health["check"], health["name"], health["level"], health["detail"])
            )
    return verdicts


def _zero_entries(counts: dict[str, Any], policy: Policy) -> Verdict:
    """New items came in, yet processing wrote no entry."""
    landed = sum(int(v.get("landed", 0)) for k, v in counts.items() if k.startswith("source:"))
    landed += int(counts.get("land", {}).get("landed", 0))
    written = int(counts.get("process", {}).get("entries_written", 0))
    if landed and not written:
        detail = f"{landed} new item(s) landed, 0 entries written"
        return Verdict("zero_entries", "run", policy.level("zero_entries"), detail)
    return Verdict("zero_entries", "run", "ok", f"{landed} landed, {written} entries written")


def _dead_letter_rate(counts: dict[str, Any], policy: Policy) -> Verdict:
    """Share of this run's documents and fetches that became dead letters."""
    process = counts.get("process", {})
    failed = int(process.get("raw_failed", 0)) + sum(
        int(v.get("fetch_failed", 0)) for k, v in counts.items() if k.startswith("source:")
    )
    total = failed + int(process.get("raw_processed", 0))
    rate = failed / total if total else 0.0
    level = (
        policy.level("dead_letter_rate") if rate > policy.rules["max_dead_letter_rate"] else "ok"
    )
    return Verdict("dead_letter_rate", "run", level, f"{failed} of {total} failed ({rate:.0%})")


def _fallback_share(run: dict[str, Any], policy: Policy) -> Verdict:
    """Share of the entries this run wrote that only the run's logical date dates."""
    written, fallback = run["entries_written"], run["entries_fallback"]
    share = fallback / written if written else 0.0
    over = share > policy.rules["max_fallback_share"]
    level = policy.level("fallback_dated") if over else "ok"
    detail = f"{fallback} of {written} entries dated by the run's date ({share:.0%})"
    return Verdict("fallback_dated", "run", level, detail)


def overall(verdicts: list[Verdict]) -> str:
    """The worst level among the verdicts."""
    return max((v.level for v in verdicts), key=LEVELS.index, default="ok")


def as_counts(verdicts: list[Verdict]) -> dict[str, Any]:
    """The verdicts as the run's `gate` counts."""
    return {
        "verdict": overall(verdicts),
        "checks": [asdict(v) for v in verdicts if v.level != "ok"],
        "passed": sorted({v.check for v in verdicts if v.level == "ok"}),
    }
