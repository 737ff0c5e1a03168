"""A worker warms up once: the tables every batch reads are loaded and kept out of the cycle
collector's full collections."""

from __future__ import annotations

import gc

from warday import pipeline


def test_warm_up_freezes_the_loaded_tables_once() -> None:
    pipeline.warm_up()
    frozen = gc.get_freeze_count()
    assert frozen > 50_000  # the tagger's dictionaries and word tables, not a handful
    pipeline.warm_up()  # already warm: nothing more is frozen
    assert gc.get_freeze_count() == frozen
