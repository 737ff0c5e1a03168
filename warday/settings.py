"""Every environment variable warday reads and every limit it applies, in one place.

A leaf module (standard library only), so every layer may import it. Values that come from
the environment are read when asked for, not at import, so a test or a task can change them.
Paths default to places outside the installed package: a wheel's site-packages is read-only
state-wise, so state lives in $WARDAY_STATE_DIR, else the checkout's `.warday/` when running
from a source checkout, else `./.warday` of the working directory.
"""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path

# --------------------------------------------------------------------------- environment

#: libpq URL of warday's database (CLI and, as fallback, Airflow tasks).
ENV_DATABASE_URL = "DATABASE_URL"
#: Airflow connection id tasks read first (AIRFLOW_CONN_WARDAY_DB or a secrets backend).
AIRFLOW_CONN_ID = "warday_db"
#: Where state goes: the embedded server's data, Airflow home, logs.
ENV_STATE_DIR = "WARDAY_STATE_DIR"
#: Data directory of the embedded PostgreSQL used when no DATABASE_URL is set.
ENV_PGDATA = "WARDAY_PGDATA"
#: The sources registry (YAML) the nightly run reads.
ENV_SOURCES = "WARDAY_SOURCES"
#: How many mapped tasks of the nightly DAG share the process step (see PROCESS_WORKERS).
ENV_PROCESS_WORKERS = "WARDAY_PROCESS_WORKERS"
#: Comma-separated hosts or CIDRs the fetcher may reach although private (local testing).
ENV_FETCH_ALLOW = "WARDAY_FETCH_ALLOW"
#: Tests and benchmarks: the shared reference data beside the repository, and the corpus.
ENV_SHARED = "WARDAY_SHARED"
ENV_BENCH_CORPUS = "WARDAY_BENCH_CORPUS"
#: Largest local file, and sidecar, that is read (bytes).
ENV_MAX_FILE_BYTES = "WARDAY_MAX_FILE_BYTES"
ENV_MAX_SIDECAR_BYTES = "WARDAY_MAX_SIDECAR_BYTES"
#: Seconds to wait for a database connection, and for one statement (positive numbers).
ENV_CONNECT_TIMEOUT_S = "WARDAY_CONNECT_TIMEOUT_S"
ENV_STATEMENT_TIMEOUT_S = "WARDAY_STATEMENT_TIMEOUT_S"
#: "0" or "off" hides progress bars (they show only at a terminal, never under CI).
ENV_PROGRESS = "WARDAY_PROGRESS"
#: A run with no heartbeat for this long is closed as aborted; runs beat this often (s).
ENV_RUN_LEASE_S = "WARDAY_RUN_LEASE_S"
ENV_HEARTBEAT_S = "WARDAY_HEARTBEAT_S"
#: Failure notices: a webhook (JSON POST) and mail through an SMTP relay, when set.
ENV_ALERT_WEBHOOK = "WARDAY_ALERT_WEBHOOK"
ENV_ALERT_EMAIL = "WARDAY_ALERT_EMAIL"
ENV_SMTP_HOST = "WARDAY_SMTP_HOST"
ENV_SMTP_PORT = "WARDAY_SMTP_PORT"
ENV_SMTP_FROM = "WARDAY_SMTP_FROM"
#: Per-document budgets of the process step (the limits below are their defaults).
ENV_EXTRACT_TIMEOUT_S = "WARDAY_EXTRACT_TIMEOUT_S"
ENV_EXTRACT_MEMORY_MB = "WARDAY_EXTRACT_MEMORY_MB"
ENV_SEGMENT_TIMEOUT_S = "WARDAY_SEGMENT_TIMEOUT_S"
ENV_TAG_MAX_CHARS = "WARDAY_TAG_MAX_CHARS"
ENV_TAG_TIMEOUT_S = "WARDAY_TAG_TIMEOUT_S"
#: Airflow settings the project sets when it starts Airflow itself (`warday nightly`).
ENV_AIRFLOW_HOME = "AIRFLOW_HOME"
AIRFLOW_DEFAULTS = {
    "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
    # Airflow's default of 32 starts 32 worker processes: too many for a small machine.
    "AIRFLOW__CORE__PARALLELISM": "4",
    "AIRFLOW__LOGGING__LOGGING_LEVEL": "WARNING",
}

# --------------------------------------------------------------------------- limits

#: Database connections (store/db.py; the environment variables above override the first two).
DB_CONNECT_TIMEOUT_S = 10.0
DB_STATEMENT_TIMEOUT_S = 900.0
#: TCP keepalives: a peer that vanishes mid-query is noticed within about a minute.
DB_KEEPALIVES = {
    "keepalives": 1,
    "keepalives_idle": 30,
    "keepalives_interval": 10,
    "keepalives_count": 3,
    "tcp_user_timeout": 60_000,
}

#: Fetching (ingest/http.py FetchLimits defaults; a source's `limits:` may lower them).
FETCH_DEADLINE_S = 30.0
FETCH_CONNECT_TIMEOUT_S = 10.0
FETCH_READ_TIMEOUT_S = 10.0
FETCH_MAX_BYTES = 8 * 1024 * 1024
FETCH_MAX_REDIRECTS = 4
FETCH_RETRIES = 2
FETCH_BACKOFF_S = 1.0
FETCH_MAX_RETRY_AFTER_S = 60.0
FETCH_MIN_HOST_INTERVAL_S = 1.0
FETCH_MAX_PER_HOST = 2
#: Local files (ingest/local.py; the environment variables above override the first two).
LOCAL_MAX_FILE_BYTES = 16 * 1024 * 1024
LOCAL_MAX_SIDECAR_BYTES = 64 * 1024
LOCAL_MAX_SIDECAR_VALUE_CHARS = 2000
#: The sources registry: largest file, and most values once YAML aliases are expanded.
REGISTRY_MAX_BYTES = 1024 * 1024
REGISTRY_MAX_NODES = 100_000
#: Items taken from one feed per run when the source sets no max_items.
FEED_MAX_ITEMS = 100
#: Characters kept of a feed item's summary.
FEED_MAX_SUMMARY_CHARS = 200_000
#: Extraction: HTML above this is refused outright.
EXTRACT_MAX_HTML_BYTES = 32 * 1024 * 1024
EXTRACT_MAX_JSON_LD_BYTES = 256 * 1024
EXTRACT_PARSER_MAX_DEPTH = 256
#: Extraction: pages above this size are parsed in a limited child process only.
ISOLATE_IN_PROCESS_MAX_BYTES = 8 * 1024 * 1024
ISOLATE_MAX_TAGS_IN_PROCESS = 50_000
ISOLATE_MAX_DEPTH_IN_PROCESS = 2_000
ISOLATE_TIMEOUT_S = 20.0
ISOLATE_MEMORY_MB = 512
#: Seconds a warm extraction worker may take to start.
ISOLATE_STARTUP_TIMEOUT_S = 120.0
#: A batch fails when at least this many documents, and this share of them, failed.
BATCH_MAX_FAILURE_RATIO = 0.5
BATCH_MIN_FAILURES_TO_FAIL = 3
#: Raw documents one worker claims and commits together: each batch costs about fifteen
#: statements and a commit, so 16 instead of 8 took 0.13 s off the database time of the 181
#: benchmark pages (0.72 -> 0.59 s, medians of 8 alternated runs), and 32 instead of 16 took
#: another tenth off the server's statement time (292-357 -> 272-298 ms, alternated runs); a
#: claim still takes at most a quarter of what is left, so workers run out of work together.
PROCESS_BATCH_SIZE = 32
#: Workers (mapped tasks) of the nightly process step: they claim batches, never the same
#: document twice, so each one more takes a share of the load while a core is free.
PROCESS_WORKERS = 2
PROCESS_WORKERS_MAX = 32
#: A war day ahead of the publication date by more than this is not taken.
MAX_DAYS_AHEAD_OF_PUBLICATION = 2
#: Past this many days between a day number and the publication date, the number is wrong.
MAX_NUMBER_DISAGREEMENT_DAYS = 3
#: A digest published further than this from the day its number implies is flagged.
MAX_PUBLICATION_LAG_DAYS = 2
#: Story linking: the widest gap in war days between linked entries.
STORY_MAX_DAYS_APART = 2
#: New entries linked per transaction, so a backfill's memory stays bounded.
LINK_CHUNK = 1000
#: Stored members per story a new entry is compared with (its most recent ones): a story
#: reported a thousand times adds nothing the last fifty do not already say.
STORY_POOL_PER_STORY = 50
#: Stored entries a chunk of new ones is compared with at most (the most recent of the date
#: window): bounds the link step's memory (about 2 KB an entry) on days of extreme volume.
STORY_POOL_MAX = 30_000
#: Rows per round trip of `warday export`.
EXPORT_BATCH = 500
#: Per-document budgets: dating and segmentation, one entry's text, tagging one document.
SEGMENT_TIMEOUT_S = 30.0
TAG_MAX_CHARS = 400_000
TAG_TIMEOUT_S = 60.0
#: Runs (warday/runs.py; the environment variables above override these).
RUN_LEASE_S = 900
RUN_HEARTBEAT_S = 30
#: Seconds a stopped process tree gets between SIGTERM and SIGKILL.
STOP_GRACE_S = 10.0


# --------------------------------------------------------------------------- paths


def checkout_root() -> Path | None:
    """The source checkout this package runs from, or None when installed from a wheel."""
    root = Path(__file__).resolve().parent.parent
    if (root / "pyproject.toml").is_file() and (root / "dags").is_dir():
        return root
    return None


def state_dir() -> Path:
    """$WARDAY_STATE_DIR, else the checkout's .warday, else ./.warday (never site-packages)."""
    if env := os.environ.get(ENV_STATE_DIR):
        return Path(env)
    root = checkout_root()
    return (root if root else Path.cwd()) / ".warday"


def pgdata_dir() -> Path:
    """Data directory of the embedded PostgreSQL."""
    return Path(os.environ.get(ENV_PGDATA) or state_dir() / "pgdata")


def airflow_home() -> Path:
    """AIRFLOW_HOME, else one under the state directory."""
    return Path(os.environ.get(ENV_AIRFLOW_HOME) or state_dir() / "airflow")


def database_url() -> str | None:
    """DATABASE_URL when set (else the caller falls back to the embedded server)."""
    return os.environ.get(ENV_DATABASE_URL) or None


def worker_count(raw: str) -> int:
    """A number of process workers, 1 to PROCESS_WORKERS_MAX, from its text (an environment
    variable, a command-line option); ValueError saying the range otherwise."""
    if not raw.isdigit() or not 1 <= int(raw) <= PROCESS_WORKERS_MAX:
        raise ValueError(f"expected 1 to {PROCESS_WORKERS_MAX}")
    return int(raw)


def package_dir(*parts: str) -> Path:
    """A folder shipped inside the warday package (sql, dags, seeds, data), as a path.

    Found with importlib.resources, so it is the same in a checkout (symlinks to the
    top-level folders) and in an installed wheel (real folders)."""
    return Path(str(resources.files("warday").joinpath(*parts)))


def dags_folder() -> Path:
    """The DAG files, shipped in the package."""
    return package_dir("dags")
