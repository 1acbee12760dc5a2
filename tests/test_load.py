"""Front-matter splitting keeps the body's first line and reports bad input with a line."""

from __future__ import annotations

from pathlib import Path

import pytest

from digest.errors import ContentError
from digest.load import find_sources, is_ignored_name, parse_source


def parse(text: str | bytes) -> object:
    raw = text.encode() if isinstance(text, str) else text
    return parse_source(Path("content/a.txt"), raw, "a.txt")


def test_body_line_counts_front_matter_lines() -> None:
    doc = parse_source(Path("a.txt"), b"---\ntitle: T\ntags: [x]\n---\nFirst line\n", "a.txt")
    assert doc.meta == {"title": "T", "tags": ["x"]}
    assert doc.body == "First line\n"
    assert doc.body_line == 5
    assert doc.meta_lines == {"title": 2, "tags": 3}


def test_text_without_front_matter_starts_at_line_one() -> None:
    doc = parse_source(Path("a.txt"), b"Headline\n\nBody.\n", "a.txt")
    assert doc.meta == {} and doc.body_line == 1 and not doc.has_front_matter


def test_crlf_and_bom_are_normalised() -> None:
    doc = parse_source(Path("a.txt"), "\ufeff---\r\ntitle: T\r\n---\r\nBody\r\n".encode(), "a")
    assert doc.meta == {"title": "T"} and doc.body == "Body\n" and doc.body_line == 4


def test_dates_stay_text_for_our_own_checks() -> None:
    doc = parse_source(Path("a.txt"), b"---\ndate: 2024-13-45\n---\nB\n", "a.txt")
    assert doc.meta["date"] == "2024-13-45"


@pytest.mark.parametrize(
    ("raw", "line", "words"),
    [
        (b"---\ntitle: T\nBody without end\n", 1, "not closed"),
        (b"---\ntitle: [unclosed\nx: y\n---\nBody\n", 3, "invalid YAML"),
        (b"---\n- a\n- b\n---\nBody\n", 2, "not a list"),
        (b"---\ntitle: T\n---\nok\n\xff\xfe bad\n", 5, "not UTF-8"),
    ],
)
def test_bad_input_names_path_and_line(raw: bytes, line: int, words: str) -> None:
    with pytest.raises(ContentError) as caught:
        parse_source(Path("content/a.txt"), raw, "a.txt")
    problem = caught.value.problem
    assert (problem.path, problem.line) == ("content/a.txt", line)
    assert words in problem.message and problem.hint
    assert str(caught.value).startswith(f"content/a.txt:{line}: error: ")


@pytest.mark.parametrize(
    "name",
    [
        ".a.txt.swp",
        "a.txt~",
        "#a.txt#",
        ".#a.txt",
        "4913",
        "a.txt___jb_tmp___",
        "a.tmp",
        ".goutputstream-XYZ",
        ".DS_Store",
        "a.part",
        "a.swx",
    ],
)
def test_editor_droppings_are_ignored(name: str) -> None:
    assert is_ignored_name(name)


def test_find_sources_warns_about_non_articles(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.md").write_text("x")
    (tmp_path / "a.txt").write_text("x")
    (tmp_path / "photo.jpg").write_bytes(b"\x00")
    (tmp_path / ".a.txt.swp").write_text("x")
    found, problems = find_sources(tmp_path)
    assert [rel for _, rel in found] == ["a.txt", "sub/b.md"]
    assert len(problems) == 1 and problems[0].severity == "warning"
    assert "photo.jpg" in problems[0].path
