"""Build state and article cache: exact round trips, damage tolerated, racy stamps distrusted."""

from __future__ import annotations

import copy
import os
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from digest.article_cache import ArticleCache
from digest.cache_line import Parsed, decode_line, encode_line
from digest.config import load_config
from digest.errors import Problem
from digest.incremental import scan_inputs
from digest.load import find_sources, read_source
from digest.sources import parse_file
from digest.state import (
    RACY_WINDOW,
    BuildState,
    InputRecord,
    Outline,
    OutputRecord,
    Stamp,
    load_state,
    mtime_seconds,
    pack_state,
    prune_states,
    save_state,
    stamp_of,
    state_path,
    unpack_state,
)

from .conftest import SiteMaker

ARTICLE = """\
---
title: Ministers agree on a new trade deal
date: 2024-03-31T02:30:00
source: Reuters
tags: [trade, Energy]
mood: {calm: [1, 2.5, true, null]}
---
Ministers agree on a new trade deal

Officials in the capital said on Sunday that the talks on trade would resume next week.

The minister said prices could rise again before the summer, while analysts warned of risk.

More from Reuters

Another story about energy prices that rose again this week in the capital city today.
"""


def a_state(**changes: object) -> BuildState:
    """A small state with one of everything."""
    values: dict[str, object] = {
        "settings": "s1",
        "structure": "t1",
        "sources": {"a.txt": InputRecord(Stamp(10, 1_000), "d1")},
        "inputs": {"/theme/base.html": InputRecord(Stamp(20, 2_000), "d2")},
        "outputs": {
            "a/index.html": OutputRecord(Stamp(30, 3_000), "k", "v", ("base.html",), ("a.txt",)),
            "static/x.css": OutputRecord(Stamp(5, 4_000), "k2", "", (), (), "/theme/x.css"),
        },
        "problems": (Problem("a.txt", 3, "odd", "fix it", "warning"),),
        "held_back": ("b.txt",),
        "recheck_ns": 123,
        "articles": 1,
        "outline": Outline(("a.txt",), (("source", "wire", "Wire", ("a.txt",)),)),
    }
    values.update(changes)
    return BuildState(**values)  # type: ignore[arg-type]


def test_state_round_trips(tmp_path: Path) -> None:
    path = tmp_path / "state.dat"
    state = a_state()
    save_state(path, state, 10**18, tmp_path)
    assert load_state(path) == state


@pytest.mark.parametrize("change", ["record", "template set", "sources", "sources order"])
def test_rows_kept_from_the_loaded_state_save_what_fresh_rows_save(
    tmp_path: Path, change: str
) -> None:
    path = tmp_path / "state.dat"
    sources = {
        "a.txt": InputRecord(Stamp(10, 1_000), "d1"),
        "b.txt": InputRecord(Stamp(11, 1_001), "d3"),
    }
    outputs = {
        f"p{i}/index.html": OutputRecord(
            Stamp(30 + i, 3_000), f"k{i}", "v", ("base.html", f"t{i % 3}.html"), ("b.txt", "a.txt")
        )
        for i in range(6)
    }
    save_state(path, a_state(sources=sources, outputs=outputs), 10**18, tmp_path)
    loaded = load_state(path)
    assert loaded is not None and loaded.encoded is not None
    new_outputs = dict(loaded.outputs)  # the same record objects, as a rebuild keeps them
    new_sources = dict(loaded.sources)
    if change == "record":
        new_outputs["p2/index.html"] = OutputRecord(Stamp(1, 2), "x", "v", ("base.html",), ())
    elif change == "template set":
        new_outputs["p7/index.html"] = OutputRecord(Stamp(1, 2), "y", "v", ("new.html",), ())
    elif change == "sources":
        del new_sources["a.txt"]
        for rel, r in new_outputs.items():  # no page shows a.txt any more
            new_outputs[rel] = r._replace(articles=("b.txt",))
    else:
        new_sources = dict(reversed(list(new_sources.items())))
    outline = Outline(tuple(new_sources), (("source", "wire", "Wire", tuple(new_sources)),))
    state = replace(loaded, sources=new_sources, outputs=new_outputs, outline=outline)
    save_state(path, state, 10**18, tmp_path)
    with_rows = load_state(path)
    save_state(path, replace(state, encoded=None), 10**18, tmp_path)
    assert with_rows == load_state(path) == state
    assert with_rows is not None and with_rows.outputs == new_outputs


def test_stamps_of_files_changed_just_before_the_save_are_not_trusted(tmp_path: Path) -> None:
    path = tmp_path / "state.dat"
    saved = 10**18
    recent = Stamp(10, saved - int(RACY_WINDOW * 1e9) + 1)
    state = a_state(sources={"a.txt": InputRecord(recent, "d1")})
    save_state(path, state, saved, tmp_path)
    loaded = load_state(path)
    assert loaded is not None
    assert loaded.sources["a.txt"] == InputRecord(Stamp(10, -1), "d1")  # matches no file
    assert loaded.outputs == state.outputs  # the build's own writes keep their stamps


@pytest.mark.parametrize(
    "damage",
    [b"", b"{", b"null", b"[]", b'{"format": 99}', b'{"format": 1}', b"\xff\xfe\x00", b"{}" * 9],
)
def test_damaged_state_reads_as_none(tmp_path: Path, damage: bytes) -> None:
    path = tmp_path / "state.dat"
    path.write_bytes(damage)
    assert load_state(path) is None


def test_state_with_wrong_types_reads_as_none(tmp_path: Path) -> None:
    path = tmp_path / "state.dat"
    save_state(path, a_state(), 10**18, tmp_path)
    good = unpack_state(path.read_bytes())
    assert good is not None
    for change in (
        lambda d: d.update(articles="1"),
        lambda d: d["sources"][0].__setitem__(3, 7),  # a digest that is not text
        lambda d: d["sources"][0].__setitem__(1, True),  # a size that is not a number
        lambda d: d["outputs"][0].__setitem__(6, ["x"]),  # articles not by index
        lambda d: d.update(outline=[[0], [["planet", "s", "S", [0]]]]),  # no such group kind
    ):
        data = copy.deepcopy(good)
        change(data)
        path.write_bytes(pack_state(data))  # a valid checksum over wrong values
        assert load_state(path) is None, data
    assert load_state(tmp_path / "missing.dat") is None


def test_damaged_bytes_of_a_state_read_as_none(tmp_path: Path) -> None:
    path = tmp_path / "state.dat"
    save_state(path, a_state(), 10**18, tmp_path)
    data = path.read_bytes()
    for at in (0, len(data) // 2, len(data) - 1):
        path.write_bytes(data[:at] + bytes([data[at] ^ 0x20]) + data[at + 1 :])
        assert load_state(path) is None, at
    path.write_bytes(data[: len(data) // 2])  # torn
    assert load_state(path) is None


def test_each_output_folder_has_its_own_state(tmp_path: Path) -> None:
    assert state_path(tmp_path, tmp_path / "public") != state_path(tmp_path, tmp_path / "serve")
    assert state_path(tmp_path, tmp_path / "public") == state_path(tmp_path, tmp_path / "public")


def test_states_of_vanished_output_folders_are_pruned(tmp_path: Path) -> None:
    kept, gone = tmp_path / "public", tmp_path / "old out"
    for out in (kept, gone):
        out.mkdir()
        save_state(state_path(tmp_path, out), a_state(), 10**18, out)
    gone.rmdir()
    current = state_path(tmp_path, tmp_path / "serve")
    prune_states(tmp_path, current)
    assert load_state(state_path(tmp_path, kept)) == a_state()
    assert not state_path(tmp_path, gone).exists()


def parsed_article(tmp_path: Path, text: str = ARTICLE) -> Parsed:
    path = tmp_path / "deal.txt"
    path.write_text(text, "utf-8")
    zone = ZoneInfo("Europe/Berlin")
    digest, parsed, _by_mtime = parse_file(path, "deal.txt", Stamp(0, 0), zone, 45)
    assert digest and parsed.article is not None
    return parsed


def loaded(parsed: Parsed | None) -> Parsed | None:
    """A cached parse with its article's text read back, to compare with a fresh parse."""
    if parsed is None or parsed.article is None:
        return parsed
    return Parsed(replace(parsed.article, content=parsed.article.text), parsed.problems)


def test_cached_article_equals_the_parsed_one(tmp_path: Path) -> None:
    parsed = parsed_article(tmp_path)
    line = encode_line("deal.txt", "d", None, parsed)
    assert line is not None
    back = decode_line(line)
    assert back == parsed
    assert back.article is not None and parsed.article is not None
    # Same instant is not enough: the zone must survive (it decides local day and hour).
    assert back.article.date.tzinfo == ZoneInfo("Europe/Berlin")
    assert back.article.date.utcoffset() == parsed.article.date.utcoffset()
    assert back.article.extra == {"mood": {"calm": [1, 2.5, True, None]}}
    assert type(back.article.tags) is tuple and type(back.article.teasers) is tuple


def test_ambiguous_local_time_keeps_its_fold(tmp_path: Path) -> None:
    text = ARTICLE.replace("2024-03-31T02:30:00", "2024-10-27T02:30:00+01:00")
    parsed = parsed_article(tmp_path, text)
    line = encode_line("deal.txt", "d", None, parsed)
    assert line is not None
    back = decode_line(line)
    assert back.article is not None and parsed.article is not None
    assert back.article.date.isoformat() == parsed.article.date.isoformat()


def test_article_without_exact_json_form_is_not_cached(tmp_path: Path) -> None:
    text = ARTICLE.replace("mood: {calm: [1, 2.5, true, null]}", "mood: {1: one}")
    assert encode_line("deal.txt", "d", None, parsed_article(tmp_path, text)) is None
    text = ARTICLE.replace("mood: {calm: [1, 2.5, true, null]}", "mood: !!set {a}")
    assert encode_line("deal.txt", "d", None, parsed_article(tmp_path, text)) is None


def test_cache_returns_a_parse_only_for_the_same_digest_and_mtime(tmp_path: Path) -> None:
    parsed = parsed_article(tmp_path)
    where = tmp_path / "cache" / "articles.jsonl"
    cache = ArticleCache.open(where, "fp")
    for key, mtime in (("by-date.txt", None), ("by-mtime.txt", 77)):
        line = encode_line(key, "d1", mtime, parsed)
        assert line is not None
        cache.add(key, line)
    cache.close({"by-date.txt", "by-mtime.txt"})
    cache = ArticleCache.open(where, "fp")
    assert loaded(cache.get("by-date.txt", "d1", 5)) == parsed  # its date is its own: mtime is moot
    assert cache.get("by-date.txt", "d2", 5) is None
    assert loaded(cache.get("by-mtime.txt", "d1", 77)) == parsed
    assert cache.get("by-mtime.txt", "d1", 78) is None  # touched: its date changed
    assert ArticleCache.open(where, "other fingerprint").get("by-date.txt", "d1", 5) is None


def test_torn_and_damaged_cache_lines_cost_a_parse_not_a_crash(tmp_path: Path) -> None:
    parsed = parsed_article(tmp_path)
    where = tmp_path / "articles.jsonl"
    cache = ArticleCache.open(where, "fp")
    for key in ("a.txt", "b.txt", "c.txt"):
        line = encode_line(key, "d", None, parsed)
        assert line is not None
        cache.add(key, line)
    cache.close({"a.txt", "b.txt", "c.txt"})
    data = where.read_bytes()
    _first, second, third = data.splitlines(keepends=True)[1:]
    damaged = second.replace(b"[", b"{", 1)
    where.write_bytes(data.replace(second, damaged)[: -len(third) // 2])  # and tear the last
    cache = ArticleCache.open(where, "fp")
    assert loaded(cache.get("a.txt", "d", 0)) == parsed
    assert cache.get("b.txt", "d", 0) is None
    assert cache.get("c.txt", "d", 0) is None
    line = encode_line("c.txt", "d", None, parsed)
    assert line is not None
    cache.add("c.txt", line)  # appended after the torn line is cut off
    cache.close({"a.txt", "c.txt"})
    cache = ArticleCache.open(where, "fp")
    assert (
        loaded(cache.get("c.txt", "d", 0)) == parsed
        and loaded(cache.get("a.txt", "d", 0)) == parsed
    )


def test_cache_is_compacted_when_mostly_dead(tmp_path: Path) -> None:
    parsed = parsed_article(tmp_path)
    where = tmp_path / "articles.jsonl"
    line = encode_line("a.txt", "d", None, parsed)
    assert line is not None
    cache = ArticleCache.open(where, "fp")
    for _ in range(1 + (2 << 20) // len(line)):  # rewritten again and again: 2 MiB dead
        cache.add("a.txt", line)
    cache.close({"a.txt"})
    assert where.stat().st_size < 2 * len(line)
    assert loaded(ArticleCache.open(where, "fp").get("a.txt", "d", 0)) == parsed


def test_scan_finds_what_find_sources_finds(make_site: SiteMaker) -> None:
    root = make_site(
        {
            "content/b.txt": "b",
            "content/a.md": "a",
            "content/sub/z.txt": "z",
            "content/sub/A.TXT": "upper",
            "content/Sub2/x.markdown": "x",
            "content/notes.pdf": "not an article",
            "content/.hidden.txt": "hidden",
            "content/.git/c.txt": "in a hidden folder",
            "content/draft.txt~": "backup",
            "content/#auto#": "emacs",
            "templates/base.html": "override",
            "templates/static/x.css": "css",
        }
    )
    os.symlink(root / "content" / "sub", root / "content" / "linked")  # not followed
    config = load_config(root / "config.yaml", root=root)
    scan = scan_inputs(config)
    found, problems = find_sources(config.content_dir)
    assert [(Path(path), rel) for path, rel, _st in scan.sources] == found
    assert list(scan.problems) == problems
    assert str(root / "templates" / "static" / "x.css") in scan.inputs
    assert all(st.size == os.stat(path).st_size for path, _rel, st in scan.sources)


def test_reads_the_digest_load_computes(tmp_path: Path) -> None:
    path = tmp_path / "deal.txt"
    path.write_text(ARTICLE, "utf-8")
    digest, _parsed, by_mtime = parse_file(path, "deal.txt", Stamp(0, 0), ZoneInfo("UTC"), 45)
    assert digest == read_source(path, "deal.txt").digest
    assert not by_mtime


def test_article_dated_by_its_mtime_is_marked(tmp_path: Path) -> None:
    path = tmp_path / "undated.txt"
    path.write_text(ARTICLE.replace("date: 2024-03-31T02:30:00\n", ""), "utf-8")
    when = datetime(2024, 5, 1, 12, 0, tzinfo=ZoneInfo("UTC")).timestamp()
    os.utime(path, (when, when))
    stamp = stamp_of(os.stat(path))
    _digest, parsed, by_mtime = parse_file(path, "undated.txt", stamp, ZoneInfo("UTC"), 45)
    assert parsed.article is not None and by_mtime


@pytest.mark.parametrize(
    "mtime_ns", [0, 1, 999_999_999, 1_700_000_000_999_999_700, 1_796_416_090_921_873_259]
)
def test_mtime_seconds_equals_what_stat_gives(tmp_path: Path, mtime_ns: int) -> None:
    path = tmp_path / "a.txt"
    path.write_text("x", "utf-8")
    os.utime(path, ns=(mtime_ns, mtime_ns))
    st = os.stat(path)
    assert mtime_seconds(stamp_of(st)) == st.st_mtime
