"""The article cache hands out articles whose text stays in the file until asked for."""

from __future__ import annotations

from pathlib import Path

import pytest

from digest.article_cache import ArticleCache, CacheDamaged, CachedText
from digest.cache_index import index_path
from digest.cache_line import encode_line
from tests.test_state import parsed_article


def cached(where: Path, keys: list[str], tmp_path: Path) -> ArticleCache:
    """A cache file holding the test article under each key, opened afresh."""
    parsed = parsed_article(tmp_path)
    cache = ArticleCache.open(where, "fp")
    for key in keys:
        line = encode_line(key, "d", None, parsed)
        assert line is not None
        cache.add(key, line)
    cache.close(set(keys))
    return ArticleCache.open(where, "fp")


def test_text_is_read_back_only_when_asked(tmp_path: Path) -> None:
    parsed = parsed_article(tmp_path)
    cache = cached(tmp_path / "articles.jsonl", ["a.txt"], tmp_path)
    back = cache.get("a.txt", "d", 0)
    assert back is not None and back.article is not None and parsed.article is not None
    assert isinstance(back.article.content, CachedText)
    assert back.article.title == parsed.article.title
    assert back.article.text == parsed.article.text
    assert back.article.body == parsed.article.body and back.article.body


def test_texts_handed_out_survive_compaction(tmp_path: Path) -> None:
    parsed = parsed_article(tmp_path)
    where = tmp_path / "articles.jsonl"
    cache = cached(where, ["a.txt", "b.txt"], tmp_path)
    first = cache.get("a.txt", "d", 0)
    assert first is not None and first.article is not None
    line = encode_line("b.txt", "d", None, parsed)
    assert line is not None
    for _ in range(1 + (2 << 20) // len(line)):  # rewritten again and again: compacted
        cache.add("b.txt", line)
    cache.close({"a.txt", "b.txt"})
    assert where.stat().st_size < 3 * len(line)
    assert parsed.article is not None and first.article.text == parsed.article.text
    again = cache.reopen_if_changed().get("b.txt", "d", 0)
    assert again is not None and again.article is not None
    assert again.article.text == first.article.text


def test_texts_handed_out_survive_a_cache_started_afresh(tmp_path: Path) -> None:
    parsed = parsed_article(tmp_path)
    where = tmp_path / "articles.jsonl"
    first = cached(where, ["a.txt"], tmp_path).get("a.txt", "d", 0)
    assert first is not None and first.article is not None and parsed.article is not None
    # Another code version (fingerprint) starts the file afresh under the same name.
    other = ArticleCache.open(where, "another fingerprint")
    line = encode_line("z.txt", "d", None, parsed)
    assert line is not None
    other.add("z.txt", line)
    other.close({"z.txt"})
    assert first.article.text == parsed.article.text


def test_damaged_text_is_a_clear_error_naming_the_cache(tmp_path: Path) -> None:
    where = tmp_path / "articles.jsonl"
    back = cached(where, ["a.txt"], tmp_path).get("a.txt", "d", 0)
    assert back is not None and back.article is not None
    data = where.read_bytes()
    where.write_bytes(data[: data.rindex(b"\t") + 1] + b"{damaged" + data[data.rindex(b"\t") + 9 :])
    with pytest.raises(CacheDamaged) as caught:
        back.article.text  # noqa: B018 - reading it is the test
    assert caught.value.problem.path == str(where)
    assert "a.txt" in caught.value.problem.message


def test_saved_index_spares_reading_the_cache_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    where = tmp_path / "articles.jsonl"
    cached(where, ["a.txt", "b.txt"], tmp_path).close({"a.txt", "b.txt"})
    assert index_path(where).exists()

    def no_scan(*_args: object) -> int:
        raise AssertionError("the cache file was read to index it")

    monkeypatch.setattr(ArticleCache, "_read_index", no_scan)
    cache = ArticleCache.open(where, "fp")
    assert cache.holds("a.txt", "d", 0) and cache.holds("b.txt", "d", 0)
    back = cache.get("b.txt", "d", 0)
    assert back is not None and back.article is not None and back.article.body


def test_saved_index_of_another_file_state_is_not_trusted(tmp_path: Path) -> None:
    parsed = parsed_article(tmp_path)
    where = tmp_path / "articles.jsonl"
    cached(where, ["a.txt"], tmp_path).close({"a.txt"})
    saved = index_path(where).read_bytes()
    # Another build appends a line after the index was saved (and leaves no index).
    other = ArticleCache.open(where, "fp")
    line = encode_line("b.txt", "d", None, parsed)
    assert line is not None
    other.add("b.txt", line)
    other.close({"a.txt", "b.txt"})
    index_path(where).write_bytes(saved)
    cache = ArticleCache.open(where, "fp")
    assert cache.holds("a.txt", "d", 0) and cache.holds("b.txt", "d", 0)


@pytest.mark.parametrize("damage", ["flip", "torn", "empty", "fingerprint"])
def test_damaged_or_foreign_index_is_ignored(tmp_path: Path, damage: str) -> None:
    where = tmp_path / "articles.jsonl"
    cached(where, ["a.txt"], tmp_path).close({"a.txt"})
    data = index_path(where).read_bytes()
    if damage == "flip":
        data = data[:-5] + bytes([data[-5] ^ 1]) + data[-4:]
    elif damage == "torn":
        data = data[: len(data) // 2]
    elif damage == "empty":
        data = b""
    index_path(where).write_bytes(data)
    fingerprint = "another" if damage == "fingerprint" else "fp"
    cache = ArticleCache.open(where, fingerprint)
    assert cache.holds("a.txt", "d", 0) == (damage != "fingerprint")
