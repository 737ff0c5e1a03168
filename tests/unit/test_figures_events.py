from decimal import Decimal

import pytest

from warday.transform.events import find_events, load_rules
from warday.transform.figures import find_figures


def _fig(sentence: str) -> list[tuple]:
    return [
        (f.kind, f.low, f.high, f.qualifier, f.subject, sentence[f.start : f.end])
        for f in find_figures(sentence)
    ]


def test_casualties_with_qualifier_and_subject() -> None:
    got = _fig("At least 3 people were killed and 12 wounded in the attack.")
    assert got[0][:5] == ("killed", Decimal(3), Decimal(3), "at_least", "people")
    assert got[1][:3] == ("wounded", Decimal(12), Decimal(12))


def test_troop_losses_and_drones() -> None:
    (loss,) = _fig("Russia lost about 1,200 troops killed or wounded in the past day.")
    assert loss[0] == "killed_or_wounded" and loss[1] == 1200 and loss[3] == "about"
    drones = _fig("Russia launched 100 drones overnight, 57 of which were shot down.")
    assert [(k, lo) for k, lo, *_ in drones] == [("drones", 100), ("drones_shot_down", 57)]


def test_money_ranges_and_words() -> None:
    assert _fig("The Pentagon announced a $275 million package.")[0][:2] == (
        "money",
        Decimal(275_000_000),
    )
    rng = _fig("Between 10 and 15 civilians were injured.")[0]
    assert rng[:3] == ("wounded", Decimal(10), Decimal(15)) and rng[4] == "civilians"
    assert _fig("a dozen drones hit the city")[0][:2] == ("drones", Decimal(12))


@pytest.mark.parametrize(
    "sentence", ["On 26 April 2025 talks began.", "The 47th Brigade held.", "In 2024 troops"]
)
def test_dates_and_ordinals_are_not_figures(sentence: str) -> None:
    assert _fig(sentence) == []


def test_evidence_offsets_shift() -> None:
    (fig,) = find_figures("3 soldiers were captured.", offset=100)
    assert (fig.start, fig.kind) == (100, "captured")


def test_event_types_and_assertion() -> None:
    def ev(s: str) -> list[tuple]:
        return [(h.event_type, h.mode, h.assertion) for h in find_events(s)]

    assert ("ASSAULT", "drone", "asserted") in ev(
        "Russia launched 100 drones at Kharkiv overnight."
    )
    assert ev("Ukraine denied that Kursk had been retaken.")[0][2] == "denied"
    assert ev("The US could impose new sanctions on Moscow.") == [("SANCTION", None, "hedged")]
    assert ("RETREAT", "ceasefire", "asserted") in ev("Putin ordered a three-day ceasefire.")


def test_rules_validate() -> None:
    assert len(load_rules()) > 20


def test_casualty_verbs_before_the_number_and_inherited_kinds() -> None:
    got = _fig(
        "Russia fired four missiles at Kryvyi Rih, killing 18 people, among them nine children."
    )
    assert [(k, lo, subj) for k, lo, _hi, _q, subj, _s in got] == [
        ("missiles", 4, None),
        ("killed", 18, "people"),
        ("killed", 9, "children"),
    ]
    assert _fig("The Netherlands handed over the last of 24 F-16 fighter jets.")[0][:2] == (
        "equipment",
        Decimal(24),
    )
    assert _fig("A 52-year-old woman died in hospital.") == []


def test_prisoner_exchanges_and_shot_down_shares() -> None:
    (swap,) = _fig("In the largest swap of the war, each side released 1,000 prisoners of war.")
    assert swap[:2] == ("prisoners", Decimal(1000)) and swap[4] is None
    got = _fig("Air defences shot down 98 of the drones, while 14 hit targets in Sumy.")
    assert [(k, lo) for k, lo, *_ in got] == [("drones_shot_down", 98), ("drones", 14)]


def test_weapon_cues_give_attack_verbs_their_modes() -> None:
    def modes(s: str) -> list[tuple]:
        return [(h.event_type, h.mode, h.acled) for h in find_events(s)]

    assert modes("Russia hit Lviv with a drone and missile attack.") == [
        ("ASSAULT", "drone", "Air/drone strike"),
        ("ASSAULT", "aerial", "Shelling/artillery/missile attack"),
    ]
    # a weapon without an attack verb is no attack
    assert [m[0] for m in modes("Britain delivered Storm Shadow missiles to Ukraine.")] == ["AID"]


def test_assertion_is_scoped_to_the_clause() -> None:
    got = {
        h.event_type: h.assertion
        for h in find_events(
            "Zelensky rejected Putin's proposal of direct talks without a ceasefire."
        )
    }
    assert got == {"REJECT": "asserted", "CONSULT": "denied", "RETREAT": "denied"}
    hits = find_events(
        "Russia claimed to have taken control of Siversk, but fighting continued there."
    )
    assert [(h.event_type, h.assertion) for h in hits] == [
        ("ASSAULT", "hedged"),
        ("ASSAULT", "asserted"),
    ]


def test_roles_from_sentence_structure() -> None:
    from warday.transform.tagging import tag

    def roles(s: str) -> list[tuple]:
        return [(e.event_type, e.actors, e.recipients, e.places) for e in tag(s).events]

    assert roles("Zelensky met Trump in Kyiv, the Kremlin said.") == [
        ("CONSULT", ("Volodymyr Zelensky",), ("Donald Trump",), ("Kyiv",))
    ]
    assert roles("Kim Jong Un received Lavrov in Pyongyang and pledged support for Russia.") == [
        ("CONSULT", ("Kim Jong Un",), ("Sergei Lavrov",), ("Pyongyang",)),
        ("SUPPORT", ("Kim Jong Un",), ("Russia",), ()),
    ]
    assert roles("Putin demanded that Ukraine withdraw from Donetsk region.") == [
        ("REQUEST", ("Vladimir Putin",), ("Ukraine",), ()),
        ("RETREAT", ("Ukraine",), (), ("Donetsk Oblast",)),
    ]


def test_a_released_statement_is_no_prisoner_release() -> None:
    assert (
        find_events("Putin thanked Kim in a statement released by the Kremlin.")[0].event_type
        == "SUPPORT"
    )
    assert all(h.event_type != "CONCEDE" for h in find_events("The report was released on Monday."))
    assert [h.mode for h in find_events("Russia released 150 Ukrainian prisoners of war.")] == [
        "release"
    ]


def test_implied_noun_reads_back_to_the_sentence_before() -> None:
    from warday.transform.tagging import tag

    text = (
        "Russia sent 63 drones at the south overnight. Of those, 51 were shot down and "
        "nine others crashed. A further four people sustained injuries in Mykolaiv."
    )
    got = [(f.kind, f.low, text[f.start : f.end]) for f in tag(text).figures]
    assert got == [
        ("drones", Decimal(63), "63 drones"),
        ("drones_shot_down", Decimal(51), "51 were shot down"),
        ("drones", Decimal(9), "nine"),
        ("wounded", Decimal(4), "four people sustained injuries"),
    ]


@pytest.mark.parametrize(
    "sentence",
    [
        "The two sides exchanged prisoners on Friday.",
        "The talks lasted three hours and the report ran to 120 pages.",
        "Two more buildings were destroyed in the shelling.",
    ],
)
def test_counts_of_other_things_are_no_figures(sentence: str) -> None:
    assert find_figures(sentence) == []


def test_losses_on_both_sides_and_close_to() -> None:
    sentence = "Thousands of soldiers on both sides have been killed, wounded or gone missing."
    (figure,) = find_figures(sentence)
    assert (figure.kind, figure.qualifier) == ("killed_or_wounded", "vague")
    # "close to N" is a qualifier, never "rose to N" continuing the count before it
    later = "Some 40,000 people have fled, and deaths may be close to 90."
    assert [f.kind for f in find_figures(later)] == ["displaced"]


def _kinds(text: str) -> set[tuple[str, Decimal | None]]:
    return {(f.kind, f.value) for f in find_figures(text)}


def test_injuries_refugees_and_an_adverb_before_the_verb() -> None:
    found = _kinds("Monitors counted 310 deaths and 1,420 injuries.")
    assert ("wounded", 1420) in found and ("killed", 310) in found
    assert ("displaced", 40000) in _kinds("About 40,000 refugees crossed into Moldova.")
    text = "Nearly 3,000 people have already fled the border district, officials said."
    assert ("displaced", 3000) in _kinds(text)
    assert ("wounded", 9) in _kinds("A drone hit a minibus, wounding 9 passengers.")
    assert ("killed", 4) in _kinds("Officials said 4 of their citizens had been killed.")
