"""Find article files, split off their YAML front-matter, keep the body's first line number.

This stage interprets nothing: values are checked and turned into articles by `model`.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import frontmatter

from .errors import ContentError, Problem
from .yamlio import YamlSyntaxError, parse_yaml

CONTENT_SUFFIXES = frozenset({".txt", ".md", ".markdown"})
_HANDLER = frontmatter.YAMLHandler()

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

    @property
    def is_markdown(self) -> bool:
        """Tell whether the body is Markdown rather than scraped page text."""
        return self.path.suffix.lower() in (".md", ".markdown")


def read_source(path: Path, rel: str | None = None) -> SourceDoc:
    """Read one article file; raise ContentError naming path and line on bad input."""
    raw = path.read_bytes()
    return parse_source(path, raw, rel or path.name)


def parse_source(path: Path, raw: bytes, rel: str) -> SourceDoc:
    """Parse an article file's bytes (split out so that tests need no disk)."""
    digest = hashlib.sha1(raw).hexdigest()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ContentError(
            path,
            line,
            f"file is not UTF-8 text (byte 0x{raw[exc.start]:02x} at offset {exc.start})",
            "re-save the file as UTF-8 in your editor",
        ) from None
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    if not _HANDLER.detect(text):
        return SourceDoc(path, rel, {}, {}, text, 1, digest, False)
    try:
        fm, content = _HANDLER.split(text)
    except ValueError:
        raise ContentError(
            path,
            1,
            "front-matter is not closed",
            "add a line `---` after the last front-matter field",
        ) from None
    head_len = len(text) - len(content)
    if content.startswith("\n"):
        content = content[1:]
        head_len += 1
    body_line = text.count("\n", 0, head_len) + 1
    try:
        doc = parse_yaml(fm)
    except YamlSyntaxError as exc:
        raise ContentError(
            path,
            exc.line + 1,  # +1 for the opening `---`
            f"invalid YAML in front-matter: {exc.message}",
            "check colons, indentation and quotes; quote titles that contain `: `",
        ) from None
    data = doc.data if doc.data is not None else {}
    if not isinstance(data, dict):
        raise ContentError(
            path,
            2,
            f"front-matter must be `key: value` fields, not a {type(data).__name__}",
            "write e.g. `title: My headline` between the `---` lines",
        )
    meta = {str(k): v for k, v in data.items()}
    lines = {k: v + 1 for k, v in doc.key_lines.items()}
    return SourceDoc(path, rel, meta, lines, content, body_line, digest, True)


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
            problems.append(
                Problem(
                    str(path),
                    1,
                    f"not an article file ({path.suffix or 'no extension'}), not published",
                    "articles end in .txt (page text) or .md (Markdown)",
                    "warning",
                )
            )
    return found, problems


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
