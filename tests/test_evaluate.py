"""The split-quality measurement: bag-of-words scores, report, command line."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import pytest

from digest.errors import ContentError
from digest.evaluate import bag, evaluate_dir, format_report, main, score


def first_line_only(text: str, title: str | None, first_line: int) -> Sequence[str]:
    """A stand-in splitter whose output is easy to score by hand."""
    return text.split("\n")[:1]


def write_case(folder: Path, name: str, text: str, body: object) -> None:
    (folder / f"{name}.txt").write_text(text, "utf-8")
    (folder / f"{name}.gold.json").write_text(json.dumps({"body": body}), "utf-8")


@pytest.fixture
def cases(tmp_path: Path) -> Path:
    # a: exact; b: twice the words needed; c: nothing predicted.
    write_case(tmp_path, "a", "Alpha beta\nnoise noise", "alpha beta")
    write_case(tmp_path, "b", "alpha beta gamma delta\nx", ["alpha", "beta"])
    write_case(tmp_path, "c", "\nsomething", "something")
    return tmp_path


def test_bag_counts_lowercased_unicode_words() -> None:
    assert bag("Über über, naïve-test 42") == {"über": 2, "naïve": 1, "test": 1, "42": 1}


def test_score_uses_word_multiplicity() -> None:
    # predicted: a a b (3 words); gold: a b b c (4 words); shared: a, b.
    result = score("a a b", "a b b c")
    assert (result.precision, result.recall) == (pytest.approx(2 / 3), pytest.approx(2 / 4))
    assert result.f1 == pytest.approx(2 * (2 / 3) * (1 / 2) / (2 / 3 + 1 / 2))


def test_empty_prediction_scores_zero() -> None:
    assert score("", "some gold words").f1 == 0.0


def test_evaluate_dir_scores_each_document_and_the_baseline(cases: Path) -> None:
    report = evaluate_dir(cases, splitter=first_line_only)
    f1 = {doc.name: round(doc.split.f1, 4) for doc in report.docs}
    assert f1 == {"a": 1.0, "b": round(2 / 3, 4), "c": 0.0}
    baseline = {doc.name: round(doc.baseline.f1, 4) for doc in report.docs}
    # a: 2 of 4 words right; b: 2 of 5; c: the whole text is the gold.
    assert baseline == {"a": round(2 / 3, 4), "b": round(4 / 7, 4), "c": 1.0}
    assert report.split.f1 == pytest.approx((1 + 2 / 3 + 0) / 3)
    assert report.split.median_f1 == pytest.approx(2 / 3)
    assert report.split.recall == pytest.approx(2 / 3)
    assert [doc.name for doc in report.worst(2)] == ["c", "b"]


def test_report_text_lists_scores_worst_documents_and_throughput(cases: Path) -> None:
    text = format_report(evaluate_dir(cases, splitter=first_line_only), worst=1)
    assert "documents: 3" in text
    assert "splitter: F1 0.556" in text
    assert "whole text: F1 0.746" in text
    assert "worst 1:\n  c " in text
    assert "pages/s" in text


def test_front_matter_title_reaches_the_splitter(tmp_path: Path) -> None:
    seen: list[str | None] = []

    def spy(text: str, title: str | None, first_line: int) -> Sequence[str]:
        seen.append(title)
        assert first_line == 4
        return [text]

    write_case(tmp_path, "fm", "---\ntitle: Head line\n---\nBody words here.\n", "body words here")
    report = evaluate_dir(tmp_path, splitter=spy)
    assert seen == ["Head line"]
    assert report.docs[0].split.f1 == 1.0


def test_gold_title_can_stand_in_for_front_matter(tmp_path: Path) -> None:
    seen: list[str | None] = []

    def spy(text: str, title: str | None, first_line: int) -> Sequence[str]:
        seen.append(title)
        return [text]

    (tmp_path / "g.txt").write_text("Body words here.", "utf-8")
    (tmp_path / "g.gold.json").write_text('{"body": "body", "title": "Gold head"}', "utf-8")
    evaluate_dir(tmp_path, splitter=spy)
    evaluate_dir(tmp_path, splitter=spy, use_gold_title=True)
    assert seen == [None, "Gold head"]


def test_product_splitter_finds_a_plain_story(tmp_path: Path) -> None:
    story = [
        "The council approved the new budget on Monday after a long debate about schools.",
        "Members said the plan would add teachers and repair three old buildings this year.",
        "The mayor thanked residents who came to the meeting and answered their questions.",
    ]
    text = "\n".join(["Home", "News", "Sport", "", *story, "", "Comments", "Nice one"])
    write_case(tmp_path, "plain", text, story)
    report = evaluate_dir(tmp_path)
    assert report.docs[0].split.f1 == 1.0
    assert report.docs[0].baseline.f1 < 1.0


def test_missing_gold_file_is_a_content_error(tmp_path: Path) -> None:
    (tmp_path / "lonely.txt").write_text("text", "utf-8")
    with pytest.raises(ContentError, match=r"lonely\.txt:1: .*no gold file lonely\.gold\.json"):
        evaluate_dir(tmp_path, splitter=first_line_only)


def test_gold_without_body_is_a_content_error(tmp_path: Path) -> None:
    (tmp_path / "x.txt").write_text("text", "utf-8")
    (tmp_path / "x.gold.json").write_text('{"url": "u"}', "utf-8")
    with pytest.raises(ContentError, match="no `body`"):
        evaluate_dir(tmp_path, splitter=first_line_only)


def test_empty_folder_is_a_content_error(tmp_path: Path) -> None:
    with pytest.raises(ContentError, match=r"no NAME\.txt cases"):
        evaluate_dir(tmp_path)


def test_command_prints_report_and_fails_cleanly(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_case(tmp_path, "one", "One short story line that ends well.", "one short story line")
    assert main([str(tmp_path), "--worst", "1"]) == 0
    assert "documents: 1" in capsys.readouterr().out
    assert main([str(tmp_path / "missing")]) == 1
    assert "no NAME.txt cases" in capsys.readouterr().err
