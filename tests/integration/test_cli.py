"""The `warday` command line against a real database."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, SEEDS
from warday.cli import main


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    assert main(list(argv)) == 0
    return capsys.readouterr().out


def test_ingest_export_status(db_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    out = run(capsys, "ingest", str(SEEDS), str(FIXTURES / "broken"))
    assert "landed=10" in out and "raw_failed=3" in out and "raw_processed=7" in out

    records = [json.loads(line) for line in run(capsys, "export").splitlines()]
    assert {1001, 1160, 1161} <= {r["war_day"] for r in records}
    first = records[0]
    assert set(first) >= {
        "entry_id",
        "seq",
        "war_day",
        "war_date",
        "date_source",
        "published_at",
        "outlet",
        "url",
        "headline",
        "text",
        "story_id",
        "events",
        "actors",
        "places",
        "figures",
    }
    for record in records:
        for tag in record["events"] + record["figures"]:
            assert record["text"][tag["start"] : tag["end"]] in tag["sentence"]
    since = records[-2]["seq"]
    assert [
        json.loads(x)["seq"] for x in run(capsys, "export", "--since", str(since)).splitlines()
    ] == [records[-1]["seq"]]

    status = run(capsys, "status")
    assert "success  cli-ingest:" in status and "open dead letters: 3" in status
    assert "laughs-feed.xml" in status and "entities" in status


def test_flags_override_sidecar(
    db_url: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    wire = tmp_path / "wire.txt"
    wire.write_text("Truce talk\n\nOfficials discussed a ceasefire on Monday.")
    (tmp_path / "wire.meta.json").write_text(
        '{"outlet": "Sidecar", "published": "2024-01-01T00:00:00Z"}'
    )
    run(
        capsys,
        "ingest",
        str(wire),
        "--outlet",
        "Flag Desk",
        "--published",
        "2025-04-28T12:00:00+03:00",
        "--url",
        "https://example.org/w",
    )
    (record,) = [json.loads(line) for line in run(capsys, "export").splitlines()]
    assert (record["outlet"], record["war_day"], record["url"]) == (
        "Flag Desk",
        1160,
        "https://example.org/w",
    )


def test_mostly_failing_batch_exits_nonzero(
    db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["ingest", str(FIXTURES / "broken")]) == 3
    assert "3 of 4 documents failed" in capsys.readouterr().err
    assert "open dead letters: 3" in run(capsys, "status")


def test_migrate_and_summary(db_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert "nothing (up to date)" in run(capsys, "migrate")
    run(capsys, "ingest", str(SEEDS))
    summary = run(capsys, "summary")
    assert "day 1,160" in summary and "ASSAULT" in summary and "dead letters (open): 0" in summary


def test_reprocess_tag_stage(db_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    run(capsys, "ingest", str(SEEDS))
    assert "retag:   nothing to do" in run(capsys, "reprocess", "--stage", "tag")
    out = run(capsys, "reprocess", "--stage", "tag", "--everything")
    assert "entries_tags_unchanged=" in out and "entries_retagged=" not in out


def test_workers_share_the_process_step(db_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    """`--workers 2`: two processes claim batches of one queue; the run holds their summed
    counts, and processing everything again alone finds every entry as they wrote it."""
    from warday.ingest.local import discover
    from warday.store.db import connect

    out = run(capsys, "ingest", str(SEEDS), "--workers", "2")
    files = len(discover([SEEDS])[0])
    assert f"raw_processed={files}" in out
    with connect() as conn:
        process = conn.execute(
            "SELECT counts -> 'process' AS p FROM pipeline_runs WHERE run_key LIKE 'cli-ingest:%'"
        ).fetchone()["p"]
        live = conn.execute("SELECT count(*) AS n FROM entries WHERE is_live").fetchone()["n"]
    assert process["raw_processed"] == files and process["entries_written"] == live
    again = run(capsys, "reprocess", "--stage", "all")
    assert f"entries_unchanged={live}" in again and "entries_written" not in again


def test_failing_documents_among_workers_fail_the_step(
    db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """However the documents fall to the workers (one may take all the bad ones and fail its
    own share, or each may stay under the bar and their sum cross it), the step fails with
    exit 3 and the run records why."""
    from warday.store.db import connect

    assert main(["ingest", str(FIXTURES / "broken"), "--workers", "2"]) == 3
    failed = re.compile(r"3 of [34] documents failed")
    assert failed.search(capsys.readouterr().err)
    with connect() as conn:
        run_row = conn.execute(
            "SELECT status, counts -> 'process' AS p FROM pipeline_runs"
        ).fetchone()
    assert run_row["status"] == "failed" and failed.search(run_row["p"]["error"])


def test_a_bad_worker_count_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stop:
        main(["ingest", str(SEEDS), "--workers", "0"])
    assert stop.value.code == 2 and "expected 1 to" in capsys.readouterr().err
