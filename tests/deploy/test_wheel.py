"""The wheel built from the lock installs into a clean venv and works from any directory."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
import zipfile
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from psycopg import sql

from tests.conftest import SEEDS, with_dbname
from tests.deploy.conftest import REPO

pytestmark = pytest.mark.integration


def _run(cmd: list[str], **kwargs: object) -> str:
    done = subprocess.run(cmd, capture_output=True, text=True, check=False, **kwargs)  # type: ignore[call-overload]
    assert done.returncode == 0, f"{cmd}\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return str(done.stdout)


@pytest.fixture(scope="module")
def wheel(uv: str, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    _run([uv, "build", "--wheel", "--out-dir", str(out), str(REPO)])
    (built,) = out.glob("warday-*.whl")
    return built


@pytest.fixture(scope="module")
def venv(uv: str, wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A clean venv outside the checkout with the locked dependencies and the wheel."""
    root = tmp_path_factory.mktemp("clean")
    reqs = root / "requirements.txt"
    _run(
        [
            uv,
            "export",
            "--frozen",
            "--no-dev",
            "--no-emit-project",
            "--project",
            str(REPO),
            "--output-file",
            str(reqs),
        ]
    )
    _run([uv, "venv", "--python", sys.executable, str(root / "venv")])
    python = root / "venv" / "bin" / "python"
    env = {**os.environ, "UV_PYTHON_DOWNLOADS": "never"}
    _run(
        [uv, "pip", "install", "--python", str(python), "--require-hashes", "-r", str(reqs)],
        env=env,
    )
    _run([uv, "pip", "install", "--python", str(python), "--no-deps", str(wheel)], env=env)
    return root / "venv"


def test_wheel_installs_one_top_level_name_with_its_data(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    assert {n.split("/")[0] for n in names} == {
        "warday",
        wheel.name.split("-")[0] + "-" + wheel.name.split("-")[1] + ".dist-info",
    }
    for shipped in (
        "warday/sql/migrations/0001_schema.sql",
        "warday/sql/queries.sql",
        "warday/transform/data/actors.yaml",
        "warday/dags/warday_nightly.py",
        "warday/ingest/sources.yaml",
        "warday/seeds/digest-day-1160.txt",
    ):
        assert shipped in names


@pytest.fixture
def scratch_url(server_url: str) -> Iterator[str]:
    name = f"warday_wheel_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    yield with_dbname(server_url, name)
    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


def test_installed_warday_migrates_and_ingests_from_another_directory(
    venv: Path, scratch_url: str, tmp_path: Path
) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {
        "PATH": f"{venv / 'bin'}:/usr/bin:/bin",
        "HOME": str(tmp_path),
        "DATABASE_URL": scratch_url,
    }
    where = _run(
        [
            str(venv / "bin" / "python"),
            "-c",
            "import warday, warday.settings as s; print(warday.__file__);"
            "print(s.checkout_root()); print(s.state_dir())",
        ],
        cwd=elsewhere,
        env=env,
    )
    module, checkout, state = where.split()
    assert Path(module).is_relative_to(venv) and checkout == "None"
    assert Path(state) == elsewhere / ".warday"  # state beside the user, not in site-packages
    assert "0001_schema" in _run([str(venv / "bin" / "warday"), "migrate"], cwd=elsewhere, env=env)
    out = _run([str(venv / "bin" / "warday"), "ingest", str(SEEDS)], cwd=elsewhere, env=env)
    assert "land:" in out and "process:" in out
    with psycopg.connect(scratch_url) as conn:
        entries = conn.execute("SELECT count(*) FROM entries").fetchone()
        events = conn.execute("SELECT count(*) FROM events").fetchone()
    assert entries and entries[0] > 20 and events and events[0] > 0
    # The shipped registry's directory source is the packaged seeds; a second run adds nothing.
    first = _run([str(venv / "bin" / "warday"), "run"], cwd=elsewhere, env=env)
    assert "source seeds: " in first and "landed=" in first
    with psycopg.connect(scratch_url) as conn:
        after_first = conn.execute("SELECT count(*) FROM entries").fetchone()
    _run([str(venv / "bin" / "warday"), "run"], cwd=elsewhere, env=env)
    with psycopg.connect(scratch_url) as conn:
        assert conn.execute("SELECT count(*) FROM entries").fetchone() == after_first
