"""War-day arithmetic and resolving the date an entry is about.

Day 1 is 2022-02-24. A digest's own day number wins; otherwise the document's
metadata date, then a dateline in the text, then the run's logical date. The
choice is recorded as ``date_source`` so a stated date can be told from a fallback.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

WAR_START = date(2022, 2, 24)
KYIV = ZoneInfo("Europe/Kyiv")
# Digests appear 0-2 days after the day they number; a larger gap is worth a flag.
MAX_PUBLICATION_LAG_DAYS = 2
# A document date outside [EARLIEST_PLAUSIBLE, fetch time + MAX_AHEAD] (a CMS default such as
# 0001-01-01, a mistyped year) is not the document's date: flagged, never used.
EARLIEST_PLAUSIBLE = WAR_START - timedelta(days=365)
LATEST_PLAUSIBLE = date(2100, 1, 1)
MAX_AHEAD = timedelta(days=2)

# "Day 1,160", "day 238", "DAY 1 160", "Day 1.160", "from Day 5"; not "days", not "Day 1,160th".
_DAY = re.compile(
    r"\bday\s+(?P<num>\d{1,2}(?:[,.\u00a0 \u202f]\d{3})+|\d{1,5})(?![\d,.]?\d)(?!\w)",
    re.IGNORECASE,
)
_MONTHS = {
    m: i
    for i, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for m in names
}
# Only a date that opens the text, after at most two "PLACE," parts, is a dateline:
# "KYIV, April 28, 2025", "28 April 2025"; "Since February 24, 2022, ..." is not.
_DATELINE_PART = r"[A-Z][\w.'-]*(?: [\w.'-]+){0,3}(?:\s*\([^)]{1,30}\))?\s*(?:,|[\u2014\u2013-])\s*"
_DATELINE = re.compile(
    rf"^\s*(?:{_DATELINE_PART}){{0,3}}"
    r"(?:(?P<month>[A-Z][a-z]{2,8})\.?\s+(?P<day>\d{1,2}),?\s+(?P<year>20\d\d)\b"
    r"|(?P<day2>\d{1,2})\s+(?P<month2>[A-Z][a-z]{2,8})\s+(?P<year2>20\d\d)\b)"
)


@dataclass(frozen=True)
class WarDating:
    war_day: int | None
    war_date: date | None
    war_day_reported: int | None
    date_source: str  # day_number | metadata | dateline | logical_date | none
    flags: tuple[str, ...] = ()


def war_date_of(day: int) -> date:
    """The calendar date of war day ``day``."""
    if day < 1:
        raise ValueError(f"war days start at 1, got {day}")
    return WAR_START + timedelta(days=day - 1)


def war_day_of(when: date) -> int | None:
    """The war day number of a date, None before the invasion."""
    n = (when - WAR_START).days + 1
    return n if n >= 1 else None


def plausible(when: date | datetime | None, now: date | datetime | None = None) -> bool:
    """Whether a stated date can be a war document's date: not long before the war, not
    after `now` (the fetch or run time) plus two days, never in the far future."""
    if when is None:
        return False
    try:  # year 1 or 9999 with an offset falls off the calendar in Kyiv time
        day = kyiv_date(when) if isinstance(when, datetime) else when
        ref = kyiv_date(now) if isinstance(now, datetime) else now
        latest = min(LATEST_PLAUSIBLE, ref + MAX_AHEAD) if ref else LATEST_PLAUSIBLE
    except OverflowError:
        return False
    return EARLIEST_PLAUSIBLE <= day <= latest


def find_day_number(text: str) -> int | None:
    """The first plausible "Day N" in text, with thousands separators of any kind."""
    for match in _DAY.finditer(text):
        if _is_named_day_and_year(text, match):
            continue
        day = int(re.sub(r"\D", "", match["num"]))
        if 1 <= day <= 20000:
            return day
    return None


def _is_named_day_and_year(text: str, match: re.Match[str]) -> bool:
    """ "Independence Day 2024", "Victory Day 2025": a capitalised name, "Day", a year."""
    before = text[: match.start()].split()
    year_like = re.fullmatch(r"(?:19|20)\d\d", match["num"]) is not None
    return year_like and bool(before) and before[-1][:1].isupper()


def kyiv_date(moment: datetime) -> date:
    """The Kyiv calendar day of an aware timestamp (01:30 Kyiv time is that Kyiv day)."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime: a time zone is required")
    return moment.astimezone(KYIV).date()


def find_dateline_date(text: str) -> date | None:
    """A date written near the start of the text ("April 28, 2025", "28 April 2025")."""
    match = _DATELINE.match(text[:200])
    if not match:
        return None
    month = _MONTHS.get((match["month"] or match["month2"]).lower())
    if month is None:
        return None
    try:
        return date(int(match["year"] or match["year2"]), month, int(match["day"] or match["day2"]))
    except ValueError:
        return None


def resolve(
    headline_text: str,
    published_at: datetime | None,
    body_text: str = "",
    logical_date: date | None = None,
    now: datetime | None = None,
) -> WarDating:
    """Resolve war day and date from a day number, metadata, dateline or run date.
    Implausible metadata or dateline dates (see `plausible`; `now` is the fetch time) are
    skipped and flagged."""
    implausible: tuple[str, ...] = ()
    if published_at is not None and not plausible(published_at, now):
        implausible += (f"implausible_published_{published_at.date().isoformat()}",)
        published_at = None
    dateline = find_dateline_date(body_text)
    if dateline is not None and not plausible(dateline, published_at or now):
        implausible += (f"implausible_dateline_{dateline.isoformat()}",)
        dateline = None
    reported = find_day_number(headline_text)
    reference = kyiv_date(published_at) if published_at else logical_date
    if reported is not None and reference and war_date_of(reported) > reference + timedelta(2):
        # A number naming a day after the text was written is not a war day.
        reported, implausible = None, (*implausible, f"implausible_day_number_{reported}")
    if reported is not None:
        dated = _from_day_number(reported, published_at)
        return replace(dated, flags=(*dated.flags, *implausible))
    for source, when in (
        ("metadata", kyiv_date(published_at) if published_at else None),
        ("dateline", dateline),
        ("logical_date", logical_date),
    ):
        if when is not None:
            return WarDating(war_day_of(when), when, None, source, implausible)
    return WarDating(None, None, None, "none", ("undated", *implausible))


def _from_day_number(day: int, published_at: datetime | None) -> WarDating:
    """Dating from a stated day number, flagging a publication far from it."""
    when = war_date_of(day)
    flags: tuple[str, ...] = ()
    if published_at is not None:
        lag = (kyiv_date(published_at) - when).days
        if lag > MAX_PUBLICATION_LAG_DAYS or lag < 0:
            flags = (f"published_{lag:+d}_days_from_war_date",)
    return WarDating(day, when, day, "day_number", flags)
