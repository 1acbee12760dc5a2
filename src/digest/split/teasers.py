"""Read the lines after the story as teaser blocks, labelling the rest as boilerplate.

A teaser is `[label] [caption] [credit | credit line] [title] [section] summary...`.  Teaser
lists open with a marker ("More from <Source>", "Related", "Latest") or show themselves by
their shape: an image label above a photo credit.  A read-more link ("keep reading") closes
the teaser above it, and pages that use such links keep every paragraph up to the link in
one teaser; without them each summary paragraph is a teaser of its own.  Comments, share
buttons and footer prompts end the teaser list.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from digest.split.cues import (
    CLOSER,
    CREDIT,
    CREDIT_LINE,
    END,
    HEADING,
    MORE_FROM,
    SPONSOR,
    TEASER_TITLE_MAX_WORDS,
    TEXT,
    TOPIC_REASON,
    ends_sentence,
    is_section_label,
)
from digest.split.page import ImageDraft, Page, TeaserDraft
from digest.split.sponsored import is_sponsored_text

# An image label ("Lockheed Martin NASA") is a short line that does not end like a sentence.
_IMAGE_LABEL_MAX_WORDS = 14

# A tag under a "Topics" heading is a word or two ("Energy", "Oil & gas").
_TAG_MAX_WORDS = 3


def _is_tag(page: Page, i: int) -> bool:
    """Tell whether line `i` could be one tag of a topic list."""
    return page.words(i) <= _TAG_MAX_WORDS and not ends_sentence(page.text[i])


# What a TEXT line is before teasers are built, decided from the line after it.
_PLAIN, _LABEL, _CAPTION = 0, 1, 2


@dataclass(slots=True)
class Tail:
    """What the lines after the story held."""

    more_from: int = -1
    teasers: list[TeaserDraft] = field(default_factory=list)


def read_tail(
    page: Page, idxs: Sequence[int], lead: ImageDraft, repeats: Mapping[str, str]
) -> Tail:
    """Label the non-blank lines `idxs` after the story: lead credit, teasers, boilerplate.

    `lead` is the story's photo, which takes a credit printed right after the story;
    `repeats` maps the casefolded story header lines to the reason a copy is boilerplate.
    """
    reader = _TailReader(page, lead, repeats, idxs)
    for k, i in enumerate(idxs):
        reader.line(k, i)
    reader.close()
    return reader.tail


class _TailReader:
    """A one-pass state machine over the lines after the story."""

    __slots__ = (
        "active",
        "closed",
        "cur",
        "ends_ahead",
        "idxs",
        "kinds",
        "lead",
        "lead_open",
        "page",
        "pending_sponsor",
        "shape",
        "tail",
        "topics",
    )

    def __init__(
        self, page: Page, lead: ImageDraft, repeats: Mapping[str, str], idxs: Sequence[int]
    ) -> None:
        self.page = page
        self.lead = lead
        self.idxs = idxs
        self.tail = Tail()
        self.cur: TeaserDraft | None = None
        self.active = False  # inside a teaser list
        self.closed = False  # past comments or footer: plain text is no teaser
        self.lead_open = True  # nothing but furniture since the story: a credit is the lead's
        self.pending_sponsor = False
        self.topics = False  # right under a "Topics" or "Tags" heading
        lengths = {len(key) for key in repeats}
        self.kinds = [self._kind(i, repeats, lengths) for i in idxs]
        self.ends_ahead = self._ends_ahead()
        self.shape = self._shapes()

    def _kind(self, i: int, repeats: Mapping[str, str], lengths: set[int]) -> str:
        """Return the cue kind of line `i`, with copies of header lines as boilerplate."""
        text = self.page.text[i]
        # Comparing lengths first spares casefolding every long teaser line.
        reason = repeats.get(text.casefold()) if len(text) in lengths else None
        if reason is not None:
            self.page.boiler(i, reason)
            return ""
        return self.page.cue(i).kind

    def _ends_ahead(self) -> list[bool]:
        """Tell per line whether a read-more link follows before comments or footer.

        Such a link closes the teaser above it, so the text up to it is one teaser, however
        many paragraphs it has.
        """
        ahead = [False] * len(self.kinds)
        flag = False
        for k in range(len(self.kinds) - 1, -1, -1):
            kind = self.kinds[k]
            if kind == END:
                flag = True
            elif kind == CLOSER:
                flag = False
            ahead[k] = flag
        return ahead

    def _shapes(self) -> list[int]:
        """Mark TEXT lines that are captions (a credit follows) or image labels."""
        page, kinds = self.page, self.kinds
        shape = [_PLAIN] * len(kinds)
        for k in range(len(kinds) - 2, -1, -1):
            if kinds[k] != TEXT:
                continue
            nxt = kinds[k + 1]
            if nxt == CREDIT:
                shape[k] = _CAPTION
            elif nxt == CREDIT_LINE or shape[k + 1] == _CAPTION:
                i = self.idxs[k]
                if page.words(i) <= _IMAGE_LABEL_MAX_WORDS and not ends_sentence(page.text[i]):
                    shape[k] = _LABEL
        return shape

    def line(self, k: int, i: int) -> None:
        """Take the k-th line after the story (line index `i`)."""
        kind = self.kinds[k]
        page = self.page
        if self.topics:
            # The tags under a "Topics" heading are one or two words each, however many
            # of them repeat the kicker or the section label.
            self.topics = kind in ("", TEXT) and _is_tag(page, i)
            if self.topics:
                page.boiler(i, TOPIC_REASON)
                return
        if not kind:
            return  # a copy of a header line, labelled already
        # Plain text outside a teaser list is a teaser only when a read-more link follows.
        if (
            kind == TEXT
            and self.shape[k] == _PLAIN
            and not self.active
            and (self.closed or not self.ends_ahead[k])
        ):
            page.boiler(i, "after teasers" if self.closed else "after story")
            self.lead_open = False
            return
        if self.lead_open and self._lead_credit(kind, i):
            return
        self.lead_open = False
        if kind == TEXT:  # by far the most common kind: tested first
            self._text(k, i)
        elif kind == MORE_FROM:
            self.close()
            self.active = True
            if self.tail.more_from < 0:
                self.tail.more_from = i
                page.put(i, "more_from", "teaser list heading")
            else:
                page.boiler(i, "teaser list heading")
        elif kind == HEADING:
            self.close()
            self.active = True
            page.boiler(i, "teaser list heading")
        elif kind == END:
            if self.cur is None and not self.active:
                # A "Read more" with no teaser above it heads the list below it.
                self.active = True
                page.boiler(i, "teaser list heading")
            else:
                self.close()
                page.boiler(i, "read-more link")
        elif kind == SPONSOR:
            self._sponsor(i)
        elif kind == CLOSER:
            self.close()
            self.active, self.closed = False, True
            reason = page.cue(i).reason
            self.topics = reason == TOPIC_REASON
            page.boiler(i, reason)
        elif kind == CREDIT:
            self._credit(i)
        elif kind == CREDIT_LINE:
            self.active = True
            cur = self._open_image(i)
            cur.image.credit_line = i
            page.put(i, cur.role("credit_line"), "caption with photo credit")
        else:
            page.boiler(i, page.cue(i).reason)

    def _lead_credit(self, kind: str, i: int) -> bool:
        """Give the story's photo a credit printed right after the story."""
        lead = self.lead
        if kind == CREDIT_LINE and lead.credit_line < 0 and lead.caption < 0:
            lead.credit_line = i
            self.page.put(i, "credit_line", "photo credit after the story")
            return True
        if kind == CREDIT and not lead.is_empty() and not lead.has_credit():
            lead.credit = i
            self.page.put(i, "credit", "photo credit after the story")
            return True
        return False

    def _sponsor(self, i: int) -> None:
        """A sponsor label marks the teaser it follows ("Presented by X") or precedes."""
        cur = self.cur
        if cur is not None and " " in self.page.text[i] and cur.has_text():
            cur.sponsored = True
        else:
            self.close()
            self.pending_sponsor = True
        self.page.boiler(i, "sponsor label")

    def _credit(self, i: int) -> None:
        """Attach a photo credit to the teaser whose caption or label came just before."""
        cur = self.cur
        if cur is not None and not cur.has_text() and not cur.image.has_credit():
            cur.image.credit = i
            self.page.put(i, cur.role("credit"), "photo credit")
        else:
            self.page.boiler(i, "photo credit without a teaser")

    def _open_image(self, i: int) -> TeaserDraft:
        """Return the teaser a new photo belongs to: the one with only a label, or a new one."""
        cur = self.cur
        if cur is not None and cur.is_head_only():
            return cur
        return self._new(i)

    def _new(self, i: int) -> TeaserDraft:
        """Close the current teaser and open the next one at line `i`."""
        self.close()
        cur = self.cur = TeaserDraft(len(self.tail.teasers), i)
        cur.sponsored = self.pending_sponsor
        self.pending_sponsor = False
        return cur

    def _text(self, k: int, i: int) -> None:
        """Place a text line: image label, caption, title, section or summary."""
        self.active = True
        page, shape = self.page, self.shape[k]
        if shape == _LABEL:
            cur = self._new(i)
            cur.label = i
            page.put(i, cur.role("label"), "image label")
            return
        if shape == _CAPTION:
            cur = self._open_image(i)
            cur.image.caption = i
            page.put(i, cur.role("caption"), "photo caption")
            return
        self._plain(k, i)

    def _plain(self, k: int, i: int) -> None:
        """Place a line that is no label or caption: section, title or summary."""
        page = self.page
        text, words = page.text[i], page.words(i)
        cur = self.cur
        if cur is not None and cur.wants_section() and is_section_label(text, words):
            cur.section = i
            page.put(i, cur.role("section"), "short label under the teaser title")
            return
        prose = ends_sentence(text) or words > TEASER_TITLE_MAX_WORDS
        if (
            cur is None
            or (cur.summary and not (prose and self.ends_ahead[k]))
            or (cur.title >= 0 and not prose and not cur.summary)
        ):
            cur = self._new(i)
        # A headline-sized line opens a teaser; after a photo it may even end like a sentence.
        structured = cur.label >= 0 or not cur.image.is_empty()
        if not cur.has_text() and (not prose or (structured and words <= TEASER_TITLE_MAX_WORDS)):
            cur.title = i
            page.put(i, cur.role("title"), "teaser headline")
        else:
            cur.summary.append(i)
            page.put(i, cur.role("summary"), "teaser text")

    def close(self) -> None:
        """Finish the current teaser: decide whether it is paid content."""
        cur = self.cur
        if cur is None:
            return
        text = self.page.text
        if not cur.sponsored:
            parts = [text[j] for j in cur.summary]
            if cur.title >= 0:
                parts.insert(0, text[cur.title])
            cur.sponsored = bool(parts) and is_sponsored_text(" ".join(parts))
        self.tail.teasers.append(cur)
        self.cur = None
