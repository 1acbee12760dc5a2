"""The page plan: every HTML page of a site with the typed, read-only context it renders with.

Each page's context is a pure function of the frozen site: the same site always plans the
same pages, and nothing here is changed by rendering.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from urllib.parse import urlsplit

from markupsafe import Markup

from .article import Article, slugify
from .model import Group, Site, Urls
from .views import (
    ArticleContext,
    ArticleView,
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
    TeaserView,
    format_day,
    format_month,
    format_weekday,
    json_for_script,
    pager,
    photo,
    when,
)

_WORDS_PER_MINUTE = 230


@dataclass(frozen=True, slots=True)
class Page:
    """One planned output: where it goes, what renders it, and what it was made from."""

    path: str  # relative posix path in the output folder
    url: str | None  # site URL, None for files outside the sitemap
    template: str
    context: Mapping[str, object]
    keys: tuple[str, ...]  # keys of the articles it shows
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
        self.sources = {g.slug: g for g in site.sources}
        self.tags = {g.slug: g for g in site.tags}
        self._items: dict[str, ItemView] = {}
        self._day_index = {g.slug: i for i, g in enumerate(site.days)}
        u = self.urls
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

    def pages(self) -> Iterator[Page]:
        """Yield every HTML page: articles, listings, indexes and the 404 page."""
        for article in self.site.articles:
            yield self.article_page(article)
        yield from self.listing(
            "home", None, tuple(a.key for a in self.site.articles), "Latest", None, None
        )
        for group in self.site.sources:
            intro = f"{_count(len(group.keys), 'article')} from {group.name}, newest first."
            yield from self.listing("source", group, group.keys, group.name, intro, group)
        for group in self.site.tags:
            intro = f"{_count(len(group.keys), 'article')} tagged “{group.name}”, newest first."
            yield from self.listing("tag", group, group.keys, group.name, intro, group)
        for group in self.site.days:
            heading = format_day(date.fromisoformat(group.slug))
            yield from self.listing("day", group, group.keys, heading, None, None)
        yield self.sources_index()
        yield self.tags_index()
        yield self.archive()
        yield self.not_found()

    def source_link(self, article: Article) -> Link | None:
        """Link to the source listing of an article, if it names a source."""
        if article.source is None:
            return None
        group = self.sources[slugify(article.source)]
        return Link(group.name, self.urls.group(group))

    def tag_links(self, article: Article) -> tuple[Link, ...]:
        """Links to an article's tag listings, in the article's own order."""
        groups = dict.fromkeys(self.tags[slugify(t)] for t in article.tags)
        return tuple(Link(g.name, self.urls.group(g)) for g in groups)

    def item(self, article: Article) -> ItemView:
        """The listing entry of an article (cached: it appears on several listings)."""
        cached = self._items.get(article.key)
        if cached is None:
            label = " · ".join(article.kicker) or article.section
            cached = ItemView(
                url=self.urls.article(article),
                title=article.title,
                source=self.source_link(article),
                label=label or None,
                summary=article.summary,
                tags=self.tag_links(article),
                when=when(article.date),
            )
            self._items[article.key] = cached
        return cached

    def article_page(self, article: Article) -> Page:
        """Plan the page of one article."""
        url = self.urls.article(article)
        view = self.article_view(article, url)
        newer, older = self.site.newer(article), self.site.older(article)
        canonical = self.urls.absolute(url)
        description = article.dek or article.summary
        json_ld = self._json_ld(article, view, canonical, description)
        context: ArticleContext = {
            "site": self.view,
            "head": self._head(
                f"{article.title} — {self.config.title}",
                description,
                url,
                published=article.date.isoformat(),
                json_ld=json_ld,
            ),
            "article": view,
            "newer": Link(newer.title, self.urls.article(newer)) if newer else None,
            "older": Link(older.title, self.urls.article(older)) if older else None,
        }
        keys = tuple(a.key for a in (article, newer, older) if a is not None)
        return Page(output_path(self.urls, url), url, "article.html", context, keys, article.date)

    def article_view(self, article: Article, url: str) -> ArticleView:
        """Build the read-only view of one article."""
        source = self.source_link(article)
        heading = article.more_from or article.source
        return ArticleView(
            url=url,
            title=article.title,
            kicker=article.kicker,
            dek=article.dek,
            section=article.section,
            photo=photo(article.lead_image),
            paragraphs=article.body,
            # Safe only because markdown_body renders raw HTML in Markdown as text.
            body_html=Markup(article.body_html) if article.body_html is not None else None,
            source=source,
            when=when(article.date),
            original_url=article.url,
            original_host=_host(article.url),
            author=article.author,
            tags=self.tag_links(article),
            teasers=tuple(
                TeaserView(t.label, t.title, t.section, t.summary, photo(t.image), t.sponsored)
                for t in article.teasers
            ),
            teasers_heading=f"More from {heading}" if heading else "More stories",
            minutes=max(1, math.ceil(article.words / _WORDS_PER_MINUTE)),
        )

    def listing(
        self,
        kind: str,
        group: Group | None,
        keys: tuple[str, ...],
        heading: str,
        intro: str | None,
        feed_group: Group | None,
    ) -> Iterator[Page]:
        """Plan the pages of one paginated listing (home, a source, a tag or a day)."""
        per_page = self.config.per_page
        pages = max(1, math.ceil(len(keys) / per_page))

        def url_of(n: int) -> str:
            return self.urls.home(n) if group is None else self.urls.group(group, n)

        newer_day, older_day = self._day_neighbours(group) if kind == "day" else (None, None)
        feed = Link(f"{heading} (Atom)", self.urls.feed(feed_group)) if feed_group else None
        nav = {"home": "latest", "source": "sources", "tag": "tags", "day": "archive"}[kind]
        for number in range(1, pages + 1):
            shown = keys[(number - 1) * per_page : number * per_page]
            articles = [self.site.by_key[k] for k in shown]
            url = url_of(number)
            suffix = f" (page {number} of {pages})" if number > 1 else ""
            title = f"{heading}{suffix} — {self.config.title}"
            if kind == "home" and number == 1:
                title = self.config.title
            description = intro or self.config.description or heading
            context: ListingContext = {
                "site": self.view,
                "head": self._head(title, description, url, nav=nav, feed=feed),
                "kind": kind,
                "heading": heading,
                "intro": intro,
                "feed": feed,
                "days": self._day_blocks(articles),
                "pager": pager(number, pages, url_of),
                "newer_day": newer_day,
                "older_day": older_day,
            }
            lastmod = articles[0].date if articles else None
            template = f"{kind}.html"
            yield Page(output_path(self.urls, url), url, template, context, shown, lastmod)

    def sources_index(self) -> Page:
        """Plan the page listing every source with its article count."""
        entries = _count_links(self.site.sources, self.urls)
        intro = f"{_count(len(entries), 'source')}, A to Z."
        return self._index("source", "Sources", intro, (IndexSection(None, entries),))

    def tags_index(self) -> Page:
        """Plan the tag cloud page."""
        entries = _count_links(self.site.tags, self.urls)
        intro = f"{_count(len(entries), 'tag')}; larger type means more articles."
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
        intro = (
            f"{_count(len(self.site.articles), 'article')} on {_count(len(self.site.days), 'day')}."
        )
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
        return Page("404.html", None, "404.html", context, tuple(a.key for a in latest))

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
        return Page(output_path(self.urls, url), url, template, context, ())

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

    def _day_blocks(self, articles: Sequence[Article]) -> tuple[DayBlock, ...]:
        blocks: list[DayBlock] = []
        run: list[ItemView] = []
        for index, article in enumerate(articles):
            run.append(self.item(article))
            day = article.date.date()
            if index + 1 == len(articles) or articles[index + 1].date.date() != day:
                blocks.append(
                    DayBlock(format_day(day), self.urls.day(day), day.isoformat(), tuple(run))
                )
                run = []
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

    def _json_ld(
        self, article: Article, view: ArticleView, canonical: str, description: str
    ) -> Markup:
        data: dict[str, object] = {
            "@context": "https://schema.org",
            "@type": "NewsArticle",
            "headline": article.title,
            "description": description,
            "datePublished": article.date.isoformat(),
            "dateModified": article.date.isoformat(),
            "url": canonical,
            "mainEntityOfPage": canonical,
            "inLanguage": self.config.language,
            "wordCount": article.words,
            "publisher": {"@type": "Organization", "name": article.source or self.config.title},
        }
        if article.author:
            data["author"] = [{"@type": "Person", "name": article.author}]
        if article.section:
            data["articleSection"] = article.section
        if view.tags:
            data["keywords"] = [t.name for t in view.tags]
        if article.url:
            data["isBasedOn"] = article.url
        return json_for_script(data)


def _host(url: str | None) -> str | None:
    if url is None:
        return None
    host = urlsplit(url).hostname or url
    return host.removeprefix("www.")


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _count_links(groups: Sequence[Group], urls: Urls) -> tuple[CountLink, ...]:
    most = max((len(g.keys) for g in groups), default=1)
    scale = math.log(most) if most > 1 else 1.0
    # Log scale: a few huge tags must not shrink every other tag to the smallest size.
    return tuple(
        CountLink(g.name, urls.group(g), len(g.keys), 1 + round(4 * math.log(len(g.keys)) / scale))
        for g in groups
    )
