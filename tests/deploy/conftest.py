"""Deployment tests: the built wheel, the compose file, Airflow with Celery workers."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def uv() -> str:
    """The pinned uv the bootstrap installs (else one on PATH)."""
    found = REPO / ".tools" / "bin" / "uv"
    if found.exists():
        return str(found)
    path = shutil.which("uv")
    if not path:
        pytest.skip("uv not found: run `sh scripts/test.sh` (its bootstrap installs uv)")
    return path
