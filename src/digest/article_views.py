"""The views of single articles that pages show: links, listing items and article views.

An article appears on its own page, on about five listings and in several feeds; everything
here is built once per article (or once per name) and shared by every page of one plan.
"""

from __future__ import annotations

import hashlib
import marshal
import math

from markupsafe import Markup

from .article import Article, slugify
from .model import Site, Urls
from .views import ArticleView, ItemView, Link, TeaserView, When, host_of, photo, when

_WORDS_PER_MINUTE = 230


def digest(*parts: object) -> str:
    """Fingerprint view values: plain values (str, int, None, tuples, lists) or dataclasses."""
    try:
        # Marshal format 2 has no back-references, so equal values give equal bytes; it is
        # a third of the cost of repr, which checks every character of every string.
        data = marshal.dumps(parts, 2)  # type: ignore[arg-type]  # ValueError if not
    except ValueError:  # a dataclass (or str subclass) in there: by its stable repr
        data = b"r" + repr(parts).encode()  # marshal's output never starts with "r"
    return hashlib.sha1(data).hexdigest()[:20]


def link_parts(link: Link | None) -> tuple[str, str] | None:
    """A link as plain values: their repr is far cheaper to digest than the dataclass's."""
    return None if link is None else (link.name, link.url)


class ArticleViews:
    """Builds and caches the links and views of a site's articles."""

    def __init__(self, site: Site, urls: Urls) -> None:
        self.site = site
        self.urls = urls
        self.tags = {g.slug: g for g in site.tags}
        # Slugs and links are built once per name: slugify and URL formatting for every
        # appearance of a tag on every listing were most of the planning time.
        self._slugs: dict[str, str] = {}
        self._source_links = {g.slug: Link(g.name, urls.group(g)) for g in site.sources}
        self._tag_links = {g.slug: Link(g.name, urls.group(g)) for g in site.tags}
        self._tag_sets: dict[tuple[str, ...], tuple[Link, ...]] = {}
        self._urls: dict[str, str] = {}
        self._whens: dict[str, When] = {}
        self._items: dict[str, tuple[ItemView, str]] = {}

    def slug(self, name: str) -> str:
        """The slug of a source or tag name, as the model made it."""
        slug = self._slugs.get(name)
        if slug is None:
            slug = self._slugs[name] = slugify(name)
        return slug

    def source_link(self, article: Article) -> Link | None:
        """Link to the source listing of an article, if it names a source."""
        return None if article.source is None else self._source_links[self.slug(article.source)]

    def tag_links(self, article: Article) -> tuple[Link, ...]:
        """Links to an article's tag listings, in the article's own order."""
        links = self._tag_sets.get(article.tags)
        if links is None:
            slugs = dict.fromkeys(self.slug(t) for t in article.tags)  # two spellings, one tag
            links = self._tag_sets[article.tags] = tuple(self._tag_links[s] for s in slugs)
        return links

    def url(self, article: Article) -> str:
        """An article's URL (cached: every listing and neighbour links to it)."""
        url = self._urls.get(article.key)
        if url is None:
            url = self._urls[article.key] = self.urls.article(article)
        return url

    def when(self, article: Article) -> When:
        """An article's date ready to print (its page and its listing item both show it)."""
        found = self._whens.get(article.key)
        if found is None:
            found = self._whens[article.key] = when(article.date)
        return found

    def item(self, article: Article) -> tuple[ItemView, str]:
        """The listing entry of an article and its digest (cached: it is on several listings)."""
        cached = self._items.get(article.key)
        if cached is None:
            view = ItemView(
                url=self.url(article),
                title=article.title,
                source=self.source_link(article),
                label=" · ".join(article.kicker) or article.section or None,
                summary=article.summary,
                tags=self.tag_links(article),
                when=self.when(article),
            )
            # Every field, as plain values: far cheaper to digest than the dataclass's repr.
            moment = view.when
            version = digest(view.url, view.title, link_parts(view.source), view.label,
                             view.summary, [link_parts(t) for t in view.tags], moment.iso,
                             moment.label, moment.time)  # fmt: skip
            cached = self._items[article.key] = (view, version)
        return cached

    def article_view(self, article: Article) -> ArticleView:
        """Build the read-only view of one article for its page."""
        heading = article.more_from or article.source
        text = article.text  # read from the article cache once, not once per field
        return ArticleView(
            url=self.url(article),
            title=article.title,
            kicker=article.kicker,
            dek=article.dek,
            section=article.section,
            photo=photo(text.lead_image),
            paragraphs=text.body,
            # Safe only because markdown_body renders raw HTML in Markdown as text.
            body_html=Markup(text.body_html) if text.body_html is not None else None,
            source=self.source_link(article),
            when=self.when(article),
            original_url=article.url,
            original_host=host_of(article.url),
            author=article.author,
            tags=self.tag_links(article),
            teasers=tuple(
                [
                    TeaserView(t.label, t.title, t.section, t.summary, photo(t.image), t.sponsored)
                    for t in text.teasers
                ]
            ),
            teasers_heading=f"More from {heading}" if heading else "More stories",
            minutes=max(1, math.ceil(article.words / _WORDS_PER_MINUTE)),
        )
