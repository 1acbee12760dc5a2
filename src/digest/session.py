"""A warm build session: what one build leaves in memory so that the next one is quick.

`serve` builds the same site again and again in one process. Given the same
`BuildSession`, `pipeline.build` keeps from one build to the next:

* the article cache with every parse it decoded, so an unchanged file costs a lookup;
* the last good build's state, scan, parses, checked site and Jinja environment (with its
  compiled templates), so nothing is read back from disk;
* the paths the watcher reported (`note`), so only those files are looked at again
  instead of walking the whole content folder;
* which pages show which article, so a changed article's pages are found by lookup.

When articles changed only in content (not in key, date, slug, source, tags or draft),
the site is the last one with those articles swapped in (`quick_loaded`), and only the
pages showing them are planned and rendered. Anything else takes the ordinary path, so
every build still equals a clean one.

A session trusts that only its own builds write to the output folder (true of `serve`'s
private folder): it does not stat every output file to find hand edits. It saves the
state file only when asked (`flush`: the server does when idle and on exit) and removes
the old one meanwhile, so a killed server leaves no state that would be wrong.
"""

from __future__ import annotations

import dataclasses
import os
import stat
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from .config import Config
from .incremental import (
    Scan,
    changed_articles,
    code_digest,
    keep_compiled_templates,
    scan_inputs,
)
from .state import (
    RACY_WINDOW,
    BuildState,
    InputRecord,
    OutputRecord,
    Stamp,
    digest_of,
    prune_states,
    save_state,
    stamp_of,
)

if TYPE_CHECKING:
    import jinja2

    from .article_cache import ArticleCache
    from .cache_line import Parsed
    from .pipeline import Loaded
    from .render import Renderer
    from .sources import Entry, ParsedFiles


@dataclass(frozen=True, slots=True)
class Warm:
    """What the last good build of a session left, for the next one to start from."""

    settings: str
    out_dir: Path
    state: BuildState  # as `save_state` would write it (stamps of racy files untrusted)
    scan: Scan
    files: ParsedFiles
    loaded: Loaded


class BuildSession:
    """Memory shared by the builds of one long-running process (the dev server)."""

    def __init__(self) -> None:
        self.cache: ArticleCache | None = None
        self.warm: Warm | None = None
        self._code: str | None = None
        self._noted: set[str] | None = None  # None: anything may have changed
        self._env: tuple[str, jinja2.Environment, Renderer] | None = None
        # The article files the last `scan` stat'ed again; None when it walked them all.
        self.touched: list[Entry] | None = None
        self._shows: tuple[Mapping[str, OutputRecord], dict[str, list[str]]] | None = None
        self._unsaved: tuple[Path, BuildState, Path, int, Path] | None = None

    def code_digest(self) -> str:
        """Digest of digest's code, taken once: the running code does not change."""
        if self._code is None:
            self._code = code_digest()
        return self._code

    def note(self, paths: Iterable[Path] | None) -> None:
        """Record paths the watcher saw change; None: anything may have changed."""
        if paths is None:
            self._noted = None
        elif self._noted is not None:
            self._noted.update(str(p) for p in paths)

    def warm_for(self, settings: str, out_dir: Path) -> Warm | None:
        """The last build, if it was made with these settings into this folder."""
        warm = self.warm
        if warm is not None and warm.settings == settings and warm.out_dir == out_dir:
            return warm
        return None

    def scan(self, config: Config, warm: Warm | None) -> Scan:
        """The input files: the last scan with the noted files stat'ed again, if that is enough.

        A noted path that is not a known article, template or static file (a new, deleted
        or renamed file, a folder, config.yaml) means a full walk.
        """
        noted = self._noted
        self.touched = None
        if warm is None or noted is None:
            return scan_inputs(config)
        self.touched = []
        if not noted:
            return warm.scan
        sources = list(warm.scan.sources)
        inputs = dict(warm.scan.inputs)
        where = {path: i for i, (path, _rel, _st) in enumerate(sources)}
        for path in noted:
            try:
                st = os.stat(path)
            except OSError:
                self.touched = None
                return scan_inputs(config)
            index = where.get(path)
            if not stat.S_ISREG(st.st_mode) or (index is None and path not in inputs):
                self.touched = None
                return scan_inputs(config)
            if index is not None:
                sources[index] = (path, sources[index][1], stamp_of(st))
                self.touched.append(sources[index])
            else:
                inputs[path] = stamp_of(st)
        return Scan(tuple(sources), inputs, warm.scan.problems)

    def environment(
        self, config: Config, settings: str, inputs: Mapping[str, InputRecord]
    ) -> tuple[jinja2.Environment, Renderer, bool]:
        """The Jinja environment and renderer for these templates, and whether they are kept.

        Kept from the last build when no template or static file changed: compiled
        templates, their dependencies and rendered listing items stay valid then.
        """
        from .render import Renderer, make_environment

        key = digest_of(settings, *(f"{path}\0{r.digest}" for path, r in sorted(inputs.items())))
        if self._env is not None and self._env[0] == key:
            return self._env[1], self._env[2], True
        env = make_environment(config)
        env.auto_reload = False  # templates are checked by digest, not by file time
        keep_compiled_templates(env, config.root, self.code_digest())
        renderer = Renderer(env)
        self._env = (key, env, renderer)
        return env, renderer, False

    def update(self, warm: Warm | None) -> tuple[ParsedFiles, list[Entry]] | None:
        """The last build's files and the only entries that can differ, if the scan knows."""
        if warm is None or self.touched is None:
            return None
        return warm.files, self.touched

    def quick_loaded(
        self, warm: Warm | None, files: ParsedFiles, scan: Scan, now: datetime
    ) -> Loaded | None:
        """The last checked site with changed articles swapped in, when that is exact."""
        if warm is None:
            return None
        due = warm.state.recheck_ns
        if due is not None and now.timestamp() * 1e9 >= due:
            return None  # a scheduled article is due: the published set changes
        return quick_loaded(warm.loaded, warm.files.parsed, files.parsed, scan)

    def dirty(self, warm: Warm | None, records: Mapping[str, InputRecord]) -> set[str] | None:
        """Pages showing articles changed since the last build (same plan and templates)."""
        if warm is None:
            return None
        changed = changed_articles(warm.state.sources, records)
        return self.pages_showing(warm.state.outputs, changed)

    def pages_showing(self, outputs: Mapping[str, OutputRecord], keys: Iterable[str]) -> set[str]:
        """Output paths of the pages that show any of these articles."""
        if self._shows is None or self._shows[0] is not outputs:
            shows: dict[str, list[str]] = {}
            for path, record in outputs.items():
                if record.static is None:
                    for key in record.articles:
                        shows.setdefault(key, []).append(path)
            self._shows = (outputs, shows)
        found = self._shows[1]
        return {path for key in keys for path in found.get(key, ())}

    def settled(self) -> None:
        """The build found nothing to do: the noted paths are dealt with."""
        if self.warm is not None:
            self._noted = set()

    def remember(self, warm: Warm, where: Path, built_ns: int, root: Path) -> list[str]:
        """Keep a good build for the next one; return problems removing the old state file."""
        last = self.warm
        shows = self._shows
        if (
            last is not None
            and shows is not None
            and shows[0] is last.state.outputs
            and _same_articles(last.state.outputs, warm.state.outputs)
        ):
            self._shows = (warm.state.outputs, shows[1])  # still right: keep it
        self.warm = warm
        self._noted = set()
        self._unsaved = (where, warm.state, warm.out_dir, built_ns, root)
        try:
            where.unlink(missing_ok=True)  # it no longer describes the output folder
        except OSError as exc:
            return [f"{where}: {exc.strerror}"]
        return []

    def forget(self) -> None:
        """Start afresh: the next build scans everything (after a build that went wrong)."""
        self._noted = None
        self.warm = None

    def flush(self) -> str | None:
        """Save the state of the last build, if not saved yet; the problem if that fails."""
        if self._unsaved is None:
            return None
        where, state, out_dir, built_ns, root = self._unsaved
        self._unsaved = None
        try:
            save_state(where, state, built_ns, out_dir)
            prune_states(root, where)
        except OSError as exc:
            return f"{where}: {exc.strerror}"
        return None

    @property
    def unsaved(self) -> bool:
        """Tell whether the last build's state is still to be saved."""
        return self._unsaved is not None


def settle(records: Mapping[str, InputRecord], built_ns: int) -> dict[str, InputRecord]:
    """Records with stamps too close to the build marked untrusted, as `save_state` does.

    A session keeps the state in memory; without this, a file saved twice within one
    mtime tick, at the same size, would look unchanged to the next build.
    """
    racy = built_ns - int(RACY_WINDOW * 1e9)
    return {
        key: r if r.stamp.mtime_ns < racy else InputRecord(Stamp(r.stamp.size, -1), r.digest)
        for key, r in records.items()
    }


def now_ns() -> int:
    """The time a build's stamps are judged against."""
    return time.time_ns()


def _same_articles(before: Mapping[str, OutputRecord], after: Mapping[str, OutputRecord]) -> bool:
    """Tell whether every output shows the same articles as before (the index still holds)."""
    if before.keys() != after.keys():
        return False
    for path, record in after.items():
        old = before[path]
        if record is not old and record.articles != old.articles:
            return False
    return True


def quick_loaded(
    last: Loaded, before: Mapping[str, Parsed], after: Mapping[str, Parsed], scan: Scan
) -> Loaded | None:
    """The last checked site with changed articles swapped in; None unless only content changed.

    Swapping is exact when each changed article keeps its key, date, slug, source, tags and
    draft flag and is published: order, URLs, groups and the published set are then what
    `model.build_site` would make, and no duplicate-slug problem can appear or vanish.
    """
    from .model import shape_of

    if last.site_problems or list(before) != list(after):
        return None
    site = last.site
    swapped = {}
    for key, item in after.items():
        old = before[key]
        if item is old:
            continue
        new_article, old_article = item.article, old.article
        if (
            new_article is None
            or old_article is None
            or key not in site.by_key
            or shape_of(new_article) != shape_of(old_article)
        ):
            return None
        swapped[key] = new_article
    problems = list(scan.problems)
    for item in after.values():
        problems.extend(item.problems)
    if not swapped:
        return dataclasses.replace(last, problems=tuple(problems))
    articles = list(site.articles)
    for key, article in swapped.items():
        articles[site.position[key]] = article
    by_key = dict(site.by_key)
    by_key.update(swapped)
    new_site = dataclasses.replace(site, articles=tuple(articles), by_key=by_key)
    return dataclasses.replace(last, site=new_site, problems=tuple(problems))
