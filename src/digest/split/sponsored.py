"""Paid teasers: text that names a sponsor, or ends by telling the reader what to do."""

from __future__ import annotations

import re
from typing import Final

# Sponsor phrases inside a teaser's text (`cues._SPONSOR_RE` has them as labels) ...
_SPONSOR_INLINE_RE: Final = re.compile(
    r"\b(?:sponsored\s+(?:by|content)|paid\s+(?:content|post|for\s+by)|partner\s+content"
    r"|(?:presented|brought\s+to\s+you)\s+by|in\s+partnership\s+with|advertorial"
    r"|präsentiert\s+von|contenu\s+sponsorisé|contenido\s+patrocinado)\b",
    re.IGNORECASE,
)
# ... searched only when the text holds one of these pieces of them, a far cheaper test
# (they leave out the first letter so that either case matches).
_SPONSOR_PIECES: Final = (
    "ponsor",
    "aid content",
    "aid post",
    "aid for",
    "artner",
    "resented by",
    "rought to you",
    "dvertorial",
    "räsentiert",
    "atrocinado",
)
# Where a text's last sentence starts: after the last break, within this many characters.
# A break is a full stop, "!" or "?", maybe a closing quote, then a space.
_LAST_SENTENCE_MAX_CHARS: Final = 400
_BREAK_MARKS: Final = ".!?"
_CLOSING_QUOTES: Final = "\"”'’"

# A last sentence that is a promotional call to action ("Learn how ...", "Shop now").
# News summaries end by reporting; advertising copy ends by telling the reader what to do.
_CALL_TO_ACTION_RE: Final = re.compile(
    r"(?:learn\s+(?:how|more|why|about)|find\s+out\s+more|discover\s+(?:how|more|why|the)"
    r"|shop\s+(?:now|the)|sign\s+up\s+(?:now|today|for)|get\s+started|book\s+(?:now|today)"
    r"|try\s+it\s+(?:free|now|today)|start\s+your\s+free|request\s+a\s+demo"
    r"|download\s+(?:now|the\s+app)|mehr\s+erfahren|erfahren\s+sie\s+(?:mehr|wie)"
    r"|entdecken\s+sie|découvrez|en\s+savoir\s+plus|descubr[ae]\s+(?:cómo|más)"
    r"|más\s+información|saiba\s+(?:mais|como)|scopri\s+(?:di\s+più|come)|ontdek\s+(?:hoe|meer))\b",
    re.IGNORECASE,
)


def is_sponsored_text(text: str) -> bool:
    """Tell whether teaser text names a sponsor or ends with a call to action."""
    for piece in _SPONSOR_PIECES:
        if piece in text:
            if _SPONSOR_INLINE_RE.search(text):
                return True
            break
    lo = max(0, len(text) - 1 - _LAST_SENTENCE_MAX_CHARS)
    return _CALL_TO_ACTION_RE.match(text, _last_sentence(text, lo)) is not None


def _last_sentence(text: str, lo: int) -> int:
    """Return where the last sentence of text[lo:] starts: after its last break, else at lo.

    A break is a mark (".", "!", "?"), maybe a closing quote, then a space.  Searching for
    the marks from the end takes a step or two; a pattern would try every position.
    """
    size = len(text)
    best = lo - 1  # where the last break found so far starts
    start = lo
    for mark in _BREAK_MARKS:
        # ("!" and "?" are rare: the `in` test is cheaper than a search that finds nothing)
        at = text.rfind(mark, lo) if mark in text else -1
        while at > best:
            after = at + 1
            if after < size and text[after] in _CLOSING_QUOTES:
                after += 1
            if after < size and text[after] == " ":
                best, start = at, after + 1
                break
            at = text.rfind(mark, lo, at)
    return start
