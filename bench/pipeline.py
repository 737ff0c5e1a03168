"""Pipeline throughput: land and process synthetic day digests in a scratch database.

Usage::

    python -m bench.pipeline [--docs N]

Makes N plain-text digests from the seed digests (each with its own URL, so each is its own
document), then measures in one process, on a scratch database created on the server of
``DATABASE_URL`` (else the embedded one) and dropped afterwards:

* landing (files to ``raw_documents``) and processing (extraction, dating, segmentation,
  tagging and the writes) in documents and entries per second;
* the link step (stories) in milliseconds per entry linked;
* peak RSS of this process (one worker) after landing and processing, and after linking
  (``--no-link`` leaves the link step out, for when it is too slow at that size);
* ``warday export`` of everything in a child process: entries per second and its peak RSS;
* the tag-write path as warday runs it (one statement per entry batch, rows as JSON) against a
  baseline of one ``execute`` round trip per tag row, on the same tags.

The tag-write comparison uses at most the first 2,000 entries. Last line:
``pipeline docs_per_s=<a> entries_per_s=<b> link_ms_per_entry=<c> peak_rss_mb=<d>
export_peak_rss_mb=<e> tag_rows_per_s=<f> baseline_tag_rows_per_s=<g>``.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import asdict
from datetime import date
from pathlib import Path

import psycopg
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from warday import pipeline
from warday.store import repo
from warday.store.db import Conn, connect, database_url
from warday.store.migrate import migrate
from warday.store.queries import q
from warday.transform.tagging import TAGGER_VERSION, Tags, tag

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO / "seeds"
TAG_WRITE_ENTRIES = 2000


def write_digests(folder: Path, count: int) -> None:
    """``count`` digests cycling over the seed digests, each with its own URL sidecar."""
    sources = sorted(SEEDS.glob("digest-*.txt"))
    for i in range(count):
        text = sources[i % len(sources)].read_text(encoding="utf-8")
        (folder / f"d{i:05d}.txt").write_text(text, encoding="utf-8")
        url = f'{{"url": "https://example.org/bench/{i}", "outlet": "Bench"}}'
        (folder / f"d{i:05d}.meta.json").write_text(url, encoding="utf-8")


def per_row_tags(conn: Conn, entry_id: int, tags: Tags) -> None:
    """Baseline: the same rows as repo.replace_tags, one round trip each."""
    conn.execute(q("clear_tags"), {"entry_id": entry_id})
    stamp = {"entry_id": entry_id, "tagger_version": TAGGER_VERSION}
    for t in tags.events:
        row = {
            **asdict(t),
            **stamp,
            "actors": list(t.actors),
            "recipients": list(t.recipients),
            "places": list(t.places),
        }
        conn.execute(q("insert_event"), row)
    for name, items in (
        ("insert_figure", tags.figures),
        ("insert_actor_mention", tags.actors),
        ("insert_place_mention", tags.places),
    ):
        for item in items:
            conn.execute(q(name), {**asdict(item), **stamp})


def time_tag_writes(conn: Conn) -> tuple[float, float, int]:
    """Seconds for warday's tag writes and for the per-row baseline, and the rows written."""
    entries = conn.execute(
        "SELECT entry_id, text FROM entries ORDER BY entry_id LIMIT %s", (TAG_WRITE_ENTRIES,)
    ).fetchall()
    tagged = [(e["entry_id"], tag(e["text"])) for e in entries]
    rows = sum(len(t.events) + len(t.figures) + len(t.actors) + len(t.places) for _, t in tagged)
    timings = []
    for write in (
        lambda i, t: repo.replace_tags(conn, i, t, TAGGER_VERSION),
        lambda i, t: per_row_tags(conn, i, t),
    ):
        started = time.perf_counter()
        with conn.transaction():
            for entry_id, tags in tagged:
                write(entry_id, tags)
        timings.append(time.perf_counter() - started)
    return timings[0], timings[1], rows


# The child reports its own high-water mark (VmHWM): the rusage of a child counts the memory
# of the parent it was forked from, which after a large link step is not the export's.
_EXPORT_CHILD = """
import sys
from warday.cli import main
code = main(["export"])
sys.stdout.flush()
with open("/proc/self/status") as status:
    peak = [line.split()[1] for line in status if line.startswith("VmHWM:")]
sys.stderr.write(f"export_peak_kb={peak[0] if peak else -1}\\n")
sys.exit(code)
"""


def time_export(url: str) -> tuple[int, float, float]:
    """`warday export` of everything in a child process: lines, seconds, peak RSS (MB)."""
    env = {**os.environ, "DATABASE_URL": url, "PYTHONPATH": str(REPO)}
    started = time.perf_counter()
    with tempfile.TemporaryFile() as errors:  # a file, not a pipe: it never blocks the child
        child = subprocess.Popen(
            [sys.executable, "-c", _EXPORT_CHILD], env=env, stdout=subprocess.PIPE, stderr=errors
        )
        out = child.stdout
        assert out is not None
        lines = 0
        while chunk := out.read(1 << 16):
            lines += chunk.count(b"\n")
        _, status, usage = os.wait4(child.pid, 0)
        child.returncode = os.waitstatus_to_exitcode(status)
        errors.seek(0)
        err = errors.read().decode(errors="replace")
    if child.returncode != 0:
        raise RuntimeError(f"warday export exited with {child.returncode}: {err[-500:]}")
    found = re.search(r"export_peak_kb=(\d+)", err)
    peak_kb = int(found[1]) if found else usage.ru_maxrss  # no /proc: the rusage figure
    return lines, time.perf_counter() - started, peak_kb / 1024


def run(docs: int, url: str, link: bool = True) -> str:
    """Benchmark against a fresh database on the server of ``url``; returns the last line."""
    name = f"warday_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(url, autocommit=True) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    bench_url = make_conninfo("", **{**conninfo_to_dict(url), "dbname": name})
    try:
        with (
            connect(bench_url) as conn,
            tempfile.TemporaryDirectory() as tmp,
        ):
            migrate(conn)
            write_digests(Path(tmp), docs)
            started = time.perf_counter()
            landed = pipeline.land_paths(conn, [Path(tmp)])
            land_s = time.perf_counter() - started
            started = time.perf_counter()
            counts = pipeline.process_pending(conn, date(2025, 6, 1))
            process_s = time.perf_counter() - started
            process_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            started = time.perf_counter()
            linked = pipeline.link_stories(conn) if link else {}
            link_s = time.perf_counter() - started
            peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            exported, export_s, export_mb = time_export(bench_url)
            fast_s, slow_s, rows = time_tag_writes(conn)
    finally:
        with psycopg.connect(url, autocommit=True) as admin:
            admin.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )
    entries = counts.get("entries_written", 0)
    link_ms = f"{1000 * link_s / max(1, sum(linked.values())):.2f}" if link else "skipped"
    print(
        f"landed {landed.get('landed', 0)} files in {land_s:.2f} s "
        f"({landed.get('landed', 0) / land_s:.0f} files/s)"
    )
    print(
        f"processed {counts.get('documents', 0)} documents, {entries} entries in {process_s:.2f} s"
    )
    print(f"linked {sum(linked.values())} entries in {link_s:.2f} s ({link_ms} ms/entry)")
    print(f"peak RSS after land and process: {process_mb:.0f} MB; after link: {peak_mb:.0f} MB")
    print(
        f"export: {exported} entries in {export_s:.2f} s ({exported / export_s:.0f} entries/s), "
        f"peak RSS {export_mb:.0f} MB"
    )
    print(
        f"tag writes: one statement per batch {rows / fast_s:.0f} rows/s, per-row baseline "
        f"{rows / slow_s:.0f} rows/s (ratio {slow_s / fast_s:.2f}x)"
    )
    return (
        f"pipeline docs_per_s={docs / process_s:.1f} entries_per_s={entries / process_s:.1f}"
        f" link_ms_per_entry={link_ms} peak_rss_mb={peak_mb:.0f}"
        f" export_peak_rss_mb={export_mb:.0f} tag_rows_per_s={rows / fast_s:.0f}"
        f" baseline_tag_rows_per_s={rows / slow_s:.0f}"
    )


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print its figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--docs", type=int, default=200)
    parser.add_argument("--no-link", action="store_true", help="leave the link step out")
    args = parser.parse_args(argv)
    print(run(args.docs, database_url(), link=not args.no_link))
    return 0


if __name__ == "__main__":
    sys.exit(main())
