"""What a document draft says about itself: its war dating and its entries.

One function shared by the pipeline, the segmentation goldens and the benchmarks, so
that they cannot drift apart.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from warday.parse import DocDraft
from warday.transform.relevance import WAR, article_relevance, is_war_title, relevance
from warday.transform.segment import Segment, looks_like_digest, segment
from warday.transform.wardate import WarDating, names_a_day, resolve

# A day number may sit in the title or the opening lines (a standfirst).
_NUMBER_LINES = 2


@dataclass(frozen=True)
class Analysis:
    dating: WarDating
    segments: list[Segment]
    digest: bool
    relevance: list[tuple[str, str | None]]  # per segment: ('war' | 'off_topic', reason)


def analyse(draft: DocDraft, logical_date: date | None) -> Analysis:
    """War dating from title, metadata and text; entries split by the digest's structure."""
    opening = "\n".join(draft.text.split("\n")[:_NUMBER_LINES])
    dated_text = f"{draft.dateline} {draft.text}" if draft.dateline else draft.text
    dating = resolve(f"{draft.title}\n{opening}", draft.published_at, dated_text, logical_date)
    # a "Day N" title or opening line makes a digest; "the 1,000th day" in an article does not
    numbered = dating.date_source == "day_number" and names_a_day(f"{draft.title}\n{opening}")
    digest = numbered or looks_like_digest(draft.title, draft.text)
    segments = segment(draft.title, draft.text, digest=digest)
    judged = dating.war_day_reported is None and not is_war_title(draft.title)
    return Analysis(
        dating,
        segments,
        digest,
        [_relevance(s, draft.title, len(segments), judged) for s in segments],
    )


def _relevance(seg: Segment, title: str, count: int, judged: bool) -> tuple[str, str | None]:
    """Entries of a digest about the war as a whole are not judged; the items of any other
    digest are, one by one (its first story may sit under the title, so the lead is judged
    too), and so is a whole article, which world-news feeds carry about anything."""
    if not judged:
        return WAR, None
    if count == 1:
        return article_relevance(f"{title}\n{seg.headline}", seg.text)
    return relevance(f"{seg.section or ''}\n{seg.headline}", seg.text)
