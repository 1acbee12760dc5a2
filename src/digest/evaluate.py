"""Measure how well the splitter finds the story body: `python -m digest.evaluate CASE_DIR`.

A case directory holds NAME.txt (page text, optionally with front-matter) and NAME.gold.json
whose `body` is the human story body (one string, or a list of paragraphs).  Each document
is scored as a bag of words: lowercased `\\w+` tokens counted with multiplicity; precision
is shared/predicted, recall shared/gold, and an empty prediction scores F1 = 0.  The whole
page text is scored the same way as a baseline.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from digest.errors import ContentError
from digest.load import read_source
from digest.split import split_text

_WORD: Final = re.compile(r"\w+")

# A splitter under test: (body text, front-matter title, first line) -> body paragraphs.
Splitter = Callable[[str, str | None, int], Sequence[str]]


@dataclass(frozen=True, slots=True)
class Score:
    """Bag-of-words precision, recall and F1 of one prediction against its gold."""

    precision: float
    recall: float
    f1: float


@dataclass(frozen=True, slots=True)
class DocResult:
    """The splitter's and the whole-text baseline's scores on one document."""

    name: str
    split: Score
    baseline: Score


@dataclass(frozen=True, slots=True)
class Summary:
    """Mean precision, recall and F1 and median F1 over documents."""

    precision: float
    recall: float
    f1: float
    median_f1: float


@dataclass(frozen=True, slots=True)
class Report:
    """Scores of every document of a case directory and the time spent splitting."""

    docs: tuple[DocResult, ...]
    split_seconds: float

    @property
    def split(self) -> Summary:
        """Summarise the splitter's scores."""
        return _summary([d.split for d in self.docs])

    @property
    def baseline(self) -> Summary:
        """Summarise the whole-text baseline's scores."""
        return _summary([d.baseline for d in self.docs])

    @property
    def pages_per_second(self) -> float:
        """Throughput of the split calls alone."""
        return len(self.docs) / self.split_seconds if self.split_seconds > 0 else float("inf")

    def worst(self, n: int) -> list[DocResult]:
        """Return the n documents with the lowest splitter F1."""
        return sorted(self.docs, key=lambda d: (d.split.f1, d.name))[:n]


def bag(text: str) -> Counter[str]:
    """Return the multiset of lowercased word tokens in `text`."""
    return Counter(_WORD.findall(text.lower()))


def score(predicted: str, gold: str) -> Score:
    """Score a predicted text against the gold text as bags of words."""
    pred, want = bag(predicted), bag(gold)
    common = sum((pred & want).values())
    n_pred, n_gold = sum(pred.values()), sum(want.values())
    if common == 0:
        return Score(0.0, 0.0, 0.0)
    precision, recall = common / n_pred, common / n_gold
    return Score(precision, recall, 2 * precision * recall / (precision + recall))


def _summary(scores: Sequence[Score]) -> Summary:
    if not scores:
        return Summary(0.0, 0.0, 0.0, 0.0)
    return Summary(
        statistics.fmean(s.precision for s in scores),
        statistics.fmean(s.recall for s in scores),
        statistics.fmean(s.f1 for s in scores),
        statistics.median(s.f1 for s in scores),
    )


def product_splitter(text: str, title: str | None, first_line: int) -> Sequence[str]:
    """Split with the product path, `digest.split.split_text`, and return the body."""
    return split_text(text, title=title, first_line=first_line).story.body


@dataclass(frozen=True, slots=True)
class _Gold:
    body: str
    title: str | None


def _read_gold(path: Path) -> _Gold:
    """Read a case's gold file: the body (a list of paragraphs is joined) and the title."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise ContentError(
            path, exc.lineno, f"invalid JSON: {exc.msg}", "fix the gold file"
        ) from None
    if not isinstance(data, dict):
        data = {}
    body, title = data.get("body"), data.get("title")
    title = title if isinstance(title, str) else None
    if isinstance(body, list) and all(isinstance(p, str) for p in body):
        return _Gold("\n\n".join(body), title)
    if isinstance(body, str):
        return _Gold(body, title)
    raise ContentError(
        path, 1, "gold file has no `body` string or list of strings", "add the story body as `body`"
    )


def evaluate_dir(
    path: Path, *, splitter: Splitter = product_splitter, use_gold_title: bool = False
) -> Report:
    """Split every NAME.txt under `path` and score it against NAME.gold.json.

    The splitter gets the front-matter title, or with `use_gold_title` the gold file's.
    """
    cases = sorted(path.glob("*.txt"))
    if not cases:
        raise ContentError(path, 1, "no NAME.txt cases found", "point at a corpus directory")
    docs: list[DocResult] = []
    seconds = 0.0
    for case in cases:
        name = case.name.removesuffix(".txt")
        gold_path = case.with_name(name + ".gold.json")
        if not gold_path.is_file():
            raise ContentError(
                case, 1, f"no gold file {gold_path.name}", "add it or remove the case"
            )
        gold = _read_gold(gold_path)
        source = read_source(case)
        meta_title = source.meta.get("title")
        title = (
            gold.title if use_gold_title else meta_title if isinstance(meta_title, str) else None
        )
        began = time.process_time()
        body = splitter(source.body, title, source.body_line)
        seconds += time.process_time() - began
        docs.append(
            DocResult(name, score("\n".join(body), gold.body), score(source.body, gold.body))
        )
    return Report(tuple(docs), seconds)


def format_report(report: Report, worst: int) -> str:
    """Render a report as the text the command prints."""
    out = [f"documents: {len(report.docs)}"]
    for label, summary in (("splitter", report.split), ("whole text", report.baseline)):
        out.append(
            f"{label:>10}: F1 {summary.f1:.3f}  P {summary.precision:.3f}  "
            f"R {summary.recall:.3f}  median F1 {summary.median_f1:.3f}"
        )
    out.append(f"worst {worst}:")
    for doc in report.worst(worst):
        s = doc.split
        out.append(f"  {doc.name[:40]:<40} F1 {s.f1:.3f}  P {s.precision:.3f}  R {s.recall:.3f}")
    out.append(
        f"throughput: {report.pages_per_second:.0f} pages/s "
        f"({report.split_seconds * 1000 / max(1, len(report.docs)):.3f} ms CPU per page)"
    )
    return "\n".join(out)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the evaluation command line."""
    parser = argparse.ArgumentParser(prog="python -m digest.evaluate", description=__doc__)
    parser.add_argument("case_dir", type=Path, help="folder of NAME.txt + NAME.gold.json")
    parser.add_argument("--worst", type=int, default=10, help="list the N worst documents")
    parser.add_argument(
        "--gold-title", action="store_true", help="pass the gold file's `title` as the headline"
    )
    args = parser.parse_args(argv)
    try:
        report = evaluate_dir(args.case_dir, use_gold_title=args.gold_title)
    except ContentError as exc:
        print(exc, file=sys.stderr)
        return 1
    print(format_report(report, args.worst))
    return 0


if __name__ == "__main__":
    sys.exit(main())
