"""A cache of parsed and split articles, so that a build splits only the files that changed.

One JSON Lines file, `.digest-cache/articles.jsonl`. The first line names the format and a
fingerprint of everything parsing depends on besides the file itself (digest's code, time
zone, summary length, content folder); a file with another fingerprint is started afresh.
Every other line is one parse of one article file:

    <key as JSON> TAB <sha1 of the file> TAB <mtime_ns or -> TAB <JSON: problems, article>

New parses are appended as they are made, so neither a clean build nor a rebuild holds the
file in memory; a later line for the same key wins, and the file is compacted when dead
lines outweigh live ones. Lines are read back (by offset) only when asked for. The mtime is
recorded only for an article dated by its file's modification time: touching it matters.

Articles are stored field by field in declaration order, converted by their type hints
(tuples, optional values, nested dataclasses, time-zone aware datetimes); a value with no
exact JSON form (say, a YAML set in an unknown front-matter key) makes the article
uncacheable, and it is simply parsed on every build. A damaged line costs one re-parse.
"""

from __future__ import annotations

import dataclasses
import json
import os
import types
import typing
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from .article import Article
from .errors import Problem
from .state import problems_from_json, problems_to_json

FORMAT = 1
FILE_NAME = "articles.jsonl"

Convert = Callable[[Any], Any]


class Uncacheable(Exception):
    """A value that JSON cannot carry exactly."""


@dataclass(frozen=True, slots=True)
class Parsed:
    """One article file as parsed: the article (None when it has errors) and its problems."""

    article: Article | None
    problems: tuple[Problem, ...]


def _same(value: Any) -> Any:
    return value


def _plain(value: Any) -> Any:
    """Check that a value survives a JSON round trip unchanged (YAML front-matter values)."""
    if value is None or isinstance(value, (str, int, float)):
        return value
    if isinstance(value, list):
        for item in value:
            _plain(item)
        return value
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                raise Uncacheable(f"mapping key {key!r}")
            _plain(item)
        return value
    raise Uncacheable(type(value).__name__)


def _encode_datetime(value: datetime) -> list[Any]:
    zone = value.tzinfo
    if isinstance(zone, ZoneInfo):
        return [value.isoformat(), zone.key, value.fold]
    if isinstance(zone, timezone):
        return [value.isoformat(), None, value.fold]
    raise Uncacheable(f"time zone {zone!r}")


def _decode_datetime(value: list[Any]) -> datetime:
    moment = datetime.fromisoformat(value[0])
    if value[1] is not None:
        return moment.replace(tzinfo=ZoneInfo(value[1]), fold=value[2])
    return moment


def _codec(hint: Any) -> tuple[Convert, Convert]:
    """Build (encode, decode) for a type hint; TypeError for a type the cache cannot store."""
    if hint in (str, int, float, bool, type(None)):
        return _same, _same
    if hint is datetime:
        return _encode_datetime, _decode_datetime
    if hint is object:
        return _plain, _same
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin in (typing.Union, types.UnionType):
        inner = [a for a in args if a is not type(None)]
        if len(inner) != 1:
            raise TypeError(f"no cache codec for {hint!r}")
        enc, dec = _codec(inner[0])
        if enc is _same and dec is _same:
            return _same, _same
        return (
            lambda v: None if v is None else enc(v),
            lambda v: None if v is None else dec(v),
        )
    if origin is tuple and len(args) == 2 and args[1] is Ellipsis:
        enc, dec = _codec(args[0])
        if enc is _same and dec is _same:
            return list, tuple
        return (lambda v: [enc(x) for x in v]), (lambda v: tuple([dec(x) for x in v]))
    if origin in (Mapping, dict) and args[:1] == (str,):
        return _plain, _same
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        return _dataclass_codec(hint)
    raise TypeError(f"no cache codec for {hint!r}")


def _dataclass_codec(cls: type[Any]) -> tuple[Convert, Convert]:
    hints = typing.get_type_hints(cls)
    names = [f.name for f in dataclasses.fields(cls)]
    codecs = [_codec(hints[name]) for name in names]
    # Most fields are plain text or numbers: convert only the others.
    special = [(i, enc, dec) for i, (enc, dec) in enumerate(codecs) if enc is not _same]

    def encode(value: Any) -> list[Any]:
        row = [getattr(value, name) for name in names]
        for i, enc, _dec in special:
            row[i] = enc(row[i])
        return row

    def decode(row: list[Any]) -> Any:
        if len(row) != len(names):
            raise ValueError(f"{cls.__name__}: {len(row)} values for {len(names)} fields")
        for i, _enc, dec in special:
            row[i] = dec(row[i])
        return cls(*row)

    return encode, decode


_ARTICLE: list[tuple[Convert, Convert]] = []


def article_codec() -> tuple[Convert, Convert]:
    """The (encode, decode) pair for Article, built on first use."""
    if not _ARTICLE:
        _ARTICLE.append(_dataclass_codec(Article))
    return _ARTICLE[0]


def encode_line(key: str, digest: str, mtime_ns: int | None, parsed: Parsed) -> bytes | None:
    """One cache line for a parse; None when the article has no exact JSON form."""
    try:
        article = None if parsed.article is None else article_codec()[0](parsed.article)
        payload = json.dumps(
            [problems_to_json(parsed.problems), article], ensure_ascii=False, separators=(",", ":")
        )
        mtime = "-" if mtime_ns is None else str(mtime_ns)
        return "\t".join((json.dumps(key), digest, mtime, payload)).encode("utf-8") + b"\n"
    except (Uncacheable, UnicodeEncodeError):
        return None


def decode_line(line: bytes) -> Parsed:
    """The parse stored in a cache line; ValueError or TypeError when it is damaged."""
    try:
        problems_json, article_json = json.loads(line.split(b"\t", 3)[3])
        problems = problems_from_json(problems_json)
        article = None if article_json is None else article_codec()[1](article_json)
    except (KeyError, IndexError, AttributeError) as exc:
        raise ValueError(f"damaged cache line: {exc}") from None
    return Parsed(article, problems)


class ArticleCache:
    """Parsed articles by key for one fingerprint, in an append-only file read by offset."""

    def __init__(self, path: Path, fingerprint: str) -> None:
        self.path = path
        self.fingerprint = fingerprint
        self._index: dict[str, tuple[str, str, int, int]] = {}  # digest, mtime, offset, size
        self._size = 0  # bytes in the file
        self._fd: int | None = None
        self.error: str | None = None  # why the cache could not be written (a read-only site)
        # Parses already decoded, by key with the digest and mtime of their line: a cache
        # kept by a `BuildSession` hands them out again without reading the file.
        self._decoded: dict[str, tuple[str, str, Parsed]] = {}
        self._left: tuple[int, int] | None = None  # size and mtime of the file once closed

    @classmethod
    def open(cls, path: Path, fingerprint: str) -> ArticleCache:
        """Open the cache file; a missing, damaged or foreign one is started afresh."""
        cache = cls(path, fingerprint)
        try:
            data = path.read_bytes()
        except OSError:
            data = b""
        header = cache._header()
        if not data.startswith(header):
            data = b""
        # Walk the lines by offset: slicing out each (8 KiB) line would copy the whole file.
        offset, end = len(header), len(data)
        while offset < end:
            stop = data.find(b"\n", offset)
            if stop < 0:
                break  # a torn last line: dropped, that file is parsed again
            tab1 = data.find(b"\t", offset, stop)
            tab2 = data.find(b"\t", tab1 + 1, stop) if tab1 >= 0 else -1
            tab3 = data.find(b"\t", tab2 + 1, stop) if tab2 >= 0 else -1
            if tab3 >= 0:
                try:
                    key = json.loads(data[offset:tab1])
                    digest = data[tab1 + 1 : tab2].decode("ascii")
                    mtime = data[tab2 + 1 : tab3].decode("ascii")
                except ValueError:
                    key = None
                if isinstance(key, str):
                    cache._index[key] = (digest, mtime, offset, stop + 1 - offset)
            offset = stop + 1
        cache._size = offset if data else 0
        return cache

    def _header(self) -> bytes:
        return json.dumps({"format": FORMAT, "fingerprint": self.fingerprint}).encode() + b"\n"

    def _file(self) -> int:
        if self._fd is None:
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                flags = os.O_RDWR | os.O_CREAT | (0 if self._size else os.O_TRUNC)
                self._fd = os.open(self.path, flags, 0o644)
                if self._size:
                    os.ftruncate(self._fd, self._size)  # drop a torn last line before appending
                else:
                    self._size = os.write(self._fd, self._header())
            except OSError as exc:
                self.error = f"{self.path}: {exc.strerror}"
                self._fd = os.open(self.path, os.O_RDONLY)  # still readable: use what is there
        return self._fd

    def has(self, key: str) -> bool:
        """Tell whether some parse of this key is cached."""
        return key in self._index

    def get(self, key: str, digest: str, mtime_ns: int) -> Parsed | None:
        """The cached parse of a file with this digest (and mtime, if its date is the mtime)."""
        entry = self._index.get(key)
        if entry is None or entry[0] != digest or entry[1] not in ("-", str(mtime_ns)):
            return None
        known = self._decoded.get(key)
        if known is not None and known[0] == entry[0] and known[1] == entry[1]:
            return known[2]
        try:
            parsed = decode_line(os.pread(self._file(), entry[3], entry[2]))
        except (OSError, ValueError, TypeError):
            del self._index[key]  # damaged: the file is parsed again and the entry replaced
            return None
        self._decoded[key] = (entry[0], entry[1], parsed)
        return parsed

    def add(self, key: str, line: bytes) -> Parsed:
        """Append a line made by `encode_line` (unless the cache cannot be written); decode it."""
        parsed = decode_line(line)  # what a later build reads back, exactly
        digest, mtime = (part.decode("ascii") for part in line.split(b"\t", 3)[1:3])
        try:
            fd = self._file()
            if self.error is not None:
                return parsed
            offset = self._size
            self._size += os.pwrite(fd, line, offset)
        except OSError as exc:
            self.error = f"{self.path}: {exc.strerror}"
            return parsed
        self._index[key] = (digest, mtime, offset, len(line))
        self._decoded[key] = (digest, mtime, parsed)
        return parsed

    def forget(self, key: str) -> None:
        """Drop a key whose parse cannot be cached."""
        self._index.pop(key, None)
        self._decoded.pop(key, None)

    def close(self, keep: set[str]) -> None:
        """Forget files that are gone, compact the file if it is mostly dead lines, close it."""
        for key in [k for k in self._index if k not in keep]:
            del self._index[key]
            self._decoded.pop(key, None)
        live = sum(entry[3] for entry in self._index.values())
        if self._fd is not None and self.error is None and self._size > 2 * live + (1 << 20):
            try:
                self._compact()
            except OSError as exc:
                self.error = f"{self.path}: {exc.strerror}"
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None
        try:
            st = os.stat(self.path)
            self._left = (st.st_size, st.st_mtime_ns)
        except OSError:
            self._left = None

    def _compact(self) -> None:
        assert self._fd is not None
        tmp = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
        index = {}
        with open(tmp, "wb") as out:
            at = out.write(self._header())
            for key, (digest, mtime, offset, size) in self._index.items():
                index[key] = (digest, mtime, at, size)  # where the line is in the new file
                at += out.write(os.pread(self._fd, size, offset))
        os.replace(tmp, self.path)
        self._index, self._size = index, at

    def reopen_if_changed(self) -> ArticleCache:
        """This cache if its file is as this process left it, else the file read afresh.

        A `BuildSession` keeps one cache from build to build; a `build.py build` run
        meanwhile may have appended to or compacted the file.
        """
        try:
            st = os.stat(self.path)
            now: tuple[int, int] | None = (st.st_size, st.st_mtime_ns)
        except OSError:
            now = None
        if self._fd is None and now is not None and now == self._left and self.error is None:
            return self
        return ArticleCache.open(self.path, self.fingerprint)
