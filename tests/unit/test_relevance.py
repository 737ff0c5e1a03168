"""Digest items about other news are marked off-topic with the reason; war items are not."""

from __future__ import annotations

from datetime import UTC, date, datetime

from warday.analyse import analyse
from warday.parse import DocDraft
from warday.transform.relevance import OFF_TOPIC, WAR, is_war_title, relevance


def test_items_naming_the_war_or_its_places_are_war() -> None:
    assert relevance("Strike on Kryvyi Rih", "At least 10 people were killed.") == (WAR, None)
    assert (
        relevance("Grid warning", "Grid operator Ukrenergo urged households to save power.")[0]
        == WAR
    )
    assert relevance("Talks", "The Kremlin said talks would go on.")[0] == WAR


def test_other_news_is_off_topic_with_a_reason() -> None:
    kind, why = relevance("Floods in Brazil", "Heavy rains displaced 3,500 people in Minas Gerais.")
    assert kind == OFF_TOPIC and why


def test_war_digests_are_not_judged_item_by_item() -> None:
    assert is_war_title("Russia-Ukraine war: List of key events, day 600")
    assert not is_war_title("World News in Brief: strikes condemned, floods in Brazil")
    text = (
        "Fighting\n- Drones hit Kharkiv.\nEconomy\n"
        "- Germany set up a defence fund worth 100 billion euros."
    )
    draft = DocDraft(
        "k", None, None, "Key events, day 5", None, datetime(2022, 2, 28, tzinfo=UTC), text
    )
    assert {r for r, _ in analyse(draft, date(2022, 3, 1)).relevance} == {WAR}


def _article(title: str, text: str) -> DocDraft:
    return DocDraft("k", None, None, title, None, datetime(2025, 5, 6, tzinfo=UTC), text)


def test_a_whole_article_from_a_world_feed_is_judged_too() -> None:
    election = _article(
        "Centrist wins Romania's presidential runoff",
        "Bucharest mayor Nicusor Dan won the runoff with 53.6 percent of the vote, "
        "the electoral bureau said on Monday.",
    )
    [(kind, why)] = analyse(election, date(2025, 5, 19)).relevance
    assert kind == OFF_TOPIC and why


def test_an_article_that_speaks_of_fighting_or_names_the_war_is_kept() -> None:
    for title, text in (
        ("Refinery fire after overnight attack", "A refinery in Tuapse burned for hours."),
        ("Grid repairs", "Ukrenergo said repairs would take a week."),
        ("Talks in Istanbul", "Delegations from Moscow and Kyiv met for two hours."),
        # a war desk's item that names no place: losing it would cost more
        ("Overnight attack", "Air defence shot down 50 of 80 drones, the air force said."),
        ("Explosions heard in the city centre", "Loud blasts were reported before dawn."),
        # another war's report is kept rather than risk dropping this war's
        ("Aid trucks wait at Rafah", "The war in Gaza entered a new phase, negotiators said."),
    ):
        [(kind, _)] = analyse(_article(title, text), date(2025, 5, 6)).relevance
        assert kind == WAR, title
