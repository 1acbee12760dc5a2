"""Load and validate config.yaml into a frozen Config, reporting every problem at once."""

from __future__ import annotations

import difflib
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from .errors import BuildFailed, Problem
from .yamlio import YamlSyntaxError, parse_yaml

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


def load_config(path: Path | None, root: Path | None = None) -> Config:
    """Read and validate a config file; a missing default config gives the defaults."""
    import hashlib

    base = (root or (path.parent if path else Path.cwd())).resolve()
    if path is None or not path.exists():
        if path is not None and path.name != "config.yaml":
            raise BuildFailed([Problem(str(path), 1, "config file not found", "check --config")])
        return _finish(Config(root=base, path=None), {})
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise BuildFailed(
            [Problem(str(path), line, "config is not UTF-8 text", "save it as UTF-8")]
        ) from None
    try:
        doc = parse_yaml(text)
    except YamlSyntaxError as exc:
        hint = "check indentation, colons and quotes around this line"
        raise BuildFailed([Problem(str(path), exc.line, f"invalid YAML: {exc.message}", hint)])
    data = doc.data if doc.data is not None else {}
    if not isinstance(data, dict):
        hint = "write `key: value` lines, e.g. `title: My Digest`"
        raise BuildFailed([Problem(str(path), 1, "config must be a mapping of keys", hint)])
    problems: list[Problem] = []
    values: dict[str, Any] = {}
    for key, value in data.items():
        line = doc.key_lines.get(str(key), 1)
        if key not in KEYS:
            close = difflib.get_close_matches(str(key), KEYS, n=1)
            hint = f"did you mean `{close[0]}`?" if close else "known keys: " + ", ".join(KEYS)
            problems.append(Problem(str(path), line, f"unknown config key `{key}`", hint))
            continue
        kind, _ = KEYS[key]
        if kind is int and (isinstance(value, bool) or not isinstance(value, int)):
            problems.append(_type_problem(path, line, key, value, "a whole number, e.g. 20"))
        elif kind is str and not isinstance(value, str):
            problems.append(_type_problem(path, line, key, value, "text"))
        elif key in _POSITIVE and value < 1:
            problems.append(Problem(str(path), line, f"`{key}` must be at least 1", "use 1 or more"))
        else:
            values[key] = value
    problems.extend(_check_values(path, doc.key_lines, values))
    if problems:
        raise BuildFailed(problems)
    digest = hashlib.sha256(raw).hexdigest()
    return _finish(Config(root=base, path=path.resolve(), digest=digest), values)


def _type_problem(path: Path, line: int, key: str, value: object, want: str) -> Problem:
    got = type(value).__name__ if value is not None else "nothing"
    return Problem(str(path), line, f"`{key}` must be {want}, not {got}", f"e.g. `{key}: ...`")


def _check_values(path: Path, lines: dict[str, int], values: dict[str, Any]) -> list[Problem]:
    problems = []
    url = values.get("base_url")
    if url is not None:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            problems.append(
                Problem(
                    str(path),
                    lines.get("base_url", 1),
                    f"`base_url` must be an absolute http(s) URL, not {url!r}",
                    "e.g. `base_url: https://news.example.org/`",
                )
            )
    zone = values.get("timezone")
    if zone is not None:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(zone)
        except (ZoneInfoNotFoundError, ValueError):
            problems.append(
                Problem(
                    str(path),
                    lines.get("timezone", 1),
                    f"unknown time zone {zone!r}",
                    "use an IANA name such as UTC or Europe/Berlin",
                )
            )
    pattern = values.get("permalink")
    if pattern is not None and "{slug}" not in pattern:
        problems.append(
            Problem(
                str(path),
                lines.get("permalink", 1),
                "`permalink` must contain {slug}",
                "e.g. `/{year}/{month}/{day}/{slug}/`",
            )
        )
    return problems


def _finish(config: Config, values: dict[str, Any]) -> Config:
    merged = {f.name: getattr(config, f.name) for f in fields(config)}
    merged.update(values)
    for key in _PATH_KEYS:
        merged[key] = (config.root / Path(merged[key])).resolve()
    if not merged["base_url"].endswith("/"):
        merged["base_url"] += "/"
    return Config(**merged)
