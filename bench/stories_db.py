"""The database half of bench.stories: link the labelled entries through the link step in a
scratch database, fresh and after `stored` background entries, and time the link step.

Background entries are made from templates with random actors, places and numbers, on war
dates spread over stored / DENSITY days from the start of the war (a larger history is a
longer one, as a real archive grows, not a denser day), away from the labelled entries' dates
so they time the link step without changing which labelled entries link.
"""

from __future__ import annotations

import random
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from string import Formatter
from typing import Any

import psycopg
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict, make_conninfo
from psycopg.rows import dict_row
from wordfreq import top_n_list

from bench.stories import Labelled
from warday.linking import link_stories
from warday.store import repo
from warday.store.db import Conn, database_url
from warday.store.migrate import migrate
from warday.transform.cluster import MAX_DAYS_APART
from warday.transform.gazetteer import load_actors, load_places
from warday.transform.tagging import TAGGER_VERSION, ActorTag, PlaceTag, Tags, tag

WAR_START = date(2022, 2, 24)
DENSITY = 10  # background entries per war day


@contextmanager
def scratch_db() -> Iterator[Conn]:
    """A migrated scratch database on the server of DATABASE_URL (else the embedded one)."""
    url = database_url()
    name = f"warday_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(url, autocommit=True) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        target = make_conninfo("", **{**conninfo_to_dict(url), "dbname": name})
        with psycopg.connect(target, row_factory=dict_row) as conn:
            migrate(conn)
            yield conn
    finally:
        with psycopg.connect(url, autocommit=True) as admin:
            drop = sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)")
            admin.execute(drop.format(sql.Identifier(name)))


class Writer:
    """Writes entries with their tags through the project's own queries."""

    def __init__(self, conn: Conn) -> None:
        self.conn = conn
        self.n = 0
        self.docs: dict[str, int] = {}
        with conn.transaction():
            repo.insert_raw(
                conn,
                doc_key="bench",
                body=b"bench",
                media_type="text/plain",
                meta={},
                fetched_at=datetime.now(UTC),
            )
            row = conn.execute("SELECT raw_id FROM raw_documents WHERE doc_key = 'bench'")
            self.raw_id = int(row.fetchone()["raw_id"])  # type: ignore[index]

    def write(
        self, doc: str, outlet: str, headline: str, text: str, war_date: date, tags: Tags
    ) -> int:
        """One entry (and its document when new); returns the entry id."""
        self.n += 1
        if doc not in self.docs:
            self.docs[doc] = repo.upsert_document(self.conn, self._document(doc, outlet, war_date))
        row = {
            "entry_key": f"bench-{self.n}",
            "document_id": self.docs[doc],
            "ordinal": self.n,
            "section": "story",
            "headline": headline,
            "text": text,
            "war_day": (war_date - WAR_START).days + 1,
            "war_date": war_date,
            "date_source": "metadata",
            "content_hash": f"h{self.n}",
            "tagger_version": TAGGER_VERSION,
            "relevance": "war",
            "relevance_reason": None,
        }
        entry_id = repo.upsert_entry(self.conn, row)
        repo.replace_tags(self.conn, entry_id, tags, TAGGER_VERSION)
        return entry_id

    def _document(self, doc: str, outlet: str, war_date: date) -> dict[str, Any]:
        """A document row for a bench entry."""
        return {
            "doc_key": f"bench:{doc}",
            "raw_id": self.raw_id,
            "url": None,
            "outlet": outlet,
            "title": None,
            "author": None,
            "dateline": None,
            "published_at": None,
            "modified_at": None,
            "clean_text": "",
            "language": "en",
            "war_day_reported": None,
            "war_day": (war_date - WAR_START).days + 1,
            "war_date": war_date,
            "date_source": "metadata",
            "date_flags": [],
            "extractor_version": "bench",
        }


def write_labelled(w: Writer, entries: list[Labelled]) -> dict[int, str]:
    """The labelled entries; returns entry id -> labelled id."""
    ids = {}
    for e in entries:
        tags = tag(e.text)  # tags index the stored text, as the pipeline's do
        ids[w.write(e.document, e.outlet, e.headline, e.text, e.war_date, tags)] = e.entry_id
    return ids


# Background entries are built from these shapes with random actors, places, weapons and
# numbers, so they resemble war reporting without repeating any labelled entry.
_HEADS = (
    "{weapon} attack reported in {place}",
    "Shelling damages homes in {place}",
    "{actor} visits {place}",
    "Power cut in {place} after overnight strike",
    "Officials in {place} count casualties",
    "{actor} comments on situation near {place}",
)
_SENTENCES = (
    "{actor} said {n} people were hurt when a {weapon} hit {place}.",
    "Emergency crews worked through the night in {place} to clear debris.",
    "The regional administration reported damage to {thing} in {place}.",
    "{actor} discussed {topic} with officials from {place}.",
    "Residents of {place} were told to stay in shelters while air defence was active.",
    "Local authorities said {n} homes and a {thing} were damaged.",
    "According to {actor}, the {weapon} was launched from the north.",
    "{actor} promised help with {topic} for families in {place}.",
)
_WEAPONS = ("drone", "missile", "glide bomb", "rocket", "artillery shell", "Shahed drone")
_THINGS = ("school", "power substation", "grain silo", "rail depot", "clinic", "bridge", "market")
_TOPICS = ("heating repairs", "evacuation buses", "air defence", "water supply", "compensation")


class Background:
    """Synthetic entries from templates; their tags are known by construction."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.actors = load_actors()
        self.places = load_places()
        # everyday English words past the most common 500: varied, like real reporting
        self.words = [w for w in top_n_list("en", 6000)[500:] if w.isalpha() and len(w) > 3]

    def write(self, w: Writer, n: int, days: range, avoid: set[date]) -> None:
        """n entries on war days drawn from `days` (counted from the start of the war), none
        within the window of a date in `avoid` (the labelled entries' dates)."""
        for i in range(n):
            when = WAR_START + timedelta(days=self.rng.choice(days))
            while any(abs((when - d).days) <= MAX_DAYS_APART + 1 for d in avoid):
                when = WAR_START + timedelta(days=self.rng.choice(days))
            head, _ = self._fill(self.rng.choice(_HEADS), 0)
            text, tags = self._text()
            text += " " + " ".join(self.rng.sample(self.words, 40)) + "."
            w.write(f"bg{w.n}", f"Outlet {i % 40}", head, text, when, tags)

    def _text(self) -> tuple[str, Tags]:
        """Three sentences and the actor and place tags inside them."""
        text, actors, places = "", [], []
        for shape in self.rng.sample(_SENTENCES, 2):
            sentence, spans = self._fill(shape, len(text))
            text += sentence + " "
            for kind, name, start, end in spans:
                if kind == "actor":
                    a = next(x for x in self.actors if x.name == name)
                    actors.append(ActorTag(a.name, a.kind, a.side, name, sentence, start, end))
                else:
                    p = next(x for x in self.places if x.name == name)
                    places.append(
                        PlaceTag(
                            p.name, p.admin1, p.country, p.lat, p.lon, name, sentence, start, end
                        )
                    )
        return text.strip(), Tags((), tuple(actors), tuple(places), ())

    def _fill(self, shape: str, offset: int) -> tuple[str, list[tuple[str, str, int, int]]]:
        """A shape with its slots filled; returns the text and the name spans in it."""
        out, spans = "", []
        for literal, slot, _, _ in Formatter().parse(shape):
            out += literal
            if slot is None:
                continue
            value = self._value(slot)
            if slot in ("actor", "place"):
                spans.append((slot, value, offset + len(out), offset + len(out) + len(value)))
            out += value
        return out, spans

    def _value(self, slot: str) -> str:
        """A random value for a slot."""
        pick = {
            "actor": lambda: self.rng.choice(self.actors).name,
            "place": lambda: self.rng.choice(self.places).name,
            "weapon": lambda: self.rng.choice(_WEAPONS),
            "thing": lambda: self.rng.choice(_THINGS),
            "topic": lambda: self.rng.choice(_TOPICS),
            "n": lambda: str(self.rng.randrange(2, 60)),
        }
        return pick[slot]()


def stories_of(conn: Conn, ids: dict[int, str]) -> dict[str, int | None]:
    """Labelled id -> story id after linking."""
    rows = conn.execute(
        "SELECT entry_id, story_id FROM entries WHERE entry_id = ANY(%s)", (list(ids),)
    ).fetchall()
    return {ids[r["entry_id"]]: r["story_id"] for r in rows}


def measure(
    entries: list[Labelled], stored: int, new: int, seed: int
) -> tuple[dict[str, dict[str, int | None]], float, int]:
    """Stories of the labelled entries (fresh database, and linked among `new` entries after
    `stored` background entries) and entries linked per second in the timed step."""
    background = Background(seed)
    avoid = {e.war_date for e in entries}
    with scratch_db() as conn:
        w = Writer(conn)
        with conn.transaction():
            ids = write_labelled(w, entries)
        link_stories(conn)
        fresh = stories_of(conn, ids)
    with scratch_db() as conn:
        w = Writer(conn)
        days = max(10, stored // DENSITY)
        with conn.transaction():
            background.write(w, stored, range(days), avoid)
        link_stories(conn)
        at = conn.execute("SELECT count(*) AS n FROM entries").fetchone()["n"]  # type: ignore[index]
        with conn.transaction():
            ids = write_labelled(w, entries)
            # new background entries arrive as a feed does: on the latest days
            background.write(w, max(0, new - len(entries)), range(days - 3, days), avoid)
        started = time.perf_counter()
        counts = link_stories(conn)
        elapsed = time.perf_counter() - started
        linked = sum(counts.get(k, 0) for k in ("entries_linked", "stories_created"))
        loaded = stories_of(conn, ids)
    return {"fresh": fresh, "loaded": loaded}, linked / elapsed, int(at)
