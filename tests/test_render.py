"""Render stage: page kinds, links under a base path, pagination, escaping, theme overrides."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from digest.article import Article, ArticleText
from digest.config import Config
from digest.errors import ContentError
from digest.model import Site, build_site
from digest.render import THEME_DIR, make_environment, render_site, static_files
from digest.split import Image, Teaser

EVIL = "<script>alert(1)</script>"
START = datetime(2024, 11, 4, 9, 30, tzinfo=UTC)


def make_article(title: str, hours_ago: int = 0, **fields: Any) -> Article:
    """Make a checked Article as article.py would, with only the fields a test cares about."""
    slug = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")
    values: dict[str, Any] = {
        "key": f"{slug}.txt", "path": f"content/{slug}.txt", "line": 1, "digest": slug,
        "title": title, "slug": slug, "date": START - timedelta(hours=hours_ago),
        "source": "Example News", "url": None, "tags": (), "author": None, "draft": False,
        "kicker": (), "dek": None, "section": None, "lead_image": None,
        "body": (f"First paragraph of {title}.", "Second paragraph."), "body_html": None,
        "teasers": (), "more_from": None, "boilerplate": (), "summary": f"About {title}.",
        "words": 12,
    }  # fmt: skip
    values.update(fields)
    parts = ("body", "body_html", "teasers", "boilerplate", "lead_image")
    text = ArticleText(*(values.pop(k) for k in parts))
    return Article(**values, content=text)


def make_config(tmp_path: Path, base_url: str = "https://example.org/", **values: Any) -> Config:
    """A Config with absolute folders under tmp_path."""
    return Config(
        root=tmp_path,
        path=None,
        base_url=base_url,
        content_dir=tmp_path / "content",
        output_dir=tmp_path / "public",
        templates_dir=tmp_path / "templates",
        **values,
    )


def make_site(config: Config, articles: list[Article]) -> Site:
    """Build the model and insist it found no problems."""
    site, problems = build_site(config, articles)
    assert problems == []
    return site


def render(config: Config, articles: list[Article]) -> dict[str, bytes]:
    """Render a site into {output path: bytes}, failing on duplicate paths."""
    files: dict[str, bytes] = {}
    for output in render_site(make_site(config, articles), make_environment(config)):
        assert output.path not in files, f"{output.path} rendered twice"
        files[output.path] = output.data
    return files


def sample_articles() -> list[Article]:
    """Five articles over three days, two sources, shared tags, one with teasers."""
    teasers = (
        Teaser(line=20, label="Analysis", title="Teaser one", section="World",
               summary=("A teaser summary.",), image=Image("A caption", "Photo Agency")),
        Teaser(line=24, title="Buy this", summary=("Advertiser text.",), sponsored=True),
    )  # fmt: skip
    return [
        make_article("Alpha rises", 0, tags=("Europe", "Economy"), teasers=teasers,
                     more_from="Example News", url="https://news.example.com/alpha",
                     author="Ann Writer", kicker=("Breaking",), dek="Alpha dek.",
                     section="Business",
                     lead_image=Image(caption="Lead caption.", credit="Agency/Photographer")),
        make_article("Beta falls", 3, tags=("Europe",), source="Other Wire"),
        make_article("Gamma waits", 26, tags=("Economy",)),
        make_article("Delta speaks", 30, source="Other Wire"),
        make_article("Epsilon ends", 60, tags=("Europe",)),
    ]  # fmt: skip


class LinkParser(HTMLParser):
    """Collect href and src attribute values."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        """Record link-like attributes."""
        self.links.extend(v for k, v in attrs if k in ("href", "src") and v is not None)


def links_of(data: bytes) -> list[str]:
    """All href/src values of one HTML file."""
    parser = LinkParser()
    parser.feed(data.decode("utf-8"))
    return parser.links


def test_every_page_kind_is_rendered(tmp_path: Path) -> None:
    files = render(make_config(tmp_path, per_page=2), sample_articles())
    expected = {
        "2024/11/04/alpha-rises/index.html",
        "index.html", "page/2/index.html", "page/3/index.html",
        "sources/index.html", "sources/example-news/index.html",
        "sources/example-news/page/2/index.html", "sources/other-wire/index.html",
        "tags/index.html", "tags/europe/index.html", "tags/economy/index.html",
        "archive/index.html", "2024/11/04/index.html", "2024/11/03/index.html",
        "404.html", "feed.xml", "sources/other-wire/feed.xml", "tags/europe/feed.xml",
        "sitemap.xml", "robots.txt",
    }  # fmt: skip
    assert expected <= files.keys()
    assert "page/4/index.html" not in files
    articles = [p for p in files if re.fullmatch(r"\d{4}/\d\d/\d\d/[^/]+/index\.html", p)]
    assert len(articles) == 5


@pytest.mark.parametrize("base_url", ["https://example.org/", "https://example.org/news/"])
def test_internal_links_resolve_to_rendered_files(tmp_path: Path, base_url: str) -> None:
    config = make_config(tmp_path, base_url, per_page=2)
    files = render(config, sample_articles())
    produced = set(files) | {rel for rel, _ in static_files(config)}
    base = config.base_path
    checked = 0
    for path, data in files.items():
        if not path.endswith(".html"):
            continue
        for link in links_of(data):
            if link.startswith("#"):
                assert f'id="{link[1:]}"' in data.decode(), f"{path}: no target for {link}"
                continue
            if link.startswith(base_url):
                link = base + link[len(base_url) :]
            elif link.startswith(("http://", "https://")):
                continue  # an article's original: external on purpose
            assert link.startswith(base), f"{path}: {link} misses the base path {base}"
            target = link[len(base) :].split("#")[0]
            target = target + "index.html" if target.endswith("/") or not target else target
            assert target in produced, f"{path} links to {link}, which was not rendered"
            checked += 1
    assert checked > 100


def test_home_pages_link_each_other(tmp_path: Path) -> None:
    files = render(
        make_config(tmp_path, "https://example.org/news/", per_page=2), sample_articles()
    )
    first, second, third = (files[p].decode() for p in
                            ("index.html", "page/2/index.html", "page/3/index.html"))  # fmt: skip
    assert 'href="/news/page/2/" rel="next"' in first
    assert 'href="/news/" rel="prev"' in second and 'href="/news/page/3/" rel="next"' in second
    assert 'rel="next"' not in third.split('class="pager"')[1]
    assert 'aria-current="page" aria-label="Page 2"' in second


def test_home_groups_newest_first_under_day_headings(tmp_path: Path) -> None:
    home = render(make_config(tmp_path), sample_articles())["index.html"].decode()
    titles = re.findall(r'class="item-title"><a href="[^"]+">([^<]+)<', home)
    assert titles == ["Alpha rises", "Beta falls", "Gamma waits", "Delta speaks", "Epsilon ends"]
    headings = re.findall(
        r'<time datetime="(\d{4}-\d\d-\d\d)">(\w+day, [^<]+)</time></a></h2>', home
    )
    assert headings == [("2024-11-04", "Monday, 4 November 2024"),
                        ("2024-11-03", "Sunday, 3 November 2024"),
                        ("2024-11-01", "Friday, 1 November 2024")]  # fmt: skip
    assert home.index("Beta falls") < home.index("Sunday, 3 November")


def test_article_page_shows_story_sidebar_and_neighbours(tmp_path: Path) -> None:
    files = render(make_config(tmp_path), sample_articles())
    page = files["2024/11/04/alpha-rises/index.html"].decode()
    assert '<h1 id="headline">Alpha rises</h1>' in page
    assert '<p class="dek">Alpha dek.</p>' in page
    assert "Lead caption." in page and "Agency/Photographer" in page
    assert "<p>First paragraph of Alpha rises.</p>" in page
    assert '<a href="https://news.example.com/alpha" rel="noopener nofollow">' in page
    assert '<time datetime="2024-11-04T09:30:00+00:00">4 November 2024, 09:30</time>' in page
    assert '<a class="source" href="/sources/example-news/">Example News</a>' in page
    assert '<a href="/tags/economy/" rel="tag">Economy</a>' in page
    aside = page.split("<aside", 1)[1].split("</aside>")[0]
    assert "More from Example News" in aside
    assert "Teaser one" in aside and "Photo Agency" in aside
    assert '<li class="teaser sponsored">' in aside and "Sponsored" in aside
    assert 'rel="next"><span>Older</span>Beta falls</a>' in page
    assert 'rel="prev"' not in page.split('class="prev-next"')[1]
    assert (
        '"@type":"NewsArticle"' in page
        and '"author":[{"@type":"Person","name":"Ann Writer"}]' in page
    )


def test_index_pages_count_articles(tmp_path: Path) -> None:
    files = render(make_config(tmp_path), sample_articles())
    sources = files["sources/index.html"].decode()
    assert (
        '<a href="/sources/example-news/">Example News</a> <span class="count">3</span>' in sources
    )
    assert '<a href="/sources/other-wire/">Other Wire</a> <span class="count">2</span>' in sources
    tags = files["tags/index.html"].decode()
    assert 'class="w5"><a href="/tags/europe/" rel="tag">Europe</a> <span class="count">3</' in tags
    archive = files["archive/index.html"].decode()
    assert "<h2>November 2024</h2>" in archive
    assert '<a href="/2024/11/03/">Sunday 3</a> <span class="count">2</span>' in archive


def test_day_pages_link_neighbouring_days(tmp_path: Path) -> None:
    day = render(make_config(tmp_path), sample_articles())["2024/11/03/index.html"].decode()
    assert "<h1>Sunday, 3 November 2024</h1>" in day
    assert 'href="/2024/11/04/" rel="prev"><span>Next day</span>Monday, 4 November 2024' in day
    assert 'href="/2024/11/01/" rel="next"><span>Previous day</span>Friday, 1 November' in day


def test_markdown_body_html_is_kept_as_html(tmp_path: Path) -> None:
    article = make_article("Markdown story", body=(), body_html="<p>Some <em>marked</em> text</p>")
    page = render(make_config(tmp_path), [article])["2024/11/04/markdown-story/index.html"]
    assert b"<p>Some <em>marked</em> text</p>" in page


def test_content_cannot_inject_markup_anywhere(tmp_path: Path) -> None:
    hostile = make_article(
        f"Title {EVIL}", slug="hostile", tags=(EVIL, "safe"), source=f"Wire {EVIL}",
        author=EVIL, kicker=(EVIL,), dek=EVIL, section=EVIL, body=(EVIL, "</script><!--"),
        summary=EVIL, more_from=EVIL, url="https://example.com/?q=<script>&x=\"y\"",
        lead_image=Image(EVIL, EVIL, EVIL),
        teasers=(Teaser(1, EVIL, Image(EVIL, EVIL), EVIL, EVIL, (EVIL,), True),),
    )  # fmt: skip
    files = render(make_config(tmp_path), [hostile, make_article("Calm", 5)])
    for path, data in files.items():
        text = data.decode()
        assert "<script>" not in text, path
        # The only script elements are the JSON-LD ones the theme writes, each closed once.
        opened = text.count("<script")
        assert opened == text.count('<script type="application/ld+json">'), path
        assert text.count("</script") == opened, path
        assert "<!--" not in text, path
    page = files["2024/11/04/hostile/index.html"].decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "\\u003cscript\\u003ealert(1)\\u003c/script\\u003e" in page


def test_site_template_override_wins_file_by_file(tmp_path: Path) -> None:
    config = make_config(tmp_path)
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "home.html").write_text(
        '{% extends "theme/home.html" %}\n{% block eyebrow %}<p>SITE OVERRIDE</p>{% endblock %}\n'
    )
    files = render(config, sample_articles())
    assert b"SITE OVERRIDE" in files["index.html"]
    assert b"SITE OVERRIDE" not in files["sources/example-news/index.html"]
    assert b'class="masthead"' in files["index.html"]  # still the theme's base layout


def test_item_macro_override_applies_to_every_listing(tmp_path: Path) -> None:
    # Listing cards are rendered once per article and reused: the site's macro must win.
    config = make_config(tmp_path, per_page=2)
    theme = (THEME_DIR / "templates" / "_macros.html").read_text()
    macros = theme.replace('<article class="item', '<article data-site="1" class="item')
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "_macros.html").write_text(macros)
    outputs = {o.path: o for o in render_site(make_site(config, sample_articles()),
                                              make_environment(config))}  # fmt: skip
    for path in ("page/2/index.html", "tags/europe/index.html", "sources/other-wire/index.html"):
        page = outputs[path].data.decode()
        assert page.count('<article data-site="1" class="item') == page.count("<article") == 2
        assert "t:_macros.html" in outputs[path].deps
    home = outputs["index.html"].data.decode()
    assert '<article data-site="1" class="item lead">' in home


def test_listing_using_item_card_depends_on_the_macros(tmp_path: Path) -> None:
    config = make_config(tmp_path)
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "day.html").write_text(
        "{% for day in days %}{% for item in day.items %}{{ item_card(item) }}"
        "{% endfor %}{% endfor %}\n"
    )
    outputs = {o.path: o for o in render_site(make_site(config, sample_articles()),
                                              make_environment(config))}  # fmt: skip
    day = outputs["2024/11/04/index.html"]
    assert day.data.decode().count('<article class="item">') == 2
    assert {"t:day.html", "t:_macros.html"} <= day.deps
    assert "t:base.html" not in day.deps


def test_site_static_file_override_wins(tmp_path: Path) -> None:
    config = make_config(tmp_path)
    theme = dict(static_files(config))
    (tmp_path / "templates" / "static").mkdir(parents=True)
    (tmp_path / "templates" / "static" / "site.css").write_text("body { color: red }")
    (tmp_path / "templates" / "static" / "extra.js.swp").write_text("editor junk")
    found = dict(static_files(config))
    assert found["static/site.css"] == tmp_path / "templates" / "static" / "site.css"
    assert found["static/favicon.svg"] == theme["static/favicon.svg"]
    assert set(found) == set(theme)


def test_template_syntax_error_names_template_and_line(tmp_path: Path) -> None:
    config = make_config(tmp_path)
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "tag.html").write_text('{% extends "listing.html" %}\n\n{% if %}\n')
    with pytest.raises(ContentError) as caught:
        render(config, sample_articles())
    problem = caught.value.problem
    assert Path(problem.path) == tmp_path / "templates" / "tag.html"
    assert problem.line == 3
    assert "syntax" in problem.message and problem.hint


def test_undefined_variable_names_template_line_and_context(tmp_path: Path) -> None:
    config = make_config(tmp_path)
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "article.html").write_text(
        "<h1>{{ article.title }}</h1>\n{{ artcle.dek }}\n"
    )
    with pytest.raises(ContentError) as caught:
        render(config, sample_articles())
    problem = caught.value.problem
    assert Path(problem.path) == tmp_path / "templates" / "article.html"
    assert problem.line == 2
    assert "artcle" in problem.message
    assert "article" in problem.hint and "newer" in problem.hint


def test_missing_include_is_located(tmp_path: Path) -> None:
    config = make_config(tmp_path)
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "404.html").write_text('x\n{% include "nowhere.html" %}\n')
    with pytest.raises(ContentError) as caught:
        render(config, sample_articles())
    assert caught.value.problem.line == 2
    assert "nowhere.html" in caught.value.problem.message


def test_outputs_record_their_dependencies(tmp_path: Path) -> None:
    config = make_config(tmp_path, per_page=2)
    outputs = {o.path: o for o in render_site(make_site(config, sample_articles()),
                                              make_environment(config))}  # fmt: skip
    deps = outputs["2024/11/04/beta-falls/index.html"].deps
    assert {"config", "a:beta-falls.txt", "a:alpha-rises.txt", "a:gamma-waits.txt"} <= deps
    assert {"t:article.html", "t:base.html", "t:_macros.html"} <= deps
    assert {"t:tag.html", "t:listing.html"} <= outputs["tags/europe/index.html"].deps
    assert "a:epsilon-ends.txt" in outputs["page/3/index.html"].deps
    assert "a:epsilon-ends.txt" not in outputs["index.html"].deps


def versions(config: Config, articles: list[Article]) -> dict[str, str]:
    """The `v:` dependency of every output."""
    outputs = render_site(make_site(config, articles), make_environment(config))
    return {o.path: next(d for d in o.deps if d.startswith("v:")) for o in outputs}


def test_rendering_is_repeatable(tmp_path: Path) -> None:
    config = make_config(tmp_path)
    assert render(config, sample_articles()) == render(config, sample_articles())


def test_version_tracks_what_a_page_shows_of_other_articles(tmp_path: Path) -> None:
    config = make_config(tmp_path, per_page=2)
    articles = sample_articles()
    retitled = [replace(articles[0], title="Alpha renamed", digest="new"), *articles[1:]]
    before, after = versions(config, articles), versions(config, retitled)
    changed = {path for path in before if before[path] != after[path]}
    # Beta shows Alpha's title as its newer neighbour; listings and feeds list Alpha.
    assert {"2024/11/04/beta-falls/index.html", "index.html", "tags/economy/index.html",
            "feed.xml", "tags/europe/feed.xml"} - changed == set()  # fmt: skip
    # Alpha's own page is tracked by its article digest ("a:alpha-rises.txt"), not here.
    assert "2024/11/03/gamma-waits/index.html" not in changed
    assert "sources/other-wire/index.html" not in changed
    assert "page/2/index.html" not in changed
    assert "sitemap.xml" not in changed  # same addresses and dates


def test_version_tracks_pagination(tmp_path: Path) -> None:
    config = make_config(tmp_path, per_page=2)
    articles = sample_articles()
    older = [make_article("Zeta old", 100), make_article("Eta older", 120)]
    before, after = versions(config, articles), versions(config, [*articles, *older])
    assert before["index.html"] != after["index.html"]  # same articles, one more page
    assert before["tags/europe/index.html"] == after["tags/europe/index.html"]


def test_empty_site_renders_home_and_indexes(tmp_path: Path) -> None:
    files = render(make_config(tmp_path), [])
    assert b"No articles yet." in files["index.html"]
    assert {"sources/index.html", "tags/index.html", "archive/index.html", "404.html"} <= set(files)
