"""Plain-text headers: split datelines, outlet lines and date lines are never titles."""

from __future__ import annotations

from datetime import UTC, date, datetime

from warday.analyse import analyse
from warday.parse import RawDoc, documents_from_raw
from warday.transform.text import normalise

_AT = datetime(2000, 1, 1, tzinfo=UTC)


def _draft(text: str):  # type: ignore[no-untyped-def]
    (draft,) = documents_from_raw(RawDoc(0, "k", "text/plain", text.encode(), {}, None, _AT))
    return draft


def test_a_dateline_split_over_two_lines_is_no_headline() -> None:
    draft = _draft(
        "CNN\n—\nUkraine's navy said on Tuesday it had sunk a landing ship near Crimea.\n"
        "The ship was hit by sea drones, officials said."
    )
    assert (draft.title, draft.dateline, draft.outlet) == ("", "CNN", "CNN")
    (entry,) = analyse(draft, date(2026, 3, 1)).segments
    assert entry.headline.startswith("Ukraine's navy said on Tuesday")


def test_an_agency_dateline_on_its_own_line() -> None:
    draft = _draft("KYIV, Ukraine (AP) —\nRussian drones struck a depot overnight, officials said.")
    assert (draft.title, draft.dateline, draft.outlet) == ("", "KYIV, Ukraine (AP)", "AP")


def test_an_outlet_line_and_a_date_line_under_it() -> None:
    draft = _draft(
        "REUTERS\nPublished :\nMay 17, 2025 16:33\nDelegations met in Istanbul for a second day."
    )
    assert draft.title == ""
    analysis = analyse(draft, date(2026, 3, 1))
    assert (analysis.dating.date_source, analysis.dating.war_date) == (
        "dateline",
        date(2025, 5, 17),
    )
    assert analysis.segments[0].headline != "REUTERS"


def test_a_run_dated_document_says_so() -> None:
    draft = _draft("Shelling went on\nShelling went on along the front, officials said.")
    dating = analyse(draft, date(2026, 3, 1)).dating
    assert (dating.date_source, dating.flags) == ("logical_date", ("fallback_run_date",))


def test_section_and_edition_labels_above_a_headline_are_no_title() -> None:
    draft = _draft(
        "Nation & World News\n"
        "Drones strike Odesa port overnight, regional governor says\n"
        "Odesa (AP) \u2014 Drones hit the port on Tuesday, the governor said."
    )
    assert draft.title == "Drones strike Odesa port overnight, regional governor says"
    edition = _draft(
        "The Guardian - AU\nWorld\nUkraine war briefing: talks resume in Istanbul\nBody text."
    )
    assert edition.title == "Ukraine war briefing: talks resume in Istanbul"
    assert not edition.text.startswith(("World", "The Guardian"))


def test_a_short_title_over_its_first_sentence_stays_the_title() -> None:
    draft = _draft("Kyiv Attacked\nRussian drones struck the capital overnight, officials said.")
    assert draft.title == "Kyiv Attacked"


def test_an_article_about_the_1000th_day_stays_whole() -> None:
    draft = _draft(
        "Kyiv marks the 1,000th day of Russia's full-scale war\n"
        "Ukrainians marked the 1,000th day of the war with a minute of silence.\n"
        "A city in mourning\nChurch bells rang across the capital at noon.\n"
        "Looking ahead\nOfficials said talks on air defence would continue next week."
    )
    analysis = analyse(draft, date(2024, 11, 20))
    assert (analysis.dating.war_day, analysis.dating.date_source) == (1000, "day_number")
    assert len(analysis.segments) == 1 and not analysis.digest


def test_a_text_opening_with_its_lede_keeps_it_in_the_body() -> None:
    text = (
        "A Russian drone hit a bus in the centre of Kherson on Tuesday morning, killing one "
        "man and wounding six passengers, the regional governor said.\n"
        "Emergency crews put out the fire, he added."
    )
    draft = _draft(text)
    assert draft.title == ""
    assert draft.text.startswith("A Russian drone hit a bus")


def test_text_mangled_by_a_wrong_encoding_is_repaired() -> None:
    text = "Kyiv\u00e2\u20ac\u2122s mayor spoke.\u00c2\nThe city\u00c2\u00a0was calm."
    assert normalise(text) == "Kyiv's mayor spoke.\nThe city was calm."
