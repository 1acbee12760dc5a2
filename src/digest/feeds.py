"""Plan the machine-read files: Atom feeds (site, each source, each tag), sitemap, robots.txt.

They render through templates like every page (`atom.xml`, `sitemap.xml`, `robots.txt`), so
a site can override them, and autoescaping makes every value well-formed XML text.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from html import escape
from typing import TypedDict
from urllib.parse import quote

from markupsafe import Markup

from .article import Article
from .article_views import digest
from .model import Group
from .pages import Page, PagePlan

# Characters XML 1.0 forbids even as references; scraped text sometimes carries them.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
# RFC 3986 reserved characters plus `%` and `~` stay; everything else is percent-encoded.
# `&` is encoded as well so that no URL needs XML escaping in robots.txt.
_URL_SAFE = ":/?#[]@!$'()*+,;=%~"
# Addresses made only of characters `quote` keeps (nearly all of them) are left as they are.
_QUOTED = re.compile(r"[A-Za-z0-9_.\-~:/?#\[\]@!$'()*+,;=%]*")
_EPOCH = "1970-01-01T00:00:00+00:00"  # `updated` of a feed with no entries: fixed, not now()


@dataclass(frozen=True, slots=True)
class Category:
    """An Atom category: the tag's slug as term, its name as label."""

    term: str
    label: str


@dataclass(frozen=True, slots=True)
class FeedEntry:
    """One Atom entry with absolute URLs and XML-safe text."""

    title: str
    url: str
    published: str
    author: str | None
    summary: str
    content: str  # HTML as text: the template escapes it once more for type="html"
    categories: tuple[Category, ...]


class FeedContext(TypedDict):
    """Context of `atom.xml`."""

    title: str
    subtitle: str
    language: str
    self_url: str
    page_url: str
    updated: str
    author: str
    entries: tuple[FeedEntry, ...]


@dataclass(frozen=True, slots=True)
class SitemapEntry:
    """One `<url>` of the sitemap."""

    loc: str
    lastmod: str | None


class SitemapContext(TypedDict):
    """Context of `sitemap.xml`."""

    entries: tuple[SitemapEntry, ...]


class RobotsContext(TypedDict):
    """Context of `robots.txt`."""

    sitemap_url: Markup


def absolute_url(plan: PagePlan, url: str) -> str:
    """Make a site URL absolute and percent-encoded, as feeds and sitemaps require."""
    url = plan.urls.absolute(url)
    # A sitemap has one per page: `quote` encodes and scans each, ten times the cost.
    return url if _QUOTED.fullmatch(url) else quote(url, safe=_URL_SAFE)


def xml_text(text: str) -> str:
    """Drop characters that XML 1.0 cannot carry."""
    return _NOT_XML.sub("", text)


class FeedPlan:
    """Plans the Atom feeds, building each article's entry once."""

    def __init__(self, plan: PagePlan) -> None:
        self.plan = plan
        self._entries: dict[str, tuple[FeedEntry, str]] = {}

    def pages(self, wanted: Callable[[str], bool] | None = None) -> Iterator[Page]:
        """Yield the site feed, then one feed per source and per tag.

        With `wanted`, only feeds whose output path it accepts are planned (asked in order).
        """
        site, urls = self.plan.site, self.plan.urls
        feeds: list[tuple[Group | None, tuple[str, ...]]] = [(None, site.keys)]
        feeds += [(group, group.keys) for group in (*site.sources, *site.tags)]
        for group, keys in feeds:
            if wanted is None or wanted(urls.feed(group)[len(urls.base) :]):
                yield self.feed(group, keys)

    def feed(self, group: Group | None, keys: tuple[str, ...]) -> Page:
        """Plan one feed of the newest `feed_size` articles among `keys`."""
        plan, config = self.plan, self.plan.config
        shown = keys[: config.feed_size]
        entries = tuple(self._entry(plan.site.by_key[k]) for k in shown)
        urls = plan.urls
        if group is None:
            title, page = config.title, urls.home()
        else:
            title, page = f"{config.title}: {group.name}", urls.group(group)
        feed_url = urls.feed(group)
        newest = plan.site.by_key[shown[0]].date.isoformat() if shown else _EPOCH
        context: FeedContext = {
            "title": xml_text(title),
            "subtitle": xml_text(config.description),
            "language": config.language,
            "self_url": absolute_url(plan, feed_url),
            "page_url": absolute_url(plan, page),
            "updated": newest,
            "author": xml_text(config.author or config.title),
            "entries": tuple(e for e, _ in entries),
        }
        rest = {k: v for k, v in context.items() if k != "entries"}
        version = digest(rest, [d for _, d in entries])
        return Page(feed_url[len(urls.base) :], None, "atom.xml", context, shown, version)

    def _entry(self, article: Article) -> tuple[FeedEntry, str]:
        """The Atom entry of one article and its digest (cached: it is in several feeds)."""
        cached = self._entries.get(article.key)
        if cached is None:
            plan = self.plan
            entry = FeedEntry(
                title=xml_text(article.title),
                url=absolute_url(plan, plan.views.url(article)),
                published=article.date.isoformat(),
                author=xml_text(article.author) if article.author else None,
                summary=xml_text(article.summary),
                content=xml_text(_content_html(article)),
                categories=tuple(
                    Category(slug, xml_text(plan.tags[slug].name))
                    for slug in dict.fromkeys(plan.views.slug(t) for t in article.tags)
                ),
            )
            categories = [(c.term, c.label) for c in entry.categories]
            version = digest(entry.title, entry.url, entry.published, entry.author,
                             entry.summary, entry.content, categories)  # fmt: skip
            cached = self._entries[article.key] = (entry, version)
        return cached


def sitemap_page(plan: PagePlan, pages: Iterable[tuple[str, datetime | None]]) -> Page:
    """Plan sitemap.xml from (site URL, last change) pairs of every HTML page."""
    entries = tuple(
        SitemapEntry(absolute_url(plan, url), lastmod.isoformat() if lastmod else None)
        for url, lastmod in pages
    )
    context: SitemapContext = {"entries": entries}
    version = digest([(e.loc, e.lastmod) for e in entries])  # plain values: cheap to digest
    return Page("sitemap.xml", None, "sitemap.xml", context, (), version)


def robots_page(plan: PagePlan) -> Page:
    """Plan robots.txt, which allows everything and names the sitemap."""
    url = absolute_url(plan, plan.urls.base + "sitemap.xml")
    # Percent-encoding left no `<>&"` in the URL, so it needs no escaping in plain text.
    context: RobotsContext = {"sitemap_url": Markup(url)}
    return Page("robots.txt", None, "robots.txt", context, (), digest(url))


def _content_html(article: Article) -> str:
    text = article.text  # read from the article cache once, not once per field
    if text.body_html is not None:
        html = text.body_html
    else:
        html = "".join([f"<p>{escape(p)}</p>" for p in text.body])
    if article.url:
        html += f'<p><a href="{escape(article.url)}">Original article</a></p>'
    return html
