"""`warday analyst-check`, which the compose init job runs on the analysts' login."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import psycopg
import pytest
from psycopg import sql

from warday.cli import main

pytestmark = pytest.mark.integration


@pytest.fixture
def login_role(db_url: str) -> Iterator[str]:
    """A throwaway login role (roles are server-wide: uniquely named, dropped after)."""
    name = f"wd_analyst_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE ROLE {} LOGIN").format(sql.Identifier(name)))
    yield name
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP ROLE IF EXISTS {}").format(sql.Identifier(name)))


def test_a_member_of_warday_analyst_passes(
    db_url: str, login_role: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute(sql.SQL("GRANT warday_analyst TO {}").format(sql.Identifier(login_role)))
    assert main(["analyst-check", login_role]) == 0
    assert "reads the war_* views" in capsys.readouterr().out


def test_a_login_outside_the_role_or_a_missing_one_fails(
    db_url: str, login_role: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["analyst-check", login_role]) == 1
    assert "is_member" in capsys.readouterr().err
    assert main(["analyst-check", "wd_no_such_role_" + uuid.uuid4().hex[:6]]) == 1
    assert "does not exist" in capsys.readouterr().err
