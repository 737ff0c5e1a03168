"""The project's shape: packages resolve here, SQL stays in sql/ (compose: tests/deploy)."""

from __future__ import annotations

import importlib
import re
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
        r"^\s*(?:from|import)\s+(warday\.store|warday\.(?!ingest|transform|settings)\w+|airflow|dags)\b",
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


def test_environment_variables_are_named_in_settings_only() -> None:
    """warday/settings.py is the one list of what the environment can change."""
    pattern = re.compile(r"[\"'](WARDAY_[A-Z_]+|DATABASE_URL|AIRFLOW_CONN_[A-Z_]+)[\"']")
    for layer in ("ingest", "transform", "store", "warday", "dags"):
        for path in (REPO / layer).rglob("*.py"):
            if path != REPO / "warday" / "settings.py":
                found = pattern.findall(path.read_text())
                assert not found, f"{path.relative_to(REPO)} names {found}: use warday.settings"
