"""A cache of parsed and split articles, so that a build splits only the files that changed.

One JSON Lines file, `.digest-cache/articles.jsonl`. The first line names the format and a
fingerprint of everything parsing depends on besides the file itself (digest's code, time
zone, summary length, content folder); a file with another fingerprint is started afresh.
Every other line is one parse of one article file:

    <key as JSON> TAB <sha1 of the file> TAB <mtime_ns or -> TAB <JSON: problems, article
    without its text> TAB <JSON: the article's text (story, teasers, boilerplate)>

New parses are appended as they are made (by the parsing workers themselves, each through
its own O_APPEND descriptor, so that lines never interleave), so neither a clean build nor
a rebuild holds the file in memory; a later line for the same key wins, and the file is
compacted when dead lines outweigh live ones. Lines are read back (by offset) only when
asked for, and only up to the text: an article's text stays in the file (`CachedText`)
until its page is rendered, so a site of 10,000 articles holds only their titles, dates
and summaries in memory. The mtime is recorded only for an article dated by its file's
modification time: touching it matters.

Articles are stored field by field in declaration order, converted by their type hints
(`cache_codec.py`: tuples, optional values, nested dataclasses, time-zone aware
datetimes); a value with no exact JSON form (say, a YAML set in an unknown front-matter
key) makes the article uncacheable, and it is simply parsed on every build. A damaged
line costs one re-parse; a text found damaged only when its page is rendered
(`CacheDamaged`) costs a full rebuild.
"""

from __future__ import annotations

import json
import os
import weakref
from dataclasses import dataclass
from pathlib import Path

from .article import ArticleText, StoredText
from .cache_index import load_index, save_index
from .cache_line import Parsed, append_line, decode_head, decode_line, decode_text, line_fields
from .errors import ContentError

FORMAT = 2  # 2: each line's text after a fifth field, read only when needed
FILE_NAME = "articles.jsonl"


class _Reader:
    """A read-only handle on one cache file: this file, even after a compaction replaced it."""

    __slots__ = ("__weakref__", "fd", "path")

    def __init__(self, path: Path, fd: int) -> None:
        self.path = path
        self.fd = fd
        weakref.finalize(self, os.close, fd)


@dataclass(frozen=True, slots=True)
class CachedText(StoredText):
    """The text of an article at a known place in the cache file."""

    reader: _Reader
    key: str
    offset: int
    size: int

    def load(self) -> ArticleText:
        """Read and decode the text (the last one read is kept: a page asks for it often)."""
        if _LAST_READ and _LAST_READ[0][0] is self:
            return _LAST_READ[0][1]
        try:
            text = decode_text(os.pread(self.reader.fd, self.size, self.offset))
        except (OSError, ValueError, TypeError) as exc:
            raise CacheDamaged(
                str(self.reader.path),
                1,
                f"cannot read the text of {self.key} back from the build cache ({exc})",
                "the cache is rebuilt automatically; if this repeats, delete the folder",
            ) from None
        _LAST_READ[:] = [(self, text)]
        return text


_LAST_READ: list[tuple[CachedText, ArticleText]] = []  # the last text read


class CacheDamaged(ContentError):
    """The article cache no longer holds a text it listed: the build starts afresh."""


class ArticleCache:
    """Parsed articles by key for one fingerprint, in an append-only file read by offset.

    A parse handed out holds its article's text as a `CachedText`: a place in the file,
    read when the article's page is rendered.
    """

    def __init__(self, path: Path, fingerprint: str) -> None:
        self.path = path
        self.fingerprint = fingerprint
        # key -> digest, mtime, offset and size of its line, where the line's text starts
        self._index: dict[str, tuple[str, str, int, int, int]] = {}
        self._size = 0  # bytes in the file
        self._fd: int | None = None
        self._reader: _Reader | None = None  # reads the file the index describes
        self.error: str | None = None  # why the cache could not be written (a read-only site)
        # Parses already decoded, by key with the digest and mtime of their line: a cache
        # kept by a `BuildSession` hands them out again without reading the file.
        self._decoded: dict[str, tuple[str, str, Parsed]] = {}
        self._left: tuple[int, int] | None = None  # size and mtime of the file once closed
        # The index differs from its saved copy (`cache_index.py`): save it on closing.
        self._index_changed = False
        self._compacted: os.stat_result | None = None  # the file a compaction wrote

    @classmethod
    def open(cls, path: Path, fingerprint: str) -> ArticleCache:
        """Open the cache file; a missing, damaged or foreign one is started afresh."""
        cache = cls(path, fingerprint)
        try:
            fd = os.open(path, os.O_RDONLY)
        except OSError:
            return cache
        reader = _Reader(path, fd)
        header = cache._header()
        try:
            if os.pread(fd, len(header), 0) == header:
                st = os.fstat(fd)
                saved = load_index(path, fingerprint, st)
                if saved is not None:
                    cache._index, cache._size = saved, st.st_size
                else:
                    cache._size = cache._read_index(fd, len(header))
                    cache._index_changed = True
                cache._reader = reader
        except OSError:
            cache._index.clear()
        return cache

    def _read_index(self, fd: int, start: int) -> int:
        """Index the lines from `start` on, a block at a time; return where the last one ends."""
        block = 1 << 20  # the file is ~8 KiB per article: never hold all of it
        data, base = b"", start  # `data` holds the file from offset `base`
        while chunk := os.pread(fd, block, base + len(data)):
            data += chunk
            offset = 0
            while (stop := data.find(b"\n", offset)) >= 0:
                self._index_line(data, offset, stop, base)
                offset = stop + 1
            data, base = data[offset:], base + offset
        return base  # a torn last line is dropped: that file is parsed again

    def _index_line(self, data: bytes, offset: int, stop: int, base: int) -> None:
        fields = line_fields(data, offset, stop)
        if fields is not None:
            key, digest, mtime, text_at = fields
            self._index[key] = (digest, mtime, base + offset, stop + 1 - offset, text_at)

    def _header(self) -> bytes:
        return json.dumps({"format": FORMAT, "fingerprint": self.fingerprint}).encode() + b"\n"

    def _file(self) -> int:
        if self._fd is None:
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                if not self._size:
                    # A new file, not this one emptied: texts handed out earlier, of this or
                    # another process, keep reading the old file.
                    tmp = self.path.with_name(f".{self.path.name}.{os.getpid()}.new")
                    tmp.write_bytes(self._header())
                    os.replace(tmp, self.path)
                    self._reader, self._size = None, len(self._header())
                # O_APPEND: workers append to the same file (`append_line`) meanwhile.
                self._fd = os.open(self.path, os.O_RDWR | os.O_APPEND)
                os.ftruncate(self._fd, self._size)  # drop a torn last line before appending
            except OSError as exc:
                self.error = f"{self.path}: {exc.strerror}"
                self._fd = os.open(self.path, os.O_RDONLY)  # still readable: use what is there
            if self._reader is None:
                self._reader = _Reader(self.path, os.dup(self._fd))
        return self._fd

    def holds(self, key: str, digest: str, mtime_ns: int) -> bool:
        """Tell whether `get` would find this parse (unless its line turns out damaged)."""
        entry = self._index.get(key)
        return entry is not None and entry[0] == digest and entry[1] in ("-", str(mtime_ns))

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
        _digest, mtime, offset, size, text_at = entry
        try:
            if self._reader is None:  # a new file: open it (for writing too) to read it
                self._file()
            reader = self._reader
            assert reader is not None
            head = os.pread(reader.fd, text_at - 1, offset)
            place = CachedText(reader, key, offset + text_at, size - text_at - 1)
            parsed = decode_head(head, lambda: place)
        except (OSError, ValueError, TypeError):
            del self._index[key]  # damaged: the file is parsed again and the entry replaced
            self._index_changed = True
            return None
        self._decoded[key] = (digest, mtime, parsed)
        return parsed

    def add(self, key: str, line: bytes) -> Parsed:
        """Append a line made by `encode_line` (unless the cache cannot be written); decode it."""
        fields = line_fields(line, 0, len(line))
        assert fields is not None, "a line made by encode_line"
        _key, digest, mtime, text_at = fields
        try:
            fd = self._file()
            if self.error is not None:
                return decode_line(line)
            offset = append_line(fd, line)
        except OSError as exc:
            self.error = f"{self.path}: {exc.strerror}"
            return decode_line(line)
        if offset is None:
            self.error = f"{self.path}: the disk is full"
            return decode_line(line)
        return self._place(key, digest, mtime, offset, len(line), line[:text_at])

    def appending(self) -> str | None:
        """Ready the file for workers' `append_line`s (`adopt` them); its path, or None."""
        try:
            self._file()
        except OSError as exc:
            self.error = f"{self.path}: {exc.strerror}"
        return None if self.error is not None else str(self.path)

    def adopt(self, key: str, offset: int, size: int, head: bytes) -> Parsed:
        """Take in a line a worker appended: `size` bytes at `offset`, `head` its start."""
        fields = line_fields(head, 0, len(head))
        if fields is None or fields[0] != key:
            raise ValueError(f"not the head of a cache line for {key}")
        _key, digest, mtime, _text_at = fields
        return self._place(key, digest, mtime, offset, size, head)

    def _place(
        self, key: str, digest: str, mtime: str, offset: int, size: int, head: bytes
    ) -> Parsed:
        """Index a line appended at `offset`; decode its head as a later build would."""
        text_at = len(head)
        reader = self._reader
        assert reader is not None
        place = CachedText(reader, key, offset + text_at, size - text_at - 1)
        parsed = decode_head(head[: text_at - 1], lambda: place)
        self._index[key] = (digest, mtime, offset, size, text_at)
        self._decoded[key] = (digest, mtime, parsed)
        self._index_changed = True
        self._size = max(self._size, offset + size)  # the file's end, as far as we know
        return parsed

    def forget(self, key: str) -> None:
        """Drop a key whose parse cannot be cached."""
        if self._index.pop(key, None) is not None:
            self._index_changed = True
        self._decoded.pop(key, None)

    def close(self, keep: set[str]) -> None:
        """Forget files that are gone, compact the file if it is mostly dead lines, close it."""
        for key in [k for k in self._index if k not in keep]:
            del self._index[key]
            self._decoded.pop(key, None)
            self._index_changed = True
        live = sum(entry[3] for entry in self._index.values())
        if self._fd is not None and self.error is None and self._size > 2 * live + (1 << 20):
            try:
                self._compact()
            except OSError as exc:
                self.error = f"{self.path}: {exc.strerror}"
        # The file the index describes: the one compacted, appended to or read.
        described, self._compacted = self._compacted, None
        save = self._index_changed and self.error is None
        if save and described is None:
            fd = (
                self._fd
                if self._fd is not None
                else None
                if self._reader is None
                else self._reader.fd
            )
            described = None if fd is None else os.fstat(fd)
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None
        if save and described is not None:
            self._save_index(described)
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
            for key, (digest, mtime, offset, size, text_at) in self._index.items():
                index[key] = (digest, mtime, at, size, text_at)  # its place in the new file
                at += out.write(os.pread(self._fd, size, offset))
            out.flush()
            compacted = os.fstat(out.fileno())
        os.replace(tmp, self.path)
        self._compacted = compacted
        # Texts handed out keep reading the old file (through their reader); new ones the new.
        self._index, self._size, self._reader = index, at, None

    def _save_index(self, described: os.stat_result) -> None:
        """Save the index for the next build, if it still describes the file (see cache_index)."""
        if described.st_size != self._size:
            return  # another build appended meanwhile: it is read from the file next time
        try:
            save_index(self.path, self.fingerprint, described, self._index)
            self._index_changed = False
        except OSError:
            pass  # only costs the next build a read of the cache file

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
