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

from digest.split._lines import sentence_end, word_count
from digest.split.phrases import (
    BARRIER_RE,
    BOILERPLATE_RE,
    BOILERPLATE_REASONS,
    CAPTION_TAIL_RE,
    COOKIE_REASON,
    COOKIE_RE,
    CREDIT_RE,
    CREDIT_SUFFIXES,
    SLASH_CREDIT_RE,
    TEASER_CLOSER_RE,
)

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
# A standfirst (dek) under the headline is at least this long.
DEK_MIN_WORDS: Final = 6
# Teaser titles are at most this long; longer lines are summaries.
TEASER_TITLE_MAX_WORDS: Final = 24

# Boilerplate after which the page holds no more teasers (footer, comments, sign-up).
_CLOSING_REASONS: Final = frozenset(
    {"subscription prompt", "follow prompt", "copyright line", "cookie notice", "privacy notice"}
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
# The same phrases inside a teaser's text.
_SPONSOR_INLINE_RE: Final = re.compile(
    r"\b(?:sponsored\s+(?:by|content)|paid\s+(?:content|post|for\s+by)|partner\s+content"
    r"|(?:presented|brought\s+to\s+you)\s+by|in\s+partnership\s+with|advertorial"
    r"|präsentiert\s+von|contenu\s+sponsorisé|contenido\s+patrocinado)\b"
)
# A sentence that opens with a promotional call to action ("Learn how ...", "Shop now").
# News summaries report; advertising copy tells the reader what to do next.
_CALL_TO_ACTION_RE: Final = re.compile(
    r"(?:^|[.!?][\"'”’)]*\s+)(?:learn\s+(?:how|more|why|about)|find\s+out\s+more"
    r"|discover\s+(?:how|more|why|the)|shop\s+(?:now|the)|sign\s+up\s+(?:now|today|for)"
    r"|get\s+started|book\s+(?:now|today)|try\s+it\s+(?:free|now|today)|start\s+your\s+free"
    r"|request\s+a\s+demo|download\s+(?:now|the\s+app)|mehr\s+erfahren|erfahren\s+sie\s+(?:mehr|wie)"
    r"|entdecken\s+sie|découvrez|en\s+savoir\s+plus|descubr[ae]\s+(?:cómo|más)|más\s+información"
    r"|saiba\s+(?:mais|como)|scopri\s+(?:di\s+più|come)|ontdek\s+(?:hoe|meer))\b"
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
# Bylines and datelines under a headline: "By Jane Doe", "Updated 10:31 pm", "Nov 19, 2019".
_BYLINE_RE: Final = re.compile(
    r"(?i:by|von|par|por|di|door|przez)\s+[A-ZÀ-ÖØ-Þ]"
    r"|(?i:updated|published|posted|aktualisiert|publié|publicado)\b"
    r"|(?i:.*(?:\b\d{1,2}:\d{2}\b|\b\d{4}-\d{2}-\d{2}\b"
    r"|\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s+\d{1,2},?\s+\d{4}))"
)
# Bylines are short; a longer line that starts alike is a headline or prose.
_BYLINE_MAX_WORDS: Final = 15
# Sentence enders that make a line read as a sentence rather than a label.
_STOPS: Final = frozenset(".!?。！？")


class Cue(NamedTuple):
    """What one line is: its kind, why, and (for "More from") the source named."""

    kind: str
    reason: str
    name: str = ""


def classify(text: str, words: int) -> Cue:
    """Name the kind of a non-blank line outside the story body."""
    low = text.lower()
    if words <= MARKER_MAX_WORDS:
        marker = _marker(text, low)
        if marker is not None:
            return marker
    if "ookie" in text and COOKIE_RE.search(low):
        return Cue(CLOSER, COOKIE_REASON)
    match = BOILERPLATE_RE.match(low)
    if match is not None and match.lastgroup is not None:
        reason = BOILERPLATE_REASONS[match.lastgroup]
        return Cue(CLOSER if reason in _CLOSING_REASONS else BOILER, reason)
    if words <= CREDIT_MAX_WORDS:
        if sentence_end(text) != "." and (
            CREDIT_RE.match(low)
            or SLASH_CREDIT_RE.match(text)
            or low.endswith(CREDIT_SUFFIXES)
            or _MORE_CREDITS_RE.match(low)
        ):
            return Cue(CREDIT, "photo credit")
    elif _CREDIT_PREFIX_RE.match(low) or (
        low[-1] in ")]" and (CAPTION_TAIL_RE.match(low) or _CREDIT_TAIL_RE.match(low))
    ):
        return Cue(CREDIT_LINE, "caption with photo credit")
    if words <= _BYLINE_MAX_WORDS and not ends_sentence(text) and _BYLINE_RE.match(text):
        return Cue(BYLINE, "byline or dateline")
    return Cue(TEXT, "")


def _marker(text: str, low: str) -> Cue | None:
    """Recognise a short marker line: more-from, sponsor, read-more, list heading, barrier."""
    more = _MORE_FROM_RE.fullmatch(text)
    if more is not None:
        name = more.group("name").rstrip(" :»›>→")
        if name[:1].isupper() and not sentence_end(name):
            return Cue(MORE_FROM, "more from the source", name)
    if _SPONSOR_RE.match(low):
        return Cue(SPONSOR, "sponsor label")
    if TEASER_CLOSER_RE.match(low):
        return Cue(END, "read-more link")
    if low.rstrip(" :") in _LIST_HEADINGS:
        return Cue(HEADING, "teaser list heading")
    if BARRIER_RE.match(low):
        if _NOT_TEASERS_RE.match(low):
            return Cue(CLOSER, "comments or share buttons")
        return Cue(HEADING, "teaser list heading")
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


def is_label(text: str, words: int) -> bool:
    """Tell whether a line is a short label: a few words not ending like a sentence."""
    return words <= LABEL_MAX_WORDS and not ends_sentence(text)


def is_section_label(text: str, words: int) -> bool:
    """Tell whether a line is short enough and plain enough to be a section label."""
    return words <= SECTION_MAX_WORDS and not ends_sentence(text)


def ends_sentence(text: str) -> bool:
    """Tell whether a line ends with sentence punctuation (a colon does not count)."""
    return sentence_end(text) in _STOPS


def is_sponsored_text(text: str) -> bool:
    """Tell whether teaser text carries a sponsor phrase or a call to action."""
    low = text.lower()
    return bool(_SPONSOR_INLINE_RE.search(low) or _CALL_TO_ACTION_RE.search(low))


def count_words(text: str) -> int:
    """Count the words of a line the way the region finder does."""
    return word_count(text)
