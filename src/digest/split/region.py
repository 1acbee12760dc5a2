"""Find the story region in page text: the run of lines that reads like one article.

The page is cut into units (one line, or several hard-wrapped lines joined).  Prose units,
those that end like a sentence or are long, earn their word count; every other unit costs
more the longer the run of non-prose it sits in, so a subheading inside a story is cheap
and a navigation menu is expensive; captions, photo credits and read-more links cost a
fixed price, since they stand between stories more often than inside one.  Prose earns
less where it looks like a teaser (a lone paragraph between short lines, a line cut off
without a full stop) or sits in a comment thread; the items of a list announced by a
line ending in ':' earn a little.

The story is the maximum-sum contiguous run of units that crosses no barrier line
("Comments", "Related articles", a comment's "Name says:"), starting after the headline
when the title is known, and widened by a strong run close by when an inserted box
("Related", "Most read") cut the story in two.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from operator import sub
from types import MappingProxyType
from typing import Any, Final

from digest.split._lines import (
    BARRIER,
    BOX,
    COMMENTS,
    CREDIT,
    PROSE,
    SHORT,
    Lines,
    is_prose,
    line_features,
)


@dataclass(frozen=True, slots=True)
class Params:
    """The few numbers the region finder is tuned by (see bench/split_cv.py)."""

    # The shortest line (in words) that counts as prose when it ends like a sentence.
    min_words: int = 6
    # What the k-th consecutive non-prose unit costs: run_cost * k.
    run_cost: float = 3.0
    # What a caption, photo credit or read-more link costs.
    picture_cost: float = 30.0
    # What a prose unit with no prose neighbour earns per word: a lone paragraph between
    # short lines is more often a teaser's summary than a story's paragraph.
    lone_share: float = 0.5
    # What a long prose unit that does not end like a sentence earns per word: mostly
    # teasers cut off at a fixed length.
    open_share: float = 0.5
    # What a short line earns per word in a list announced by a line ending in ':'.
    list_share: float = 0.5
    # What prose earns per word after a comment thread has started.
    comment_share: float = 0.3
    # A second run joins the story when at most this many units lie between ...
    gap_units: int = 16
    # ... and it is at least this strong relative to the main run.
    second_share: float = 0.15


PARAMS: Final = Params()

# A run after the headline is the story if it is at least this strong relative to the
# best run anywhere; a weaker one means the title matched a teaser, not the headline.
_ANCHOR_SHARE: Final = 0.5
# Comment markers only open a thread after this much prose (a menu may say "Comments").
_STORY_MIN_WORDS: Final = 100
# A list is announced by a line ending in ':' of at least this many words ("Tags:" is not).
_LIST_INTRO_WORDS: Final = 4
# The shortest line that may be the first part of a hard-wrapped paragraph.
_WRAP_MIN_WORDS: Final = 5
# Hard-wrapped pages: widths between these, and at least this many lines running on into
# the next; a line runs on when it is at least 3/4 of the width and at most a little over.
_WRAP_MIN_CHARS: Final = 40
_WRAP_MAX_CHARS: Final = 100
_WRAP_MIN_LINES: Final = 6
_WRAP_SLACK: Final = 3
_NO_WRAP: Final = 1 << 30
# Short lines up to this many words inside the story are kept as subheadings or list items.
_INNER_MAX_WORDS: Final = 20
# What a barrier unit scores: no run of units crosses one.
_BARRIER_SCORE: Final = -math.inf


@dataclass(frozen=True, slots=True)
class Region:
    """The story found in a page: its body paragraphs and why other lines were left out.

    `paragraphs` holds 0-based line indices; a paragraph of several lines is hard-wrapped
    text whose lines join with one space.  `start`/`end` are the first and last story line
    (inclusive); both are -1 and `paragraphs` is empty when no story was found.  `reasons`
    maps a line index to why it is not story text: every non-blank line between `start`
    and `end` outside the paragraphs, and any line recognised as furniture.

    `kinds` and `words` map every non-blank line to its kind (see `_lines`) and word
    count, so that the layer labelling the rest of the page need not classify or count
    again; they take no part in comparing regions.
    """

    paragraphs: tuple[tuple[int, ...], ...]
    start: int
    end: int
    reasons: Mapping[int, str]
    kinds: Mapping[int, int] = field(compare=False)
    words: Mapping[int, int] = field(compare=False)


_NOTHING: Final[Mapping[int, Any]] = MappingProxyType({})
EMPTY: Final = Region(
    paragraphs=(), start=-1, end=-1, reasons=_NOTHING, kinds=_NOTHING, words=_NOTHING
)


class _Units:
    """Runs of non-blank lines (by position in `Lines`) that form one paragraph each."""

    __slots__ = ("end", "first", "kind", "stop", "words")

    def __init__(self, feats: Lines, min_words: int) -> None:
        index, texts, words, kinds, ends = (
            feats.index,
            feats.text,
            feats.words,
            feats.kind,
            feats.ends,
        )
        # Only lines with no blank line between them can be one paragraph.
        touching = [k for k, gap in enumerate(map(sub, index[1:], index)) if gap == 1]
        joins = _joins(feats, touching) if touching else set()
        if not joins:
            # Every line is a paragraph of its own: the lines' features are the units'.
            self.first: Sequence[int] = range(len(texts))  # position of the unit's first line
            self.stop: Sequence[int] = range(1, len(texts) + 1)  # position after its last line
            self.words: Sequence[int] = words
            self.kind: Sequence[int] = kinds
            self.end: Sequence[str] = ends
            return
        first: list[int] = []
        stop: list[int] = []
        unit_words: list[int] = []
        unit_kinds: list[int] = []
        unit_ends: list[str] = []
        count = len(texts)
        k = 0
        while k < count:
            j, total = k, words[k]
            while j in joins:
                j += 1
                total += words[j]
            kind = kinds[k]
            if j > k:
                text = " ".join(texts[k : j + 1])
                kind = PROSE if is_prose(text, total, ends[j], min_words) else SHORT
            first.append(k)
            stop.append(j + 1)
            unit_words.append(total)
            unit_kinds.append(kind)
            unit_ends.append(ends[j])
            k = j + 1
        self.first, self.stop, self.words, self.kind, self.end = (
            first,
            stop,
            unit_words,
            unit_kinds,
            unit_ends,
        )


def _joins(feats: Lines, touching: Sequence[int]) -> set[int]:
    """Return the positions of the lines that run on into the next line, among `touching`.

    A line followed directly by another is the same paragraph when the page is hard-wrapped
    and the line fills the width, or when the line stops mid-sentence and the next one goes
    on in lower case.  Lines with a reason (furniture) never join a paragraph.
    """
    texts, words, ends, furniture = feats.text, feats.words, feats.ends, feats.reason
    width = _wrap_width(texts, touching)
    full = width * 3 // 4 if width else _NO_WRAP
    return {
        k
        for k in touching
        if k not in furniture
        and k + 1 not in furniture
        and (
            full <= len(texts[k]) <= width + _WRAP_SLACK
            or (not ends[k] and words[k] >= _WRAP_MIN_WORDS and texts[k + 1][:1].islower())
        )
    }


def _wrap_width(texts: Sequence[str], touching: Sequence[int]) -> int:
    """Return the width a hard-wrapped page was wrapped at, or 0 if it was not.

    `touching` holds the positions of the lines followed directly by another line.
    """
    lengths = sorted(
        len(texts[j]) for j in touching if _WRAP_MIN_CHARS <= len(texts[j]) <= _WRAP_MAX_CHARS
    )
    if len(lengths) < _WRAP_MIN_LINES:
        return 0
    width = lengths[len(lengths) * 9 // 10]
    # Wrapped lines crowd just under the width; a list of headlines spreads out.
    near = sum(1 for n in lengths if n * 20 >= width * 17)
    return width if 2 * near >= len(lengths) else 0


def _scores(units: _Units, params: Params) -> list[float]:
    """Score each unit: prose earns its words, other units cost more along a run.

    A barrier scores minus infinity: no best run holds one, and the run after it starts
    afresh.
    """
    kinds, words, ends = units.kind, units.words, units.end
    scores: list[float] = []
    add = scores.append
    run = 0
    seen = 0  # words of prose ending like a sentence so far
    comments = 1.0  # what prose earns per word, once a comment thread has started
    listing = False  # inside the items of a list that a line ending in ':' announced
    before = SHORT  # the kind of the unit before (the first unit has no prose before it)
    following = [*kinds[1:], SHORT]  # the kind of the unit after (none after the last)
    # (not strict: with no units at all, `following` still holds one kind)
    for kind, after, n, end in zip(kinds, following, words, ends, strict=False):
        if kind == PROSE:
            run = 0
            share = comments
            if end:
                seen += n
            if before != PROSE and after != PROSE:
                share *= params.lone_share
            if not end:
                share *= params.open_share
            add(n * share)
        elif kind == SHORT and listing:
            add(n * params.list_share)
        else:
            run += 1
            if BARRIER <= kind <= BOX:
                add(_BARRIER_SCORE)
            else:
                add(-params.picture_cost if kind >= CREDIT else -params.run_cost * run)
            # Comment markers after some prose start the thread: its posts read like prose.
            if kind == COMMENTS and seen >= _STORY_MIN_WORDS:
                comments = params.comment_share
        listing = (end == ":" and kind <= PROSE and n >= _LIST_INTRO_WORDS) or (
            listing and kind == SHORT
        )
        before = kind
    return scores


def _best_run(scores: Sequence[float], lo: int, hi: int) -> tuple[int, int, float]:
    """Return (first, last, sum) of the best-scoring run of units in [lo, hi) (no barriers)."""
    first, last, best = -1, -1, 0.0
    start, total = lo, 0.0
    for k, score in enumerate(scores[lo:hi], lo):
        if total <= 0.0:
            start, total = k, 0.0
        total += score
        if total > best:
            first, last, best = start, k, total
    return first, last, best


def _widen(
    kinds: Sequence[int],
    scores: Sequence[float],
    best: tuple[int, int, float],
    floor: int,
    params: Params,
) -> tuple[int, int]:
    """Add strong runs just before or after the best run that an inserted box cut off."""
    first, last, total = best
    gap, share, count = params.gap_units, params.second_share, len(kinds)
    changed = True
    while changed:
        changed = False
        near = min(count, last + 2 + gap)
        after = _best_run(scores, last + 1, min(count, near + 4 * gap))
        if (
            0 <= after[0] < near
            and after[2] >= share * total
            and not _hard_stop(kinds, last + 1, after[0])
        ):
            last, total, changed = after[1], total + after[2], True
        near = max(floor, first - gap - 1)
        before = _best_run(scores, max(floor, near - 4 * gap), first)
        if (
            before[0] >= 0
            and before[1] >= near
            and before[2] >= share * total
            and not _hard_stop(kinds, before[1] + 1, first)
        ):
            first, total, changed = before[0], total + before[2], True
    return first, last


def _hard_stop(kinds: Sequence[int], lo: int, hi: int) -> bool:
    """Tell whether units [lo, hi) hold a barrier or comment marker (a box does not count)."""
    return BARRIER in kinds[lo:hi] or COMMENTS in kinds[lo:hi]


def _title_position(feats: Lines, title: str | None) -> int:
    """Return the position of the first line that holds the headline, or -1."""
    if not title:
        return -1
    want = " ".join(title.split()).casefold()
    longest = 2 * len(want) + 20
    for k, text in enumerate(feats.text):
        if len(text) <= longest and want in text.casefold():
            return k
    return -1


def find_region(
    lines: Sequence[str], title: str | None = None, *, params: Params = PARAMS
) -> Region:
    """Find the story body in `lines` (a page's text lines), anchored after `title` if given."""
    feats = line_features(lines, params.min_words)
    units = _Units(feats, params.min_words)
    scores = _scores(units, params)
    best = _best_run(scores, 0, len(scores))
    if best[0] < 0:
        return _region(feats, units, 0, -1)
    # The story starts after the headline, unless what follows the headline is much weaker
    # than the best run elsewhere (the title matched a teaser, not the headline).
    floor = 0
    headline = _title_position(feats, title)
    if headline >= 0:
        after = bisect_right(units.first, headline)
        anchored = _best_run(scores, after, len(scores))
        if anchored[0] >= 0 and anchored[2] >= _ANCHOR_SHARE * best[2]:
            best, floor = anchored, after
    first, last = _widen(units.kind, scores, best, floor, params)
    return _region(feats, units, first, last)


def _region(feats: Lines, units: _Units, first: int, last: int) -> Region:
    """Build the Region for units [first, last], labelling what is left out."""
    index, reason = feats.index, feats.reason
    kinds, starts, stops = units.kind, units.first, units.stop
    paragraphs: list[tuple[int, ...]] = []
    reasons: dict[int, str] = {}
    after_colon = in_box = False
    for u in range(first, last + 1):
        kind = kinds[u]
        if kind == PROSE:
            in_box = False
            paragraphs.append(index[starts[u] : stops[u]])
            after_colon = units.end[u] == ":"
            continue
        if kind == BOX:
            in_box = True
        # Short lines inside the story are subheadings, or the items of a list when they
        # follow a sentence ending in ':', unless they are the links of an inserted box.
        if (
            kind == SHORT
            and not in_box
            and starts[u] not in reason
            and (after_colon or units.words[u] <= _INNER_MAX_WORDS)
        ):
            paragraphs.append(index[starts[u] : stops[u]])
            after_colon = after_colon or units.end[u] == ":"
        else:
            why = "link in a box inside the story" if in_box else "short line inside story"
            for k in range(starts[u], stops[u]):
                reasons[index[k]] = reason.get(k) or why
    if not paragraphs:
        reasons.clear()  # no story: nothing lies inside one
    # Furniture anywhere on the page keeps its reason (none of it is in a paragraph).
    for k, why in reason.items():
        reasons.setdefault(index[k], why)
    return Region(
        paragraphs=tuple(paragraphs),
        start=paragraphs[0][0] if paragraphs else -1,
        end=paragraphs[-1][-1] if paragraphs else -1,
        reasons=MappingProxyType(reasons),
        kinds=MappingProxyType(dict(zip(index, feats.kind, strict=True))),
        words=MappingProxyType(dict(zip(index, feats.words, strict=True))),
    )
