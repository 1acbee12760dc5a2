"""A saved copy of the article cache's index: where each key's line is in the cache file.

Reading the index back from the cache file itself means reading the whole file (about
8 KiB per article, 80 MB for 10,000); this copy is a few hundred KiB. It is valid only for
the very file it describes: it records that file's device, inode, size and modification
time, and any difference (another build appended to or compacted the cache) means the
cache file is read as before. It is marshal data, like Python's own `__pycache__`, behind
a checksum: a torn or damaged copy is ignored, never trusted.
"""

from __future__ import annotations

import marshal
import os
import zlib
from pathlib import Path

from .state import write_atomic

MAGIC = b"digest-cache-index 1\n"
# key -> digest, mtime (or "-"), offset and size of its line, where its text starts
Entry = tuple[str, str, int, int, int]


def index_path(cache: Path) -> Path:
    """Where the index of a cache file is kept."""
    return cache.with_name(cache.name + ".idx")


def _identity(st: os.stat_result) -> list[int]:
    return [st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns]


def load_index(cache: Path, fingerprint: str, st: os.stat_result) -> dict[str, Entry] | None:
    """The saved index of the cache file with stat result `st`; None unless it is exactly that."""
    try:
        data = index_path(cache).read_bytes()
    except OSError:
        return None
    start = len(MAGIC) + 9
    payload = memoryview(data)[start:]
    if data[: len(MAGIC)] != MAGIC or data[len(MAGIC) : start] != b"%08x\n" % zlib.crc32(payload):
        return None
    try:
        saved, identity, keys, *columns = marshal.loads(payload)
        if saved != fingerprint or identity != _identity(st):
            return None
        return dict(zip(keys, zip(*columns, strict=True), strict=True))
    except (ValueError, TypeError, EOFError):
        return None


def save_index(cache: Path, fingerprint: str, st: os.stat_result, index: dict[str, Entry]) -> None:
    """Save the index of the cache file with stat result `st` (atomically)."""
    columns = [list(column) for column in zip(*index.values(), strict=True)] or [[]] * 5
    payload = marshal.dumps((fingerprint, _identity(st), list(index), *columns), 2)
    crc = b"%08x\n" % zlib.crc32(payload)
    write_atomic(index_path(cache), MAGIC + crc + payload)
