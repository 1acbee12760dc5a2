"""The one place that orders the stages: config → load → split/article → model → render → output."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from jinja2 import Environment

from .article import Article, read_article
from .config import Config
from .errors import BuildFailed, ContentError, Problem
from .load import SourceDoc, load_sources
from .model import Site, build_site
from .output import WriteReport, write_site
from .render import make_environment, render_site, static_files


@dataclass(frozen=True, slots=True)
class BuildOptions:
    """Switches of one build."""

    drafts: bool = False
    future: bool = False
    strict: bool = False
    out_dir: Path | None = None
    now: datetime | None = None  # "now" for scheduled articles; tests pin it


@dataclass(frozen=True, slots=True)
class BuildReport:
    """What a build did."""

    articles: int
    files: int
    written: tuple[str, ...]
    unchanged: int
    removed: tuple[str, ...]
    warnings: tuple[Problem, ...]
    held_back: tuple[str, ...] = field(default=())  # drafts and scheduled articles left out
    seconds: float = 0.0

    def summary(self) -> str:
        """One line for the terminal."""
        return (
            f"{self.articles} articles, {self.files} files: {len(self.written)} written, "
            f"{self.unchanged} unchanged, {len(self.removed)} removed, "
            f"{len(self.warnings)} warning(s) in {self.seconds:.2f} s"
        )


@dataclass(frozen=True, slots=True)
class Loaded:
    """The content as checked, before anything is rendered."""

    site: Site
    problems: tuple[Problem, ...]
    held_back: tuple[Article, ...]


def load_site(config: Config, options: BuildOptions) -> Loaded:
    """Read, split and check every article; collect every problem instead of stopping."""
    docs, problems = load_sources(config.content_dir)
    zone = ZoneInfo(config.timezone)
    articles: list[Article] = []
    for doc in docs:
        article = _article(doc, zone, config.summary_words, problems)
        if article is not None:
            articles.append(article)
    now = options.now or datetime.now(zone)
    published: list[Article] = []
    held: list[Article] = []
    for article in articles:
        hidden = (article.draft and not options.drafts) or (
            article.date > now and not options.future
        )
        (held if hidden else published).append(article)
    site, site_problems = build_site(config, published)
    problems.extend(site_problems)
    return Loaded(site, tuple(problems), tuple(held))


def _article(doc: SourceDoc, zone: ZoneInfo, words: int, problems: list[Problem]) -> Article | None:
    article, found = read_article(doc, zone, words)  # every problem in the file, not the first
    problems.extend(found)
    return article


def build(config: Config, options: BuildOptions | None = None) -> BuildReport:
    """Build the site; raise BuildFailed listing every error, writing nothing then."""
    options = options or BuildOptions()
    started = time.perf_counter()
    loaded = load_site(config, options)
    problems = [p.as_error() if options.strict else p for p in loaded.problems]
    if any(p.severity == "error" for p in problems):
        raise BuildFailed(problems)
    env = make_environment(config)
    try:
        files = list(_outputs(loaded.site, config, env))
    except ContentError as exc:
        raise BuildFailed([*problems, exc.problem]) from None
    out_dir = options.out_dir or config.output_dir
    report: WriteReport = write_site(out_dir, files)
    return BuildReport(
        articles=len(loaded.site.articles),
        files=len(files),
        written=report.written,
        unchanged=report.unchanged,
        removed=report.removed,
        warnings=tuple(problems),
        held_back=tuple(a.key for a in loaded.held_back),
        seconds=time.perf_counter() - started,
    )


def _outputs(site: Site, config: Config, env: Environment) -> Iterator[tuple[str, bytes]]:
    for page in render_site(site, env):
        yield page.path, page.data
    for rel, source in static_files(config):
        yield rel, source.read_bytes()
