"""Stories in a real PostgreSQL: the real seed pair, merges and redirects, the change feed,
two link steps at once, dates that cannot be subtracted from, canonical events."""

from __future__ import annotations

import os
import threading
from datetime import date
from pathlib import Path

import pytest
from psycopg.conninfo import conninfo_to_dict

from tests.conftest import REPO, cloned_database
from warday import pipeline, report
from warday.store.db import Conn, connect

SHARED = Path(os.environ.get("WARDAY_SHARED", REPO.parent / "shared"))
DIGEST = SHARED / "seeds" / "000_6bbf38a7d179ce51.txt"
CNN = SHARED / "seeds" / "002_ea93744d241e498e.txt"


def ingest(paths: list[Path], overrides: dict | None = None) -> None:
    with connect() as conn:
        pipeline.land_paths(conn, paths, overrides)
        pipeline.process_pending(conn, date(2025, 6, 1))


def link() -> dict[str, int]:
    with connect() as conn:
        return pipeline.link_stories(conn)


needs_seeds = pytest.mark.skipif(
    not DIGEST.exists(), reason=f"real seeds not found at {SHARED / 'seeds'}"
)


@needs_seeds
def test_real_seed_pair_links_and_other_sub_stories_stay_apart(db_url: str) -> None:
    ingest([DIGEST])
    ingest([CNN], {"published": "2025-04-28T14:00:00+00:00", "outlet": "CNN"})
    link()
    with connect() as conn:
        rows = conn.execute(
            "SELECT e.section, e.headline, e.story_id, d.outlet FROM entries e "
            "JOIN documents d USING (document_id) WHERE e.is_live ORDER BY e.entry_id"
        ).fetchall()
    cnn = [r for r in rows if r["outlet"] == "CNN"]
    digest = [r for r in rows if r["outlet"] != "CNN" and r["section"] != "summary"]
    korea = [r for r in digest if "North Korean" in r["headline"]]
    assert len(cnn) == 1 and len(korea) == 1
    assert cnn[0]["story_id"] == korea[0]["story_id"]
    # however many sub-stories the segmenter finds, none of the others joins the CNN story
    assert all(r["story_id"] != cnn[0]["story_id"] for r in digest if r is not korea[0])


def sub_stories() -> list[tuple[str, str]]:
    """The digest's three sub-stories, split at the headings EXPECTED.md lists (so this test
    does not depend on the segmenter)."""
    expected = (SHARED / "seeds" / "EXPECTED.md").read_text(encoding="utf-8")
    heads = [
        line.split("`")[1]
        for line in expected.splitlines()
        if line[:5] in ("  1. ", "  2. ", "  3. ")
    ]
    text = DIGEST.read_text(encoding="utf-8")
    cuts = [text.index(h) for h in heads] + [len(text)]
    return [(h, text[cuts[i] + len(h) : cuts[i + 1]].strip()) for i, h in enumerate(heads)]


@needs_seeds
def test_seed_sub_stories_split_by_hand_link_only_the_korea_one(
    db_url: str, tmp_path: Path
) -> None:
    parts = sub_stories()
    assert len(parts) == 3
    for i, (head, body) in enumerate(parts):
        write_file(tmp_path, f"sub{i}", head, body, "2025-04-28T12:00:00+00:00", "Digest")
    ingest(sorted(tmp_path.glob("*.txt")))
    ingest([CNN], {"published": "2025-04-28T14:00:00+00:00", "outlet": "CNN"})
    link()
    with connect() as conn:
        rows = conn.execute(
            "SELECT d.outlet, d.url, e.story_id FROM entries e "
            "JOIN documents d USING (document_id) WHERE e.is_live ORDER BY e.entry_id"
        ).fetchall()
    story = {r["url"]: r["story_id"] for r in rows if r["outlet"] == "Digest"}
    cnn = [r["story_id"] for r in rows if r["outlet"] == "CNN"]
    assert len(cnn) == 1 and len(story) == 3
    korea, demands, minerals = (story[f"https://example.org/sub{i}"] for i in range(3))
    # (demands and minerals may share a story here; inside the one digest they never can)
    assert cnn[0] == korea and cnn[0] not in (demands, minerals)


def write_file(folder: Path, name: str, title: str, body: str, published: str, outlet: str) -> Path:
    path = folder / f"{name}.txt"
    path.write_text(f"{title}\n\n{body}\n")
    (folder / f"{name}.meta.json").write_text(
        f'{{"title": "{title}", "published": "{published}", "outlet": "{outlet}", '
        f'"url": "https://example.org/{name}"}}'
    )
    return path


DAM = (
    "Floodwater poured from the breached Kakhovka dam on the Dnipro into Nova Kakhovka "
    "and Kherson villages, and thousands were evacuated."
)


def test_bridging_entry_merges_stories_with_redirect_and_feed_rows(
    db_url: str, tmp_path: Path
) -> None:
    # two reports of one happening with no word in common but the place: apart at first
    a = write_file(
        tmp_path,
        "a",
        "Nova Kakhovka evacuates riverside streets",
        "Buses took residents of Nova Kakhovka away from the river bank.",
        "2023-06-06T08:00:00+00:00",
        "Wire One",
    )
    b = write_file(
        tmp_path,
        "b",
        "Kherson villages under water after dam breach",
        "Floodwater poured into Kherson villages along the Dnipro.",
        "2023-06-06T09:00:00+00:00",
        "Wire Two",
    )
    ingest([a, b])
    link()
    with connect() as conn:
        before = {r["story_id"] for r in conn.execute("SELECT story_id FROM entries")}
        cursor = conn.execute("SELECT max(seq) AS s FROM entry_changes").fetchone()["s"]
    if len(before) == 1:
        pytest.skip("the two reports already linked; nothing to bridge")
    c = write_file(
        tmp_path,
        "c",
        "Kakhovka dam breach floods Nova Kakhovka and Kherson villages",
        DAM,
        "2023-06-06T10:00:00+00:00",
        "Wire Three",
    )
    ingest([c])
    counts = link()
    assert counts.get("stories_merged") == 1
    with connect() as conn:
        stories = {r["story_id"] for r in conn.execute("SELECT story_id FROM entries")}
        redirect = conn.execute("SELECT * FROM story_redirects").fetchone()
        resolved = conn.execute(
            "SELECT story_current(%s) AS s", (redirect["from_story_id"],)
        ).fetchone()["s"]
        feed = list(report.export_entries(conn, cursor))
    assert len(stories) == 1 and resolved == stories.pop() == redirect["to_story_id"]
    # the consumer holding only its cursor sees every entry whose story changed
    assert {r["story_id"] for r in feed} == {resolved} and len(feed) >= 2


def test_two_link_steps_at_once_never_duplicate_stories(db_url: str, tmp_path: Path) -> None:
    paths = [
        write_file(
            tmp_path,
            f"n{i}",
            f"Shelling of Nikopol district {i} damages school",
            f"Artillery hit district number {i} of Nikopol overnight.",
            "2024-03-01T08:00:00+00:00",
            f"Outlet {i}",
        )
        for i in range(12)
    ]
    ingest(paths)
    barrier = threading.Barrier(2)
    results: list[dict] = []

    def step() -> None:
        with connect() as conn:
            barrier.wait()
            results.append(pipeline.link_stories(conn))

    threads = [threading.Thread(target=step) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    with connect() as conn:
        unlinked = conn.execute("SELECT count(*) AS n FROM entries WHERE story_id IS NULL")
        empty = conn.execute(
            "SELECT count(*) AS n FROM stories s WHERE NOT EXISTS "
            "(SELECT 1 FROM entries e WHERE e.story_id = s.story_id) AND s.merged_into IS NULL"
        )
        per_entry = conn.execute(
            "SELECT count(*) AS n FROM entry_changes c JOIN entries e USING (entry_id)"
        ).fetchone()["n"]
        assert unlinked.fetchone()["n"] == 0 and empty.fetchone()["n"] == 0
    # one link step did the work, the other found nothing left: 12 process + 12 link rows
    assert sorted(bool(r) for r in results) == [False, True]
    assert per_entry == 24


def test_year_one_war_date_links_without_overflow(db_url: str, tmp_path: Path) -> None:
    paths = [
        write_file(
            tmp_path,
            "old",
            "Archive note on Kherson",
            "A note about Kherson.",
            "2025-01-01T00:00:00+00:00",
            "Wire One",
        ),
    ]
    ingest(paths)
    with connect() as conn:
        conn.execute("UPDATE entries SET war_date = '0001-01-01'")
        conn.execute("UPDATE documents SET war_date = '0001-01-01'")
    second = write_file(
        tmp_path,
        "far",
        "Archive note on Kherson again",
        "Another note about Kherson.",
        "2025-01-02T00:00:00+00:00",
        "Wire Two",
    )
    ingest([second])
    with connect() as conn:
        conn.execute("UPDATE entries SET war_date = '9999-12-31' WHERE story_id IS NULL")
    assert link().get("stories_created") == 1
    with connect() as conn:
        conn.execute("UPDATE entries SET story_id = NULL")
        conn.execute("UPDATE entries SET war_date = '0001-01-01'")
    counts = link()  # both at year 1: still no arithmetic that overflows
    assert counts.get("stories_created", 0) + counts.get("entries_linked", 0) == 2


def test_canonical_event_counts_distinct_outlets(db_url: str, tmp_path: Path) -> None:
    text = "Russian drones struck Kharkiv overnight, wounding nine people."
    paths = [
        write_file(
            tmp_path, f"k{i}", "Drone attack on Kharkiv", text, "2025-04-27T06:00:00+00:00", outlet
        )
        for i, outlet in enumerate(["Wire One", "Wire Two", "Wire Two"])
    ]
    ingest(paths)
    link()
    with connect() as conn:
        rows = conn.execute(
            "SELECT event_type, places, outlet_count, report_count, sources "
            "FROM war_canonical_events"
        ).fetchall()
        events = conn.execute("SELECT count(*) AS n FROM events").fetchone()["n"]
    assert events >= 3 and rows
    top = max(rows, key=lambda r: r["report_count"])
    assert top["report_count"] == 3 and top["outlet_count"] == 2
    assert len(top["sources"]) == 3


def test_story_labels_are_short(db_url: str) -> None:
    from tests.conftest import SEEDS

    ingest([SEEDS])
    link()
    with connect() as conn:
        labels = [r["label"] for r in conn.execute("SELECT label FROM stories")]
    assert labels and all(0 < len(label) <= 91 for label in labels)


def test_linking_in_small_chunks_gives_the_same_stories(db_url: str, server_url: str) -> None:
    """A backfill links chunk by chunk (bounded memory); each chunk sees the last one's
    stories, so the stories come out as in one pass."""
    ingest([REPO / "seeds"])
    source = str(conninfo_to_dict(db_url)["dbname"])
    with cloned_database(server_url, source, f"{source}_onepass") as copy:
        with connect() as conn:
            chunked = pipeline.link_stories(conn, chunk=2)
            small = partition(conn)
        with connect(copy) as conn:
            whole = pipeline.link_stories(conn)
            one_pass = partition(conn)
    assert sum(chunked.values()) >= len(small) > 3
    assert small == one_pass and chunked["stories_created"] == whole["stories_created"]


def partition(conn: Conn) -> set[frozenset[str]]:
    """The live entries grouped by story, as sets of entry keys."""
    rows = conn.execute(
        "SELECT story_id, array_agg(entry_key) AS keys FROM entries WHERE is_live GROUP BY story_id"
    ).fetchall()
    return {frozenset(r["keys"]) for r in rows}


def test_a_capped_pool_still_gives_every_entry_a_story(
    db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On days of extreme volume a chunk is compared only with the most recent stored
    entries; linking still ends with every live entry in a story."""
    from warday import settings

    ingest([REPO / "seeds"])
    monkeypatch.setattr(settings, "STORY_POOL_MAX", 1)
    with connect() as conn:
        counts = pipeline.link_stories(conn, chunk=2)
        left = conn.execute(
            "SELECT count(*) AS n FROM entries WHERE is_live AND story_id IS NULL"
        ).fetchone()
        live = conn.execute("SELECT count(*) AS n FROM entries WHERE is_live").fetchone()
    assert left is not None and live is not None
    joined = counts.get("entries_linked", 0)
    assert left["n"] == 0 and counts["stories_created"] + joined == live["n"]


def test_stored_fingerprints_link_as_those_made_at_link_time(db_url: str, server_url: str) -> None:
    """Workers store each entry's fingerprint with its tags; the link step reads it back. A
    copy of the database without them (made from the text at link time, as for entries of an
    older version) gives the same stories, and the link step stores the fingerprints it made:
    the same as the workers'."""
    from warday.transform.cluster import fingerprint_version

    ingest([REPO / "seeds"])
    with connect() as conn:
        stored = conn.execute(
            "SELECT count(*) FILTER (WHERE fingerprint->>'v' = %s) AS current, count(*) AS n "
            "FROM entries WHERE is_live",
            (fingerprint_version(),),
        ).fetchone()
    assert stored is not None and stored["current"] == stored["n"] > 3
    source = str(conninfo_to_dict(db_url)["dbname"])
    with cloned_database(server_url, source, f"{source}_nofp") as copy:
        with connect() as conn:
            pipeline.link_stories(conn)
            from_stored = partition(conn)
            made_by_workers = fingerprints(conn)
        with connect(copy) as conn:
            conn.execute("UPDATE entries SET fingerprint = jsonb_build_object('v', 'old')")
            conn.commit()
            pipeline.link_stories(conn)
            from_text = partition(conn)
            made_at_link_time = fingerprints(conn)
    assert from_stored == from_text
    assert made_at_link_time == made_by_workers


def fingerprints(conn: Conn) -> dict[str, object]:
    """Each live entry's stored fingerprint by its key."""
    rows = conn.execute("SELECT entry_key, fingerprint FROM entries WHERE is_live").fetchall()
    return {r["entry_key"]: r["fingerprint"] for r in rows}


def test_new_tags_drop_the_stored_fingerprint(db_url: str) -> None:
    """A fingerprint holds the entry's tagged names: re-tagging that changes the tags lets it
    go (the link step makes it again); re-tagging to the same tags keeps it."""
    ingest([REPO / "seeds"])
    with connect() as conn:
        ids = [
            r["entry_id"]
            for r in conn.execute("SELECT entry_id FROM entries ORDER BY entry_id LIMIT 2")
        ]
        conn.execute(
            "UPDATE entries SET tags_hash = 'stale', tagger_version = 'rules-0' "
            "WHERE entry_id = %s",
            (ids[0],),
        )
        conn.execute("UPDATE entries SET tagger_version = 'rules-0' WHERE entry_id = %s", (ids[1],))
        conn.commit()
        pipeline.retag(conn)
        kept = {
            r["entry_id"]: r["fingerprint"] is not None
            for r in conn.execute(
                "SELECT entry_id, fingerprint FROM entries WHERE entry_id = ANY(%s)", (ids,)
            )
        }
    assert kept == {ids[0]: False, ids[1]: True}
