"""Frozen values the splitter returns: the story, its teasers and the labelled rest.

Every non-blank input line ends up in exactly one place: a field of the story, a field
of a teaser, or a `Boilerplate` entry with a reason. `SplitResult.labels` records that
place per line so `build.py split --explain` can print it and tests can prove that no
line is lost.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Image:
    """A photo's caption and credit as the page printed them."""

    caption: str | None = None
    credit: str | None = None
    # A single line that carries both, e.g. "Top photo credit: <caption> (Agency/Name)".
    credit_line: str | None = None


@dataclass(frozen=True, slots=True)
class Story:
    """The main article found in the page text."""

    title: str | None
    dek: str | None
    kicker: tuple[str, ...]
    section: str | None
    lead_image: Image | None
    body: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Teaser:
    """One sidebar teaser block that followed (or surrounded) the story."""

    line: int  # 1-based line number of the teaser's first line in the split text
    label: str | None = None
    image: Image | None = None
    title: str | None = None
    section: str | None = None
    summary: tuple[str, ...] = ()
    sponsored: bool = False


@dataclass(frozen=True, slots=True)
class Boilerplate:
    """A line kept out of story and teasers, with the reason why."""

    line: int
    text: str
    reason: str


@dataclass(frozen=True, slots=True)
class LineLabel:
    """Where one input line went: `role` is e.g. 'title', 'body', 'teaser[2].summary'."""

    line: int
    text: str
    role: str
    reason: str


@dataclass(frozen=True, slots=True)
class SplitResult:
    """Everything the splitter found in one page text."""

    story: Story
    more_from: str | None
    teasers: tuple[Teaser, ...]
    boilerplate: tuple[Boilerplate, ...]
    labels: tuple[LineLabel, ...]
