"""From a loaded file to an Article: summary, word count and the checks on the body."""

from __future__ import annotations

from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from digest.article import _summary, read_article
from digest.load import parse_source

STORY = (
    "Officials in the capital said on Sunday that the talks on trade would resume next week.\n\n"
    "The minister said  prices could rise again\tbefore the summer, while analysts warned.\n"
)


@pytest.mark.parametrize(
    ("text", "words", "summary"),
    [
        ("one two three", 3, "one two three"),
        ("  one two three  ", 3, "one two three"),
        ("one two three four", 3, "one two three…"),
        ("one, two; three: four", 3, "one, two; three…"),
        ("one\ttwo\u00a0three \n four", 2, "one two…"),
        ("one", 5, "one"),
    ],
)
def test_summary_is_the_first_words(text: str, words: int, summary: str) -> None:
    assert _summary(text, words) == summary


def test_words_counts_every_word_of_the_story() -> None:
    doc = parse_source(
        Path("a.txt"), f"---\ntitle: T\ndate: 2024-11-04\n---\n{STORY}".encode(), "a.txt"
    )
    article, problems = read_article(doc, ZoneInfo("UTC"), 45)
    assert article is not None, problems
    assert article.words == len(" ".join(article.body).split()) == 29


@pytest.mark.parametrize("body", ["", "\n", " \n\t\n\u2028 \n"])
def test_a_blank_body_is_an_error(body: str) -> None:
    doc = parse_source(Path("a.txt"), f"---\ntitle: T\n---\n{body}".encode(), "a.txt")
    article, problems = read_article(doc, ZoneInfo("UTC"), 45)
    assert article is None
    assert [p.message for p in problems] == ["the article has no text"]
