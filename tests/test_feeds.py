"""Atom feeds, sitemap and robots.txt: well-formed XML, absolute URLs, the right entries."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import datetime
from pathlib import Path

from .test_render import make_article, make_config, render, sample_articles

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
BASE = "https://example.org/news/"


def parse(data: bytes) -> ET.Element:
    """Parse XML, failing the test if it is not well-formed."""
    return ET.fromstring(data)


def entry_titles(feed: ET.Element) -> list[str]:
    """Titles of a feed's entries in document order."""
    return [e.findtext(f"{ATOM}title", "") for e in feed.iter(f"{ATOM}entry")]


def test_site_feed_is_atom_with_absolute_links(tmp_path: Path) -> None:
    files = render(make_config(tmp_path, BASE, feed_size=3), sample_articles())
    feed = parse(files["feed.xml"])
    assert feed.tag == f"{ATOM}feed"
    assert entry_titles(feed) == ["Alpha rises", "Beta falls", "Gamma waits"]
    for required in ("id", "title", "updated", "author"):
        assert feed.find(f"{ATOM}{required}") is not None, required
    assert feed.findtext(f"{ATOM}updated") == "2024-11-04T09:30:00+00:00"
    self_link = feed.find(f"{ATOM}link[@rel='self']")
    assert self_link is not None and self_link.get("href") == BASE + "feed.xml"
    for entry in feed.iter(f"{ATOM}entry"):
        assert (entry.findtext(f"{ATOM}id") or "").startswith(BASE)
        link = entry.find(f"{ATOM}link[@rel='alternate']")
        assert link is not None and (link.get("href") or "").startswith(BASE)
        datetime.fromisoformat(entry.findtext(f"{ATOM}updated") or "")
    first = next(feed.iter(f"{ATOM}entry"))
    content = first.findtext(f"{ATOM}content") or ""
    assert content.startswith("<p>First paragraph of Alpha rises.</p>")
    assert [c.get("label") for c in first.iter(f"{ATOM}category")] == ["Europe", "Economy"]


def test_source_and_tag_feeds_hold_only_their_articles(tmp_path: Path) -> None:
    files = render(make_config(tmp_path, BASE), sample_articles())
    wire = parse(files["sources/other-wire/feed.xml"])
    assert entry_titles(wire) == ["Beta falls", "Delta speaks"]
    assert wire.findtext(f"{ATOM}updated") == "2024-11-04T06:30:00+00:00"
    economy = parse(files["tags/economy/feed.xml"])
    assert entry_titles(economy) == ["Alpha rises", "Gamma waits"]
    page = economy.find(f"{ATOM}link[@rel='alternate']")
    assert page is not None and page.get("href") == BASE + "tags/economy/"


def test_listing_pages_advertise_their_feeds(tmp_path: Path) -> None:
    files = render(make_config(tmp_path, BASE), sample_articles())
    tag_page = files["tags/europe/index.html"].decode()
    assert (
        'type="application/atom+xml" title="Europe (Atom)" href="/news/tags/europe/feed.xml"'
        in tag_page
    )
    assert 'href="/news/feed.xml"' in files["2024/11/04/alpha-rises/index.html"].decode()


def test_sitemap_lists_every_html_page_but_404(tmp_path: Path) -> None:
    files = render(make_config(tmp_path, BASE, per_page=2), sample_articles())
    locs = {loc.text for loc in parse(files["sitemap.xml"]).iter(f"{SITEMAP}loc")}
    pages = {BASE + p.removesuffix("index.html") for p in files if p.endswith("index.html")}
    assert locs == pages
    assert "404.html" in files and not any("404" in (loc or "") for loc in locs)


def test_robots_txt_points_at_the_sitemap(tmp_path: Path) -> None:
    robots = render(make_config(tmp_path, BASE), sample_articles())["robots.txt"].decode()
    assert "User-agent: *" in robots
    assert f"Sitemap: {BASE}sitemap.xml" in robots.splitlines()


def test_control_characters_and_markup_stay_well_formed(tmp_path: Path) -> None:
    noisy = make_article("Form\x0cfeed & <b>bold</b>", tags=("Ελλάδα",), summary="a\x00b < c")
    files = render(make_config(tmp_path, BASE), [noisy])
    for path in ("feed.xml", "tags/ελλάδα/feed.xml", "sources/example-news/feed.xml"):
        feed = parse(files[path])
        assert entry_titles(feed) == ["Formfeed & <b>bold</b>"]
        assert feed.findtext(f"{ATOM}entry/{ATOM}summary") == "ab < c"
    locs = [loc.text for loc in parse(files["sitemap.xml"]).iter(f"{SITEMAP}loc")]
    assert BASE + "tags/%CE%B5%CE%BB%CE%BB%CE%AC%CE%B4%CE%B1/" in locs


def test_empty_site_still_has_a_valid_feed(tmp_path: Path) -> None:
    feed = parse(render(make_config(tmp_path, BASE), [])["feed.xml"])
    assert entry_titles(feed) == []
    assert feed.findtext(f"{ATOM}updated") == "1970-01-01T00:00:00+00:00"
