"""Article-extraction benchmark: warday's extractor against trafilatura's fast mode.

Usage::

    python -m bench.extraction [--corpus DIR] [--limit N]

DIR holds ``html/<id>.html.gz`` pages and ``ground-truth.json`` mapping each id to
``{"articleBody": ..., "url": ...}`` (the layout of the public article-extraction-benchmark).
It defaults to ``$WARDAY_BENCH_CORPUS``, else ``../shared/corpus/article-extraction-benchmark``
beside the repository. The corpus is read in place, never copied.

Scoring (shingle overlap, as in that benchmark):

* tokens are ``text.split()`` (whitespace tokens, case and punctuation kept);
* a text's shingles are the *set* of its 4-token tuples (a text of 1-3 tokens is a single
  shingle of all its tokens; an empty text has none);
* per page, precision = |pred & gold| / |pred| and recall = |pred & gold| / |gold|; an empty
  prediction (including an extraction error) scores precision 0 and recall 0 against a non-empty
  ground truth, and 1/1 against an empty one;
* precision and recall are averaged over pages (macro average) and the reported F1 is the
  harmonic mean of the two averages. The mean of per-page F1 is printed alongside for reference.

warday stores text in its canonical form (``transform.text.normalise``: curly quotes and en
dashes folded to ASCII, whitespace collapsed), a deliberate choice, not an extraction error. The
headline figures therefore score every text - the ground truth and both extractors' outputs - in
that same canonical form; folding is applied symmetrically, so the baseline is scored exactly as
warday is. The unfolded ("raw") scores are printed as well: there warday's folded quotes no
longer match the ground truth's curly ones, which costs it several points by construction.

Timing covers only the extraction call (pages are decompressed beforehand). Both extractors run
in the same process on the same bytes, and their order alternates page by page so neither
systematically benefits from warm caches.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import trafilatura

from warday.transform.extract import ExtractionError, extract_html
from warday.transform.text import normalise

REPO = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = REPO.parent / "shared" / "corpus" / "article-extraction-benchmark"
SHINGLE_SIZE = 4


def default_corpus() -> Path:
    """The corpus directory: $WARDAY_BENCH_CORPUS, else the shared checkout beside the repo."""
    env = os.environ.get("WARDAY_BENCH_CORPUS")
    return Path(env) if env else DEFAULT_CORPUS


def shingles(text: str | None, size: int = SHINGLE_SIZE) -> set[tuple[str, ...]]:
    """The set of `size`-token tuples of whitespace tokens (a short text is one shingle)."""
    tokens = (text or "").split()
    if not tokens:
        return set()
    if len(tokens) < size:
        return {tuple(tokens)}
    return {tuple(tokens[i : i + size]) for i in range(len(tokens) - size + 1)}


def canonical(text: str | None) -> str:
    """A text in warday's canonical form (the same folding for predictions and ground truth)."""
    return normalise(text or "")


def page_scores(
    predicted: str | None, gold: str | None, *, fold: bool = True
) -> tuple[float, float]:
    """(precision, recall) of one page's prediction against its ground truth."""
    if fold:
        predicted, gold = canonical(predicted), canonical(gold)
    pred, true = shingles(predicted), shingles(gold)
    if not true:
        return (1.0, 1.0) if not pred else (0.0, 1.0)
    if not pred:
        return 0.0, 0.0
    common = len(pred & true)
    return common / len(pred), common / len(true)


def f1(precision: float, recall: float) -> float:
    """Harmonic mean, 0 when both are 0."""
    total = precision + recall
    return 2 * precision * recall / total if total else 0.0


@dataclass
class Tally:
    """Scores and time of one extractor over a run."""

    name: str
    precisions: list[float] = field(default_factory=list)
    recalls: list[float] = field(default_factory=list)
    raw_precisions: list[float] = field(default_factory=list)
    raw_recalls: list[float] = field(default_factory=list)
    seconds: float = 0.0
    failures: int = 0

    def add(self, predicted: str | None, gold: str, seconds: float) -> None:
        precision, recall = page_scores(predicted, gold)
        self.precisions.append(precision)
        self.recalls.append(recall)
        precision, recall = page_scores(predicted, gold, fold=False)
        self.raw_precisions.append(precision)
        self.raw_recalls.append(recall)
        self.seconds += seconds
        if not predicted:
            self.failures += 1

    @property
    def precision(self) -> float:
        return sum(self.precisions) / len(self.precisions) if self.precisions else 0.0

    @property
    def recall(self) -> float:
        return sum(self.recalls) / len(self.recalls) if self.recalls else 0.0

    @property
    def f1(self) -> float:
        """F1 of the macro-averaged precision and recall."""
        return f1(self.precision, self.recall)

    @property
    def raw_f1(self) -> float:
        """F1 of the macro-averaged precision and recall on unfolded text."""
        count = len(self.raw_precisions)
        return f1(sum(self.raw_precisions) / count, sum(self.raw_recalls) / count) if count else 0.0

    @property
    def mean_page_f1(self) -> float:
        scores = [f1(p, r) for p, r in zip(self.precisions, self.recalls, strict=True)]
        return sum(scores) / len(scores) if scores else 0.0

    @property
    def pages_per_s(self) -> float:
        return len(self.precisions) / self.seconds if self.seconds else 0.0


@dataclass(frozen=True)
class Page:
    page_id: str
    html: bytes
    gold: str


def load_corpus(corpus: Path, limit: int | None = None) -> list[Page]:
    """Pages in id order with their ground truth, decompressed in memory."""
    truth_file = corpus / "ground-truth.json"
    if not truth_file.is_file():
        raise FileNotFoundError(f"no ground-truth.json in {corpus}")
    truth = json.loads(truth_file.read_text(encoding="utf-8"))
    pages: list[Page] = []
    for page_id in sorted(truth):
        if limit is not None and len(pages) >= limit:
            break
        path = corpus / "html" / f"{page_id}.html.gz"
        if not path.is_file():
            continue
        html = gzip.decompress(path.read_bytes())
        pages.append(Page(page_id, html, truth[page_id].get("articleBody") or ""))
    return pages


def warday_text(html: bytes) -> str:
    """warday's article text; an extraction error is an empty output."""
    try:
        return extract_html(html).text
    except ExtractionError:
        return ""


def baseline_text(html: bytes) -> str:
    """trafilatura's own fast mode with its defaults."""
    return trafilatura.extract(html, fast=True) or ""


Extractor = Callable[[bytes], str]


def run(pages: Iterable[Page], extractors: Sequence[tuple[str, Extractor]]) -> list[Tally]:
    """Score every extractor on every page, rotating their order from page to page."""
    tallies = [Tally(name) for name, _ in extractors]
    clock = time.perf_counter
    for index, page in enumerate(pages):
        shift = index % len(extractors)
        for slot in range(len(extractors)):
            which = (slot + shift) % len(extractors)
            extract = extractors[which][1]
            start = clock()
            text = extract(page.html)
            elapsed = clock() - start
            tallies[which].add(text, page.gold, elapsed)
    return tallies


def score_subset(pages: Iterable[Page], extract: Extractor = warday_text) -> Tally:
    """One extractor's tally over some pages (used by the CI guard)."""
    return run(pages, [("warday", extract)])[0]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.extraction", description=__doc__)
    parser.add_argument("--corpus", type=Path, default=default_corpus())
    parser.add_argument("--limit", type=int, default=None, help="first N pages by id")
    args = parser.parse_args(argv)
    try:
        pages = load_corpus(args.corpus, args.limit)
    except FileNotFoundError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if not pages:
        print(f"error: no pages in {args.corpus}", file=sys.stderr)
        return 2
    # one untimed pass over a few pages so imports and lazy setup are not billed to either side
    run(pages[:3], [("warday", warday_text), ("baseline", baseline_text)])
    ours, base = run(pages, [("warday", warday_text), ("baseline", baseline_text)])
    print(f"corpus {args.corpus} pages {len(pages)}")
    print(
        f"{'extractor':<10} {'f1':>6} {'prec':>6} {'recall':>6} {'pageF1':>6} {'rawF1':>6} "
        f"{'empty':>5} {'pages/s':>8}"
    )
    for tally in (ours, base):
        print(
            f"{tally.name:<10} {tally.f1:6.3f} {tally.precision:6.3f} {tally.recall:6.3f} "
            f"{tally.mean_page_f1:6.3f} {tally.raw_f1:6.3f} {tally.failures:5d} "
            f"{tally.pages_per_s:8.1f}"
        )
    print("f1/prec/recall: canonical (folded) text; rawF1: unfolded text (see module docstring)")
    print(
        f"extraction f1={ours.f1:.3f} baseline_f1={base.f1:.3f} "
        f"pages_per_s={ours.pages_per_s:.3f} baseline_pages_per_s={base.pages_per_s:.3f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
