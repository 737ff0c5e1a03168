"""End to end: warday's whole ingest of real pages against bare trafilatura on the same pages.

Usage::

    python -m bench.e2e --corpus DIR [--workers N] [--rounds R (default 9)]

DIR holds ``html/<id>.html.gz`` pages (the article-extraction-benchmark layout) or ``*.html``
files; it defaults to ``$WARDAY_BENCH_CORPUS``, else ``../shared/corpus/article-extraction-
benchmark`` beside the repository, read in place. The pages are decompressed into a
temporary folder first (not timed).

Each round, in one process, on the server of ``DATABASE_URL`` (else the embedded one):

* ``trafilatura``: ``trafilatura.extract(html, fast=True)`` over every page;
* ``warday xN``: the whole ingest into a fresh migrated database - landing the files, the
  process step run by N worker processes at once (forked from this process once it is warm,
  as long-lived Celery or Airflow workers are: imports done, tagger dictionaries loaded and
  set apart from the cycle collector by ``pipeline.warm_up``; that one-off start-up is timed
  and printed apart), each on its own connection, sharing the
  queue by claiming batches, then story linking;
* with N > 1 also ``warday x1``, so the scaling is measured in the same run,
  ``trafilatura xN``: bare trafilatura over the pages shared by N processes, the scaling
  this machine gives the extraction itself at that time (the ceiling of warday's), and
  ``compute xN``: a loop that touches almost no memory, run for a second in one process, in
  N at once, then in one again, the scaling of bare computation. Where it reaches N but the
  extraction's does not, the cores are all there and what the processes share (caches,
  memory) holds them back.

The order of the runs rotates from round to round; figures are medians over rounds. The
ratio and the scaling are also printed for each round, and their median (a round's runs are
back to back, so a slow spell of a shared machine slows both sides of a round's ratio).
Printed: pages/s of each, the ratio, the scaling, peak RSS per worker, and the time share per
stage of the process step (summed over workers). Last line:
``e2e pages_per_s=<a> trafilatura_pages_per_s=<b> ratio=<a/b> workers=<n>``.
"""

from __future__ import annotations

import argparse
import gzip
import multiprocessing
import os
import resource
import statistics
import sys
import tempfile
import time
import uuid
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from functools import partial
from pathlib import Path
from typing import Any

import psycopg
import trafilatura
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from bench.extraction import default_corpus
from warday import pipeline
from warday.store.db import connect, database_url
from warday.store.migrate import migrate

LOGICAL_DATE = date(2025, 6, 1)
# Entries about other news get no war events, so the share of the corpus about the war
# (or any fighting) weighs on the speed: it is printed beside it.
_RELEVANCE = "SELECT relevance, count(*) AS n FROM entries WHERE is_live GROUP BY relevance"


def load_pages(corpus: Path) -> list[tuple[str, bytes]]:
    """(name, html bytes) of every page of the corpus, sorted by name."""
    gz = sorted((corpus / "html").glob("*.html.gz")) if (corpus / "html").is_dir() else []
    if gz:
        return [(p.name.removesuffix(".gz"), gzip.decompress(p.read_bytes())) for p in gz]
    return [(p.name, p.read_bytes()) for p in sorted(corpus.glob("*.html"))]


def run_trafilatura(pages: list[tuple[str, bytes]]) -> float:
    """Seconds for bare trafilatura (fast mode) over every page."""
    started = time.perf_counter()
    for _, html in pages:
        trafilatura.extract(html, fast=True)
    return time.perf_counter() - started


_PAGES: list[bytes] = []  # what forked extraction processes read (set before forking)


def _extract_page(index: int) -> None:
    trafilatura.extract(_PAGES[index], fast=True)


def run_trafilatura_parallel(pages: list[tuple[str, bytes]], processes: int) -> float:
    """Seconds for bare trafilatura over every page, shared by `processes` processes forked
    from this warm one, each taking the next page when done with its last (as warday's
    workers take the next batch): how far this machine scales the extraction itself."""
    global _PAGES
    _PAGES = [html for _, html in pages]
    started = time.perf_counter()
    with forked_pool(processes) as pool:
        for _ in pool.imap_unordered(_extract_page, range(len(_PAGES)), chunksize=1):
            pass
    return time.perf_counter() - started


@contextmanager
def forked_pool(processes: int) -> Iterator[Any]:
    """A pool of `processes` processes forked from this warm one, closed and joined at the
    end: closed, not terminated (as leaving a Pool's own `with` block does), since a worker
    that inherited a SIGTERM handler would stay waiting on the task queue, and the join with
    it."""
    pool = multiprocessing.get_context("fork").Pool(processes)
    try:
        yield pool
    finally:
        pool.close()
        pool.join()


def _count_for(seconds: float) -> int:
    """Iterations of a loop with a tiny working set done in `seconds` of wall time."""
    count, end = 0, time.perf_counter() + seconds
    while time.perf_counter() < end:
        for _ in range(10_000):
            count += 1
    return count


def compute_scaling(processes: int, seconds: float = 1.0) -> float:
    """How many times one process's work `processes` forked processes do in the same time,
    on computation alone (no shared caches or memory to speak of). One process is timed just
    before and just after the N, forked alike, and their mean is the reference."""
    one_before = _forked_counts(1, seconds)
    together = _forked_counts(processes, seconds)
    one_after = _forked_counts(1, seconds)
    return together / ((one_before + one_after) / 2)


def _forked_counts(processes: int, seconds: float) -> int:
    """Iterations `processes` forked processes do together in `seconds`."""
    with forked_pool(processes) as pool:
        return sum(pool.map(_count_for, [seconds] * processes, chunksize=1))


@contextmanager
def scratch_database(server: str, template: str) -> Iterator[str]:
    """A fresh database cloned from the migrated template, dropped afterwards."""
    name = f"warday_e2e_{uuid.uuid4().hex[:8]}"
    _admin(server, "CREATE DATABASE {} TEMPLATE {}", name, template)
    try:
        yield make_conninfo("", **{**conninfo_to_dict(server), "dbname": name})
    finally:
        _admin(server, "DROP DATABASE IF EXISTS {} WITH (FORCE)", name)


def _admin(server: str, statement: str, *names: str) -> None:
    """A statement outside any transaction, with database names as identifiers."""
    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(sql.SQL(statement).format(*map(sql.Identifier, names)))


def _worker(url: str, out: Any) -> None:
    """One process-step worker: its counts, stage seconds and peak RSS (kB) to the pipe."""
    pipeline.STAGE_SECONDS.clear()
    started = time.perf_counter()
    with connect(url) as conn:
        counts = pipeline.process_pending(conn, LOGICAL_DATE)
    stages = dict(pipeline.STAGE_SECONDS)
    stages["total"] = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    out.send((counts, stages, peak))
    out.close()


def process_with_workers(
    url: str, workers: int
) -> tuple[Counter[str], defaultdict[str, float], int]:
    """The process step run by `workers` forked processes; summed counts and stage seconds,
    the largest peak RSS (kB) of any worker."""
    ctx = multiprocessing.get_context("fork")
    pipes, procs = [], []
    for _ in range(workers):
        receive, send = ctx.Pipe(duplex=False)
        proc = ctx.Process(target=_worker, args=(url, send))
        proc.start()
        pipes.append(receive)
        procs.append(proc)
    counts: Counter[str] = Counter()
    stages: defaultdict[str, float] = defaultdict(float)
    peak = 0
    for receive, proc in zip(pipes, procs, strict=True):
        got_counts, got_stages, got_peak = receive.recv()
        proc.join()
        counts.update(got_counts)
        for stage, seconds in got_stages.items():
            stages[stage] += seconds
        peak = max(peak, got_peak)
    return counts, stages, peak


def run_warday(folder: Path, server: str, template: str, workers: int) -> dict[str, Any]:
    """Seconds for warday's whole ingest of `folder` into a fresh database, with details."""
    with scratch_database(server, template) as url, connect(url) as conn:
        started = time.perf_counter()
        landed = pipeline.land_paths(conn, [folder])
        land_s = time.perf_counter() - started
        counts, stages, peak = process_with_workers(url, workers)
        process_s = time.perf_counter() - started - land_s
        linked = pipeline.link_stories(conn)
        seconds = time.perf_counter() - started
        relevance = {r["relevance"]: r["n"] for r in conn.execute(_RELEVANCE).fetchall()}
    stages["land (wall)"] = land_s
    stages["link (wall)"] = seconds - land_s - process_s
    return {
        "seconds": seconds,
        "process_s": process_s,
        "landed": landed,
        "counts": counts,
        "linked": linked,
        "relevance": relevance,
        "stages": stages,
        "peak_kb": peak,
    }


def rotated(runs: list[tuple[str, Callable[[], Any]]], rounds: int) -> Iterator[tuple[str, Any]]:
    """Every run once per round, the starting run moving by one each round."""
    for r in range(rounds):
        for i in range(len(runs)):
            name, run = runs[(r + i) % len(runs)]
            yield name, run()


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print its figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--corpus", type=Path, default=default_corpus())
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--rounds", type=int, default=9)
    args = parser.parse_args(argv)
    pages = load_pages(args.corpus)
    if not pages:
        print(f"no pages under {args.corpus}", file=sys.stderr)
        return 2
    server = database_url()
    template = f"warday_e2e_tpl_{uuid.uuid4().hex[:8]}"
    _admin(server, "CREATE DATABASE {}", template)
    try:
        with psycopg.connect(
            make_conninfo("", **{**conninfo_to_dict(server), "dbname": template})
        ) as c:
            migrate(c)
        with tempfile.TemporaryDirectory() as tmp:
            for name, html in pages:
                (Path(tmp) / name).write_bytes(html)
            report(pages, Path(tmp), server, template, args.workers, args.rounds)
    finally:
        _admin(server, "DROP DATABASE IF EXISTS {} WITH (FORCE)", template)
    return 0


def report(
    pages: list[tuple[str, bytes]],
    folder: Path,
    server: str,
    template: str,
    workers: int,
    rounds: int,
) -> None:
    """Run the rounds and print the figures."""
    started = time.perf_counter()
    from warday import linking  # noqa: F401  (the link step's numeric libraries)

    pipeline.warm_up()  # the tagger's dictionaries and the fingerprint's word tables
    print(f"worker warm-up (once per process): {time.perf_counter() - started:.2f} s")
    runs: list[tuple[str, Callable[[], Any]]] = [("trafilatura", lambda: run_trafilatura(pages))]
    if workers > 1:
        runs.append((f"trafilatura x{workers}", partial(run_trafilatura_parallel, pages, workers)))
        runs.append((f"compute x{workers}", partial(compute_scaling, workers)))
    counts = sorted({1, workers})
    runs += [(f"warday x{n}", partial(run_warday, folder, server, template, n)) for n in counts]
    results: dict[str, list[Any]] = {name: [] for name, _ in runs}
    for name, result in rotated(runs, rounds):
        results[name].append(result)
        if name.startswith("compute"):
            print(f"  {name}: {result:.2f}x one process", flush=True)
            continue
        took = result if isinstance(result, float) else result["seconds"]
        print(f"  {name}: {len(pages) / took:.1f} pages/s", flush=True)
    n = len(pages)
    base = n / statistics.median(results["trafilatura"])
    seconds = {k: [r["seconds"] for r in results[f"warday x{k}"]] for k in counts}
    rates = {k: n / statistics.median(seconds[k]) for k in counts}
    # ratios within each round, whose runs are back to back: a slow spell of a shared
    # machine then slows both sides of a ratio instead of one side of a median
    ratios = {k: _per_round(results["trafilatura"], seconds[k]) for k in counts}
    last = results[f"warday x{workers}"][-1]
    print(f"pages: {n}; load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
    print(f"trafilatura.extract(fast=True): {base:.1f} pages/s")
    for k in counts:
        runs_k = results[f"warday x{k}"]
        peak = max(r["peak_kb"] for r in runs_k) / 1024
        print(
            f"warday ingest, {k} worker(s): {rates[k]:.1f} pages/s "
            f"(ratio {rates[k] / base:.2f}; per round {_listed(ratios[k])}, "
            f"median {statistics.median(ratios[k]):.2f}), "
            f"peak RSS per worker {peak:.0f} MB"
        )
    if workers > 1:
        scaling = _per_round(seconds[1], seconds[workers])
        print(
            f"scaling: {workers} workers {rates[workers] / rates[1]:.2f}x one worker "
            f"(per round {_listed(scaling)}, median {statistics.median(scaling):.2f})"
        )
        # landing and linking run once whatever the workers: what the workers share is this
        step = {
            k: statistics.median(r["process_s"] for r in results[f"warday x{k}"]) for k in counts
        }
        print(
            f"process step alone: {step[1]:.2f} s with one worker, {step[workers]:.2f} s with "
            f"{workers} ({step[1] / step[workers]:.2f}x); landing and linking run once"
        )
        # the ceiling this machine sets now (cores shared with other tenants, caches, memory)
        ceiling = _per_round(results["trafilatura"], results[f"trafilatura x{workers}"])
        print(
            f"this machine's own scaling of the extraction: bare trafilatura over {workers} "
            f"processes {statistics.median(ceiling):.2f}x one (per round {_listed(ceiling)})"
        )
        compute = results[f"compute x{workers}"]
        print(
            f"and of bare computation: a loop over {workers} processes "
            f"{statistics.median(compute):.2f}x one (per round {_listed(compute)})"
        )
    print(
        f"last run: landed {dict(last['landed'])}, processed {dict(last['counts'])}, "
        f"linked {dict(last['linked'])}"
    )
    print(f"entries by relevance (off-topic ones get no war events): {last['relevance']}")
    stages = last["stages"]
    total = stages["total"] + stages["land (wall)"] + stages["link (wall)"]
    print("time share per stage (last run, process step summed over workers):")
    for stage in (
        "land (wall)",
        *sorted(s for s in stages if s not in ("total", "land (wall)", "link (wall)")),
        "link (wall)",
    ):
        print(f"  {stage:<14} {stages[stage]:7.2f} s  {100 * stages[stage] / total:5.1f}%")
    other = stages["total"] - sum(
        v for s, v in stages.items() if s not in ("total", "land (wall)", "link (wall)")
    )
    print(f"  {'other (db)':<14} {other:7.2f} s  {100 * other / total:5.1f}%")
    print(
        f"e2e pages_per_s={rates[workers]:.1f} trafilatura_pages_per_s={base:.1f} "
        f"ratio={rates[workers] / base:.2f} workers={workers}"
    )


def _per_round(reference: list[float], measured: list[float]) -> list[float]:
    """Speed of each round's measured run relative to the same round's reference run (the
    reference's seconds over the measured one's)."""
    return [ref / got for ref, got in zip(reference, measured, strict=True)]


def _listed(values: list[float]) -> str:
    return " ".join(f"{v:.2f}" for v in values)


if __name__ == "__main__":
    sys.exit(main())
