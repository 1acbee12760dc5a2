"""`build.py check`: validate config.yaml and every article, write nothing, list all problems.

Check runs the build's own stages up to the site model (so it reports exactly what a build
would refuse, but renders nothing and touches no cache) and adds what only a person can
decide: titles used twice, splits that look wrong, and the drafts and scheduled articles a
build leaves out.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from .article import Article, read_article
from .config import Config, read_config
from .errors import Problem
from .load import find_sources, load_sources
from .model import Urls, build_site

# A story this short next to teasers this much longer probably lost its end to the teasers.
# On the 181-page benchmark corpus these flag 6 pages, all with story recall under 0.5.
SHORT_STORY_WORDS = 200
TEASER_WORDS_FACTOR = 2
_SENTENCE_END = (".", "!", "?", ":", "…", '"', "”", "’", "'", ")", "»")


@dataclass(frozen=True, slots=True)
class CheckReport:
    """Everything check found, in the order it is printed."""

    problems: tuple[Problem, ...]
    files: int
    content_checked: bool

    @property
    def errors(self) -> int:
        """How many problems stop a build."""
        return sum(1 for p in self.problems if p.severity == "error")

    @property
    def warnings(self) -> int:
        """How many problems are warnings."""
        return sum(1 for p in self.problems if p.severity == "warning")

    def summary(self) -> str:
        """The count line printed last, e.g. '2 errors, 3 warnings in 12 files'."""
        infos = len(self.problems) - self.errors - self.warnings
        counts = [_plural(self.errors, "error"), _plural(self.warnings, "warning")]
        if infos:
            counts.append(_plural(infos, "note"))
        line = f"{', '.join(counts)} in {_plural(self.files, 'file')}"
        if not self.content_checked:
            line += "; the articles were not checked: fix the config file first"
        return line


def run_check(
    config_path: Path,
    *,
    strict: bool = False,
    drafts: bool = False,
    future: bool = False,
    now: datetime | None = None,
) -> CheckReport:
    """Check the config and, when it can be read, all content; never write anything."""
    config, problems = read_config(config_path, root=config_path.resolve().parent)
    files = 1 if config_path.exists() else 0
    if config is not None:
        content, count = check_content(config, drafts=drafts, future=future, now=now)
        problems.extend(content)
        files += count
    if strict:
        problems = [p.as_error() if p.severity == "warning" else p for p in problems]
    return CheckReport(tuple(problems), files, config is not None)


def check_content(
    config: Config, *, drafts: bool, future: bool, now: datetime | None
) -> tuple[list[Problem], int]:
    """Every content problem a build would report, plus check's own; and the file count."""
    files, _ = find_sources(config.content_dir)
    when = now or datetime.now(ZoneInfo(config.timezone))
    problems, published, held = _load(config, drafts=drafts, future=future, now=when)
    problems += _held_clashes(config, published, held)
    problems += _same_titles([*published, *held], Urls(config))
    for article in (*published, *held):
        problems += split_doubts(article)
    problems += _left_out(published, held, when, drafts=drafts, future=future)
    return sorted(problems, key=_order), len(files)


def _load(
    config: Config, *, drafts: bool, future: bool, now: datetime
) -> tuple[list[Problem], tuple[Article, ...], tuple[Article, ...]]:
    """Read and check every article with the build's own stages, but through no cache:
    the build's article cache is written as it is read, and check must write nothing."""
    docs, problems = load_sources(config.content_dir)
    zone = ZoneInfo(config.timezone)
    published: list[Article] = []
    held: list[Article] = []
    for doc in docs:
        article, found = read_article(doc, zone, config.summary_words)
        problems.extend(found)
        if article is not None:
            hidden = (article.draft and not drafts) or (article.date > now and not future)
            (held if hidden else published).append(article)
    site, site_problems = build_site(config, published)
    return [*problems, *site_problems], tuple(site.articles), tuple(held)


def _order(problem: Problem) -> tuple[str, int]:
    return (problem.path, problem.line)


def split_doubts(article: Article) -> list[Problem]:
    """Warn when the split looks as if teasers took part of the story."""
    if not article.body or not article.teasers:
        return []
    found: list[Problem] = []
    words = article.words
    teaser_words = sum(len(" ".join(t.summary).split()) for t in article.teasers)
    if words < SHORT_STORY_WORDS and teaser_words > TEASER_WORDS_FACTOR * words:
        found.append(
            Problem(
                article.path,
                article.line,
                f"the story found is only {words} words but its teasers hold {teaser_words}; "
                "part of the story may have been taken for teasers",
                "run `build.py split --explain` on this file to see where each line went",
                "warning",
            )
        )
    first = min(article.teasers, key=lambda t: t.line)
    opening = first.summary[0] if first.summary else ""
    last = article.body[-1].rstrip()
    if opening and not first.title and (opening[0].islower() or not last.endswith(_SENTENCE_END)):
        why = (
            "starts in lower case"
            if opening[0].islower()
            else "follows a story paragraph that stops mid-sentence"
        )
        found.append(
            Problem(
                article.path,
                first.line,
                f"this teaser {why}: it reads like the rest of the story",
                "check the end of the story; `build.py split --explain` shows each line's label",
                "warning",
            )
        )
    return found


def _same_titles(articles: Sequence[Article], urls: Urls) -> list[Problem]:
    """Two files with one title are usually one page saved twice (a shared URL is an error
    the build reports already, so it is not repeated here)."""
    first: dict[str, Article] = {}
    found: list[Problem] = []
    for article in sorted(articles, key=lambda a: a.key):
        other = first.setdefault(article.title.casefold(), article)
        if other is not article and urls.article(other) != urls.article(article):
            found.append(
                Problem(
                    article.path,
                    article.title_line,
                    f"the title is the same as in {other.path}",
                    "if it is the same page saved twice, remove one; else change one title",
                    "warning",
                )
            )
    return found


def _held_clashes(
    config: Config, published: Iterable[Article], held: Sequence[Article]
) -> list[Problem]:
    """A draft or scheduled article that will take the address of another one when published."""
    urls = Urls(config)
    taken: dict[str, Article] = {urls.article(a): a for a in published}
    found: list[Problem] = []
    for article in sorted(held, key=lambda a: a.key):
        url = urls.article(article)
        other = taken.setdefault(url, article)
        if other is not article:
            found.append(
                Problem(
                    article.path,
                    article.slug_line,
                    f"once published, this article gets the address {url}, "
                    f"which {other.path} has already",
                    "give one of them another title or a `slug:` of its own",
                    "warning",
                )
            )
    return found


def _left_out(
    published: Sequence[Article],
    held: Sequence[Article],
    now: datetime,
    *,
    drafts: bool,
    future: bool,
) -> list[Problem]:
    """List drafts and scheduled articles, whether or not this run includes them."""
    found: list[Problem] = []
    for article in (*published, *held):
        if article.draft:
            if drafts:
                note = "draft: published in this run because of --drafts"
            else:
                note = "draft: left out of the site (`draft: true`); --drafts includes it"
            found.append(Problem(article.path, 1, note, "", "info"))
        if article.date > now:
            when = article.date.strftime("%Y-%m-%d %H:%M")
            if future:
                note = f"scheduled for {when}: published in this run because of --future"
            else:
                note = (
                    f"scheduled for {when}: left out of the site until then; --future includes it"
                )
            found.append(Problem(article.path, 1, note, "", "info"))
    return found


def format_report(report: CheckReport) -> list[str]:
    """The printed lines: each problem with its hint, paths relative to the current folder."""
    return [problem.for_display().format() for problem in report.problems]


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"
