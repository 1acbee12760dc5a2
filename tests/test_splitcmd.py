"""`build.py split`: story body on stdout, --out-dir, --explain, errors with path:line."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from digest.split import split_text
from digest.splitcmd import main

ARTICLES = Path(__file__).resolve().parent / "data" / "articles"
PAGE = (ARTICLES / "more_from_source_teasers.txt").read_text("utf-8")
FRONT = '---\ntitle: "Harbour towns brace for a wetter winter"\nsource: The Coast Courier\n---\n'
BODY = "\n\n".join(split_text(PAGE).story.body) + "\n"


def test_the_sample_page_has_a_three_paragraph_story() -> None:
    # What the other tests expect on stdout: the story alone, no title, caption or teaser.
    paragraphs = BODY.split("\n\n")
    assert len(paragraphs) == 3
    assert paragraphs[0].startswith("The council voted on Tuesday")
    assert "More from" not in BODY and "AP Photo" not in BODY and "Fishermen" not in BODY


def write(tmp_path: Path, name: str, text: str | bytes) -> Path:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, "utf-8")
    return path


def test_prints_the_story_body_only(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, "harbour.txt", FRONT + PAGE)
    assert main([str(path)]) == 0
    out, err = capsys.readouterr()
    assert out == BODY
    assert err == ""


def test_several_files_get_headers(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    a = write(tmp_path, "a.txt", PAGE)
    b = write(tmp_path, "b.txt", FRONT + PAGE)
    assert main([str(a), str(b)]) == 0
    out = capsys.readouterr().out
    assert out == f"==> {a} <==\n{BODY}\n==> {b} <==\n{BODY}"


def test_out_dir_writes_one_file_per_input(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    a = write(tmp_path, "a.txt", PAGE)
    b = write(tmp_path, "b.md", FRONT + PAGE)
    out_dir = tmp_path / "out" / "bodies"
    assert main([str(a), str(b), "--out-dir", str(out_dir)]) == 0
    assert capsys.readouterr().out == ""
    assert sorted(p.name for p in out_dir.iterdir()) == ["a.txt", "b.txt"]
    assert (out_dir / "a.txt").read_text("utf-8") == BODY


def test_out_dir_refuses_two_inputs_with_one_name(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    a = write(tmp_path, "a.txt", PAGE)
    (tmp_path / "sub").mkdir()
    b = write(tmp_path, "sub/a.txt", PAGE)
    assert main([str(a), str(b), "--out-dir", str(tmp_path / "out")]) == 1
    assert f"{b}:1: error: " in capsys.readouterr().err


def test_explain_lists_every_line_with_file_line_numbers(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, "harbour.txt", FRONT + PAGE)
    assert main(["--explain", str(path)]) == 0
    rows = capsys.readouterr().out.splitlines()
    assert len(rows) == 11  # the non-blank lines of PAGE
    first = rows[0]
    assert first.startswith(" 5  title ")  # front-matter takes lines 1-4
    assert "| Harbour towns brace for a wetter winter  (" in first
    roles = [row.split()[1] for row in rows]
    assert roles == [
        "title",
        "caption",
        "credit",
        "body",
        "body",
        "body",
        "more_from",
        "teaser[0].summary",
        "teaser[1].caption",
        "teaser[1].credit",
        "teaser[1].summary",
    ]
    # Columns line up: every text starts at the same place.
    assert len({row.index("| ") for row in rows}) == 1
    assert all(row.endswith(")") for row in rows)


def test_explain_shortens_long_lines(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, "a.txt", PAGE)
    main(["--explain", str(path)])
    body_row = capsys.readouterr().out.splitlines()[3]
    assert "…  (story text)" in body_row


def test_errors_name_path_and_line_after_all_files(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "missing.txt"
    bad_yaml = write(tmp_path, "bad.txt", "---\ntitle: [unclosed\n---\nText\n")
    latin1 = write(tmp_path, "latin1.txt", "Caf\xe9 line\n".encode("latin-1"))
    good = write(tmp_path, "good.txt", PAGE)
    assert main([str(missing), str(bad_yaml), str(latin1), str(good)]) == 1
    out, err = capsys.readouterr()
    assert f"==> {good} <==\n{BODY}" in out
    assert f"{missing}:1: error: cannot read file" in err
    assert re.search(rf"^{re.escape(str(bad_yaml))}:\d+: error: invalid YAML", err, re.M)
    assert f"{latin1}:1: error: file is not UTF-8" in err


def test_a_page_without_story_is_a_warning(capsys: pytest.CaptureFixture[str]) -> None:
    path = ARTICLES / "no_story_only_menu.txt"
    assert main([str(path)]) == 0
    out, err = capsys.readouterr()
    assert out == ""
    assert f"{path}:1: warning: no story body found" in err


@pytest.mark.parametrize("argv", [[], ["--out-dir"], ["--bogus", "a.txt"]])
def test_usage_errors_exit_2(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(argv) == 2
    assert "usage: build.py split" in capsys.readouterr().err
