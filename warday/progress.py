"""Progress bars for long CLI work: drawn on a terminal, silent in logs, pipes and CI."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator, Sequence
from typing import TypeVar

T = TypeVar("T")


def enabled() -> bool:
    """Bars only for a person at a terminal: stderr is a TTY, not CI, not switched off."""
    if os.environ.get("CI") or os.environ.get("WARDAY_PROGRESS", "").lower() in ("0", "off"):
        return False
    return sys.stderr.isatty()


def progress(items: Sequence[T], label: str) -> Iterator[T]:
    """Iterate over items, drawing a bar on stderr when a person is watching."""
    if not enabled() or len(items) < 2:
        yield from items
        return
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
    )

    columns = (
        TextColumn(f"{label:<8}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task(label, total=len(items))
        for item in items:
            yield item
            bar.advance(task)
