"""The read-only values templates see: frozen views of the model and a TypedDict per page kind.

Templates never get `Article` or `Site` themselves, so a theme cannot depend on (or mutate)
the model; the planner in `pages.py` builds these from a frozen site.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from json.encoder import encode_basestring
from typing import TypedDict
from urllib.parse import urlsplit

from markupsafe import Markup

from .split import Image

_MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip
_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
# JSON text may hold `</script>` or `<!--`; \u escapes keep it inert inside <script>.
_JSON_ESCAPES = (
    ("<", "\\u003c"),
    (">", "\\u003e"),
    ("&", "\\u0026"),
    ("\u2028", "\\u2028"),
    ("\u2029", "\\u2029"),
)
# One encoder for all pages: json.dumps with options builds a new one on every call.
_JSON = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))
# Nearly every address has a host of lowercase letters, digits, dots and hyphens; its host
# is then read without urlsplit, a quarter of the time spent building an article's view.
_PLAIN_HOST = re.compile(r"https?://([a-z0-9.-]+)(?:[/?#]|\Z)")


@dataclass(frozen=True, slots=True)
class Link:
    """A named site link."""

    name: str
    url: str


@dataclass(frozen=True, slots=True)
class CountLink:
    """A link to a listing with how many articles it holds; weight 1-5 sizes a tag cloud."""

    name: str
    url: str
    count: int
    weight: int


@dataclass(frozen=True, slots=True)
class When:
    """A date ready to print: `iso` for `<time datetime>`, `label` for readers."""

    iso: str
    label: str
    time: str | None  # "14:05", or None when the source gave a date only


@dataclass(frozen=True, slots=True)
class Photo:
    """A lead or teaser photo's caption and credit (the text has no image itself)."""

    caption: str | None
    credit: str | None
    credit_line: str | None  # one line carrying caption and credit together, as printed


@dataclass(frozen=True, slots=True)
class TeaserView:
    """One sidebar teaser as the template shows it."""

    label: str | None
    title: str | None
    section: str | None
    summary: tuple[str, ...]
    photo: Photo | None
    sponsored: bool


@dataclass(frozen=True, slots=True)
class ArticleView:
    """Everything an article page shows about its article."""

    url: str
    title: str
    kicker: tuple[str, ...]
    dek: str | None
    section: str | None
    photo: Photo | None
    paragraphs: tuple[str, ...]
    body_html: Markup | None
    source: Link | None
    when: When
    original_url: str | None
    original_host: str | None
    author: str | None
    tags: tuple[Link, ...]
    teasers: tuple[TeaserView, ...]
    teasers_heading: str
    minutes: int


@dataclass(frozen=True, slots=True)
class ItemView:
    """One article in a listing."""

    url: str
    title: str
    source: Link | None
    label: str | None  # kicker or section
    summary: str
    tags: tuple[Link, ...]
    when: When


@dataclass(frozen=True, slots=True)
class DayBlock:
    """The items of one listing page that share a day, under that day's heading."""

    heading: str
    url: str
    iso: str
    items: tuple[ItemView, ...]


@dataclass(frozen=True, slots=True)
class PageLink:
    """One entry of a page-number row; a gap ("…") has no URL."""

    label: str
    url: str | None
    current: bool


@dataclass(frozen=True, slots=True)
class Pager:
    """Position in a paginated listing and links to its other pages."""

    page: int
    pages: int
    newer: str | None
    older: str | None
    links: tuple[PageLink, ...]


@dataclass(frozen=True, slots=True)
class IndexSection:
    """A run of entries on an index page, optionally under a heading (archive months)."""

    heading: str | None
    entries: tuple[CountLink, ...]


@dataclass(frozen=True, slots=True)
class SiteView:
    """Site-wide values every page shows: masthead, navigation, assets."""

    title: str
    description: str
    language: str
    home_url: str
    sources_url: str
    tags_url: str
    archive_url: str
    feed_url: str
    css_url: str
    icon_url: str


@dataclass(frozen=True, slots=True)
class Head:
    """What goes into `<head>`: title, description, canonical URL, feeds and metadata."""

    title: str
    description: str
    canonical: str
    og_type: str  # "article" or "website"
    published: str | None
    feeds: tuple[Link, ...]
    json_ld: Markup | None
    nav: str  # "latest", "sources", "tags", "archive" or "" (marks the current nav item)
    noindex: bool


class BaseContext(TypedDict):
    """Keys every HTML page gets."""

    site: SiteView
    head: Head


class ArticleContext(BaseContext):
    """Context of `article.html`."""

    article: ArticleView
    newer: Link | None
    older: Link | None


class ListingContext(BaseContext):
    """Context of `home.html`, `source.html`, `tag.html` and `day.html`."""

    kind: str
    heading: str
    intro: str | None
    feed: Link | None
    days: tuple[DayBlock, ...]
    pager: Pager
    newer_day: Link | None
    older_day: Link | None


class IndexContext(BaseContext):
    """Context of `sources.html`, `tags.html` and `archive.html`."""

    kind: str
    heading: str
    intro: str
    sections: tuple[IndexSection, ...]


class NotFoundContext(BaseContext):
    """Context of `404.html`."""

    latest: tuple[ItemView, ...]


def format_day(day: date) -> str:
    """Print a day as a heading, e.g. 'Monday, 4 November 2024'."""
    return f"{_WEEKDAYS[day.weekday()]}, {day.day} {_MONTHS[day.month - 1]} {day.year}"


def format_month(day: date) -> str:
    """Print a day's month as a heading, e.g. 'November 2024'."""
    return f"{_MONTHS[day.month - 1]} {day.year}"


def format_weekday(day: date) -> str:
    """Print a day within its month, e.g. 'Monday 4'."""
    return f"{_WEEKDAYS[day.weekday()]} {day.day}"


def when(moment: datetime) -> When:
    """Describe a moment for `<time>`; midnight is read as 'date only'."""
    has_time = (moment.hour, moment.minute, moment.second) != (0, 0, 0)
    label = f"{moment.day} {_MONTHS[moment.month - 1]} {moment.year}"
    if has_time:
        return When(moment.isoformat(), label, f"{moment.hour:02d}:{moment.minute:02d}")
    return When(moment.date().isoformat(), label, None)


def json_for_script(data: object) -> Markup:
    """Serialise data as JSON that is safe inside a `<script>` element."""
    return _script_safe(_JSON.encode(data))


def _script_safe(text: str) -> Markup:
    for char, escape in _JSON_ESCAPES:
        text = text.replace(char, escape)
    return Markup(text)  # every markup-significant character is escaped above


def host_of(url: str | None) -> str | None:
    """The host name of an address without `www.`, for link text."""
    if url is None:
        return None
    plain = _PLAIN_HOST.match(url)
    host = plain.group(1) if plain else (urlsplit(url).hostname or url)
    return host.removeprefix("www.")


def count_of(n: int, noun: str) -> str:
    """Say how many, e.g. '1 article', '3 articles'."""
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def photo(image: Image | None) -> Photo | None:
    """Describe a photo by caption and credit, or None when the text gave neither."""
    if image is None or not (image.caption or image.credit or image.credit_line):
        return None
    return Photo(image.caption, image.credit, image.credit_line)


def news_article_ld(
    view: ArticleView,
    canonical: str,
    description: str,
    published: str,
    language: str,
    publisher: str,
    words: int,
) -> Markup:
    """Describe an article as schema.org `NewsArticle` JSON-LD for its `<head>`."""
    # Written out as json_for_script(dict) would print it: JSONEncoder sets itself up afresh
    # on each call, which took a quarter of the time spent planning an article's page. Its
    # `encode` of a string is this C function, behind two Python calls of checks.
    text = encode_basestring  # one JSON string (what JSONEncoder(ensure_ascii=False) gives)
    date, url = text(published), text(canonical)
    parts = [
        '{"@context":"https://schema.org","@type":"NewsArticle"',
        f',"headline":{text(view.title)},"description":{text(description)}',
        f',"datePublished":{date},"dateModified":{date}',
        f',"url":{url},"mainEntityOfPage":{url}',
        f',"inLanguage":{text(language)},"wordCount":{words:d}',
        f',"publisher":{{"@type":"Organization","name":{text(publisher)}}}',
    ]
    if view.author:
        parts.append(f',"author":[{{"@type":"Person","name":{text(view.author)}}}]')
    if view.section:
        parts.append(f',"articleSection":{text(view.section)}')
    if view.tags:
        keywords = ",".join([text(t.name) for t in view.tags])
        parts.append(f',"keywords":[{keywords}]')
    if view.original_url:
        parts.append(f',"isBasedOn":{text(view.original_url)}')
    parts.append("}")
    return _script_safe("".join(parts))


def pager(page: int, pages: int, url_of: Callable[[int], str]) -> Pager:
    """Describe page `page` of `pages`: newer/older links and numbers around the current one."""
    shown = sorted(n for n in {1, pages, *range(page - 2, page + 3)} if 1 <= n <= pages)
    links: list[PageLink] = []
    previous = 0
    for number in shown:
        if number - previous > 1:
            links.append(PageLink("…", None, False))
        links.append(PageLink(str(number), url_of(number), number == page))
        previous = number
    return Pager(
        page=page,
        pages=pages,
        newer=url_of(page - 1) if page > 1 else None,
        older=url_of(page + 1) if page < pages else None,
        links=tuple(links),
    )
