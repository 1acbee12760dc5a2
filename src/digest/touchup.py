"""A rebuild after a few articles changed in content only, reading no other article.

The usual rebuild reads every article's title, date and summary back from the article
cache and builds the site model again: about half a second at 10,000 articles, to render
a dozen pages. When the last build left its site's outline (`state.Outline`: the order
and groups by key) and the changed files keep their key, date, slug, source, tags and
draft flag, that model is the last one with those articles swapped in, exactly as
`session.quick_loaded` argues for the dev server. `touch_up` then hands the pipeline a
site whose other articles are read from the cache only when a page shows them
(`model.from_outline`), and the pipeline plans only the pages showing a changed article.

Anything else (a file added, removed or renamed, a template changed, a scheduled article
due, a changed article with problems, more than `TOUCH_UP_MAX` files changed) returns
None, and the build takes the ordinary path. The result equals a clean build either way.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from .article_cache import FILE_NAME, ArticleCache, CacheDamaged
from .cache_line import Parsed, encode_line
from .config import Config
from .incremental import Scan
from .load import not_an_article
from .model import from_outline, shape_of
from .sources import cache_fingerprint, parse_file
from .state import BuildState, InputRecord, Stamp, cache_dir

if TYPE_CHECKING:
    from .article import Article
    from .pipeline import Loaded

TOUCH_UP_MAX = 32  # more changed files than this: the ordinary rebuild is as quick


@dataclass(frozen=True, slots=True)
class TouchUp:
    """What a touch-up found: records of every article file, and the site to render."""

    records: dict[str, InputRecord]  # every article file, as `sources.load_articles` gives
    changed: frozenset[str]  # keys of the files whose content changed
    parsed_now: int
    cache: ArticleCache
    loaded: Loaded


def touch_up(
    config: Config,
    scan: Scan,
    old: BuildState | None,
    settings: str,
    code: str,
    now: datetime,
) -> TouchUp | None:
    """The site of the last build with a few articles' new content; None if that is not exact."""
    from .pipeline import Loaded

    if old is None or old.settings != settings or old.outline is None:
        return None
    outline = old.outline
    if not _same_files(scan, old, now):
        return None
    records = dict(old.sources)
    touched = []
    for path, rel, stamp in scan.sources:
        if records[rel].stamp != stamp:
            touched.append((path, rel, stamp))
            if len(touched) > TOUCH_UP_MAX:
                return None
    cache = ArticleCache.open(cache_dir(config.root) / FILE_NAME, cache_fingerprint(config, code))
    try:
        fresh = _parse_changed(config, old, touched, records, cache)
        # The others are read back from the cache on demand: check now that all are there.
        if fresh is None or not all(
            cache.holds(k, r.digest, r.stamp.mtime_ns) for k, r in records.items()
        ):
            return None
    finally:
        cache.close(set(records))

    def article_of(key: str) -> Article:
        found = fresh.get(key)
        if found is None:
            record = records[key]
            found = _article(cache, cache.get(key, record.digest, record.stamp.mtime_ns), key)
        return found

    site = from_outline(config, outline, article_of)
    held = tuple(article_of(key) for key in old.held_back)
    # The same warnings, but for files in the content folder that are not articles: the
    # scan finds those, and they may have come or gone.
    kept = [p for p in old.problems if p != not_an_article(Path(p.path))]
    loaded = Loaded(site, (*scan.problems, *kept), held)
    changed = frozenset(k for k, r in records.items() if old.sources[k].digest != r.digest)
    return TouchUp(records, changed, len(fresh), cache, loaded)


def _parse_changed(
    config: Config,
    old: BuildState,
    touched: list[tuple[str, str, Stamp]],
    records: dict[str, InputRecord],
    cache: ArticleCache,
) -> dict[str, Article] | None:
    """Update `records` for the touched files and parse those whose content changed.

    None when a changed article would change the site's outline or has problems (or had).
    """
    outline = old.outline
    assert outline is not None
    zone = ZoneInfo(config.timezone)
    with_problems = {p.path for p in old.problems}
    fresh: dict[str, Article] = {}
    for path, rel, stamp in touched:
        before = records[rel]
        try:
            with open(path, "rb") as f:
                records[rel] = InputRecord(stamp, hashlib.sha1(f.read()).hexdigest())
        except OSError:
            return None
        if cache.holds(rel, records[rel].digest, stamp.mtime_ns):
            continue  # touched, or saved without a change
        was = cache.get(rel, before.digest, before.stamp.mtime_ns)
        digest, parsed, by_mtime = parse_file(Path(path), rel, stamp, zone, config.summary_words)
        if (
            was is None
            or was.article is None
            or parsed.article is None
            or parsed.problems
            or path in with_problems
            or rel in old.held_back
            or shape_of(parsed.article) != shape_of(was.article)
        ):
            return None
        line = encode_line(rel, digest, stamp.mtime_ns if by_mtime else None, parsed)
        if line is None:
            return None  # no exact cache form: its text could not be read back by offset
        records[rel] = InputRecord(stamp, digest)
        fresh[rel] = _article(cache, cache.add(rel, line), rel)
    return fresh


def _same_files(scan: Scan, old: BuildState, now: datetime) -> bool:
    """The same article, template and static files as the last build, and no article due."""
    if old.recheck_ns is not None and now.timestamp() * 1e9 >= old.recheck_ns:
        return False
    if len(old.sources) != len(scan.sources) or any(
        rel not in old.sources for _path, rel, _st in scan.sources
    ):
        return False
    if len(old.held_back) + len(old.outline.keys if old.outline else ()) != len(old.sources):
        return False  # not the outline of these files (a damaged state)
    return old.inputs.keys() == scan.inputs.keys() and all(
        old.inputs[path].stamp == stamp for path, stamp in scan.inputs.items()
    )


def _article(cache: ArticleCache, parsed: Parsed | None, key: str) -> Article:
    if parsed is None or parsed.article is None:
        raise CacheDamaged(
            str(cache.path),
            1,
            f"cannot read {key} back from the build cache",
            "the cache is rebuilt automatically; if this repeats, delete the folder",
        )
    return parsed.article
