"""Multilingual phrase lists the region finder uses to recognise page furniture.

Every pattern is precompiled and anchored at the start of the lowercased, stripped line,
so a test costs one anchored match, not a scan; the few that must search (cookie notices,
subscription calls, captions ending in "(Image: X)") run only after a cheap substring test.

- barrier headings, whole short lines, in three groups: what ends a story ("You may also
  like", "More from X", share and tag rows), what opens a reader-comment thread
  ("3 Comments", "Leave a reply", "Name says:" with a time stamp), and what heads a box of
  links a page inserts into a story ("Related", "Most read"), after which it may resume;
- boilerplate: stock lines that are never story text (cookie and privacy notices,
  advertisement markers, copyright, subscription prompts, share buttons), with a reason;
- credits and captions: photo credit lines ("REUTERS/Name", "Photo: AP") that mark the
  line before them as a caption, and captions that end with their credit.

The lists hold generic page vocabulary in several languages, never a site's own wording.
"""

from __future__ import annotations

import re
from typing import Final

# A barrier is only trusted on a short line: "Comments" is a heading, "Comments from the
# minister were..." is prose.
BARRIER_MAX_WORDS: Final = 8

# Headings and markers of a reader-comment thread.
_COMMENT_HEADINGS: Final = (
    r"\d+\s+(?:comments?|responses?|replies|reactions?)",
    r"(?:show|view|load|see|read)\s+(?:all\s+)?(?:\d+\s+)?comments?",
    r"comments?(?:\s*\(\d+\))?",
    r"(?:leave|post|add|write|submit)\s+(?:an?\s+|your\s+)?(?:comment|reply)",
    r"(?:join|start)\s+the\s+(?:conversation|discussion)",
    r"(?:what\s+do\s+you\s+think|share\s+your\s+thoughts|have\s+your\s+say)",
    r"discussion|conversation",
    r"kommentare?|kommentieren|leserkommentare",
    r"commentaires?|réactions?|laisser\s+un\s+commentaire",
    r"comentarios?|comentários?|deja\s+(?:un|tu)\s+comentario|deixe\s+(?:um|seu)\s+comentário",
    r"commenti|lascia\s+un\s+commento",
    r"reacties|reageer",
    r"komentarze?|komentar|yorumlar|комментари[ийя]\w*|коментарі\w*",
    r"コメント|评论|評論|留言|댓글",
    r"(?:top\s+rated|newest|oldest|best|reader|user|latest)\s+comments?",
    r"comments?\s+(?:are\s+closed|policy|guidelines|section)",
    r"(?:reply|responder|responda|antworten|répondre|rispondi|beantwoorden|ответить|odpowiedz"
    r"|balas|返信|回复|답글)(?:\s*[↓→])?",
    r"\d+\s+(?:thoughts?|opiniones|comentários|kommentare|commentaires)\s+(?:on|about|sobre|zu|sur)\b.*",
    r"(?:responses?|replies|comments?)\s+(?:to|on)\s+.*",
    r"trackbacks?|pingbacks?|talkback|(?:newer|older)\s+(?:post|entry|comments)s?.*",
)
# Headings of what follows a story: related and recommended links, share and tag rows.
_BARRIERS: Final = (
    r"(?:you\s+(?:may|might)\s+(?:also\s+)?(?:like|enjoy|be\s+interested))",
    r"(?:вам\s+)?(?:также\s+)?(?:может\s+быть\s+интересно|может\s+понравиться|рекомендуем)",
    r"(?:te\s+puede\s+interesar|ces\s+articles\s+peuvent\s+vous\s+intéresser"
    r"|może\s+cię\s+(?:też\s+)?zainteresować|dit\s+vind\s+je\s+misschien\s+ook\s+leuk"
    r"|bunlar\s+da\s+ilginizi\s+çekebilir|anda\s+mungkin\s+juga\s+suka)",
    r"(?:recommended|suggested)(?:\s+(?:for\s+you|articles?|stories|reading|videos?))?",
    r"more\s+(?:from|on|in|about|stories|articles|news|to\s+explore|like\s+this)\b.*",
    r"(?:other|similar|previous|next)\s+(?:posts?|articles?|stories|news|videos?)",
    r"(?:read|see|watch)\s+next",
    r"(?:around|elsewhere)\s+(?:the\s+)?(?:web|site)",
    r"(?:sponsored|promoted)\s+(?:content|stories|links)",
    r"(?:ähnliche\s+artikel|das\s+könnte\s+sie\s+auch\s+interessieren|mehr\s+zum\s+thema"
    r"|weitere\s+artikel|meistgelesen)",
    r"(?:à\s+lire\s+aussi|articles?\s+similaires|sur\s+le\s+même\s+sujet|les\s+plus\s+lus"
    r"|vous\s+aimerez\s+aussi|à\s+voir\s+aussi)",
    r"(?:noticias\s+relacionadas|art[íi]culos\s+relacionados|tambi[ée]n\s+te\s+puede"
    r"|lo\s+m[áa]s\s+le[íi]do|m[áa]s\s+noticias)",
    r"(?:not[íi]cias\s+relacionadas|artigos\s+relacionados|posts?\s+relacionados"
    r"|veja\s+tamb[ée]m|mais\s+lidas?|voc[êe]\s+(?:tamb[ée]m\s+)?pode\s+gostar"
    r"|leia\s+(?:tamb[ée]m|mais))",
    r"(?:articoli\s+correlati|potrebbe\s+interessarti|i\s+più\s+letti|ti\s+potrebbe)",
    r"(?:gerelateerde\s+artikelen|meest\s+gelezen|lees\s+ook)",
    r"(?:berita\s+terkait|artikel\s+terkait|baca\s+juga|terpopuler)",
    r"(?:похожие\s+(?:статьи|записи|новости)|читайте\s+также|популярное|по\s+теме)",
    r"(?:podobne\s+artykuły|zobacz\s+(?:też|także)|najczęściej\s+czytane)",
    r"(?:ilgili\s+haberler|benzer\s+haberler)",
    r"関連記事|関連ニュース|人気記事|おすすめ記事|相关文章|相关阅读|相关新闻|热门文章|관련\s*기사|많이\s*본",
    # share and follow runs
    r"share\s+(?:this|on|via)\b.*|share$|share\s+(?:the\s+)?(?:article|story|post)",
    r"like\s+this:|spread\s+the\s+word",
    r"(?:tags?|filed\s+under|categories|topics)\s*:",
    r"about\s+the\s+author|author\s+bio",
    r"posted\s+(?:by|in)\s+\S.{0,80}",
    r"(?:teilen|partager|compartir|compartilhar|condividi|поделиться)\b",
)

# Dates as pages print them: month names (abbreviated, several languages), weekdays.
MONTH: Final = (
    r"(?:jan|feb|f[ée]v|m[äa]r|apr|avr|abr|may|mai|mei|maj|jun|juin|giu|jul|juil|lug|aug"
    r"|ao[uû]t|ago|sep|set|oct|okt|ott|out|nov|dec|d[ée]c|dez|dic|ene|gen)[a-zäéû]*\.?"
)
WEEKDAY: Final = (
    r"(?:mon|tue|wed|thu|fri|sat|sun|montag|dienstag|mittwoch|donnerstag|freitag|samstag"
    r"|sonntag|lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|lunes|martes|miércoles"
    r"|jueves|viernes|sábado|domingo)[a-z]*\.?"
)
# The start of a date or time: "12:40", "2024-11-12", "12.11.2024", "12 Nov", "Nov. 12",
# "12 de noviembre", "Tuesday, ...", "3 hours ago".
DATE: Final = (
    rf"(?:\d{{1,2}}[:h.]\d{{2}}\b|\d{{4}}-\d{{2}}-\d{{2}}|\d{{1,2}}[./-]\d{{1,2}}[./-]\d{{2,4}}"
    rf"|\d{{1,2}}\.?\s+(?:de\s+)?{MONTH}|{MONTH}\s+\d{{1,2}}\b|{WEEKDAY},?\s"
    r"|\d+\s*(?:min|minutes?|hours?|hrs?|h|days?|weeks?|months?)\s+ago)"
)
# The word a dateline opens with, in several languages: "Published", "Veröffentlicht".
PUBLISHED: Final = (
    r"(?:(?:first\s+|last\s+)?(?:published|updated|posted|modified)|veröffentlicht"
    r"|(?:zuletzt\s+)?aktualisiert|erschienen|publié|mis\s+à\s+jour|publicado|actualizado"
    r"|atualizado|pubblicato|aggiornato|gepubliceerd|bijgewerkt|opublikowano|zaktualizowano"
    r"|опубликовано|обновлено|yayınlanma|güncellenme|diterbitkan|diperbarui)"
)
DATELINE_REASON: Final = "byline or dateline"
# "Published Nov. 12, 2024, 5:52 p.m.", "Veröffentlicht am 12.11.2024": a dateline even
# when it ends in a full stop.  Only tried on short lines (see `_lines`).
DATELINE_RE: Final = re.compile(
    rf"{PUBLISHED}\s*(?:(?:on|at|am|um|le|el|em|il|op|in|dne|:|-|–)\s*)*{DATE}"
)

_BOILERPLATE: Final = (
    (
        "advertisement marker",
        r"(?:advertisement|advertising|sponsored|anzeige|publicité"
        r"|publicidad|publicidade|pubblicità|реклама|広告|광고)\s*(?:[-–—:]\s*\w.*)?$",
    ),
    (
        "advertisement marker",
        r"(?:story\s+continues\s+below|continue\s+reading\s+(?:the|below)"
        r"|skip\s+(?:to\s+)?(?:main\s+)?content|skip\s+ad)",
    ),
    (
        "privacy notice",
        r"(?:privacy\s+(?:policy|notice|statement)|terms\s+(?:of\s+(?:use|service)"
        r"|and\s+conditions)|datenschutz|politique\s+de\s+confidentialit|política\s+de\s+privacidad)",
    ),
    (
        "copyright line",
        r"(?:©|ⓒ|\(c\)\s*\d{4}|copyright\b|all\s+rights\s+reserved|alle\s+rechte"
        r"|tous\s+droits|todos\s+los\s+derechos|저작권|무단)",
    ),
    (
        "subscription prompt",
        r"(?:sign\s+(?:up|in)\b|subscribe\b|log\s*in\b|register\b"
        r"|already\s+a\s+subscriber|newsletter|get\s+our\s+newsletter|enter\s+your\s+e-?mail"
        r"|jetzt\s+abonnieren|abonnez-vous|suscr[íi]bete|assine\b|iscriviti)",
    ),
    (
        "share buttons",
        r"(?:facebook|twitter|linkedin|whatsapp|pinterest|reddit|email|e-mail"
        r"|print|telegram|tumblr|pocket|flipboard|messenger|google\+?|copy\s+link|youtube"
        r"|instagram|rss(?:\s+feed)?|digg(?:\s+this)?|del\.icio\.us|delicious|stumbleupon"
        r"|technorati|myspace|bookmark(?:\s+this)?|permalink|printer[-\s]friendly(?:\s+version)?"
        r"|print\s+this(?:\s+(?:article|page|story))?|e-?mail\s+this(?:\s+(?:article|page|story))?"
        r"|e-?mail\s+(?:it\s+)?to\s+a\s+friend|send\s+to\s+a\s+friend)$",
    ),
    (
        "page furniture",
        r"(?:listen\s+to\s+this\s+(?:article|story)|this\s+(?:article|story)\s+is\s+more\s+than"
        r"|(?:estimated\s+)?reading\s+time|\d+\s+min(?:ute)?s?\s+read$)",
    ),
    ("follow prompt", r"(?:follow\s+(?:us|me)\b|like\s+us\s+on|join\s+us\s+on)"),
    (
        "read-more link",
        r"(?:read\s+more|continue\s+reading|click\s+here|tap\s+here|keep\s+reading|show\s+(?:more|less)"
        r"|load\s+more|see\s+more|weiterlesen|lire\s+la\s+suite|leer\s+m[áa]s|leia\s+mais"
        r"|leggi\s+(?:anche|tutto)|читать\s+далее|続きを読む)",
    ),
    (
        "navigation",
        r"(?:home|menu|search|back\s+to\s+top|top|pagetop|next|previous|close"
        r"|open|toggle\s+navigation|main\s+menu|sections|more)$",
    ),
)

# A row of footer links with a legal one among them: "Cookies | Privacy | Terms".
LEGAL_REASON: Final = "legal links"
LEGAL_SEPARATORS: Final = ("|", "·", "•")
LEGAL_WORD_RE: Final = re.compile(
    r"cookie|privacy|terms|legal|imprint|impressum|datenschutz|\bagb\b|nutzungsbedingungen"
    r"|mentions\s+l[ée]gales|confidentialit|\bcg[uv]\b|aviso\s+legal|privacidad|privacidade"
    r"|t[ée]rminos|termos|condiciones|note\s+legali|termini|accessibility|disclaimer"
)

_CREDITS: Final = (
    r"[(\[]?(?:top\s+|main\s+|lead\s+|header\s+|featured\s+)?(?:photo|image|picture|video|foto|bild"
    r"|credit|source|fuente|fonte|courtesy|illustration)s?(?:\s+(?:by|credit|courtesy))?\s*[:|©]",
    r"(?:photo|image|foto)s?\s+(?:by|courtesy\s+of)\b",
    r"\(?(?:ap|afp|getty|reuters|epa|dpa|ansa|efe|shutterstock)\b[\w ]*(?:photo|images|/)",
)
# A caption that names its credit at the end: "... the 14th century (Image: GETTY)".
# Searched in the last CAPTION_TAIL_CHARS of a line that does not itself open with a bracket.
CAPTION_TAIL_CHARS: Final = 80
CAPTION_TAIL_RE: Final = re.compile(
    r"[(\[](?:image|photo|picture|pic|foto|bild|credit|source|video)s?\s*(?:credit)?\s*[:|]"
    r"[^()\[\]]*[)\]]$"
)
# Photo agencies that end a credit line ("Patrick Semansky, ASSOCIATED PRESS"): tested with
# str.endswith on the lowercased line, which is cheaper than a pattern that scans.
CREDIT_SUFFIXES: Final = (
    "getty",
    "getty images",
    "getty images)",
    "shutterstock",
    "istock",
    "istockphoto",
    "associated press",
    "ap photo",
    "(ap)",
    ", ap",
    "/ap",
    "reuters",
    "afp",
    "epa",
)


# Headings of a box of links that a page may insert in the middle of a story ("Related",
# "Read also", "Don't miss"): a story does not run across one, but may resume after it.
_BOX_HEADINGS: Final = (
    r"related(?:\s+(?:articles?|posts?|stories|news|content|coverage|topics|reading|links|videos?"
    r"|tags|searches))?",
    r"(?:read|see)\s+(?:more|also)|(?:don't|do\s+not)\s+miss|also\s+read|further\s+reading",
    r"(?:the\s+)?most\s+(?:read|popular|viewed|shared|commented|emailed)(?:\s+(?:in|on|from)\s.*)?",
    r"(?:popular|trending|latest|top|recent)\s+(?:posts?|articles?|stories|news|now|videos?|headlines)",
    r"mehr\s+zum\s+thema|lesen\s+sie\s+auch|à\s+lire\s+aussi|à\s+voir\s+aussi|lire\s+aussi",
    r"veja\s+tamb[ée]m|leia\s+(?:tamb[ée]m|mais)|lea\s+tambi[ée]n|ver\s+tambi[ée]n|leggi\s+anche",
    r"lees\s+ook|baca\s+juga|читайте\s+также|zobacz\s+(?:też|także)|関連記事|相关阅读|관련\s*기사",
)


def _alternation(patterns: tuple[str, ...]) -> str:
    return "|".join(f"(?:{p})" for p in patterns)


def _whole_line(patterns: tuple[str, ...]) -> re.Pattern[str]:
    """Compile phrases that must fill the line, give or take counts and punctuation."""
    return re.compile(rf"[\W\d]*(?:{_alternation(patterns)})[\s\W\d]*$")


BARRIER_RE: Final = _whole_line(_COMMENT_HEADINGS + _BARRIERS + _BOX_HEADINGS)
COMMENT_HEADING_RE: Final = _whole_line(_COMMENT_HEADINGS)
BOX_HEADING_RE: Final = _whole_line(_BOX_HEADINGS)

# A comment's header: "Name says:", "Name on May 2, 2019 at 4:47 pm said:", "Name wrote:".
# Only trusted with a time or date on the line or the next (see `_lines`).
COMMENT_HEAD_RE: Final = re.compile(
    r".{1,80}?\b(?:says|said|wrote|writes|sagt|schreibt|dice|disse|escribió|escreveu|a\s+écrit"
    r"|ha\s+scritto|schreef|пишет|написал[а]?)\s*:?\s*$"
)
# A time of day or a date with a year, or "N hours ago": what a comment header carries.
TIMESTAMP_RE: Final = re.compile(
    r".*?(?:\b\d{1,2}:\d{2}\b|\b(?:19|20)\d{2}\b|\b\d+\s*(?:h|hours?|min|minutes?|days?"
    r"|weeks?|months?|years?)\s+ago\b)"
)
# A line that is little more than a time of day or an age ("2 days ago at 07:52 am",
# "7H ago 08:51"): the header of a comment or of a teaser in a list.
STAMP_LINE_RE: Final = re.compile(
    r"(?:\S+\s+){0,5}?(?:\d{1,2}:\d{2}(?:\s*[ap]\.?m\.?)?|\d+\s*(?:[smhdwy]|secs?|mins?|hrs?"
    r"|seconds?|minutes?|hours?|days?|weeks?|months?|years?)\s+ago)\W*(?:\S+\W*){0,2}$"
)
# Social network names: a short line made of two or more of them is a row of share buttons.
SOCIAL_WORDS: Final = frozenset(
    [
        "facebook",
        "twitter",
        "x",
        "linkedin",
        "whatsapp",
        "pinterest",
        "pin",
        "reddit",
        "email",
        "e-mail",
        "mail",
        "print",
        "telegram",
        "tumblr",
        "pocket",
        "flipboard",
        "messenger",
        "google",
        "google+",
        "youtube",
        "instagram",
        "rss",
        "tiktok",
        "vk",
        "vkontakte",
        "weibo",
        "wechat",
        "line",
        "sms",
        "copy",
        "link",
        "share",
        "tweet",
        "download",
        "digg",
        "delicious",
        "stumbleupon",
        "technorati",
        "myspace",
        "buzz",
        "bookmark",
        "xing",
        "hatena",
    ]
)
BOILERPLATE_RE: Final = re.compile(
    "|".join(f"(?P<b{i}>{pattern})" for i, (_, pattern) in enumerate(_BOILERPLATE))
)
# A bare link that closes a teaser ("Read more", "keep readingShow less"): the paragraph
# or two above it are the teaser's summary.
TEASER_CLOSER_RE: Final = re.compile(
    r"(?:(?:read|see|view)\s+more|keep\s+reading|continue\s+reading|show\s+(?:more|less)"
    r"|weiterlesen|lire\s+la\s+suite|leer\s+m[áa]s|leia\s+mais|continua\s+a\s+leggere"
    r"|lees\s+meer|читать\s+далее|続きを読む|\W)+$"
)
# A call to subscribe anywhere in a short line ("Stay up to date. Subscribe to our newsletter.").
SUBSCRIBE_RE: Final = re.compile(
    r"\b(?:subscribe\s+(?:to|now|today|for)|sign\s+up\s+(?:for|to|now|today)|our\s+newsletter"
    r"|newsletter\s+sign|abonnieren\s+sie|abonnez-vous|suscr[íi]bete|inscreva-se|iscriviti)\b"
)
# Cookie notices run long, so they get their own pattern, searched only in lines that
# mention cookies at all.
COOKIE_REASON: Final = "cookie notice"
COOKIE_RE: Final = re.compile(
    r"\b(?:use[sd]?|using|accept|allow|enable|consent\s+to|store[sd]?|set)\b[^.]{0,40}\bcookies\b"
    r"|\bcookies?\s+(?:policy|settings|preferences|consent|notice)|privacy\s+overview"
    r"|manage\s+consent|diese\s+website\s+verwendet|ce\s+site\s+utilise|este\s+sitio\s+utiliza"
    r"|este\s+site\s+utiliza|questo\s+sito\s+utilizza"
)
# Boilerplate that follows a teaser's summary: prose just above it is not the story's.
TEASER_LINK_REASON: Final = "read-more link"
BOILERPLATE_REASONS: Final = {f"b{i}": reason for i, (reason, _) in enumerate(_BOILERPLATE)}
CREDIT_RE: Final = re.compile(_alternation(_CREDITS))
# "REUTERS/Stringer", "Jason Cipriani/ZDNet", "Name | Agency | Getty Images": matched on the
# original case, since a name or an upper-case agency is what tells a credit from "News/World".
_CAPS: Final = r"[A-Z]{2,}[\w.]*"
_NAME: Final = r"[A-Z][\w.'’-]*"
_NAMES: Final = rf"{_NAME}(?:\s{_NAME})+"
SLASH_CREDIT_RE: Final = re.compile(
    rf"(?:{_CAPS}(?:\s{_NAME})*\s?[/|]\s?{_NAME}|(?:{_NAMES}|{_NAME})\s?[/|]\s?(?:{_CAPS}|{_NAMES}))"
    r"(?:\s?[/|]\s?[\w.'’ -]+)*$"
)


def is_slash_credit(text: str) -> bool:
    """Tell whether a line is a credit like "REUTERS/Stringer" (SLASH_CREDIT_RE, original case)."""
    # Every credit it matches has a slash or a bar: the substring tests spare most lines the match.
    return ("/" in text or "|" in text) and SLASH_CREDIT_RE.match(text) is not None
