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
    late = resolve("Day 1,160: x", datetime(2025, 4, 30, 21, tzinfo=UTC))
    assert late.war_date == date(2025, 4, 28) and late.flags == ("published_+3_days_from_war_date",)


def test_day_number_contradicting_publication_loses() -> None:
    dating = resolve("Day 1,160: x", datetime(2025, 5, 9, 9, tzinfo=UTC))
    assert (dating.date_source, dating.war_date) == ("metadata", date(2025, 5, 9))
    assert dating.war_day_reported == 1160
    assert dating.flags == ("day_number_1160_contradicts_published_+11_days",)


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
    assert fallback.flags == ("fallback_run_date",)
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


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("Russia-Ukraine crisis: key events from day eight", 8),
        ("Day Twenty-One of the invasion", 21),
        ("Kyiv marks the 1,000th day of Russia's full-scale war", 1000),
        ("As the war enters its 96th day, here are the main developments", 96),
        ("Ukraine on the fiftieth day of the invasion", 50),
        ("Key events, Day 1,160", 1160),
    ],
)
def test_day_numbers_as_outlets_write_them(text: str, day: int) -> None:
    assert find_day_number(text) == day


@pytest.mark.parametrize(
    "text",
    [
        "Losses reported over past day\n2 min read",
        "The first day of talks in Geneva ended without a deal",
        "Day\n3 of the summit",
        "Her 30th day in office was quiet",
    ],
)
def test_no_war_day_across_lines_or_outside_the_war(text: str) -> None:
    assert find_day_number(text) is None


def test_one_day_ahead_outlet_follows_its_stated_date() -> None:
    # An outlet whose "day 1,100" is Friday 28 February 2025 (the formula says the 27th).
    title = "Russia-Ukraine war: Key events, day 1,100"
    body = "Here is the situation on Friday, February 28, 2025.\nFighting\n- Drones hit Odesa."
    dating = resolve(f"{title}\nHere is the situation", datetime(2025, 2, 28, 6, tzinfo=UTC), body)
    assert (dating.war_date, dating.war_day, dating.war_day_reported) == (
        date(2025, 2, 28),
        1101,
        1100,
    )
    assert dating.flags == ("day_number_1100_one_day_off_stated_date",)


def test_a_reported_date_in_the_lead_is_not_the_texts_own() -> None:
    body = "Putin said on Thursday, February 27, 2025, that talks would go on."
    dating = resolve("Key events, day 1,101", None, body)
    assert (dating.war_date, dating.flags) == (date(2025, 2, 28), ())


@pytest.mark.parametrize(
    ("body", "when"),
    [
        (
            "Jana Novak and Petro Ivanenko in Kyiv AFP\nFeb 26, 2026\nDrones struck.",
            date(2026, 2, 26),
        ),
        ("27 February 2026, 19:06\nPhoto: agency\nA court in Moscow ruled.", date(2026, 2, 27)),
        ("The Associated Press\nApril 24, 2025, 12:48 AM\nText.", date(2025, 4, 24)),
        ("REUTERS\nPublished :\nMay 17, 2025 16:33\nText.", date(2025, 5, 17)),
        ("The war in Ukraine\nFriday, July 5, 2024\nText.", date(2024, 7, 5)),
        ("By A. Writer\nThe Associated Press / April 24, 2025, 12:48 AM\nText.", date(2025, 4, 24)),
        ("Updated 2:05 PM GMT, February 28, 2025\nText.", date(2025, 2, 28)),
        ("Sun 27 Apr 2025 14.05 BST\nText.", date(2025, 4, 27)),
        ("28.02.2025 14:05\nText.", date(2025, 2, 28)),
        ("Jane Roe and John Doe / AP / Feb 26, 2026\nText.", date(2026, 2, 26)),
        ("Jane Roe, Reuters \u00b7 Feb 26, 2026\nText.", date(2026, 2, 26)),
    ],
)
def test_date_lines_under_bylines_and_sources(body: str, when: date) -> None:
    dating = resolve("A headline without a number", None, body, date(2026, 11, 1))
    assert (dating.date_source, dating.war_date) == ("dateline", when)


def test_a_date_line_with_the_wrong_weekday_is_not_a_date() -> None:
    assert find_dateline_date("Thursday, July 5, 2024\nText.") is None


@pytest.mark.parametrize(
    ("body", "when"),
    [
        ("17 juin 2025 à 23:44\nEnvoy to visit Minsk, sources said.", date(2025, 6, 17)),
        ("3. März 2025, 08:15\nText.", date(2025, 3, 3)),
        ("12 de agosto de 2024\nText.", date(2024, 8, 12)),
        ("24 лютого 2025, 10:30\nText.", date(2025, 2, 24)),
    ],
)
def test_date_lines_in_a_readers_locale(body: str, when: date) -> None:
    dating = resolve("An envoy's visit", None, body, date(2026, 11, 1))
    assert (dating.date_source, dating.war_date, dating.flags) == ("dateline", when, ())


def test_a_foreign_month_in_running_text_is_no_date_line() -> None:
    dating = resolve(
        "A visit", None, "Le 17 juin 2025, the envoy arrived.\nText.", date(2026, 11, 1)
    )
    assert dating.date_source == "logical_date"


_WIRE = (
    "An overnight attack was the largest yet, an official says\n"
    "A soldier trains with a drone at a range on {caption}. ({credit})\n"
    "Credit: AP\n"
    "KYIV, Ukraine (AP) \u2014 A Ukrainian official said {weekday} that the attack was the "
    "largest of the war.\n"
    "Air defences shot down most of the drones, the air force said."
)


def test_a_wire_story_is_dated_by_its_photo_caption() -> None:
    body = _WIRE.format(
        caption="Tuesday, March 11, 2025", credit="Defence Ministry via AP", weekday="Tuesday"
    )
    dating = resolve("A headline", None, body, date(2026, 11, 1))
    assert (dating.date_source, dating.war_date) == ("caption", date(2025, 3, 11))
    assert dating.flags == ()
    credited = _WIRE.format(caption="March 11, 2025", credit="AP Photo/Jo Doe", weekday="")
    assert resolve("A headline", None, credited, date(2026, 11, 1)).war_date == date(2025, 3, 11)


@pytest.mark.parametrize(
    ("caption", "credit", "weekday"),
    [
        ("Tuesday, March 11, 2025", "Defence Ministry via AP", "Friday"),  # another day
        ("Tuesday, March 11, 2025, in a file photo", "AP Photo/Jo Doe", "Tuesday"),
        ("Tuesday, March 11", "AP Photo/Jo Doe", "Tuesday"),  # no year
    ],
)
def test_a_caption_date_that_cannot_be_trusted_is_not_used(
    caption: str, credit: str, weekday: str
) -> None:
    body = _WIRE.format(caption=caption, credit=credit, weekday=weekday)
    dating = resolve("A headline", None, body, date(2026, 11, 1))
    assert dating.date_source == "logical_date"
    assert "fallback_run_date" in dating.flags


def test_a_date_in_a_sentence_is_not_a_caption_date() -> None:
    body = "KYIV (AP) \u2014 Drones hit the city.\nSince Monday, March 10, 2025, there were more."
    assert resolve("A headline", None, body, date(2026, 11, 1)).date_source == "logical_date"


def test_a_publication_stamp_a_day_after_the_number_is_no_stated_date() -> None:
    # digests normally appear the day after the day they number: no one-day shift
    body = "Published On 22 Feb 2025\nFighting\n- Drones hit Sumy."
    dating = resolve("Key events, day 1,094\nFighting", datetime(2025, 2, 22, 6, tzinfo=UTC), body)
    assert (dating.war_day, dating.war_date, dating.flags) == (1094, date(2025, 2, 21), ())
