"""War-day arithmetic and resolving the date an entry is about.

Day 1 is 2022-02-24. A digest's own day number wins; otherwise the document's
metadata date, then a date stated in the text (a dateline or a date line under the
byline, in English or in a reader's locale: "17 juin 2025 à 23:44"), then a full date in
a photo caption among the first lines (``caption``: a wire story's photo is dated, its
text often names only a weekday), then the run's logical date. The choice is recorded as
``date_source`` so a stated date can be told from a fallback, and a fallback also carries
the flag ``fallback_run_date``.

Day numbers are read as outlets write them: "Day 1,160", "day eight", "the 1,000th day
of the war", "enters its 96th day" - never across a line break. A number that
contradicts a trustworthy publication date by more than a few days loses to it; one that
is a day off the calendar date the text states about itself (an outlet counting one day
ahead) keeps its reported number while the date follows the stated one. Both are flagged.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from warday import settings

WAR_START = date(2022, 2, 24)
KYIV = ZoneInfo("Europe/Kyiv")
# Digests appear 0-2 days after the day they number; a larger gap is worth a flag.
MAX_PUBLICATION_LAG_DAYS = settings.MAX_PUBLICATION_LAG_DAYS
# A document date outside [EARLIEST_PLAUSIBLE, fetch time + MAX_AHEAD] (a CMS default such as
# 0001-01-01, a mistyped year) is not the document's date: flagged, never used.
EARLIEST_PLAUSIBLE = WAR_START - timedelta(days=365)
LATEST_PLAUSIBLE = date(2100, 1, 1)
MAX_AHEAD = timedelta(days=settings.MAX_DAYS_AHEAD_OF_PUBLICATION)
# Past this many days between a number and the publication date, the number is wrong.
MAX_NUMBER_DISAGREEMENT_DAYS = settings.MAX_NUMBER_DISAGREEMENT_DAYS
FALLBACK_FLAG = "fallback_run_date"
_SP = r"[^\S\n]+"  # white space that is not a line break
_UNITS = (
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen"
).split()
_TENS = "_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()
_ORDINAL_UNITS = (
    "zeroth first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth "
    "thirteenth fourteenth fifteenth sixteenth seventeenth eighteenth nineteenth"
).split()
_ORDINAL_TENS = (
    "_ _ twentieth thirtieth fortieth fiftieth sixtieth seventieth eightieth ninetieth".split()
)


def _word_numbers() -> dict[str, int]:
    """Cardinal and ordinal number words from 1 to 99 ("twenty-one", "forty-fifth")."""
    found: dict[str, int] = {}
    for n in range(1, 100):
        tens, unit = divmod(n, 10)
        if n < 20:
            found[_UNITS[n]] = found[_ORDINAL_UNITS[n]] = n
        elif unit == 0:
            found[_TENS[tens]] = found[_ORDINAL_TENS[tens]] = n
        else:
            for sep in ("-", " "):
                found[f"{_TENS[tens]}{sep}{_UNITS[unit]}"] = n
                found[f"{_TENS[tens]}{sep}{_ORDINAL_UNITS[unit]}"] = n
    return found


_WORD_NUMBERS = _word_numbers()
_WORDS = "|".join(sorted((re.escape(w) for w in _WORD_NUMBERS), key=len, reverse=True))
_DIGITS = r"\d{1,2}(?:[,.\u00a0\u202f ]\d{3})+|\d{1,5}"
# "Day 1,160", "day 238", "DAY 1 160", "Day 1.160", "from Day 5", "day eight";
# not "days", not "Day 1,160th", never across a line break.
_DAY = re.compile(
    rf"\bday{_SP}(?:(?P<num>{_DIGITS})(?![\d,.]?\d)(?!\w)|(?P<word>{_WORDS})\b(?![-\w]))",
    re.IGNORECASE,
)
# "the 1,000th day", "its 96th day", "the eighth day" - an ordinal before "day".
_ORDINAL_DAY = re.compile(
    rf"\b(?:(?P<num>\d{{1,2}}(?:,\d{{3}})+|\d{{1,5}})(?:st|nd|rd|th)|(?P<word>{_WORDS})){_SP}day\b",
    re.IGNORECASE,
)
_DAY_WORD = re.compile(r"\bday\b", re.IGNORECASE)
_ORDINAL_REACH = 40  # "seventy-seventh", "1,000,000th"
# An ordinal day is a war day only in a sentence about the war itself.
_WAR_WORDS = re.compile(r"\b(?:war|invasion|conflict|aggression|full-scale)\b", re.IGNORECASE)
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
# Month names in the locales a reader or republisher renders a date line in (nominative
# and genitive forms); only whole date lines are read in them, never running text.
_FOREIGN_MONTHS = {
    name: i
    for i, names in enumerate(
        [
            "janvier januar enero gennaio janeiro stycznia января січня",
            "février fevrier februar febrero febbraio fevereiro lutego февраля лютого",
            "mars märz marz marzo março marca марта березня",
            "avril april abril aprile kwietnia апреля квітня",
            "mai mayo maggio maio maja мая травня",
            "juin juni junio giugno junho czerwca июня червня",
            "juillet juli julio luglio julho lipca июля липня",
            "août aout august agosto sierpnia августа серпня",
            "septembre september septiembre settembre setembro września сентября вересня",
            "octobre oktober octubre ottobre outubro października октября жовтня",
            "novembre november noviembre novembro listopada ноября листопада",
            "décembre decembre dezember diciembre dicembre dezembro grudnia декабря грудня",
        ],
        start=1,
    )
    for name in names.split()
}
_WEEKDAYS = "monday tuesday wednesday thursday friday saturday sunday".split()
_MONTH = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)[a-z]{0,6}\.?"
_ANY_MONTH = (
    rf"(?:{'|'.join(sorted(map(re.escape, _FOREIGN_MONTHS), key=len, reverse=True))}"
    rf"|{_MONTH})"
)
_WEEKDAY = r"(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)[a-z]{0,6}\.?"
_TIME = (
    r"\d{1,2}[:.h]\d\d(?:[:.]\d\d)?(?:\s*[ap]\.?m\.?)?"
    r"(?:\s*\(?[A-Z]{2,5}(?:[+-]\d{1,2}(?::?\d\d)?)?\)?)?"
)


def _calendar_pattern(month: str, of: str = "") -> str:
    """A calendar date: "Friday, July 5, 2024", "27 February 2026", "Feb. 3", "2026-02-27";
    ``of`` is the optional word between day, month and year ("17 de junio de 2025")."""
    return (
        rf"(?:(?P<weekday>{_WEEKDAY}),?{_SP})?"
        rf"(?:(?P<month>{month}){_SP}?(?P<day>\d{{1,2}})(?:st|nd|rd|th)?(?:,?{_SP}(?P<year>20\d\d))?"
        rf"|(?P<day2>\d{{1,2}})(?:st|nd|rd|th|\.)?{_SP}{of}(?P<month2>{month})"
        rf"(?:,?{_SP}{of}(?P<year2>20\d\d))?"
        r"|(?P<iso>20\d\d-[01]\d-[0-3]\d)|(?P<dmy>[0-3]?\d\.[01]?\d\.20\d\d))\b"
    )


_CALENDAR = _calendar_pattern(_MONTH)
_DATE_RE = re.compile(_CALENDAR)
_LOCALE_CALENDAR = _calendar_pattern(_ANY_MONTH, r"(?:de\s+)?")
# A line that is only a date (with a time, a "Published:" label or an outlet before it):
# "Feb 26, 2026", "27 February 2026, 19:06", "The Associated Press / April 24, 2025, 12:48 AM".
_DATE_LINE = re.compile(
    r"^(?:[A-Z][\w.,&' ]{0,60}\s*[/|\u00b7\u2022]\s*"
    r"(?:[A-Z][\w.&' ]{0,30}\s*[/|\u00b7\u2022]\s*)?)?"
    r"(?:(?:published|updated|posted|last updated|date)\s*(?:on|at)?\s*:?\s*)?"
    rf"(?:{_TIME},?\s*)?{_LOCALE_CALENDAR}"
    rf"(?:,?\s*(?:at|à|um|a las|alle|às|в|о)?\s*{_TIME})?\s*[|\u00b7\u2022]?$",
    re.IGNORECASE,
)
# Every calendar date holds a digit: a line with none is no date line, unread by the long
# pattern above (segmentation asks about thousands of lines).
_A_DIGIT = re.compile(r"\d")


def _date_line(line: str) -> re.Match[str] | None:
    """The match of _DATE_LINE on a whole line, if any."""
    return _DATE_LINE.match(line) if _A_DIGIT.search(line) else None


# A bare date line with its weekday: the day a digest is about, not a publication stamp.
_DAY_LINE = re.compile(rf"^{_CALENDAR}\s*$")
# Words that make a date in an opening sentence the date the text is about.
_SELF_DATE_CUES = re.compile(
    r"\b(?:key events|developments|situation|things stand|stands|as of|so far|today"
    r"|briefing|summary|latest|here is|here are|here's)\b[^.\n]{0,40}$",
    re.IGNORECASE,
)
# Only a date that opens the text, after at most two "PLACE," parts, is a dateline:
# "KYIV, April 28, 2025", "28 April 2025"; "Since February 24, 2022, ..." is not.
_DATELINE_PART = r"[A-Z][\w.'-]*(?: [\w.'-]+){0,3}(?:\s*\([^)]{1,30}\))?\s*(?:,|[\u2014\u2013-])\s*"
_DATELINE = re.compile(
    rf"^\s*(?:{_DATELINE_PART}){{0,3}}"
    r"(?:(?P<month>[A-Z][a-z]{2,8})\.?\s+(?P<day>\d{1,2}),?\s+(?P<year>20\d\d)\b"
    r"|(?P<day2>\d{1,2})\s+(?P<month2>[A-Z][a-z]{2,8})\s+(?P<year2>20\d\d)\b)"
)
_HEADER_LINES = 8
# A photo caption: an agency credit in brackets ("(AP Photo/Name)", "(Ministry via AP)",
# "(Name/AFP via Getty Images)") or a "Photograph:" credit. A file photo is not today's.
_AGENCIES = r"(?:AP|AFP|Reuters|EPA|Getty Images|Shutterstock|Anadolu|Sputnik|TASS|Ukrinform)"
_PHOTO_CAPTION = re.compile(
    rf"\((?:AP Photo\b|[^()]*\bvia {_AGENCIES}|[^()]*/{_AGENCIES}\b)[^()]*\)\s*$"
    r"|\b(?:Photograph|Photo|Picture)\s*:\s*\S",
    re.IGNORECASE,
)
_FILE_PHOTO = re.compile(r"^FILE\b|\bfile (?:photo|picture|image)\b|\((?:file|archive)\)", re.I)
# A weekday the lead sentence after a wire dateline names: "KYIV (AP) - ... said Monday".
_LEAD_WEEKDAY = re.compile(
    r"\((?:AP|AFP|Reuters|[A-Z][\w.&' -]{1,40})\)\s*[\u2014\u2013-]+\s*[^.\n]*?"
    r"\b(?P<weekday>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b"
)
_LEAD_LINES = 3


@dataclass(frozen=True)
class WarDating:
    war_day: int | None
    war_date: date | None
    war_day_reported: int | None
    date_source: str  # day_number | metadata | dateline | caption | logical_date | none
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
    """The first plausible war day number in text, in any of the forms outlets write."""
    found = [(m.start(), d) for m in _DAY.finditer(text) if (d := _day_value(text, m))]
    for match in _ordinal_days(text):
        if (day := _day_value(text, match)) and _about_the_war(text, match):
            found.append((match.start(), day))
    return min(found)[1] if found else None


def _ordinal_days(text: str) -> Iterator[re.Match[str]]:
    """The matches of _ORDINAL_DAY, in order, read back from each word "day": searching the
    whole text for the ordinal (a long alternation of number words) at every position cost
    over a second per megabyte. An ordinal is never more than _ORDINAL_REACH characters
    long, spaces before "day" aside."""
    for day in _DAY_WORD.finditer(text):
        start = day.start()
        while start > 0 and text[start - 1].isspace() and text[start - 1] != "\n":
            start -= 1
        at = max(0, start - _ORDINAL_REACH)
        while (match := _ORDINAL_DAY.search(text, at, day.end())) is not None:
            if match.end() == day.end():
                yield match
                break
            at = match.end()  # a match ending at an earlier "day", already given


def names_a_day(text: str) -> bool:
    """Whether text numbers its day the way a digest's title does ("Day 1,160: ...",
    "key events, day eight"), not in passing ("the 1,000th day of the war")."""
    return any(_day_value(text, m) for m in _DAY.finditer(text))


def _day_value(text: str, match: re.Match[str]) -> int | None:
    """The number a match names, or None for a named day with a year or out of range."""
    if match["num"] is not None:
        if _is_named_day_and_year(text, match):
            return None
        day = int(re.sub(r"\D", "", match["num"]))
    else:
        day = _WORD_NUMBERS[match["word"].lower()]
    return day if 1 <= day <= 20000 else None


def _about_the_war(text: str, match: re.Match[str]) -> bool:
    """Whether the sentence holding an ordinal day speaks of the war."""
    start = max(text.rfind(".", 0, match.start()), text.rfind("\n", 0, match.start())) + 1
    ends = [i for i in (text.find(".", match.end()), text.find("\n", match.end())) if i != -1]
    return bool(_WAR_WORDS.search(text[start : min(ends, default=len(text))]))


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
    """A date written at the start of the text ("April 28, 2025", "KYIV, 28 April 2025")
    or on a date line among its first lines ("Feb 26, 2026", "Friday, July 5, 2024")."""
    lines = [m for line in _header_lines(text) if (m := _date_line(line))]
    for found in lines:
        if (when := _calendar(found, None)) is not None:
            return when
    match = _DATELINE.match(text[:200])
    if lines or not match:
        return None  # a date line with the wrong weekday is no date
    return _ymd(
        match["year"] or match["year2"],
        match["month"] or match["month2"],
        match["day"] or match["day2"],
    )


def find_caption_date(text: str) -> date | None:
    """A full date (with its year) in a photo caption among the first lines.

    A wire story often names only a weekday ("KYIV (AP) - An official said Monday ...")
    while its photo caption carries the full date; the caption's date is taken when the
    photo is not a file photo and its weekday agrees with the one the lead names.
    """
    lines = _header_lines(text)
    lead = next((m["weekday"] for ln in lines if (m := _LEAD_WEEKDAY.search(ln))), None)
    for line in lines:
        if "20" not in line:
            continue  # no year ("20\d\d"), so no date taken from this line
        if not _PHOTO_CAPTION.search(line) or _FILE_PHOTO.search(line):
            continue
        for found in _DATE_RE.finditer(line):
            when = _calendar(found, None) if (found["year"] or found["year2"]) else None
            if when is not None and (lead is None or _WEEKDAYS[when.weekday()] == lead.lower()):
                return when
    return None


def find_title_date(title: str) -> date | None:
    """A full date closing a title: "Campaign Assessment, February 21, 2026"."""
    found = None
    for found in _DATE_RE.finditer(title):  # noqa: B007 - the last date is the one
        continue
    if (
        found is None
        or title[found.end() :].strip(" .")
        or not (found["year"] or found["year2"] or found["iso"] or found["dmy"])
    ):
        return None
    return _calendar(found, None)


def is_date_line(line: str) -> bool:
    """Whether a line holds only a date (a date line under a byline or a source line)."""
    return _date_line(line.strip()) is not None


def find_stated_date(title: str, body: str, near: date) -> date | None:
    """The calendar date a text states about itself, a year inferred near ``near``.

    A date line naming its weekday ("Thursday, July 11, 2024"), a date in the title, or
    a date in an opening sentence that introduces the day ("Here are the key events on
    Friday, February 28"). A publication stamp ("Published 28 Feb 2025", "April 24, 2025,
    12:48 AM") says when the text appeared, which is normally a day or two after the day
    it numbers; a date a sentence merely reports ("Putin said on February 27") is not the
    text's own either.
    """
    for line in _header_lines(body):
        found = _date_line(line)
        if (
            found
            and found["weekday"]
            and _DAY_LINE.match(line)
            and (when := _calendar(found, near))
        ):
            return when
    for line in [title, *body.split("\n")[:_LEAD_LINES]]:
        for found in _DATE_RE.finditer(line):
            cue = title == line or _SELF_DATE_CUES.search(line[: found.start()])
            if cue and (when := _calendar(found, near)) is not None:
                return when
    return None


def _header_lines(text: str) -> list[str]:
    """The first few non-empty lines of a text, where bylines and date lines sit."""
    return [ln.strip() for ln in text.split("\n")[: _HEADER_LINES * 2] if ln.strip()][
        :_HEADER_LINES
    ]


def _calendar(found: re.Match[str], near: date | None) -> date | None:
    """The date a calendar match names; without a year, the one nearest ``near`` whose
    weekday agrees (None when it has no year and nothing to infer it from)."""
    if found["iso"] or found["dmy"]:
        try:
            if found["iso"]:
                return date.fromisoformat(found["iso"])
            dd, mm, yyyy = (int(x) for x in found["dmy"].split("."))
            return date(yyyy, mm, dd)
        except ValueError:
            return None
    year, month, day = (
        found["year"] or found["year2"],
        found["month"] or found["month2"],
        found["day"] or found["day2"],
    )
    if year:
        when = _ymd(year, month, day)
    elif near is not None:
        options = [
            w for y in (near.year - 1, near.year, near.year + 1) if (w := _ymd(str(y), month, day))
        ]
        when = min(options, key=lambda w: abs((w - near).days), default=None)
    else:
        return None
    weekday = (found["weekday"] or "").lower()[:3]
    if when is not None and weekday and _WEEKDAYS[when.weekday()][:3] != weekday:
        return None
    return when


def _ymd(year: str, month_name: str, day: str) -> date | None:
    """A date from its written parts, None when they name no real day."""
    name = month_name.lower().rstrip(".")
    month = _MONTHS.get(name) or _FOREIGN_MONTHS.get(name)
    if month is None:
        return None
    try:
        return date(int(year), month, int(day))
    except ValueError:
        return None


def resolve(
    headline_text: str,
    published_at: datetime | None,
    body_text: str = "",
    logical_date: date | None = None,
    now: datetime | None = None,
) -> WarDating:
    """Resolve war day and date from a day number, metadata, a stated date or the run date.

    ``headline_text`` is where a day number may sit (title and opening lines), each line
    read on its own; ``body_text`` is where a dateline or date line may sit. Implausible
    metadata or dateline dates (see `plausible`; ``now`` is the fetch time) are skipped and
    flagged, never computed with.
    """
    flags: tuple[str, ...] = ()
    if published_at is not None and not plausible(published_at, now):
        flags += (f"implausible_published_{published_at.date().isoformat()}",)
        published_at = None
    dateline = find_dateline_date(body_text) or find_title_date(headline_text.partition("\n")[0])
    if dateline is not None and not plausible(dateline, published_at or now):
        flags, dateline = (*flags, f"implausible_dateline_{dateline.isoformat()}"), None
    caption = find_caption_date(body_text)
    if caption is not None and not plausible(caption, published_at or now):
        flags, caption = (*flags, f"implausible_caption_{caption.isoformat()}"), None
    reported = said = find_day_number(headline_text)
    published = kyiv_date(published_at) if published_at else None
    reference = published or logical_date
    if reported is not None and reference and war_date_of(reported) > reference + timedelta(2):
        # A number naming a day after the text was written is not a war day.
        reported, flags = None, (*flags, f"implausible_day_number_{reported}")
    if reported is not None and published is not None:
        lag = (published - war_date_of(reported)).days
        if abs(lag) > MAX_NUMBER_DISAGREEMENT_DAYS:
            contradicts = f"day_number_{reported}_contradicts_published_{lag:+d}_days"
            reported, flags = None, (*flags, contradicts)
    if reported is not None:
        title, _, body = headline_text.partition("\n")
        dated = _from_day_number(
            reported,
            published_at,
            find_stated_date(title, body_text or body, war_date_of(reported)),
        )
        return replace(dated, flags=(*dated.flags, *flags))
    for source, when in (
        ("metadata", published),
        ("dateline", dateline),
        ("caption", caption),
        ("logical_date", logical_date),
    ):
        if when is not None:
            fallback = (FALLBACK_FLAG,) if source == "logical_date" else ()
            return WarDating(war_day_of(when), when, said, source, (*fallback, *flags))
    return WarDating(None, None, said, "none", ("undated", *flags))


def _from_day_number(day: int, published_at: datetime | None, stated: date | None) -> WarDating:
    """Dating from a stated day number, flagging a publication far from it.

    When the text states its own date and the number is one day off it (an outlet that
    counts one day ahead or behind), the date follows the stated date and the day is
    computed from it; the reported number is kept and the disagreement flagged.
    """
    when = war_date_of(day)
    flags: tuple[str, ...] = ()
    if stated is not None and abs((stated - when).days) == 1:
        when = stated
        flags = (f"day_number_{day}_one_day_off_stated_date",)
    if published_at is not None:
        lag = (kyiv_date(published_at) - when).days
        if lag > MAX_PUBLICATION_LAG_DAYS or lag < 0:
            flags = (*flags, f"published_{lag:+d}_days_from_war_date")
    return WarDating(war_day_of(when), when, day, "day_number", flags)
