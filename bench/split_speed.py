"""Time `split_text` alone on the synthetic corpus and on the open corpus.

Every file is read and parsed first (front-matter removed, as the build does), so only the
split is timed: each corpus is split `--repeat` times in a row and the fastest pass counts,
which keeps the figure steady on a machine other jobs share.  CPU time (process time) is
reported, since wall time on a shared machine says more about the neighbours.

    python ../shared/bench/make_corpus.py 1000 --out /tmp/c1000
    PYTHONPATH=src python bench/split_speed.py [--synthetic DIR] [--open DIR] [--repeat 5]

The synthetic corpus directory may be make_corpus.py's OUT or its OUT/digest/content.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from digest.load import read_source
from digest.split import split_text

SYNTHETIC = Path("/tmp/c1000")
OPEN_CORPUS = Path(__file__).resolve().parents[2] / "shared/corpus/article-extraction-benchmark"


@dataclass(frozen=True, slots=True)
class Page:
    """One page as the build hands it to the splitter."""

    body: str
    title: str | None
    source: str | None
    first_line: int
    words: int


def _hint(value: object) -> str | None:
    return value if isinstance(value, str) else None


def load(folder: Path) -> list[Page]:
    """Read every .txt file of a corpus folder (make_corpus.py OUT: its digest/content)."""
    content = folder / "digest" / "content"
    if content.is_dir():
        folder = content
    files = sorted(p for p in folder.glob("*.txt"))
    if not files:
        raise SystemExit(f"{folder}: no .txt files (make one with make_corpus.py N --out DIR)")
    pages = []
    for path in files:
        doc = read_source(path)
        pages.append(
            Page(
                doc.body,
                _hint(doc.meta.get("title")),
                _hint(doc.meta.get("source")),
                doc.body_line,
                len(doc.body.split()),
            )
        )
    return pages


def time_pages(pages: Sequence[Page], repeat: int) -> float:
    """Return the CPU seconds of the fastest of `repeat` passes splitting every page."""
    best = float("inf")
    for _ in range(repeat):
        began = time.process_time()
        for page in pages:
            split_text(page.body, title=page.title, source=page.source, first_line=page.first_line)
        best = min(best, time.process_time() - began)
    return best


def main(argv: Sequence[str] | None = None) -> int:
    """Time both corpora and print ms/page and pages/s."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--synthetic", type=Path, default=SYNTHETIC)
    parser.add_argument("--open", type=Path, default=OPEN_CORPUS)
    parser.add_argument("--repeat", type=int, default=5, help="passes per corpus; best counts")
    args = parser.parse_args(argv)
    for label, folder in (("synthetic", args.synthetic), ("open", args.open)):
        pages = load(folder)
        seconds = time_pages(pages, max(1, args.repeat))
        words = sum(p.words for p in pages) / len(pages)
        ms = seconds * 1000 / len(pages)
        rate = len(pages) / seconds if seconds > 0 else float("inf")
        print(
            f"{label:>9}: {len(pages)} pages, {words:.0f} words/page: "
            f"{ms:.3f} ms CPU/page, {rate:.0f} pages/s  ({folder})"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
