"""The one place that orders the stages: config → load → split/article → model → render → output.

Every build is incremental against the build state of its output folder (`state.py`) and
always gives the output a clean build would give:

1. Scan the article, template and static files. When every stamp, the settings and the
   output files match the state, nothing is read or written ("nothing changed").
2. Parse the articles, taking unchanged ones from the article cache.
3. Build the site model and check it; errors stop the build before anything is written.
4. Make the outputs (`produce.py`): only pages showing a changed article or using a
   changed template when the site's structure is unchanged, else every page whose key
   changed. Stage them, then commit: replace changed files, remove stale ones.
5. Save the state.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from .audit import OutputAudit
from .config import Config
from .errors import BuildFailed, ContentError, Problem
from .forked import Child
from .incremental import (
    Scan,
    ScanInBackground,
    changed_articles,
    code_digest,
    input_records,
    keep_compiled_templates,
    nothing_changed,
    read_record,
    same_digests,
    scan_inputs,
    settings_digest,
)
from .output import Stage, list_files
from .progress import Progress
from .state import (
    BuildState,
    InputRecord,
    load_state,
    prune_states,
    save_state,
    state_path,
)

if TYPE_CHECKING:  # the splitter, the model and Jinja load only when there is work to do
    import jinja2

    from .article import Article
    from .cache_line import Parsed
    from .model import Site
    from .render import Renderer
    from .session import BuildSession

_CACHE_HINT = "make the site's .digest-cache folder writable; until then every build is full"


@dataclass(frozen=True, slots=True)
class BuildOptions:
    """Switches of one build."""

    drafts: bool = False
    future: bool = False
    strict: bool = False
    out_dir: Path | None = None
    now: datetime | None = None  # "now" for scheduled articles; tests pin it
    progress: bool = False  # show a progress line on stderr (only if it is a terminal)
    jobs: int | None = None  # worker processes; None: one per CPU where forking is safe


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
    parsed: int = 0  # article files parsed and split (the rest came from the cache)
    rendered: int = 0  # pages rendered (the rest were current)

    def summary(self) -> str:
        """One line for the terminal."""
        work = (
            "nothing changed"
            if not (self.parsed or self.rendered or self.written or self.removed)
            else f"{self.parsed} parsed, {self.rendered} rendered"
        )
        return (
            f"{self.articles} articles, {self.files} files: {len(self.written)} written, "
            f"{self.unchanged} unchanged, {len(self.removed)} removed, "
            f"{len(self.warnings)} warning(s) in {self.seconds:.2f} s ({work})"
        )


@dataclass(frozen=True, slots=True)
class Loaded:
    """The content as checked, before anything is rendered."""

    site: Site
    problems: tuple[Problem, ...]
    held_back: tuple[Article, ...]
    site_problems: tuple[Problem, ...] = ()  # found by the model (duplicate slugs)


def load_site(config: Config, options: BuildOptions) -> Loaded:
    """Read, split and check every article; collect every problem instead of stopping."""
    from .sources import load_articles

    scan = scan_inputs(config)
    files, _cache = load_articles(config, scan, None, code_digest(), 1, lambda _d, _t: None)
    return _check(config, options, scan, files.parsed.values())


def _check(config: Config, options: BuildOptions, scan: Scan, parsed: Iterable[Parsed]) -> Loaded:
    from .model import build_site

    problems = list(scan.problems)
    articles: list[Article] = []
    for item in parsed:
        problems.extend(item.problems)
        if item.article is not None:
            articles.append(item.article)
    now = options.now or datetime.now(ZoneInfo(config.timezone))
    published: list[Article] = []
    held: list[Article] = []
    for article in articles:
        hidden = (article.draft and not options.drafts) or (
            article.date > now and not options.future
        )
        (held if hidden else published).append(article)
    site, site_problems = build_site(config, published)
    problems.extend(site_problems)
    return Loaded(site, tuple(problems), tuple(held), tuple(site_problems))


def build(
    config: Config, options: BuildOptions | None = None, session: BuildSession | None = None
) -> BuildReport:
    """Build the site; raise BuildFailed listing every error, writing nothing then.

    With a `session` (the dev server's), what this build learns is kept for the next.
    """
    from .article_cache import CacheDamaged

    options = options or BuildOptions()
    # The collector would scan every article again and again while a build adds to them,
    # for little garbage: with it off, a 10,000-article build peaks at the same memory and
    # takes 8 % less CPU (forked workers inherit this). It runs again after the build.
    enabled = gc.isenabled()
    gc.disable()
    children: list[Child] = []  # forked helpers (scan, output check), reaped in any case
    try:
        return _build(config, options, session, children)
    except CacheDamaged as exc:
        # An article's text could not be read back from the cache (changed under this
        # build): nothing was written; build again, parsing every article afresh.
        Path(exc.problem.path).unlink(missing_ok=True)
        if session is not None:
            session.forget()
            session.cache = None
        return _build(config, options, session, children)
    finally:
        for child in children:
            child.close()
        if enabled:
            gc.enable()


def _build(
    config: Config, options: BuildOptions, session: BuildSession | None, children: list[Child]
) -> BuildReport:
    started = time.perf_counter()
    progress = Progress(options.progress)
    out_dir = (options.out_dir or config.output_dir).resolve()
    code = session.code_digest() if session is not None else code_digest()
    settings = settings_digest(config, options.drafts, options.future, out_dir, code)
    where = state_path(config.root, out_dir)
    warm = session.warm_for(settings, out_dir) if session is not None else None
    trouble: list[str] = []
    background = None
    if session is None:  # the scan's stat calls overlap loading the state (big sites)
        background = ScanInBackground(config, where, options.jobs)
        children.append(background)
    if warm is not None:
        old: BuildState | None = warm.state
    else:
        if session is not None and (problem := session.flush()):
            trouble.append(problem)
        old = load_state(where)
    audit = None
    if old is not None and session is None:  # a session trusts its own output folder
        audit = OutputAudit(str(out_dir), old.outputs, options.jobs)
        children.append(audit)
    if background is not None:
        if old is None:  # a full build: load its stages while the child scans
            _import_stages()
        scan = background.result()
    else:
        scan = session.scan(config, warm) if session is not None else scan_inputs(config)
    now = options.now or datetime.now(ZoneInfo(config.timezone))
    # A session's own folder needs no look at every output file (only its builds write
    # there), nor its sources at every file (the watcher named the ones to look at).
    touched = session.touched if session is not None and warm is not None else None
    if old is not None and nothing_changed(old, scan, settings, out_dir, now, touched, audit):
        if session is not None:
            session.settled()
        return BuildReport(
            articles=old.articles,
            files=len(old.outputs),
            written=(),
            unchanged=len(old.outputs),
            removed=(),
            warnings=_raise_errors(old.problems, options.strict),
            held_back=old.held_back,
            seconds=time.perf_counter() - started,
        )
    from .article_cache import CacheDamaged
    from .model import outline_of
    from .produce import Made, Maker, dirty_outputs, make_all, make_some, pages_with_articles
    from .render import static_files
    from .session import Warm, now_ns, settle
    from .sources import load_articles, structure_digest
    from .touchup import touch_up

    jobs = options.jobs or _default_jobs()
    built_ns = now_ns()
    files, loaded = None, None
    # A command-line rebuild after a few articles changed in content only (`touchup.py`).
    fast = touch_up(config, scan, old, settings, code, now) if session is None else None
    if fast is not None:
        records, parsed_now, cache, loaded = fast.records, fast.parsed_now, fast.cache, fast.loaded
    else:
        files, cache = load_articles(
            config,
            scan,
            old,
            code,
            jobs,
            lambda d, t: progress.tick("splitting", d, t),
            session.cache if session is not None else None,
            session.update(warm) if session is not None else None,
        )
        records, parsed_now = files.records, files.parsed_now
        if session is not None:
            session.cache = cache
            loaded = session.quick_loaded(warm, files, scan, now)
    quick = loaded is not None
    if loaded is None:
        assert files is not None
        loaded = _check(config, options, scan, files.parsed.values())
    warnings = _raise_errors(loaded.problems, options.strict)
    site = loaded.site
    structure = old.structure if quick and old is not None else structure_digest(site)
    inputs = input_records(scan, old)
    env, renderer, env_kept = _environment(config, settings, inputs, session, code)
    stage = Stage(out_dir)
    same_plan = old is not None and old.settings == settings and old.structure == structure
    previous = old.outputs if old is not None and old.settings == settings else {}
    digests = {key: record.digest for key, record in records.items()}
    # Same plan and template files: each page uses the templates it used last time.
    same_templates = same_plan and old is not None and same_digests(old.inputs, inputs)
    maker = Maker(site, env, settings, digests, previous, stage, renderer, same_templates)
    made = Made()
    try:
        dirty = None
        if same_plan and session is not None and env_kept:
            dirty = session.dirty(warm, records)
        if dirty is None and same_templates and old is not None:
            dirty = pages_with_articles(maker, changed_articles(old.sources, records), audit)
        elif same_plan and dirty is None:
            dirty = dirty_outputs(maker)
        if dirty is not None and "sitemap.xml" not in dirty:
            make_some(maker, dirty, made)
        else:
            make_all(maker, jobs, made, lambda n: progress.tick("pages", n))
        for rel, source in static_files(config):
            record = inputs.get(str(source)) or read_record(source)
            made.add(rel, *maker.make_static(rel, source, record.digest))
    except ContentError as exc:
        stage.discard()
        progress.done()
        if exc.problem.path == str(cache.path):  # also when a worker found it
            bad = exc.problem
            raise CacheDamaged(bad.path, bad.line, bad.message, bad.hint) from None
        raise BuildFailed([*warnings, exc.problem]) from None
    except BaseException:
        stage.discard()
        progress.done()
        if session is not None:
            session.forget()  # the output folder may not be what the session remembers
        raise
    if old is not None:
        stale = sorted(set(old.outputs) - set(made.records))
    else:  # no record of what is there: compare with the folder itself
        stale = sorted(list_files(out_dir) - set(made.records))
    try:
        stage.commit(made.written, stale)
    except BaseException:
        if session is not None:
            session.forget()
        raise
    progress.done()
    held = [a for a in loaded.held_back if not a.draft or options.drafts]
    due = [int(a.date.timestamp() * 1e9) for a in held if a.date > now]
    state = BuildState(
        settings=settings,
        structure=structure,
        sources=settle(records, built_ns) if session is not None else records,
        inputs=settle(inputs, built_ns) if session is not None else inputs,
        outputs=made.records,
        problems=warnings,
        held_back=tuple(a.key for a in loaded.held_back),
        recheck_ns=min(due) if due else None,
        articles=len(site.articles),
        outline=outline_of(site),
        encoded=old.encoded if old is not None else None,
    )
    # The site is built; failing to remember how only costs the next build time.
    if cache.error:
        trouble.append(cache.error)
    if session is not None:
        assert files is not None
        warm = Warm(settings, out_dir, state, scan, files, loaded)
        trouble += session.remember(warm, where, built_ns, config.root)
    else:
        try:
            save_state(where, state, time.time_ns(), out_dir)
            prune_states(config.root, where)
        except OSError as exc:
            trouble.append(f"{where}: {exc.strerror}")
    warnings += tuple(
        Problem(place, 1, "cannot write the build cache", _CACHE_HINT, "warning")
        for place in trouble
    )
    return BuildReport(
        articles=len(site.articles),
        files=len(made.records),
        written=tuple(made.written),
        unchanged=len(made.records) - len(made.written),
        removed=tuple(stale),
        warnings=warnings,
        held_back=state.held_back,
        seconds=time.perf_counter() - started,
        parsed=parsed_now,
        rendered=made.rendered,
    )


def _environment(
    config: Config,
    settings: str,
    inputs: dict[str, InputRecord],
    session: BuildSession | None,
    code: str,
) -> tuple[jinja2.Environment, Renderer, bool]:
    """Jinja environment and renderer: the session's if the templates are unchanged, else new."""
    if session is not None:
        return session.environment(config, settings, inputs)
    from .render import Renderer, make_environment

    env = make_environment(config)
    env.auto_reload = False  # a fresh environment per build: checking file times is waste
    keep_compiled_templates(env, config.root, code)
    return env, Renderer(env), False


def _import_stages() -> None:
    """Import what a build that parses and renders needs (the splitter, the model, Jinja)."""
    from . import produce, session, sources, touchup  # noqa: F401


def _default_jobs() -> int:
    from .forked import default_jobs

    return default_jobs()


def _raise_errors(problems: tuple[Problem, ...], strict: bool) -> tuple[Problem, ...]:
    """Raise BuildFailed if any problem is an error (every warning is one when strict)."""
    found = tuple(p.as_error() if strict else p for p in problems)
    if any(p.severity == "error" for p in found):
        raise BuildFailed(found)
    return found
