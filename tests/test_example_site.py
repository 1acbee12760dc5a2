"""The shipped example site: builds, shows each sample's gold split, every link resolves."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from digest.cli import main
from digest.config import load_config
from digest.pipeline import BuildOptions, build

from .conftest import REPO
from .htmltree import Node, parse_html

GOLD = {
    "content/2024/gzero-nato-north-korea.txt": REPO
    / "tests/data/gold/gzero-nato-north-korea.gold.json",
    "content/2024/rs-north-korea-dont-overreact.txt": REPO
    / "tests/data/gold/rs-north-korea-dont-overreact.gold.json",
}


def build_example(out: Path, base_url: str | None = None) -> Path:
    config = load_config(REPO / "config.yaml")
    if base_url is not None:
        config = config.with_base_url(base_url)
    build(config, BuildOptions(out_dir=out))
    return out


@pytest.fixture(scope="module")
def public(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_example(tmp_path_factory.mktemp("site") / "public")


def article_page(public: Path, content_rel: str) -> Node:
    """Find the page whose 'original' link or headline belongs to a content file."""
    gold = json.loads(GOLD[content_rel].read_text("utf-8"))
    for page in public.rglob("index.html"):
        tree = parse_html(page.read_text("utf-8"))
        headline = tree.find_all("h1")
        if "article-page" in tree.find("body").classes and headline[0].text() == gold["title"]:
            return tree
    raise AssertionError(f"no article page titled {gold['title']!r}")


@pytest.mark.parametrize("content_rel", sorted(GOLD))
def test_sample_page_shows_exactly_its_gold_split(public: Path, content_rel: str) -> None:
    gold = json.loads(GOLD[content_rel].read_text("utf-8"))
    page = article_page(public, content_rel)
    body = page.find("div", "story-body")
    assert [p.text() for p in body.find_all("p")] == [" ".join(p.split()) for p in gold["body"]]
    if gold["dek"]:
        assert page.find("p", "dek").text() == gold["dek"]
    figure = page.find("figure", "lead-photo").text()
    for key in ("caption", "credit", "credit_line"):
        if gold["lead_image"].get(key):
            assert gold["lead_image"][key] in figure
    teasers = page.find("aside", "teasers").find_all("li", "teaser")
    assert len(teasers) == len(gold["teasers"])
    for node, want in zip(teasers, gold["teasers"], strict=True):
        summaries = [p.text() for p in node.find_all("p", "teaser-summary")]
        assert summaries == [" ".join(s.split()) for s in want["summary"]]
        if want.get("title"):
            assert node.find("h3", "teaser-title").text() == want["title"]
        assert ("sponsored" in node.classes) == bool(want.get("sponsored"))
    shown = page.find("main").text() if page.find_all("main") else page.text()
    kept = {gold["title"], gold.get("dek"), *gold["body"], *gold["kicker"]}
    kept |= {v for v in gold["lead_image"].values()}
    for teaser in gold["teasers"]:
        kept |= {v for k, v in teaser.items() if isinstance(v, str)}
        kept |= set(teaser["summary"])
    for line in gold["boilerplate"]:
        if line not in kept:
            assert line not in shown, f"boilerplate shown: {line!r}"


def internal_links(public: Path, base: str) -> list[tuple[str, str]]:
    links = []
    for page in public.rglob("*.html"):
        for node in parse_html(page.read_text("utf-8")).iter():
            for attr in ("href", "src"):
                url = node.attrs.get(attr)
                if url is None or url.startswith(("#", "mailto:")):
                    continue
                parts = urlsplit(url)
                if parts.scheme or parts.netloc:
                    continue
                links.append((str(page.relative_to(public)), unquote(parts.path)))
    return links


@pytest.mark.parametrize("base_url", ["https://digest.example.org/", "https://x.example/news/"])
def test_every_internal_link_resolves(tmp_path: Path, base_url: str) -> None:
    public = build_example(tmp_path / "public", base_url)
    base = urlsplit(base_url).path
    links = internal_links(public, base)
    assert len(links) > 100
    broken = []
    for page, path in links:
        if path.startswith("/"):
            assert path.startswith(base), f"{page}: {path} ignores the base path {base}"
            target = public / path[len(base) :]
        else:
            target = (public / page).parent / path
        if target.is_dir():
            target = target / "index.html"
        if not target.is_file():
            broken.append(f"{page} -> {path}")
    assert not broken, broken[:10]


def test_index_exists_and_lists_every_article(public: Path) -> None:
    home = parse_html((public / "index.html").read_text("utf-8"))
    titles = {h.text() for h in home.find_all("h1") + home.find_all("h2") + home.find_all("h3")}
    for rel in GOLD:
        assert json.loads(GOLD[rel].read_text("utf-8"))["title"] in titles


def test_script_in_article_text_is_escaped(make_site: object, tmp_path: Path) -> None:
    assert callable(make_site)
    evil = "<script>alert('x')</script>"
    root = make_site(
        {
            "content/evil.txt": f"""
                ---
                title: "Headline {evil}"
                date: 2024-11-04
                source: "Evil {evil} News"
                tags: ["{evil}"]
                ---
                Headline {evil}

                Caption of the photo {evil} in the harbour, November 4, 2024.
                REUTERS/Some One

                The first paragraph of the story is long enough to count as prose {evil}
                and it ends well.

                The second paragraph also reads like a sentence from a newspaper story, with a verb.

                More from Evil News

                A teaser summary that is a full sentence {evil} about another story entirely.
                """
        }
    )
    out = tmp_path / "out"
    build(load_config(root / "config.yaml", root=root), BuildOptions(out_dir=out))
    for path in out.rglob("*"):
        if path.is_file() and path.suffix in (".html", ".xml", ".txt"):
            assert "<script>alert" not in path.read_text("utf-8"), path


def test_broken_front_matter_names_file_and_line(
    make_site: object, capsys: pytest.CaptureFixture[str]
) -> None:
    assert callable(make_site)
    root = make_site(
        {
            "content/ok.txt": "---\ntitle: Fine\ndate: 2024-11-04\n---\nA story sentence.\n",
            "content/bad.txt": "---\ntitle: Broken\ndate: 2024-11-04\ntags: [a, b\n---\nB.\n",
        }
    )
    status = main(["build", "--config", str(root / "config.yaml"), "-q"])
    err = capsys.readouterr().err
    assert status == 1
    assert f"{root / 'content' / 'bad.txt'}:5: error: invalid YAML" in err
    assert "hint:" in err
    assert not (root / "public").exists()


def test_build_output_is_deterministic(public: Path, tmp_path: Path) -> None:
    again = build_example(tmp_path / "again")
    for path in public.rglob("*"):
        if path.is_file():
            rel = path.relative_to(public)
            assert (again / rel).read_bytes() == path.read_bytes(), rel
    shutil.rmtree(again)
