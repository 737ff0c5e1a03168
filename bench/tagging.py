"""Tagging benchmark: ``transform.tagging.tag`` against a hand-annotated gold set.

Usage::

    python -m bench.tagging [--gold FILE ...] [--errors]

Each FILE is JSON Lines (default ``tests/gold/tagging.jsonl`` and
``tests/gold/real_syntax.jsonl``), one dispatch-style sentence per line: ``{"id", "text",
"events": [{"type", "mode", "acled", "assertion", "actors", "recipients", "places"}],
"actors": [...], "places": [...], "figures": [{"kind", "low", "high", "qualifier",
"subject"}], "fields": [...]}``; ``fields`` (optional) names the fields a record annotates,
and only those are scored for it.  The sentences were written for this benchmark and
annotated by hand from the conventions below, not from the tagger's output.  Ids ``s001``-
``s231`` are the development set (written first, then used to shape the rules); ids
``h001``-``h040`` are a held-out set written and annotated after the rule work and never
used to change a rule, so its scores are the honest estimate for unseen text.

``real_syntax.jsonl`` holds 313 more sentences written in the syntax of real wire and
newspaper reporting (numbers apart from their nouns, titles and appositions, bodies named
by their form, GeoNames towns, threats and plans next to acts, other wars' news): ids
``r001``-``r210`` are its development part, ``b001``-``b090`` its blind part, written after
the rule work of tagger ``rules-4`` and never used to change a rule; ``r211``-``r215`` and
the blind ``c001``-``c008`` (written before tagger ``rules-5`` was run on them) test that
proposals, needs, natural hazards, background participles and civil mobilisation are no
acts.  Its records annotate
actors, places, figures (kind, low, high) and event types, modes, ACLED types and
assertions; roles are left to the first file.  Canonical names of people and bodies that
no list holds are the names as written.

``tests/gold/realtext_review.json`` judges by hand the tags the tagger puts on the real
development set (``../shared/realtext``): every event tag, discovered actor, GeoNames
place and figure, each ``right`` or ``wrong`` with why; ``score.py EXPORT labels.json
--review tests/gold/realtext_review.json`` prints the share judged right.

Annotation conventions
----------------------

Names.  Actors and places are the gazetteer's canonical names (``transform/data``).  Only
named mentions count: "Russian forces" / "Russian troops" is ``Russian Armed Forces``,
"Ukraine's military" is ``Armed Forces of Ukraine``, "North Korean troops" is ``Korean
People's Army``, but a bare nationality adjective ("Russian drones", "a Ukrainian
attack") names no actor.  A capital standing for its government ("Moscow said",
"Kyiv's forces", "claims by Moscow", "support for Kyiv", "weapons to Kyiv") is the state and
not a place; "in Kyiv", "travelled to Kyiv", "a strike on Kyiv" is the place.  A country
name is a place when it follows a locative preposition (in, into, inside, across,
throughout, within, over, near, out of), is the goal or source of a movement ("troops to
Russia", "withdraw from Ukraine") or is a possessive in front of a place ("Russia's Kursk
region"); anywhere else ("Russia launched", "aid to Ukraine", "sanctions against Russia")
it is an actor.  A body named after its seat
(White House, Kremlin, Elysee Palace) after "at the" / "in the" is a location and neither.
Sentence-level ``actors`` and ``places`` are the distinct names mentioned in the sentence.

Events.  One event per distinct happening named by a trigger (verb or event noun); a
sentence may carry several, also of the same type ("a drone and missile attack" is two
ASSAULTs, drone and aerial).  Reporting ("X said") is not an event, but acts of speech are:
accusing and condemning (ACCUSE), demanding, urging and calling for (REQUEST), warning and
threatening (THREATEN), rejecting, vetoing and ruling out (REJECT), praising, thanking,
welcoming and backing (SUPPORT).  The content of a demand, threat, plan or proposal is an
event of its own when it names an action with a trigger ("demanded that Ukraine withdraw"
is REQUEST + RETREAT/withdraw, hedged).  Interceptions by air defence alone, and times
("since the invasion"), are not events.  A denial is not an event: it marks the denied
event.  Types are PLOVER; modes and ACLED sub-event types:

* ASSAULT drone - Air/drone strike (drones, Shaheds, naval drones);
* ASSAULT aerial - Air/drone strike for glide bombs, air strikes and bombing; aerial -
  Shelling/artillery/missile attack for missiles (ballistic, cruise, Iskander, Kinzhal);
* ASSAULT heavy-weapons - Shelling/artillery/missile attack (shelling, artillery, MLRS,
  HIMARS);
* ASSAULT firearms - Armed clash (fighting, assaults, capturing ground) or Government
  regains territory (retaking, liberating);
* ASSAULT explosives - Remote explosive/landmine/IED (explosions, sabotage, car bombs, mines);
* ASSAULT with no mode and no ACLED type when the weapon is not named ("Russian strikes");
* RETREAT ceasefire (truce, ceasefire, halt to strikes) and RETREAT withdraw;
* MOBILIZE troops (deploying, sending, recruiting, mobilising) and MOBILIZE weapons;
* AID military / economic; COERCE arrest / deport / seize; CONCEDE release (prisoner
  exchanges, returns); other types carry no mode.

Assertion.  ``denied`` when the event is negated ("did not", "have not", "will not"),
denied by someone, rejected, ruled out or dismissed; ``hedged`` when it is only claimed,
reported ("reportedly", "allegedly"), possible ("could", "may", "might"), planned,
expected, proposed, offered, threatened, demanded or not yet agreed; else ``asserted``.
"X said" is asserted; "X claimed" is hedged.

Roles.  Actors do the event, recipients undergo or receive it: the subject before the
trigger acts; the object after it ("met X", "accused X", "aid to X", "sanctions against
X", "strikes on X") receives it; a "by X" passive agent acts; "X and Y met", "talks between
X and Y" and "X and Y agreed" make both actors.  The speaker of "X said" is not a role of
the reported event, unless the report's subject is the speaker itself ("the ministry said
its forces captured ...").  Event places are the places named in the event's clause.

Figures. A definite number (digits or number words, "a dozen") counting people, weapons,
equipment or money; "dozens/hundreds/thousands/tens of thousands/hundreds of thousands of"
count with qualifier ``vague``, a lower bound only (low 24/200/2000/20000/ 200000, high
and value null): "dozens" is at least 24, never exactly 24. Kinds: killed, wounded,
killed_or_wounded (casualties, losses), captured (taken prisoner), prisoners (exchanged or
released), arrested, deported, displaced (displaced, evacuated), troops (deployed,
recruited, army size), drones, missiles, bombs (glide/aerial bombs), drones_shot_down,
missiles_shot_down, equipment (tanks, vehicles, artillery systems, jets, bombers, air
defence systems), money (low/high in currency units). The kind follows the thing counted
even when it is elided ("14 hit targets" after drones). Counts of settlements, attacks,
days, kilometres, years, ages and percentages are not figures. ``subject`` is the person
noun written with the number, with its capitalised modifiers ("Russian soldiers",
"children"); none for weapons and money.

Scoring
-------

Every field is scored as a multiset of items; an item is ``(sentence id, value)``, and
precision, recall and F1 are micro-averaged over all sentences.  Sentence fields:
``actors`` and ``places`` (distinct names per sentence), ``figures`` (kind, low, high) and
``figure_subject`` (kind, low, high, subject; figures with a subject only).  Event fields
are aligned on event type rather than on individual events: ``event_type`` counts
(sentence, type); ``event_mode``, ``acled`` and ``assertion`` count (sentence, type, value)
for every event with a value; ``event_actors``, ``event_recipients`` and ``event_places``
count (sentence, type, name) for every name of every event.  So two gold ASSAULTs by Russia
and one predicted ASSAULT by Russia give one true positive and one false negative on
``event_actors``.  The overall F1 pools the counts of all fields.

Results (same gold file, before and after the rule work)
--------------------------------------------------------

Before: tagger ``rules-1`` (one event per type per sentence, roles by word order only,
every place in the sentence on every event, figures by the nearest kind word), all 271
sentences, overall F1 0.699::

    field                   P      R     F1    tp    fp    fn
    event_type          0.939  0.715  0.812   246    16    98
    event_mode          0.821  0.674  0.740   128    28    62
    acled               0.764  0.716  0.739    68    21    27
    assertion           0.794  0.605  0.686   208    54   136
    event_actors        0.649  0.656  0.653   185   100    97
    event_recipients    0.385  0.626  0.477    57    91    34
    event_places        0.332  0.738  0.458   121   243    43
    actors              0.970  0.974  0.972   418    13    11
    places              0.443  0.994  0.613   170   214     1
    figures             0.625  0.450  0.524    50    30    61
    figure_subject      0.432  0.296  0.352    16    21    38
    overall             0.667  0.733  0.699  1667   831   608

After: tagger ``rules-2`` (``rules-3`` only narrows "released"; same scores), all 271
sentences, overall F1 0.950::

    field                   P      R     F1    tp    fp    fn
    event_type          0.982  0.951  0.966   327     6    17
    event_mode          0.973  0.953  0.963   181     5     9
    acled               0.957  0.947  0.952    90     4     5
    assertion           0.952  0.922  0.936   317    16    27
    event_actors        0.889  0.911  0.900   257    32    25
    event_recipients    0.755  0.846  0.798    77    25    14
    event_places        0.948  0.890  0.918   146     8    18
    actors              0.998  0.991  0.994   425     1     4
    places              0.977  0.994  0.986   170     4     1
    figures             0.991  0.964  0.977   107     1     4
    figure_subject      1.000  1.000  1.000    54     0     0
    overall             0.955  0.945  0.950  2151   102   124

Held-out only (40 sentences; before: overall F1 0.626, figures 0.333, event_type 0.761)::

    field                   P      R     F1    tp    fp    fn
    event_type          0.955  0.778  0.857    42     2    12
    event_mode          1.000  0.774  0.873    24     0     7
    acled               1.000  0.769  0.870    10     0     3
    assertion           0.909  0.741  0.816    40     4    14
    event_actors        0.853  0.707  0.773    29     5    12
    event_recipients    0.615  0.615  0.615     8     5     5
    event_places        0.895  0.680  0.773    17     2     8
    actors              0.986  1.000  0.993    68     1     0
    places              1.000  0.957  0.978    22     0     1
    figures             1.000  0.842  0.914    16     0     3
    figure_subject      1.000  1.000  1.000     9     0     0
    overall             0.938  0.814  0.872   285    19    65

After: tagger ``rules-4`` (GeoNames settlements, discovered actors, figures from real
syntax, precision-first events), measured on both files together, 571 sentences; before is
``rules-3`` (commit f774b9f) on the same files::

    field              before F1   after F1
    event_type             0.935      0.927
    event_mode             0.919      0.933
    acled                  0.916      0.938
    assertion              0.885      0.890
    event_actors           0.900      0.880
    event_recipients       0.798      0.781
    event_places           0.918      0.893
    actors                 0.966      0.988
    places                 0.921      0.979
    figures                0.865      0.949
    figure_subject         0.963      1.000
    overall                0.916      0.931

Event precision rose (event_type P 0.957 -> 0.981) at the cost of recall: plans, topics
and nouns ("a possible summit", "deadlines for an agreement") are no longer events. On the
real-syntax blind part (90 sentences, never used to tune) overall F1 went from 0.859 to
0.893 when it was first scored: actors 0.936 -> 0.973, places 0.907 -> 0.975, figures
0.831 -> 0.848, event_type 0.857 -> 0.868. One rule added afterwards for a shape seen in
real reporting ("the governor of the X region, NAME, said") also mends one blind miss
(overall 0.896 now); no other rule change followed a blind error. The older held-out part
(h*) fell from 0.865 to 0.854 overall, from event recall. While adjudicating the
real-syntax errors, gold labels that broke the conventions above were corrected (never to
match the tagger where the convention disagreed): possessive countries and capitals in
government slots added as actors ("Ukraine's Interior Minister", "against Moscow"),
canonical spellings of listed names ("Radosław Sikorski", GeoNames' "Nizhniy Novgorod",
"L'gov"), a place inside a court's name removed, a conditional "did not agree" made
hedged, references to a strike added as events.

The development scores (overall 0.963) are optimistic: the rules were written while looking
at those sentences' errors.  The held-out F1 of 0.872 is the figure to quote.  While
adjudicating errors, a few gold labels that contradicted the conventions above were
corrected (never to match the tagger where the convention disagreed): named aliases such as
"Russian soldiers" added as actors, one "talks between" pair made actors, a subject
"contract soldiers" cut to "soldiers", two missing clause places, one missing hedged event
inside an accusation, one "agreed to expand" made hedged, one object country ("secure
Ukraine") made an actor, one dismissed ceasefire marked denied.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from collections.abc import Iterable
from decimal import Decimal
from pathlib import Path
from typing import Any

from warday.transform.gazetteer import Gazetteer
from warday.transform.tagging import Tags, tag

REPO = Path(__file__).resolve().parent.parent
DEFAULT_GOLD = REPO / "tests" / "gold" / "tagging.jsonl"
REAL_GOLD = REPO / "tests" / "gold" / "real_syntax.jsonl"
GOLD_FILES = (DEFAULT_GOLD, REAL_GOLD)
SUBSETS = (
    ("development", "s"),
    ("held-out", "h"),
    ("real-syntax development", "r"),
    ("real-syntax blind", "b"),
    ("precision blind", "c"),
)
FIELDS = (
    "event_type",
    "event_mode",
    "acled",
    "assertion",
    "event_actors",
    "event_recipients",
    "event_places",
    "actors",
    "places",
    "figures",
    "figure_subject",
)

Item = tuple[Any, ...]
Items = dict[str, Counter[Item]]


def load_gold(path: Path) -> list[dict[str, Any]]:
    """Gold records, one per non-blank line."""
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def _number(value: object) -> Decimal | None:
    """A comparable number: 5, 5.0 and Decimal('5') are the same item."""
    return None if value is None else Decimal(str(value)).normalize()


def _items(
    sid: str,
    events: Iterable[dict[str, Any]],
    actors: Iterable[str],
    places: Iterable[str],
    figures: Iterable[dict[str, Any]],
) -> Items:
    """Scoring items of one sentence, from plain dicts."""
    out: Items = {name: Counter() for name in FIELDS}
    for ev in events:
        kind = ev["type"]
        out["event_type"][(sid, kind)] += 1
        for field, key in (("event_mode", "mode"), ("acled", "acled"), ("assertion", "assertion")):
            if ev.get(key):
                out[field][(sid, kind, ev[key])] += 1
        for field, key in (
            ("event_actors", "actors"),
            ("event_recipients", "recipients"),
            ("event_places", "places"),
        ):
            for name in ev.get(key) or ():
                out[field][(sid, kind, name)] += 1
    out["actors"].update((sid, name) for name in set(actors))
    out["places"].update((sid, name) for name in set(places))
    for fig in figures:
        item: Item = (sid, fig["kind"], _number(fig["low"]), _number(fig["high"]))
        out["figures"][item] += 1
        if fig.get("subject"):
            out["figure_subject"][(*item, fig["subject"])] += 1
    return out


def gold_items(record: dict[str, Any]) -> Items:
    """Scoring items of a gold record."""
    return _items(
        record["id"], record["events"], record["actors"], record["places"], record["figures"]
    )


def predicted_items(sid: str, tags: Tags) -> Items:
    """Scoring items of the tagger's output for one sentence."""
    events = [
        {
            "type": e.event_type,
            "mode": e.mode,
            "acled": e.acled_sub_event_type,
            "assertion": e.assertion,
            "actors": e.actors,
            "recipients": e.recipients,
            "places": e.places,
        }
        for e in tags.events
    ]
    figures = [
        {"kind": f.kind, "low": f.low, "high": f.high, "subject": f.subject} for f in tags.figures
    ]
    return _items(
        sid, events, [a.name for a in tags.actors], [p.name for p in tags.places], figures
    )


def _prf(tp: int, fp: int, fn: int) -> dict[str, float]:
    """Precision, recall and F1 from counts (an empty side scores 1)."""
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1, "tp": tp, "fp": fp, "fn": fn}


def evaluate(records: list[dict[str, Any]]) -> tuple[dict[str, dict[str, float]], float, list[str]]:
    """Scores per field plus "overall", seconds spent tagging, and per-sentence error notes."""
    counts = {name: [0, 0, 0] for name in FIELDS}
    notes: list[str] = []
    elapsed = 0.0
    tag("Warm-up: the gazetteer and rules load once per process.")
    for record in records:
        started = time.perf_counter()
        tags = tag(record["text"])
        elapsed += time.perf_counter() - started
        gold, pred = gold_items(record), predicted_items(record["id"], tags)
        for name in record.get("fields") or FIELDS:
            tp = sum((gold[name] & pred[name]).values())
            missed, extra = gold[name] - pred[name], pred[name] - gold[name]
            counts[name][0] += tp
            counts[name][1] += sum(extra.values())
            counts[name][2] += sum(missed.values())
            for item in missed.elements():
                notes.append(f"{record['id']} {name} missed {item[1:]}")
            for item in extra.elements():
                notes.append(f"{record['id']} {name} extra  {item[1:]}")
    scores = {name: _prf(*counts[name]) for name in FIELDS}
    scores["overall"] = _prf(*(sum(c[i] for c in counts.values()) for i in range(3)))
    return scores, elapsed, notes


def _tagging_seconds(records: list[dict[str, Any]]) -> float:
    """Seconds for one pass of full tagging over the records (a loaded machine is noisy:
    the benchmark reports the fastest of several passes)."""
    started = time.perf_counter()
    for record in records:
        tag(record["text"])
    return max(time.perf_counter() - started, 1e-9)


def _dictionary_only_seconds(records: list[dict[str, Any]]) -> float:
    """Seconds for the baseline: only the gazetteer's actor and place lookups."""
    gazetteer = Gazetteer.default()
    started = time.perf_counter()
    for record in records:
        gazetteer.find_actors(record["text"])
        gazetteer.find_places(record["text"])
    return max(time.perf_counter() - started, 1e-9)


def score(gold_path: Path | str = DEFAULT_GOLD) -> dict[str, dict[str, float]]:
    """Precision, recall and F1 per field (and "overall") of the tagger on a gold file."""
    return evaluate(load_gold(Path(gold_path)))[0]


def table(scores: dict[str, dict[str, float]]) -> str:
    """A fixed-width table of the scores."""
    lines = [f"{'field':<18}{'P':>7}{'R':>7}{'F1':>7}{'tp':>6}{'fp':>6}{'fn':>6}"]
    for name, s in scores.items():
        lines.append(
            f"{name:<18}{s['precision']:>7.3f}{s['recall']:>7.3f}{s['f1']:>7.3f}"
            f"{int(s['tp']):>6}{int(s['fp']):>6}{int(s['fn']):>6}"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print the table; the last line is the overall F1."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument(
        "--gold", type=Path, nargs="+", default=[p for p in GOLD_FILES if p.exists()]
    )
    parser.add_argument("--errors", action="store_true", help="list every missed/extra item")
    args = parser.parse_args(argv)
    records = [r for path in args.gold for r in load_gold(path)]
    scores, elapsed, notes = evaluate(records)
    if args.errors:
        print("\n".join(notes))
    for label, prefix in SUBSETS:
        subset = [r for r in records if r["id"].startswith(prefix)]
        if subset and len(subset) < len(records):
            print(f"{label} ({prefix}*, {len(subset)} sentences)")
            print(table(evaluate(subset)[0]))
            print()
    names = ", ".join(str(p) for p in args.gold)
    print(f"gold: {names} ({len(records)} sentences)")
    print(table(scores))
    baseline = _dictionary_only_seconds(records)
    elapsed = min(elapsed, _tagging_seconds(records), _tagging_seconds(records))
    print(
        f"{len(records) / elapsed if elapsed else 0.0:.1f} sentences/s (fastest of 3 passes); "
        f"dictionary lookup "
        f"alone (baseline, same process) {len(records) / baseline:.1f} sentences/s; "
        f"full tagging costs {elapsed / baseline:.2f}x the lookup"
    )
    print(f"tagging f1={scores['overall']['f1']:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
