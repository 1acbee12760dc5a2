"""Turn one loaded file into an Article: check its front-matter, split or render its body.

`KNOWN_KEYS` and `parse_date` live in `fields` (the front-matter checks) and are
re-exported here, where callers have always found them.
"""

from __future__ import annotations

import re
import unicodedata
from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, tzinfo
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from .errors import ContentError, Problem
from .fields import KNOWN_KEYS, FieldReader, parse_date
from .load import SourceDoc
from .markdown_body import render_markdown
from .split import Boilerplate, Image, Teaser, split_text

__all__ = [
    "KNOWN_KEYS",
    "NEW_ARTICLE_BODY",
    "Article",
    "ArticleText",
    "StoredText",
    "make_article",
    "parse_date",
    "read_article",
    "slugify",
]

# The body `build.py new` writes; its first line marks an article nobody has filled in yet.
NEW_ARTICLE_BODY = (
    "Paste the text of the page here, replacing this paragraph: headline, story and all.\n"
    "Keep the lines as the browser copied them; `python build.py check` shows what was found."
)

_DATE_IN_PATH = re.compile(r"(\d{4})[-/](\d{2})[-/](\d{2})")


@dataclass(frozen=True, slots=True)
class ArticleText:
    """The long parts of an article: only its own page, the feeds and `check` read them."""

    body: tuple[str, ...]  # plain-text paragraphs (page text); empty for Markdown
    body_html: str | None  # sanitised HTML for Markdown bodies
    teasers: tuple[Teaser, ...]
    boilerplate: tuple[Boilerplate, ...]
    lead_image: Image | None  # caption and credit of the story's photo


class StoredText(ABC):
    """An article's text kept on disk (in the article cache), read when a page needs it.

    A site of ten thousand articles then holds only their titles, dates and summaries in
    memory: the text of each is read back once, by the worker rendering its page.
    """

    __slots__ = ()

    @abstractmethod
    def load(self) -> ArticleText:
        """Read the text back; ContentError if it can no longer be read."""


@dataclass(frozen=True, slots=True)
class Article:
    """One published article, all values checked; linked to others by `key` only."""

    key: str  # path relative to content/, the stable identity of the article
    path: str  # file path for messages
    line: int  # first body line, for messages about the body
    digest: str
    title: str
    slug: str
    date: datetime
    source: str | None
    url: str | None
    tags: tuple[str, ...]
    author: str | None
    draft: bool
    kicker: tuple[str, ...]
    dek: str | None
    section: str | None
    more_from: str | None
    summary: str
    words: int
    content: ArticleText | StoredText  # the long parts, in memory or in the article cache
    extra: Mapping[str, object] = field(default_factory=dict)
    title_line: int = 1  # where the title was given: front-matter or page text
    slug_line: int = 1  # where the slug came from: `slug:`, else the title

    @property
    def text(self) -> ArticleText:
        """The long parts of the article, read back from the article cache if kept there."""
        content = self.content
        return content if isinstance(content, ArticleText) else content.load()

    def with_text(self, **changes: Any) -> Article:
        """A copy with its text in memory, with some of the text's fields changed."""
        return replace(self, content=replace(self.text, **changes))

    @property
    def body(self) -> tuple[str, ...]:
        """Plain-text paragraphs of the story (page text); empty for Markdown."""
        return self.text.body

    @property
    def body_html(self) -> str | None:
        """Sanitised HTML of a Markdown body; None for page text."""
        return self.text.body_html

    @property
    def lead_image(self) -> Image | None:
        """Caption and credit of the story's photo, if the page had one."""
        return self.text.lead_image

    @property
    def teasers(self) -> tuple[Teaser, ...]:
        """The sidebar teasers found after the story."""
        return self.text.teasers

    @property
    def boilerplate(self) -> tuple[Boilerplate, ...]:
        """Lines left out of story and teasers, each with its label and reason."""
        return self.text.boilerplate


def slugify(text: str) -> str:
    """Make a URL slug: ASCII where the text allows, Unicode letters kept otherwise."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    if len(slug) < max(1, len(text) // 4):  # mostly non-Latin: keep the letters
        slug = re.sub(r"[^\w]+", "-", text.lower()).strip("-_")
    return slug[:80].rstrip("-") or "article"


def make_article(doc: SourceDoc, zone: tzinfo, summary_words: int) -> tuple[Article, list[Problem]]:
    """Check a file's front-matter and split its body; raise ContentError on the first error."""
    article, problems = read_article(doc, zone, summary_words)
    errors = [p for p in problems if p.severity == "error"]
    if article is None or errors:
        first = errors[0]
        raise ContentError(first.path, first.line, first.message, first.hint)
    return article, problems


def read_article(
    doc: SourceDoc, zone: tzinfo, summary_words: int
) -> tuple[Article | None, list[Problem]]:
    """Check a file's front-matter and split its body, listing every problem in the file.

    The article is None when any problem is an error; warnings come with an article.
    """
    meta = FieldReader(doc)
    title_hint, source_hint, dek_hint = meta.text("title"), meta.text("source"), meta.text("dek")
    slug_hint, author = meta.text("slug"), meta.text("author")
    url, tags, draft, when = meta.url(), meta.tags(), meta.flag("draft"), meta.date(zone)
    meta.unknown_keys()
    problems = meta.problems
    if slug_hint is not None and slugify(slug_hint) != slug_hint:
        meta.fail(
            "slug", f"`slug` {slug_hint!r} is not URL-safe", f"use `slug: {slugify(slug_hint)}`"
        )
    part = _check_body(doc) or _split_body(doc, title_hint, source_hint, dek_hint)
    if isinstance(part, Problem):
        problems.append(part)
    if isinstance(part, Problem) or any(p.severity == "error" for p in problems):
        return None, problems
    if when is None:
        when = _date_from_path(doc.rel, zone)
        if when is None:
            when = datetime.fromtimestamp(doc.path.stat().st_mtime, zone).replace(microsecond=0)
            problems.append(
                Problem(
                    str(doc.path),
                    1,
                    "no date given; using the file's modification time",
                    "add `date: YYYY-MM-DD` to the front-matter",
                    "warning",
                )
            )
    title = (
        title_hint
        or part.title
        or Path(doc.rel).stem.replace("-", " ").replace("_", " ").strip().capitalize()
    )
    title_line = meta.lines.get("title", 1) if title_hint else (part.title_line or 1)
    source = source_hint or part.more_from or (urlsplit(url).hostname if url else None)
    if source and source.startswith("www."):
        source = source[4:]
    article = Article(
        key=doc.rel,
        path=str(doc.path),
        line=doc.body_line,
        digest=doc.digest,
        title=title,
        slug=slug_hint or slugify(title),
        date=when,
        source=source,
        url=url,
        tags=tags,
        author=author,
        draft=draft,
        kicker=part.kicker,
        dek=part.dek,
        section=part.section,
        more_from=part.more_from,
        summary=_summary(part.dek or part.summary_src, summary_words),
        words=part.words,
        content=ArticleText(part.body, part.html, part.teasers, part.boilerplate, part.image),
        extra={k: v for k, v in doc.meta.items() if k not in KNOWN_KEYS},
        title_line=title_line,
        slug_line=meta.lines.get("slug", 1) if slug_hint else title_line,
    )
    return article, problems


def _check_body(doc: SourceDoc) -> Problem | None:
    """Reject an empty body, and one that still holds the instructions of `build.py new`."""
    if not doc.body or doc.body.isspace():  # not strip(): that copies the whole body
        hint = "paste the page text below the front-matter"
        return Problem(str(doc.path), doc.body_line, "the article has no text", hint)
    marker = NEW_ARTICLE_BODY.split("\n", 1)[0]
    if marker in doc.body:
        line = doc.body_line + doc.body[: doc.body.index(marker)].count("\n")
        message = "the article still holds the instructions written by `build.py new`"
        return Problem(str(doc.path), line, message, "replace them with the text of the page")
    return None


@dataclass(frozen=True, slots=True)
class _Body:
    """What the body of a file gave: split page text, or rendered Markdown."""

    title: str | None
    title_line: int | None
    kicker: tuple[str, ...]
    dek: str | None
    section: str | None
    image: Image | None
    body: tuple[str, ...]
    html: str | None
    teasers: tuple[Teaser, ...]
    more_from: str | None
    boilerplate: tuple[Boilerplate, ...]
    summary_src: str
    words: int


def _split_body(
    doc: SourceDoc, title: str | None, source: str | None, dek: str | None
) -> _Body | Problem:
    if doc.is_markdown:
        html, md_title, plain = render_markdown(doc.body)
        return _Body(
            md_title, None, (), dek, None, None, (), html, (), None, (), plain, len(plain.split())
        )
    result = split_text(doc.body, title=title, source=source, first_line=doc.body_line)
    story = result.story
    if not story.body:
        return Problem(
            str(doc.path),
            doc.body_line,
            "no story found in the text",
            "check that the article's paragraphs are in the file; "
            "`python build.py split --explain FILE` shows each line's label",
        )
    title_line = next((label.line for label in result.labels if label.role == "title"), None)
    return _Body(
        story.title,
        title_line,
        story.kicker,
        dek or story.dek,
        story.section,
        story.lead_image,
        story.body,
        None,
        result.teasers,
        result.more_from,
        result.boilerplate,
        story.body[0],
        sum(map(len, map(str.split, story.body))),
    )


def _date_from_path(rel: str, zone: tzinfo) -> datetime | None:
    match = _DATE_IN_PATH.search(rel)
    if not match:
        return None
    try:
        day = date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return None
    return datetime.combine(day, time(0, 0), zone)


def _summary(text: str, words: int) -> str:
    parts = text.split(None, words)  # the first `words` words, and the rest unsplit if any
    if len(parts) <= words:
        return text.strip()
    return " ".join(parts[:words]).rstrip(",;:—-") + "…"
