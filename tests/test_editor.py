"""`build.py new` and `build.py add`: article files an editor can start from, never overwritten."""

from __future__ import annotations

import contextlib
import io
import json
import shutil
import sys
from dataclasses import replace
from datetime import date
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from digest.addpage import date_in, yaml_text
from digest.article import read_article
from digest.cli import main
from digest.load import parse_source, read_source
from digest.yamlio import parse_yaml

from .conftest import REPO, SiteMaker

GOLD = REPO / "tests" / "data" / "gold"
SAMPLES = ("gzero-nato-north-korea", "rs-north-korea-dont-overreact")
CONFIG = "title: Test digest\nbase_url: https://news.example.org/\n"


def run(site: Path, *argv: str, stdin: bytes | None = None) -> tuple[int, str, str]:
    """Run the command line in-process from the site folder; return status, stdout, stderr."""
    out, err = io.StringIO(), io.StringIO()
    old_stdin = sys.stdin
    if stdin is not None:
        sys.stdin = io.TextIOWrapper(io.BytesIO(stdin), encoding="utf-8")
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            status = main([*argv, "--config", str(site / "config.yaml")])
    finally:
        sys.stdin = old_stdin
    return status, out.getvalue(), err.getvalue()


@pytest.fixture
def site(make_site: SiteMaker, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = make_site({}, config=CONFIG)
    monkeypatch.chdir(root)
    return root


def front_matter(path: Path) -> dict[str, object]:
    return dict(read_source(path).meta)


# --- new ---------------------------------------------------------------------------------


def test_new_writes_front_matter_and_prints_the_path(site: Path) -> None:
    status, out, _ = run(
        site, "new", "Iran: talks resume", "--source", "Reuters", "--tags", "iran, diplomacy",
        "--date", "2024-11-04",
    )  # fmt: skip
    assert status == 0
    assert out.strip() == "content/2024/11/iran-talks-resume.txt"
    path = site / out.strip()
    assert front_matter(path) == {
        "title": "Iran: talks resume",
        "date": "2024-11-04",
        "source": "Reuters",
        "tags": ["iran", "diplomacy"],
    }
    assert "# url: https://" in path.read_text("utf-8")


def test_new_without_date_uses_today(site: Path) -> None:
    before = date.today()
    status, out, _ = run(site, "new", "Quiet day")
    after = date.today()
    assert status == 0
    when = front_matter(site / out.strip())["date"]
    assert when in (before.isoformat(), after.isoformat())


def test_new_never_overwrites(site: Path) -> None:
    argv = ("new", "Quiet day", "--date", "2024-11-04")
    assert run(site, *argv)[0] == 0
    path = site / "content/2024/11/quiet-day.txt"
    path.write_text("---\ntitle: Quiet day\n---\nMy edits.\n", "utf-8")
    status, out, err = run(site, *argv)
    assert status == 1 and out == ""
    assert "content/2024/11/quiet-day.txt:1: error: this file already exists" in err
    assert "--slug" in err
    assert path.read_text("utf-8") == "---\ntitle: Quiet day\n---\nMy edits.\n"
    status, out, _ = run(site, *argv, "--slug", "quiet-day-2")
    assert status == 0 and out.strip() == "content/2024/11/quiet-day-2.txt"
    assert front_matter(site / out.strip())["slug"] == "quiet-day-2"


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (("new", "   "), "the title must not be empty"),
        (("new", "T", "--date", "2024-13-45"), "is not a date"),
        (("new", "T", "--slug", "Not Safe"), "not URL-safe"),
        (("new",), "required"),
    ],
)
def test_new_usage_errors_exit_2(site: Path, argv: tuple[str, ...], words: str) -> None:
    status, _, err = run(site, *argv)
    assert status == 2 and words in err
    assert not any((site / "content").iterdir())


def test_new_follows_new_article_path(
    make_site: SiteMaker, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_site(
        {}, config=CONFIG + 'new_article_path: "{source}/{year}-{month}-{day}-{slug}.md"\n'
    )
    monkeypatch.chdir(root)
    status, out, _ = run(root, "new", "Quiet day", "--source", "The Times", "--date", "2024-11-04")
    assert status == 0 and out.strip() == "content/the-times/2024-11-04-quiet-day.md"


def test_new_article_is_reported_until_filled_in(site: Path) -> None:
    _, out, _ = run(site, "new", "Quiet day", "--date", "2024-11-04")
    status, _, err = run(site, "check")
    assert status == 1
    assert f"{out.strip()}:8: error: the article still holds the instructions" in err
    status, _, err = run(site, "build", "--out", str(site / "public"))
    assert status == 1 and "still holds the instructions" in err


@given(st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=1))
def test_yaml_text_reads_back_unchanged(value: str) -> None:
    assert parse_yaml(f"title: {yaml_text(value)}").data == {"title": value}


# --- add ---------------------------------------------------------------------------------


def gold(name: str) -> dict[str, object]:
    data: dict[str, object] = json.loads((GOLD / f"{name}.gold.json").read_text("utf-8"))
    return data


def test_add_infers_title_and_source_from_more_from(site: Path) -> None:
    status, out, _ = run(site, "add", str(GOLD / "gzero-nato-north-korea.txt"))
    assert status == 0
    path = site / out.splitlines()[0]
    meta = front_matter(path)
    assert meta["title"] == gold("gzero-nato-north-korea")["title"]
    assert meta["source"] == gold("gzero-nato-north-korea")["source_hint"] == "GZERO Media"
    assert 'source:  GZERO Media (from "More from GZERO Media")' in out


def test_add_cannot_name_responsible_statecraft_without_help(site: Path) -> None:
    # Nothing in this page names the outlet (only "RS contributors" in a newsletter box),
    # so the source stays a commented hint and the preview says how to give it.
    sample = GOLD / "rs-north-korea-dont-overreact.txt"
    status, out, _ = run(site, "add", str(sample))
    assert status == 0
    meta = front_matter(site / out.splitlines()[0])
    assert meta["title"] == gold("rs-north-korea-dont-overreact")["title"]
    assert "source" not in meta
    assert 'add it with --source "Outlet name"' in out
    status, out, _ = run(site, "add", str(sample), "--source", "Responsible Statecraft")
    assert status == 1, "the same title must not overwrite the first file"
    status, out, _ = run(
        site, "add", str(sample), "--source", "Responsible Statecraft", "--slug", "rs-copy"
    )
    assert status == 0
    assert front_matter(site / out.splitlines()[0])["source"] == "Responsible Statecraft"
    status, out, _ = run(site, "add", "--help")
    assert status == 0 and 'build.py add page.txt --source "Responsible Statecraft"' in out


@pytest.mark.parametrize("name", SAMPLES)
def test_add_keeps_the_page_text_unchanged(site: Path, name: str) -> None:
    sample = (GOLD / f"{name}.txt").read_bytes()
    status, out, _ = run(site, "add", stdin=sample)
    assert status == 0
    written = parse_source(Path("a.txt"), (site / out.splitlines()[0]).read_bytes(), "a.txt")
    assert written.body.rstrip("\n") == sample.decode("utf-8").rstrip("\n")


def test_add_preview_shows_story_teasers_and_boilerplate(site: Path) -> None:
    status, out, _ = run(site, "add", str(GOLD / "rs-north-korea-dont-overreact.txt"))
    assert status == 0
    assert "  dek:     How the West chooses to respond" in out
    assert "    first: U.S. officials are now saying" in out
    assert "    last:  “I'm afraid that we've returned" in out
    assert "The Pentagon spent $4 trillion over 5 years." in out
    assert "Follow us on social (follow prompt)" in out


def test_add_reads_date_url_and_copyright(site: Path) -> None:
    page = (
        "https://www.westmere-herald.example/news/harbour-strike-ends\n\n"
        "Harbour strike ends as dockworkers accept deal\n\n"
        "Published Nov. 12, 2024, 5:52 p.m.\n\n"
        "Dockworkers at the port voted on Tuesday to accept a four-year contract, ending a "
        "strike that left container ships waiting at anchor.\n\n"
        "The deal raises wages by 16 per cent over four years and adds a retention bonus for "
        "crane operators, the union said in a statement.\n\n"
        "© 2024 Westmere Herald. All rights reserved.\n"
    )
    status, out, _ = run(site, "add", stdin=page.encode())
    assert status == 0
    assert (
        out.splitlines()[0] == "content/2024/11/harbour-strike-ends-as-dockworkers-accept-deal.txt"
    )
    meta = front_matter(site / out.splitlines()[0])
    assert meta["date"] == "2024-11-12"
    assert meta["source"] == "Westmere Herald"
    assert meta["url"] == "https://www.westmere-herald.example/news/harbour-strike-ends"


def test_add_takes_the_host_when_only_an_address_names_the_outlet(site: Path) -> None:
    page = (
        "https://www.example-news.org/a\n\n"
        "Dockworkers at the port voted on Tuesday to accept a four-year contract, ending a "
        "strike that left container ships waiting at anchor.\n"
    )
    status, _, err = run(site, "add", stdin=page.encode())
    assert status == 1 and "no headline found" in err and "--title" in err
    status, out, _ = run(site, "add", "--title", "Harbour strike ends", stdin=page.encode())
    assert status == 0
    assert front_matter(site / out.splitlines()[0])["source"] == "example-news.org"


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Published November 4, 2024", date(2024, 11, 4)),
        ("By Jane Roe | 4 Nov 2024", date(2024, 11, 4)),
        ("Updated: 2024-11-04 15:20", date(2024, 11, 4)),
        ("Monday, Sept. 30th, 2024", date(2024, 9, 30)),
        ("Posted 2024-13-45, then 1 March 2023", date(2023, 3, 1)),
        ("No date here", None),
    ],
)
def test_date_in_reads_the_usual_forms(line: str, expected: date | None) -> None:
    assert date_in(line) == expected


def test_add_ignores_dates_in_captions(site: Path) -> None:
    # The GZERO caption says "October 26, 2024": the day of the photo, not of the article.
    status, out, _ = run(site, "add", str(GOLD / "gzero-nato-north-korea.txt"))
    assert status == 0
    assert "no date in the text: today" in out
    assert front_matter(site / out.splitlines()[0])["date"] != "2024-10-26"


@pytest.mark.parametrize(
    ("stdin", "words"),
    [
        (b"", "the page text is empty"),
        (b"caf\xe9 au lait\n", "not UTF-8"),
        (b"---\ntitle: T\n---\nBody.\n", "has front-matter already"),
    ],
)
def test_add_rejects_unusable_input(site: Path, stdin: bytes, words: str) -> None:
    status, out, err = run(site, "add", "-", stdin=stdin)
    assert status == 1 and out == "" and words in err
    assert "Traceback" not in err
    assert not any((site / "content").iterdir())


def test_add_confirms_title_and_source_on_a_terminal(
    site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    answers = iter(["", "GZERO"])
    monkeypatch.setattr("builtins.input", lambda prompt: next(answers))
    monkeypatch.setattr(sys.stdin, "isatty", lambda: True)
    status, out, _ = run(site, "add", str(GOLD / "gzero-nato-north-korea.txt"))
    assert status == 0
    meta = front_matter(site / out.splitlines()[0])
    assert meta["title"] == gold("gzero-nato-north-korea")["title"]
    assert meta["source"] == "GZERO"


# --- add, then build: the same article as the hand-written example -----------------------

EXAMPLE = {
    "gzero-nato-north-korea": REPO / "content/2024/gzero-nato-north-korea.txt",
    "rs-north-korea-dont-overreact": REPO / "content/2024/rs-north-korea-dont-overreact.txt",
}


def added_argv(name: str) -> list[str]:
    """`add` options for what the page text cannot tell: the hand-written date, tags, URL.

    The source of the RS page is given too, since its text never names the outlet.
    """
    meta = read_source(EXAMPLE[name]).meta
    argv = [
        "add",
        str(GOLD / f"{name}.txt"),
        "--date",
        str(meta["date"]),
        "--url",
        str(meta["url"]),
    ]
    argv += ["--tags", ",".join(str(t) for t in meta["tags"])]  # type: ignore[attr-defined]
    if name.startswith("rs-"):
        argv += ["--source", str(meta["source"])]
    return argv


def test_added_articles_build_to_the_hand_written_pages(
    make_site: SiteMaker, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Date, tags and URL are the editor's to give (they are not in the text), so they are
    # passed as options; title, source and dek are inferred and the text is copied as is.
    # Then the two sites must be the same page for page, byte for byte.
    hand = tmp_path / "hand"
    (hand / "content" / "2024").mkdir(parents=True)
    (hand / "config.yaml").write_text(CONFIG, "utf-8")
    for path in EXAMPLE.values():
        shutil.copy(path, hand / "content" / "2024" / path.name)
    added = make_site({}, config=CONFIG)
    monkeypatch.chdir(added)
    for name in SAMPLES:
        assert run(added, *added_argv(name))[0] == 0
    for root in (hand, added):
        status, _, err = run(root, "build", "--out", str(root / "public"))
        assert status == 0, err
    pages = sorted(p.relative_to(hand / "public") for p in (hand / "public").rglob("*.html"))
    article_pages = [p for p in pages if len(p.parts) == 5]  # yyyy/mm/dd/slug/index.html
    assert len(article_pages) == 2
    for rel in pages:
        assert (added / "public" / rel).read_bytes() == (hand / "public" / rel).read_bytes(), rel


@pytest.mark.parametrize("name", SAMPLES)
def test_added_article_splits_like_the_hand_written_one(site: Path, name: str) -> None:
    # With no option but the RS source, the story, teasers and boilerplate are the same;
    # only line numbers move, since the two front-matters differ in length.
    argv = ["add", str(GOLD / f"{name}.txt")]
    if name.startswith("rs-"):
        argv += ["--source", "Responsible Statecraft"]
    status, out, _ = run(site, *argv)
    assert status == 0
    added, hand = (
        read_article(read_source(path), ZoneInfo("UTC"), 45)[0]
        for path in (site / out.splitlines()[0], EXAMPLE[name])
    )
    assert added is not None and hand is not None
    for field in ("title", "source", "dek", "kicker", "section", "lead_image", "body"):
        assert getattr(added, field) == getattr(hand, field), field
    assert [replace(t, line=0) for t in added.teasers] == [replace(t, line=0) for t in hand.teasers]
    assert [(b.text, b.reason) for b in added.boilerplate] == [
        (b.text, b.reason) for b in hand.boilerplate
    ]
