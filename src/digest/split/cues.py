"""What a line outside the story body is: teaser marker, photo credit, sponsor label, ...

The region finder decides where the story is; this module names the page furniture
around it.  Each test is one precompiled pattern on the lowercased line (anchored, so a
miss costs little), and only lines outside the body are ever classified.  Phrase lists are
generic page vocabulary in several languages; the shape of a line (its length, whether it
ends like a sentence, what stands next to it) decides the rest.
"""

from __future__ import annotations

import re
from typing import Final, NamedTuple

from digest.split import _lines
from digest.split._lines import (
    BARRIER,
    BOX,
    FURNITURE_MAX_WORDS,
    LINK,
    PROSE,
    SHORT,
    sentence_end,
)
from digest.split.phrases import (
    BARRIER_RE,
    BOILERPLATE_RE,
    BOILERPLATE_REASONS,
    CAPTION_TAIL_RE,
    CREDIT_RE,
    CREDIT_SUFFIXES,
    DATE,
    LEGAL_REASON,
    MONTH,
    PUBLISHED,
    TEASER_CLOSER_RE,
    WEEKDAY,
    is_slash_credit,
)

# The region finder's kinds for stock furniture and photo credits (named apart from ours).
_STOCK: Final = _lines.BOILER
_PHOTO_CREDIT: Final = _lines.CREDIT

# Line kinds, from page furniture to content.
MORE_FROM: Final = "more_from"  # "More from <Source>": a teaser list follows
HEADING: Final = "heading"  # "Related", "Latest", ...: a teaser list follows
END: Final = "end"  # "Read more", "keep reading": closes the teaser above it
SPONSOR: Final = "sponsor"  # "Sponsored", "Advertisement": marks the next teaser paid
CREDIT: Final = "credit"  # "REUTERS/Name": a photo credit on its own
CREDIT_LINE: Final = "credit_line"  # "Photo credit: <caption> (Agency)": caption and credit
CLOSER: Final = "closer"  # comments, share or footer furniture: no teasers follow
BOILER: Final = "boiler"  # other stock furniture
BYLINE: Final = "byline"  # "By Jane Doe", "Nov 19, 2019, 10:31 pm"
TEXT: Final = "text"  # anything else: headline, label, caption or prose

# What a topic or tag list heading and its tags are labelled.
TOPIC_REASON: Final = "topic list"
# How much of a long line the anchored patterns look at.
_HEAD_CHARS: Final = 80
# Furniture short enough to be a marker; longer lines are prose that happens to start alike.
MARKER_MAX_WORDS: Final = 8
# A credit standing alone is short; a longer line that opens like one carries the caption.
CREDIT_MAX_WORDS: Final = 12
# A label (kicker, section, image label) is a few words that do not end like a sentence.
LABEL_MAX_WORDS: Final = 5
# A section label ("Europe", "Military Industrial Complex") is shorter still.
SECTION_MAX_WORDS: Final = 3
# A headline is at least this long; shorter lines above it are kickers or navigation.
TITLE_MIN_WORDS: Final = 4
# ... and at most this long; longer lines are standfirsts or paragraphs.
TITLE_MAX_WORDS: Final = 30
# A standfirst (dek) under the headline is at least this long.
DEK_MIN_WORDS: Final = 6
# Teaser titles are at most this long; longer lines are summaries.
TEASER_TITLE_MAX_WORDS: Final = 24

# Boilerplate after which the page holds no more teasers (footer, comments, sign-up): the
# reasons `phrases` gives such lines.
_CLOSING_REASONS: Final = frozenset(
    {
        "subscription prompt",
        "follow prompt",
        "copyright line",
        "cookie notice",
        "privacy notice",
        LEGAL_REASON,
    }
)

# "More from <Source>"; the source name must start with a capital (checked by the caller),
# which keeps "Plus de 40 morts" and "Más de 300 heridos" out.
_MORE_FROM_RE: Final = re.compile(
    r"(?i:more\s+(?:stories\s+|articles\s+|news\s+|coverage\s+)?from|mehr\s+von|plus\s+de"
    r"|m[áa]s\s+de|mais\s+d[eoa]s?|altro\s+da|meer\s+van|więcej\s+od|daha\s+fazla)"
    r"\s+(?:the\s+)?(?P<name>\S.{0,60})"
)

# Words that, inside such a heading, show it opens comments or share buttons instead.
_NOT_TEASERS_RE: Final = re.compile(
    r".*(?:comment|respon|repl|reaction|discussion|conversation|kommentar|réaction|comentar"
    r"|comentár|commenti|reactie|share|teilen|partager|compartir|condividi|поделиться"
    r"|коммент|コメント|评论|留言|댓글|about\s+the\s+author|author\s+bio|tags?\s*:|topics\s*:"
    r"|filed\s+under)"
)
# Explicit sponsor labels: the label alone, or "Presented by <Name>".
_SPONSOR_RE: Final = re.compile(
    r"(?:(?:sponsored|paid|partner|promoted|sponsorisé|patrocinado|sponsorizzato)"
    r"(?:\s+(?:content|post|story|stories|partnership|contenu|contenido|conteúdo|contenuto))?"
    r"|advertorial|advertisement|anzeige|werbung|gesponsert|publicité|publicidad|publicidade"
    r"|pubblicità|gesponsord|advertentie|реклама|広告|광고|广告)[\s\W]*$"
    r"|(?:presented|brought\s+to\s+you|sponsored|paid\s+for)\s+by\s+\S"
    r"|(?:in\s+partnership\s+with|präsentiert\s+von|en\s+partenariat\s+avec|presentado\s+por"
    r"|en\s+colaboración\s+con|apresentado\s+por|in\s+collaborazione\s+con)\s+\S"
)
# Credits the shared credit patterns miss: "Photograph: Jane Doe".
_MORE_CREDITS_RE: Final = re.compile(r"(?:photograph|fotograf[íi]a|photographie|fotografie)\s*:")
# "Top photo credit:", "Image credit:" at the start of a line that goes on with the caption.
_CREDIT_PREFIX_RE: Final = re.compile(
    r"(?:(?:top|lead|main|header|featured|cover|hero|banner)\s+)?"
    r"(?:photo|image|picture|video|foto|bild)s?\s*(?:credit|courtesy)?\s*:"
)
# A caption that ends with its credit in brackets: "... (AP Photo/Jane Doe)", "(Photo by X)".
_CREDIT_TAIL_RE: Final = re.compile(
    r".*\((?:(?:ap|afp|epa|reuters|getty)\b|(?:photo|image|foto)s?\s+by\b)[^()]*\)$"
)
# Words that open a credit at the end of a caption, and how long such a credit may run.
_CREDIT_MARK_RE: Final = re.compile(r"©|Credit|Photo:|Foto:|Image:")
_CREDIT_TAIL_MAX_CHARS: Final = 60
# Bylines and datelines under a headline: "By Jane Doe", "Updated 10:31 pm", "Nov 19, 2019".
_BYLINE_RE: Final = re.compile(
    rf"(?i:by|von|par|por|di|door|przez)\s+[A-ZÀ-ÖØ-Þ]|(?i:{PUBLISHED})\b|(?i:stand)\s*:\s*\d"
)
# The date or time a dateline carries; searched only in lines that hold a digit.
_DATELINE_RE: Final = re.compile(
    rf"\b\d{{1,2}}:\d{{2}}\b|\b\d{{4}}-\d{{2}}-\d{{2}}\b|\b\d{{1,2}}[./]\d{{1,2}}[./]\d{{4}}\b"
    rf"|\b{MONTH}\s+\d{{1,2}},?\s+\d{{4}}|\b\d{{1,2}}\.?\s+(?:de\s+)?{MONTH},?\s+(?:de\s+)?\d{{4}}",
    re.IGNORECASE,
)
# A line that is a date and nothing more ("15 November", "Friday, Nov. 15"): a dateline.
_DATE_ONLY_RE: Final = re.compile(
    rf"(?:{WEEKDAY},?\s+)?(?:\d{{1,2}}\.?\s+(?:de\s+)?{MONTH}|{MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?)"
    rf"(?:,?\s+(?:de\s+)?\d{{4}})?(?:,?\s+{DATE}.*)?\W*",
    re.IGNORECASE,
)
# A dateline is short; a longer sentence with a date in it is a caption or prose.
_DATELINE_MAX_WORDS: Final = 8
_DIGIT_RE: Final = re.compile(r"\d")
# Bylines are short; a longer line that starts alike is a headline or prose.
_BYLINE_MAX_WORDS: Final = 15
# Sentence enders that make a line read as a sentence rather than a label.
_STOPS: Final = frozenset(".!?。！？")


class Cue(NamedTuple):
    """What one line is: its kind, why, and (for "More from") the source named."""

    kind: str
    reason: str
    name: str = ""


# The cues that carry no line-specific text are made once.
_TEXT_CUE: Final = Cue(TEXT, "")
_BYLINE_CUE: Final = Cue(BYLINE, "byline or dateline")
_CREDIT_CUE: Final = Cue(CREDIT, "photo credit")
_CREDIT_LINE_CUE: Final = Cue(CREDIT_LINE, "caption with photo credit")
_SPONSOR_CUE: Final = Cue(SPONSOR, "sponsor label")
_END_CUE: Final = Cue(END, "read-more link")
_HEADING_CUE: Final = Cue(HEADING, "teaser list heading")
_TOPIC_CUE: Final = Cue(CLOSER, TOPIC_REASON)
_NOT_TEASERS_CUE: Final = Cue(CLOSER, "comments or share buttons")


def classify(text: str, words: int, kind: int, reason: str) -> Cue:
    """Name the kind of a non-blank line outside the story body.

    `kind` and `reason` are the region finder's verdict on the line (see `_lines`): the
    stock phrases it found are taken from it, and those it tested for and did not find
    are not looked for again (it looks for cookie notices on every line).
    """
    # The patterns are anchored at the start and short: the head of a long line is all
    # they need to see, and lowercasing a long line costs more than the rest.
    long = len(text) > _HEAD_CHARS and words > MARKER_MAX_WORDS
    low = text[:_HEAD_CHARS].lower() if long else text.lower()
    # A short line the region left plain matches no barrier, boilerplate or shared credit
    # pattern: only this layer's own tests remain to run.
    plain = words <= FURNITURE_MAX_WORDS and (SHORT <= kind <= PROSE or kind >= _PHOTO_CREDIT)
    if words <= MARKER_MAX_WORDS:
        marker = _marker(text, low, not plain)
        if marker is not None:
            return marker
    # Stock furniture the region finder named keeps its name.
    if reason and kind in (_STOCK, LINK):
        return Cue(CLOSER if reason in _CLOSING_REASONS else BOILER, reason)
    if not plain:
        match = BOILERPLATE_RE.match(low)
        if match is not None and match.lastgroup is not None:
            found = BOILERPLATE_REASONS[match.lastgroup]
            return Cue(CLOSER if found in _CLOSING_REASONS else BOILER, found)
    if words <= _BYLINE_MAX_WORDS and _is_byline(text, words):
        return _BYLINE_CUE  # before credits: "By Reuters" is a byline, not a photo credit
    if words <= CREDIT_MAX_WORDS:
        if sentence_end(text) != "." and (
            (kind == _PHOTO_CREDIT or _MORE_CREDITS_RE.match(low))
            if plain
            else _is_credit(text, low)
        ):
            return _CREDIT_CUE
    # (_CREDIT_PREFIX_RE ends with a colon: a line without one need not be matched)
    elif (":" in low and _CREDIT_PREFIX_RE.match(low)) or _has_credit_tail(text):
        return _CREDIT_LINE_CUE
    # A comment header or time stamp is never a headline, label or teaser.
    if reason and BARRIER <= kind <= BOX:
        return Cue(BOILER, reason)
    return _TEXT_CUE


def _is_credit(text: str, low: str) -> bool:
    """Tell whether a short text is a photo credit ("REUTERS/Name", "Photo: AP")."""
    return bool(
        CREDIT_RE.match(low)
        or is_slash_credit(text)
        or low.endswith(CREDIT_SUFFIXES)
        or _MORE_CREDITS_RE.match(low)
    )


def _has_credit_tail(text: str) -> bool:
    """Tell whether a caption ends with its credit: "... (NASA/JPL)", "... © Reuters / Name"."""
    if text[-1] in ")]":
        low = text.lower()
        if CAPTION_TAIL_RE.match(low) or _CREDIT_TAIL_RE.match(low):
            return True
        start = max(text.rfind("("), text.rfind("["))
        inner = text[start + 1 : -1].strip()
        return start > 0 and bool(inner) and _is_credit(inner, inner.lower())
    return _CREDIT_MARK_RE.search(text, max(1, len(text) - _CREDIT_TAIL_MAX_CHARS)) is not None


def _is_byline(text: str, words: int) -> bool:
    """Tell whether a short line is a byline ("By Jane Doe") or a dateline."""
    if _BYLINE_RE.match(text):
        return True
    if words > _DATELINE_MAX_WORDS and ends_sentence(text):
        return False
    if _DIGIT_RE.search(text) is None:
        return False
    return _DATELINE_RE.search(text) is not None or _DATE_ONLY_RE.fullmatch(text) is not None


def _marker(text: str, low: str, barrier: bool) -> Cue | None:
    """Recognise a short marker line: more-from, sponsor, read-more, list heading, barrier.

    `barrier` is False when the line is known not to match the shared barrier headings.
    """
    more = _MORE_FROM_RE.fullmatch(text)
    if more is not None:
        name = more.group("name").rstrip(" :»›>→")
        if name[:1].isupper() and not sentence_end(name):
            return Cue(MORE_FROM, "more from the source", name)
    if _SPONSOR_RE.match(low):
        return _SPONSOR_CUE
    if TEASER_CLOSER_RE.match(low):
        return _END_CUE
    heading = low.rstrip(" :")
    if heading in _LIST_HEADINGS:
        return _HEADING_CUE
    if heading in _TOPIC_HEADINGS:
        return _TOPIC_CUE
    if barrier and BARRIER_RE.match(low):
        if _NOT_TEASERS_RE.match(low):
            return _NOT_TEASERS_CUE
        return _HEADING_CUE
    return None


# List headings the shared barrier patterns leave out (they open teaser lists, not comments).
_LIST_HEADINGS: Final = frozenset(
    {
        "latest",
        "trending",
        "popular",
        "up next",
        "what to read next",
        "in case you missed it",
        "editors' picks",
        "editor's picks",
        "editors’ picks",
        "editor’s picks",
        "aktuell",
        "neueste",
        "auch interessant",
        "dernières actualités",
        "lee también",
    }
)


# Headings of a page's topic or tag links: what follows them is no teaser.
_TOPIC_HEADINGS: Final = frozenset(
    {
        "topics",
        "tags",
        "keywords",
        "themen",
        "schlagwörter",
        "sujets",
        "mots-clés",
        "temas",
        "etiquetas",
        "tópicos",
        "argomenti",
        "onderwerpen",
    }
)


def is_label(text: str, words: int) -> bool:
    """Tell whether a line is a short label: a few words not ending like a sentence."""
    return words <= LABEL_MAX_WORDS and not ends_sentence(text)


def is_section_label(text: str, words: int) -> bool:
    """Tell whether a line is short enough and plain enough to be a section label."""
    return words <= SECTION_MAX_WORDS and not ends_sentence(text)


def ends_sentence(text: str) -> bool:
    """Tell whether a line ends with sentence punctuation (a colon does not count)."""
    return sentence_end(text) in _STOPS
