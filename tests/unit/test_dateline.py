"""Datelines and bylines split off the start of article text, and nothing else."""

from __future__ import annotations

import pytest

from warday.transform.dateline import split_dateline


@pytest.mark.parametrize(
    ("text", "dateline", "rest"),
    [
        ("KYIV — Russian forces attacked overnight.", "KYIV", "Russian forces attacked overnight."),
        (
            "KYIV, Ukraine (AP) — Russian drones struck.",
            "KYIV, Ukraine (AP)",
            "Russian drones struck.",
        ),
        (
            "SEOUL, April 28 (Reuters) - North Korea said.",
            "SEOUL, April 28 (Reuters)",
            "North Korea said.",
        ),
        ("CNN — Ukraine's military said.", "CNN", "Ukraine's military said."),
        ("MOSCOW, 28 April: The Kremlin said.", "MOSCOW, 28 April", "The Kremlin said."),
        ("Kyiv, Ukraine CNN — The military said.", "Kyiv, Ukraine CNN", "The military said."),
        ("Kyiv (Reuters) - Ukraine said.", "Kyiv (Reuters)", "Ukraine said."),
        ("NEW YORK (AP) — Stocks fell.", "NEW YORK (AP)", "Stocks fell."),
        ("ST. PETERSBURG, Russia — Putin met.", "ST. PETERSBURG, Russia", "Putin met."),
        ("KYIV—Russian forces attacked.", "KYIV", "Russian forces attacked."),
        ("BERLIN (dpa) - Germany pledged.", "BERLIN (dpa)", "Germany pledged."),
        (
            "KYIV, Ukraine, April 28, 2025 (Reuters) — Russia launched.",
            "KYIV, Ukraine, April 28, 2025 (Reuters)",
            "Russia launched.",
        ),
        ("ZAPORIZHZHIA —\nShelling continued.", "ZAPORIZHZHIA", "Shelling continued."),
        ('  LVIV — "We are ready," he said.', "LVIV", '"We are ready," he said.'),
        (
            "(KHARKIV, Ukraine) -- One person was killed.",
            "KHARKIV, Ukraine",
            "One person was killed.",
        ),
        ("CNN\n—\nUkraine's navy said.", "CNN", "Ukraine's navy said."),
    ],
)
def test_datelines_are_split_off(text: str, dateline: str, rest: str) -> None:
    assert split_dateline(text) == (dateline, None, rest)


@pytest.mark.parametrize(
    ("text", "byline", "dateline", "rest"),
    [
        ("By Jane Smith\nThe war continued.", "Jane Smith", None, "The war continued."),
        (
            "By Jane Smith and John Doe, Reuters\nThe war continued.",
            "Jane Smith and John Doe, Reuters",
            None,
            "The war continued.",
        ),
        (
            "By Jane Smith\nKYIV (Reuters) - Russia said.",
            "Jane Smith",
            "KYIV (Reuters)",
            "Russia said.",
        ),
        ("BY OLENA KOVALENKO\n\nText here.", "OLENA KOVALENKO", None, "Text here."),
        ("By Ursula von der Leyen\nText.", "Ursula von der Leyen", None, "Text."),
        (
            "By Hana Lindqvist · 28 April 2025, 09:30 GMT\nNorth Korea on Monday.",
            "Hana Lindqvist · 28 April 2025, 09:30 GMT",
            None,
            "North Korea on Monday.",
        ),
    ],
)
def test_bylines_are_returned_separately(
    text: str, byline: str, dateline: str | None, rest: str
) -> None:
    assert split_dateline(text) == (dateline, byline, rest)


@pytest.mark.parametrize(
    "text",
    [
        "The war — which began in 2022 — continues.",
        "Ukraine — the country — said.",
        "NATO — Allies agreed on Monday.",
        "UPDATE: Figures revised.",
        "BREAKING — Explosions heard in Kyiv.",
        "US — Washington said.",
        "NATO said on Monday that it would help.",
        "By Monday, Russian forces had taken the town.\nMore text.",
        "By the time troops arrived, the city had fallen.\nMore text.",
        "By Jane Smith",
        "By Jane Smith · Reuters staff\nText.",
        "Russia (officially) — said.",
        "Zelensky: We will not give up.",
        "President Zelensky — Ukraine's leader — said.",
        "KYIV —",
        "KYIV — russian forces, lower case, is not a new sentence.",
        "Day 1,160: Russia makes demands.",
        "Key events: Russia struck.",
        "Monday, April 28 - Russia struck.",
        "Ukraine: Russia struck overnight.",
        "Drones hit Kyiv. KYIV — later text.",
        "In Kyiv (AP) — Officials said.",
        "The Kremlin (Reuters) — Officials said.",
        "",
    ],
)
def test_normal_text_is_left_alone(text: str) -> None:
    assert split_dateline(text) == (None, None, text)
