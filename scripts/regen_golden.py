"""Regenerate the segmentation goldens: tests/golden/segmentation/NAME.json.

One golden per digest fixture (tests/fixtures/digests/*.txt) and per plain-text seed
digest (seeds/*.txt). Each document goes through the same steps as the pipeline: the
plain-text parser (first line is the title, a NAME.meta.json sidecar supplies the
publication date and any title override), war dating from the title and the first body
line, then the segmenter.

    .venv/bin/python scripts/regen_golden.py          # rewrite every golden
    .venv/bin/python scripts/regen_golden.py --check  # list goldens that differ

Read every changed golden before keeping it: the goldens are the specification.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from warday.analyse import analyse  # noqa: E402
from warday.parse import RawDoc, documents_from_raw  # noqa: E402

FIXTURE_DIR = REPO / "tests" / "fixtures" / "digests"
SEED_DIR = REPO / "seeds"
GOLDEN_DIR = REPO / "tests" / "golden" / "segmentation"
_EDGE_WORDS = 6
_EPOCH = datetime(2000, 1, 1, tzinfo=UTC)  # fetch time; it does not reach the goldens


def sources() -> dict[str, Path]:
    """Golden name -> text file, for every fixture and every plain-text seed digest."""
    found = {p.stem: p for p in sorted(FIXTURE_DIR.glob("*.txt"))}
    for path in sorted(SEED_DIR.glob("*.txt")):
        if path.stem.startswith("digest-"):
            found.setdefault(f"seed-{path.stem}", path)
    return found


def sidecar(path: Path) -> dict[str, Any]:
    """The NAME.meta.json next to a text file, or {}."""
    meta = path.with_name(f"{path.stem}.meta.json")
    return json.loads(meta.read_text(encoding="utf-8")) if meta.exists() else {}


def record(path: Path) -> dict[str, Any]:
    """The golden record of one text file, computed as the pipeline would."""
    raw = RawDoc(0, path.name, "text/plain", path.read_bytes(), sidecar(path), None, _EPOCH)
    (draft,) = documents_from_raw(raw)
    analysis = analyse(draft, None)
    dating, segments = analysis.dating, analysis.segments
    war_date = dating.war_date.isoformat() if dating.war_date else None
    return {
        "source": path.relative_to(REPO).as_posix(),
        "title": draft.title,
        "date_source": dating.date_source,
        "date_flags": list(dating.flags),
        "entries": [
            {
                "ordinal": seg.ordinal,
                "section": seg.section,
                "headline": seg.headline,
                "war_day": dating.war_day,
                "war_date": war_date,
                "first_words": " ".join(seg.text.split()[:_EDGE_WORDS]),
                "last_words": " ".join(seg.text.split()[-_EDGE_WORDS:]),
                # only off-topic items carry it, so war entries' goldens stay as they were
                **({"relevance": why} if relevant != "war" else {}),
            }
            for seg, (relevant, why) in zip(segments, analysis.relevance, strict=True)
        ],
    }


def render(data: dict[str, Any]) -> str:
    """Golden file text: indented, key order kept, non-ASCII as written."""
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def golden_path(name: str) -> Path:
    """Where the golden of fixture ``name`` lives."""
    return GOLDEN_DIR / f"{name}.json"


def main(argv: list[str] | None = None) -> int:
    """Rewrite the goldens, or with --check only report the ones that differ."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="report differences, write nothing")
    args = parser.parse_args(argv)
    GOLDEN_DIR.mkdir(parents=True, exist_ok=True)
    stale = []
    for name, path in sources().items():
        text = render(record(path))
        target = golden_path(name)
        if target.exists() and target.read_text(encoding="utf-8") == text:
            continue
        stale.append(name)
        if not args.check:
            target.write_text(text, encoding="utf-8")
    orphans = sorted(p.stem for p in GOLDEN_DIR.glob("*.json") if p.stem not in sources())
    verb = "differ" if args.check else "written"
    print(f"{len(stale)} golden(s) {verb}: {', '.join(stale) or '-'}")
    if orphans:
        print(f"goldens without a fixture (delete them): {', '.join(orphans)}")
    return 1 if args.check and (stale or orphans) else 0


if __name__ == "__main__":
    raise SystemExit(main())
