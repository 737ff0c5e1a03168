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
