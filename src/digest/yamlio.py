"""YAML parsing that keeps line numbers and leaves dates as text for our own checks.

libyaml's C loader is used when present (it is several times faster). Timestamps are not
resolved by YAML: `2024-13-45` must become our own error with a line, not a ValueError
from deep inside the YAML constructor.

Most front-matters are a handful of `key: value` lines of plain text, and building libyaml's
events and PyYAML's nodes for them costs more than the rest of reading a file. Such texts
are read by a small line parser instead (`parse_yaml_simple`); it declines anything outside
that shape, and whatever it declines goes to PyYAML, so its answers are PyYAML's (see the
property test in tests/test_load.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import yaml

_Base: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_Base):  # type: ignore[misc]
    """Safe loader without the implicit timestamp type."""

    def construct_object(self, node: yaml.Node, deep: bool = False) -> object:
        """Construct one node; turn a constructor's crash on a bad value into a marked error."""
        try:
            return super().construct_object(node, deep)
        except yaml.YAMLError:
            raise
        except (ValueError, TypeError, AttributeError, LookupError, OverflowError):
            # Explicit tags such as `!!timestamp 2024-13-45` or `!!int x` make PyYAML's
            # constructors raise plain Python errors that carry no line.
            tag = str(node.tag).replace("tag:yaml.org,2002:", "!!")
            shown = f"{tag} {node.value}" if isinstance(node, yaml.ScalarNode) else tag
            raise yaml.constructor.ConstructorError(
                None, None, f"`{shown}` is not a valid value for its tag", node.start_mark
            ) from None


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in _Base.yaml_implicit_resolvers.items()
}


@dataclass(frozen=True, slots=True)
class YamlDoc:
    """A parsed YAML document and the 1-based line of each top-level key."""

    data: object
    key_lines: dict[str, int]
    # (key, line) of each top-level key given again after its first line in key_lines.
    duplicates: tuple[tuple[str, int], ...] = ()


class YamlSyntaxError(Exception):
    """Invalid YAML, with the 1-based line (relative to the parsed text) and a message."""

    def __init__(self, line: int, message: str, opened: int | None = None) -> None:
        self.line = line
        self.message = message
        self.opened = opened  # line of the bracket or quote left open, when elsewhere
        super().__init__(f"line {line}: {message}")


def describe(value: object) -> str:
    """Name a YAML value's kind the way an editor would, e.g. 'a list' or 'true/false'."""
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int):
        return "a whole number"
    if isinstance(value, float):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a group of `key: value` fields"
    return f"a {type(value).__name__} value"


# What a YAML parser's complaint usually means in a hand-written file, and what to do.
_HINTS = (
    (
        "mapping values are not allowed",
        'a value contains `: `; put it in double quotes, e.g. title: "Iran: the talks resume"',
    ),
    (
        "cannot start any token",
        "indent with spaces, not tabs, and quote values that start with @ or a backquote",
    ),
    ("unexpected end of stream", "a quote or a bracket is opened but never closed"),
    ("expected ',' or ']'", "a `[...]` list is not closed or its items lack commas"),
    ("expected ',' or '}'", "a `{...}` mapping is not closed or its items lack commas"),
    ("expected ':'", "every line must be `key: value`; quote a value that goes on over lines"),
    ("expected key", "every line must be `key: value`; indent list items under their key"),
    ("undefined alias", "a value starting with `*` must be quoted"),
    ("escape character", "inside double quotes write \\\\ for a backslash, or use single quotes"),
    ("unhashable key", "a key must be a plain word, not a list or mapping"),
    ("another document", "remove the extra `---` line"),
    ("sequence entries are not allowed", "put `- item` lines under a key, indented alike"),
    ("is not allowed", "remove the invisible control character from this line"),
    ("valid value for its tag", "remove the `!!` tag and write the value plainly"),
)


def hint_for(message: str) -> str:
    """Say in plain words how to fix a YAML syntax problem."""
    for needle, hint in _HINTS:
        if needle in message:
            return hint
    return "check the colons, indentation and quotes on this line"


def explain(error: YamlSyntaxError, offset: int = 0) -> str:
    """The hint for a syntax error, naming where an unclosed bracket opens (lines + offset)."""
    hint = hint_for(error.message)
    if error.opened is not None:
        hint += f" (it opens on line {error.opened + offset})"
    return hint


def parse_yaml(text: str) -> YamlDoc:
    """Parse one YAML document; raise YamlSyntaxError with a line on bad syntax."""
    simple = parse_yaml_simple(text)
    return simple if simple is not None else parse_yaml_full(text)


def parse_yaml_full(text: str) -> YamlDoc:
    """Parse one YAML document with PyYAML, never by the line parser (what it must match)."""
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else 1
        problem = str(exc.problem or exc.context or "invalid YAML")
        opened = exc.context_mark.line + 1 if exc.context_mark is not None else None
        if opened is not None and "end of stream" in problem:
            # A quote left open runs to the end of the text: where it opens is the mistake.
            line, opened = opened, None
        raise YamlSyntaxError(line, problem, opened if opened != line else None) from None
    except yaml.reader.ReaderError as exc:
        line = text.count("\n", 0, exc.position) + 1
        raise YamlSyntaxError(line, f"character #x{exc.character:04x} is not allowed") from None
    except yaml.YAMLError as exc:
        raise YamlSyntaxError(1, str(exc)) from None
    finally:
        loader.dispose()
    key_lines: dict[str, int] = {}
    duplicates: list[tuple[str, int]] = []
    if isinstance(node, yaml.MappingNode):
        for key_node, _value in node.value:
            if isinstance(key_node, yaml.ScalarNode):
                key, line = str(key_node.value), key_node.start_mark.line + 1
                if key in key_lines:
                    duplicates.append((key, line))
                else:
                    key_lines[key] = line
    return YamlDoc(data, key_lines, tuple(duplicates))


# The line parser's shape: each line is blank or `key: value`, the key a short word at the
# start of the line. Longer keys are left to YAML (libyaml refuses keys over 1024 chars).
_KEY_LINE = re.compile(r"([A-Za-z_][A-Za-z0-9_-]{0,63}):(?: +|$)")
# Characters that give a plain value a meaning other than text when they start it (block
# scalars, tags, anchors, aliases, reserved, flow mappings, `- ` / `? ` / `: ` indicators).
_STARTERS = frozenset("-?:,[]{}#&*!|>'\"%@`")
# Inside a `[...]` item: flow indicators, comments and quotes are left to YAML.
_FLOW_SPECIAL = re.compile(r"[\[\]{}#:?\"']")


class _Decline(Exception):
    """The text is outside the line parser's shape: PyYAML must read it."""


def parse_yaml_simple(text: str) -> YamlDoc | None:
    """Read `key: value` lines of text values or `[...]` lists; None for anything else."""
    data: dict[str, object] = {}
    key_lines: dict[str, int] = {}
    try:
        for number, line in enumerate(text.split("\n"), 1):
            if not line:
                continue
            match = _KEY_LINE.match(line)
            # isprintable() refuses tabs, CR, NEL, LS/PS, BOM and what libyaml refuses.
            if match is None or not line.isprintable():
                return None
            key = match[1]
            if key in data or not _is_text_key(key):
                return None  # repeated keys and keys such as `yes:` or `null:`: YAML's job
            data[key] = _value(line[match.end() :].rstrip(" "))
            key_lines[key] = number
    except _Decline:
        return None
    return YamlDoc(data or None, key_lines)


# The same few keys come back in every file: remember which ones YAML reads as text.
_TEXT_KEYS: dict[str, bool] = {}


def _is_text_key(key: str) -> bool:
    """_is_text for a key, remembered (the cache is emptied if a site has many keys)."""
    known = _TEXT_KEYS.get(key)
    if known is None:
        if len(_TEXT_KEYS) > 500:
            _TEXT_KEYS.clear()
        known = _TEXT_KEYS[key] = _is_text(key)
    return known


def _value(text: str) -> object:
    """A value after `key: `: text, a flow list of text, or nothing; _Decline otherwise."""
    if not text:
        return None
    first = text[0]
    if first == "[":
        if text[-1] != "]":
            raise _Decline
        inner = text[1:-1]
        return [_item(item.strip(" ")) for item in inner.split(",")] if inner.strip(" ") else []
    if first in "'\"":
        return _quoted(text)
    # `: ` or a final `:` would make a nested mapping, ` #` starts a comment.
    if first in _STARTERS or ": " in text or " #" in text or text[-1] == ":":
        raise _Decline
    return _plain(text)


def _item(text: str) -> str:
    """One item of a `[...]` list (split at commas, so a quoted item holds none)."""
    if not text:
        raise _Decline  # `[a,,b]` is an error and `[a,]` ends in a comma: YAML's job
    if text[0] in "'\"":
        return _quoted(text)
    if text[0] in _STARTERS or _FLOW_SPECIAL.search(text):
        raise _Decline
    return _plain(text)


def _quoted(text: str) -> str:
    """A one-line quoted value without escapes: its text is what is between the quotes."""
    quote, inner = text[0], text[1:-1]
    if len(text) < 2 or text[-1] != quote:
        raise _Decline
    if quote == "'":
        if "'" in inner.replace("''", ""):
            raise _Decline
        return inner.replace("''", "'")
    if '"' in inner or "\\" in inner:
        raise _Decline
    return inner


def _plain(text: str) -> str:
    """A plain value that YAML reads as text, not as a number, true/false, null or merge."""
    if not _is_text(text):
        raise _Decline
    return text


def _is_text(plain: str) -> bool:
    """Tell whether none of the loader's implicit types claims a plain scalar (it is str)."""
    resolvers = _Loader.yaml_implicit_resolvers
    # The loader's own table, looked up the way Resolver.resolve does: by first character,
    # then the resolvers for any character (PyYAML registers none of those).
    for group in (resolvers.get(plain[0]), resolvers.get(None)):
        for _tag, regexp in group or ():
            if regexp.match(plain):
                return False
    return True
