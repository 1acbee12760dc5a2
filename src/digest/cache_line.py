"""One line of the article cache (`article_cache.py`): made, appended, and read back.

    <key as JSON> TAB <sha1 of the file> TAB <mtime_ns or -> TAB <JSON: problems, article
    without its text> TAB <JSON: the article's text (story, teasers, boilerplate)>

The parts before the text (the line's head) are what a build decodes for every article;
the text is decoded only when the article's page is rendered.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .article import Article, ArticleText
from .cache_codec import Uncacheable, codec_of, light_codec
from .errors import Problem
from .state import problems_from_json, problems_to_json


@dataclass(frozen=True, slots=True)
class Parsed:
    """One article file as parsed: the article (None when it has errors) and its problems."""

    article: Article | None
    problems: tuple[Problem, ...]


def encode_line(key: str, digest: str, mtime_ns: int | None, parsed: Parsed) -> bytes | None:
    """One cache line for a parse; None when the article has no exact JSON form."""
    try:
        article, text = None, None
        if parsed.article is not None:
            article = light_codec()[0](parsed.article)
            text = codec_of(ArticleText)[0](parsed.article.text)
        head = json.dumps(
            [problems_to_json(parsed.problems), article], ensure_ascii=False, separators=(",", ":")
        )
        # ASCII escapes: the C encoder's quickest path (about half the time, for 1.5 % more
        # bytes on Latin text); this part is read back only when its page is rendered.
        tail = json.dumps(text, separators=(",", ":"))
        mtime = "-" if mtime_ns is None else str(mtime_ns)
        return "\t".join((json.dumps(key), digest, mtime, head, tail)).encode("utf-8") + b"\n"
    except (Uncacheable, UnicodeEncodeError):
        return None


def append_line(fd: int, line: bytes) -> int | None:
    """Append a line through an O_APPEND descriptor of this process's own; its offset, or None.

    The kernel places each write at the end of the file atomically, and leaves this
    descriptor's position after it, whoever else appends meanwhile. A short write (a full
    disk) leaves a torn line, which costs its file one parse later; None then.
    """
    written = os.write(fd, line)
    if written != len(line):
        return None
    return os.lseek(fd, 0, os.SEEK_CUR) - written


def line_head(line: bytes) -> bytes:
    """The part of a cache line before its text (the text is read back only when needed)."""
    fields = line_fields(line, 0, len(line))
    assert fields is not None, "a line made by encode_line"
    return line[: fields[3]]


def line_fields(data: bytes, start: int, stop: int) -> tuple[str, str, str, int] | None:
    """Key, digest, mtime and text offset (from `start`) of line `data[start:stop]`, or None."""
    tabs = []
    at = start - 1
    for _ in range(4):
        at = data.find(b"\t", at + 1, stop)
        if at < 0:
            return None
        tabs.append(at)
    try:
        quoted = data[start : tabs[0]]
        if b"\\" in quoted or quoted[:1] != b'"' or quoted[-1:] != b'"':
            key = json.loads(quoted)  # escapes (or damage): JSON knows them all
        else:
            key = quoted[1:-1].decode("utf-8")
        digest = data[tabs[0] + 1 : tabs[1]].decode("ascii")
        mtime = data[tabs[1] + 1 : tabs[2]].decode("ascii")
    except ValueError:
        return None
    return (key, digest, mtime, tabs[3] + 1 - start) if isinstance(key, str) else None


def decode_head(head: bytes, content: Callable[[], Any]) -> Parsed:
    """The parse from the part of a line before its text; `content` gives the text's stand-in."""
    try:
        problems_json, article_json = json.loads(head.split(b"\t", 3)[3])
        problems = problems_from_json(problems_json)
        article = None if article_json is None else light_codec()[1](article_json, content())
    except (KeyError, IndexError, AttributeError) as exc:
        raise ValueError(f"damaged cache line: {exc}") from None
    return Parsed(article, problems)


def decode_text(data: bytes) -> ArticleText:
    """The text part of a cache line; ValueError or TypeError when it is damaged."""
    row = json.loads(data)
    if not isinstance(row, list):
        raise ValueError("damaged cache line: no article text")
    text: ArticleText = codec_of(ArticleText)[1](row)
    return text


def decode_line(line: bytes) -> Parsed:
    """The parse stored in a whole cache line, text included; ValueError or TypeError if damaged."""
    fields = line_fields(line, 0, len(line))
    if fields is None:
        raise ValueError("damaged cache line: too few fields")
    start = fields[3]
    return decode_head(line[: start - 1], lambda: decode_text(line[start:]))
