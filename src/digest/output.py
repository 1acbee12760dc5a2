"""Write the site atomically: stage every changed file, then commit with renames.

A build that dies before the commit leaves the previous site untouched. The commit itself
is a list of renames recorded in a journal first; if a build is killed while committing,
the next build finishes the journal before it starts, so the site is never left half old
and half new for longer than one interrupted commit.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path


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


def write_site(
    out_dir: Path,
    files: Iterable[tuple[str, bytes]],
    known_same: frozenset[str] = frozenset(),
) -> WriteReport:
    """Make `out_dir` hold exactly `files`: write changed ones, skip identical, drop stale.

    `known_same` lists paths the caller already knows to be unchanged on disk (from build
    state); they are kept without being read or compared.
    """
    recover(out_dir)
    staging = _staging(out_dir)
    existing = list_files(out_dir)
    wanted: set[str] = set(known_same)
    to_write: list[str] = []
    unchanged = len(known_same & existing)
    for rel, data in files:
        if rel in wanted:
            raise ValueError(f"two outputs write {rel}")
        wanted.add(rel)
        target = out_dir / rel
        if rel in existing and _same(target, data):
            unchanged += 1
            continue
        staged = staging / rel
        staged.parent.mkdir(parents=True, exist_ok=True)
        staged.write_bytes(data)
        to_write.append(rel)
    stale = sorted(existing - wanted)
    if to_write or stale:
        journal = _journal(out_dir)
        tmp = journal.with_suffix(".tmp")
        tmp.write_text(json.dumps({"write": to_write, "remove": stale}), "utf-8")
        os.replace(tmp, journal)
        _apply(out_dir, staging, to_write, stale)
        journal.unlink()
    if staging.exists():
        shutil.rmtree(staging)
    return WriteReport(tuple(to_write), unchanged, tuple(stale))


def _same(path: Path, data: bytes) -> bool:
    try:
        if path.stat().st_size != len(data):
            return False
        return path.read_bytes() == data
    except OSError:
        return False


def _apply(out_dir: Path, staging: Path, write: list[str], remove: list[str]) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    for rel in write:
        staged, target = staging / rel, out_dir / rel
        if staged.exists():  # absent when a recovered journal had already moved it
            if target.is_dir():
                shutil.rmtree(target)
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(staged, target)
    for rel in remove:
        target = out_dir / rel
        if target.is_file() or target.is_symlink():
            target.unlink()
        _prune(target.parent, out_dir)


def _prune(folder: Path, top: Path) -> None:
    """Remove folders left empty by stale files, up to the output root."""
    while folder != top and folder.is_relative_to(top):
        try:
            folder.rmdir()
        except OSError:
            return
        folder = folder.parent
