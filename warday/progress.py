"""Progress bars for long CLI work: drawn on a terminal, silent in logs, pipes and CI."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator, Sequence
from types import TracebackType
from typing import Any, TypeVar

from warday import settings

T = TypeVar("T")


def enabled() -> bool:
    """Bars only for a person at a terminal: stderr is a TTY, not CI, not switched off."""
    if os.environ.get("CI") or os.environ.get(settings.ENV_PROGRESS, "").lower() in ("0", "off"):
        return False
    return sys.stderr.isatty()


def progress(items: Sequence[T], label: str) -> Iterator[T]:
    """Iterate over items, drawing a bar on stderr when a person is watching."""
    with Bar(label, len(items)) as bar:
        for item in items:
            yield item
            bar.advance(1)


class Bar:
    """A bar advanced by hand (work done in batches); nothing at all when not watched."""

    def __init__(self, label: str, total: int) -> None:
        self.label, self.total = label, total
        self._bar: Any = None

    def __enter__(self) -> Bar:
        if enabled() and self.total >= 2:
            self._bar = _rich_bar(self.label)
            self._bar.start()
            self._task = self._bar.add_task(self.label, total=self.total)
        return self

    def advance(self, n: int) -> None:
        """Count n more items done."""
        if self._bar is not None:
            self._bar.advance(self._task, n)

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self._bar is not None:
            self._bar.stop()


def _rich_bar(label: str) -> Any:
    """A transient rich progress bar on stderr."""
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
    return Progress(*columns, console=Console(stderr=True), transient=True)
