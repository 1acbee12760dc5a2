"""Reading one article file: its bytes (however large), its digest, and read errors."""

from __future__ import annotations

import hashlib
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from digest.cache_line import decode_line, encode_line
from digest.sources import _READ_SIZE, parse_file
from digest.state import Stamp

STORY = (
    "Officials in the capital said on Sunday that the talks on trade would resume next week.\n\n"
    "The minister said prices could rise again before the summer, while analysts warned.\n"
)


def parse(path: Path) -> tuple[str, object]:
    digest, parsed, _by_mtime = parse_file(path, path.name, Stamp(0, 0), ZoneInfo("UTC"), 45)
    return digest, parsed


@pytest.mark.parametrize("size", [0, 1, _READ_SIZE - 1, _READ_SIZE, 3 * _READ_SIZE + 7])
def test_a_file_is_read_whole_whatever_its_size(tmp_path: Path, size: int) -> None:
    path = tmp_path / "a.txt"
    raw = f"---\ntitle: T\ndate: 2024-11-04\n---\n{STORY}".encode()
    raw += b"\n" + b"x" * size
    path.write_bytes(raw)
    digest, parsed = parse(path)
    assert digest == hashlib.sha1(raw).hexdigest()
    assert parsed.article is not None  # type: ignore[attr-defined]


@pytest.mark.parametrize(("make", "why"), [(Path.mkdir, "Is a directory"), (None, "No such file")])
def test_a_file_that_cannot_be_read_is_a_problem(tmp_path: Path, make: object, why: str) -> None:
    path = tmp_path / "a.txt"
    if make is not None:
        path.mkdir()
    digest, parsed = parse(path)
    assert digest == ""
    (problem,) = parsed.problems  # type: ignore[attr-defined]
    assert problem.message.startswith(f"cannot read file: {why}")


def test_a_parse_survives_its_cache_line(tmp_path: Path) -> None:
    # Teasers, a photo with caption and credit, boilerplate and unknown keys: every converter.
    text = (
        "---\ntitle: T\ndate: 2024-11-04T10:00:00+01:00\ntags: [a, b]\nmood: [1, x]\n---\n"
        "Headline of the story\n\nA photo of the minister at the talks on Sunday.\n"
        "REUTERS/Jane Doe\n\n" + STORY + "\nShare this article\n\nMore from Reuters\n\n"
        "Another story about energy prices that rose again this week in the capital.\n"
    )
    path = tmp_path / "a.txt"
    path.write_text(text, "utf-8")
    digest, parsed = parse(path)
    line = encode_line("a.txt", digest, None, parsed)  # type: ignore[arg-type]
    assert line is not None
    assert decode_line(line) == parsed
