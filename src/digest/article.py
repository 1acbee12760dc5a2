"""Turn one loaded file into an Article: check its front-matter, split or render its body."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timezone, tzinfo
from pathlib import Path
from urllib.parse import urlsplit

from .errors import ContentError, Problem
from .load import SourceDoc
from .markdown_body import render_markdown
from .split import Boilerplate, Image, Teaser, split_text

KNOWN_KEYS = ("title", "date", "source", "url", "tags", "draft", "slug", "author", "dek")

_DATE_IN_PATH = re.compile(r"(\d{4})[-/](\d{2})[-/](\d{2})")


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
    lead_image: Image | None
    body: tuple[str, ...]  # plain-text paragraphs (page text); empty for Markdown
    body_html: str | None  # sanitised HTML for Markdown bodies
    teasers: tuple[Teaser, ...]
    more_from: str | None
    boilerplate: tuple[Boilerplate, ...]
    summary: str
    words: int
    extra: Mapping[str, object] = field(default_factory=dict)


def slugify(text: str) -> str:
    """Make a URL slug: ASCII where the text allows, Unicode letters kept otherwise."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    if len(slug) < max(1, len(text) // 4):  # mostly non-Latin: keep the letters
        slug = re.sub(r"[^\w]+", "-", text.lower()).strip("-_")
    return slug[:80].rstrip("-") or "article"


def parse_date(value: object, zone: tzinfo) -> datetime | None:
    """Read an ISO 8601 date or date-time; a date or naive time is taken in `zone`."""
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=zone)
    if isinstance(value, date):
        return datetime.combine(value, time(0, 0), zone)
    if not isinstance(value, str):
        return None
    text = value.strip()
    try:
        if len(text) == 10:
            return datetime.combine(date.fromisoformat(text), time(0, 0), zone)
        parsed = datetime.fromisoformat(text.replace("z", "Z"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=zone)


def make_article(doc: SourceDoc, zone: tzinfo, summary_words: int) -> tuple[Article, list[Problem]]:
    """Check a file's front-matter and split its body; raise ContentError on the first error."""
    meta, lines, path = doc.meta, doc.meta_lines, str(doc.path)
    warnings: list[Problem] = []

    def fail(key: str, message: str, hint: str) -> ContentError:
        return ContentError(path, lines.get(key, 1), message, hint)

    def text_field(key: str) -> str | None:
        value = meta.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            kind = "a list" if isinstance(value, list) else type(value).__name__
            raise fail(key, f"`{key}` must be text, not {kind}", f'write `{key}: "..."`')
        return str(value).strip() or None

    title_hint = text_field("title")
    source_hint = text_field("source")
    url = text_field("url")
    if url is not None:
        parts = urlsplit(url)
        if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
            raise fail("url", f"`url` must be an http or https address, not {url!r}",
                       "copy the address from the browser, starting with https://")
    tags = _tags(meta.get("tags"), fail)
    draft = meta.get("draft", False)
    if not isinstance(draft, bool):
        raise fail("draft", "`draft` must be true or false", "write `draft: true`")
    when = None
    if "date" in meta:
        when = parse_date(meta["date"], zone)
        if when is None:
            raise fail("date", f"`date` is not a valid date: {meta['date']!r}",
                       "use YYYY-MM-DD or YYYY-MM-DDTHH:MM:SS+00:00, e.g. 2024-11-04")
    for key in meta:
        if key not in KNOWN_KEYS:
            warnings.append(Problem(path, lines.get(key, 1), f"unknown front-matter key `{key}`",
                                    "known keys: " + ", ".join(KNOWN_KEYS) + "; kept as extra",
                                    "warning"))
    if not doc.body.strip():
        raise ContentError(path, doc.body_line, "the article has no text",
                           "paste the page text below the front-matter")

    if doc.is_markdown:
        html, md_title, plain = render_markdown(doc.body)
        title = title_hint or md_title
        kicker: tuple[str, ...] = ()
        dek, section, image, body, teasers, more_from, boiler = (
            text_field("dek"), None, None, (), (), None, ())
        words = len(plain.split())
        summary_src = plain
        body_html: str | None = html
    else:
        result = split_text(doc.body, title=title_hint, source=source_hint,
                            first_line=doc.body_line)
        story = result.story
        title, kicker, section, image = story.title, story.kicker, story.section, story.lead_image
        dek = text_field("dek") or story.dek
        body, teasers, more_from, boiler = (story.body, result.teasers, result.more_from,
                                            result.boilerplate)
        if not body:
            raise ContentError(path, doc.body_line, "no story found in the text",
                               "check that the article's paragraphs are in the file; "
                               "`python build.py split --explain FILE` shows each line's label")
        words = sum(len(p.split()) for p in body)
        summary_src = body[0]
        body_html = None
        title = title_hint or title

    if when is None:
        when = _date_from_path(doc.rel, zone)
        if when is None:
            when = datetime.fromtimestamp(doc.path.stat().st_mtime, zone).replace(microsecond=0)
            warnings.append(Problem(path, 1, "no date given; using the file's modification time",
                                    "add `date: YYYY-MM-DD` to the front-matter", "warning"))
    title = title or Path(doc.rel).stem.replace("-", " ").replace("_", " ").strip().capitalize()
    slug = text_field("slug") or slugify(title)
    if slugify(slug) != slug:
        raise fail("slug", f"`slug` {slug!r} is not URL-safe", f"use `slug: {slugify(slug)}`")
    source = source_hint or more_from or (urlsplit(url).hostname if url else None)
    if source and source.startswith("www."):
        source = source[4:]
    article = Article(
        key=doc.rel, path=path, line=doc.body_line, digest=doc.digest, title=title, slug=slug,
        date=when, source=source, url=url, tags=tags, author=text_field("author"), draft=draft,
        kicker=kicker, dek=dek, section=section, lead_image=image, body=body,
        body_html=body_html, teasers=teasers, more_from=more_from, boilerplate=boiler,
        summary=_summary(dek or summary_src, summary_words), words=words,
        extra={k: v for k, v in meta.items() if k not in KNOWN_KEYS},
    )
    return article, warnings


def _tags(value: object, fail: Callable[[str, str, str], ContentError]) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        raise fail("tags", "`tags` must be a list, not text",
                   f"write `tags: [{', '.join(t.strip() for t in value.split(','))}]`")
    if not isinstance(value, list):
        raise fail("tags", "`tags` must be a list of words", "write `tags: [politics, europe]`")
    tags: list[str] = []
    for item in value:
        if isinstance(item, bool) or not isinstance(item, (str, int, float)):
            raise fail("tags", f"each tag must be text, not {item!r}", "write `tags: [a, b]`")
        tag = str(item).strip()
        if tag and tag not in tags:
            tags.append(tag)
    return tuple(tags)


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
    parts = text.split()
    if len(parts) <= words:
        return text.strip()
    return " ".join(parts[:words]).rstrip(",;:—-") + "…"


UTC = timezone.utc
