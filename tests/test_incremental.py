"""Incremental builds: a rebuild always equals a clean build and rewrites only what changed."""

from __future__ import annotations

import io
import json
import os
import random
import shutil
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from digest import audit, incremental, produce, sources, touchup
from digest.article_cache import ArticleCache
from digest.cache_line import decode_line
from digest.config import load_config
from digest.errors import BuildFailed
from digest.pipeline import BuildOptions, BuildReport, build
from digest.progress import Progress
from digest.render import THEME_DIR
from digest.state import cache_dir, state_path

NOW = datetime(2024, 3, 28, 12, 0, tzinfo=UTC)
WORDS = (
    "the", "minister", "said", "talks", "on", "trade", "and", "energy", "would", "resume",
    "next", "week", "after", "a", "long", "pause", "while", "officials", "in", "the",
    "capital", "warned", "that", "prices", "could", "rise", "again", "before", "summer",
)  # fmt: skip
TAGS = ("energy", "trade", "Energy", "courts", "climate")
SOURCES = ("Reuters", "AP", "BBC News")
# Template overrides a step may write: (theme template, text the edit follows).
EDITS = {
    "template": ("article.html", "{% block main %}"),
    "macros": ("_macros.html", "{% macro when(w) %}"),
    "base": ("base.html", "<body "),
}


def sentence(rng: random.Random) -> str:
    """A sentence the splitter reads as story prose."""
    words = [rng.choice(WORDS) for _ in range(rng.randint(9, 16))]
    return " ".join(words).capitalize() + "."


class Site:
    """A small site on disk whose articles a test edits at random, seeded."""

    def __init__(self, root: Path, rng: random.Random) -> None:
        self.root = root
        self.rng = rng
        self.content = root / "content"
        self.templates = root / "templates"
        self.content.mkdir(parents=True)
        self.counter = 0
        self.now = NOW
        self.jobs = 1  # worker processes (and forked helpers) of its builds
        # Files get mtimes from this clock, a minute in the past and one second apart:
        # a file changed within the last seconds would (rightly) not be trusted unread.
        self.clock = time.time_ns() - 3600 * 10**9
        self.per_page = 3
        self.title = "Test Digest"
        self.write_config()
        for _ in range(9):
            self.add()

    def write_config(self) -> None:
        """Write config.yaml from the current settings."""
        text = (
            f"title: {self.title}\nbase_url: https://news.example.org/\n"
            f"per_page: {self.per_page}\nfeed_size: 4\n"
        )
        self.put(self.root / "config.yaml", text.encode())

    def put(self, path: Path, data: bytes) -> None:
        """Write a file and give it the next mtime of the site's clock."""
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        self.clock += 10**9
        os.utime(path, ns=(self.clock, self.clock))

    def files(self) -> list[Path]:
        """The article files, sorted."""
        return sorted(self.content.glob("*.txt"))

    def write(self, path: Path, meta: dict[str, object], paragraphs: list[str]) -> None:
        """Write an article: front-matter as JSON-style YAML, then the page text."""
        lines = ["---", *(f"{k}: {json.dumps(v)}" for k, v in meta.items()), "---"]
        self.put(path, ("\n".join(lines) + "\n" + "\n\n".join(paragraphs) + "\n").encode())

    def read(self, path: Path) -> tuple[dict[str, object], list[str]]:
        """Read back an article written by `write`."""
        head, body = path.read_text("utf-8").split("\n---\n", 1)
        meta = {}
        for line in head.splitlines()[1:]:
            key, value = line.split(": ", 1)
            meta[key] = json.loads(value)
        return meta, body.strip("\n").split("\n\n")

    def add(self) -> None:
        """A new article with 3-4 paragraphs, a date in March 2024, a source and tags."""
        rng = self.rng
        self.counter += 1
        title = " ".join(rng.choice(WORDS) for _ in range(5)).capitalize() + f" {self.counter}"
        meta = {
            "title": title,
            "date": f"2024-03-{rng.randint(1, 27):02d}T{rng.randint(0, 23):02d}:00:00+00:00",
            "source": rng.choice(SOURCES),
            "tags": rng.sample(TAGS, rng.randint(1, 2)),
        }
        paragraphs = [" ".join(sentence(rng) for _ in range(3)) for _ in range(rng.randint(3, 4))]
        self.write(self.content / f"story-{self.counter}.txt", meta, paragraphs)

    def edit(self, step: int) -> str:
        """Apply one random change; return its name."""
        rng = self.rng
        path = rng.choice(self.files())
        meta, paragraphs = self.read(path)
        change = rng.choice(
            ["body", "body", "title", "date", "tags", "rename", "delete", "add", "touch",
             "draft", "future", *EDITS, "static", "config", "unoverride"]
        )  # fmt: skip
        if change == "body":
            paragraphs[-1] += " " + sentence(rng)
        elif change == "title":
            meta["title"] = f"{meta['title']} again"
        elif change == "date":
            meta["date"] = f"2024-03-{rng.randint(1, 27):02d}T08:30:00+00:00"
        elif change == "tags":
            meta["tags"] = rng.sample(TAGS, rng.randint(1, 3))
        elif change == "rename":
            path.rename(path.with_name(f"renamed-{step}.txt"))
            return change
        elif change == "delete":
            if len(self.files()) > 4:
                path.unlink()
            return change
        elif change == "add":
            self.add()
            return change
        elif change == "touch":
            self.put(path, path.read_bytes())
            return change
        elif change == "draft":
            meta["draft"] = not meta.get("draft", False)
        elif change == "future":
            # Due two days from now: held back until the clock passes it.
            meta["date"] = (self.now + timedelta(days=2)).isoformat()
            self.now += timedelta(days=1)
        elif change in EDITS:
            # Inside a block or macro: text outside them never reaches the output.
            name, anchor = EDITS[change]
            text = (THEME_DIR / "templates" / name).read_text("utf-8")
            edited = text.replace(anchor, f"{anchor}<!-- edit {step} -->", 1)
            self.put(self.templates / name, edited.encode())
            return change
        elif change == "unoverride":
            shutil.rmtree(self.templates, ignore_errors=True)
            return change
        elif change == "static":
            self.put(self.templates / "static" / "extra.css", f"/* {step} */\n".encode())
            return change
        elif change == "config":
            self.per_page = 5 - self.per_page  # 3 <-> 2
            self.title = f"Test Digest {step}"
            self.write_config()
            return change
        self.write(path, meta, paragraphs)
        return change

    def build(self, out: Path, root: Path | None = None) -> BuildReport:
        """Build (incrementally, if state exists) with the test's clock."""
        config = load_config((root or self.root) / "config.yaml")
        return build(config, BuildOptions(out_dir=out, now=self.now, jobs=self.jobs))


def tree(folder: Path) -> dict[str, bytes]:
    """Every file below a folder with its bytes."""
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


def clean_build(site: Site, scratch: Path) -> dict[str, bytes]:
    """Build a fresh copy of the site (no state, no cache) and return its output."""
    shutil.rmtree(scratch, ignore_errors=True)
    copy = scratch / "site"
    shutil.copytree(site.root, copy, ignore=shutil.ignore_patterns(".digest-cache", "public"))
    site.build(scratch / "public", root=copy)
    return tree(scratch / "public")


def pools_for_small_sites(monkeypatch: pytest.MonkeyPatch) -> None:
    """Let builds of a test's few articles split and render in worker pools (jobs=2)."""
    monkeypatch.setattr(sources, "PARALLEL_PARSE_MIN", 2)
    monkeypatch.setattr(sources, "PARSE_CHUNK", 3)
    monkeypatch.setattr(produce, "PARALLEL_PAGES_MIN", 2)


def edit_and_compare(site: Site, scratch: Path, steps: int) -> None:
    """Edit the site at random `steps` times; after each, the rebuild equals a clean build."""
    out = site.root / "public"
    site.build(out)
    done = []
    for step in range(steps):
        done.append(site.edit(step))
        site.build(out)
        assert tree(out) == clean_build(site, scratch / "clean"), f"after {done}"
    again = site.build(out)
    assert again.written == () and again.removed == () and again.parsed == 0


@pytest.mark.parametrize("seed", [1, 2])
def test_rebuild_after_random_edits_equals_clean_build(tmp_path: Path, seed: int) -> None:
    edit_and_compare(Site(tmp_path / "site", random.Random(seed)), tmp_path, 20)


def test_random_edits_with_every_fork_and_pool_equal_clean_builds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Forked scan and output check, parse workers appending to the cache, render workers:
    # each taken on every build, however small the site.
    monkeypatch.setattr(audit, "FORK_MIN", 0)
    monkeypatch.setattr(incremental, "SCAN_FORK_MIN_BYTES", 0)
    monkeypatch.setattr(incremental, "SCAN_FORK_MIN_FOLDER_BYTES", 0)
    pools_for_small_sites(monkeypatch)
    site = Site(tmp_path / "site", random.Random(21))
    site.jobs = 2
    edit_and_compare(site, tmp_path, 12)


def test_second_build_builds_nothing(tmp_path: Path) -> None:
    site = Site(tmp_path / "site", random.Random(3))
    out = tmp_path / "public"
    first = site.build(out)
    assert first.written and first.rendered == len(first.written)
    second = site.build(out)
    assert second.written == () and second.removed == ()
    assert (second.parsed, second.rendered) == (0, 0)
    assert second.unchanged == first.files
    assert " 0 written" in second.summary() and "nothing changed" in second.summary()


def test_body_edit_rewrites_its_page_listings_and_feeds_only(tmp_path: Path) -> None:
    site = Site(tmp_path / "site", random.Random(4))
    out = tmp_path / "public"
    site.build(out)
    path = site.files()[0]
    meta, paragraphs = site.read(path)
    paragraphs[-1] += " A new closing sentence was added to the story today."
    site.write(path, meta, paragraphs)
    report = site.build(out)
    assert report.parsed == 1
    page = next(rel for rel in report.written if rel.count("/") == 4)  # yyyy/mm/dd/slug/
    others = set(report.written) - {page}
    assert others and all(
        rel.endswith("feed.xml") or "/page/" in rel or rel.count("/") < 4 for rel in others
    ), others
    holding = {rel for rel, data in tree(out).items() if b"new closing sentence" in data}
    assert holding <= set(report.written)


def test_template_change_rewrites_only_pages_using_it(tmp_path: Path) -> None:
    site = Site(tmp_path / "site", random.Random(5))
    out = tmp_path / "public"
    site.build(out)
    text = (THEME_DIR / "templates" / "tags.html").read_text("utf-8")
    edited = text.replace("{% block entries %}", "{% block entries %}<!-- local -->")
    site.put(site.templates / "tags.html", edited.encode())
    report = site.build(out)
    assert report.written == ("tags/index.html",)
    assert report.parsed == 0


def test_config_change_reaches_every_page(tmp_path: Path) -> None:
    site = Site(tmp_path / "site", random.Random(6))
    out = tmp_path / "public"
    first = site.build(out)
    site.title = "Another Name"
    site.write_config()
    report = site.build(out)
    pages = {rel for rel in tree(out) if rel.endswith(".html")}
    assert pages <= set(report.written)
    assert report.parsed == 0  # the title does not change how articles are split
    assert len(report.written) < first.files  # static files and robots.txt stay


def test_failed_build_writes_nothing_and_the_fix_builds_right(tmp_path: Path) -> None:
    site = Site(tmp_path / "site", random.Random(7))
    out = tmp_path / "site" / "public"
    site.build(out)
    before = tree(out)
    path = site.files()[1]
    meta, paragraphs = site.read(path)
    site.write(path, {**meta, "date": "not a date"}, paragraphs)
    with pytest.raises(BuildFailed):
        site.build(out)
    assert tree(out) == before
    site.write(path, meta, [*paragraphs, "A closing paragraph was added when the date was fixed."])
    site.build(out)
    assert tree(out) == clean_build(site, tmp_path / "clean")


def test_damaged_state_and_cache_mean_a_full_build(tmp_path: Path) -> None:
    site = Site(tmp_path / "site", random.Random(8))
    out = tmp_path / "public"
    first = site.build(out)
    config = load_config(site.root / "config.yaml")
    state = state_path(config.root, out.resolve())
    for damage in (b"", b"{not json", b'{"format": 1}', b"\x00\xff" * 50, b"[]"):
        state.write_bytes(damage)
        (cache_dir(config.root) / "articles.jsonl").write_bytes(damage)
        report = site.build(out)
        assert report.parsed == len(site.files())
        assert report.written == () and report.files == first.files
    assert tree(out) == clean_build(site, tmp_path / "clean")


def test_parallel_build_equals_serial_build(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pools_for_small_sites(monkeypatch)
    site = Site(tmp_path / "site", random.Random(9))
    config = load_config(site.root / "config.yaml")
    build(config, BuildOptions(out_dir=tmp_path / "parallel", now=NOW, jobs=2))
    assert tree(tmp_path / "parallel") == clean_build(site, tmp_path / "clean")


@pytest.mark.parametrize("appends", ["worker", "short write", "parent"])
def test_cache_lines_appended_by_workers_are_read_back_by_the_next_build(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, appends: str
) -> None:
    pools_for_small_sites(monkeypatch)
    if appends == "short write":  # a full disk: the worker sends the line instead
        monkeypatch.setattr(sources, "append_line", lambda fd, line: None)
    elif appends == "parent":  # the cache file cannot be opened in the worker
        monkeypatch.setattr(ArticleCache, "appending", lambda self: str(tmp_path / "nowhere"))
    site = Site(tmp_path / "site", random.Random(19))
    out = tmp_path / "public"
    config = load_config(site.root / "config.yaml")
    first = build(config, BuildOptions(out_dir=out, now=NOW, jobs=2))
    assert first.parsed == len(site.files())
    cache_file = cache_dir(site.root) / "articles.jsonl"
    lines = cache_file.read_bytes().splitlines(keepends=True)[1:]
    assert len(lines) == len(site.files())  # one whole line per article, none torn
    for line in lines:
        assert decode_line(line).article is not None
    # Without the saved index the next build reads the file itself: nothing is parsed.
    (cache_dir(site.root) / "articles.jsonl.idx").unlink()
    shutil.rmtree(out)
    again = build(config, BuildOptions(out_dir=out, now=NOW, jobs=2))
    assert again.parsed == 0
    assert tree(out) == clean_build(site, tmp_path / "clean")


def test_scheduled_article_appears_when_due_without_any_file_change(tmp_path: Path) -> None:
    site = Site(tmp_path / "site", random.Random(10))
    out = tmp_path / "site" / "public"
    path = site.files()[0]
    meta, paragraphs = site.read(path)
    site.write(path, {**meta, "date": (NOW + timedelta(hours=5)).isoformat()}, paragraphs)
    first = site.build(out)
    assert first.held_back == (path.name,)
    site.now = NOW + timedelta(hours=1)
    assert site.build(out).written == ()  # not due yet: still nothing to do
    site.now = NOW + timedelta(hours=6)
    due = site.build(out)
    assert due.held_back == () and due.articles == first.articles + 1
    assert tree(out) == clean_build(site, tmp_path / "clean")


def test_outputs_deleted_or_edited_by_hand_are_restored(tmp_path: Path) -> None:
    site = Site(tmp_path / "site", random.Random(11))
    out = tmp_path / "public"
    site.build(out)
    before = tree(out)
    (out / "index.html").unlink()
    (out / "feed.xml").write_bytes(b"edited by hand")
    report = site.build(out)
    assert sorted(report.written) == ["feed.xml", "index.html"]
    assert tree(out) == before


class Terminal(io.StringIO):
    """A stream that says it is a terminal."""

    def isatty(self) -> bool:
        return True


def test_progress_line_shows_only_on_a_terminal_after_two_seconds() -> None:
    def shown(enabled: bool, stream: io.StringIO, elapsed: float) -> str:
        progress = Progress(enabled, stream)
        progress.started -= elapsed
        progress.tick("pages", 500, 1000)
        progress.done()
        return stream.getvalue()

    text = shown(True, Terminal(), 10)
    assert "pages: 500/1,000 (" in text and text.endswith("\r\033[K")
    assert shown(True, io.StringIO(), 10) == ""  # not a terminal
    assert shown(False, Terminal(), 10) == ""  # -q
    assert shown(True, Terminal(), 0) == ""  # quick builds show none


def test_unwritable_cache_warns_and_builds_right(tmp_path: Path) -> None:
    site = Site(tmp_path / "site", random.Random(12))
    (site.root / ".digest-cache").write_text("a file where the cache folder should be")
    out = tmp_path / "public"
    report = site.build(out)
    assert {p.message for p in report.warnings} == {"cannot write the build cache"}
    assert tree(out) == clean_build(site, tmp_path / "clean")
    assert site.build(out).parsed == len(site.files())  # nothing remembered: a full build


def test_damaged_article_text_in_the_cache_costs_a_full_build(tmp_path: Path) -> None:
    site = Site(tmp_path / "site", random.Random(12))
    out = tmp_path / "public"
    site.build(out)
    config = load_config(site.root / "config.yaml")
    cache = cache_dir(config.root) / "articles.jsonl"
    lines = cache.read_bytes().split(b"\n")
    head, _tab, _text = lines[1].rpartition(b"\t")
    lines[1] = head + b"\t[damaged"  # the article itself reads fine: only its text is damaged
    cache.write_bytes(b"\n".join(lines))
    shutil.rmtree(out)  # every page is rendered again, so the damaged text is read
    report = site.build(out)
    assert report.parsed == len(site.files())
    assert tree(out) == clean_build(site, tmp_path / "clean")


def spy_touch_up(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """Record what each build's touch-up attempt returned (None: the ordinary path)."""
    seen: list[object] = []
    real = touchup.touch_up

    def spy(*args: Any) -> object:
        found = real(*args)
        seen.append(found)
        return found

    monkeypatch.setattr(touchup, "touch_up", spy)
    return seen


def test_body_edit_reads_back_only_the_articles_its_pages_show(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = Site(tmp_path / "site", random.Random(13))
    for _ in range(40):
        site.add()
    out = tmp_path / "public"
    site.build(out)
    path = site.files()[7]
    meta, paragraphs = site.read(path)
    site.write(path, meta, [*paragraphs, "A closing paragraph about the trade talks was added."])
    seen = spy_touch_up(monkeypatch)
    read: list[str] = []
    real_get = ArticleCache.get

    def get(self: ArticleCache, key: str, digest: str, mtime_ns: int) -> object:
        read.append(key)
        return real_get(self, key, digest, mtime_ns)

    monkeypatch.setattr(ArticleCache, "get", get)
    report = site.build(out)
    assert seen and seen[0] is not None, "the touch-up path was not taken"
    assert report.parsed == 1 and 0 < len(set(read)) < len(site.files()) // 2
    assert tree(out) == clean_build(site, tmp_path / "clean")


@pytest.mark.parametrize("change", ["title", "tags", "date", "draft", "add", "template"])
def test_edits_that_move_an_article_take_the_ordinary_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, change: str
) -> None:
    site = Site(tmp_path / "site", random.Random(14))
    out = tmp_path / "public"
    site.build(out)
    path = site.files()[2]
    meta, paragraphs = site.read(path)
    if change == "add":
        site.add()
    elif change == "template":
        text = (THEME_DIR / "templates" / "day.html").read_text("utf-8")
        site.put(
            site.templates / "day.html", text.replace("{% block", "{# x #}{% block", 1).encode()
        )
    else:
        edits = {
            "title": {"title": "A title of its own"},
            "tags": {"tags": ["a tag of its own"]},
            "date": {"date": "2024-03-02T08:30:00+00:00"},
            "draft": {"draft": True},
        }
        site.write(path, {**meta, **edits[change]}, [*paragraphs, "One more sentence, too."])
    seen = spy_touch_up(monkeypatch)
    site.build(out)
    assert seen == [None]
    assert tree(out) == clean_build(site, tmp_path / "clean")


def test_touch_up_keeps_warnings_exactly_as_a_clean_build_reports_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = Site(tmp_path / "site", random.Random(15))
    out = tmp_path / "public"
    warned, edited = site.files()[:2]
    meta, paragraphs = site.read(warned)
    site.write(warned, {**meta, "colour": "blue"}, paragraphs)  # an unknown key: a warning
    site.put(site.content / "notes.doc", b"not an article")
    first = site.build(out)
    assert len(first.warnings) == 2
    seen = spy_touch_up(monkeypatch)
    (site.content / "notes.doc").unlink()
    other, text = site.read(edited)
    site.write(edited, other, [*text, "Another sentence for the story."])
    report = site.build(out)
    assert seen and seen[0] is not None
    clean = tmp_path / "clean"
    clean_build(site, clean)  # a copy of the site, built without state or cache
    shutil.rmtree(clean / "site" / ".digest-cache")
    assert report.warnings == tuple(
        replace(p, path=p.path.replace(str(clean / "site"), str(site.root)))
        for p in site.build(clean / "again", root=clean / "site").warnings
    )
    # The file with the warning changes: the ordinary path, the warning goes with the fix.
    site.write(warned, meta, paragraphs)
    report = site.build(out)
    assert seen[-1] is None and report.warnings == ()
    assert tree(out) == clean_build(site, tmp_path / "clean")


@pytest.mark.parametrize("also_edit_an_article", [False, True])
def test_outputs_changed_by_hand_are_found_by_the_forked_check(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, also_edit_an_article: bool
) -> None:
    monkeypatch.setattr(audit, "FORK_MIN", 0)
    forked: list[int] = []
    real_fork = os.fork

    def fork() -> int:
        pid = real_fork()
        if pid:
            forked.append(pid)
        return pid

    monkeypatch.setattr(os, "fork", fork)
    site = Site(tmp_path / "site", random.Random(16))
    out = tmp_path / "public"
    config = load_config(site.root / "config.yaml")
    build(config, BuildOptions(out_dir=out, now=NOW, jobs=2))
    (out / "index.html").unlink()
    (out / "tags" / "energy" / "index.html").write_bytes(b"edited by hand")
    if also_edit_an_article:
        path = site.files()[0]
        meta, paragraphs = site.read(path)
        site.write(path, meta, [*paragraphs, "A sentence added to the story."])
    report = build(config, BuildOptions(out_dir=out, now=NOW, jobs=2))
    assert {"index.html", "tags/energy/index.html"} <= set(report.written)
    assert tree(out) == clean_build(site, tmp_path / "clean")
    assert forked, "the check did not run in a child"
    for pid in forked:  # every child was waited for
        with pytest.raises(ChildProcessError):
            os.waitpid(pid, os.WNOHANG)


@pytest.mark.parametrize("child_fails", [False, True])
def test_scan_in_a_forked_child_equals_the_scan_in_place(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, child_fails: bool
) -> None:
    site = Site(tmp_path / "site", random.Random(17))
    (site.content / "notes.pdf").write_bytes(b"%PDF")  # a warning the scan reports
    out = tmp_path / "public"
    config = load_config(site.root / "config.yaml")
    build(config, BuildOptions(out_dir=out, now=NOW, jobs=2))
    monkeypatch.setattr(incremental, "SCAN_FORK_MIN_BYTES", 0)
    if child_fails:
        monkeypatch.setattr(incremental.ScanInBackground, "_rows", lambda self: os._exit(3))
    background = incremental.ScanInBackground(config, state_path(site.root, out), 2)
    assert background._child is not None, "the scan did not run in a child"
    assert background.result() == incremental.scan_inputs(config)
    # A rebuild through the child after an edit still equals a clean build.
    path = site.files()[0]
    meta, paragraphs = site.read(path)
    site.write(path, meta, [*paragraphs, "A sentence added to the story."])
    report = build(config, BuildOptions(out_dir=out, now=NOW, jobs=2))
    assert report.warnings and "not an article" in report.warnings[0].message
    assert tree(out) == clean_build(site, tmp_path / "clean")


def test_clean_build_of_a_big_folder_scans_in_a_forked_child(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = Site(tmp_path / "site", random.Random(20))
    out = tmp_path / "public"
    config = load_config(site.root / "config.yaml")
    monkeypatch.setattr(incremental, "SCAN_FORK_MIN_FOLDER_BYTES", 0)  # every folder is big
    background = incremental.ScanInBackground(config, state_path(site.root, out), 2)
    assert background._child is not None, "no state, a big folder: the scan did not fork"
    assert background.result() == incremental.scan_inputs(config)
    build(config, BuildOptions(out_dir=out, now=NOW, jobs=2))
    assert tree(out) == clean_build(site, tmp_path / "clean")


def test_no_forked_scan_for_a_small_site(tmp_path: Path) -> None:
    site = Site(tmp_path / "site", random.Random(18))
    out = tmp_path / "public"
    config = load_config(site.root / "config.yaml")
    build(config, BuildOptions(out_dir=out, now=NOW, jobs=2))
    background = incremental.ScanInBackground(config, state_path(site.root, out), 2)
    assert background._child is None
    assert background.result() == incremental.scan_inputs(config)
