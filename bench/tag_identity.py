"""Same output, checked: snapshot what the analysis and the tagger say about real texts.

Usage::

    python -m bench.tag_identity --write before.pkl      # on the code before a change
    python -m bench.tag_identity --compare before.pkl    # on the code after it

Reads the article pages of the extraction corpus (``--corpus``), the dev set's texts
(``--realtext``) and the tagging gold sentences; for each document it records the war dating,
the entries and their relevance, and every entry's tags, and for each gold sentence its tags.
A speed-up of the tagger or the segmenter must leave the comparison at zero differences.
Prints the seconds spent analysing and tagging (fastest of three passes). Last line:
``tag_identity texts=<n> differ=<d>`` (``differ`` only with ``--compare``).
"""

from __future__ import annotations

import argparse
import json
import pickle
import sys
import time
from datetime import UTC, date, datetime
from pathlib import Path

from bench.e2e import load_pages
from bench.extraction import default_corpus
from bench.realtext import shared_dir
from bench.tagging import DEFAULT_GOLD
from warday import pipeline
from warday.analyse import analyse
from warday.parse import DocDraft, RawDoc, parse_raw
from warday.transform.tagging import tag

LOGICAL_DATE = date(2025, 1, 1)
FETCHED = datetime(2026, 11, 1, tzinfo=UTC)


def drafts(corpus: Path, realtext: Path) -> list[DocDraft]:
    """The documents of the corpus pages and the dev set's texts (rejected pages left out)."""
    out: list[DocDraft] = []
    raws = [
        RawDoc(i, name, "text/html", html, {}, None, FETCHED)
        for i, (name, html) in enumerate(load_pages(corpus))
    ]
    raws += [
        RawDoc(0, p.name, "text/plain", p.read_bytes(), {}, None, FETCHED)
        for p in sorted((realtext / "texts").glob("*.txt"))
    ]
    for raw in raws:
        try:
            out += parse_raw(raw).drafts
        except Exception:  # a wall or an empty page: not this check's concern
            continue
    return out


def snapshot(docs: list[DocDraft], sentences: list[str]) -> tuple[list[str], float]:
    """What analysis and tagging say about every text, and the seconds it took."""
    started = time.perf_counter()
    said = []
    for draft in docs:
        found = analyse(pipeline.discard_implausible_dates(draft, None), LOGICAL_DATE)
        tags = [
            tag(s.text, events_too=relevant == "war")
            for s, (relevant, _) in zip(found.segments, found.relevance, strict=True)
        ]
        said.append(repr((found, tags)))
    said += [repr(tag(sentence)) for sentence in sentences]
    return said, time.perf_counter() - started


def main(argv: list[str] | None = None) -> int:
    """Write or compare a snapshot."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--corpus", type=Path, default=default_corpus())
    parser.add_argument("--realtext", type=Path, default=shared_dir() / "realtext")
    action = parser.add_mutually_exclusive_group(required=True)
    action.add_argument("--write", type=Path)
    action.add_argument("--compare", type=Path)
    args = parser.parse_args(argv)
    docs = drafts(args.corpus, args.realtext)
    lines = DEFAULT_GOLD.read_text(encoding="utf-8").splitlines()
    sentences = [json.loads(line)["text"] for line in lines if line.strip()]
    said, seconds = snapshot(docs, sentences)
    for _ in range(2):
        seconds = min(seconds, snapshot(docs, sentences)[1])
    print(f"{len(docs)} documents and {len(sentences)} sentences in {seconds:.2f} s")
    if args.write:
        args.write.write_bytes(pickle.dumps(said))
        print(f"tag_identity texts={len(said)}")
        return 0
    before = pickle.loads(args.compare.read_bytes())
    differ = [i for i, (a, b) in enumerate(zip(before, said, strict=False)) if a != b]
    differ += list(range(min(len(before), len(said)), max(len(before), len(said))))
    for i in differ[:5]:
        print(f"differs: text {i}", file=sys.stderr)
    print(f"tag_identity texts={len(said)} differ={len(differ)}")
    return 1 if differ else 0


if __name__ == "__main__":
    raise SystemExit(main())
