"""Events with precision first: threats and plans are not acts, reporters hold no role,
other wars carry no event of this one, every event has a confidence."""

from __future__ import annotations

import pytest

from warday.transform.events import RuleError, _needs, _rule, find_events, load_rules
from warday.transform.tagging import tag


def events(text: str) -> list[tuple[str, str | None, str]]:
    return [(e.event_type, e.mode, e.assertion) for e in tag(text).events]


def test_a_promise_to_strike_is_a_threat_not_an_attack() -> None:
    found = events("Medvedev promised to intensify strikes on Ukrainian cities.")
    assert ("THREATEN", None, "asserted") in found
    assert all(kind != "ASSAULT" or assertion == "hedged" for kind, _, assertion in found)


def test_sanctions_package_is_a_sanction() -> None:
    assert events("The EU adopted its 19th sanctions package against Russia.") == [
        ("SANCTION", None, "asserted")
    ]


def test_reporting_governor_is_neither_actor_nor_recipient() -> None:
    (attack,) = tag(
        "Russian drones struck a school in Sumy overnight, Governor Oleh Hryhorov said."
    ).events
    names = set(attack.actors) | set(attack.recipients)
    assert not any("Hryhorov" in n for n in names)


def test_explosions_alone_get_no_landmine_subtype() -> None:
    (blast,) = tag("Several explosions were heard in central Kyiv overnight.").events
    assert (blast.mode, blast.acled_sub_event_type) == (None, None)


def test_other_wars_carry_no_event_of_this_one() -> None:
    assert events("Israeli air strikes killed 30 people in Gaza on Tuesday.") == []
    assert events("Hundreds more Palestinians have been killed in fighting since.") == []


def test_topics_and_goals_are_no_agreement_or_talks() -> None:
    assert events("Trump has set out deadlines for an agreement to end the war.") == []
    assert events("Officials discussed a possible meeting of the leaders.") == []


def test_demand_as_noun_is_no_request() -> None:
    found = events("Putin has not budged from his maximalist demands.")
    assert not [e for e in found if e[0] == "REQUEST"]


def test_every_event_has_a_confidence_below_one_when_unsure() -> None:
    (verb_only,) = tag("Russia struck energy infrastructure again.").events
    (typed,) = tag("Russia launched 90 drones at Kharkiv overnight.").events
    assert 0 < verb_only.confidence < typed.confidence <= 1


def test_keyword_prefilter_keeps_results() -> None:
    rules = load_rules()
    text = "Ukrainian forces recaptured the village and shelled Russian positions."
    assert [h.event_type for h in find_events(text, rules)] == ["ASSAULT", "ASSAULT"]
    assert find_events("The weather was cold in the morning.", rules) == []


def test_rule_fields_are_validated() -> None:
    with pytest.raises(RuleError, match="confidence"):
        _rule("x.yaml", 0, {"type": "AID", "triggers": ["aid"], "confidence": 2})
    with pytest.raises(RuleError, match="unknown"):
        _rule("x.yaml", 0, {"type": "AID", "triggers": ["aid"], "colour": "red"})


def _roles_of(text: str, kind: str) -> list[tuple[tuple[str, ...], tuple[str, ...]]]:
    return [(e.actors, e.recipients) for e in tag(text).events if e.event_type == kind]


def test_passive_subject_undergoes_the_event() -> None:
    roles = _roles_of("Lukashenko has been accused of rigging elections in Belarus.", "ACCUSE")
    assert roles == [((), ("Alexander Lukashenko",))]


def test_interceptor_is_neither_actor_nor_recipient() -> None:
    text = "Ukraine shot down 20 of 25 drones launched by Russia overnight."
    assert _roles_of(text, "ASSAULT") == [(("Russia",), ())]


def test_mention_opening_its_own_predicate_is_no_recipient() -> None:
    text = "On the tenth day of fighting in Ukraine, Russia is shelling cities in the east."
    assert all("Russia" not in recipients for _, recipients in _roles_of(text, "ASSAULT"))


def test_reporter_frame_and_appositive_title_take_no_role() -> None:
    text = "Jan Novak, the EU envoy for Ukraine, condemned the attacks."
    assert all("Ukraine" not in a + r for a, r in _roles_of(text, "ACCUSE"))
    assert tag('NATO will "defend every inch" of its territory, alliance chief says.').events == ()


def test_needed_words_of_triggers_are_held_by_every_match() -> None:
    assert _needs(["(?:troops|forces) (?:\\w+ ){0,2}(?:were|was) deployed"]) == ("deployed",)
    assert _needs(["mobili[sz]ed?", "call(?:ed|ing)? up"]) == ("call", "mobili")
    assert _needs(["meetings?(?= with)", "(?<!not )met"]) == ("meeting", "met")
    assert _needs(["(?:vow(?:ed|s)|pledg(?:ed|es)) to (?:strike|hit)"]) == ("pledg", "vow")
    assert _needs(["(?:a|b)?c"]) is None  # nothing of three letters a match must hold
    assert _needs(["x\\u2019s"]) is None  # an escape of several characters: not read
    for text in ["Troops were later deployed", "MOBILISED", "Talks: the meetings with", "met"]:
        for rule in load_rules():
            if rule.needs is not None and rule.pattern.search(text):
                assert any(word in text.lower() for word in rule.needs)
