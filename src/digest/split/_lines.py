"""Per-line features for the region finder, computed in one pass with cheap string tests."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from digest.split.phrases import (
    BARRIER_MAX_WORDS,
    BARRIER_RE,
    BOILERPLATE_REASONS,
    BOILERPLATE_RE,
    CREDIT_RE,
)

# Closing quotes and brackets that may follow a sentence's final punctuation.
_CLOSERS: Final = "\"'”’»)]}*_›"
# Sentence enders in Latin, Cyrillic, Greek and CJK scripts (`;` is the Greek question mark).
_ENDERS: Final = frozenset(".!?:;。！？．｡!?")
# Lines above this many words are prose whatever their last character (a long caption
# or pasted quote without a full stop is still text).
LONG_WORDS: Final = 40
# CJK text has no spaces: count characters and scale them to an English-like word count.
_CJK_CHARS_PER_WORD: Final = 2
_CJK_START: Final = "\u2e80"
# Only short lines are checked against the stock boilerplate and credit patterns.
_BOILER_MAX_WORDS: Final = 60
_CREDIT_MAX_WORDS: Final = 14

# Line kinds.
PROSE: Final = 1
SHORT: Final = 0
BARRIER: Final = 2
BOILER: Final = 3
CREDIT: Final = 4
CAPTION: Final = 5
# A line of at least this many words printed twice is a photo caption or a teaser.
_REPEAT_MIN_WORDS: Final = 8


@dataclass(frozen=True, slots=True)
class Lines:
    """Features of every line, index-aligned with the input lines."""

    text: tuple[str, ...]  # stripped line text ("" for blank lines)
    words: tuple[int, ...]  # word count (CJK scaled), 0 for blank lines
    kind: tuple[int, ...]  # PROSE / SHORT / BARRIER / BOILER / CREDIT, SHORT for blank lines
    ends: tuple[str, ...]  # the sentence ender the line finishes with, or ""
    reason: tuple[str, ...]  # why a BOILER / BARRIER / CREDIT line is furniture, else ""


def sentence_end(text: str) -> str:
    """Return the final sentence punctuation of `text` (ignoring closing quotes), or ''."""
    end = len(text) - 1
    while end >= 0 and text[end] in _CLOSERS:
        end -= 1
    if end < 0:
        return ""
    char = text[end]
    if char not in _ENDERS:
        return ""
    # An ellipsis marks a cut-off teaser, not the end of a sentence.
    if char == "." and end >= 2 and text[end - 2 : end] == "..":
        return ""
    return char


def word_count(text: str) -> int:
    """Count words in `text`, scaling unspaced CJK runs to an English-like count."""
    n = text.count(" ") + 1
    if n * 12 < len(text) and text[len(text) // 2] >= _CJK_START:
        return max(n, len(text) // _CJK_CHARS_PER_WORD)
    return n


def line_features(lines: Sequence[str], min_words: int) -> Lines:
    """Compute the features of every line; `min_words` is the shortest prose line."""
    texts: list[str] = []
    words: list[int] = []
    kinds: list[int] = []
    ends: list[str] = []
    reasons: list[str] = []
    for raw in lines:
        text = " ".join(raw.split()) if "  " in raw or "\t" in raw else raw.strip()
        texts.append(text)
        if not text:
            words.append(0)
            kinds.append(SHORT)
            ends.append("")
            reasons.append("")
            continue
        n = word_count(text)
        end = sentence_end(text)
        words.append(n)
        ends.append(end)
        kind = PROSE if (end and n >= min_words) or n >= LONG_WORDS else SHORT
        reason = ""
        if n <= _BOILER_MAX_WORDS:
            low = text.lower()
            if n <= BARRIER_MAX_WORDS and BARRIER_RE.match(low):
                kind, reason = BARRIER, "end of story: " + low[:40]
            elif (m := BOILERPLATE_RE.match(low)) is not None and m.lastgroup is not None:
                kind, reason = BOILER, BOILERPLATE_REASONS[m.lastgroup]
            elif (n <= _CREDIT_MAX_WORDS and end != "." or "credit" in low) and CREDIT_RE.match(low):
                kind, reason = CREDIT, "photo credit"
        kinds.append(kind)
        reasons.append(reason)
    _mark_captions(texts, words, kinds, reasons)
    return Lines(tuple(texts), tuple(words), tuple(kinds), tuple(ends), tuple(reasons))


def _mark_captions(texts: list[str], words: list[int], kinds: list[int], reasons: list[str]) -> None:
    """Mark the lines above a photo credit, and long lines printed twice, as captions."""
    seen: dict[str, int] = {}
    prev = -1
    for i, text in enumerate(texts):
        if not text:
            continue
        # A credit line that also carries the caption ("Photo credit: <caption> (Agency)")
        # is long and says nothing about the line before it.
        if (
            kinds[i] == CREDIT
            and words[i] <= _CREDIT_MAX_WORDS
            and prev >= 0
            and kinds[prev] in (PROSE, SHORT)
        ):
            kinds[prev], reasons[prev] = CAPTION, "photo caption"
        if words[i] >= _REPEAT_MIN_WORDS and kinds[i] < BARRIER:
            first = seen.setdefault(text, i)
            if first != i:
                kinds[first] = kinds[i] = CAPTION
                reasons[first] = reasons[i] = "repeated line (caption or teaser)"
        prev = i
