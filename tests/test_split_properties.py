"""Nothing is lost: every non-blank line of any text gets exactly one label, and its text is
found in the field (or boilerplate entry) the label names."""

from __future__ import annotations

import re
from collections import Counter

from hypothesis import given, settings
from hypothesis import strategies as st

from digest.split import SplitResult, split_text

SENTENCES = st.sampled_from(
    [
        "The council voted on Tuesday to raise the sea wall along the northern harbour.",
        "Engineers said the wall was built for a storm expected once in fifty years, "
        "and such storms have now come three times in a decade.",
        "“We cannot wait for the next flood,” the mayor told reporters on the quay.",
        "Residents will be asked to move their cars whenever a storm warning is issued.",
        "Die Arbeiten sollen etwa zwölf Millionen Euro kosten, teilte der Stadtrat mit.",
        "市议会周二投票决定将北港海堤加高一米。",
    ]
)
LABELS = st.sampled_from(
    ["Climate", "QiOSK", "Europe", "Kim Jong Un", "Military Industrial Complex", "Ελλάδα"]
)
MARKERS = st.sampled_from(
    [
        "More from The Coast Courier",
        "Related",
        "Related articles",
        "You may also like",
        "keep readingShow less",
        "Read more",
        "Show less",
        "LATEST",
        "Comments",
        "Newsletter",
        "Sponsored",
        "Advertisement",
        "Presented by Northwind",
        "Follow us on social",
        "REUTERS/Jane Doe",
        "AP Photo/John Smith",
        "(Photo by Anna Weber/Harbour Press)",
        "Getty Images",
        "Top photo credit: Waves break over the harbour wall in the second storm. (AP/Jane Doe)",
        "By Marta Rossi",
        "Learn how Northwind pumps keep cellars dry.",
        "Harbour towns brace for a wetter winter",
    ]
)
LINES = st.one_of(
    SENTENCES,
    st.lists(SENTENCES, min_size=2, max_size=4).map(" ".join),
    LABELS,
    MARKERS,
    st.text(max_size=40),
    st.just(""),
    st.sampled_from(["   ", "\t", "\u00a0"]),
)
NEWLINES = st.sampled_from(["\n", "\r\n", "\r"])


@st.composite
def pages(draw: st.DrawFn) -> str:
    """A page text: random lines joined by one newline style, sometimes doubled."""
    lines = draw(st.lists(LINES, max_size=30))
    newline = draw(NEWLINES)
    gaps = draw(st.lists(st.booleans(), min_size=len(lines), max_size=len(lines)))
    return "".join(
        line + newline * (2 if gap else 1) for line, gap in zip(lines, gaps, strict=True)
    )


def nonblank_lines(text: str, first_line: int) -> dict[int, str]:
    """The file line numbers and stripped text of the non-blank lines, as a reader sees them."""
    lines = re.split(r"\r\n|\r|\n", text)
    return {n: line.strip() for n, line in enumerate(lines, first_line) if line.strip()}


def field_texts(result: SplitResult) -> Counter[tuple[str, str]]:
    """Every (role, text) that the result's fields hold, as labels would name them."""
    story = result.story
    found: Counter[tuple[str, str]] = Counter()
    for role, value in (("title", story.title), ("dek", story.dek), ("section", story.section)):
        if value is not None:
            found[role, value] += 1
    found.update(("kicker", k) for k in story.kicker)
    image = story.lead_image
    if image is not None:
        for role, value in (
            ("caption", image.caption),
            ("credit", image.credit),
            ("credit_line", image.credit_line),
        ):
            if value is not None:
                found[role, value] += 1
    for n, teaser in enumerate(result.teasers):
        parts = [("label", teaser.label), ("title", teaser.title), ("section", teaser.section)]
        if teaser.image is not None:
            parts += [
                ("caption", teaser.image.caption),
                ("credit", teaser.image.credit),
                ("credit_line", teaser.image.credit_line),
            ]
        parts += [("summary", s) for s in teaser.summary]
        found.update((f"teaser[{n}].{part}", value) for part, value in parts if value is not None)
    found.update(("boilerplate", b.text) for b in result.boilerplate)
    return found


def check(text: str, result: SplitResult, first_line: int) -> None:
    lines = nonblank_lines(text, first_line)
    numbers = [label.line for label in result.labels]
    assert numbers == sorted(set(numbers)), "each line is labelled once, in order"
    assert set(numbers) == set(lines), "exactly the non-blank lines are labelled"
    for label in result.labels:
        assert label.text == lines[label.line]
        assert label.reason and label.reason != "not placed by the splitter"
    # The body is exactly its lines, in order; every other label names a field holding it.
    body_lines = [label.text for label in result.labels if label.role == "body"]
    assert " ".join(result.story.body) == " ".join(body_lines)
    others = Counter(
        (label.role, label.text)
        for label in result.labels
        if label.role not in ("body", "more_from")
    )
    assert others == field_texts(result)
    more_from = [label.text for label in result.labels if label.role == "more_from"]
    assert len(more_from) == (result.more_from is not None)
    if result.more_from is not None:
        assert result.more_from in more_from[0]
    for teaser in result.teasers:
        assert teaser.line in numbers
    boiler_lines = {b.line for b in result.boilerplate}
    assert boiler_lines == {lb.line for lb in result.labels if lb.role == "boilerplate"}


@settings(max_examples=200, deadline=None)
@given(pages(), st.integers(min_value=1, max_value=50))
def test_every_line_is_labelled_once_and_kept(text: str, first_line: int) -> None:
    check(text, split_text(text, first_line=first_line), first_line)


@settings(max_examples=100, deadline=None)
@given(pages(), st.sampled_from(["Harbour towns brace for a wetter winter", "Europe", ""]))
def test_hints_never_lose_lines(text: str, title: str) -> None:
    result = split_text(text, title=title or None, source="The Coast Courier")
    check(text, result, 1)


@settings(max_examples=200, deadline=None)
@given(st.text(), st.one_of(st.none(), st.text(max_size=30)), st.one_of(st.none(), st.text()))
def test_any_string_splits_without_error(text: str, title: str | None, source: str | None) -> None:
    check(text, split_text(text, title=title, source=source), 1)
