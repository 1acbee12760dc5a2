"""The page plan: every HTML page of a site with the typed, read-only context it renders with.

Each page's context is a pure function of the frozen site: the same site always plans the
same pages, and nothing here is changed by rendering.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from itertools import groupby
from operator import itemgetter

from markupsafe import Markup

from .article import Article
from .article_views import ArticleViews, digest, link_parts
from .model import Group, Site, Urls
from .views import (
    ArticleContext,
    CountLink,
    DayBlock,
    Head,
    IndexContext,
    IndexSection,
    ItemView,
    Link,
    ListingContext,
    NotFoundContext,
    SiteView,
    count_of,
    format_day,
    format_month,
    format_weekday,
    news_article_ld,
    pager,
)

NOT_FOUND_PATH = "404.html"
_DAY = itemgetter(2)
# How a listing shows an article: its item, the item's digest and the day it is listed under.
Listed = tuple[ItemView, str, date]


def _everything(_path: str) -> bool:
    return True


@dataclass(frozen=True, slots=True)
class Page:
    """One planned output: where it goes, what renders it, and what it was made from."""

    path: str  # relative posix path in the output folder
    url: str | None  # site URL, None for files outside the sitemap
    template: str
    context: Mapping[str, object]
    keys: tuple[str, ...]  # keys of the articles it shows
    version: str  # digest of what it shows besides those articles' own content
    lastmod: datetime | None = None


def output_path(urls: Urls, url: str) -> str:
    """Map a directory-style site URL to its file in the output folder."""
    rel = url[len(urls.base) :]
    return rel + "index.html" if rel.endswith("/") or not rel else rel


class PagePlan:
    """Plans every HTML page of a frozen site; views are built once and shared."""

    def __init__(self, site: Site) -> None:
        self.site = site
        self.config = site.config
        self.urls = Urls(site.config)
        u = self.urls
        self.views = ArticleViews(site, u)
        self.tags = self.views.tags
        self._days: dict[date, tuple[str, str, str]] = {}  # heading, URL, ISO date
        self._listed: dict[str, Listed] = {}  # by article key
        self._day_index = {g.slug: i for i, g in enumerate(site.days)}
        self.view = SiteView(
            title=self.config.title,
            description=self.config.description,
            language=self.config.language,
            home_url=u.home(),
            sources_url=u.index_of("source"),
            tags_url=u.index_of("tag"),
            archive_url=u.index_of("day"),
            feed_url=u.feed(),
            css_url=u.static("site.css"),
            icon_url=u.static("favicon.svg"),
        )
        self.site_feed = Link(f"{self.config.title} (Atom)", u.feed())
        # Digested into every listing's version: its repr is made once.
        self._site_repr = repr(self.view)

    def pages(
        self, wanted: Callable[[str], bool] | None = None, articles: bool = True
    ) -> Iterator[Page]:
        """Yield every HTML page: articles, listings, indexes and the 404 page.

        With `wanted`, only pages whose output path it accepts are planned and yielded; it
        is asked once per page, in this order (incremental builds plan only what changed).
        `articles=False` leaves out the article pages (a caller planning a few itself).
        """
        want = wanted or _everything
        for article in self.site.articles if articles else ():
            if want(output_path(self.urls, self.views.url(article))):
                yield self.article_page(article)
        yield from self.listing("home", None, self.site.keys, "Latest", None, None, want)
        for group in self.site.sources:
            intro = f"{count_of(len(group.keys), 'article')} from {group.name}, newest first."
            yield from self.listing("source", group, group.keys, group.name, intro, group, want)
        for group in self.site.tags:
            intro = f"{count_of(len(group.keys), 'article')} tagged “{group.name}”, newest first."
            yield from self.listing("tag", group, group.keys, group.name, intro, group, want)
        for group in self.site.days:
            heading = format_day(date.fromisoformat(group.slug))
            yield from self.listing("day", group, group.keys, heading, None, None, want)
        for kind, make in (
            ("source", self.sources_index),
            ("tag", self.tags_index),
            ("day", self.archive),
        ):
            if want(output_path(self.urls, self.urls.index_of(kind))):
                yield make()
        if want(NOT_FOUND_PATH):
            yield self.not_found()

    def first_shown(self) -> dict[str, int]:
        """Output path of each article and listing page -> site position of its first article.

        Workers split the pages by this position, so that each shows (and renders the
        listing entries of) mostly its own part of the articles.
        """
        site, urls, per_page = self.site, self.urls, self.config.per_page
        found = {output_path(urls, self.views.url(a)): i for i, a in enumerate(site.articles)}
        position = site.position
        found.update(
            (output_path(urls, urls.home(n + 1)), n * per_page)
            for n in range(math.ceil(len(site.articles) / per_page))
        )
        for group in (*site.sources, *site.tags, *site.days):
            for n in range(math.ceil(len(group.keys) / per_page)):
                first = group.keys[n * per_page]
                found[output_path(urls, urls.group(group, n + 1))] = position[first]
        return found

    def article_url(self, article: Article) -> str:
        """An article's URL (cached: every listing and neighbour links to it)."""
        return self.views.url(article)

    def item(self, article: Article) -> ItemView:
        """The listing entry of an article (cached: it appears on several listings)."""
        return self.views.item(article)[0]

    def article_page(self, article: Article) -> Page:
        """Plan the page of one article."""
        url = self.views.url(article)
        view = self.views.article_view(article)
        newer, older = self.site.newer(article), self.site.older(article)
        description = article.dek or article.summary
        published = article.date.isoformat()
        publisher = article.source or self.config.title
        json_ld = news_article_ld(view, self.urls.absolute(url), description, published,
                                  self.config.language, publisher, article.words)  # fmt: skip
        context: ArticleContext = {
            "site": self.view,
            "head": self._head(
                f"{article.title} — {self.config.title}",
                description,
                url,
                published=published,
                json_ld=json_ld,
            ),
            "article": view,
            "newer": Link(newer.title, self.views.url(newer)) if newer else None,
            "older": Link(older.title, self.views.url(older)) if older else None,
        }
        keys = tuple(a.key for a in (article, newer, older) if a is not None)
        # The article's own content is covered by its key; the rest is named here.
        version = digest(link_parts(view.source), [link_parts(t) for t in view.tags],
                         link_parts(context["newer"]), link_parts(context["older"]))  # fmt: skip
        path = output_path(self.urls, url)
        return Page(path, url, "article.html", context, keys, version, article.date)

    def listing(
        self,
        kind: str,
        group: Group | None,
        keys: tuple[str, ...],
        heading: str,
        intro: str | None,
        feed_group: Group | None,
        wanted: Callable[[str], bool] | None = None,
    ) -> Iterator[Page]:
        """Plan the pages of one paginated listing (home, a source, a tag or a day)."""
        per_page = self.config.per_page
        pages = max(1, math.ceil(len(keys) / per_page))

        # Each page's URL is asked for several times (pager links, neighbours): made once.
        urls = [""] + [
            self.urls.home(n) if group is None else self.urls.group(group, n)
            for n in range(1, pages + 1)
        ]
        url_of = urls.__getitem__  # page number -> URL
        paths = [output_path(self.urls, u) for u in urls]
        newer_day, older_day = self._day_neighbours(group) if kind == "day" else (None, None)
        feed = Link(f"{heading} (Atom)", self.urls.feed(feed_group)) if feed_group else None
        nav = {"home": "latest", "source": "sources", "tag": "tags", "day": "archive"}[kind]
        listed = self._listed.get
        template = f"{kind}.html"
        for number in range(1, pages + 1):
            if wanted is not None and not wanted(paths[number]):
                continue
            shown = keys[(number - 1) * per_page : number * per_page]
            entries = [listed(k) or self._list(k) for k in shown]
            url = urls[number]
            suffix = f" (page {number} of {pages})" if number > 1 else ""
            title = f"{heading}{suffix} — {self.config.title}"
            if kind == "home" and number == 1:
                title = self.config.title
            description = intro or self.config.description or heading
            paging = pager(number, pages, url_of)
            context: ListingContext = {
                "site": self.view,
                "head": self._head(title, description, url, nav=nav, feed=feed),
                "kind": kind,
                "heading": heading,
                "intro": intro,
                "feed": feed,
                "days": self._day_blocks(entries),
                "pager": paging,
                "newer_day": newer_day,
                "older_day": older_day,
            }
            # All the page shows besides its items, as plain values (cheap to digest): the
            # head's other fields are the same on every listing, covered by the site's repr.
            links = [(link.label, link.url, link.current) for link in paging.links]
            version = digest(self._site_repr, kind, heading, intro, title, description, url, nav,
                             link_parts(feed), paging.newer, paging.older, links,
                             link_parts(newer_day), link_parts(older_day),
                             [e[1] for e in entries])  # fmt: skip
            lastmod = self.site.by_key[shown[0]].date if shown else None
            yield Page(paths[number], url, template, context, shown, version, lastmod)

    def sources_index(self) -> Page:
        """Plan the page listing every source with its article count."""
        entries = _count_links(self.site.sources, self.urls)
        intro = f"{count_of(len(entries), 'source')}, A to Z."
        return self._index("source", "Sources", intro, (IndexSection(None, entries),))

    def tags_index(self) -> Page:
        """Plan the tag cloud page."""
        entries = _count_links(self.site.tags, self.urls)
        intro = f"{count_of(len(entries), 'tag')}; larger type means more articles."
        return self._index("tag", "Tags", intro, (IndexSection(None, entries),))

    def archive(self) -> Page:
        """Plan the archive: every day with articles, grouped by month, newest first."""
        months: dict[str, list[CountLink]] = {}
        for group in self.site.days:
            day = date.fromisoformat(group.slug)
            name = format_weekday(day)
            entry = CountLink(name, self.urls.group(group), len(group.keys), 1)
            months.setdefault(format_month(day), []).append(entry)
        sections = tuple(IndexSection(m, tuple(e)) for m, e in months.items())
        articles, days = len(self.site.articles), len(self.site.days)
        intro = f"{count_of(articles, 'article')} on {count_of(days, 'day')}."
        return self._index("day", "Archive", intro, sections)

    def not_found(self) -> Page:
        """Plan the 404 page, which offers the newest articles instead."""
        latest = self.site.articles[:5]
        context: NotFoundContext = {
            "site": self.view,
            "head": self._head(
                f"Page not found — {self.config.title}",
                "This page does not exist.",
                self.urls.home(),
                noindex=True,
            ),
            "latest": tuple(self.item(a) for a in latest),
        }
        version = digest([self.views.item(a)[1] for a in latest])
        keys = tuple(a.key for a in latest)
        return Page(NOT_FOUND_PATH, None, "404.html", context, keys, version)

    def _index(
        self, kind: str, heading: str, intro: str, sections: tuple[IndexSection, ...]
    ) -> Page:
        url = self.urls.index_of(kind)
        context: IndexContext = {
            "site": self.view,
            "head": self._head(
                f"{heading} — {self.config.title}",
                intro,
                url,
                nav={"source": "sources", "tag": "tags", "day": "archive"}[kind],
            ),
            "kind": kind,
            "heading": heading,
            "intro": intro,
            "sections": sections,
        }
        template = {"source": "sources.html", "tag": "tags.html", "day": "archive.html"}[kind]
        return Page(output_path(self.urls, url), url, template, context, (), digest(context))

    def _head(
        self,
        title: str,
        description: str,
        url: str,
        *,
        nav: str = "",
        feed: Link | None = None,
        published: str | None = None,
        json_ld: Markup | None = None,
        noindex: bool = False,
    ) -> Head:
        return Head(
            title=title,
            description=description,
            canonical=self.urls.absolute(url),
            og_type="article" if published else "website",
            published=published,
            feeds=(self.site_feed, feed) if feed else (self.site_feed,),
            json_ld=json_ld,
            nav=nav,
            noindex=noindex,
        )

    def _list(self, key: str) -> Listed:
        """How listings show an article (cached: it is on about five listings)."""
        article = self.site.by_key[key]
        item, version = self.views.item(article)
        found = self._listed[key] = (item, version, article.date.date())
        return found

    def _day_blocks(self, entries: Sequence[Listed]) -> tuple[DayBlock, ...]:
        blocks: list[DayBlock] = []
        for day, run in groupby(entries, _DAY):
            found = self._days.get(day)
            if found is None:
                found = self._days[day] = (format_day(day), self.urls.day(day), str(day))
            blocks.append(DayBlock(*found, tuple([e[0] for e in run])))
        return tuple(blocks)

    def _day_neighbours(self, group: Group | None) -> tuple[Link | None, Link | None]:
        days = self.site.days  # newest first
        index = self._day_index[group.slug] if group else 0
        around = (
            days[index - 1] if index > 0 else None,
            days[index + 1] if index + 1 < len(days) else None,
        )
        newer, older = (
            Link(format_day(date.fromisoformat(g.slug)), self.urls.group(g)) if g else None
            for g in around
        )
        return newer, older


def _count_links(groups: Sequence[Group], urls: Urls) -> tuple[CountLink, ...]:
    most = max((len(g.keys) for g in groups), default=1)
    scale = math.log(most) if most > 1 else 1.0
    # Log scale: a few huge tags must not shrink every other tag to the smallest size.
    return tuple(
        CountLink(g.name, urls.group(g), len(g.keys), 1 + round(4 * math.log(len(g.keys)) / scale))
        for g in groups
    )
