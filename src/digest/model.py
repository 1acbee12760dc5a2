"""The site model: articles in order, sources, tags and days, URLs; frozen once built."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import overload

from .article import Article, slugify
from .config import Config
from .errors import Problem
from .state import Outline


@dataclass(frozen=True, slots=True)
class Group:
    """A listing of articles: one source, one tag or one day (keys newest first)."""

    kind: str  # "source", "tag" or "day"
    slug: str
    name: str
    keys: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Site:
    """Everything the renderer needs, linked by article key, never mutated after build."""

    config: Config
    articles: Sequence[Article]  # newest first (a tuple, or read on demand: `from_outline`)
    keys: tuple[str, ...]  # their keys, in the same order
    by_key: Mapping[str, Article]
    position: Mapping[str, int]
    sources: tuple[Group, ...]  # by name
    tags: tuple[Group, ...]  # by name
    days: tuple[Group, ...]  # newest first

    def newer(self, article: Article) -> Article | None:
        """The next newer article, or None for the newest."""
        index = self.position[article.key]
        return self.articles[index - 1] if index > 0 else None

    def older(self, article: Article) -> Article | None:
        """The next older article, or None for the oldest."""
        index = self.position[article.key] + 1
        return self.articles[index] if index < len(self.articles) else None

    def source_of(self, article: Article) -> Group | None:
        """The source listing an article belongs to."""
        if article.source is None:
            return None
        slug = slugify(article.source)
        return next(g for g in self.sources if g.slug == slug)

    def tags_of(self, article: Article) -> tuple[Group, ...]:
        """The tag listings an article belongs to, in its own tag order."""
        by_slug = {g.slug: g for g in self.tags}
        return tuple(dict.fromkeys(by_slug[slugify(t)] for t in article.tags))


class Urls:
    """Every site URL in one place; all start with the configured base path."""

    def __init__(self, config: Config) -> None:
        self.base = config.base_path
        self.permalink = config.permalink
        self.absolute_root = config.base_url
        self._source_slugs: dict[str, str] = {}  # slugify is slow; there are few sources

    def home(self, page: int = 1) -> str:
        """Home page URL, page `page` of the digest."""
        return self._paged("", page)

    def article(self, article: Article) -> str:
        """An article's permalink."""
        d = article.date
        path = self.permalink.format(
            year=f"{d.year:04d}",
            month=f"{d.month:02d}",
            day=f"{d.day:02d}",
            slug=article.slug,
            source=self._source_slug(article.source or "unknown"),
        )
        return self.base + path.strip("/") + "/"

    def _source_slug(self, name: str) -> str:
        slug = self._source_slugs.get(name)
        if slug is None:
            slug = self._source_slugs[name] = slugify(name)
        return slug

    def group(self, group: Group, page: int = 1) -> str:
        """A source, tag or day listing URL."""
        return self._paged(self._group_dir(group.kind, group.slug), page)

    def day(self, day: date) -> str:
        """A day listing URL."""
        return self.base + self._group_dir("day", day.isoformat())

    def feed(self, group: Group | None = None) -> str:
        """Atom feed URL of the site or of a source or tag."""
        if group is None:
            return self.base + "feed.xml"
        return self.base + self._group_dir(group.kind, group.slug) + "feed.xml"

    def index_of(self, kind: str) -> str:
        """URL of the page listing all sources, all tags or all days."""
        return self.base + {"source": "sources/", "tag": "tags/", "day": "archive/"}[kind]

    def static(self, name: str) -> str:
        """URL of a static file."""
        return self.base + "static/" + name

    def absolute(self, url: str) -> str:
        """Turn a site URL into an absolute one for feeds and the sitemap."""
        return self.absolute_root + url[len(self.base) :]

    def _group_dir(self, kind: str, slug: str) -> str:
        if kind == "day":
            return slug.replace("-", "/") + "/"
        return {"source": "sources/", "tag": "tags/"}[kind] + slug + "/"

    def _paged(self, directory: str, page: int) -> str:
        return self.base + directory + (f"page/{page}/" if page > 1 else "")


def build_site(config: Config, articles: Iterable[Article]) -> tuple[Site, list[Problem]]:
    """Order articles, group them and check that no two share a URL or a slug."""
    ordered = tuple(sorted(articles, key=lambda a: (a.date, a.key), reverse=True))
    problems: list[Problem] = []
    urls = Urls(config)
    seen: dict[str, Article] = {}
    for article in sorted(ordered, key=lambda a: a.key):
        url = urls.article(article)
        other = seen.get(url)
        if other is not None:
            problems.append(
                Problem(
                    article.path,
                    article.slug_line,
                    f"duplicate slug: {url} is already the page of {other.path}",
                    "give one of them another title or a `slug:` of its own",
                )
            )
        else:
            seen[url] = article
    return (
        Site(
            config=config,
            articles=ordered,
            keys=tuple([a.key for a in ordered]),
            by_key={a.key: a for a in ordered},
            position={a.key: i for i, a in enumerate(ordered)},
            sources=_groups("source", ((a.source, a) for a in ordered if a.source)),
            tags=_groups("tag", ((t, a) for a in ordered for t in a.tags)),
            days=tuple(
                sorted(
                    _groups("day", ((a.date.date().isoformat(), a) for a in ordered)),
                    key=lambda g: g.slug,
                    reverse=True,
                )
            ),
        ),
        problems,
    )


def _groups(kind: str, pairs: Iterable[tuple[str, Article]]) -> tuple[Group, ...]:
    # Keys in a dict, not a list: "already in?" must not scan a source's 10,000 keys.
    members: dict[str, dict[str, None]] = {}
    names: dict[str, str] = {}
    slugs: dict[str, str] = {}  # slugify once per spelling, not once per article
    for name, article in pairs:
        slug = name if kind == "day" else slugs.get(name) or slugs.setdefault(name, slugify(name))
        names.setdefault(slug, name)  # first spelling met (newest article) names the group
        members.setdefault(slug, {})[article.key] = None
    groups = (Group(kind, slug, names[slug], tuple(keys)) for slug, keys in members.items())
    return tuple(sorted(groups, key=lambda g: g.name.casefold()))


def shape_of(a: Article) -> tuple[object, ...]:
    """What decides an article's place in the site: its key, date, URL, groups and draft flag.

    Articles that keep their shape leave the order, URLs, groups and published set as they
    were: swapping them into the site gives what `build_site` would make.
    """
    return (a.key, a.date.isoformat(), a.slug, a.source, a.tags, a.draft)


def outline_of(site: Site) -> Outline:
    """The site's order and groups by key, for the build state (`from_outline`)."""
    groups = tuple(
        (g.kind, g.slug, g.name, g.keys) for g in (*site.sources, *site.tags, *site.days)
    )
    return Outline(site.keys, groups)


def from_outline(config: Config, outline: Outline, article: Callable[[str], Article]) -> Site:
    """The site a build with this outline made, reading each article only when asked for.

    A rebuild after a change to articles' content only (same key, date, URL, groups) plans
    a dozen pages: it reads the articles those show (`article(key)`), not all 10,000.
    """
    keys = outline.keys
    position = {key: i for i, key in enumerate(keys)}
    known: dict[str, Article] = {}

    def get(key: str) -> Article:
        found = known.get(key)
        if found is None:
            found = known[key] = article(key)
        return found

    grouped: dict[str, list[Group]] = {"source": [], "tag": [], "day": []}
    for kind, slug, name, members in outline.groups:
        grouped[kind].append(Group(kind, slug, name, members))
    return Site(
        config=config,
        articles=_Articles(keys, get),
        keys=keys,
        by_key=_ByKey(position, get),
        position=position,
        sources=tuple(grouped["source"]),
        tags=tuple(grouped["tag"]),
        days=tuple(grouped["day"]),
    )


class _Articles(Sequence[Article]):
    """Articles in site order, each read on first access."""

    def __init__(self, keys: tuple[str, ...], get: Callable[[str], Article]) -> None:
        self._keys = keys
        self._get = get

    def __len__(self) -> int:
        return len(self._keys)

    @overload
    def __getitem__(self, index: int) -> Article: ...
    @overload
    def __getitem__(self, index: slice) -> tuple[Article, ...]: ...
    def __getitem__(self, index: int | slice) -> Article | tuple[Article, ...]:
        if isinstance(index, slice):
            return tuple([self._get(k) for k in self._keys[index]])
        return self._get(self._keys[index])

    def __iter__(self) -> Iterator[Article]:
        return map(self._get, self._keys)


class _ByKey(Mapping[str, Article]):
    """Articles by key, each read on first access."""

    def __init__(self, position: Mapping[str, int], get: Callable[[str], Article]) -> None:
        self._position = position
        self._get = get

    def __getitem__(self, key: str) -> Article:
        if key not in self._position:
            raise KeyError(key)
        return self._get(key)

    def __contains__(self, key: object) -> bool:
        return key in self._position

    def __iter__(self) -> Iterator[str]:
        return iter(self._position)

    def __len__(self) -> int:
        return len(self._position)
