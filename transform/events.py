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
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import yaml

from warday.settings import package_dir
from warday.transform.text import by_first_letter, first_letters_ignorecase, folds_oddly

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
_SPEECH = by_first_letter(
    "said|says|claimed|claims|estimated|estimates|believe[sd]?|confirmed|acknowledged|noted|"
    "suggested|denied|denies|reported|announced that|told reporters".split("|")
)
# Clause boundaries: the boundary word stays with the clause it opens. Written as
# ";\s*|,\s+(?=...)|,\s+(?=...)|\s+(?=...)" with the first character matched by one class
# (each branch checks it behind), so the regex engine skips to ";", "," and spaces; a word
# after a space is tried only if it opens with a letter of the last branch's words.
_JOINING_WORDS = "but while whereas although though because if unless when after despite".split()
_HARD_BOUNDARY = re.compile(
    r"[;,\s](?:(?<=;)\s*|(?<=,)\s+(?=(?-i:(?:the\s+)?[A-Z][\w.'-]*(?:\s+[A-Z][\w.'-]*){0,2}\s+"
    r"(?:has\s+|have\s+|had\s+)?(?:[a-z]+ed|signed|sent|struck|hit|took|met|said))\b)|"
    r"(?<=,)\s+(?=(?:but|while|whereas|although|though|which|where|after which|a claim|"
    r"the claim|despite|saying|citing|as)\b)|(?<=\s)\s*(?=(?=(?-i:"
    + first_letters_ignorecase(_JOINING_WORDS)
    + r"))(?:but|while|whereas|although|though|because|if|unless|when|after which|despite)\s))",
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
    rf",[\"'\u201d\u2019]?\s+(?=[^,;]{{0,80}}?\b(?:{_SPEECH}|acknowledged|added|wrote)"
    rf"(?:\s+(?:in|on)\s+[^,;.]{{0,40}})?\s*(?:[.!?\"']*$|[.!?]\s))|,?\s+(?=according to\b)",
    re.IGNORECASE,
)
_DENIAL = re.compile(
    r"\b(?:denied|denies|deny|denial|dismissed|rejected|refused|ruled out|rules out|"
    r"ruling out|vetoed|paused|refrain\w* from|prohibit\w*|"
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
    r"accus(?:ed|es|ing)|plott(?:ing|ed)|plots?|suspected|suspicion|must|should|whether|"
    r"promis(?:ed|es) to|pledg(?:ed|es) to|vow(?:ed|s) to|ready to|aims? to|seeks? to|"
    r"wants?|wanted|hopes? to|possibility|potential|needs? to|has to|have to|to be|"
    r"threatened|threatens|threatening|"
    r"calls? (?:on|for)|calling (?:on|for)|press(?:ing|es|ed)|pushing|prepar\w+ for)\b",
    re.IGNORECASE,
)
_ANY = re.compile(r"\b(?:any|every)\s+(?:[\w-]+\s+)?$", re.IGNORECASE)
_JOINED = re.compile(r"\band\s+(?:also\s+)?$", re.IGNORECASE)
_CLAIMED_AFTER = re.compile(
    r",[\"'\u201d\u2019]?\s+[^,;]{0,80}\b(?:claimed|claims|alleged|alleges)\s*[.!?\"']*$",
    re.IGNORECASE,
)
_CONDITIONAL = re.compile(r"^\s*(?:if|unless)\b", re.IGNORECASE)
_COORDINATED_VERB = re.compile(r"\band\s+(?:also\s+)?\w+ed\b", re.IGNORECASE)
_REPORTEDLY = re.compile(r"\b(?:reportedly|allegedly)\b", re.IGNORECASE)
_COLON = re.compile(r":\s+(?=[A-Z])")
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
    requires: re.Pattern[str] | None = None
    confidence: float = 0.8
    keywords: tuple[str, ...] | None = None  # a trigger starts with one of these (None: any)
    needs: tuple[str, ...] | None = None  # every match holds one of these (None: unknown)


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
    confidence: float = 0.8


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
    unknown = set(item) - _RULE_FIELDS
    if unknown:
        raise RuleError(f"{where}: unknown field(s) {sorted(unknown)}")
    try:
        pattern = re.compile(r"\b(?:" + "|".join(triggers) + r")(?!\w)", re.IGNORECASE)
        requires = re.compile(item["requires"], re.IGNORECASE) if item.get("requires") else None
    except re.error as exc:
        raise RuleError(f"{where}: field 'triggers' or 'requires': {exc}") from exc
    confidence = item.get("confidence", 0.8)
    if (
        isinstance(confidence, bool)
        or not isinstance(confidence, int | float)
        or not 0 < confidence <= 1
    ):
        raise RuleError(f"{where}: field 'confidence': must be a number in (0, 1]")
    return Rule(
        item["type"],
        item.get("mode"),
        item.get("acled"),
        pattern,
        role,
        bool(item.get("secondary", False)),
        requires,
        float(confidence),
        _keywords(triggers),
        _needs(triggers),
    )


_LOOKBEHIND = re.compile(r"^(?:\(\?<[!=][^()]*\))+")
_LITERAL = re.compile(r"^[a-z0-9 '-]+", re.IGNORECASE)


def _keywords(triggers: list[str]) -> tuple[str, ...] | None:
    """Lower-case literal openings of the triggers: a sentence holding none of them cannot
    match the rule (None when some trigger opens with a group or class)."""
    out = []
    for trigger in triggers:
        body = _LOOKBEHIND.sub("", trigger)
        literal = _LITERAL.match(body)
        text = literal.group() if literal else ""
        if body[len(text) : len(text) + 1] in ("?", "*", "{"):
            text = text[:-1]  # the last letter is optional
        if len(text.strip()) < 3:
            return None
        out.append(text.lower())
    return tuple(sorted(set(out)))


class _Unsure(Exception):
    """A trigger uses syntax the reading of needed words does not follow."""


# Letters whose words a pattern may hold literally: a run of them is matched as written.
_RUN_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 '-")
_QUANTIFIER = re.compile(r"[?*+]|\{(\d+)(?:,\d*)?\}|\{,\d+\}")


def _needs(triggers: list[str]) -> tuple[str, ...] | None:
    """Lower-case words one of which every match of a trigger holds somewhere (None when
    some trigger is not read to the end): a sentence holding none of them cannot match.
    Only literal runs that a match must pass through count; anything unusual gives None."""
    out: set[str] = set()
    for trigger in triggers:
        try:
            needed, end = _alternatives(trigger, 0)
        except _Unsure:
            return None
        if needed is None or end != len(trigger):
            return None
        out |= needed
    return tuple(sorted(out))


def _alternatives(pattern: str, i: int) -> tuple[frozenset[str] | None, int]:
    """Needed words of the alternatives from i to an unopened ")" or the end."""
    options = []
    while True:
        needed, i = _sequence(pattern, i)
        options.append(needed)
        if pattern[i : i + 1] != "|":
            break
        i += 1
    if any(o is None for o in options):
        return None, i
    return frozenset().union(*(o for o in options if o is not None)), i


def _sequence(pattern: str, i: int) -> tuple[frozenset[str] | None, int]:
    """Needed words of one alternative: its longest literal run, or a group it must pass."""
    found: list[frozenset[str]] = []
    run = ""
    while i < len(pattern) and pattern[i] not in "|)":
        char, literal, inner = pattern[i], None, None
        if char == "\\":
            if pattern[i + 1 : i + 2] in ("", *"xuUN0123456789"):
                raise _Unsure  # escapes of several characters, references
            i += 2
        elif char == "[":
            i = _class_end(pattern, i)
        elif char == "(":
            inner, i = _group(pattern, i)
        elif char in "*+?{":
            raise _Unsure
        else:
            literal, i = char, i + 1
        quantifier = _QUANTIFIER.match(pattern, i)
        if quantifier is not None:
            literal = None  # an optional or repeated letter is no fixed run
            least = 1 if quantifier.group() == "+" else int(quantifier[1] or 0)
            inner = inner if least >= 1 else None
            i = quantifier.end() + (pattern[quantifier.end() : quantifier.end() + 1] in ("?", "+"))
        elif pattern[i : i + 1] == "{":
            raise _Unsure
        if literal is not None and literal in _RUN_CHARS:
            run += literal
            continue
        if len(run.strip()) >= 3:
            found.append(frozenset([run.strip().lower()]))
        run = ""
        if inner is not None:
            found.append(inner)
    if len(run.strip()) >= 3:
        found.append(frozenset([run.strip().lower()]))
    if not found:
        return None, i
    return max(found, key=lambda words: min(map(len, words))), i


def _class_end(pattern: str, i: int) -> int:
    """The position after a character class opened at i."""
    j = i + 1
    j += pattern[j : j + 1] == "^"
    j += pattern[j : j + 1] == "]"
    while j < len(pattern):
        if pattern[j] == "\\":
            j += 2
        elif pattern[j] == "]":
            return j + 1
        else:
            j += 1
    raise _Unsure


_GROUP_OPENING = re.compile(r"\((?:\?(?:P<\w+>|[aiLmsu]*(?:-[imsx]+)?:|[=!>]|<[=!]))?")


def _group(pattern: str, i: int) -> tuple[frozenset[str] | None, int]:
    """Needed words of a group opened at i (none for a lookaround), and the position after it."""
    opening = _GROUP_OPENING.match(pattern, i)
    if opening is None or "x" in opening.group():
        raise _Unsure  # comments, conditionals, references, verbose or global flags
    needed, end = _alternatives(pattern, opening.end())
    if pattern[end : end + 1] != ")":
        raise _Unsure
    lookaround = opening.group().endswith(("=", "!"))
    return (None if lookaround else needed), end + 1


_RULE_FIELDS = frozenset(
    ["type", "mode", "acled", "role", "triggers", "secondary", "requires", "confidence"]
)


_FRONTED = re.compile(
    r"^\W*(?:Despite|After|Before|Since|Although|Though|While|Following|Amid|Ahead of|"
    r"Hours (?:before|after)|During|Meanwhile)\b[^,;]{0,140},\s+",
    re.IGNORECASE,
)


def clauses(sentence: str) -> list[Clause]:
    """Clauses of a sentence, in order, covering it without gaps."""
    cuts: dict[int, str] = {}
    fronted = _FRONTED.match(sentence)
    if fronted:
        cuts[fronted.end()] = "hard"
    for colon in _COLON.finditer(sentence):
        cuts.setdefault(colon.end(), "hard")
    for match in _HARD_BOUNDARY.finditer(sentence):
        cuts.setdefault(match.end(), "hard")
    if not _reports(sentence):
        starts = []  # no word of speech: no report to cut at
    else:
        for match in _TRAILING_REPORT.finditer(sentence):
            cuts[match.end()] = "trailing"
        for match in _PARENTHETICAL_REPORT.finditer(sentence):
            cuts[match.end()] = "trailing"
            cuts.setdefault(match.start("rest"), "hard")
        starts = [0, *sorted(p for p, kind in cuts.items() if kind == "hard")]
    for start in starts:
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


# Every match of the report patterns holds one of these words (of _SPEECH, "added", "wrote",
# "according to").
_REPORT_WORDS = (
    *"said says claim estimate believe confirmed acknowledged noted suggested denie".split(),
    *"reported announced added wrote".split(),
    "told reporters",
    "according to",
)


def _reports(sentence: str) -> bool:
    """False only if no report pattern can match: lower-casing stands in for their
    case-insensitive words unless a letter folds oddly ("\u017f" matches "s")."""
    if folds_oddly(sentence):
        return True
    low = sentence.lower()
    return any(word in low for word in _REPORT_WORDS)


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


@dataclass(frozen=True)
class _KeywordIndex:
    rules: tuple[Rule, ...]
    by_head: dict[str, tuple[tuple[str, frozenset[int]], ...]]  # first 3 letters -> keywords
    always: frozenset[int]  # rules without keywords


_INDEXES: dict[int, _KeywordIndex] = {}


def _keyword_index(rules: tuple[Rule, ...]) -> _KeywordIndex:
    """The keyword index of a rule set, built once."""
    index = _INDEXES.get(id(rules))
    if index is not None and index.rules is rules:
        return index
    owners: dict[str, set[int]] = {}
    for i, rule in enumerate(rules):
        for word in rule.keywords or ():
            owners.setdefault(word, set()).add(i)
    by_head: dict[str, list[tuple[str, frozenset[int]]]] = {}
    for word, rule_ids in owners.items():
        by_head.setdefault(word[:3], []).append((word, frozenset(rule_ids)))
    always = frozenset(i for i, r in enumerate(rules) if r.keywords is None)
    heads = {head: tuple(words) for head, words in by_head.items()}
    index = _KeywordIndex(rules, heads, always)
    _INDEXES[id(rules)] = index
    return index


def _candidates(sentence: str, rules: tuple[Rule, ...]) -> list[tuple[Rule, list[int] | None]]:
    """The rules whose keywords open a word of the sentence, in rule order, each with the
    positions where its keywords open one (None for a rule without keywords). A prefilter:
    one pass over word starts and a dictionary of keyword heads instead of every rule's
    pattern; triggers begin at a word boundary, so a keyword can only open a word."""
    index = _keyword_index(rules)
    low = sentence.lower()
    # A rule without keywords still needs one of its words somewhere; lower-casing stands in
    # for the case-insensitive match unless a letter folds oddly ("ſ" matches "s").
    plain = not folds_oddly(sentence)
    always = {
        i
        for i in index.always
        if not plain or rules[i].needs is None or any(w in low for w in rules[i].needs or ())
    }
    at: dict[int, set[int]] = {}
    for word_match in _WORD_RUN.finditer(low):
        start = word_match.start()
        for word, rule_ids in index.by_head.get(low[start : start + 3], ()):
            if low.startswith(word, start):
                for i in rule_ids:
                    at.setdefault(i, set()).add(start)
    exact = len(low) == len(sentence)  # lower-casing kept every position where it was
    return [
        (rules[i], sorted(at[i]) if exact and i in at else None)  # `always` rules have none
        for i in sorted(always | set(at))
    ]


def _triggers(rule: Rule, sentence: str, starts: list[int] | None) -> Iterator[re.Match[str]]:
    """The rule's pattern's matches in the sentence, as finditer gives them; with the
    positions where its keywords open a word, tried only there (every match begins at one)."""
    if starts is None:
        yield from rule.pattern.finditer(sentence)
        return
    end = 0
    for start in starts:
        if start >= end and (match := rule.pattern.match(sentence, start)) is not None:
            yield match
            end = match.end()


# Runs of word characters: each opens where a word does (at \b\w), one match per word
# instead of a try at every position.
_WORD_RUN = re.compile(r"\w+")


def find_events(
    sentence: str,
    rules: tuple[Rule, ...] | None = None,
    blocked: tuple[tuple[int, int], ...] = (),
    spans: list[Clause] | None = None,
) -> list[EventHit]:
    """Events in one sentence, in order of their first trigger.

    ``blocked`` spans (names of actors and places, such as "3rd Assault Brigade") hold no
    triggers; ``spans`` are the sentence's clauses when the caller has them already.  A
    keyword prefilter picks the rules that can fire; a sentence with none costs no clauses.
    """
    return events_and_clauses(sentence, rules, blocked, spans)[0]


def events_and_clauses(
    sentence: str,
    rules: tuple[Rule, ...] | None = None,
    blocked: tuple[tuple[int, int], ...] = (),
    spans: list[Clause] | None = None,
) -> tuple[list[EventHit], list[Clause] | None]:
    """find_events, and the clauses it read (None if no rule could fire and it read none):
    a caller that needs the clauses only for the events found need not split every
    sentence."""
    candidates = _candidates(sentence, rules or load_rules())
    if not any(r.role != "cue" for r, _ in candidates):
        return [], spans
    spans = spans if spans is not None else clauses(sentence)
    claimed: list[tuple[int, int]] = list(blocked)
    found: list[_Found] = []
    cues: list[_Found] = []
    for rule, starts in candidates:
        if rule.requires is not None and not rule.requires.search(sentence):
            continue
        for match in _triggers(rule, sentence, starts):
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
    events = _resolve_verbs(sentence, found, cues, claimed)
    events = _drop_secondary(events)
    return _merge(sentence, spans, events), spans


def _resolve_verbs(
    sentence: str, found: list[_Found], cues: list[_Found], claimed: list[tuple[int, int]]
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
        if (
            not mine
            and kind == "AID"
            and not sentence[verb.start : verb.end].lower().startswith("aid")
        ):
            continue  # "supplied", "provided" with nothing military or financial named
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
    """Drop consequence triggers when another event of the type names the cause, and an
    untyped attack verb ("21 of them hit targets") beside a typed attack of the sentence."""
    return [
        f
        for f in events
        if not (f.rule.secondary or (f.rule.role == "verb" and f.mode is None))
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
        assertion = _assertion(sentence, spans, index, first.start, first.end)
        hits.append(
            EventHit(
                kind,
                mode,
                acled,
                assertion,
                first.start,
                first.end,
                clause.start,
                clause.end,
                tuple(scope),
                _confidence(members, assertion),
            )
        )
    return sorted(hits, key=lambda h: h.trigger_start)


def _confidence(members: list[_Found], assertion: str) -> float:
    """How sure the tag is: the rule's own rate, less for a verb whose weapon or means is
    unnamed, less again when the event is only claimed, planned or denied."""
    best = max(m.rule.confidence for m in members)
    if all(m.rule.role == "verb" and m.mode is None for m in members):
        best -= 0.2
    if assertion != "asserted":
        best -= 0.1
    return round(max(best, 0.1), 2)


@cache
def outside_this_war(path: Path = RULES_FILE) -> frozenset[str]:
    """Countries and sides of other wars: a sentence naming only them carries no event."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    names = data.get("outside_this_war") or []
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
        raise RuleError(f"{path.name}: 'outside_this_war' must be a list of names")
    return frozenset(names)


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
    if _JOINED.search(window) and sentence[trigger_start:trigger_end].endswith("ed"):
        window = ""  # "denied X and called for Y": the call is not denied
    near = window[-_NEGATION_REACH:]
    if (
        _DENIAL.search(window)
        or _NEGATION.search(near)
        or _LATER_DENIAL.search(sentence, trigger_end)
    ):
        return "denied"
    if _HEDGE.search(window) or _LATER_DOUBT.search(sentence, trigger_end):
        return "hedged"
    if _CLAIMED_AFTER.search(sentence, trigger_end):
        return "hedged"  # "..., Russian-installed officials claimed"
    if _ANY.search(window):
        return "hedged"  # "any strike against civilians": no particular event
    trigger = sentence[trigger_start:trigger_end]
    if not trigger.endswith("ed") and _MODAL_AFTER.match(sentence, trigger_end, scope_end):
        return "hedged"
    if _REPORTEDLY.search(sentence[trigger_end:scope_end]):
        return "hedged"
    return "asserted"
