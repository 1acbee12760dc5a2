"""The article cache hands out articles whose text stays in the file until asked for."""

from __future__ import annotations

from pathlib import Path

import pytest

from digest.article_cache import ArticleCache, CacheDamaged, CachedText, encode_line
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
