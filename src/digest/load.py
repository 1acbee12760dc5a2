"""Find article files, split off their YAML front-matter, keep the body's first line number.

This stage interprets nothing: values are checked and turned into articles by `model`.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from .errors import ContentError, Problem
from .yamlio import YamlSyntaxError, describe, explain, parse_yaml

CONTENT_SUFFIXES = frozenset({".txt", ".md", ".markdown"})

# Editor droppings and temp files: never content, never a reason to rebuild.
_TEMP_NAME = re.compile(
    r"""^(?:\..*               # hidden files: .DS_Store, .#emacs-lock, .file.swp
        |\#.*\#                # emacs auto-save
        |4913                  # vim's write test
        |.*~                   # backups
        |.*\.(?:swp|swx|swo|tmp|part|bck|crdownload)
        |.*___jb_(?:tmp|old)___
        )$""",
    re.VERBOSE,
)


def is_ignored_name(name: str) -> bool:
    """Tell whether a file name is a hidden, temporary or editor backup file."""
    return bool(_TEMP_NAME.match(name)) or name.startswith(".goutputstream-")


@dataclass(frozen=True, slots=True)
class SourceDoc:
    """One article file: raw front-matter values, body text and where the body starts."""

    path: Path
    rel: str  # path relative to the content folder, with forward slashes: the article's key
    meta: Mapping[str, object]
    meta_lines: Mapping[str, int] = field(default_factory=dict)
    body: str = ""
    body_line: int = 1
    digest: str = ""
    has_front_matter: bool = False
    # Problems found while reading that do not stop the file from being read (repeated keys).
    problems: tuple[Problem, ...] = ()

    @property
    def is_markdown(self) -> bool:
        """Tell whether the body is Markdown rather than scraped page text."""
        return self.path.suffix.lower() in (".md", ".markdown")


# A file opens with front-matter when its first non-blank line is this: python-frontmatter's
# test (`YAMLHandler.FM_BOUNDARY`), copied so that no build imports that package only to run
# one regex (tests/test_load.py checks that the two agree). The split itself is line by line
# here, because python-frontmatter's `split()` cannot say which line is wrong. A closing
# fence is `---` alone on its line; YAML's `...` does not close: scraped pages have lines of
# just "..." that would end the front-matter early.
_OPENING = re.compile(r"^-{3,}\s*$", re.MULTILINE)
_OPEN = re.compile(r"-{3,}[ \t]*")
# What str.strip() keeps: the first line holding one starts the file.
_NON_SPACE = re.compile(r"\S")
# A line that reads like a front-matter field; used to spot a forgotten opening `---`.
_FIELD = re.compile(r"[A-Za-z_][\w-]*:(?:[ \t]|$)")
_FIRST_FIELD = re.compile(r"(?:title|date|source|url|tags|draft|slug|author|dek):(?:[ \t]|$)")


def read_source(path: Path, rel: str | None = None) -> SourceDoc:
    """Read one article file; raise ContentError naming path and line on bad input."""
    raw = path.read_bytes()
    return parse_source(path, raw, rel or path.name)


def parse_source(path: Path, raw: bytes, rel: str, digest: str | None = None) -> SourceDoc:
    """Parse an article file's bytes (split out so that tests need no disk).

    `digest` is `raw`'s SHA-1 in hex when the caller has already computed it.
    """
    if digest is None:
        digest = hashlib.sha1(raw).hexdigest()
    text = decode_text(path, raw)
    # The front-matter is found by searching the text, not by splitting it into lines: the
    # body (nearly all of the file) is then sliced once instead of split and joined again.
    first = _NON_SPACE.search(text)
    head = text.rfind("\n", 0, first.start()) + 1 if first else 0  # first non-blank line
    start = text.count("\n", 0, head)
    head_end = text.find("\n", head)
    if not _OPENING.match(text[head : head_end if head_end >= 0 else len(text)]):
        _check_missing_fence(path, text, head, head_end, start)
        return SourceDoc(path, rel, {}, {}, text, 1, digest, False)
    fence = _closing_fence(text, head_end)
    if fence is None:
        message = "front-matter is not closed: no `---` line ends it"
        raise ContentError(path, start + 1, message, _unclosed(text, start))
    fence_start, fence_end = fence
    after = head_end + 1
    end = start + 1 + text.count("\n", after, fence_start)  # the closing fence's line index
    offset = start + 1  # YAML line 1 is the line after the opening fence
    try:
        doc = parse_yaml(text[after : fence_start - 1] if fence_start > after else "")
    except YamlSyntaxError as exc:
        line = exc.line + offset
        # An error below the fields means the `---` is missing and the page text was read
        # as YAML up to some later `---` line of the page.
        last = _last_field_line(text.split("\n"), start)
        hint = explain(exc, offset) if line <= last + 1 else _unclosed(text, start)
        raise ContentError(
            path, line, f"invalid YAML in front-matter: {exc.message}", hint
        ) from None
    data = doc.data if doc.data is not None else {}
    if not isinstance(data, dict):
        raise ContentError(
            path,
            offset + 1,
            f"front-matter must be `key: value` fields, not {describe(data)}",
            "write e.g. `title: My headline` between the `---` lines",
        )
    meta = {str(k): v for k, v in data.items()}
    meta_lines = {k: v + offset for k, v in doc.key_lines.items()}
    repeated = tuple(
        Problem(
            str(path),
            line + offset,
            f"`{key}` is given again (first on line {meta_lines[key]}); the last one is used",
            f"keep one `{key}:` line",
        )
        for key, line in doc.duplicates
    )
    body = text[fence_end + 1 :]
    return SourceDoc(path, rel, meta, meta_lines, body, end + 2, digest, True, repeated)


def _closing_fence(text: str, head_end: int) -> tuple[int, int] | None:
    """Start and end offsets of the first `---` line after the opening one, if any."""
    if head_end < 0:
        return None  # the opening fence is the file's last line
    at = head_end
    while (at := text.find("\n---", at)) >= 0:
        line_end = text.find("\n", at + 1)
        if line_end < 0:
            line_end = len(text)
        if _OPEN.fullmatch(text, at + 1, line_end):
            return at + 1, line_end
        at = line_end
    return None


def _last_field_line(lines: list[str], start: int) -> int:
    """The last line that still reads like a field: where a forgotten `---` belongs."""
    last = start
    while last + 1 < len(lines) and (
        _FIELD.match(lines[last + 1]) or lines[last + 1][:1] in (" ", "\t", "-")
    ):
        last += 1
    return last


def _unclosed(text: str, start: int) -> str:
    """The hint for front-matter that no `---` line closes."""
    last = _last_field_line(text.split("\n"), start)
    return f"add a line `---` after the last front-matter field (line {last + 1})"


def decode_text(path: Path, raw: bytes) -> str:
    """Decode a text file as UTF-8 with Unix newlines; ContentError naming the bad byte."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
            hint = "the file is UTF-16; re-save it as UTF-8 in your editor"
        else:
            hint = "re-save the file as UTF-8 in your editor (it may be Windows-1252 or Latin-1)"
        raise ContentError(
            path,
            line,
            f"file is not UTF-8 text (byte 0x{raw[exc.start]:02x} at offset {exc.start})",
            hint,
        ) from None
    text = text.removeprefix("\ufeff")
    return text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text


def _check_missing_fence(path: Path, text: str, head: int, head_end: int, start: int) -> None:
    """Reject fields followed by `---` at the top of a file: the opening `---` is missing."""
    if not _FIRST_FIELD.match(text, head, head_end if head_end >= 0 else len(text)):
        return
    lines = text.split("\n", start + 30)  # only the 30 lines from `start` are looked at
    for i in range(start + 1, min(len(lines), start + 30)):
        if _OPEN.fullmatch(lines[i]):
            raise ContentError(
                path,
                start + 1,
                "front-matter has no opening `---` line",
                f"add a line `---` above line {start + 1}",
            )
        if not (_FIELD.match(lines[i]) or lines[i][:1] in (" ", "\t", "-")):
            return


def find_sources(content_dir: Path) -> tuple[list[tuple[Path, str]], list[Problem]]:
    """List article files under a folder, sorted; warn about files that are not articles."""
    found: list[tuple[Path, str]] = []
    problems: list[Problem] = []
    if not content_dir.is_dir():
        problems.append(
            Problem(str(content_dir), 1, "content folder not found", "create it or set content_dir")
        )
        return found, problems
    for path in sorted(content_dir.rglob("*")):
        rel_parts = path.relative_to(content_dir).parts
        if any(is_ignored_name(part) for part in rel_parts) or not path.is_file():
            continue
        rel = "/".join(rel_parts)
        if path.suffix.lower() in CONTENT_SUFFIXES:
            found.append((path, rel))
        else:
            problems.append(not_an_article(path))
    return found, problems


def not_an_article(path: Path) -> Problem:
    """The warning for a file in the content folder that is not an article."""
    return Problem(
        str(path),
        1,
        f"not an article file ({path.suffix or 'no extension'}), not published",
        "articles end in .txt (page text) or .md (Markdown)",
        "warning",
    )


def load_sources(content_dir: Path) -> tuple[list[SourceDoc], list[Problem]]:
    """Read every article file, collecting each file's problem instead of stopping."""
    files, problems = find_sources(content_dir)
    docs: list[SourceDoc] = []
    for path, rel in files:
        try:
            docs.append(read_source(path, rel))
        except ContentError as exc:
            problems.append(exc.problem)
        except OSError as exc:
            problems.append(Problem(str(path), 1, f"cannot read file: {exc.strerror}", ""))
    return docs, problems
