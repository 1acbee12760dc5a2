"""Atomic output: identical files untouched, stale ones removed, killed commits recovered."""

from __future__ import annotations

import contextlib
import json
import os
from pathlib import Path

from digest.output import list_files, recover, write_site


def test_writes_then_skips_identical_and_removes_stale(tmp_path: Path) -> None:
    out = tmp_path / "public"
    first = write_site(out, [("index.html", b"a"), ("x/index.html", b"b")])
    assert sorted(first.written) == ["index.html", "x/index.html"]
    stamp = (out / "index.html").stat().st_mtime_ns
    second = write_site(out, [("index.html", b"a"), ("y/index.html", b"c")])
    assert second.written == ("y/index.html",) and second.unchanged == 1
    assert second.removed == ("x/index.html",)
    assert (out / "index.html").stat().st_mtime_ns == stamp
    assert not (out / "x").exists()
    assert list_files(out) == {"index.html", "y/index.html"}


def test_failed_render_leaves_previous_site(tmp_path: Path) -> None:
    out = tmp_path / "public"
    write_site(out, [("index.html", b"old")])

    def files() -> object:
        yield ("index.html", b"new")
        raise RuntimeError("renderer died")

    with contextlib.suppress(RuntimeError):
        write_site(out, files())  # type: ignore[arg-type]
    assert (out / "index.html").read_bytes() == b"old"
    write_site(out, [("index.html", b"newer")])  # the next build cleans the stage up
    assert (out / "index.html").read_bytes() == b"newer"
    assert not (tmp_path / ".public.staging").exists()


def test_interrupted_commit_is_finished_by_the_next_build(tmp_path: Path) -> None:
    out = tmp_path / "public"
    write_site(out, [("a.html", b"old"), ("gone.html", b"x")])
    staging = tmp_path / ".public.staging"
    staging.mkdir()
    (staging / "a.html").write_bytes(b"new")
    (tmp_path / ".public.journal").write_text(
        json.dumps({"write": ["a.html"], "remove": ["gone.html"]})
    )
    recover(out)
    assert (out / "a.html").read_bytes() == b"new"
    assert not (out / "gone.html").exists()
    assert not staging.exists() and not (tmp_path / ".public.journal").exists()


def test_known_same_files_are_kept_unread(tmp_path: Path) -> None:
    out = tmp_path / "public"
    write_site(out, [("a.html", b"A"), ("b.html", b"B")])
    os.chmod(out / "a.html", 0o000)  # unreadable: proves it is not compared
    try:
        report = write_site(out, [("b.html", b"B2")], known_same=frozenset({"a.html"}))
    finally:
        os.chmod(out / "a.html", 0o644)
    assert report.written == ("b.html",) and report.removed == ()
    assert (out / "a.html").read_bytes() == b"A"


def test_stages_files_in_new_folders_at_any_depth(tmp_path: Path) -> None:
    # The stage remembers the folders it made (and those above them) to make the next
    # article's folder with a single mkdir: every order of paths must still work.
    files = [
        ("2024/11/04/a/index.html", b"a"), ("2024/11/04/b/index.html", b"b"),
        ("2024/11/04/index.html", b"day"), ("2024/11/03/c/index.html", b"c"),
        ("2024/index.html", b"year"), ("index.html", b"home"), ("x/y/z/deep.xml", b"z"),
        ("2024/11/03/c/d/index.html", b"d"), ("big.bin", bytes(range(256)) * 4096),
    ]  # fmt: skip
    for out in (tmp_path / "fresh", tmp_path / "existing"):
        if out.name == "existing":
            write_site(out, [("old.html", b"old")])
        write_site(out, files)
        assert list_files(out) == {path for path, _ in files}
        assert all((out / path).read_bytes() == data for path, data in files)
