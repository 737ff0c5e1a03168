"""Progress bars: drawn for a person at a terminal, silent in logs, pipes and CI."""

from __future__ import annotations

import io
import sys

import pytest

from warday.progress import Bar, enabled, progress


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_quiet_when_not_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CI", raising=False)
    piped = io.StringIO()
    monkeypatch.setattr(sys, "stderr", piped)
    assert not enabled()
    assert list(progress([1, 2, 3], "process")) == [1, 2, 3]
    assert piped.getvalue() == ""


def test_quiet_in_ci_even_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CI", "true")
    monkeypatch.setattr(sys, "stderr", Terminal())
    assert not enabled()


def test_a_bar_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.delenv("WARDAY_PROGRESS", raising=False)
    screen = Terminal()
    monkeypatch.setattr(sys, "stderr", screen)
    assert enabled()
    with Bar("reprocess", 4) as bar:
        bar.advance(2)
        bar.advance(2)
    drawn = screen.getvalue()
    assert "reprocess" in drawn and "4/4" in drawn
    assert list(progress(list(range(5)), "export")) == [0, 1, 2, 3, 4]
    assert "5/5" in screen.getvalue()
