"""Event rules over sentences: PLOVER type and mode, ACLED sub-event, assertion status.

A sentence is cut into clauses (at "but", "while", "if", ";", a reporting frame such as
"X said" or ", officials said", ...).  Rules from ``data/event_rules.yaml`` then find
triggers.  Three roles of rule exist: an *event* trigger is an event with its own mode
("shelled", "captured"); a *verb* ("attacked", "delivered") is an event whose mode comes
from the nearest *cue* of its type in the clause ("... with Shahed drones"); a cue alone
is no event ("Britain delivered missiles" is aid, not an attack).  Events of the same type
and mode within one clause are merged.  Each event's assertion (asserted, denied, hedged)
comes from cues in its scope: its clause and the reporting frame in front of it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import yaml

from warday.settings import package_dir

# Shipped inside the package (importlib.resources), so an installed wheel finds it too.
RULES_FILE = package_dir("transform", "data") / "event_rules.yaml"
PLOVER_TYPES = frozenset(
    [
        "AGREE",
        "CONSULT",
        "SUPPORT",
        "CONCEDE",
        "COOPERATE",
        "AID",
        "RETREAT",
        "REQUEST",
        "ACCUSE",
        "REJECT",
        "THREATEN",
        "PROTEST",
        "SANCTION",
        "MOBILIZE",
        "COERCE",
        "ASSAULT",
    ]
)
ROLES = frozenset(["event", "verb", "cue"])

# Words that report speech; "X said ..." frames the clause that follows.
_SPEECH = (
    r"said|says|claimed|claims|estimated|estimates|believe[sd]?|confirmed|acknowledged|"
    r"suggested|denied|denies|reported|announced that|told reporters"
)
# Clause boundaries: the boundary word stays with the clause it opens.
_HARD_BOUNDARY = re.compile(
    r";\s*|,\s+(?=(?:but|while|whereas|although|though|which|where|after which|a claim|"
    r"the claim|despite|saying|citing|as)\b)|\s+(?=(?:but|while|whereas|although|though|"
    r"because|if|unless|when|after which|despite)\s)",
    re.IGNORECASE,
)
_LEADING_REPORT = re.compile(
    rf"\b(?:{_SPEECH})(?:\s+(?:for the first time|publicly|again|earlier|on \w+day))?\s+"
    rf"(?:that\s+)?(?!(?:on|in|at|to|by|for|with|after|during|earlier|late|last|this)\b)"
    rf"(?=[\w\"'])",
    re.IGNORECASE,
)
_PARENTHETICAL_REPORT = re.compile(
    r",\s+(?=[^,;]{0,60}?\b(?:said|says|added)\s*,\s*(?P<rest>))", re.IGNORECASE
)
_TRAILING_REPORT = re.compile(
    rf",\s+(?=[^,;]{{0,80}}?\b(?:{_SPEECH}|acknowledged)\s*[.!?\"']*$)|,?\s+(?=according to\b)",
    re.IGNORECASE,
)
_DENIAL = re.compile(
    r"\b(?:denied|denies|deny|denial|dismissed|rejected|refused|ruled out|vetoed|paused|"
    r"suspended|halted|stopped|froze|violat\w+|false|fabrication|no evidence)\b",
    re.IGNORECASE,
)
_NOT_YET = re.compile(r"\b(?:not yet|yet to|no date)\b", re.IGNORECASE)
_MODAL_AFTER = re.compile(r"[^,;]{0,40}?\b(?:would|could|may|might|will)\b", re.IGNORECASE)
_NEGATION = re.compile(r"\b(?:not|never|no|without|failed to|cannot|n't)\b|n't\b", re.IGNORECASE)
_LATER_DENIAL = re.compile(
    r",\s+(?:a claim|the claim|claims|which)\b[^.;]{0,50}?\b(?:denied|rejected|dismissed)\b",
    re.IGNORECASE,
)
_LATER_DOUBT = re.compile(
    r"\b(?:could not be (?:independently )?(?:verified|confirmed)|did not confirm|"
    r"not (?:been )?(?:independently )?(?:verified|confirmed)|unverified)\b",
    re.IGNORECASE,
)
_HEDGE = re.compile(
    r"\b(?:would|could|may|might|will|plans? to|planning|plans|intends? to|expected to|"
    r"threaten(?:s|ed)? to|vowed to|reportedly|allegedly|purportedly|claimed|claims?|"
    r"unconfirmed|possible|proposed|proposals?|propose|offer(?:ed|s)?|ready (?:to|for)|"
    r"prepared to|considering|weighs?|if|unless|suggested|to discuss|demand(?:ed|s|ing)?|"
    r"urged|called (?:on|for)|asked|insisted|agreed (?:in \w+ )?to (?!a |an |the )\w+|"
    r"accus(?:ed|es|ing)|plott(?:ing|ed)|plots?|suspected|suspicion)\b",
    re.IGNORECASE,
)
_CONDITIONAL = re.compile(r"^\s*(?:if|unless)\b", re.IGNORECASE)
_COORDINATED_VERB = re.compile(r"\band\s+(?:also\s+)?\w+ed\b", re.IGNORECASE)
_NEGATION_REACH = 36  # characters before a trigger that a "not" still governs


class RuleError(ValueError):
    """The rules file is malformed."""


@dataclass(frozen=True)
class Rule:
    event_type: str
    mode: str | None
    acled: str | None
    pattern: re.Pattern[str]
    role: str = "event"
    secondary: bool = False


@dataclass(frozen=True)
class Clause:
    start: int
    end: int
    framed: bool = False  # opened by a leading "X said ..." frame
    reporting: bool = False  # the frame itself, or a trailing ", X said" / "according to X"


@dataclass(frozen=True)
class EventHit:
    event_type: str
    mode: str | None
    acled: str | None
    assertion: str  # asserted | denied | hedged
    trigger_start: int  # offsets into the sentence
    trigger_end: int
    clause_start: int = 0
    clause_end: int = 0
    scope: tuple[tuple[int, int], ...] = field(default=())  # spans whose places locate it


@dataclass
class _Found:
    rule: Rule
    start: int
    end: int
    mode: str | None
    acled: str | None
    clause: int
    segments: set[int] = field(default_factory=set)


@cache
def load_rules(path: Path = RULES_FILE) -> tuple[Rule, ...]:
    """Rules from YAML, validated: known PLOVER types and roles, compilable triggers."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict) or not isinstance(data.get("rules"), list):
        raise RuleError(f"{path.name}: top level must be a mapping with a 'rules' list")
    return tuple(_rule(path.name, i, item) for i, item in enumerate(data["rules"]))


def _rule(filename: str, index: int, item: dict) -> Rule:
    """One validated rule."""
    where = f"{filename}: rule {index}"
    if item.get("type") not in PLOVER_TYPES:
        raise RuleError(f"{where}: field 'type': {item.get('type')!r} is not a PLOVER type")
    role = item.get("role", "event")
    if role not in ROLES:
        raise RuleError(f"{where}: field 'role': {role!r} is not one of {sorted(ROLES)}")
    triggers = item.get("triggers")
    if not triggers or not all(isinstance(t, str) for t in triggers):
        raise RuleError(f"{where}: field 'triggers': must be a non-empty list of strings")
    try:
        pattern = re.compile(r"\b(?:" + "|".join(triggers) + r")(?!\w)", re.IGNORECASE)
    except re.error as exc:
        raise RuleError(f"{where}: field 'triggers': {exc}") from exc
    return Rule(
        item["type"],
        item.get("mode"),
        item.get("acled"),
        pattern,
        role,
        bool(item.get("secondary", False)),
    )


def clauses(sentence: str) -> list[Clause]:
    """Clauses of a sentence, in order, covering it without gaps."""
    cuts: dict[int, str] = {}
    for match in _HARD_BOUNDARY.finditer(sentence):
        cuts.setdefault(match.end(), "hard")
    for match in _TRAILING_REPORT.finditer(sentence):
        cuts[match.end()] = "trailing"
    for match in _PARENTHETICAL_REPORT.finditer(sentence):
        cuts[match.end()] = "trailing"
        cuts.setdefault(match.start("rest"), "hard")
    for start in [0, *sorted(p for p, kind in cuts.items() if kind == "hard")]:
        lead = _LEADING_REPORT.search(sentence, start)
        near = lead is not None and lead.start() - start < (90 if start == 0 else 50)
        if lead and near and not any(start < c < lead.start() for c in cuts):
            cuts[lead.end()] = "leading"
    positions = sorted(p for p in cuts if 0 < p < len(sentence))
    out: list[Clause] = []
    start, framed = 0, False
    for pos in positions:
        kind = cuts[pos]
        out.append(Clause(start, pos, framed, reporting=kind == "leading"))
        start, framed = pos, kind == "leading"
    out.append(Clause(start, len(sentence), framed, reporting=_is_trailing(cuts, start)))
    return out


def _is_trailing(cuts: dict[int, str], start: int) -> bool:
    """True if the clause at start is a trailing report."""
    return cuts.get(start) == "trailing"


def _clause_of(spans: list[Clause], pos: int) -> int:
    """Index of the clause holding a position."""
    for i, clause in enumerate(spans):
        if clause.start <= pos < clause.end:
            return i
    return len(spans) - 1


def _scope(
    events: list[_Found], clause: Clause, index: int, members: list[_Found]
) -> list[tuple[int, int]]:
    """Where the places of an event are named: from each of its triggers up to the next
    trigger of another type or mode in the clause (from the clause start for the first)."""
    others = sorted(
        f.start
        for f in events
        if f.clause == index
        and all(
            f is not m and (f.rule.event_type, f.mode) != (m.rule.event_type, m.mode)
            for m in members
        )
    )
    first_in_clause = min(f.start for f in events if f.clause == index)
    scope = []
    for member in members:
        start = clause.start if member.start == first_in_clause else member.start
        end = next((o for o in others if o > member.start), clause.end)
        scope.append((start, end))
    return sorted(set(scope))


def find_events(
    sentence: str,
    rules: tuple[Rule, ...] | None = None,
    blocked: tuple[tuple[int, int], ...] = (),
) -> list[EventHit]:
    """Events in one sentence, in order of their first trigger.

    ``blocked`` spans (names of actors and places, such as "3rd Assault Brigade") hold no
    triggers.
    """
    spans = clauses(sentence)
    claimed: list[tuple[int, int]] = list(blocked)
    found: list[_Found] = []
    cues: list[_Found] = []
    for rule in rules or load_rules():
        for match in rule.pattern.finditer(sentence):
            start, end = match.span()
            item = _Found(rule, start, end, rule.mode, rule.acled, _clause_of(spans, start))
            if rule.role == "cue":
                if not any(start < e and s < end for s, e in blocked):
                    cues.append(item)
                continue
            if any(start < e and s < end for s, e in claimed):
                continue
            claimed.append((start, end))
            found.append(item)
    events = _resolve_verbs(found, cues, claimed)
    events = _drop_secondary(events)
    return _merge(sentence, spans, events)


def _resolve_verbs(
    found: list[_Found], cues: list[_Found], claimed: list[tuple[int, int]]
) -> list[_Found]:
    """Give verbs their modes from cues; a verb without a cue beside modal events is dropped."""
    free = [c for c in cues if not any(c.start < e and s < c.end for s, e in claimed)]
    verbs = [f for f in found if f.rule.role == "verb"]
    out = [f for f in found if f.rule.role == "event"]
    attached: dict[int, list[_Found]] = {id(v): [] for v in verbs}
    for cue in free:
        same = [
            v for v in verbs if v.rule.event_type == cue.rule.event_type and v.clause == cue.clause
        ]
        if same:
            nearest = min(same, key=lambda v: _distance(v, cue))
            attached[id(nearest)].append(cue)
    used = {id(c) for group in attached.values() for c in group}
    for verb in verbs:
        kind = verb.rule.event_type
        mine = attached[id(verb)]
        if not mine and (
            any(f.rule.event_type == kind and f.clause == verb.clause and f.mode for f in out)
            or any(
                attached[id(v)]
                for v in verbs
                if v.clause == verb.clause and v is not verb and v.rule.event_type == kind
            )
        ):
            continue
        if not mine:
            pool = [c for c in free if c.rule.event_type == kind and id(c) not in used]
            mine = [min(pool, key=lambda c: _distance(verb, c))] if pool else []
        if not mine:
            out.append(verb)
            continue
        if verb.rule.role == "verb" and kind != "ASSAULT":
            mine = [min(mine, key=lambda c: cues.index(c))]  # the first-listed cue rule wins
        for cue in mine:
            out.append(_Found(verb.rule, verb.start, verb.end, cue.mode, cue.acled, verb.clause))
    return sorted(out, key=lambda f: f.start)


def _distance(a: _Found, b: _Found) -> int:
    """Characters between two spans."""
    return max(b.start - a.end, a.start - b.end, 0)


def _drop_secondary(events: list[_Found]) -> list[_Found]:
    """Drop consequence triggers when another event of the type names the cause."""
    return [
        f
        for f in events
        if not f.rule.secondary
        or not any(
            g.rule.event_type == f.rule.event_type and g.mode != f.mode and not g.rule.secondary
            for g in events
        )
    ]


def _merge(sentence: str, spans: list[Clause], events: list[_Found]) -> list[EventHit]:
    """One hit per type and mode per clause, with assertion and place scope."""
    groups: dict[tuple[int, str, str | None], list[_Found]] = {}
    for f in events:
        groups.setdefault((f.clause, f.rule.event_type, f.mode), []).append(f)
    hits = []
    for (index, kind, mode), members in groups.items():
        first = members[0]
        clause = spans[index]
        scope = _scope(events, clause, index, members)
        acled = next((m.acled for m in members if m.acled), None)
        hits.append(
            EventHit(
                kind,
                mode,
                acled,
                _assertion(sentence, spans, index, first.start, first.end),
                first.start,
                first.end,
                clause.start,
                clause.end,
                tuple(scope),
            )
        )
    return sorted(hits, key=lambda h: h.trigger_start)


def _assertion(sentence: str, spans: list[Clause], index: int, start: int, end: int) -> str:
    """Assertion of the event whose trigger is at start..end in clause ``index``."""
    clause = spans[index]
    scope_start = spans[index - 1].start if clause.framed and index else clause.start
    return assertion_of(sentence, start, scope_start, clause.end, end)


def assertion_of(
    sentence: str,
    trigger_start: int,
    scope_start: int = 0,
    scope_end: int | None = None,
    trigger_end: int | None = None,
) -> str:
    """denied, hedged or asserted, from cues in the scope around a trigger."""
    scope_end = len(sentence) if scope_end is None else scope_end
    trigger_end = trigger_start if trigger_end is None else trigger_end
    window = sentence[scope_start:trigger_start]
    if _CONDITIONAL.match(window) or _NOT_YET.search(window):
        return "hedged"
    coordinated = list(_COORDINATED_VERB.finditer(window))
    if coordinated:
        window = window[coordinated[-1].end() :]
    near = window[-_NEGATION_REACH:]
    if (
        _DENIAL.search(window)
        or _NEGATION.search(near)
        or _LATER_DENIAL.search(sentence, trigger_end)
    ):
        return "denied"
    if _HEDGE.search(window) or _LATER_DOUBT.search(sentence, trigger_end):
        return "hedged"
    trigger = sentence[trigger_start:trigger_end]
    if not trigger.endswith("ed") and _MODAL_AFTER.match(sentence, trigger_end, scope_end):
        return "hedged"
    if re.search(r"\b(?:reportedly|allegedly)\b", sentence[trigger_end:scope_end], re.IGNORECASE):
        return "hedged"
    return "asserted"
