"""Watching and rebuilding on real files: editor saves, renames, deletes, new folders."""

from __future__ import annotations

import os
import shutil
import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from digest.config import load_config
from digest.pipeline import BuildOptions, build
from digest.serve import WATCHDOG_REWATCH, DevServer, Outcome, ServeOptions
from digest.watch import Debouncer, Watcher, WatchTargets

pytestmark = pytest.mark.filterwarnings(f"ignore:{WATCHDOG_REWATCH}:RuntimeWarning")
FAST = 0.05  # debounce in tests: long enough to batch one save, short enough to be quick
BATCH = 0.3  # for tests that count rebuilds: a slow CI machine must not split one save


def article(title: str, day: int = 1, tags: str = "harbour", text: str = "") -> str:
    """A small valid article file."""
    body = text or f"{title} was agreed on Monday. Officials said work starts next spring."
    return textwrap.dedent(
        f"""\
        ---
        title: {title}
        date: 2024-05-{day:02d}T10:00:00Z
        source: Example News
        tags: [{tags}]
        ---
        {body}

        Residents welcomed the decision but asked for more details about the cost.
        """
    )


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """A site with two articles and a config.yaml."""
    root = tmp_path / "site"
    (root / "content" / "2024").mkdir(parents=True)
    (root / "config.yaml").write_text("title: Test digest\n", "utf-8")
    (root / "content" / "2024" / "alpha.txt").write_text(article("Alpha plan", 1), "utf-8")
    (root / "content" / "2024" / "beta.txt").write_text(article("Beta vote", 2), "utf-8")
    return root


def targets(root: Path) -> WatchTargets:
    return WatchTargets(
        folders=(root / "content", root / "templates"),
        files=(root / "config.yaml",),
        ignored=root / ".digest-serve",
    )


@pytest.fixture
def watcher(site: Path) -> Iterator[Watcher]:
    """A running watcher on the site with the short test debounce."""
    w = Watcher(targets(site), debounce=FAST)
    w.start()
    yield w
    w.stop()


def next_batch(w: Watcher, timeout: float = 10.0) -> set[Path]:
    """The next batch of changes (fails if none comes)."""
    batch = w.debouncer.wait(timeout)
    assert batch is not None, "no change seen"
    return set(batch)


# --- what counts as a change -------------------------------------------------------------

EDITOR_FILES = [
    ".alpha.txt.swp",  # vim swap
    ".alpha.txt.swx",
    "4913",  # vim's write test
    "alpha.txt~",  # backups
    "#alpha.txt#",  # emacs auto-save
    ".#alpha.txt",  # emacs lock
    "alpha.txt___jb_tmp___",  # JetBrains safe write
    "alpha.txt___jb_old___",
    ".goutputstream-X1Y2Z3",  # GNOME
    ".DS_Store",
    "alpha.txt.tmp",
    "alpha.txt.part",
]


@pytest.mark.parametrize("name", EDITOR_FILES)
def test_editor_files_are_not_changes(site: Path, name: str) -> None:
    assert not targets(site).is_relevant(site / "content" / "2024" / name)


def test_sources_config_and_templates_are_changes(site: Path) -> None:
    t = targets(site)
    assert t.is_relevant(site / "content" / "2024" / "alpha.txt")
    assert t.is_relevant(site / "content")  # the folder itself renamed or deleted
    assert t.is_relevant(site / "templates" / "static" / "site.css")
    assert t.is_relevant(site / "config.yaml")


def test_own_output_and_other_files_are_not_changes(site: Path) -> None:
    t = targets(site)
    assert not t.is_relevant(site / ".digest-serve" / "8000" / "site" / "index.html")
    assert not t.is_relevant(site / "public" / "index.html")
    assert not t.is_relevant(site / "build.py")
    assert not t.is_relevant(site / "content" / ".git" / "index")


def test_missing_folder_is_watched_through_its_parent(site: Path) -> None:
    points = targets(site).watch_points()
    assert points[site / "content"] is True
    assert points[site] is False  # for config.yaml and a templates folder made later
    assert site / "templates" not in points


# --- debouncing ----------------------------------------------------------------------------


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_debouncer_waits_for_quiet_then_hands_out_one_batch() -> None:
    clock = Clock()
    d = Debouncer(quiet=0.5, longest=5.0, clock=clock)
    assert d.due_in() is None
    d.add([Path("a")])
    clock.now += 0.4
    d.add([Path("b"), Path("a")])
    assert d.due_in() == pytest.approx(0.5)
    clock.now += 0.5
    assert d.due_in() == 0.0
    assert d.take() == (Path("a"), Path("b"))
    assert d.due_in() is None


def test_debouncer_caps_the_wait_under_constant_changes() -> None:
    clock = Clock()
    d = Debouncer(quiet=0.5, longest=2.0, clock=clock)
    for _ in range(6):
        d.add([Path("log.txt")])
        clock.now += 0.4
    assert d.due_in() == 0.0  # 2.4 s since the first change, never 0.5 s quiet


def test_closed_debouncer_releases_waiters() -> None:
    d = Debouncer(quiet=0.05)
    d.close()
    assert d.wait() is None


# --- real file systems ---------------------------------------------------------------------


def test_atomic_save_is_one_change(watcher: Watcher, site: Path) -> None:
    target = site / "content" / "2024" / "alpha.txt"
    temp = target.with_name("alpha.txt.tmp")
    temp.write_text(article("Alpha plan, revised"), "utf-8")
    os.replace(temp, target)
    assert next_batch(watcher) == {target}


def test_vim_save_is_one_change(watcher: Watcher, site: Path) -> None:
    folder = site / "content" / "2024"
    target = folder / "alpha.txt"
    (folder / "4913").write_text("", "utf-8")  # vim checks it may write here
    (folder / "4913").unlink()
    os.replace(target, folder / "alpha.txt~")  # keeps the old file as backup
    target.write_text(article("Alpha plan, vim"), "utf-8")
    (folder / "alpha.txt~").unlink()
    assert next_batch(watcher) == {target}


def test_swap_file_alone_is_no_change(watcher: Watcher, site: Path) -> None:
    folder = site / "content" / "2024"
    (folder / ".alpha.txt.swp").write_bytes(b"swap")
    (folder / "alpha.txt~").write_text("backup", "utf-8")
    assert watcher.debouncer.wait(timeout=0.5) is None
    (folder / "beta.txt").write_text(article("Beta vote, later"), "utf-8")
    assert next_batch(watcher) == {folder / "beta.txt"}


def test_rename_reports_both_names(watcher: Watcher, site: Path) -> None:
    folder = site / "content" / "2024"
    os.replace(folder / "alpha.txt", folder / "gamma.txt")
    assert next_batch(watcher) == {folder / "alpha.txt", folder / "gamma.txt"}


def test_new_folder_and_its_files_are_watched(watcher: Watcher, site: Path) -> None:
    new = site / "content" / "2025" / "june"
    new.mkdir(parents=True)
    (new / "one.txt").write_text(article("One"), "utf-8")
    assert new / "one.txt" in next_batch(watcher)
    (new / "two.txt").write_text(article("Two"), "utf-8")  # long after the folder appeared
    assert next_batch(watcher) == {new / "two.txt"}


def test_renamed_folder_is_still_watched(watcher: Watcher, site: Path) -> None:
    old, new = site / "content" / "2024", site / "content" / "archive"
    os.rename(old, new)
    assert {old, new} <= next_batch(watcher)
    (new / "delta.txt").write_text(article("Delta"), "utf-8")
    assert next_batch(watcher) == {new / "delta.txt"}


def test_folder_made_after_start_is_watched_after_refresh(watcher: Watcher, site: Path) -> None:
    static = site / "templates" / "static"
    static.mkdir(parents=True)
    assert site / "templates" in next_batch(watcher)
    assert watcher.refresh() is True
    assert watcher.watched()[site / "templates"] is True
    (static / "site.css").write_text("body{}", "utf-8")
    assert next_batch(watcher) == {static / "site.css"}


def test_replaced_content_folder_gets_a_new_watch(watcher: Watcher, site: Path) -> None:
    content = site / "content"
    shutil.rmtree(content)  # a branch switch deletes and recreates folders
    content.mkdir()
    assert content in next_batch(watcher)
    watcher.refresh()
    (content / "new.txt").write_text(article("New"), "utf-8")
    assert next_batch(watcher) == {content / "new.txt"}


def test_polling_sees_edits_and_renames(site: Path) -> None:
    w = Watcher(targets(site), debounce=FAST, poll=True, poll_interval=0.1)
    w.start()
    try:
        folder = site / "content" / "2024"
        (folder / "alpha.txt").write_text(article("Alpha plan, polled"), "utf-8")
        assert next_batch(w) == {folder / "alpha.txt"}
        os.replace(folder / "beta.txt", folder / "beta-renamed.txt")
        assert next_batch(w) == {folder / "beta.txt", folder / "beta-renamed.txt"}
        (folder / ".beta.txt.swp").write_bytes(b"swap")
        assert w.debouncer.wait(timeout=0.5) is None
    finally:
        w.stop()


# --- rebuilds through the dev server -------------------------------------------------------


def dev_server(site: Path, debounce: float = FAST) -> DevServer:
    options = ServeOptions(host="127.0.0.1", port=0, debounce=debounce, quiet=True)
    return DevServer(site / "config.yaml", options)


def builds_after(count: int, path: Path) -> Callable[[list[Outcome]], bool]:
    """Condition: a build after the first `count` was set off by `path`."""
    return lambda outcomes: any(path in o.changed for o in outcomes[count:])


def files_of(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_three_files_saved_together_rebuild_once(site: Path) -> None:
    with dev_server(site, debounce=BATCH) as server:
        folder = site / "content" / "2024"
        for name, title in (("alpha.txt", "A2"), ("beta.txt", "B2"), ("gamma.txt", "C1")):
            (folder / name).write_text(article(title), "utf-8")
        outcomes = server.wait_for(lambda o: len(o) >= 2)
        assert set(outcomes[1].changed) == {
            folder / n for n in ("alpha.txt", "beta.txt", "gamma.txt")
        }
        with pytest.raises(TimeoutError):
            server.wait_for(lambda o: len(o) > 2, timeout=3 * BATCH)


def test_swap_file_causes_no_rebuild(site: Path) -> None:
    with dev_server(site, debounce=BATCH) as server:
        folder = site / "content" / "2024"
        (folder / ".alpha.txt.swp").write_bytes(b"b0VIM 9.0")
        (folder / "4913").write_text("", "utf-8")
        with pytest.raises(TimeoutError):
            server.wait_for(lambda o: len(o) > 1, timeout=3 * BATCH)
        (folder / "alpha.txt").write_text(article("Alpha, saved"), "utf-8")
        outcomes = server.wait_for(lambda o: len(o) > 1)
        assert outcomes[1].changed == (folder / "alpha.txt",)


def test_deleted_and_renamed_articles_leave_every_page(site: Path) -> None:
    with dev_server(site) as server:
        folder = site / "content" / "2024"
        root = server.site.root if server.site else None
        assert root is not None
        assert (root / "2024/05/02/beta-vote/index.html").is_file()
        assert any(b"Alpha plan" in data for data in files_of(root).values())
        (folder / "alpha.txt").unlink()
        server.wait_for(builds_after(1, folder / "alpha.txt"))
        # renamed: a new file name and a new headline, so a new URL
        (folder / "beta-renamed.txt").write_text(article("Beta ballot", 2), "utf-8")
        (folder / "beta.txt").unlink()
        server.wait_for(builds_after(2, folder / "beta.txt"))
        served = files_of(root)
        assert not [rel for rel, data in served.items() if b"Alpha plan" in data]
        assert not [rel for rel, data in served.items() if b"Beta vote" in data]
        assert not [rel for rel, data in served.items() if b"beta-vote" in data]
        assert "2024/05/02/beta-vote/index.html" not in served
        assert "2024/05/02/beta-ballot/index.html" in served
        assert b"Beta ballot" in served["index.html"]


def test_edits_renames_and_deletes_end_equal_to_a_clean_build(site: Path, tmp_path: Path) -> None:
    folder = site / "content" / "2024"
    steps = [
        lambda: (folder / "alpha.txt").write_text(article("Alpha plan, v2", 3, "port"), "utf-8"),
        lambda: os.replace(folder / "beta.txt", folder / "beta-moved.txt"),
        lambda: (site / "content" / "2025").mkdir(),
        lambda: (site / "content" / "2025" / "new.txt").write_text(article("Newcomer", 9), "utf-8"),
        lambda: (folder / "alpha.txt").unlink(),
        lambda: os.rename(site / "content" / "2025", site / "content" / "later"),
        lambda: (site / "config.yaml").write_text("title: Renamed digest\nper_page: 1\n", "utf-8"),
    ]
    with dev_server(site) as server:
        for step in steps:
            count = len(server.outcomes)
            step()
            server.wait_for(lambda o, n=count: len(o) > n)
        # let events of the last step that came late be built too, then compare
        while True:
            count = len(server.outcomes)
            try:
                server.wait_for(lambda o, n=count: len(o) > n, timeout=5 * FAST)
            except TimeoutError:
                break
        assert all(o.report is not None for o in server.outcomes), server.outcomes
        assert server.site is not None and server.site.root is not None
        served, built = files_of(server.site.root), files_of(server.out_dir)
        config = load_config(site / "config.yaml", root=site).with_base_url(server.url)
    clean = tmp_path / "clean"
    build(config, BuildOptions(out_dir=clean))
    assert served == files_of(clean)
    assert built == served
    assert not (site / "public").exists()  # `build`'s output folder is never touched


def test_config_change_moves_the_watched_content_folder(site: Path) -> None:
    articles = site / "articles"
    articles.mkdir()
    (articles / "gamma.txt").write_text(article("Gamma pier", 4), "utf-8")
    with dev_server(site) as server:
        (site / "config.yaml").write_text("title: Test digest\ncontent_dir: articles\n", "utf-8")
        outcome = server.wait_for(builds_after(1, site / "config.yaml"))[-1]
        assert outcome.report is not None and outcome.report.articles == 1
        (articles / "delta.txt").write_text(article("Delta dock", 5), "utf-8")
        outcome = server.wait_for(builds_after(2, articles / "delta.txt"))[-1]
        assert outcome.report is not None and outcome.report.articles == 2


def test_broken_config_is_reported_then_recovers(site: Path) -> None:
    with dev_server(site) as server:
        config = site / "config.yaml"
        config.write_text("title: Test digest\nper_pag: 5\n", "utf-8")
        outcome = server.wait_for(builds_after(1, config))[-1]
        assert outcome.report is None
        assert "unknown config key `per_pag`" in outcome.problems[0].message
        config.write_text("title: Test digest\nper_page: 5\n", "utf-8")
        server.wait_for(lambda o: len(o) > 2 and o[-1].report is not None)
