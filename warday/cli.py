"""The `warday` command line: ingest, run, nightly, export, status, summary, migrate."""

from __future__ import annotations

import argparse
import logging
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

from warday import config, report, steps
from warday.pipeline import BatchFailed
from warday.store.db import connect, database_url, redact


def main(argv: list[str] | None = None) -> int:
    """Entry point of the console script."""
    args = _parser().parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    try:
        return int(args.func(args) or 0)
    except BatchFailed as exc:  # the dead letters are stored; say so instead of a traceback
        print(f"warday: {exc} (run `warday status` for the reasons)", file=sys.stderr)
        return 3


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="warday", description=__doc__)
    parser.add_argument("-v", "--verbose", action="store_true")
    sub = parser.add_subparsers(required=True, metavar="COMMAND")

    ingest = sub.add_parser("ingest", help="land local files or directories and process them now")
    ingest.add_argument("paths", nargs="+", type=Path)
    ingest.add_argument("--outlet")
    ingest.add_argument("--published", help="ISO 8601 publication time with zone")
    ingest.add_argument("--url")
    ingest.add_argument(
        "--logical-date",
        type=date.fromisoformat,
        help="fallback date for undated documents (default: today)",
    )
    ingest.set_defaults(func=cmd_ingest)

    run = sub.add_parser("run", help="the nightly steps outside Airflow, over the sources registry")
    run.add_argument(
        "--sources", type=Path, help="registry file (default: WARDAY_SOURCES or the shipped one)"
    )
    run.add_argument("--live", action="store_true", help="also fetch enabled feeds and pages")
    run.add_argument("--logical-date", type=date.fromisoformat)
    run.set_defaults(func=cmd_run)

    nightly = sub.add_parser(
        "nightly", help="run the nightly DAG once through Airflow, then summarise"
    )
    nightly.set_defaults(func=cmd_nightly)

    reprocess = sub.add_parser(
        "reprocess", help="rebuild derived rows from stored bytes, without re-fetching"
    )
    reprocess.add_argument(
        "--stage",
        choices=["tag", "all"],
        default="all",
        help="tag: re-tag entries made by an older tagger; all: extract, segment and tag again",
    )
    reprocess.add_argument(
        "--everything",
        action="store_true",
        help="with --stage tag: re-tag every entry, current or not",
    )
    reprocess.set_defaults(func=cmd_reprocess)

    export = sub.add_parser("export", help="live entries as JSON lines, in change-feed order")
    export.add_argument("--since", type=int, default=0, help="last seq already consumed")
    export.add_argument("--format", choices=["jsonl"], default="jsonl")
    export.set_defaults(func=cmd_export)

    status = sub.add_parser("status", help="recent runs and open dead letters")
    status.add_argument("--limit", type=int, default=10)
    status.set_defaults(func=cmd_status)

    summary = sub.add_parser("summary", help="documents, entries per war day, events, dead letters")
    summary.set_defaults(func=cmd_summary)

    migrate = sub.add_parser("migrate", help="apply database migrations")
    migrate.set_defaults(func=cmd_migrate)
    return parser


def cmd_migrate(args: argparse.Namespace) -> int:
    applied = steps.apply_migrations()
    print("applied: " + (", ".join(applied) if applied else "nothing (up to date)"))
    return 0


def cmd_ingest(args: argparse.Namespace) -> int:
    overrides = {"outlet": args.outlet, "published": args.published, "url": args.url}
    with steps.local_run("cli-ingest", args.logical_date) as (run_key, logical):
        print("land:   ", _fmt(steps.land(run_key, args.paths, overrides)))
        _process_and_link(run_key, logical)
    return 0


def cmd_run(args: argparse.Namespace) -> int:
    sources = steps.source_list(args.sources, live=args.live)
    with steps.local_run("cli-run", args.logical_date) as (run_key, logical):
        for source in sources:
            print(f"source {source['name']}:", _fmt(steps.fetch_source(run_key, source)))
        _process_and_link(run_key, logical)
    return 0


def cmd_reprocess(args: argparse.Namespace) -> int:
    """Re-derive from stored raw documents: tags only, or everything."""
    with steps.local_run("cli-reprocess", None) as (run_key, logical):
        if args.stage == "all":
            print("requeued:", steps.requeue())
            print("process:", _fmt(steps.process(run_key, logical)))
        print("retag:  ", _fmt(steps.retag(run_key, args.everything)))
        print("link:   ", _fmt(steps.link(run_key)))
    return 0


def _process_and_link(run_key: str, logical: date) -> None:
    """The steps after landing, with their counts printed."""
    print("process:", _fmt(steps.process(run_key, logical)))
    print("retag:  ", _fmt(steps.retag(run_key)))
    print("link:   ", _fmt(steps.link(run_key)))


def cmd_nightly(args: argparse.Namespace) -> int:
    """Run the nightly DAG through Airflow itself (`airflow dags test`), then summarise."""
    env = {**os.environ, **config.airflow_env(), "DATABASE_URL": database_url()}
    logs = config.STATE_DIR / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    airflow = str(Path(sys.executable).with_name("airflow"))
    for name, cmd in (
        ("airflow-db-migrate", [airflow, "db", "migrate"]),
        ("airflow-dags-test", [airflow, "dags", "test", "warday_nightly"]),
    ):
        print(f"-> {' '.join(cmd[1:])} (log: {logs / name}.log)", flush=True)
        with open(logs / f"{name}.log", "w") as out:
            done = subprocess.run(cmd, env=env, stdout=out, stderr=subprocess.STDOUT, check=False)
        if done.returncode != 0:
            print((logs / f"{name}.log").read_text()[-4000:], file=sys.stderr)
            print(f"{name} failed with exit code {done.returncode}", file=sys.stderr)
            return done.returncode
    cmd_summary(args)
    print(f"\nconnect: psql '{redact(database_url())}'")
    return 0


def cmd_summary(args: argparse.Namespace) -> int:
    with connect() as conn:
        print(report.format_summary(report.summary(conn)))
    return 0


def cmd_status(args: argparse.Namespace) -> int:
    with connect() as conn:
        print(report.status(conn, args.limit))
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    with connect() as conn:
        for record in report.export_entries(conn, args.since):
            sys.stdout.write(report.to_json(record) + "\n")
    return 0


def _fmt(counts: dict[str, int]) -> str:
    """Counts as k=v pairs."""
    return " ".join(f"{k}={v}" for k, v in sorted(counts.items())) or "nothing to do"


if __name__ == "__main__":
    sys.exit(main())
