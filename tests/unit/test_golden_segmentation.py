"""Segmentation goldens: every digest fixture and seed digest, recomputed and compared.

The goldens under tests/golden/segmentation are the specification of how each shape of
digest splits. After a deliberate change, run ``.venv/bin/python scripts/regen_golden.py``
and read the diff of every golden it rewrites before keeping it.
"""

from __future__ import annotations

import difflib
import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "regen_golden.py"


def _load_script() -> ModuleType:
    """scripts/regen_golden.py as a module (scripts/ is not a package)."""
    spec = importlib.util.spec_from_file_location("regen_golden", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("regen_golden", module)
    spec.loader.exec_module(module)
    return module


regen = _load_script()
SOURCES: dict[str, Path] = regen.sources()


def test_fixture_set_is_broad() -> None:
    fixtures = [name for name, path in SOURCES.items() if path.parent == regen.FIXTURE_DIR]
    assert len(fixtures) >= 14
    assert {"seed-digest-day-1160", "seed-digest-day-1001"} <= SOURCES.keys()


@pytest.mark.parametrize("name", sorted(SOURCES))
def test_matches_golden(name: str) -> None:
    golden = regen.golden_path(name)
    if not golden.exists():
        pytest.fail(f"no golden for {name}: run scripts/regen_golden.py and review {golden.name}")
    expected = golden.read_text(encoding="utf-8")
    actual = regen.render(regen.record(SOURCES[name]))
    if actual != expected:
        diff = "".join(
            difflib.unified_diff(
                expected.splitlines(keepends=True),
                actual.splitlines(keepends=True),
                f"golden/{golden.name}",
                f"computed/{golden.name}",
            )
        )
        pytest.fail(f"segmentation of {name} differs from its golden:\n{diff}", pytrace=False)


def test_no_orphan_goldens() -> None:
    orphans = sorted(p.stem for p in regen.GOLDEN_DIR.glob("*.json") if p.stem not in SOURCES)
    assert not orphans, f"goldens without a fixture: {orphans}"


def test_goldens_are_readable_json() -> None:
    for path in regen.GOLDEN_DIR.glob("*.json"):
        data = json.loads(path.read_text(encoding="utf-8"))
        assert [e["ordinal"] for e in data["entries"]] == list(range(len(data["entries"])))
        assert path.read_text(encoding="utf-8") == regen.render(data)


def _entries(name: str) -> list[dict]:
    return list(regen.record(SOURCES[name])["entries"])


def test_revised_digest_keeps_keys_of_unchanged_sub_stories() -> None:
    before, after = _entries("day-896-kursk-v1"), _entries("day-896-kursk-v2")
    assert len(before) == len(after)
    changed = [
        (b["ordinal"], b["headline"], a["headline"])
        for b, a in zip(before, after, strict=True)
        if (b["ordinal"], b["headline"], b["last_words"])
        != (a["ordinal"], a["headline"], a["last_words"])
    ]
    # Only the rewritten sub-story differs; it keeps its ordinal, so its entry key too.
    assert changed == [(1, "Fighting near Sudzha", "Fighting around Sudzha")]
    unchanged = [(e["ordinal"], e["headline"]) for e in before if e["ordinal"] != 1]
    assert unchanged == [(e["ordinal"], e["headline"]) for e in after if e["ordinal"] != 1]


def test_plain_article_is_one_undivided_entry() -> None:
    record = regen.record(SOURCES["grain-deal-article"])
    assert record["date_source"] == "metadata"
    assert [(e["ordinal"], e["section"]) for e in record["entries"]] == [(0, None)]
