"""Helpers of the fault suite: bounded calls, so a hang fails a test instead of stalling it."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any


def within(seconds: float, work: Callable[[], Any]) -> Any:
    """work() run in a daemon thread; fails the test when it has not returned in time."""
    outcome: dict[str, Any] = {}

    def target() -> None:
        try:
            outcome["value"] = work()
        except BaseException as exc:  # handed back to the caller's thread
            outcome["error"] = exc

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    thread.join(seconds)
    if thread.is_alive():
        raise AssertionError(f"still running after {seconds} s (hang)")
    if "error" in outcome:
        raise outcome["error"]
    return outcome.get("value")
