"""Build the story around the body region: headline block, lead photo, body, teasers.

The region finder (`region.find_region`) says which lines are the story body.  This module
reads what stands around it.  Before the body: kicker labels, the headline, the standfirst
(dek), a section label and the lead photo's caption and credit.  After it: a late photo
credit, then teasers (see `teasers`).  Every non-blank line gets exactly one role; lines
that are none of these are kept as boilerplate with the reason why.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import chain

from digest.split.cues import (
    CREDIT,
    CREDIT_LINE,
    DEK_MIN_WORDS,
    HEADING,
    MARKER_MAX_WORDS,
    MORE_FROM,
    TEXT,
    TITLE_MAX_WORDS,
    TITLE_MIN_WORDS,
    ends_sentence,
    is_label,
    is_section_label,
)
from digest.split.page import BOILERPLATE, ImageDraft, Page, line_or_none
from digest.split.region import Region
from digest.split.result import Boilerplate, LineLabel, SplitResult, Story
from digest.split.teasers import read_tail

# More short label lines than this above the headline are a menu, not a kicker.
_MAX_KICKER_LINES = 2
# A line printed twice with at least this many words is a photo caption.
_REPEAT_MIN_WORDS = 8
# Only the first few body paragraphs are checked for a caption or headline the body took in.
_HEAD_CHECKS = 3
# Every line gets a label even if a later change forgets to place it; the property tests
# fail on this reason, so it shows a bug instead of hiding a line.
_NOT_PLACED = "not placed by the splitter"
_BODY = ("body", "story text")
_KICKER_COPY = "repeated kicker"
# No marker line of at most MARKER_MAX_WORDS words is longer than this.
_MARKER_MAX_CHARS = 120


@dataclass(slots=True)
class _Header:
    """The lines found above the story body."""

    title: int = -1
    dek: int = -1
    kicker: list[int] = field(default_factory=list)
    section: int = -1
    image: ImageDraft = field(default_factory=ImageDraft)


def assemble(
    text: list[str], region: Region, *, title: str | None, source: str | None, first_line: int
) -> SplitResult:
    """Turn stripped page lines and their story region into a SplitResult."""
    page = Page(text, region)
    body = list(region.paragraphs)
    want = _norm(title) if title else ""
    body = _trim_head(page, body, want)
    head_end = body[0][0] if body else _first_marker(page)
    header = _read_header(page, page.nonblank(0, head_end), want, source)
    repeats = _repeats(page, header)
    body = _cut_end(page, body, max(region.end, head_end), repeats)
    body_end = body[-1][-1] if body else head_end - 1
    roles = page.roles
    roles.update(dict.fromkeys(chain.from_iterable(body), _BODY))
    # The region gave every line inside it that is no story text its reason.
    for i, why in region.reasons.items():
        if head_end <= i <= body_end and i not in roles:
            page.boiler(i, why)
    # Most paragraphs are one line: joining is for hard-wrapped ones.
    paragraphs = tuple(
        [text[p[0]] if len(p) == 1 else " ".join([text[i] for i in p]) for p in body]
    )
    tail = read_tail(page, page.nonblank(body_end + 1, len(text)), header.image, repeats)
    story = Story(
        title=line_or_none(text, header.title),
        dek=line_or_none(text, header.dek),
        kicker=tuple([text[i] for i in header.kicker]),
        section=line_or_none(text, header.section),
        lead_image=header.image.freeze(text),
        body=paragraphs,
    )
    labels, boilerplate = _labels(page, first_line)
    return SplitResult(
        story=story,
        more_from=_more_from(page, tail.more_from),
        teasers=tuple([t.freeze(text, first_line) for t in tail.teasers]),
        boilerplate=boilerplate,
        labels=labels,
    )


def _read_header(page: Page, idxs: Sequence[int], want: str, source: str | None) -> _Header:
    """Label the non-blank lines `idxs` above the body; `want` is the normalised title hint."""
    header = _Header()
    site = source.casefold() if source else None
    hinted = next((i for i in idxs if _same_title(page.text[i], want)), -1) if want else -1
    lines: list[int] = []  # candidates for headline, kicker, dek, section and photo
    for i in idxs:
        if i == hinted:
            continue
        kind = page.cue(i).kind
        if kind == TEXT and site is not None and page.text[i].casefold() == site:
            page.boiler(i, "site name")
        elif kind == TEXT and "\t" in page.text[i]:
            # Cells copied from a table keep their tabs: no headline, label or standfirst.
            page.boiler(i, "table row")
        elif kind in (TEXT, CREDIT, CREDIT_LINE):
            lines.append(i)
        else:
            page.boiler(i, page.cue(i).reason)
    lines = _find_image(page, lines, header.image)
    if hinted >= 0:
        header.title = hinted
        lines = sorted([*lines, hinted])
    else:
        header.title = _find_title(page, lines)
    if header.title < 0:
        for i in lines:
            page.boiler(i, "before story")
        return header
    at = lines.index(header.title)
    page.put(
        header.title, "title", "headline" if hinted >= 0 else "headline-like line above the story"
    )
    _read_kicker(page, lines[:at], header)
    for k, i in enumerate(lines[at + 1 :]):
        text, words = page.text[i], page.words(i)
        if k == 0 and words >= DEK_MIN_WORDS:
            header.dek = i
            page.put(i, "dek", "standfirst under the headline")
        elif (
            header.section < 0
            and is_section_label(text, words)
            # right under the headline block or right above the story, not amid buttons
            and (i == idxs[-1] or _adjacent(page, max(header.title, header.dek), i))
        ):
            header.section = i
            page.put(i, "section", "section label above the story")
        else:
            page.boiler(i, page.cue(i).reason or "between headline and story")
    return header


def _adjacent(page: Page, above: int, below: int) -> bool:
    """Tell whether only blank lines stand between lines `above` and `below`."""
    return not any(page.text[above + 1 : below])


def _find_image(page: Page, lines: list[int], image: ImageDraft) -> list[int]:
    """Find the lead photo (first caption and credit); return the lines left over."""
    text = page.text
    caption_text = ""
    for k, i in enumerate(lines):
        kind = page.cue(i).kind
        if kind == CREDIT_LINE:
            if image.credit_line < 0 and image.credit < 0:
                image.credit_line = i
                page.put(i, "credit_line", "caption with photo credit")
            else:
                page.boiler(i, "photo credit of another picture")
        elif kind == CREDIT:
            # The caption is the line right above its credit, with nothing in between.
            prev = lines[k - 1] if k else -1
            is_caption = prev >= 0 and page.cue(prev).kind == TEXT and _adjacent(page, prev, i)
            if image.is_empty():
                image.credit = i
                page.put(i, "credit", "photo credit")
                if is_caption:
                    caption_text = text[prev].casefold()
            else:
                page.boiler(i, "photo credit of another picture")
                if is_caption and prev not in page.roles:
                    page.boiler(prev, "photo caption of another picture")
    if not caption_text:
        caption_text = _repeated_line(page, lines)
    rest: list[int] = []
    for i in lines:
        if i in page.roles:
            continue
        if caption_text and text[i].casefold() == caption_text:
            if image.caption < 0:
                image.caption = i
                page.put(i, "caption", "photo caption")
            else:
                page.boiler(i, "repeated caption")
        elif page.cue(i).kind == TEXT:
            rest.append(i)
    return rest


def _repeated_line(page: Page, lines: Sequence[int]) -> str:
    """Return the casefolded text of the first long line printed twice, or ''."""
    seen: set[str] = set()
    for i in lines:
        if page.cue(i).kind == TEXT and page.words(i) >= _REPEAT_MIN_WORDS:
            key = page.text[i].casefold()
            if key in seen:
                return key
            seen.add(key)
    return ""


def _find_title(page: Page, lines: Sequence[int]) -> int:
    """Return the headline: the headline-sized line nearest above the body.

    Menus and site furniture come first on a page and the headline sits right above the
    story, so the search runs upwards.  The nearest line is the standfirst of a
    headline-sized line right above it when it ends with a full stop and that one does not
    (headlines seldom do), or when it is the longer of the two.
    """
    sized = [k for k, i in enumerate(lines) if _is_headline_sized(page, i)]
    if not sized:
        return -1
    k = sized[-1]
    if len(sized) > 1 and sized[-2] == k - 1:
        above, near = lines[k - 1], lines[k]
        stop_near = page.text[near][-1] == "."
        if (stop_near and page.text[above][-1] != ".") or (
            page.words(near) >= DEK_MIN_WORDS and page.words(near) > page.words(above)
        ):
            return above
    return lines[k]


def _is_headline_sized(page: Page, i: int) -> bool:
    """Tell whether a line could be a headline: not a label, not a paragraph."""
    words = page.words(i)
    return TITLE_MIN_WORDS <= words <= TITLE_MAX_WORDS or (
        words < TITLE_MIN_WORDS and ends_sentence(page.text[i])
    )


def _read_kicker(page: Page, before: Sequence[int], header: _Header) -> None:
    """Take the short labels right above the headline as kicker; a longer run is a menu."""
    candidates = set(before)
    run: list[int] = []
    for j in range(header.title - 1, -1, -1):
        if not page.text[j]:
            continue
        if j not in candidates or not is_label(page.text[j], page.words(j)):
            break
        run.append(j)
    kicker = run if len(run) <= _MAX_KICKER_LINES else []
    for i in before:
        if i in kicker:
            header.kicker.append(i)
            page.put(i, "kicker", "short label above the headline")
        else:
            page.boiler(i, "menu above the headline" if i in run else "before headline")


def _trim_head(page: Page, body: list[tuple[int, ...]], want: str) -> list[tuple[int, ...]]:
    """Give back a headline or photo caption that the body region took in at its start."""
    text = page.text
    for _ in range(_HEAD_CHECKS):
        if len(body) < 2 or len(body[0]) != 1:
            break
        i = body[0][0]
        nxt = body[1][0]
        between = page.nonblank(i + 1, nxt)
        if (
            (want and _same_title(text[i], want))
            or (between and page.cue(between[0]).kind == CREDIT)
            or text[i] == text[nxt]
        ):
            body = body[1:]
        else:
            break
    return body


def _cut_end(
    page: Page, body: list[tuple[int, ...]], end: int, repeats: dict[str, str]
) -> list[tuple[int, ...]]:
    """End the body at a teaser marker or a copy of a header line inside the region.

    The heading of a box of links that the region ran past ("Related", "Most read") is no
    end, and neither is a copy of a kicker: "Video" or "Analysis" also labels an embed.
    """
    if not body:
        return body
    text = page.text
    for i in page.nonblank(body[0][0], end + 1):
        # Markers and copied labels are short and no sentences: cheap tests come first.
        line = text[i]
        if len(line) > _MARKER_MAX_CHARS or line[-1] in ".!?" or page.words(i) > MARKER_MAX_WORDS:
            continue
        copy = repeats.get(line.casefold())
        if (copy is not None and copy != _KICKER_COPY) or (
            page.cue(i).kind in (MORE_FROM, HEADING) and not page.is_box_heading(i)
        ):
            return [para for para in body if para[-1] < i]
    return body


def _first_marker(page: Page) -> int:
    """Return the first teaser marker line when no body was found (the header ends there)."""
    for i in page.nonblank(0, len(page.text)):
        if page.words(i) <= MARKER_MAX_WORDS and page.cue(i).kind in (MORE_FROM, HEADING):
            return i
    return len(page.text)


def _repeats(page: Page, header: _Header) -> dict[str, str]:
    """Map the casefolded header lines to the reason a later copy of them is boilerplate."""
    text = page.text
    found = {
        header.title: "repeated headline",
        header.dek: "repeated standfirst",
        header.section: "repeated section label",
        header.image.caption: "repeated caption",
    }
    found.update(dict.fromkeys(header.kicker, _KICKER_COPY))
    return {text[i].casefold(): reason for i, reason in found.items() if i >= 0}


def _labels(page: Page, first_line: int) -> tuple[tuple[LineLabel, ...], tuple[Boilerplate, ...]]:
    """Return one label per non-blank line, and the boilerplate among them, in line order."""
    get, text = page.roles.get, page.text
    unplaced = (BOILERPLATE, _NOT_PLACED)
    labels: list[LineLabel] = []
    boilerplate: list[Boilerplate] = []
    for i in page.lines:
        role, reason = get(i, unplaced)
        labels.append(LineLabel(i + first_line, text[i], role, reason))
        if role == BOILERPLATE:
            boilerplate.append(Boilerplate(i + first_line, text[i], reason))
    return tuple(labels), tuple(boilerplate)


def _more_from(page: Page, i: int) -> str | None:
    """Return the source named by the "More from" line `i`, or None."""
    return page.cue(i).name if i >= 0 else None


def _same_title(line: str, want: str) -> bool:
    """Tell whether a line is the headline given as the normalised hint `want`."""
    if len(line) > 3 * len(want) + 40:
        return False  # far too long, whatever its spacing: spare normalising it
    got = _norm(line)
    if got == want:
        return True
    # A page may add the site name to the headline, or the hint may carry it.
    if want in got:
        return len(got) <= 2 * len(want) + 20
    return bool(got) and got in want and 2 * len(got) >= len(want)


def _norm(text: str) -> str:
    """Casefold and collapse whitespace, for comparing headlines."""
    return " ".join(text.casefold().split())
