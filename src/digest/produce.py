"""Make the output files: decide which pages to plan and render, do it, stage the results.

A page's key digests the settings, the plan's `version` of the page (what it shows besides
article content), the text of every template it uses and the digest of every article it
shows. A page whose key and file on disk match the last build's record is not rendered.
There are two ways to find the pages to render:

* `make_all` plans every page and compares keys: for a first build and after a change of
  settings or site structure. Many pages are planned and rendered in worker processes,
  each taking every n-th page of the plan.
* `make_some` plans only the given pages: when settings and structure are unchanged, the
  page set and each page's version and articles are as recorded, so only a page showing a
  changed article or using a changed template can differ (`dirty_outputs` finds them).
"""

from __future__ import annotations

import hashlib
import itertools
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

import jinja2

from .errors import ContentError, Problem
from .feeds import FeedPlan, robots_page, sitemap_page
from .model import Site
from .output import Stage
from .pages import Page, PagePlan, output_path
from .render import ALL_TEMPLATES, Renderer
from .state import OutputRecord, Stamp, digest_of, not_as_written, still_written

if TYPE_CHECKING:  # multiprocessing's shared values take 10 ms to import: only workers need them
    from multiprocessing.sharedctypes import Synchronized

    from .audit import OutputAudit

# Below this many pages a worker pool costs more than it saves (see bench/README.md).
PARALLEL_PAGES_MIN = 500
# One share per worker: pages go to shares by the position of the articles they show, so
# halves are even; every share walks the whole plan, and with two per worker the render
# stage took 5 % longer at 10,000 articles (medians of 5 alternating clean builds).
SHARES_PER_JOB = 1


@dataclass
class Made:
    """The outputs of a build: a record for every file, and which were staged anew."""

    records: dict[str, OutputRecord] = field(default_factory=dict)
    written: list[str] = field(default_factory=list)
    rendered: int = 0

    def add(self, path: str, record: OutputRecord, written: bool, rendered: bool) -> None:
        """Record one output."""
        self.records[path] = record
        if written:
            self.written.append(path)
        self.rendered += rendered


class Maker:
    """Renders and stages pages whose key changed; shared by forked workers."""

    def __init__(
        self,
        site: Site,
        env: jinja2.Environment,
        settings: str,
        digests: Mapping[str, str],
        old: Mapping[str, OutputRecord],
        stage: Stage,
        renderer: Renderer | None = None,  # one kept by a session (for the same `env`)
        same_templates: bool = False,  # pages use the templates their records name
    ) -> None:
        self.site = site
        self.env = env
        self.renderer = renderer or Renderer(env)
        self.settings = settings
        self.digests = digests  # article key -> digest of its file
        self.old = old
        self.stage = stage
        self.out = str(stage.out_dir)
        self._sets: dict[tuple[str, ...], str] = {}
        self.same_templates = same_templates

    def templates_digest(self, names: tuple[str, ...]) -> str:
        """Digest of the current text of templates, by name (`*`: every template)."""
        found = self._sets.get(names)
        if found is None:
            parts = []
            for name in names:
                if name == ALL_TEMPLATES[2:]:
                    every = self.env.list_templates()
                    parts.append(digest_of(*every, *(self._source_digest(n) for n in every)))
                else:
                    parts.append(self._source_digest(name))
            found = self._sets[names] = digest_of(*parts)
        return found

    def _source_digest(self, name: str) -> str:
        try:
            source = self.env.loader.get_source(self.env, name)[0]  # type: ignore[union-attr]
        except jinja2.TemplateNotFound:
            return "missing"
        return hashlib.sha1(source.encode("utf-8", "surrogatepass")).hexdigest()

    def key(self, version: str, templates: tuple[str, ...], articles: Iterable[str]) -> str:
        """The key of a page made from these inputs."""
        # NUL cannot occur in a path, a digest or a version: the join is unambiguous.
        head = f"{self.settings}\0{version}\0{self.templates_digest(templates)}"
        shown = "\0".join([f"{k}\0{self.digests.get(k, '-')}" for k in articles])
        return hashlib.sha1(f"{head}\0{shown}".encode("utf-8", "surrogatepass")).hexdigest()

    def on_disk(self, path: str, stamp: Stamp) -> bool:
        """Tell whether the output file is still as written (not changed or deleted by hand)."""
        return not self.stage.fresh and still_written(self.out, path, stamp)

    def make(self, page: Page, force: bool) -> tuple[OutputRecord, bool, bool]:
        """Render and stage a page unless it is current: (record, written?, rendered?)."""
        old = self.old.get(page.path)
        if self.same_templates and old is not None:
            names = old.templates  # finding them again means parsing every template
        else:
            try:
                names = tuple(sorted(t[2:] for t in self.renderer.template_deps(page.template)))
            except jinja2.TemplateError:
                names = ()  # rendering below reports the template problem with its location
        key = self.key(page.version, names, page.keys)
        if not force and old is not None and old.key == key and self.on_disk(page.path, old.stamp):
            return old, False, False
        data = self.renderer.render_bytes(page)
        written, stamp = self.stage.put(page.path, data, compare=not self.stage.fresh)
        return OutputRecord(stamp, key, page.version, names, page.keys), written, True

    def make_static(self, rel: str, source: Path, digest: str) -> tuple[OutputRecord, bool, bool]:
        """Copy a static file unless it is current."""
        key = digest_of(self.settings, "static", digest)
        old = self.old.get(rel)
        if old is not None and old.key == key and self.on_disk(rel, old.stamp):
            return old, False, False
        written, stamp = self.stage.put(rel, source.read_bytes(), compare=not self.stage.fresh)
        return OutputRecord(stamp, key, "", (), (), str(source)), written, True


def dirty_outputs(maker: Maker) -> set[str]:
    """Recorded pages whose key or file changed; valid only with unchanged settings/structure."""
    return {
        path
        for path, rec in maker.old.items()
        if rec.static is None
        and (
            maker.key(rec.version, rec.templates, rec.articles) != rec.key
            or not maker.on_disk(path, rec.stamp)
        )
    }


def pages_with_articles(
    maker: Maker, changed: set[str], audit: OutputAudit | None = None
) -> set[str]:
    """Recorded pages showing a changed article, or whose file changed since it was written.

    Valid only with unchanged settings, structure, templates and static files: every other
    page's key is then unchanged, which saves working out 10,000 keys to find ten pages.
    """
    pages = {path: rec for path, rec in maker.old.items() if rec.static is None}
    found = {path for path, rec in pages.items() if not changed.isdisjoint(rec.articles)}
    if maker.stage.fresh:
        found.update(pages)
    elif audit is not None:  # the same outputs, checked meanwhile
        found.update(pages.keys() & audit.changed())
    else:
        found.update(not_as_written(maker.out, pages))
    return found


def make_some(maker: Maker, dirty: set[str], made: Made) -> None:
    """Plan and render only the `dirty` pages; keep the records of all other pages."""
    plan = PagePlan(maker.site)
    fresh: dict[str, tuple[OutputRecord, bool]] = {}
    for page in _dirty_pages(plan, maker, dirty):
        record, written, _ = maker.make(page, force=True)
        fresh[page.path] = (record, written)
    if "robots.txt" in dirty:
        record, written, _ = maker.make(robots_page(plan), force=True)
        fresh["robots.txt"] = (record, written)
    for path, old in maker.old.items():
        if old.static is None:
            record, written = fresh.get(path, (old, False))
            made.add(path, record, written, path in fresh)


def make_all(maker: Maker, jobs: int, made: Made, tick: Callable[[int], None]) -> None:
    """Plan every page and render those whose key changed, in workers when there are many."""
    plan = PagePlan(maker.site)
    maker.renderer.prepare()  # once here, not in every worker
    pages = len(maker.site.articles) + len(maker.old)
    results: Iterable[_Result]
    if jobs > 1 and pages >= PARALLEL_PAGES_MIN:
        results = _in_workers(maker, plan, jobs, tick)
    else:
        results = _share(maker, plan, 0, 1, None, tick)
    sitemap: list[tuple[str, datetime | None]] = []
    for _seq, path, url, lastmod, record, written, rendered in results:
        made.add(path, record, written, rendered)
        if url is not None:
            sitemap.append((url, lastmod))
    for page in (sitemap_page(plan, sitemap), robots_page(plan)):
        made.add(page.path, *maker.make(page, force=False))


def _dirty_pages(plan: PagePlan, maker: Maker, dirty: set[str]) -> Iterator[Page]:
    """Plan the recorded pages in `dirty` (robots.txt aside).

    Article pages are found through the articles the dirty pages show (an article's page
    shows the article): working out every article's URL to find them would cost more than
    all the rest of a one-article rebuild.
    """
    site = maker.site
    shown = {key for path in dirty if (r := maker.old.get(path)) for key in r.articles}
    for key in sorted(shown & site.by_key.keys(), key=site.position.__getitem__):
        article = site.by_key[key]
        if output_path(plan.urls, plan.article_url(article)) in dirty:
            yield plan.article_page(article)
    yield from plan.pages(dirty.__contains__, articles=False)
    yield from FeedPlan(plan).pages(dirty.__contains__)


def _plan(plan: PagePlan, wanted: Callable[[str], bool] | None) -> Iterator[Page]:
    yield from plan.pages(wanted)
    yield from FeedPlan(plan).pages(wanted)


_Result = tuple[int, str, str | None, datetime | None, OutputRecord, bool, bool]


def _share(
    maker: Maker,
    plan: PagePlan,
    share: int,
    shares: int,
    counter: Synchronized[int] | None,
    tick: Callable[[int], None],
    firsts: dict[str, int] | None = None,
) -> list[_Result]:
    """Plan and make one share of the plan's pages.

    With `firsts` (output path -> site position of the first article a page shows), pages
    showing articles go to the share of that position: each worker then renders the
    listing entries of mostly its own part of the articles, not of all of them. Other
    pages (feeds, indexes) take turns, as do all pages without `firsts`.
    """
    seq = itertools.count()
    current = [-1]
    size = max(1, len(maker.site.articles))
    position = (firsts or {}).get

    def wanted(path: str) -> bool:
        # The plan asks once per page, in plan order: the count is the page's position.
        number = next(seq)
        at = position(path)
        if (number % shares if at is None else at * shares // size) == share:
            current[0] = number
            return True
        return False

    results: list[_Result] = []
    for page in _plan(plan, wanted if shares > 1 else None):
        record, written, rendered = maker.make(page, force=False)
        results.append((current[0], page.path, page.url, page.lastmod, record, written, rendered))
        if counter is not None and len(results) % 50 == 0:
            with counter.get_lock():
                counter.value += 50
        elif counter is None:
            tick(len(results))
    return results


# What forked workers render: set just before the pool starts, read only by the workers.
# The plan is made once, before forking: each worker fills its caches (views, rendered
# cards) once for all the shares it takes.
_JOB: list[tuple[Maker, PagePlan, int, Synchronized[int], dict[str, int]]] = []


def _work(share: int) -> list[_Result] | Problem:
    maker, plan, shares, counter, firsts = _JOB[0]
    try:
        return _share(maker, plan, share, shares, counter, lambda _n: None, firsts)
    except ContentError as exc:  # its arguments do not survive pickling: send the problem
        return exc.problem


def _in_workers(
    maker: Maker, plan: PagePlan, jobs: int, tick: Callable[[int], None]
) -> list[_Result]:
    from .workers import pool, shared_counter, wait_for

    shares = jobs * SHARES_PER_JOB
    counter = shared_counter()
    _JOB[:] = [(maker, plan, shares, counter, plan.first_shown())]
    try:
        with pool(jobs) as workers:
            pending = workers.map_async(_work, range(shares))
            parts = wait_for(pending, lambda: tick(counter.value))
    finally:
        _JOB.clear()
    for part in parts:
        if isinstance(part, Problem):
            raise ContentError(part.path, part.line, part.message, part.hint)
    merged = [r for part in parts if not isinstance(part, Problem) for r in part]
    merged.sort(key=lambda r: r[0])
    return merged
