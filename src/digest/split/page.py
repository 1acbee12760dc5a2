"""The lines of one page while the splitter works on it, and the role each line gets.

`Page` is the splitter's scratch pad inside one call of `split_text`: the stripped lines,
their (lazily computed) cues, and the one role every non-blank line ends up with.  Word
counts and the furniture verdicts come from the region finder, which already computed
them for every line.  Nothing here leaves the splitter; `structure.assemble` turns it into
the frozen `SplitResult`.
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass, field
from itertools import compress

from digest.split._lines import BOX
from digest.split.cues import Cue, classify
from digest.split.region import Region
from digest.split.result import Image, Teaser

BOILERPLATE: str = "boilerplate"


class Page:
    """Stripped page lines, their cues, and the role given to each non-blank line."""

    __slots__ = ("_cues", "_kinds", "_reasons", "_words", "lines", "roles", "text")

    def __init__(self, text: list[str], region: Region) -> None:
        self.text = text
        self.lines = list(compress(range(len(text)), text))  # the non-blank lines
        self.roles: dict[int, tuple[str, str]] = {}
        self._cues: dict[int, Cue] = {}
        self._words = region.words
        self._kinds = region.kinds
        self._reasons = region.reasons

    def words(self, i: int) -> int:
        """Return the word count of line `i`."""
        return self._words[i]

    def cue(self, i: int) -> Cue:
        """Return what line `i` is, classified once."""
        cue = self._cues.get(i)
        if cue is None:
            cue = self._cues[i] = classify(
                self.text[i], self._words[i], self._kinds[i], self._reasons.get(i, "")
            )
        return cue

    def is_box_heading(self, i: int) -> bool:
        """Tell whether line `i` heads a box of links the page put inside the story."""
        return self._kinds[i] == BOX

    def put(self, i: int, role: str, reason: str) -> None:
        """Give line `i` its role (the last call wins, so later stages may correct)."""
        self.roles[i] = (role, reason)

    def boiler(self, i: int, reason: str) -> None:
        """Label line `i` as boilerplate with a reason."""
        self.roles[i] = (BOILERPLATE, reason)

    def nonblank(self, lo: int, hi: int) -> list[int]:
        """Return the indices of non-blank lines in [lo, hi)."""
        lines = self.lines
        return lines[bisect_left(lines, lo) : bisect_left(lines, hi)]


@dataclass(slots=True)
class ImageDraft:
    """A photo's caption and credit lines while they are being collected."""

    caption: int = -1
    credit: int = -1
    credit_line: int = -1

    def is_empty(self) -> bool:
        """Tell whether no line of the image was found."""
        return self.caption < 0 and self.credit < 0 and self.credit_line < 0

    def has_credit(self) -> bool:
        """Tell whether the image has its credit already."""
        return self.credit >= 0 or self.credit_line >= 0

    def freeze(self, text: list[str]) -> Image | None:
        """Return the frozen Image, or None when nothing was found."""
        if self.is_empty():
            return None
        return Image(
            line_or_none(text, self.caption),
            line_or_none(text, self.credit),
            line_or_none(text, self.credit_line),
        )


@dataclass(slots=True)
class TeaserDraft:
    """One teaser while its lines are being collected."""

    number: int
    first: int
    label: int = -1
    image: ImageDraft = field(default_factory=ImageDraft)
    title: int = -1
    section: int = -1
    summary: list[int] = field(default_factory=list)
    sponsored: bool = False

    def has_text(self) -> bool:
        """Tell whether the teaser has a title or summary yet."""
        return self.title >= 0 or bool(self.summary)

    def wants_section(self) -> bool:
        """Tell whether a section label may follow: a title, and nothing after it yet."""
        return self.title >= 0 and self.section < 0 and not self.summary

    def is_head_only(self) -> bool:
        """Tell whether only the label was seen, so an image may still join."""
        return self.image.is_empty() and not self.has_text() and self.section < 0

    def role(self, part: str) -> str:
        """Return the line role for one of this teaser's fields."""
        return f"teaser[{self.number}].{part}"

    def freeze(self, text: list[str], first_line: int) -> Teaser:
        """Return the frozen Teaser with 1-based file line numbers."""
        return Teaser(
            line=self.first + first_line,
            label=line_or_none(text, self.label),
            image=self.image.freeze(text),
            title=line_or_none(text, self.title),
            section=line_or_none(text, self.section),
            summary=tuple([text[i] for i in self.summary]),
            sponsored=self.sponsored,
        )


def line_or_none(text: list[str], i: int) -> str | None:
    """Return line `i`, or None for the -1 that marks an absent field."""
    return text[i] if i >= 0 else None
