from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from warday.transform.wardate import (
    find_dateline_date,
    find_day_number,
    kyiv_date,
    resolve,
    war_date_of,
    war_day_of,
)


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("Day 1,160: Russia makes demands", 1160),
        ("Russia-Ukraine war: List of key events from Day 5", 5),
        ("Russia-Ukraine war: key events, day 238", 238),
        ("DAY 1 160 IN BRIEF", 1160),
        ("Key events, day 1,455", 1455),
        ("Day 1.160", 1160),
        ("Day\u00a01\u202f160", 1160),
    ],
)
def test_day_number_forms(text: str, day: int) -> None:
    assert find_day_number(text) == day


@pytest.mark.parametrize("text", ["Ten days of fighting", "Day 1,160th", "Monday 12", "day-to-day"])
def test_not_day_numbers(text: str) -> None:
    assert find_day_number(text) is None


def test_war_arithmetic() -> None:
    assert war_date_of(1) == date(2022, 2, 24)
    assert war_date_of(1160) == date(2025, 4, 28)
    assert war_date_of(1001) == date(2024, 11, 20)
    assert war_day_of(date(2025, 4, 28)) == 1160
    assert war_day_of(date(2022, 2, 23)) is None
    with pytest.raises(ValueError):
        war_date_of(0)


def test_kyiv_calendar_day() -> None:
    # 01:30 in Kyiv is still the previous day in UTC.
    late = datetime(2025, 4, 27, 22, 30, tzinfo=UTC)
    assert kyiv_date(late) == date(2025, 4, 28)
    with pytest.raises(ValueError):
        kyiv_date(datetime(2025, 4, 28, 1, 30))


def test_day_number_wins_and_lag_flagged() -> None:
    on_time = resolve("Day 1,160: x", datetime(2025, 4, 29, 9, tzinfo=UTC))
    assert (on_time.war_day, on_time.war_date, on_time.date_source) == (
        1160,
        date(2025, 4, 28),
        "day_number",
    )
    assert on_time.flags == ()
    late = resolve("Day 1,160: x", datetime(2025, 5, 3, 9, tzinfo=UTC))
    assert late.war_date == date(2025, 4, 28) and late.flags == ("published_+5_days_from_war_date",)


def test_fallback_order() -> None:
    kyiv = timezone(timedelta(hours=3))
    meta = resolve(
        "No number", datetime(2025, 4, 28, 0, 30, tzinfo=kyiv), "May 1, 2025 - x", date(2025, 6, 1)
    )
    assert (meta.date_source, meta.war_day) == ("metadata", 1160)
    dateline = resolve("No number", None, "KYIV, April 28, 2025 - Strikes hit", date(2025, 6, 1))
    assert (dateline.date_source, dateline.war_date) == ("dateline", date(2025, 4, 28))
    fallback = resolve("No number", None, "no date here", date(2025, 4, 28))
    assert (fallback.date_source, fallback.war_day) == ("logical_date", 1160)
    assert resolve("No number", None, "").date_source == "none"


def test_dateline_forms() -> None:
    assert find_dateline_date("28 April 2025 - text") == date(2025, 4, 28)
    assert find_dateline_date("Sept. 3, 2024 text") == date(2024, 9, 3)
    assert find_dateline_date("Foo 31, 2024") is None


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("DAY 1 097 IN BRIEF: European leaders gather in Kyiv", 1097),
        ("Ukraine war, day 1.136: Missile strike on Kryvyi Rih", 1136),
        ("Russia-Ukraine war: key events, day 238", 238),
        ("Day 451: Wagner claims Bakhmut", 451),
    ],
)
def test_digest_title_forms(text: str, day: int) -> None:
    dating = resolve(text, None)
    assert (dating.war_day, dating.date_source) == (day, "day_number")
    assert dating.war_date == war_date_of(day)


def test_fixture_days_match_their_event_dates() -> None:
    assert war_date_of(5) == date(2022, 2, 28)
    assert war_date_of(238) == date(2022, 10, 19)
    assert war_date_of(486) == date(2023, 6, 24)
    assert war_date_of(1097) == date(2025, 2, 24)
    assert war_date_of(1455) == date(2026, 2, 17)


@pytest.mark.parametrize("title", ["Kyiv marks Independence Day 2024", "Moscow's Victory Day 2025"])
def test_named_days_with_a_year_are_not_war_days(title: str) -> None:
    assert find_day_number(title) is None


def test_day_number_after_publication_is_implausible() -> None:
    dating = resolve("Day 2024: an anniversary plan", datetime(2024, 8, 24, 9, tzinfo=UTC))
    assert (dating.date_source, dating.war_day) == ("metadata", 913)
    assert dating.flags == ("implausible_day_number_2024",)


def test_only_an_opening_date_is_a_dateline() -> None:
    assert find_dateline_date("Since February 24, 2022, Russia has fired") is None
    assert find_dateline_date("KYIV, Ukraine, April 28, 2025 Strikes hit") == date(2025, 4, 28)


@pytest.mark.parametrize(
    "text",
    [
        "Zaporizhzhia region, April 28, 2025 - Shelling",
        "KYIV, Ukraine, Monday, April 28, 2025",
        "KYIV, Ukraine (AP) \u2014 April 28, 2025",
    ],
)
def test_common_dateline_shapes(text: str) -> None:
    assert find_dateline_date(text) == date(2025, 4, 28)
