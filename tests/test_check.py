"""`build.py check`: every config and content problem in one run, nothing written."""

from __future__ import annotations

import contextlib
import io
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from digest.article import Article, read_article
from digest.check import split_doubts
from digest.cli import main
from digest.load import parse_source
from digest.split import Teaser

from .conftest import SiteMaker

CONFIG = "title: Test digest\nbase_url: https://news.example.org/\n"
STORY = """\
Harbour strike ends after nineteen days

Dockworkers at the port voted on Tuesday to accept a four-year contract, ending a strike.

The deal raises wages by sixteen per cent over four years and adds a bonus for crane crews.

Harbour officials said the first ships would berth on Wednesday morning, weather permitting.
"""


def article(title: str, when: str, extra: str = "") -> str:
    return f"---\ntitle: {title}\ndate: {when}\n{extra}---\n{STORY}"


def run(site: Path, *argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = main([*argv, "--config", str(site / "config.yaml")])
    return status, out.getvalue(), err.getvalue()


@pytest.fixture
def site(make_site: SiteMaker, monkeypatch: pytest.MonkeyPatch) -> SiteMaker:
    """A site maker that also moves into the site, so paths print relative to it."""

    def make(files: dict[str, str | bytes], config: str = CONFIG) -> Path:
        root = make_site(files, config=config)
        monkeypatch.chdir(root)
        return root

    return make


def test_clean_site_passes(site: SiteMaker) -> None:
    root = site({"content/a.txt": article("Harbour strike ends", "2024-11-12")})
    status, out, err = run(root, "check")
    assert (status, err) == (0, "")
    assert out == "0 errors, 0 warnings in 2 files\n"


def test_all_problems_of_all_files_at_once_with_a_count(site: SiteMaker) -> None:
    root = site(
        {
            "content/a.txt": article("One", "2024-13-45", "tags: x\nsorce: Herald\n"),
            "content/b.txt": article("Two", "2024-11-12", "url: ftp://x.org/\n"),
            "content/c.txt": article("Three", "2024-11-12"),
        },
        config=CONFIG + "per_pgae: 5\n",
    )
    status, out, err = run(root, "check")
    assert status == 1
    lines = err.splitlines()
    assert lines[0] == "config.yaml:3: error: unknown config key `per_pgae`"
    assert lines[1] == "    hint: did you mean `per_page`?"
    for expected in (
        "content/a.txt:3: error: `date: 2024-13-45` is not a valid date",
        "content/a.txt:4: error: `tags` must be a list, not text",
        "content/a.txt:5: warning: unknown front-matter key `sorce`; it is kept but not used",
        "content/b.txt:4: error: `url` must be a web address starting with http:// or "
        "https://, not 'ftp://x.org/'",
    ):
        assert expected in lines
        assert lines[lines.index(expected) + 1].startswith("    hint: ")
    assert out == "4 errors, 1 warning in 4 files\n"


def test_build_stops_at_the_config_but_check_goes_on(site: SiteMaker) -> None:
    root = site({"content/a.txt": article("One", "2024-13-45")}, config=CONFIG + "titel: x\n")
    status, _, err = run(root, "build", "--out", str(root / "public"))
    assert status == 1 and "titel" in err and "2024-13-45" not in err
    status, _, err = run(root, "check")
    assert status == 1 and "titel" in err and "2024-13-45" in err


def test_unreadable_config_stops_before_the_content(site: SiteMaker) -> None:
    root = site({"content/a.txt": article("One", "2024-13-45")}, config="title: [x\n")
    status, out, err = run(root, "check")
    assert status == 1
    assert err.startswith("config.yaml:2: error: invalid YAML in the config file")
    assert "2024-13-45" not in err
    assert "the articles were not checked: fix the config file first" in out


def test_check_writes_nothing(site: SiteMaker) -> None:
    root = site({"content/a.txt": article("One", "2024-11-12")})
    before = {p: p.read_bytes() for p in root.rglob("*") if p.is_file()}
    assert run(root, "check")[0] == 0
    after = {p: p.read_bytes() for p in root.rglob("*") if p.is_file()}
    assert after == before


def test_strict_turns_warnings_into_errors(site: SiteMaker) -> None:
    root = site({"content/a.txt": article("One", "2024-11-12", "sorce: x\n")})
    assert run(root, "check")[0] == 0
    status, out, err = run(root, "check", "--strict")
    assert status == 1
    assert "content/a.txt:4: error: unknown front-matter key `sorce`" in err
    assert out.startswith("1 error, 0 warnings")


def test_same_title_on_two_days_is_a_warning(site: SiteMaker) -> None:
    root = site(
        {
            "content/a.txt": article("Harbour strike ends", "2024-11-12"),
            "content/b.txt": article("Harbour Strike Ends", "2024-11-13"),
        }
    )
    status, _, err = run(root, "check")
    assert status == 0
    assert "content/b.txt:2: warning: the title is the same as in content/a.txt" in err


def test_same_title_and_day_is_the_builds_duplicate_slug_error(site: SiteMaker) -> None:
    root = site(
        {
            "content/a.txt": article("Harbour strike ends", "2024-11-12"),
            "content/b.txt": article("Harbour strike ends", "2024-11-12"),
        }
    )
    status, _, err = run(root, "check")
    assert status == 1
    assert (
        "content/b.txt:2: error: duplicate slug: /2024/11/12/harbour-strike-ends/ is already "
        "the page of content/a.txt"
    ) in err
    assert "the title is the same" not in err


DRAFT_AND_SCHEDULED = {
    "content/now.txt": article("Published today", "2024-11-12"),
    "content/draft.txt": article("Not ready", "2024-11-12", "draft: true\n"),
    "content/later.txt": article("Coming soon", "2999-01-01"),
}


def test_check_lists_drafts_and_scheduled_articles(site: SiteMaker) -> None:
    root = site(DRAFT_AND_SCHEDULED)
    status, out, err = run(root, "check")
    assert status == 0
    assert "content/draft.txt:1: info: draft: left out of the site (`draft: true`)" in err
    assert "content/later.txt:1: info: scheduled for 2999-01-01 00:00: left out" in err
    assert out == "0 errors, 0 warnings, 2 notes in 4 files\n"
    status, _, err = run(root, "check", "--drafts", "--future", "--strict")
    assert status == 0, "notes are not warnings: --strict leaves them alone"
    assert "draft: published in this run because of --drafts" in err
    assert "published in this run because of --future" in err


def article_pages(public: Path) -> set[str]:
    return {p.parent.name for p in public.glob("*/*/*/*/index.html")}


def test_build_leaves_drafts_and_scheduled_out_unless_asked(site: SiteMaker) -> None:
    root = site(DRAFT_AND_SCHEDULED)
    public = root / "public"
    assert run(root, "build", "--out", str(public))[0] == 0
    assert article_pages(public) == {"published-today"}
    assert run(root, "build", "--out", str(public), "--drafts")[0] == 0
    assert article_pages(public) == {"published-today", "not-ready"}
    assert run(root, "build", "--out", str(public), "--drafts", "--future")[0] == 0
    assert article_pages(public) == {"published-today", "not-ready", "coming-soon"}


def test_draft_that_will_take_a_published_address_is_a_warning(site: SiteMaker) -> None:
    root = site(
        {
            "content/a.txt": article("Harbour strike ends", "2024-11-12"),
            "content/b.txt": article("Harbour strike ends", "2024-11-12", "draft: true\n"),
        }
    )
    status, _, err = run(root, "check")
    assert status == 0
    assert (
        "content/b.txt:2: warning: once published, this article gets the address "
        "/2024/11/12/harbour-strike-ends/, which content/a.txt has already"
    ) in err


# --- teasers that look like part of the story -----------------------------------------------


def split_article(text: str) -> Article:
    doc = parse_source(Path("content/a.txt"), text.encode(), "a.txt")
    found, problems = read_article(doc, ZoneInfo("UTC"), 45)
    assert found is not None, problems
    return found


def test_teaser_in_lower_case_after_the_story_is_doubted() -> None:
    found = split_article(article("Harbour strike ends", "2024-11-12"))
    teaser = Teaser(line=20, summary=("and the union said more talks would follow next year.",))
    doubts = split_doubts(found.with_text(teasers=(teaser,)))
    assert [(p.line, p.severity) for p in doubts] == [(20, "warning")]
    assert "reads like the rest of the story" in doubts[0].message


def test_story_cut_mid_sentence_before_a_teaser_is_doubted() -> None:
    found = split_article(article("Harbour strike ends", "2024-11-12"))
    cut = (*found.body[:-1], "Harbour officials said the first ships would berth on")
    teaser = Teaser(line=20, summary=("Wednesday morning, weather permitting.",))
    doubts = split_doubts(found.with_text(body=cut, teasers=(teaser,)))
    assert ["mid-sentence" in p.message for p in doubts] == [True]


def test_short_story_with_long_teasers_is_doubted() -> None:
    found = split_article(article("Harbour strike ends", "2024-11-12"))
    long = ("Word " * 200).strip() + "."
    teaser = Teaser(line=20, title="Another story", summary=(long,))
    doubts = split_doubts(found.with_text(teasers=(teaser,)))
    assert len(doubts) == 1 and "only" in doubts[0].message and "200" in doubts[0].message


def test_a_normal_teaser_raises_no_doubt() -> None:
    found = split_article(article("Harbour strike ends", "2024-11-12"))
    teaser = Teaser(line=20, title="Another story", summary=("Ferries run late again.",))
    assert split_doubts(found.with_text(teasers=(teaser,))) == []


# --- no traceback, whatever the bytes ------------------------------------------------------


@pytest.fixture(scope="module")
def fuzz_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One folder for all examples (hypothesis runs many examples per test call)."""
    return tmp_path_factory.mktemp("fuzz")


def fuzz_site(base: Path, name: str, config: bytes, article_bytes: bytes) -> Path:
    root = base / name
    (root / "content").mkdir(parents=True, exist_ok=True)
    (root / "config.yaml").write_bytes(config)
    (root / "content" / "a.txt").write_bytes(article_bytes)
    return root


def assert_clear_failure(root: Path, *argv: str) -> None:
    status, _, err = run(root, *argv)
    assert status in (0, 1)
    if status == 1:
        assert ": error: " in err or err.startswith("error: "), err


YAMLISH = st.lists(
    st.sampled_from(["---\n", "title: ", "date: ", "tags: ", "[", "]", "\n", ": ", "- ", "\t",
                     "!!int ", "&a ", "*a", '"', "'", "2024-13-45", "\xff", "\x00", "é", "#"]),
    max_size=30,
).map(lambda parts: "".join(parts).encode("utf-8", "surrogateescape"))  # fmt: skip


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(content=st.one_of(st.binary(max_size=300), YAMLISH))
def test_any_bytes_as_an_article_give_a_message(fuzz_root: Path, content: bytes) -> None:
    root = fuzz_site(fuzz_root, "article", CONFIG.encode(), content)
    assert_clear_failure(root, "check")
    assert_clear_failure(root, "build", "--out", str(root / "public"))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(config=st.one_of(st.binary(max_size=300), YAMLISH))
def test_any_bytes_as_config_give_a_message(fuzz_root: Path, config: bytes) -> None:
    root = fuzz_site(fuzz_root, "config", config, article("One", "2024-11-12").encode())
    assert_clear_failure(root, "check")
