"""Real reporting: ingest the labelled development set and print the scorer's figures.

Usage::

    python -m bench.realtext --dir ../shared/realtext

Lands ``DIR/texts`` (documents and their sidecars) into a scratch database created on the
server of ``DATABASE_URL`` (else the embedded one) and dropped afterwards, processes them
as ``warday ingest`` does, exports the entries as ``warday export --format jsonl`` does and
runs the set's own scorer (``DIR/score.py``, used by path, never copied) on the export. Its
report is printed as it comes; the last line is the scorer's
``real: dating=<x> segmentation=<y> actors=<r> places=<r> figures=<r> evidence=<e>``.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

import psycopg
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict, make_conninfo
from psycopg.rows import dict_row

from warday import pipeline, report
from warday.store.db import database_url
from warday.store.migrate import migrate

REPO = Path(__file__).resolve().parent.parent
_FIGURES = re.compile(r"^real: (.*)$", re.MULTILINE)


def shared_dir() -> Path:
    """The shared folder beside the repository, or the one WARDAY_SHARED names."""
    return Path(os.environ.get("WARDAY_SHARED") or REPO.parent / "shared")


def export_to(folder: Path, url: str, out: Path) -> dict[str, int]:
    """Ingest ``folder`` into the database at ``url`` and write its JSONL export to ``out``."""
    with psycopg.connect(url, row_factory=dict_row) as conn:
        migrate(conn)
        pipeline.land_paths(conn, [folder])
        counts = pipeline.process_pending(conn, datetime.now(UTC).date())
        with out.open("w", encoding="utf-8") as fh:
            for record in report.export_entries(conn, 0):
                fh.write(report.to_json(record) + "\n")
    return counts


def score(data_dir: Path, export: Path) -> tuple[str, dict[str, float]]:
    """The scorer's report on an export, and its figures from the last line."""
    done = subprocess.run(
        [sys.executable, str(data_dir / "score.py"), str(export), str(data_dir / "labels.json")],
        capture_output=True,
        text=True,
        check=False,
    )
    found = _FIGURES.findall(done.stdout)
    if not found:
        raise RuntimeError(f"scorer printed no figures: {done.stderr.strip()[-500:]}")
    figures = {k: float(v) for k, v in re.findall(r"(\w+)=([\d.]+)", found[-1])}
    return done.stdout, figures


def run(data_dir: Path, url: str) -> dict[str, float]:
    """Ingest, export and score the set in a scratch database on the server of ``url``."""
    name = f"warday_realtext_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(url, autocommit=True) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    scratch = make_conninfo("", **{**conninfo_to_dict(url), "dbname": name})
    try:
        with tempfile.TemporaryDirectory() as tmp:
            export = Path(tmp) / "export.jsonl"
            started = time.perf_counter()
            counts = export_to(data_dir / "texts", scratch, export)
            took = time.perf_counter() - started
            text, figures = score(data_dir, export)
    finally:
        with psycopg.connect(url, autocommit=True) as admin:
            admin.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )
    print(
        f"ingested {counts.get('documents', 0)} documents into "
        f"{counts.get('entries_written', 0)} entries in {took:.1f} s"
    )
    print(text.rstrip())
    return figures


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark on a development set and print its figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--dir", type=Path, default=shared_dir() / "realtext")
    args = parser.parse_args(argv)
    if not (args.dir / "score.py").exists():
        print(f"no development set at {args.dir} (needs texts/, labels.json, score.py)")
        return 2
    run(args.dir, database_url())
    return 0


if __name__ == "__main__":
    sys.exit(main())
