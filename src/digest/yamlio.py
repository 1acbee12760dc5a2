"""YAML parsing that keeps line numbers and leaves dates as text for our own checks.

libyaml's C loader is used when present (it is several times faster). Timestamps are not
resolved by YAML: `2024-13-45` must become our own error with a line, not a ValueError
from deep inside the YAML constructor.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import yaml

_Base: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_Base):  # type: ignore[misc]
    """Safe loader without the implicit timestamp type."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in _Base.yaml_implicit_resolvers.items()
}


@dataclass(frozen=True, slots=True)
class YamlDoc:
    """A parsed YAML document and the 1-based line of each top-level key."""

    data: object
    key_lines: dict[str, int]


class YamlSyntaxError(Exception):
    """Invalid YAML, with the 1-based line (relative to the parsed text) and a message."""

    def __init__(self, line: int, message: str) -> None:
        self.line = line
        self.message = message
        super().__init__(f"line {line}: {message}")


def parse_yaml(text: str) -> YamlDoc:
    """Parse one YAML document; raise YamlSyntaxError with a line on bad syntax."""
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else 1
        problem = exc.problem or exc.context or "invalid YAML"
        raise YamlSyntaxError(line, str(problem)) from None
    except yaml.YAMLError as exc:
        raise YamlSyntaxError(1, str(exc)) from None
    finally:
        loader.dispose()
    key_lines: dict[str, int] = {}
    if isinstance(node, yaml.MappingNode):
        for key_node, _value in node.value:
            if isinstance(key_node, yaml.ScalarNode):
                key_lines.setdefault(str(key_node.value), key_node.start_mark.line + 1)
    return YamlDoc(data, key_lines)
