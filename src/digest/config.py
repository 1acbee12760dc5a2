"""Load and validate config.yaml into a frozen Config, reporting every problem at once."""

from __future__ import annotations

import difflib
import hashlib
import string
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .errors import BuildFailed, Problem
from .yamlio import YamlSyntaxError, describe, explain, parse_yaml

DEFAULT_PERMALINK = "/{year}/{month}/{day}/{slug}/"
DEFAULT_NEW_PATH = "{year}/{month}/{slug}.txt"


@dataclass(frozen=True, slots=True)
class Config:
    """Site settings; paths are absolute, resolved against the config file's folder."""

    root: Path
    path: Path | None
    title: str = "Digest"
    description: str = ""
    base_url: str = "http://localhost:8000/"
    language: str = "en"
    author: str = ""
    content_dir: Path = Path("content")
    output_dir: Path = Path("public")
    templates_dir: Path = Path("templates")
    per_page: int = 20
    feed_size: int = 20
    timezone: str = "UTC"
    permalink: str = DEFAULT_PERMALINK
    new_article_path: str = DEFAULT_NEW_PATH
    summary_words: int = 45
    digest: str = ""  # sha256 of the config file's bytes, for build state

    @property
    def base_path(self) -> str:
        """The URL path every site link starts with, e.g. '/' or '/news/'."""
        path = urlsplit(self.base_url).path or "/"
        return path if path.endswith("/") else path + "/"

    def with_base_url(self, base_url: str) -> Config:
        """Return a copy serving from another base URL (the dev server's)."""
        values = {f.name: getattr(self, f.name) for f in fields(self)}
        values["base_url"] = base_url
        return Config(**values)


# key: (type, description) — the description doubles as the README's table source.
KEYS: dict[str, tuple[type, str]] = {
    "title": (str, "site name shown in the header and feeds"),
    "description": (str, "one sentence under the site name and in feeds"),
    "base_url": (str, "absolute URL of the site root; its path is the base path of every link"),
    "language": (str, "`lang` of the HTML pages and feeds"),
    "author": (str, "feed author"),
    "content_dir": (str, "folder of article files"),
    "output_dir": (str, "folder the site is written to"),
    "templates_dir": (str, "folder of templates and static files overriding the theme"),
    "per_page": (int, "articles per page on the home, source, tag and day pages"),
    "feed_size": (int, "entries per Atom feed"),
    "timezone": (str, "zone of dates written without one (IANA name, e.g. Europe/Berlin)"),
    "permalink": (str, "article URL pattern with {year} {month} {day} {slug} {source}"),
    "new_article_path": (str, "file pattern for `build.py new`, relative to content_dir"),
    "summary_words": (int, "words of the story shown on listings"),
}

_PATH_KEYS = {"content_dir", "output_dir", "templates_dir"}
_POSITIVE = {"per_page", "feed_size", "summary_words"}
# Placeholders each pattern may use; any other `{name}` would fail when a URL is made.
PATTERN_FIELDS = frozenset({"year", "month", "day", "slug", "source"})
_EXAMPLES = {
    "title": '"The Daily Digest"',
    "description": '"World news, gathered by our editors."',
    "base_url": "https://news.example.org/",
    "language": "en",
    "author": '"The Digest desk"',
    "timezone": "Europe/Berlin",
}


_DEFAULTS = {f.name: f.default for f in fields(Config)}


def load_config(path: Path | None, root: Path | None = None) -> Config:
    """Read and validate a config file; a missing default config gives the defaults."""
    config, problems = read_config(path, root)
    if config is None or any(p.severity == "error" for p in problems):
        raise BuildFailed(problems)
    return config


def read_config(path: Path | None, root: Path | None = None) -> tuple[Config | None, list[Problem]]:
    """Read a config file and list all its problems; bad values fall back to the defaults.

    The config is None when the file cannot be read as `key: value` YAML at all; otherwise
    it holds every valid value, so `check` can go on to the content with it.
    """
    base = (root or (path.parent if path else Path.cwd())).resolve()
    if path is None or not path.exists():
        if path is not None and path.name != "config.yaml":
            hint = "check the path given to --config"
            return None, [Problem(str(path), 1, "the config file does not exist", hint)]
        return _finish(Config(root=base, path=None), {}), []
    where = str(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        hint = "--config must name a readable YAML file"
        return None, [Problem(where, 1, f"cannot read the config file: {exc.strerror}", hint)]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        message = f"the config file is not UTF-8 text (byte 0x{raw[exc.start]:02x})"
        return None, [Problem(where, line, message, "re-save it as UTF-8 in your editor")]
    try:
        doc = parse_yaml(text.removeprefix("\ufeff"))
    except YamlSyntaxError as exc:
        message = f"invalid YAML in the config file: {exc.message}"
        return None, [Problem(where, exc.line, message, explain(exc))]
    data = doc.data if doc.data is not None else {}
    if not isinstance(data, dict):
        hint = "write `key: value` lines, e.g. `title: My Digest`"
        message = f"the config must be a mapping of `key: value` settings, not {describe(data)}"
        return None, [Problem(where, 1, message, hint)]
    problems = [
        Problem(
            where,
            line,
            f"`{key}` is given again (first on line {doc.key_lines[key]})",
            f"keep one `{key}:` line; only the last one would count",
        )
        for key, line in doc.duplicates
    ]
    values: dict[str, Any] = {}
    for key, value in data.items():
        line = doc.key_lines.get(str(key), 1)
        problem = _check_key(where, line, key, value)
        if problem is None:
            values[key] = value
        else:
            problems.append(problem)
    for key, problem in _check_values(where, doc.key_lines, values):
        problems.append(problem)
        values.pop(key, None)  # fall back to the default so `check` can go on
    digest = hashlib.sha256(raw).hexdigest()
    config = _finish(Config(root=base, path=path.resolve(), digest=digest), values)
    problems.extend(_check_folders(where, doc.key_lines, config))
    problems.sort(key=lambda problem: problem.line)
    return config, problems


def _check_key(where: str, line: int, key: object, value: object) -> Problem | None:
    if key not in KEYS:
        close = difflib.get_close_matches(str(key), KEYS, n=1)
        hint = f"did you mean `{close[0]}`?" if close else "known keys: " + ", ".join(KEYS)
        return Problem(where, line, f"unknown config key `{key}`", hint)
    kind, _ = KEYS[str(key)]
    if kind is int and (isinstance(value, bool) or not isinstance(value, int)):
        return _type_problem(where, line, str(key), value, "a whole number")
    if kind is str and not isinstance(value, str):
        return _type_problem(where, line, str(key), value, "text")
    if key in _POSITIVE and isinstance(value, int) and value < 1:
        return Problem(where, line, f"`{key}` must be at least 1, not {value}", f"e.g. `{key}: 20`")
    return None


def _type_problem(where: str, line: int, key: str, value: object, want: str) -> Problem:
    example = _EXAMPLES.get(key) or str(_DEFAULTS.get(key, "..."))
    hint = f"e.g. `{key}: {example}`"
    if want == "text" and isinstance(value, (bool, int, float)):
        hint += "; put a value YAML reads as a number or true/false in quotes"
    return Problem(where, line, f"`{key}` must be {want}, not {describe(value)}", hint)


def _check_values(
    where: str, lines: dict[str, int], values: dict[str, Any]
) -> list[tuple[str, Problem]]:
    problems: list[tuple[str, Problem]] = []
    url = values.get("base_url")
    if url is not None:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            problems.append(
                (
                    "base_url",
                    Problem(
                        where,
                        lines.get("base_url", 1),
                        f"`base_url` must be an absolute http(s) address, not {url!r}",
                        "e.g. `base_url: https://news.example.org/`",
                    ),
                )
            )
    zone = values.get("timezone")
    if zone is not None:
        try:
            ZoneInfo(zone)
        except (ZoneInfoNotFoundError, ValueError):
            hint = "use an IANA name such as UTC or Europe/Berlin"
            message = f"unknown time zone {zone!r}"
            problems.append(("timezone", Problem(where, lines.get("timezone", 1), message, hint)))
    for key in ("permalink", "new_article_path"):
        if key in values:
            found = _check_pattern(where, lines.get(key, 1), key, values[key])
            problems.extend((key, problem) for problem in found)
    return problems


def _check_pattern(where: str, line: int, key: str, pattern: str) -> list[Problem]:
    example = DEFAULT_PERMALINK if key == "permalink" else DEFAULT_NEW_PATH
    allowed = " ".join("{" + name + "}" for name in sorted(PATTERN_FIELDS))
    try:
        names = {name for _, name, _, _ in string.Formatter().parse(pattern) if name is not None}
    except ValueError:
        message = f"`{key}` has an unmatched `{{` or `}}`"
        return [Problem(where, line, message, f"e.g. `{key}: {example}`")]
    problems = []
    unknown = sorted(names - PATTERN_FIELDS)
    if unknown:
        message = f"`{key}` uses unknown placeholder {{{unknown[0]}}}"
        problems.append(Problem(where, line, message, f"use only {allowed}"))
    elif "slug" not in names:
        message = f"`{key}` must contain {{slug}}"
        problems.append(Problem(where, line, message, f"e.g. `{key}: {example}`"))
    if key == "new_article_path":
        parts = Path(pattern).parts
        if Path(pattern).is_absolute() or ".." in parts:
            message = "`new_article_path` must stay inside the content folder"
            problems.append(Problem(where, line, message, f"e.g. `{key}: {example}`"))
        elif Path(pattern).suffix.lower() not in (".txt", ".md", ".markdown"):
            message = "`new_article_path` must end in .txt or .md, or the build would skip it"
            problems.append(Problem(where, line, message, f"e.g. `{key}: {example}`"))
    return problems


def _check_folders(where: str, lines: dict[str, int], config: Config) -> list[Problem]:
    """The build deletes stale files in output_dir: it must not hold the site's sources."""
    out = config.output_dir
    clashes = ["the site folder"] if config.root.is_relative_to(out) else []
    for name, folder in (
        ("the content folder", config.content_dir),
        ("the templates folder", config.templates_dir),
    ):
        if folder.is_relative_to(out) or out.is_relative_to(folder):
            clashes.append(name)
    if not clashes:
        return []
    message = f"`output_dir` overlaps {clashes[0]}; the build would delete files there"
    hint = "use a folder of its own, e.g. `output_dir: public`"
    return [Problem(where, lines.get("output_dir", 1), message, hint)]


def _finish(config: Config, values: dict[str, Any]) -> Config:
    merged = {f.name: getattr(config, f.name) for f in fields(config)}
    merged.update(values)
    for key in _PATH_KEYS:
        merged[key] = (config.root / Path(merged[key])).resolve()
    if not merged["base_url"].endswith("/"):
        merged["base_url"] += "/"
    return Config(**merged)
