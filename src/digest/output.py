"""Write the site atomically: stage every changed file, then commit with renames.

A build that dies before the commit leaves the previous site untouched. The commit itself
is a list of renames recorded in a journal first; if a build is killed while committing,
the next build finishes the journal before it starts, so the site is never left half old
and half new for longer than one interrupted commit. Files are only ever replaced by
rename, never rewritten in place (the dev server hard-links them and relies on that).

A `Stage` can be shared by forked worker processes: each writes its own files into the
staging folder, and the parent commits the union. When the output folder does not exist
yet, the commit is one rename of the whole staging folder.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from .state import Stamp, stamp_of


@dataclass(frozen=True, slots=True)
class WriteReport:
    """What a write did to the output folder."""

    written: tuple[str, ...]
    unchanged: int
    removed: tuple[str, ...]


def _staging(out_dir: Path) -> Path:
    return out_dir.parent / f".{out_dir.name}.staging"


def _journal(out_dir: Path) -> Path:
    return out_dir.parent / f".{out_dir.name}.journal"


def recover(out_dir: Path) -> None:
    """Finish a commit that a killed build left half done, or drop an unfinished stage."""
    journal, staging = _journal(out_dir), _staging(out_dir)
    if journal.exists():
        plan = json.loads(journal.read_text("utf-8"))
        _apply(out_dir, staging, plan["write"], plan["remove"])
        journal.unlink()
    if staging.exists():
        shutil.rmtree(staging)


def is_settled(out_dir: Path) -> bool:
    """Tell whether no interrupted build left a journal or a staging folder behind."""
    return not _journal(out_dir).exists() and not _staging(out_dir).exists()


def list_files(out_dir: Path) -> set[str]:
    """Every file below the output folder, as relative posix paths."""
    if not out_dir.is_dir():
        return set()
    found = set()
    for root, _dirs, names in os.walk(out_dir):
        rel_root = Path(root).relative_to(out_dir).as_posix()
        for name in names:
            found.add(name if rel_root == "." else f"{rel_root}/{name}")
    return found


class Stage:
    """Files staged for one commit into an output folder."""

    def __init__(self, out_dir: Path) -> None:
        recover(out_dir)
        self.out_dir = out_dir
        self.staging = _staging(out_dir)
        self.fresh = not out_dir.exists()  # then the commit is a single rename
        self._dirs: set[str] = set()  # staging folders known to exist ("" is the top)
        self._prefix = os.path.join(self.staging, "")  # staged paths: prefix + relative path

    def put(self, rel: str, data: bytes, compare: bool) -> tuple[bool, Stamp]:
        """Stage a file unless `compare` finds it identical on disk; (staged?, its stamp)."""
        if compare and not self.fresh:
            try:
                target = os.path.join(self.out_dir, rel)
                stat = os.stat(target)
                if stat.st_size == len(data):
                    with open(target, "rb") as f:
                        if f.read() == data:
                            return False, stamp_of(stat)
            except OSError:
                pass  # missing or unreadable: write it
        folder = rel.rpartition("/")[0]
        if folder not in self._dirs:
            self._folder(folder)
        fd = os.open(self._prefix + rel, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        try:
            written = os.write(fd, data)  # a regular file takes it all at once, nearly always
            if written < len(data):
                _write_all(fd, data[written:])
            stat = os.fstat(fd)
        finally:
            os.close(fd)
        return True, stamp_of(stat)

    def _folder(self, folder: str) -> None:
        """Make a staging folder; its parent is usually known (one folder per article)."""
        parent = folder.rpartition("/")[0]
        path = self._prefix + folder
        if folder and parent in self._dirs:
            try:
                os.mkdir(path)
            except FileExistsError:  # another worker made it (a file there is an error)
                if not os.path.isdir(path):
                    raise
            self._dirs.add(folder)
            return
        os.makedirs(path, exist_ok=True)
        # makedirs made (or found) every folder above it too: the next article of the same
        # day then needs one mkdir, not a makedirs that checks each level again.
        while folder not in self._dirs:
            self._dirs.add(folder)
            if not folder:
                break
            folder = folder.rpartition("/")[0]

    def commit(self, written: Iterable[str], stale: Iterable[str]) -> None:
        """Move the staged files into place and delete the stale ones, journalled."""
        write, remove = sorted(written), sorted(stale)
        if self.fresh and not remove:
            self.out_dir.parent.mkdir(parents=True, exist_ok=True)
            if not self.staging.exists():
                self.staging.mkdir(parents=True)
            os.replace(self.staging, self.out_dir)
            return
        if write or remove:
            journal = _journal(self.out_dir)
            tmp = journal.with_suffix(".tmp")
            tmp.write_text(json.dumps({"write": write, "remove": remove}), "utf-8")
            os.replace(tmp, journal)
            _apply(self.out_dir, self.staging, write, remove)
            journal.unlink()
        self.discard()

    def discard(self) -> None:
        """Drop whatever was staged (after a failed build)."""
        if self.staging.exists():
            shutil.rmtree(self.staging)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def write_site(
    out_dir: Path,
    files: Iterable[tuple[str, bytes]],
    known_same: frozenset[str] = frozenset(),
) -> WriteReport:
    """Make `out_dir` hold exactly `files`: write changed ones, skip identical, drop stale.

    `known_same` lists paths the caller already knows to be unchanged on disk (from build
    state); they are kept without being read or compared.
    """
    stage = Stage(out_dir)
    existing = list_files(out_dir)
    wanted: set[str] = set(known_same)
    written: list[str] = []
    unchanged = len(known_same & existing)
    try:
        for rel, data in files:
            if rel in wanted:
                raise ValueError(f"two outputs write {rel}")
            wanted.add(rel)
            staged, _stamp = stage.put(rel, data, compare=rel in existing)
            if staged:
                written.append(rel)
            else:
                unchanged += 1
    except BaseException:
        stage.discard()
        raise
    stale = sorted(existing - wanted)
    stage.commit(written, stale)
    return WriteReport(tuple(written), unchanged, tuple(stale))


def _apply(out_dir: Path, staging: Path, write: list[str], remove: list[str]) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    # Removals first: a stale file `a/b` must go before `a/b/index.html` can be moved in.
    for rel in remove:
        target = out_dir / rel
        if target.is_file() or target.is_symlink():
            target.unlink()
        _prune(target.parent, out_dir)
    made: set[Path] = set()
    for rel in write:
        staged, target = staging / rel, out_dir / rel
        if staged.exists():  # absent when a recovered journal had already moved it
            if target.is_dir():
                shutil.rmtree(target)
            if target.parent not in made:
                target.parent.mkdir(parents=True, exist_ok=True)
                made.add(target.parent)
            os.replace(staged, target)


def _prune(folder: Path, top: Path) -> None:
    """Remove folders left empty by stale files, up to the output root."""
    while folder != top and folder.is_relative_to(top):
        try:
            folder.rmdir()
        except OSError:
            return
        folder = folder.parent
