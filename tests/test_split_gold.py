"""The two seed pages split exactly as their hand-made gold says, with and without hints."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from digest.split import Image, SplitResult, split_text

GOLD = Path(__file__).resolve().parent / "data" / "gold"
PAGES = sorted(p.name.removesuffix(".gold.json") for p in GOLD.glob("*.gold.json"))
TEASER_FIELDS = ("label", "caption", "credit", "credit_line", "title", "section", "summary")


def load(name: str) -> tuple[str, dict[str, Any]]:
    gold = json.loads((GOLD / f"{name}.gold.json").read_text("utf-8"))
    return (GOLD / gold["file"]).read_text("utf-8"), gold


def run(name: str, hints: bool) -> tuple[SplitResult, dict[str, Any]]:
    text, gold = load(name)
    if hints:
        return split_text(text, title=gold["title"], source=gold["source_hint"]), gold
    return split_text(text), gold


def image_fields(image: Image | None) -> dict[str, str | None]:
    if image is None:
        return {"caption": None, "credit": None, "credit_line": None}
    return {"caption": image.caption, "credit": image.credit, "credit_line": image.credit_line}


def teaser_view(result: SplitResult) -> list[dict[str, object]]:
    """Our teasers in the gold's shape: every field present, absent ones empty."""
    return [
        {
            "label": t.label,
            **image_fields(t.image),
            "title": t.title,
            "section": t.section,
            "summary": list(t.summary),
            "sponsored": t.sponsored,
        }
        for t in result.teasers
    ]


def gold_teasers(gold: dict[str, Any]) -> list[dict[str, object]]:
    return [
        {
            **{f: t.get(f) for f in TEASER_FIELDS if f != "summary"},
            "summary": t.get("summary", []),
            "sponsored": t.get("sponsored", False),
        }
        for t in gold["teasers"]
    ]


def test_both_samples_are_present() -> None:
    assert PAGES == ["gzero-nato-north-korea", "rs-north-korea-dont-overreact"]


@pytest.mark.parametrize("hints", [False, True], ids=["no-hints", "front-matter-hints"])
@pytest.mark.parametrize("name", PAGES)
class TestGold:
    def test_headline_block(self, name: str, hints: bool) -> None:
        result, gold = run(name, hints)
        story = result.story
        assert story.title == gold["title"]
        assert story.dek == gold["dek"]
        assert list(story.kicker) == gold["kicker"]
        assert story.section == gold["section"]

    def test_lead_image(self, name: str, hints: bool) -> None:
        result, gold = run(name, hints)
        want = {"caption": None, "credit": None, "credit_line": None, **gold["lead_image"]}
        assert image_fields(result.story.lead_image) == want

    def test_body(self, name: str, hints: bool) -> None:
        result, gold = run(name, hints)
        assert list(result.story.body) == gold["body"]

    def test_more_from(self, name: str, hints: bool) -> None:
        result, gold = run(name, hints)
        assert result.more_from == gold["more_from"]

    def test_teasers(self, name: str, hints: bool) -> None:
        result, gold = run(name, hints)
        ours, want = teaser_view(result), gold_teasers(gold)
        assert len(ours) == len(want)
        for number, (got, expected) in enumerate(zip(ours, want, strict=True)):
            assert got == expected, f"teaser {number}"

    def test_gold_boilerplate_is_ours_with_reasons(self, name: str, hints: bool) -> None:
        result, gold = run(name, hints)
        ours = [b.text for b in result.boilerplate]
        for text in gold["boilerplate"]:
            assert text in ours
            ours.remove(text)  # a line the gold lists twice must be ours twice
        assert all(b.reason for b in result.boilerplate)

    def test_every_line_labelled_once(self, name: str, hints: bool) -> None:
        result, _ = run(name, hints)
        text, _ = load(name)
        nonblank = [n for n, line in enumerate(text.split("\n"), 1) if line.strip()]
        assert [label.line for label in result.labels] == nonblank


def test_line_numbers_follow_first_line() -> None:
    text, gold = load("rs-north-korea-dont-overreact")
    result = split_text(text, first_line=7)
    title = next(label for label in result.labels if label.role == "title")
    assert (title.line, title.text) == (5 + 6, gold["title"])
    assert result.teasers[0].line == 50 + 6
    assert result.boilerplate[0].line == 1 + 6
