"""Read an article's front-matter values one by one, recording a problem for each bad one.

Every check runs even after an earlier one failed, so an editor sees all the mistakes in a
file at once; each problem points at the line of the field it is about.
"""

from __future__ import annotations

import difflib
import re
from datetime import date, datetime, time, tzinfo
from urllib.parse import urlsplit

from .errors import Problem
from .load import SourceDoc
from .yamlio import describe

KNOWN_KEYS = ("title", "date", "source", "url", "tags", "draft", "slug", "author", "dek")
# An address that the urlsplit() check below always accepts (lower-case http(s) scheme, an
# ASCII host, no spaces or control characters), recognised without urlsplit()'s work.
_PLAIN_URL = re.compile(r"https?://[A-Za-z0-9.-]+(?:[/?#][!-~]*)?")


def parse_date(value: object, zone: tzinfo) -> datetime | None:
    """Read an ISO 8601 date or date-time; a date or naive time is taken in `zone`."""
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=zone)
    if isinstance(value, date):
        return datetime.combine(value, time(0, 0), zone)
    if not isinstance(value, str):
        return None
    text = value.strip()
    try:
        if len(text) == 10:
            return datetime.combine(date.fromisoformat(text), time(0, 0), zone)
        parsed = datetime.fromisoformat(text.replace("z", "Z"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=zone)


class FieldReader:
    """Reads front-matter values, collecting a problem for each bad one instead of stopping."""

    def __init__(self, doc: SourceDoc) -> None:
        self.path = str(doc.path)
        self.meta = doc.meta
        self.lines = doc.meta_lines
        self.problems: list[Problem] = list(doc.problems)

    def problem(self, key: str, message: str, hint: str, severity: str = "error") -> Problem:
        """Make a problem located on the line of `key`."""
        return Problem(self.path, self.lines.get(key, 1), message, hint, severity)

    def fail(self, key: str, message: str, hint: str) -> None:
        """Record an error on the line of `key`."""
        self.problems.append(self.problem(key, message, hint))

    def text(self, key: str) -> str | None:
        """A text field; numbers and true/false are errors, since YAML changed what was typed."""
        value = self.meta.get(key)
        if value is None:
            return None
        if not isinstance(value, str):
            hint = (
                f'write `{key}: "{value}"` in quotes'
                if _is_scalar(value)
                else (f'write `{key}: "..."` with the text in quotes')
            )
            self.fail(key, f"`{key}` must be text, not {describe(value)}", hint)
            return None
        text = value.strip()
        if not text:
            self.problems.append(
                self.problem(
                    key,
                    f"`{key}` is empty and is ignored",
                    f"write a value after `{key}:` or remove the line",
                    "warning",
                )
            )
        return text or None

    def url(self) -> str | None:
        """The page address: an absolute http(s) URL without spaces."""
        url = self.text("url")
        if url is None or _PLAIN_URL.fullmatch(url):
            return url
        parts = urlsplit(url)
        if parts.scheme.lower() not in ("http", "https") or not parts.netloc or " " in url:
            self.fail(
                "url",
                f"`url` must be a web address starting with http:// or https://, not {url!r}",
                "copy the address from the browser's address bar",
            )
            return None
        return url

    def tags(self) -> tuple[str, ...]:
        """The tags: a list of words or phrases."""
        value = self.meta.get("tags")
        if value is None:
            return ()
        if isinstance(value, str):
            words = ", ".join(t.strip() for t in value.split(",") if t.strip())
            self.fail("tags", "`tags` must be a list, not text", f"write `tags: [{words}]`")
            return ()
        if not isinstance(value, list):
            self.fail(
                "tags",
                f"`tags` must be a list, not {describe(value)}",
                "write `tags: [politics, europe]`",
            )
            return ()
        tags: list[str] = []
        for item in value:
            if isinstance(item, bool) or not isinstance(item, (str, int)):
                self.fail(
                    "tags",
                    f"each tag must be a word or phrase, not {describe(item)}",
                    "write `tags: [politics, europe]`; quote a tag that is a number",
                )
                return ()
            tag = str(item).strip()
            if not tag or tag in tags:
                why = "an empty tag" if not tag else f"the tag `{tag}` twice"
                self.problems.append(
                    self.problem(
                        "tags",
                        f"`tags` holds {why}; it is ignored",
                        "remove it from the list",
                        "warning",
                    )
                )
            else:
                tags.append(tag)
        return tuple(tags)

    def flag(self, key: str) -> bool:
        """A true/false field, false when absent."""
        value = self.meta.get(key, False)
        if not isinstance(value, bool):
            self.fail(
                key,
                f"`{key}` must be true or false, not {describe(value)}",
                f"write `{key}: true` or `{key}: false`",
            )
            return False
        return value

    def date(self, zone: tzinfo) -> datetime | None:
        """The publication date, or None when absent (or wrong: then an error is recorded)."""
        if "date" not in self.meta:
            return None
        value = self.meta["date"]
        when = parse_date(value, zone)
        if when is None:
            if value is None:
                message = "`date` is empty"
            elif _is_scalar(value):
                message = f"`date: {value}` is not a valid date"
            else:
                message = f"`date` must be a date, not {describe(value)}"
            self.fail(
                "date",
                message,
                "use YYYY-MM-DD (month 01-12, day 01-31), e.g. `date: 2024-11-04`, "
                "or add a time: `date: 2024-11-04T15:20:00-05:00`",
            )
        return when

    def unknown_keys(self) -> None:
        """Warn about keys digest does not know: usually a typo of a known one."""
        for key in self.meta:
            if key in KNOWN_KEYS:
                continue
            close = difflib.get_close_matches(key, KNOWN_KEYS, n=1)
            hint = (
                f"did you mean `{close[0]}`?" if close else "known keys: " + ", ".join(KNOWN_KEYS)
            )
            self.problems.append(
                self.problem(
                    key,
                    f"unknown front-matter key `{key}`; it is kept but not used",
                    hint,
                    "warning",
                )
            )


def _is_scalar(value: object) -> bool:
    return isinstance(value, (str, int, float, bool))
