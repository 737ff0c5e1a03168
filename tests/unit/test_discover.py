"""Actors discovered from how news names them, and aliases on normalised forms."""

from __future__ import annotations

import re

from warday.transform.discover import org_key
from warday.transform.tagging import tag
from warday.transform.text import by_first_letter


def actors(text: str) -> list[tuple[str, str, str | None, str, bool]]:
    return [(a.name, a.kind, a.side, a.surface, a.discovered) for a in tag(text).actors]


def test_title_with_possessive_country() -> None:
    found = actors("Malaysia's Prime Minister Anwar Ibrahim arrived in Kazan on Tuesday.")
    assert ("Anwar Ibrahim", "person", "Malaysia", "Anwar Ibrahim", True) in found


def test_regional_title_takes_the_country_of_its_region() -> None:
    found = actors("Belgorod Oblast Governor Vyacheslav Gladkov said a woman was hurt.")
    person = [a for a in found if a[3] == "Vyacheslav Gladkov"]
    assert person and person[0][2] == "Russia"


def test_apposition_gives_role_and_side() -> None:
    found = actors(
        "John Kirby, the White House national security spokesperson, said talks went on."
    )
    assert ("John Kirby", "person", "United States", "John Kirby", True) in found


def test_role_noun_and_later_surname() -> None:
    text = "The defence lawyer, Oksana Melnyk, appealed. Melnyk said the verdict was unjust."
    found = actors(text)
    assert [a[3] for a in found if a[0] == "Oksana Melnyk"] == ["Oksana Melnyk", "Melnyk"]


def test_curated_actor_is_not_marked_discovered() -> None:
    (putin,) = [a for a in actors("Vladimir Putin said so.") if a[0] == "Vladimir Putin"]
    assert putin[4] is False


def test_ministry_aliases_meet_on_normalised_forms() -> None:
    assert org_key("Russia's Ministry of Defence") == org_key("Russian Defense Ministry")
    for text in (
        "Russia's Ministry of Defence said its forces took a village.",
        "The Russian Ministry of Defense said its forces took a village.",
    ):
        names = [a[0] for a in actors(text)]
        assert "Russian Defence Ministry" in names and "Russia" not in names, text


def test_bare_general_staff_follows_the_side_named_before() -> None:
    tags = tag("Ukraine's army held the line. The General Staff said 150 clashes took place.")
    staff = [a for a in tags.actors if a.surface == "General Staff"]
    assert staff and staff[0].name == "General Staff of the Armed Forces of Ukraine"
    assert staff[0].confidence < 1


def test_unknown_bodies_by_form_and_acting_acronyms() -> None:
    found = actors("The Ministry of Health said 10 people died, and OCHA urged calm.")
    assert ("Ministry of Health", "organisation", None, "Ministry of Health", True) in found
    assert [a for a in found if a[3] == "OCHA"]


def test_spelled_out_acronym_of_no_body_is_no_actor() -> None:
    found = actors("Forces ran a battlefield air interdiction (BAI) campaign.")
    assert not [a for a in found if a[3] == "BAI"]


def test_speaker_without_title() -> None:
    found = actors("\u201cWe have no heating,\u201d said Halyna Petrenko, a resident of Kharkiv.")
    assert ("Halyna Petrenko", "person", "Ukraine", "Halyna Petrenko", True) in found


def test_names_that_are_no_people() -> None:
    found = actors("Trump told reporters on Air Force One that Victory Day would pass.")
    assert [a[0] for a in found] == ["Donald Trump"]


def test_accented_and_inner_capital_names_and_middle_initials() -> None:
    text = "Asked about the strike, Stéphane Dujarric said talks must go on."
    assert "Stéphane Dujarric" in [a[3] for a in actors(text)]
    text = "Rosemary A. DiCarlo, the UN political chief, told the council the toll was rising."
    assert "Rosemary A. DiCarlo" in [a[0] for a in actors(text)]


def test_role_with_possessive_then_name_at_sentence_end() -> None:
    found = actors("Four homes burned, said the Sumy region's acting governor, Oleh Hryhorov.")
    assert "Oleh Hryhorov" in [a[0] for a in found]
    found = actors("The attack was condemned, his Spokesman, Farhan Haq, told reporters.")
    assert "Farhan Haq" in [a[0] for a in found]


def test_lower_case_ministry_after_a_country_possessive() -> None:
    assert org_key("United Kingdom's defence ministry") == org_key("British Defence Ministry")
    for text in (
        "Britain's defence ministry said Russian losses kept rising.",
        "The United Kingdom's defence ministry said Russian losses kept rising.",
    ):
        assert "UK Ministry of Defence" in [a[0] for a in actors(text)], text
    found = actors("Norway's foreign ministry said it would send more money.")
    assert ("Norway's Foreign Ministry", "organisation") in [(a[0], a[1]) for a in found]


def test_words_grouped_by_first_letter_match_as_the_plain_alternation() -> None:
    words = "chairman chair spokes(?:person|man) head chief minister"
    grouped = re.compile(rf"\b{by_first_letter(words.split())}", re.IGNORECASE)
    plain = re.compile(rf"\b(?:{'|'.join(words.split())})", re.IGNORECASE)
    for text in ["the Chairman and chair", "spokesman, head, CHIEF", "ministers", "chai"]:
        assert [m.span() for m in grouped.finditer(text)] == [
            m.span() for m in plain.finditer(text)
        ]
