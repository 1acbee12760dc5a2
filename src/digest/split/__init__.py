"""Split scraped page text into the story, its teasers and labelled boilerplate.

`split_text` is pure: text in, a frozen `SplitResult` out, no I/O.  The story body comes
from `region.find_region`; `structure.assemble` reads the headline block, the lead photo
and the teasers around it and gives every non-blank line exactly one role.
"""

from __future__ import annotations

from digest.split.region import find_region
from digest.split.result import Boilerplate, Image, LineLabel, SplitResult, Story, Teaser
from digest.split.structure import assemble

__all__ = [
    "Boilerplate",
    "Image",
    "LineLabel",
    "SplitResult",
    "Story",
    "Teaser",
    "split_text",
]


def _page_lines(text: str) -> list[str]:
    """Cut text into stripped lines the way a file is read: at \\n, \\r\\n or \\r."""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return list(map(str.strip, text.split("\n")))


def split_text(
    text: str, *, title: str | None = None, source: str | None = None, first_line: int = 1
) -> SplitResult:
    """Split page text into story, teasers and boilerplate; line numbers start at `first_line`.

    `title` and `source` are the article's front-matter hints (None: inferred from the text).
    """
    lines = _page_lines(text)
    return assemble(
        lines, find_region(lines, title), title=title, source=source, first_line=first_line
    )
