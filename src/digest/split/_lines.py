"""Per-line features for the region finder, computed in one pass with cheap string tests.

Only non-blank lines are kept (`Lines.index` maps them back to line numbers).  Every line
gets a word count, its final sentence punctuation and a kind; the stock-phrase patterns of
`phrases` run only on lines short enough to be furniture, so a paragraph costs a few
string operations and no regular expression at all.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, MutableMapping, Sequence
from dataclasses import dataclass
from itertools import compress, repeat
from typing import Final

from digest.split.phrases import (
    BARRIER_MAX_WORDS,
    BARRIER_RE,
    BOILERPLATE_RE,
    BOILERPLATE_REASONS,
    BOX_HEADING_RE,
    CAPTION_TAIL_CHARS,
    CAPTION_TAIL_RE,
    COMMENT_HEAD_RE,
    COMMENT_HEADING_RE,
    COOKIE_RE,
    COOKIE_REASON,
    CREDIT_RE,
    CREDIT_SUFFIXES,
    DATELINE_RE,
    DATELINE_REASON,
    LEGAL_REASON,
    LEGAL_SEPARATORS,
    LEGAL_WORD_RE,
    SOCIAL_WORDS,
    STAMP_LINE_RE,
    SUBSCRIBE_RE,
    TEASER_CLOSER_RE,
    TEASER_LINK_REASON,
    TIMESTAMP_RE,
    is_slash_credit,
)

# Line kinds.  Kinds from BARRIER up are furniture, never story text; BARRIER to BOX stop
# a story run; kinds from CREDIT up cost a fixed price in the region score.
SHORT: Final = 0  # a heading, label, list item or menu entry
PROSE: Final = 1  # running text
BARRIER: Final = 2  # opens what follows a story: related links, share buttons, tags
COMMENTS: Final = 3  # opens or marks a reader-comment thread
BOX: Final = 4  # heads a box of links inside a story ("Related", "Read also")
BOILER: Final = 5  # stock furniture: cookie notice, advertisement marker, share buttons
CREDIT: Final = 6  # a photo credit
CAPTION: Final = 7  # a photo caption
LINK: Final = 8  # a read-more link

# Closing quotes and brackets that may follow a sentence's final punctuation.
_CLOSERS: Final = "\"'”’»)]}*_›"
# Sentence enders: Latin, Cyrillic, Greek (U+037E), Arabic (U+061F), Devanagari (U+0964)
# and CJK full stops and marks.  An ellipsis is not one: it ends a cut-off teaser.
_ENDERS: Final = frozenset(".!?:;\u037e\u061f\u0964。！？．｡")
# Lines of this many words are prose without a final full stop, if they have commas or
# full stops inside (a long caption or quote missing its full stop is still text; a long
# line with no punctuation at all is a tag cloud or a menu).
LONG_WORDS: Final = 40
_INNER_MARKS: Final = (",", ".", "，", "。", "、", "،")
# CJK text has no spaces: count characters and scale them to an English-like word count.
_CJK_CHARS_PER_WORD: Final = 2
_CJK_START: Final = "\u2e80"
# Lines longer than this are prose or notices; their words are counted on a sample.
_SAMPLE_CHARS: Final = 200
# Furniture is short: only lines up to these lengths are tested against the patterns.
FURNITURE_MAX_WORDS: Final = 25
_NOTICE_MAX_WORDS: Final = 60  # a copyright notice
_HEAD_CHARS: Final = 80  # what anchored patterns see of a long line
_CREDIT_MAX_WORDS: Final = 14
_HEADER_MAX_WORDS: Final = 14
_SHARE_MAX_WORDS: Final = 8  # also the longest time stamp line
# A bare "Read more" / "Show less" link closes a teaser whose summary is the paragraph or
# two just above it.
_LINK_MAX_WORDS: Final = 4
_SUMMARY_MAX_LINES: Final = 2
_YEAR_RE: Final = re.compile(r"\b(?:19|20)\d\d\b")
# How a comment header without a colon ends ("Jane says").
_HEAD_ENDINGS: Final = ("says", "said", "wrote")
# A dateline is short, even with the time it was updated: "PUBLISHED: 10:48, Tue, Nov 19,
# 2019 | UPDATED: 11:05, Tue, Nov 19, 2019".
_DATELINE_MAX_WORDS: Final = 20
# An item of a row of footer links is a few words ("Terms and conditions").
_LEGAL_ITEM_SPACES: Final = 5
# A line this short next to a share button is a button too ("X", "in", "f", "✉").
_GLYPH_MAX_CHARS: Final = 2
SHARE_REASON: Final = "share buttons"
# What may cling to a network's name in a row of buttons ("Facebook,", "Twitter·").
_PUNCT: Final = ".,:;·•"
# A line of at least this many words printed twice in a row is a caption and its alt text.
_REPEAT_MIN_WORDS: Final = 8


@dataclass(frozen=True, slots=True)
class Lines:
    """Features of the non-blank lines of a page, all index-aligned with `index`."""

    index: tuple[int, ...]  # 0-based line number of each non-blank line
    text: tuple[str, ...]  # the line, stripped (white space runs collapsed in short lines)
    words: tuple[int, ...]  # word count (CJK scaled)
    kind: tuple[int, ...]  # one of the line kinds above
    ends: tuple[str, ...]  # the sentence punctuation the line ends with, or ""
    reason: Mapping[int, str]  # position -> why a furniture line is furniture


def sentence_end(text: str) -> str:
    """Return the final sentence punctuation of `text` (ignoring closing quotes), or ''."""
    if text and text[-1] in _CLOSERS:
        text = text.rstrip(_CLOSERS)
    if not text:
        return ""
    char = text[-1]
    if char not in _ENDERS:
        return ""
    # An ellipsis marks a cut-off teaser, not the end of a sentence.
    if char == "." and text.endswith("..."):
        return ""
    return char


def is_prose(text: str, words: int, end: str, min_words: int) -> bool:
    """Tell whether a line (or joined lines) reads like a paragraph of running text."""
    if end:
        return words >= min_words
    return words >= LONG_WORDS and any(mark in text for mark in _INNER_MARKS)


def line_features(lines: Sequence[str], min_words: int) -> Lines:
    """Compute the features of every non-blank line; `min_words` is the shortest prose."""
    stripped = list(map(str.strip, lines))
    index = list(compress(range(len(stripped)), stripped))
    texts = list(filter(None, stripped))
    count = len(texts)
    words = [0] * count
    kinds = [SHORT] * count
    ends = [""] * count
    reasons: dict[int, str] = {}
    credits: list[int] = []  # positions of short credit lines
    links: list[int] = []  # positions of read-more links
    heads: list[int] = []  # positions of possible comment headers
    shares: list[int] = []  # positions of share-button lines
    prev = ""
    for k, text in enumerate(texts):
        size = len(text)
        # Runs of white space are collapsed only in short lines, where phrases are matched;
        # scanning every paragraph for them would cost more than the rest of this loop.
        if size < _SAMPLE_CHARS:
            if "  " in text or "\t" in text:
                text = texts[k] = " ".join(text.split())
                size = len(text)
            # Words are counted at spaces (this loop is the splitter's hot path) ...
            n = text.count(" ") + 1
        else:
            # ... and a long line's count is extrapolated from its beginning.
            n = (text.count(" ", 0, _SAMPLE_CHARS) + 1) * size // _SAMPLE_CHARS
        if n * 12 < size and text[size // 2] >= _CJK_START:
            n = max(n, size // _CJK_CHARS_PER_WORD)
        # `sentence_end` inlined: most lines end with a full stop, so that is tested first.
        last = text[-1]
        if last == ".":
            end = "" if text.endswith("...") else "."
        elif last in _ENDERS:
            end = last
        elif last in _CLOSERS:
            end = sentence_end(text)
        else:
            end = ""
        if end:
            kind = PROSE if n >= min_words else SHORT
        else:
            kind = PROSE if n >= LONG_WORDS and is_prose(text, n, end, min_words) else SHORT
        # Longer lines are only tested for the notices that run long; the substring tests
        # keep the patterns off ordinary paragraphs.
        if n <= FURNITURE_MAX_WORDS:
            kind, reason = _furniture(text, n, end, kind)
            if reason:
                reasons[k] = reason
                if kind == CREDIT and n <= _CREDIT_MAX_WORDS:
                    credits.append(k)
                elif kind in (LINK, BOX):
                    # "Read more" heads a box of links, or closes the teaser above it.
                    links.append(k)
                elif reason == SHARE_REASON:
                    shares.append(k)
            if n <= _HEADER_MAX_WORDS and (end == ":" or text.endswith(_HEAD_ENDINGS)):
                heads.append(k)
        # What a long line must hold before `_long_notice` tries the patterns (inlined: this
        # runs on every paragraph); credit and copyright patterns are anchored, so only the
        # head of the line counts for them.
        elif (
            last == ")"
            or "ookie" in text
            or "redit" in (head := text[:_HEAD_CHARS])
            or (n <= _NOTICE_MAX_WORDS and ("©" in head or "opyright" in head))
        ):
            kind, reason = _long_notice(text, kind)
            if reason:
                reasons[k] = reason
        # A line printed twice in a row is a caption and its alt text, or a headline
        # after the breadcrumb that repeats it; neither is body text.
        if text == prev and index[k - 1] >= index[k] - 2 and kinds[k - 1] <= PROSE:
            if n >= _REPEAT_MIN_WORDS:
                kind = kinds[k - 1] = CAPTION
                reasons[k] = reasons[k - 1] = "repeated caption"
            else:
                kind = kinds[k - 1] = SHORT
                reasons[k] = reasons[k - 1] = "repeated heading"
        prev = text
        words[k] = n
        kinds[k] = kind
        ends[k] = end
    for k in credits:
        # The line just above a short credit is its photo's caption.
        if k > 0 and kinds[k - 1] <= PROSE:
            kinds[k - 1], reasons[k - 1] = CAPTION, "photo caption"
    for k in heads:
        _mark_comment_header(k, texts, words, kinds, reasons)
    for k in links:
        _mark_teaser_summary(k, texts, words, kinds, reasons)
    for k in shares:
        _mark_share_run(k, texts, kinds, reasons)
    return Lines(tuple(index), tuple(texts), tuple(words), tuple(kinds), tuple(ends), reasons)


def _furniture(text: str, n: int, end: str, kind: int) -> tuple[int, str]:
    """Classify a short line against the stock phrases; return its kind and reason."""
    low = text.lower()
    if n <= BARRIER_MAX_WORDS and BARRIER_RE.match(low):
        if BOX_HEADING_RE.match(low):
            return BOX, "box of links: " + low[:40]
        if COMMENT_HEADING_RE.match(low):
            return COMMENTS, "comments: " + low[:40]
        return BARRIER, "end of story: " + low[:40]
    if ("|" in text or "·" in text or "•" in text) and _is_legal_row(low):
        return BOILER, LEGAL_REASON
    if "ookie" in text and COOKIE_RE.search(low):
        return BOILER, COOKIE_REASON
    match = BOILERPLATE_RE.match(low)
    if match is not None and match.lastgroup is not None:
        reason = BOILERPLATE_REASONS[match.lastgroup]
        return (LINK if reason == TEASER_LINK_REASON else BOILER), reason
    if n <= _DATELINE_MAX_WORDS and DATELINE_RE.match(low):
        return BOILER, DATELINE_REASON
    if ((n <= _CREDIT_MAX_WORDS and end != ".") or "credit" in low) and (
        CREDIT_RE.match(low) or is_slash_credit(text) or low.endswith(CREDIT_SUFFIXES)
    ):
        return CREDIT, "photo credit"
    if text[-1] == ")" and _has_caption_tail(text, low):
        return CAPTION, "photo caption"
    # The substring tests must pass before SUBSCRIBE_RE searches the line.
    if (
        n <= _HEADER_MAX_WORDS
        and (
            "subscri" in low
            or "sign up" in low
            or "newsletter" in low
            or "abonn" in low
            or "suscr" in low
            or "inscrev" in low
            or "iscriv" in low
        )
        and SUBSCRIBE_RE.search(low)
    ):
        return BOILER, "subscription prompt"
    if n > _SHARE_MAX_WORDS:
        return kind, ""
    if _is_share_row(low):
        return BOILER, SHARE_REASON
    # A time stamp with an age or a year dates a comment or a teaser; a bare time of day
    # may also head the next entry of a live blog, so it is left to the story.
    if (
        (":" in low or "ago" in low)
        and ("ago" in low or _YEAR_RE.search(low))
        and STAMP_LINE_RE.match(low)
    ):
        return COMMENTS, "time stamp of a comment or teaser"
    return kind, ""


def _long_notice(text: str, kind: int) -> tuple[int, str]:
    """Classify a long line: a cookie or copyright notice, a credit line or a caption."""
    if "ookie" in text and COOKIE_RE.search(text.lower()):
        return BOILER, COOKIE_REASON
    # The other patterns are anchored at the start: the head of the line is enough.
    head = text[:_HEAD_CHARS].lower()
    match = BOILERPLATE_RE.match(head)
    if match is not None and match.lastgroup is not None:
        reason = BOILERPLATE_REASONS[match.lastgroup]
        return (LINK if reason == TEASER_LINK_REASON else BOILER), reason
    if "credit" in head and CREDIT_RE.match(head):
        return CREDIT, "photo credit"
    if text[-1] == ")" and _has_caption_tail(text, text[-CAPTION_TAIL_CHARS:].lower()):
        return CAPTION, "photo caption"
    return kind, ""


def _has_caption_tail(text: str, low_tail: str) -> bool:
    """Tell whether a line ends with its photo's credit: "... the plague (Image: GETTY)"."""
    return text[0] not in "([" and CAPTION_TAIL_RE.search(low_tail) is not None


def _is_legal_row(low: str) -> bool:
    """Tell whether a line is a row of footer links with a legal one among them."""
    items = [low]
    for mark in LEGAL_SEPARATORS:
        items = [part for item in items for part in item.split(mark)]
    items = [item for item in items if item.strip()]
    return (
        len(items) >= 2
        and all(item.count(" ") <= _LEGAL_ITEM_SPACES for item in items)
        and LEGAL_WORD_RE.search(low) is not None
    )


def _is_share_row(low: str) -> bool:
    """Tell whether a short line is a row of social network buttons."""
    names = low.replace("|", " ").replace("/", " ").split()
    count = len(names)
    if count < 2:
        return False  # a row has two buttons at least
    # (counted with maps, not a loop: every short line of a page is tested)
    social = sum(map(SOCIAL_WORDS.__contains__, map(str.strip, names, repeat(_PUNCT, count))))
    return social >= 2 and 2 * social >= count


def _heads_box(k: int, kinds: Sequence[int]) -> bool:
    """Tell whether the "Read more" at `k` heads a box of links rather than closing a teaser.

    A heading is followed by its links or, when the page lost them, by the story going on;
    and a story's paragraphs run on above it, where a teaser's summary is a line or two.
    """
    if k + 1 < len(kinds) and kinds[k + 1] == PROSE:
        return True
    above = k - 1 - _SUMMARY_MAX_LINES
    return above >= 0 and all(kind == PROSE for kind in kinds[above:k])


def _mark_share_run(
    k: int, texts: Sequence[str], kinds: list[int], reasons: MutableMapping[int, str]
) -> None:
    """Take the buttons next to a share button into its run: "X", "in" or an icon glyph.

    One-letter network names are too ambiguous to stand for a button alone; beside
    "Facebook" or "Email" they are the rest of the row.
    """
    for step in (-1, 1):
        j = k + step
        while 0 <= j < len(texts) and kinds[j] <= PROSE and _is_button(texts[j]):
            kinds[j], reasons[j] = BOILER, SHARE_REASON
            j += step


def _is_button(text: str) -> bool:
    """Tell whether a line could be one share button: a network's name or a glyph."""
    if len(text) <= _GLYPH_MAX_CHARS:
        return True
    names = text.lower().split()
    return len(names) <= 2 and all(name in SOCIAL_WORDS for name in names)


def _mark_comment_header(
    k: int, texts: list[str], words: list[int], kinds: list[int], reasons: MutableMapping[int, str]
) -> None:
    """Turn a comment header ("Name on <date> said:", "Name says:" + time) into a barrier."""
    text = texts[k]
    if COMMENT_HEAD_RE.match(text.lower()) is None:
        return
    stamped = TIMESTAMP_RE.match(text) is not None or (
        k + 1 < len(texts)
        and words[k + 1] <= _HEADER_MAX_WORDS
        and TIMESTAMP_RE.match(texts[k + 1].lower()) is not None
    )
    if stamped:
        kinds[k], reasons[k] = COMMENTS, "comment header"


def _mark_teaser_summary(
    k: int, texts: list[str], words: list[int], kinds: list[int], reasons: MutableMapping[int, str]
) -> None:
    """Demote the paragraph or two just above a bare read-more link to teaser text."""
    if words[k] > _LINK_MAX_WORDS or TEASER_CLOSER_RE.match(texts[k].lower()) is None:
        return
    if kinds[k] == BOX and _heads_box(k, kinds):
        return
    for above in range(k - 1, max(-1, k - 1 - _SUMMARY_MAX_LINES), -1):
        if kinds[above] != PROSE:
            return
        kinds[above], reasons[above] = SHORT, "teaser summary before a read-more link"
