"""YAML parsing that keeps line numbers and leaves dates as text for our own checks.

libyaml's C loader is used when present (it is several times faster). Timestamps are not
resolved by YAML: `2024-13-45` must become our own error with a line, not a ValueError
from deep inside the YAML constructor.

Most front-matters (and config files) are a handful of `key: value` lines of plain text or
whole numbers, and building libyaml's events and PyYAML's nodes for them costs more than
the rest of reading a file. Such texts are read by a small line parser instead
(`parse_yaml_simple`); it declines anything outside that shape, and whatever it declines
goes to PyYAML, so its answers are PyYAML's (see the property test in tests/test_load.py).
PyYAML is imported only then: a build whose files all suit the line parser never loads it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import yaml

TIMESTAMP = "tag:yaml.org,2002:timestamp"


@cache
def _loader() -> Any:
    """PyYAML's safe loader without the implicit timestamp type (made on first use)."""
    import yaml

    base: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

    class Loader(base):  # type: ignore[misc]
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

    Loader.yaml_implicit_resolvers = {
        first: [(tag, rx) for tag, rx in resolvers if tag != TIMESTAMP]
        for first, resolvers in base.yaml_implicit_resolvers.items()
    }
    return Loader


# PyYAML's implicit types as its `Resolver` registers them (yaml/resolver.py), timestamps
# left out: the line parser reads a plain value as text only when none of them claims it.
# A copy, so that the line parser runs without importing PyYAML; tests/test_load.py checks
# that it is the loader's table, pattern for pattern.
_IMPLICIT: tuple[tuple[str, str, int, list[str]], ...] = (
    (
        "tag:yaml.org,2002:bool",
        r"""^(?:yes|Yes|YES|no|No|NO
                    |true|True|TRUE|false|False|FALSE
                    |on|On|ON|off|Off|OFF)$""",
        re.X,
        list("yYnNtTfFoO"),
    ),
    (
        "tag:yaml.org,2002:float",
        r"""^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?
                    |\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?
                    |[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*
                    |[-+]?\.(?:inf|Inf|INF)
                    |\.(?:nan|NaN|NAN))$""",
        re.X,
        list("-+0123456789."),
    ),
    (
        "tag:yaml.org,2002:int",
        r"""^(?:[-+]?0b[0-1_]+
                    |[-+]?0[0-7_]+
                    |[-+]?(?:0|[1-9][0-9_]*)
                    |[-+]?0x[0-9a-fA-F_]+
                    |[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$""",
        re.X,
        list("-+0123456789"),
    ),
    ("tag:yaml.org,2002:merge", r"^(?:<<)$", 0, ["<"]),
    (
        "tag:yaml.org,2002:null",
        r"""^(?: ~
                    |null|Null|NULL
                    | )$""",
        re.X,
        ["~", "n", "N", ""],
    ),
    ("tag:yaml.org,2002:value", r"^(?:=)$", 0, ["="]),
    ("tag:yaml.org,2002:yaml", r"^(?:!|&|\*)$", 0, list("!&*")),
)


def _resolvers() -> dict[str, list[tuple[str, re.Pattern[str]]]]:
    """The implicit types by first character, in the order PyYAML tries them."""
    table: dict[str, list[tuple[str, re.Pattern[str]]]] = {}
    for tag, pattern, flags, firsts in _IMPLICIT:
        compiled = re.compile(pattern, flags)
        for first in firsts:
            table.setdefault(first, []).append((tag, compiled))
    return table


_IMPLICIT_RESOLVERS = _resolvers()


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
    import yaml

    loader = _loader()(text)
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
    """Read `key: value` lines of text, whole numbers or `[...]` lists; None for anything else."""
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
    """A value after `key: `: text, a whole number, a flow list of them, or nothing.

    _Decline for anything else.
    """
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


def _item(text: str) -> str | int:
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


# A decimal whole number: what YAML reads as the int that Python's int() reads. Longer ones
# (and Python caps the digits int() reads) are left to YAML.
_WHOLE = re.compile(r"0|[1-9][0-9]{0,17}")


def _plain(text: str) -> str | int:
    """A plain value that YAML reads as text or a whole number, not a float, bool, null..."""
    if _is_text(text):
        return text
    if _WHOLE.fullmatch(text):
        return int(text)
    raise _Decline


def _is_text(plain: str) -> bool:
    """Tell whether none of the loader's implicit types claims a plain scalar (it is str)."""
    # Looked up the way Resolver.resolve does: by first character (PyYAML registers no
    # resolvers for any character).
    resolvers = _IMPLICIT_RESOLVERS.get(plain[0], ())
    return not any(regexp.match(plain) for _tag, regexp in resolvers)
