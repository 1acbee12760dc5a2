"""Parse every article file once: later builds take unchanged files from the article cache.

A file whose stamp matches the last build's record, or whose bytes hash to the recorded
digest, is taken from the cache (`article_cache.py`); the rest are read, parsed and split,
in a pool of forked workers when there are many. Workers append their cache lines to the
cache file themselves and send back only where each went and the part the parent decodes
(title, date, summary: not the text), which saves piping 85 MB through the parent at
10,000 articles.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from .article import read_article
from .article_cache import FILE_NAME, ArticleCache
from .cache_line import Parsed, append_line, encode_line, line_head
from .config import Config
from .errors import ContentError, Problem
from .incremental import Scan
from .load import parse_source
from .model import Site
from .state import BuildState, InputRecord, Stamp, cache_dir, digest_of, mtime_seconds

# Below this many files to parse, worker processes cost more than they save (measured).
PARALLEL_PARSE_MIN = 400
PARSE_CHUNK = 100


@dataclass(frozen=True, slots=True)
class ParsedFiles:
    """Every article file parsed, with the records the next build compares against."""

    parsed: dict[str, Parsed]  # by key, in file order
    records: dict[str, InputRecord]
    parsed_now: int  # files parsed (not taken from the cache)
    cache_error: str | None  # why parses could not be cached, if they could not


def structure_digest(site: Site) -> str:
    """Digest of what decides which pages exist and what each shows besides article content.

    Order, URLs (date, slug, source), groups and group names (source and tag spellings).
    While it and the settings stay the same, a page can only change when an article it
    shows changes: that is the contract with `pages.PagePlan` that lets a rebuild skip
    planning pages whose articles are unchanged.
    """
    h = hashlib.sha1()
    for a in site.articles:
        h.update(repr((a.key, a.date.isoformat(), a.slug, a.source, a.tags)).encode())
    return h.hexdigest()


def cache_fingerprint(config: Config, code: str) -> str:
    """What a cached parse depends on besides the file itself."""
    return digest_of(code, config.timezone, str(config.summary_words), str(config.content_dir))


# Article files are a few KiB: one read of this size gets the whole of nearly every one.
_READ_SIZE = 1 << 16


def _read_bytes(path: str | Path) -> bytes:
    """A file's bytes, read without the layers of `open()` (every article file is read)."""
    fd = os.open(path, os.O_RDONLY)
    try:
        chunks = []
        while chunk := os.read(fd, _READ_SIZE):
            chunks.append(chunk)
    finally:
        os.close(fd)
    return chunks[0] if len(chunks) == 1 else b"".join(chunks)


def parse_file(
    path: Path, rel: str, stamp: Stamp, zone: ZoneInfo, words: int
) -> tuple[str, Parsed, bool]:
    """Read, parse and split one article file: (digest, parse, dated by its mtime?)."""
    try:
        raw = _read_bytes(path)
    except OSError as exc:
        problem = Problem(str(path), 1, f"cannot read file: {exc.strerror}")
        return "", Parsed(None, (problem,)), False
    digest = hashlib.sha1(raw).hexdigest()
    try:
        doc = parse_source(path, raw, rel, digest)
    except ContentError as exc:
        return digest, Parsed(None, (exc.problem,)), False
    article, problems = read_article(doc, zone, words)
    # Conservative: an explicit date equal to the mtime is treated as mtime-dated too.
    by_mtime = article is not None and article.date == datetime.fromtimestamp(
        mtime_seconds(stamp), zone
    ).replace(microsecond=0)
    return digest, Parsed(article, tuple(problems)), by_mtime


Job = tuple[str, str, int, int]  # path, key, size, mtime_ns
Placed = tuple[int, int]  # offset and size of a line a worker appended to the cache file
# key, digest, stamp, cache line (only its head when placed), parse (only if uncacheable)
Result = tuple[str, str, Stamp, bytes | None, Parsed | None, Placed | None]


def _parse_jobs(
    jobs: list[Job], zone_name: str, words: int, append_to: str | None = None
) -> list[Result]:
    """Parse a batch; cache lines are appended to `append_to` or travel back whole.

    A parse travels back only when it has no cache line (an uncacheable article).
    """
    zone = ZoneInfo(zone_name)
    results: list[Result] = []
    fd = None
    try:
        if append_to is not None:
            try:  # this process's own descriptor: see `append_line`
                fd = os.open(append_to, os.O_WRONLY | os.O_APPEND)
            except OSError:
                fd = None  # the lines travel back, and the parent appends them
        for path, rel, size, mtime_ns in jobs:
            stamp = Stamp(size, mtime_ns)
            digest, parsed, by_mtime = parse_file(Path(path), rel, stamp, zone, words)
            mtime = mtime_ns if by_mtime else None
            line = encode_line(rel, digest, mtime, parsed) if digest else None
            placed = None
            if line is not None and fd is not None:
                try:
                    offset = append_line(fd, line)
                except OSError:
                    offset = None
                if offset is not None:
                    placed, line = (offset, len(line)), line_head(line)
            results.append((rel, digest, stamp, line, None if line else parsed, placed))
    finally:
        if fd is not None:
            os.close(fd)
    return results


Entry = tuple[str, str, Stamp]  # path, key, stamp (as in `Scan.sources`)


def load_articles(
    config: Config,
    scan: Scan,
    old: BuildState | None,
    code: str,
    jobs: int,
    tick: Callable[[int, int], None],
    kept: ArticleCache | None = None,
    update: tuple[ParsedFiles, Sequence[Entry]] | None = None,
) -> tuple[ParsedFiles, ArticleCache]:
    """Parse every article file, or take its parse from the cache when it is unchanged.

    `kept` is the cache a `BuildSession` kept from its last build (used when it is still
    the right one); the cache used is returned for the next build to keep. `update`: the
    last build's files and the only entries of `scan` that can differ from them.
    """
    where = cache_dir(config.root) / FILE_NAME
    fingerprint = cache_fingerprint(config, code)
    if kept is not None and kept.path == where and kept.fingerprint == fingerprint:
        cache = kept.reopen_if_changed()
    else:
        cache = ArticleCache.open(where, fingerprint)
    old_sources = old.sources if old is not None else {}
    parsed: dict[str, Parsed] = {}
    records: dict[str, InputRecord] = {}
    entries: Sequence[Entry] = scan.sources
    if update is not None:
        parsed, records = dict(update[0].parsed), dict(update[0].records)
        entries = update[1]
    todo: list[Job] = []
    for path, rel, stamp in entries:
        record = old_sources.get(rel)
        hit = None
        if record is not None and record.stamp == stamp:
            hit = cache.get(rel, record.digest, stamp.mtime_ns)
        elif record is not None or cache.has(rel):
            try:  # touched, renamed back, or checked out again: the same bytes need no parse
                record = InputRecord(stamp, hashlib.sha1(_read_bytes(path)).hexdigest())
                hit = cache.get(rel, record.digest, stamp.mtime_ns)
            except OSError:
                hit = None
        if hit is not None and record is not None:
            parsed[rel] = hit
            records[rel] = InputRecord(stamp, record.digest)
        else:
            parsed[rel] = Parsed(None, ())  # keeps file order; replaced below
            records.pop(rel, None)
            todo.append((path, rel, stamp.size, stamp.mtime_ns))
    for rel, digest, stamp, line, fresh, placed in _run_parse(todo, config, jobs, tick, cache):
        if placed is not None:
            assert line is not None
            parsed[rel] = cache.adopt(rel, placed[0], placed[1], line)
        elif line is not None:
            parsed[rel] = cache.add(rel, line)
        else:
            cache.forget(rel)
            assert fresh is not None
            parsed[rel] = fresh
        if digest:
            records[rel] = InputRecord(stamp, digest)
    cache.close(set(parsed))
    return ParsedFiles(parsed, records, len(todo), cache.error), cache


def _run_parse(
    todo: list[Job],
    config: Config,
    jobs: int,
    tick: Callable[[int, int], None],
    cache: ArticleCache,
) -> Iterator[Result]:
    chunks = [todo[i : i + PARSE_CHUNK] for i in range(0, len(todo), PARSE_CHUNK)]
    done = 0
    if jobs <= 1 or len(todo) < PARALLEL_PARSE_MIN:
        for chunk in chunks:
            yield from _parse_jobs(chunk, config.timezone, config.summary_words)
            done += len(chunk)
            tick(done, len(todo))
        return
    from .workers import pool

    append_to = cache.appending()  # made ready before the workers start appending
    with pool(jobs) as workers:
        args = [(chunk, config.timezone, config.summary_words, append_to) for chunk in chunks]
        # In order: the parent decodes one batch while the workers split the next ones.
        for results in workers.imap(_parse_star, args):
            yield from results
            done += len(results)
            tick(done, len(todo))


def _parse_star(args: tuple[list[Job], str, int, str | None]) -> list[Result]:
    return _parse_jobs(*args)
