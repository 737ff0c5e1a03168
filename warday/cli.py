"""The `warday` command line: ingest, run, nightly, reprocess, backfill, export, status,
summary, report, migrate, grant-analyst."""

from __future__ import annotations

import argparse
import logging
import os
import sys
import traceback
from datetime import date
from pathlib import Path

import psycopg

from warday import config, gates, procs, report, settings, steps
from warday.fetching import SourceFailed
from warday.gates import GateFailed
from warday.ingest.errors import ConfigError
from warday.ingest.urls import scrub
from warday.pipeline import BatchFailed
from warday.store.db import DatabaseUnreachable, connect, database_url, redact
from warday.store.migrate import MigrationError
from warday.store.queries import q

# Exit codes, one per failure class.
EXIT_ERROR = 1  # anything unexpected (a bug): one line, the traceback with --debug
EXIT_CONFIG = 2  # bad configuration: registry, settings, arguments
EXIT_BATCH = 3  # a batch failed; its dead letters are stored
EXIT_DB_UNREACHABLE = 4  # no connection to the database
EXIT_DB_ERROR = 5  # the database refused or failed a statement (not migrated, timeout, ...)
EXIT_SOURCE = 6  # a source failed or the quality gate failed (the rest of the run is stored)


def main(argv: list[str] | None = None) -> int:
    """Entry point of the console script: a one-line message and a distinct exit code per
    failure class; tracebacks only with --debug."""
    args = _parser().parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    try:
        return int(args.func(args) or 0)
    except procs.Stopped as stop:  # every process it started is gone already
        print(f"warday: stopped by {stop}", file=sys.stderr)
        return 128 + stop.signum
    except KeyboardInterrupt:
        print("warday: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:
        code, message = classify(exc)
        if args.debug:
            traceback.print_exc()
        hint = "" if args.debug or code != EXIT_ERROR else " (run with --debug for the traceback)"
        print(f"warday: {one_line(scrub(message))}{hint}", file=sys.stderr)
        return code


def classify(exc: BaseException) -> tuple[int, str]:
    """The exit code and message of a failure."""
    if isinstance(exc, BatchFailed):
        return EXIT_BATCH, f"{exc} (run `warday status` for the reasons)"
    if isinstance(exc, ConfigError):
        return EXIT_CONFIG, f"bad configuration: {exc}"
    if isinstance(exc, DatabaseUnreachable):
        return EXIT_DB_UNREACHABLE, f"database unreachable: {exc}"
    if isinstance(exc, MigrationError):
        return EXIT_DB_ERROR, f"database schema: {exc}"
    if isinstance(exc, psycopg.errors.UndefinedTable | psycopg.errors.UndefinedColumn):
        return (
            EXIT_DB_ERROR,
            f"the database is not migrated (run `warday migrate`): {first_line(exc)}",
        )
    if isinstance(exc, psycopg.errors.QueryCanceled):
        return (
            EXIT_DB_ERROR,
            f"a statement ran past its time limit (WARDAY_STATEMENT_TIMEOUT_S): {exc}",
        )
    if isinstance(exc, psycopg.OperationalError):
        return EXIT_DB_UNREACHABLE, f"database connection lost: {first_line(exc)}"
    if isinstance(exc, psycopg.Error):
        return EXIT_DB_ERROR, f"database error ({type(exc).__name__}): {first_line(exc)}"
    return EXIT_ERROR, f"internal error: {type(exc).__name__}: {exc}"


def first_line(exc: BaseException) -> str:
    """The first line of an error's message (the server's context lines follow it)."""
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def one_line(message: str, limit: int = 500) -> str:
    """A message on one line, cut at limit characters."""
    flat = " ".join(message.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def _workers_option(command: argparse.ArgumentParser) -> None:
    """--workers: processes sharing the process step (each claims its own batches)."""
    command.add_argument(
        "--workers",
        type=_worker_count,
        default=1,
        help="processes sharing the process step, one per free core (default 1)",
    )


def _worker_count(value: str) -> int:
    """settings.worker_count, its error as argparse reports one."""
    try:
        return settings.worker_count(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="warday", description=__doc__)
    parser.add_argument("-v", "--verbose", action="store_true")
    parser.add_argument("--debug", action="store_true", help="show tracebacks of failures")
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
    _workers_option(ingest)
    ingest.set_defaults(func=cmd_ingest)

    run = sub.add_parser("run", help="the nightly steps outside Airflow, over the sources registry")
    run.add_argument(
        "--sources", type=Path, help="registry file (default: WARDAY_SOURCES or the shipped one)"
    )
    run.add_argument("--live", action="store_true", help="also fetch enabled feeds and pages")
    run.add_argument("--logical-date", type=date.fromisoformat)
    _workers_option(run)
    run.set_defaults(func=cmd_run)

    nightly = sub.add_parser(
        "nightly", help="run the nightly DAG once through Airflow, then summarise"
    )
    nightly.set_defaults(func=cmd_nightly)

    ui = sub.add_parser(
        "airflow-ui", help="Airflow standalone (UI, scheduler, ...) over the shipped DAGs"
    )
    ui.add_argument("--port", type=int, default=8080)
    ui.set_defaults(func=cmd_airflow_ui)

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
    reprocess.add_argument(
        "--from", dest="date_from", type=date.fromisoformat, help="only entries from this war date"
    )
    reprocess.add_argument(
        "--to", dest="date_to", type=date.fromisoformat, help="only entries up to this war date"
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

    analyst = sub.add_parser(
        "analyst-check", help="check that a login role has the analysts' read-only access"
    )
    analyst.add_argument("role")
    analyst.set_defaults(func=cmd_analyst_check)

    backfill = sub.add_parser(
        "backfill", help="process again the raw bytes fetched in a date range (no fetching)"
    )
    backfill.add_argument("--from", dest="date_from", type=date.fromisoformat, required=True)
    backfill.add_argument("--to", dest="date_to", type=date.fromisoformat, required=True)
    backfill.set_defaults(func=cmd_backfill)

    html = sub.add_parser("report", help="write a self-contained HTML report with charts")
    html.add_argument("--since", type=date.fromisoformat, help="first war date (default: all)")
    html.add_argument("--out", type=Path, default=Path("report.html"))
    html.set_defaults(func=cmd_report)

    grant = sub.add_parser(
        "grant-analyst", help="make (or refresh) a read-only analyst login; prints its password"
    )
    grant.add_argument("name", help="login name (letters, digits, underscores)")
    grant.set_defaults(func=cmd_grant_analyst)
    return parser


def cmd_migrate(args: argparse.Namespace) -> int:
    applied = steps.apply_migrations()
    print("applied: " + (", ".join(applied) if applied else "nothing (up to date)"))
    print(f"DATABASE_URL={redact(database_url())}")
    return 0


def cmd_backfill(args: argparse.Namespace) -> int:
    """Re-derive what was fetched in [--from, --to], each day dated by itself."""
    with steps.local_run("cli-backfill", args.date_to) as (run_key, _):
        print("backfill:", _fmt(steps.backfill(run_key, args.date_from, args.date_to)))
        print("retag:  ", _fmt(steps.retag(run_key)))
        print("link:   ", _fmt(steps.link(run_key)))
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    """Write the HTML report."""
    from warday import htmlreport

    with connect() as conn:
        out = htmlreport.write(conn, args.out, args.since)
    print(f"wrote {out} ({out.stat().st_size // 1024} KiB, works offline)")
    return 0


def cmd_grant_analyst(args: argparse.Namespace) -> int:
    """Create or refresh a login in the warday_analyst role and print how to connect."""
    from warday import analysts

    with connect(autocommit=True) as conn:
        password = analysts.grant(conn, args.name)
    url = analysts.login_url(database_url(), args.name, password)
    print(f"analyst login {args.name} (read-only: war_* views, stories, change feed)")
    print(f"password: {password}")
    print(f"connect:  psql '{url}'")
    return 0


def cmd_analyst_check(args: argparse.Namespace) -> int:
    """A deployment's analyst login: can log in, is in warday_analyst, reads views, not bytes."""
    with connect() as conn:
        row = conn.execute(q("analyst_access"), {"role": args.role}).fetchone()
    if row is None:
        print(f"analyst role {args.role!r} does not exist", file=sys.stderr)
        return 1
    wrong = [k for k in ("can_login", "is_member", "can_read") if not row[k]]
    wrong += ["reads_raw"] if row["reads_raw"] else []
    if wrong:
        print(f"analyst role {args.role!r} is wrong: {', '.join(wrong)}", file=sys.stderr)
        return 1
    print(f"analyst role {args.role!r}: logs in, reads the war_* views, no raw bytes")
    return 0


def cmd_ingest(args: argparse.Namespace) -> int:
    overrides = {"outlet": args.outlet, "published": args.published, "url": args.url}
    with steps.local_run("cli-ingest", args.logical_date) as (run_key, logical):
        print("land:   ", _fmt(steps.land(run_key, args.paths, overrides)))
        _process_and_link(run_key, logical, args.workers)
    return 0


def cmd_run(args: argparse.Namespace) -> int:
    sources = steps.source_list(args.sources, live=args.live)
    failed = 0
    with steps.local_run("cli-run", args.logical_date) as (run_key, logical):
        for source in sources:
            try:
                print(f"source {source['name']}:", _fmt(steps.fetch_source(run_key, source)))
            except SourceFailed as exc:  # the others still run; the run ends failed
                print(f"source {source['name']}: FAILED: {'; '.join(exc.reasons)}")
                failed += 1
        _process_and_link(run_key, logical, args.workers)
        try:
            verdicts = steps.gate(run_key)
        except GateFailed as exc:
            print(f"gate:    FAIL: {exc}")
            return EXIT_SOURCE
        print("gate:   ", gates.overall(verdicts))
    return EXIT_SOURCE if failed else 0


def cmd_reprocess(args: argparse.Namespace) -> int:
    """Re-derive from stored raw documents: tags only, or everything."""
    if args.date_from or args.date_to:
        with steps.local_run("cli-reprocess", None) as (run_key, _):
            counts = steps.reprocess(run_key, args.stage, args.date_from, args.date_to)
            print("reprocess:", _fmt(counts))
            print("link:   ", _fmt(steps.link(run_key)))
        return 0
    with steps.local_run("cli-reprocess", None) as (run_key, logical):
        if args.stage == "all":
            print("requeued:", steps.requeue())
            print("process:", _fmt(steps.process(run_key, logical)))
        print("retag:  ", _fmt(steps.retag(run_key, args.everything)))
        print("link:   ", _fmt(steps.link(run_key)))
    return 0


def _process_and_link(run_key: str, logical: date, workers: int = 1) -> None:
    """The steps after landing, with their counts printed."""
    print("process:", _fmt(steps.process_with_workers(run_key, logical, workers)))
    print("retag:  ", _fmt(steps.retag(run_key)))
    print("link:   ", _fmt(steps.link(run_key)))


def cmd_nightly(args: argparse.Namespace) -> int:
    """Run the nightly DAG through Airflow itself (`airflow dags test`), then summarise.

    Each Airflow command runs in its own process group; SIGINT/SIGTERM stop all of it."""
    env = {**os.environ, **config.airflow_env(), settings.ENV_DATABASE_URL: database_url()}
    logs = settings.state_dir() / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    for name, cmd in (
        ("airflow-db-migrate", [_airflow(), "db", "migrate"]),
        ("airflow-dags-test", [_airflow(), "dags", "test", "warday_nightly"]),
    ):
        print(f"-> {' '.join(cmd[1:])} (log: {logs / name}.log)", flush=True)
        with open(logs / f"{name}.log", "w") as out:
            code = procs.run(cmd, env=env, stdout=out)
        if code != 0:
            print((logs / f"{name}.log").read_text()[-4000:], file=sys.stderr)
            print(f"{name} failed with exit code {code}", file=sys.stderr)
            return code
    cmd_summary(args)
    print(f"\nconnect: psql '{redact(database_url())}'")
    return 0


def cmd_airflow_ui(args: argparse.Namespace) -> int:
    """`airflow standalone` over the shipped DAGs; a stop signal ends every process it started."""
    env = {**os.environ, **config.airflow_env(), settings.ENV_DATABASE_URL: database_url()}
    env["AIRFLOW__API__PORT"] = str(args.port)
    # standalone starts its components as `airflow ...` from PATH: this installation's.
    env["PATH"] = os.pathsep.join([str(Path(_airflow()).parent), env.get("PATH", "")])
    print(
        f"Airflow UI on http://localhost:{args.port} (home {env['AIRFLOW_HOME']}); "
        "Ctrl-C stops it all",
        flush=True,
    )
    return procs.run([_airflow(), "standalone"], env=env)


def _airflow() -> str:
    """The airflow executable installed beside this interpreter."""
    return str(Path(sys.executable).with_name("airflow"))


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
