"""Find the story region in page text: the run of lines that reads like one article.

The page is cut into units (one line, or several hard-wrapped lines joined).  Prose units,
those that end like a sentence or are long, earn their word count; every other unit costs
more the longer the run of non-prose it sits in, so a subheading inside a story is cheap
and a navigation menu is expensive.  The story is the maximum-sum contiguous run of units
that crosses no barrier line ("Comments", "Related articles", ...), widened by a second
strong run close by when an inserted box cut the story in two.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Final

from digest.split._lines import (
    BARRIER,
    BOILER,
    CAPTION,
    CREDIT,
    LONG_WORDS,
    PROSE,
    Lines,
    line_features,
)

# The shortest line (in words) that counts as prose when it ends like a sentence.
MIN_WORDS: Final = 6
# What the k-th consecutive non-prose unit costs: RUN_COST * k.
RUN_COST: Final = 3.0
# What a caption or photo credit costs: pictures sit between stories more than inside them.
PICTURE_COST: Final = 30.0
# A second run joins the story when it is this close (non-blank lines between) ...
GAP_LINES: Final = 8
# ... and at least this strong relative to the main run.
SECOND_SHARE: Final = 0.15

_NO_REASONS: Final[Mapping[int, str]] = MappingProxyType({})


@dataclass(frozen=True, slots=True)
class Region:
    """The story found in a page: its body paragraphs and why other lines were left out.

    `paragraphs` holds 0-based line indices; a paragraph of several lines is hard-wrapped
    text whose lines join with one space.  `start`/`end` are the first and last story line
    (inclusive); both are -1 and `paragraphs` is empty when no story was found.
    """

    paragraphs: tuple[tuple[int, ...], ...]
    start: int
    end: int
    reasons: Mapping[int, str]


EMPTY: Final = Region(paragraphs=(), start=-1, end=-1, reasons=_NO_REASONS)


@dataclass(frozen=True, slots=True)
class _Unit:
    lines: tuple[int, ...]
    words: int
    kind: int
    end: str


def _units(feats: Lines, first: int) -> list[_Unit]:
    """Group non-blank lines from `first` on into units, joining hard-wrapped lines."""
    texts, words, kinds, ends = feats.text, feats.words, feats.kind, feats.ends
    units: list[_Unit] = []
    i, count = first, len(texts)
    while i < count:
        if not texts[i]:
            i += 1
            continue
        group = [i]
        total = words[i]
        # A line that stops mid-sentence and is followed directly by one starting in lower
        # case is the same paragraph, wrapped at a fixed width.
        while (
            not ends[group[-1]]
            and kinds[group[-1]] < BARRIER
            and group[-1] + 1 < count
            and texts[group[-1] + 1][:1].islower()
            and kinds[group[-1] + 1] < BARRIER
        ):
            group.append(group[-1] + 1)
            total += words[group[-1]]
        last = group[-1]
        kind = kinds[i] if len(group) == 1 else PROSE
        if len(group) > 1 and not ends[last] and total < LONG_WORDS:
            kind = 0
        units.append(_Unit(tuple(group), total, kind, ends[last]))
        i = last + 1
    return units


def _scores(units: Sequence[_Unit]) -> list[float]:
    """Score each unit: prose earns its words, other units cost more along a run."""
    scores: list[float] = []
    run = 0
    for unit in units:
        if unit.kind == PROSE:
            run = 0
            scores.append(float(unit.words))
        elif unit.kind in (CAPTION, CREDIT):
            run += 1
            scores.append(-PICTURE_COST)
        else:
            run += 1
            scores.append(-RUN_COST * run)
    return scores


def _best_run(units: Sequence[_Unit], scores: Sequence[float], lo: int, hi: int) -> tuple[int, int, float]:
    """Return (first, last, sum) of the maximum-sum run of units in [lo, hi) avoiding barriers."""
    best = (-1, -1, 0.0)
    start, total = lo, 0.0
    for k in range(lo, hi):
        if units[k].kind == BARRIER:
            start, total = k + 1, 0.0
            continue
        if total <= 0.0:
            start, total = k, 0.0
        total += scores[k]
        if total > best[2]:
            best = (start, k, total)
    return best


def _title_line(feats: Lines, title: str | None) -> int:
    """Return the index of the line holding the headline, or -1."""
    if not title:
        return -1
    want = " ".join(title.split()).casefold()
    for i, text in enumerate(feats.text):
        if text and len(text) <= 2 * len(want) + 20 and want in text.casefold():
            return i
    return -1


def _is_body(unit: _Unit, prev_end: str) -> bool:
    """Decide whether a non-prose unit inside the region belongs to the story."""
    if unit.kind >= BARRIER:
        return False
    # Short lines after a sentence ending in ':' are the items of a list in the story;
    # otherwise short lines inside the story are subheadings and kept as well.
    return prev_end == ":" or unit.words <= 20


def find_region(lines: Sequence[str], title: str | None = None) -> Region:
    """Find the story body in `lines` (a page's text lines), anchored after `title` if given."""
    if not lines:
        return EMPTY
    feats = line_features(lines, MIN_WORDS)
    anchor = _title_line(feats, title)
    units = _units(feats, anchor + 1)
    if not units:
        return EMPTY
    scores = _scores(units)
    first, last, total = _best_run(units, scores, 0, len(units))
    if first < 0:
        return EMPTY
    first, last = _widen(units, scores, first, last, total)
    return _region(feats, units, first, last)


def _widen(
    units: Sequence[_Unit], scores: Sequence[float], first: int, last: int, total: float
) -> tuple[int, int]:
    """Add a strong run just before or after [first, last] that a box cut off."""
    changed = True
    while changed:
        changed = False
        after = _best_run(units, scores, last + 1, min(len(units), last + 1 + 4 * GAP_LINES))
        if after[0] >= 0 and after[2] >= SECOND_SHARE * total and not _barrier_between(units, last, after[0]):
            if after[0] - last - 1 <= GAP_LINES:
                last, total, changed = after[1], total + after[2], True
        before = _best_run(units, scores, max(0, first - 4 * GAP_LINES), first)
        if before[0] >= 0 and before[2] >= SECOND_SHARE * total and not _barrier_between(units, before[1], first):
            if first - before[1] - 1 <= GAP_LINES:
                first, total, changed = before[0], total + before[2], True
    return first, last


def _barrier_between(units: Sequence[_Unit], a: int, b: int) -> bool:
    return any(units[k].kind == BARRIER for k in range(a + 1, b))


def _region(feats: Lines, units: Sequence[_Unit], first: int, last: int) -> Region:
    """Build the Region for units [first, last], labelling what is left out."""
    paragraphs: list[tuple[int, ...]] = []
    reasons: dict[int, str] = {}
    prev_end = ""
    for k in range(first, last + 1):
        unit = units[k]
        if unit.kind == PROSE or _is_body(unit, prev_end):
            paragraphs.append(unit.lines)
            prev_end = unit.end
        else:
            for i in unit.lines:
                reasons[i] = feats.reason[i] or "short line inside story"
    for i, reason in enumerate(feats.reason):
        if reason and i not in reasons:
            reasons[i] = reason
    if not paragraphs:
        return EMPTY
    return Region(
        paragraphs=tuple(paragraphs),
        start=paragraphs[0][0],
        end=paragraphs[-1][-1],
        reasons=MappingProxyType(reasons),
    )
