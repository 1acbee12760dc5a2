"""Builds sharing a BuildSession (as in `serve`) equal clean builds and redo only what changed."""

from __future__ import annotations

import os
import random
from pathlib import Path

import pytest

from digest.config import load_config
from digest.pipeline import BuildOptions, BuildReport, build
from digest.session import BuildSession
from digest.state import load_state, state_path

from .test_incremental import Site, clean_build, tree


def stamps(root: Path) -> dict[Path, tuple[int, int]]:
    """Size and mtime of every file and folder below the site root (what a watcher sees)."""
    found = {}
    for path in root.rglob("*"):
        if ".digest-cache" not in path.parts:
            st = path.stat()
            found[path] = (st.st_size, st.st_mtime_ns) if path.is_file() else (-1, -1)
    return found


def changes(before: dict[Path, tuple[int, int]], after: dict[Path, tuple[int, int]]) -> set[Path]:
    """Paths created, deleted or modified between two looks."""
    return {p for p in before.keys() | after.keys() if before.get(p) != after.get(p)}


def session_build(site: Site, out: Path, session: BuildSession) -> BuildReport:
    """Build with the session, the test's clock and one process."""
    config = load_config(site.root / "config.yaml")
    return build(config, BuildOptions(out_dir=out, now=site.now, jobs=1), session=session)


@pytest.mark.parametrize("seed", [21, 22])
def test_session_rebuilds_after_random_edits_equal_clean_builds(tmp_path: Path, seed: int) -> None:
    site = Site(tmp_path / "site", random.Random(seed))
    out = tmp_path / "public"
    session = BuildSession()
    session_build(site, out, session)
    done = []
    for step in range(24):
        before = stamps(site.root)
        done.append(site.edit(step))
        session.note(changes(before, stamps(site.root)))
        report = session_build(site, out, session)
        assert tree(out) == clean_build(site, tmp_path / "clean"), f"after {done}"
        if done[-1] == "body":
            assert report.parsed == 1 and report.rendered < report.files / 2, report
    assert session.flush() is None
    again = site.build(out)  # the saved state serves a later command-line build
    assert again.written == () and again.removed == () and again.parsed == 0


def test_session_keeps_state_off_disk_until_flushed(tmp_path: Path) -> None:
    site = Site(tmp_path / "site", random.Random(23))
    out = tmp_path / "public"
    where = state_path(site.root.resolve(), out.resolve())
    site.build(out)
    assert load_state(where) is not None
    session = BuildSession()
    session_build(site, out, session)
    path = site.files()[0]
    meta, paragraphs = site.read(path)
    site.write(path, meta, [*paragraphs, "A paragraph added while the server was running."])
    session.note([path])
    session_build(site, out, session)
    assert not where.exists()  # it would describe an older output folder
    assert session.unsaved and session.flush() is None and not session.unsaved
    assert load_state(where) is not None
    assert site.build(out).written == ()


def test_session_sees_a_same_size_rewrite_within_one_mtime_tick(tmp_path: Path) -> None:
    site = Site(tmp_path / "site", random.Random(24))
    out = tmp_path / "public"
    path = site.files()[0]
    meta, paragraphs = site.read(path)
    paragraphs[-1] += " The first version said ten."
    site.write(path, meta, paragraphs)
    path.write_bytes(path.read_bytes())  # modified just now, as a save in the editor is
    moment = os.stat(path).st_mtime_ns
    session = BuildSession()
    session_build(site, out, session)
    text = path.read_bytes().replace(b"said ten.", b"said six.")
    path.write_bytes(text)
    os.utime(path, ns=(moment, moment))  # same size, same mtime: only the bytes differ
    session.note([path])
    session_build(site, out, session)
    assert tree(out) == clean_build(site, tmp_path / "clean")
