"""The pipeline against a real PostgreSQL: seeds in, entries out, idempotent, dead letters."""

from __future__ import annotations

import shutil
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, SEEDS
from warday import pipeline, report
from warday.ingest.local import discover
from warday.store.db import Conn, connect

DATA_TABLES = (
    "raw_documents",
    "documents",
    "entries",
    "events",
    "figures",
    "actor_mentions",
    "place_mentions",
    "stories",
    "dead_letters",
    "entry_changes",
)


def run_once(paths: list[Path], overrides: dict | None = None) -> dict[str, dict[str, int]]:
    with connect() as conn:
        landed = pipeline.land_paths(conn, paths, overrides)
        processed = pipeline.process_pending(conn, date(2025, 6, 1))
        linked = pipeline.link_stories(conn)
    return {"land": landed, "process": processed, "link": linked}


def table_counts(conn: Conn) -> dict[str, int]:
    return {
        t: conn.execute(f"SELECT count(*) AS n FROM {t}").fetchone()["n"]  # noqa: S608
        for t in DATA_TABLES
    }


def entries_by_outlet(conn: Conn) -> dict[str, list[tuple]]:
    rows = conn.execute(
        "SELECT d.outlet, e.war_day, e.date_source, e.headline FROM entries e "
        "JOIN documents d USING (document_id) WHERE e.is_live ORDER BY e.entry_id"
    ).fetchall()
    grouped: dict[str, list[tuple]] = {}
    for r in rows:
        grouped.setdefault(r["outlet"], []).append((r["war_day"], r["date_source"], r["headline"]))
    return grouped


def test_seeds_become_dated_entries(db_url: str) -> None:
    counts = run_once([SEEDS])
    assert "raw_failed" not in counts["process"]
    with connect() as conn:
        got = entries_by_outlet(conn)
    digest = got["Frontline Digest"]
    assert {d for d, *_ in digest} == {1160, 1001}
    assert sum(1 for d, *_ in digest if d == 1160) >= 6  # lead + sub-stories
    assert all(src == "day_number" for _, src, _ in digest)
    assert got["Eastern Ledger"] == [(1160, "metadata", got["Eastern Ledger"][0][2])]
    assert [(d, s) for d, s, _ in got["Pacific Wire"]] == [(1160, "metadata")]
    assert len(got["Kyiv Wire"]) == 4 and len(got["Europe Desk"]) == 3
    day_1161 = [e for e in got["Kyiv Wire"] if "1,161" in e[2]]
    assert day_1161 and day_1161[0][:2] == (1161, "day_number")


def test_second_run_writes_nothing(db_url: str) -> None:
    run_once([SEEDS])
    with connect() as conn:
        before = table_counts(conn)
    again = run_once([SEEDS])
    assert again["land"]["unchanged"] == again["land"]["files"]
    assert again["process"] == {}
    with connect() as conn:
        assert table_counts(conn) == before


def test_bad_input_is_dead_lettered_and_batch_continues(db_url: str) -> None:
    counts = run_once([FIXTURES / "broken", SEEDS])
    assert counts["process"]["raw_failed"] == 3
    assert counts["process"]["raw_processed"] == len(discover([SEEDS])[0]) + 1
    with connect() as conn:
        letters = {
            r["locator"].rsplit("/", 1)[-1]: r
            for r in conn.execute("SELECT * FROM dead_letters WHERE resolved_at IS NULL")
        }
        assert letters["truncated-feed.xml"]["error_class"] == "FeedError"
        assert "entities" in letters["laughs-feed.xml"]["message"]
        assert letters["latin1-digest.txt"]["error_class"] == "ParseError"
        days = {r["war_day"] for r in conn.execute("SELECT war_day FROM entries")}
    assert {1001, 1160, 1161} <= days  # seeds and the good fixture


def test_mostly_failing_batch_fails_but_keeps_dead_letters(db_url: str) -> None:
    with connect() as conn:
        pipeline.land_paths(conn, [FIXTURES / "broken"])
        with pytest.raises(pipeline.BatchFailed, match="3 of 4 documents failed"):
            pipeline.process_pending(conn, date(2025, 6, 1))
    with connect() as conn:
        assert conn.execute("SELECT count(*) AS n FROM dead_letters").fetchone()["n"] == 3
        assert conn.execute("SELECT count(*) AS n FROM entries").fetchone()["n"] == 3


def test_fixed_file_is_picked_up(db_url: str, tmp_path: Path) -> None:
    bad = tmp_path / "digest.txt"
    bad.write_bytes((FIXTURES / "broken" / "latin1-digest.txt").read_bytes())
    run_once([tmp_path])
    shutil.copy(FIXTURES / "broken" / "good-digest.txt", bad)
    counts = run_once([tmp_path])
    assert counts["process"]["raw_processed"] == 1
    with connect() as conn:
        assert (
            conn.execute(
                "SELECT count(*) AS n FROM dead_letters WHERE resolved_at IS NULL"
            ).fetchone()["n"]
            == 0
        )
        assert conn.execute("SELECT count(*) AS n FROM entries").fetchone()["n"] == 3


def test_bad_sidecar_is_dead_lettered(db_url: str, tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("Day 5: x\n\nbody text")
    (tmp_path / "a.meta.json").write_text("{not json")
    counts = run_once([tmp_path])
    assert counts["land"]["failed"] == 1
    with connect() as conn:
        (row,) = conn.execute("SELECT stage, error_class, message FROM dead_letters").fetchall()
    assert row["stage"] == "land" and row["error_class"] == "SidecarError"


def test_revised_digest_updates_entries(db_url: str, tmp_path: Path) -> None:
    digest = tmp_path / "d.txt"
    text = (FIXTURES / "broken" / "good-digest.txt").read_text()
    digest.write_text(text)
    run_once([digest], {"url": "https://example.org/d"})
    revised = text.replace("52 Russian attacks", "61 Russian attacks").split("\n\nTalks on")[0]
    digest.write_text(revised + "\n")
    counts = run_once([digest], {"url": "https://example.org/d"})
    assert counts["process"]["entries_written"] == 1
    assert counts["process"]["entries_retracted"] == 1
    with connect() as conn:
        changes = conn.execute("SELECT op, seq FROM entry_changes ORDER BY seq").fetchall()
        ops = [r["op"] for r in changes]
        live = conn.execute("SELECT count(*) AS n FROM entries WHERE is_live").fetchone()["n"]
        raws = conn.execute("SELECT previous_raw_id FROM raw_documents ORDER BY raw_id").fetchall()
    # three entries written, then given their stories; then one revised, one retracted
    assert ops == ["upsert"] * 6 + ["upsert", "retract"]
    assert live == 2
    with connect() as conn:
        feed = list(report.export_entries(conn, since=changes[5]["seq"]))
    assert [r["op"] for r in feed] == ["upsert", "retract"]
    assert set(feed[1]) == {"op", "entry_id", "seq"}
    assert raws[1]["previous_raw_id"] is not None


def test_export_evidence_offsets(db_url: str) -> None:
    run_once([SEEDS])
    with connect() as conn:
        records = list(report.export_entries(conn))
    assert records and [r["seq"] for r in records] == sorted(r["seq"] for r in records)
    checked = 0
    for record in records:
        text = record["text"]
        for ev in record["events"]:
            assert text[ev["start"] : ev["end"]] == ev["sentence"]
            checked += 1
        for tag in record["actors"] + record["places"]:
            assert text[tag["start"] : tag["end"]] == tag["surface"]
            checked += 1
        for fig in record["figures"]:
            assert text[fig["start"] : fig["end"]] in fig["sentence"]
            checked += 1
    assert checked > 50


def test_wire_story_links_to_digest_sub_story(db_url: str) -> None:
    run_once([SEEDS])
    with connect() as conn:
        rows = conn.execute(
            "SELECT d.outlet, e.story_id FROM entries e JOIN documents d USING (document_id) "
            "WHERE e.headline ILIKE %s OR d.outlet IN ('Pacific Wire', 'Eastern Ledger')",
            ("%North Korea confirms%",),
        ).fetchall()
    assert {r["outlet"] for r in rows} == {"Frontline Digest", "Pacific Wire", "Eastern Ledger"}
    assert len({r["story_id"] for r in rows}) == 1


@pytest.mark.parametrize("since", [0])
def test_export_since_cursor(db_url: str, since: int) -> None:
    run_once([SEEDS])
    with connect() as conn:
        records = list(report.export_entries(conn, since))
        last = records[len(records) // 2]["seq"]
        later = list(report.export_entries(conn, last))
    assert later and all(r["seq"] > last for r in later)


def test_distinct_happenings_stay_apart(db_url: str) -> None:
    run_once([SEEDS])
    with connect() as conn:
        digest = conn.execute(
            "SELECT e.story_id FROM entries e JOIN documents d USING (document_id) "
            "WHERE d.title LIKE 'Day 1,160%%'"
        ).fetchall()
        drones = conn.execute(
            "SELECT story_id FROM entries WHERE headline ILIKE 'Drone%%'"
        ).fetchall()
    assert len({r["story_id"] for r in digest}) == len(digest)  # sub-stories never merge
    assert len(drones) == 2 and drones[0]["story_id"] != drones[1]["story_id"]


def test_inserted_sub_story_leaves_others_untouched(db_url: str, tmp_path: Path) -> None:
    digest = tmp_path / "d.txt"
    text = (FIXTURES / "broken" / "good-digest.txt").read_text()
    digest.write_text(text)
    run_once([digest], {"url": "https://example.org/d"})
    inserted = text.replace(
        "Talks on a ceasefire",
        "Strike on Odesa port\n\nA Russian missile hit port facilities in Odesa overnight.\n\n"
        "Talks on a ceasefire",
    )
    digest.write_text(inserted)
    counts = run_once([digest], {"url": "https://example.org/d"})
    assert counts["process"]["entries_written"] == 1
    assert counts["process"]["entries_unchanged"] == 3
    assert "entries_retracted" not in counts["process"]
    with connect() as conn:
        rows = conn.execute("SELECT ordinal, headline FROM entries ORDER BY ordinal").fetchall()
    assert [r["headline"] for r in rows][1:] == [
        "Assaults near Pokrovsk",
        "Strike on Odesa port",
        "Talks on a ceasefire",
    ]


def test_retag_after_tagger_upgrade(db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    run_once([SEEDS])
    with connect() as conn:
        assert pipeline.retag(conn) == {}  # everything is current
        before = conn.execute("SELECT max(seq) AS s FROM entry_changes").fetchone()["s"]
        events = conn.execute("SELECT count(*) AS n FROM events").fetchone()["n"]
        live = conn.execute("SELECT count(*) AS n FROM entries WHERE is_live").fetchone()["n"]
    monkeypatch.setattr(pipeline, "TAGGER_VERSION", "rules-next")
    with connect(autocommit=True) as conn:
        # A new tagger that says the same: new version stamps, nothing for consumers.
        assert pipeline.retag(conn) == {"entries_tags_unchanged": live}
        versions = {
            r["tagger_version"]
            for r in conn.execute(
                "SELECT tagger_version FROM events UNION SELECT tagger_version FROM entries"
            )
        }
        assert versions == {"rules-next"}
        assert conn.execute("SELECT count(*) AS n FROM events").fetchone()["n"] == events
        assert feed_after(conn, before) == 0
        # Re-tagging everything with the same tagger writes nothing at all.
        stamp = "SELECT max(updated_at) AS t FROM entries"
        untouched = conn.execute(stamp).fetchone()["t"]
        assert pipeline.retag(conn, everything=True) == {"entries_tags_unchanged": live}
        assert conn.execute(stamp).fetchone()["t"] == untouched
        assert feed_after(conn, before) == 0
        with_figures = conn.execute("SELECT count(DISTINCT entry_id) AS n FROM figures").fetchone()[
            "n"
        ]
    real_tag = pipeline.tag
    monkeypatch.setattr(
        pipeline, "tag", lambda text, **kw: replace(real_tag(text, **kw), figures=())
    )
    with connect(autocommit=True) as conn:
        # A tagger that says something else: those entries are rewritten and announced.
        assert pipeline.retag(conn, everything=True) == {
            "entries_retagged": with_figures,
            "entries_tags_unchanged": live - with_figures,
        }
        assert conn.execute("SELECT count(*) AS n FROM figures").fetchone()["n"] == 0
        assert feed_after(conn, before) == with_figures


def feed_after(conn: Conn, seq: int) -> int:
    """Change-feed rows after seq."""
    return conn.execute(
        "SELECT count(*) AS n FROM entry_changes WHERE seq > %s", (seq,)
    ).fetchone()["n"]


def test_reprocess_all_from_stored_bytes_is_stable(db_url: str) -> None:
    from warday.store import repo

    run_once([SEEDS])
    with connect() as conn:
        before = table_counts(conn)
        assert repo.requeue_processed(conn) == len(discover([SEEDS])[0])
        conn.commit()
        counts = pipeline.process_pending(conn, date(2025, 6, 1))
        after = table_counts(conn)
    assert counts["entries_unchanged"] == before["entries"] and "entries_written" not in counts
    assert after == before


def test_json_records_and_status_report(db_url: str, tmp_path: Path) -> None:
    lines = tmp_path / "wire.jsonl"
    lines.write_text(
        '{"title": "Day 1,160: Truce offer", "text": "Putin ordered a ceasefire.", '
        '"url": "https://example.org/j1", "published": "2025-04-28T20:00:00+03:00"}\n'
        '{"title": "Kharkiv hit", "text": "Russian drones hit Kharkiv, wounding 9 people.", '
        '"url": "https://example.org/j2", "published": "2025-04-29T08:00:00+00:00"}\n'
    )
    (tmp_path / "one.json").write_text('{"title": "No text"}')
    counts = run_once([tmp_path], {"outlet": "JSON Desk"})
    assert counts["process"] == {**counts["process"], "raw_processed": 1, "raw_failed": 1}
    with connect() as conn:
        rows = conn.execute(
            "SELECT d.outlet, e.war_day, e.date_source FROM entries e "
            "JOIN documents d USING (document_id) ORDER BY e.war_day"
        ).fetchall()
        text = report.status(conn)
    assert [(r["war_day"], r["date_source"]) for r in rows] == [
        (1160, "day_number"),
        (1161, "metadata"),
    ]
    assert "open dead letters: 1" in text and "needs an object with a non-empty 'text'" in text


def test_datelines_and_page_metadata_are_fields(db_url: str) -> None:
    run_once([SEEDS])
    with connect() as conn:
        wire = conn.execute(
            "SELECT dateline, clean_text FROM documents WHERE outlet = 'Pacific Wire'"
        ).fetchone()
        page = conn.execute(
            "SELECT title, author, url, published_at, language FROM documents "
            "WHERE outlet = 'Eastern Ledger'"
        ).fetchone()
    assert wire["dateline"].startswith("SEOUL") and not wire["clean_text"].startswith("SEOUL")
    assert page["url"] == "https://example.net/world/2025/04/28/north-korea-kursk"
    assert (
        page["author"]
        and page["title"]
        and page["published_at"].isoformat().startswith("2025-04-28T09:30")
    )


def test_pathological_page_is_a_bounded_dead_letter(db_url: str, tmp_path: Path) -> None:
    depth = 50_000
    page = "<html><body>" + "<div>" * depth + "deep text" + "</div>" * depth + "</body></html>"
    (tmp_path / "deep.html").write_text(page)
    (tmp_path / "ok.txt").write_text("Day 1,160: Fine\n\nRussian drones hit Kharkiv overnight.")
    counts = run_once([tmp_path])
    assert counts["process"]["raw_failed"] == 1 and counts["process"]["raw_processed"] == 1
    with connect() as conn:
        letter = conn.execute("SELECT error_class, message FROM dead_letters").fetchone()
        entries = conn.execute("SELECT count(*) AS n FROM entries").fetchone()["n"]
    assert letter["error_class"] == "ExtractionError"
    assert "pathological nesting" in letter["message"]
    assert entries == 1  # no empty entry for the deep page


def test_seed_digest_tags(db_url: str) -> None:
    run_once([SEEDS])
    with connect() as conn:
        records = {r["headline"]: r for r in report.export_entries(conn)}
    strike = records["Drone strike on Pavlohrad kills three"]
    assert any(
        e["type"] == "ASSAULT"
        and e["mode"] == "drone"
        and "Pavlohrad" in e["places"]
        and e["acled_sub_event_type"] == "Air/drone strike"
        for e in strike["events"]
    )
    figures = {(f["kind"], f["low"], f["qualifier"]) for f in strike["figures"]}
    assert {("killed", 3, "at_least"), ("wounded", 12, None)} <= figures
    korea = records["North Korea confirms its troops fought in Kursk"]
    assert {"Kim Jong Un", "Korean People's Army", "Vladimir Putin"} <= {
        a["name"] for a in korea["actors"]
    }
    assert "Kursk Oblast" in {p["name"] for p in korea["places"]}
    (troops,) = [f for f in korea["figures"] if f["kind"] == "troops"]
    assert (troops["low"], troops["qualifier"], troops["subject"]) == (
        11000,
        "about",
        "North Korean soldiers",
    )
    assert korea["text"][troops["start"] : troops["end"]] == "about 11,000 North Korean soldiers"
    for record in (strike, korea):
        for tag in record["actors"] + record["places"]:
            assert record["text"][tag["start"] : tag["end"]] == tag["surface"]


def test_revert_to_an_earlier_version_is_processed(db_url: str, tmp_path: Path) -> None:
    digest = tmp_path / "d.txt"
    first = (FIXTURES / "broken" / "good-digest.txt").read_text()
    second = first.replace("52 Russian attacks", "61 Russian attacks")
    for text in (first, second, first):
        digest.write_text(text)
        counts = run_once([digest])
        assert counts["land"]["landed"] == 1
    with connect() as conn:
        body = conn.execute(
            "SELECT text FROM entries WHERE headline = 'Assaults near Pokrovsk'"
        ).fetchone()["text"]
        raws = conn.execute(
            "SELECT raw_id, is_current, previous_raw_id FROM raw_documents ORDER BY raw_id"
        ).fetchall()
    assert "52 Russian attacks" in body
    assert [r["is_current"] for r in raws] == [True, False]  # the first version, revived
    assert raws[0]["previous_raw_id"] == raws[1]["raw_id"]  # ...and it follows the second


def test_identical_bytes_in_two_files_are_two_documents(db_url: str, tmp_path: Path) -> None:
    for name, outlet in (("a", "Desk A"), ("b", "Desk B")):
        (tmp_path / f"{name}.txt").write_bytes(
            (FIXTURES / "broken" / "good-digest.txt").read_bytes()
        )
        (tmp_path / f"{name}.meta.json").write_text(f'{{"outlet": "{outlet}"}}')
    run_once([tmp_path])
    with connect() as conn:
        outlets = [
            r["outlet"] for r in conn.execute("SELECT outlet FROM documents ORDER BY outlet")
        ]
    assert outlets == ["Desk A", "Desk B"]


def test_two_tasks_landing_one_document_take_turns(db_url: str) -> None:
    import threading
    from datetime import UTC, datetime

    from warday.store import repo

    results: list[bool] = []
    barrier = threading.Barrier(2)

    def land(body: bytes) -> None:
        with connect() as conn:
            barrier.wait()
            results.append(
                repo.insert_raw(
                    conn,
                    doc_key="https://example.org/same",
                    body=body,
                    media_type="text/plain",
                    meta={},
                    fetched_at=datetime.now(UTC),
                )
            )

    threads = [threading.Thread(target=land, args=(b,)) for b in (b"one", b"two")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [True, True]
    with connect() as conn:
        rows = conn.execute("SELECT is_current FROM raw_documents").fetchall()
    assert sorted(r["is_current"] for r in rows) == [False, True]


def test_statements_are_planned_for_their_own_values(db_url: str) -> None:
    """A worker's prepared statements never fall back on a generic plan. One made while the
    tables were small (a fresh database, the start of a backfill) keeps its small-table
    estimates until statistics are gathered again; once the tables grow it looks cheaper than
    the custom plans and is chosen: a tag delete then scanned every tag row, each time."""
    from warday.store import repo
    from warday.transform.tagging import TAGGER_VERSION, tag

    run_once([SEEDS / "wire-kursk-confirmation.txt"])
    tags = tag("Russia launched 40 drones at Kharkiv overnight, Ukraine's air force said.")
    with connect() as conn:
        entry = conn.execute("SELECT min(entry_id) AS id FROM entries").fetchone()
        assert entry is not None
        for _ in range(15):  # past the client's and the server's thresholds for plan caching
            repo.replace_tags(conn, entry["id"], tags, TAGGER_VERSION)
        conn.execute(
            "INSERT INTO actor_mentions (entry_id, name, kind, surface, sentence, char_start, "
            "char_end, tagger_version) SELECT %s, 'n', 'k', 's', 's', 0, 1, 'v' "
            "FROM generate_series(1, 30000)",
            (entry["id"],),
        )
        for _ in range(10):
            repo.replace_tags(conn, entry["id"], tags, TAGGER_VERSION)
        plans = conn.execute(
            "SELECT generic_plans, custom_plans FROM pg_prepared_statements "
            "WHERE statement LIKE '%%DELETE FROM events%%'"
        ).fetchall()
        conn.rollback()
    assert plans and all(p["generic_plans"] == 0 and p["custom_plans"] > 0 for p in plans)


def test_claims_shrink_as_the_queue_drains(db_url: str, tmp_path: Path) -> None:
    """A claim takes a full batch while much is pending, then at most a quarter of what is
    left: two workers finish together rather than one waiting on the other's last batch."""
    from warday.store import repo

    for i in range(10):
        (tmp_path / f"item-{i}.txt").write_text(f"Item {i}\nDrones struck Kharkiv, item {i}.")
    with connect() as conn:
        pipeline.land_paths(conn, [tmp_path])
        conn.commit()
    version = pipeline.PIPELINE_VERSION
    with connect() as first, connect() as second:
        mine = repo.claim_pending(first, version, 8)
        theirs = repo.claim_pending(second, version, 8)  # the first claim's rows are skipped
        assert len(mine) == len(theirs) == 3  # a quarter of the 10 pending, rounded up
        assert not {r["raw_id"] for r in mine} & {r["raw_id"] for r in theirs}
    with connect() as conn:
        conn.execute(
            "UPDATE raw_documents SET status = 'processed' WHERE raw_id IN "
            "(SELECT raw_id FROM raw_documents ORDER BY raw_id LIMIT 9)"
        )
        assert len(repo.claim_pending(conn, version, 8)) == 1
    with connect() as conn:
        conn.execute("UPDATE raw_documents SET status = 'pending'")
        for i in range(30):
            (tmp_path / f"more-{i}.txt").write_text(f"More {i}\nShelling hit Kherson, {i}.")
        pipeline.land_paths(conn, [tmp_path])
        assert len(repo.claim_pending(conn, version, 8)) == 8  # 40 pending: a full batch
