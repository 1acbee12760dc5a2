"""Write new article files: an empty one to fill in (`new`) or one from a copied page (`add`).

Both commands write the front-matter an editor would type by hand, put the file where
`new_article_path` says, and never overwrite anything: the file is created exclusively.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Generic, TypeVar
from urllib.parse import urlsplit

from .article import NEW_ARTICLE_BODY, slugify
from .config import Config
from .errors import DigestError, Problem
from .split import SplitResult, split_text
from .yamlio import YamlSyntaxError, parse_yaml


@dataclass(frozen=True, slots=True)
class Draft:
    """The front-matter values of an article about to be written."""

    title: str
    when: date | datetime
    source: str | None = None
    url: str | None = None
    tags: tuple[str, ...] = ()
    slug: str | None = None
    dek: str | None = None


class FileExists(DigestError):
    """The article file is there already; nothing was written."""

    def __init__(self, path: Path) -> None:
        self.problem = Problem(
            show_path(path),
            1,
            "this file already exists; nothing was written",
            "choose another title, or pass --slug with another name for the file",
        )
        super().__init__(self.problem.format())


def show_path(path: Path) -> str:
    """Path as an editor would type it: relative to the current folder when inside it."""
    try:
        return os.path.relpath(path) if path.is_relative_to(Path.cwd()) else str(path)
    except ValueError:  # another drive on Windows
        return str(path)


def article_path(config: Config, draft: Draft) -> Path:
    """Where `new_article_path` puts an article with these values."""
    slug = draft.slug or slugify(draft.title)
    rel = config.new_article_path.format(
        year=f"{draft.when.year:04d}",
        month=f"{draft.when.month:02d}",
        day=f"{draft.when.day:02d}",
        slug=slug,
        source=slugify(draft.source or "unknown"),
    )
    return config.content_dir / rel


def front_matter(draft: Draft) -> str:
    """The front-matter block for a draft; missing values become commented hints."""
    lines = ["---", f"title: {yaml_text(draft.title)}", f"date: {draft.when.isoformat()}"]
    if draft.source:
        lines.append(f"source: {yaml_text(draft.source)}")
    else:
        lines.append("# source: the outlet's name, e.g. Reuters (remove the # to use it)")
    if draft.url:
        lines.append(f"url: {yaml_text(draft.url)}")
    else:
        lines.append("# url: https://... (paste the page's address and remove the #)")
    if draft.tags:
        lines.append("tags: [" + ", ".join(yaml_text(t) for t in draft.tags) + "]")
    else:
        lines.append("# tags: [a topic, another topic]")
    if draft.slug:
        lines.append(f"slug: {draft.slug}")
    if draft.dek:
        lines.append(f"dek: {yaml_text(draft.dek)}")
    lines.append("---")
    return "\n".join(lines) + "\n"


def yaml_text(value: str) -> str:
    """Write text as a YAML value: plain when YAML reads it back unchanged, else quoted."""
    if value.strip() == value and value[:1] not in ("[", "{", "'", '"', "#", ""):
        try:
            if parse_yaml(f"k: {value}").data == {"k": value}:
                return value
        except YamlSyntaxError:
            pass  # not safe unquoted: quote it
    return _double_quoted(value)


def _double_quoted(value: str) -> str:
    """A YAML double-quoted scalar; characters YAML refuses raw are written as escapes."""
    out = []
    for char in value:
        code = ord(char)
        if char in ('"', "\\"):
            out.append("\\" + char)
        elif char == "\n":
            out.append("\\n")
        elif (
            0x20 <= code <= 0x7E
            or (0xA0 <= code <= 0xD7FF and code not in (0x2028, 0x2029))  # line separators
            or 0xE000 <= code <= 0xFFFD
            or code >= 0x10000
        ):
            out.append(char)
        elif code <= 0xFF:
            out.append(f"\\x{code:02x}")
        else:
            out.append(f"\\u{code:04x}")
    return '"' + "".join(out) + '"'


def write_article(path: Path, text: str) -> None:
    """Create the article file; FileExists if it is there already (never overwrite)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with path.open("x", encoding="utf-8", newline="\n") as out:
            out.write(text)
    except FileExistsError:
        raise FileExists(path) from None


def new_article(config: Config, draft: Draft) -> Path:
    """Write an article file whose body tells the editor what to paste; return its path."""
    path = article_path(config, draft)
    write_article(path, front_matter(draft) + NEW_ARTICLE_BODY + "\n")
    return path


@dataclass(frozen=True, slots=True)
class Added:
    """An article written by `add`, with what was found in the page and how."""

    path: Path
    draft: Draft
    split: SplitResult
    source: Found[str]
    date: Found[date]


def add_page(
    config: Config,
    text: str,
    *,
    title: str | None,
    source: str | None,
    url: str | None,
    when: date | datetime | None,
    tags: Sequence[str],
    slug: str | None,
    today: date,
) -> Added:
    """Infer the front-matter of a copied page, write it above the unchanged text."""
    lines = text.split("\n")
    # Split once without line offset to find the title, which decides the front-matter.
    first = split_text(text, title=title, source=source)
    headline = title or first.story.title
    if not headline:
        raise DigestError(
            "no headline found in the page text\n"
            '    hint: pass the title yourself: build.py add FILE --title "The headline"'
        )
    found_source = Found(source, "given with --source") if source else find_source(lines, first)
    found_url = Found(url, "given with --url") if url else find_url(lines)
    if when is not None:
        found_date: Found[date] = Found(_day(when), "given with --date")
    else:
        found_date = find_date(lines, first)
    draft = Draft(
        title=headline,
        when=when or found_date.value or today,
        source=found_source.value,
        url=found_url.value,
        tags=tuple(tags),
        slug=slug,
        dek=first.story.dek,
    )
    head = front_matter(draft)
    body_line = head.count("\n") + 1
    path = article_path(config, draft)
    write_article(path, head + text)
    split = split_text(text, title=headline, source=draft.source, first_line=body_line)
    return Added(path, draft, split, found_source, found_date)


def _day(when: date | datetime) -> date:
    return when.date() if isinstance(when, datetime) else when


def preview(added: Added, width: int = 76) -> str:
    """A short account of what `add` found, for the editor to check at a glance."""
    draft, split = added.draft, added.split
    out = [show_path(added.path)]
    title_line = next((lb.line for lb in split.labels if lb.role == "title"), None)
    where = f"line {title_line}" if title_line else "not in the text; given with --title"
    out.append(f"  title:   {draft.title} ({where})")
    if draft.source:
        out.append(f"  source:  {draft.source} ({added.source.how})")
    else:
        out.append('  source:  none found in the text; add it with --source "Outlet name"')
    if added.date.value is not None:
        out.append(f"  date:    {draft.when.isoformat()} ({added.date.how})")
    else:
        out.append(f"  date:    {draft.when.isoformat()} (no date in the text: today; see --date)")
    if draft.dek:
        out.append(f"  dek:     {_short(draft.dek, width - 11)}")
    body_lines = [lb.line for lb in split.labels if lb.role == "body"]
    story = split.story.body
    if story:
        words = sum(len(p.split()) for p in story)
        span = f"lines {body_lines[0]}-{body_lines[-1]}" if body_lines else ""
        out.append(f"  story:   {len(story)} paragraphs, {words} words, {span}")
        out.append(f"    first: {_short(story[0], width - 11)}")
        out.append(f"    last:  {_short(story[-1], width - 11)}")
    else:
        out.append("  story:   NONE FOUND; `build.py check` will report this file")
    out.append(f"  teasers: {len(split.teasers)}")
    for teaser in split.teasers:
        text = teaser.title or (teaser.summary[0] if teaser.summary else teaser.label or "")
        out.append(f"    line {teaser.line}: {_short(text, width - 14)}")
    count = len(split.boilerplate)
    out.append(f"  left out as boilerplate: {count} line{'' if count == 1 else 's'}")
    for item in split.boilerplate:
        room = width - 16 - len(item.reason)
        out.append(f"    line {item.line}: {_short(item.text, room)} ({item.reason})")
    return "\n".join(out)


def _short(text: str, width: int) -> str:
    width = max(width, 20)
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


# --- Reading the front-matter values out of the page text ----------------------------------

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Found(Generic[T]):
    """A value read from the page (None if not found) and how it was found, for the preview."""

    value: T | None
    how: str


_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_MONTH = (
    r"(?P<mon>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_DATES = (
    re.compile(rf"\b{_MONTH}\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<year>\d{{4}})\b", re.I),
    re.compile(
        rf"\b(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH},?\s+(?P<year>\d{{4}})\b", re.I
    ),
    re.compile(r"\b(?P<year>\d{4})-(?P<num>\d{2})-(?P<day>\d{2})\b"),
)
_PUBLISHED = re.compile(r"\b(?:first |last )?(?:published|posted|updated|modified)\b", re.I)
_COPYRIGHT = re.compile(
    r"^(?:copyright\s*)?(?:©|\(c\)|copyright)\s*(?:\d{4}(?:\s*[-–]\s*\d{4})?\s*,?\s*)?"
    r"(?P<name>[^\d\s].*?)\s*(?:\d{4}\s*)?(?:[.,|;]|all rights reserved|$)",
    re.I,
)
_MORE_FROM = re.compile(r"^more (?:from|stories from|news from)\s+(?P<name>.+?)\s*:?$", re.I)
_NOT_OUTLET = re.compile(r"^(?:this|our|the author|author|around|across|the web|us\b)", re.I)
_URL = re.compile(r"https?://[^\s<>\"]+")
_MAX_NAME_WORDS = 6


def date_in(text: str) -> date | None:
    """The first real calendar date written in a line, in any of the usual English forms."""
    for pattern in _DATES:
        for match in pattern.finditer(text):
            parts = match.groupdict()
            month = (
                int(parts["num"])
                if parts.get("num")
                else _MONTHS.index(parts["mon"][:3].lower()) + 1
            )
            try:
                return date(int(parts["year"]), month, int(parts["day"]))
            except ValueError:
                continue  # "2024-13-45" in a page is not a date
    return None


def find_date(lines: Sequence[str], split: SplitResult) -> Found[date]:
    """The publication date: a "Published ..." line, else a short date line above the story.

    Dates inside captions, teasers and the story itself are about other things.
    """
    roles = {label.line: label.role for label in split.labels}
    body = [label.line for label in split.labels if label.role == "body"]
    story_end = body[-1] if body else len(lines)
    best: tuple[int, int, date, str] | None = None
    for number, raw in enumerate(lines, 1):
        line = raw.strip()
        role = roles.get(number, "")
        stamped = _PUBLISHED.match(line) is not None
        # A "Published ..." line is the date even when the splitter put it into the story.
        skipped = ("teaser", "caption") if stamped else ("teaser", "caption", "body")
        if not line or len(line.split()) > 20 or role.startswith(skipped):
            continue
        when = date_in(line)
        if when is None:
            continue
        if stamped or _PUBLISHED.search(line):
            rank = 1 if re.search(r"updated|modified", line, re.I) else 0
        elif len(line.split()) <= 12 and number <= story_end:
            rank = 2
        else:
            continue
        if best is None or (rank, number) < best[:2]:
            best = (rank, number, when, line)
    if best is None:
        return Found(None, "no publication date in the text")
    return Found(best[2], f'from "{_short(best[3], 50)}"')


def find_url(lines: Sequence[str]) -> Found[str]:
    """The page address, when the text holds a line that is just a URL."""
    for raw in lines:
        line = raw.strip()
        match = _URL.fullmatch(line)
        if match and urlsplit(line).netloc:
            return Found(line.rstrip(".,;)"), "from the address line in the text")
    return Found(None, "no address line in the text")


def find_source(lines: Sequence[str], split: SplitResult) -> Found[str]:
    """The outlet: "More from X", then a "© X" line, then the host of an address line."""
    if split.more_from:
        return Found(split.more_from, f'from "More from {split.more_from}"')
    for raw in lines:
        line = raw.strip()
        for pattern in (_COPYRIGHT, _MORE_FROM):
            match = pattern.match(line)
            if match is None:
                continue
            name = match["name"].strip().strip(".:").removeprefix("the ").strip()
            if name and len(name.split()) <= _MAX_NAME_WORDS and not _NOT_OUTLET.match(name):
                return Found(name, f'from "{_short(line, 50)}"')
    url = find_url(lines).value
    host = urlsplit(url).hostname if url else None
    if host:
        return Found(host.removeprefix("www."), f"from the address {url}")
    return Found(None, "no outlet named in the text")
