"""Cross-validate the region finder's parameters by site on the extraction benchmark corpus.

Pages are grouped by the domain of their gold `url`; the domains are split into two halves
by a hash of their name (deterministic, independent of file order).  The parameters are
tuned on one half by coordinate descent over a small grid and measured on the other half,
then the halves swap.  Both directions are printed with the shipped defaults beside them,
so a change that only fits the corpus shows up as a gap between tuned and held-out F1.

    python bench/split_cv.py [CORPUS_DIR] [--rounds 2] [--min-gain 0.003]
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import json
import statistics
import sys
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from digest.evaluate import bag
from digest.split.region import PARAMS, Params, find_region

# ../shared beside the checkout, as in CI and on the developers' machines.
CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "article-extraction-benchmark"

# A change must gain this much mean F1 on the tuning half to be taken: smaller gains are
# noise on some 90 pages and only fit the half.
MIN_GAIN = 0.003
# The values coordinate descent may pick for each parameter.
GRID: dict[str, tuple[float, ...]] = {
    "min_words": (4, 5, 6, 7, 8, 10),
    "run_cost": (1.5, 2.0, 3.0, 4.0, 6.0, 9.0),
    "picture_cost": (10.0, 20.0, 30.0, 45.0, 70.0),
    "gap_units": (2, 4, 8, 12),
    "second_share": (0.05, 0.1, 0.2, 0.35, 0.6),
    "open_share": (0.25, 0.5, 0.75),
    "comment_share": (0.0, 0.3, 0.6),
    "list_share": (0.0, 0.25, 0.5, 1.0),
    "lone_share": (0.25, 0.35, 0.5, 0.7),
}


@dataclass(frozen=True, slots=True)
class Doc:
    """One benchmark page: its lines, its site and its gold bag of words."""

    name: str
    site: str
    lines: tuple[str, ...]
    gold: Counter[str]


def load(corpus: Path) -> list[Doc]:
    """Read every NAME.txt / NAME.gold.json pair of the corpus."""
    docs = []
    for txt in sorted(corpus.glob("*.txt")):
        gold = json.loads(txt.with_name(txt.stem + ".gold.json").read_text(encoding="utf-8"))
        body = gold["body"] if isinstance(gold["body"], str) else "\n".join(gold["body"])
        site = urlsplit(gold["url"]).netloc.lower().removeprefix("www.")
        lines = tuple(txt.read_text(encoding="utf-8").splitlines())
        docs.append(Doc(txt.stem, site, lines, bag(body)))
    return docs


def halves(docs: Sequence[Doc]) -> tuple[list[Doc], list[Doc]]:
    """Split documents into two halves by a hash of their site."""
    a: list[Doc] = []
    b: list[Doc] = []
    for doc in docs:
        (a if hashlib.sha1(doc.site.encode()).digest()[0] % 2 == 0 else b).append(doc)
    return a, b


def mean_f1(docs: Sequence[Doc], params: Params) -> float:
    """Mean bag-of-words F1 of the region finder over `docs`."""
    total = 0.0
    for doc in docs:
        region = find_region(doc.lines, params=params)
        text = " ".join(doc.lines[i] for para in region.paragraphs for i in para)
        pred = bag(text)
        common = sum((pred & doc.gold).values())
        if common:
            p, r = common / sum(pred.values()), common / sum(doc.gold.values())
            total += 2 * p * r / (p + r)
    return total / len(docs) if docs else 0.0


def tune(docs: Sequence[Doc], rounds: int, min_gain: float) -> tuple[Params, float]:
    """Coordinate descent over GRID, starting from the shipped defaults."""
    best, best_f1 = PARAMS, mean_f1(docs, PARAMS)
    for _ in range(rounds):
        improved = False
        for name, values in GRID.items():
            for value in values:
                cast = type(getattr(PARAMS, name))(value)
                trial = dataclasses.replace(best, **{name: cast})
                if trial == best:
                    continue
                f1 = mean_f1(docs, trial)
                if f1 > best_f1 + min_gain:
                    best, best_f1, improved = trial, f1, True
        if not improved:
            break
    return best, best_f1


def main(argv: Sequence[str] | None = None) -> int:
    """Run the two-fold cross-validation and print both directions."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?", type=Path, default=CORPUS)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument(
        "--min-gain", type=float, default=MIN_GAIN, help="smallest train gain a change needs"
    )
    args = parser.parse_args(argv)
    docs = load(args.corpus)
    a, b = halves(docs)
    print(
        f"{len(docs)} pages, {len({d.site for d in docs})} sites; "
        f"half A {len(a)} pages, half B {len(b)} pages"
    )
    began = time.process_time()
    print(f"defaults {PARAMS}")
    print(
        f"  defaults: all {mean_f1(docs, PARAMS):.4f}  A {mean_f1(a, PARAMS):.4f}  "
        f"B {mean_f1(b, PARAMS):.4f}"
    )
    held = []
    for label, train, test in (("A->B", a, b), ("B->A", b, a)):
        params, train_f1 = tune(train, args.rounds, args.min_gain)
        test_f1 = mean_f1(test, params)
        held.append(test_f1)
        changed = {
            f.name: getattr(params, f.name)
            for f in dataclasses.fields(params)
            if getattr(params, f.name) != getattr(PARAMS, f.name)
        }
        print(f"  tuned {label}: train {train_f1:.4f}  held-out {test_f1:.4f}  changed {changed}")
    print(
        f"  mean held-out F1 {statistics.fmean(held):.4f}  "
        f"({time.process_time() - began:.1f} s CPU)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
