"""Event rules over sentences: PLOVER type and mode, ACLED sub-event, assertion status."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

RULES_FILE = Path(__file__).parent / "data" / "event_rules.yaml"
PLOVER_TYPES = frozenset(
    [
        "AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT", "REQUEST",
        "ACCUSE", "REJECT", "THREATEN", "PROTEST", "SANCTION", "MOBILIZE", "COERCE",
        "ASSAULT",
    ]
)
_DENIAL = re.compile(
    r"\b(denied|denies|deny|denial|rejected (?:the )?(?:claim|report)s?|dismissed (?:the )?"
    r"(?:claim|report)s?|false|fake|no evidence)\b",
    re.IGNORECASE,
)
_NEGATION = re.compile(
    r"\b(not|no|never|did not|didn't|has not|hasn't|have not|without)\b", re.IGNORECASE
)
_HEDGE = re.compile(
    r"\b(would|could|may|might|plans? to|planning to|intends? to|expected to|threaten(?:s|ed)? to|"
    r"reportedly|allegedly|purportedly|claimed|claims|unconfirmed|if|possible|proposed|"
    r"considering|weighs?|ready to|offer(?:ed)? to)\b",
    re.IGNORECASE,
)


class RuleError(ValueError):
    """The rules file is malformed."""


@dataclass(frozen=True)
class Rule:
    event_type: str
    mode: str | None
    acled: str | None
    pattern: re.Pattern[str]


@dataclass(frozen=True)
class EventHit:
    event_type: str
    mode: str | None
    acled: str | None
    assertion: str  # asserted | denied | hedged
    trigger_start: int  # offsets into the sentence
    trigger_end: int


@cache
def load_rules(path: Path = RULES_FILE) -> tuple[Rule, ...]:
    """Rules from YAML, validated: known PLOVER types, compilable triggers."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict) or not isinstance(data.get("rules"), list):
        raise RuleError(f"{path.name}: top level must be a mapping with a 'rules' list")
    return tuple(_rule(path.name, i, item) for i, item in enumerate(data["rules"]))


def _rule(filename: str, index: int, item: dict) -> Rule:
    """One validated rule."""
    where = f"{filename}: rule {index}"
    if item.get("type") not in PLOVER_TYPES:
        raise RuleError(f"{where}: field 'type': {item.get('type')!r} is not a PLOVER type")
    triggers = item.get("triggers")
    if not triggers or not all(isinstance(t, str) for t in triggers):
        raise RuleError(f"{where}: field 'triggers': must be a non-empty list of strings")
    try:
        pattern = re.compile(r"\b(?:" + "|".join(triggers) + r")\b", re.IGNORECASE)
    except re.error as exc:
        raise RuleError(f"{where}: field 'triggers': {exc}") from exc
    return Rule(item["type"], item.get("mode"), item.get("acled"), pattern)


def find_events(sentence: str, rules: tuple[Rule, ...] | None = None) -> list[EventHit]:
    """Events in one sentence, at most one per type; earlier rules claim words first."""
    hits: list[EventHit] = []
    claimed: list[tuple[int, int]] = []
    for rule in rules or load_rules():
        if any(h.event_type == rule.event_type for h in hits):
            continue
        for match in rule.pattern.finditer(sentence):
            if any(match.start() < e and s < match.end() for s, e in claimed):
                continue
            claimed.append(match.span())
            hits.append(
                EventHit(
                    rule.event_type,
                    rule.mode,
                    rule.acled,
                    assertion_of(sentence, match.start()),
                    *match.span(),
                )
            )
            break
    return hits


def assertion_of(sentence: str, trigger_start: int) -> str:
    """denied, hedged or asserted, from cues in the sentence around the trigger."""
    if _DENIAL.search(sentence):
        return "denied"
    before = sentence[max(0, trigger_start - 40) : trigger_start]
    if _NEGATION.search(before):
        return "denied"
    if _HEDGE.search(sentence[:trigger_start]) or _HEDGE.search(before):
        return "hedged"
    return "asserted"
