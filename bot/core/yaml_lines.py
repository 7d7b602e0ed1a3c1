"""YAML reading that remembers where each mapping and key came from.

Errors in hand-written data must point at ``file:line``; PyYAML's node marks carry the lines,
so mappings are built as :class:`LineMap` objects that keep them. Dates stay strings: the
precision of a historical date is what is written, and YAML's own timestamp type would lose it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

_TIMESTAMP_TAG = "tag:yaml.org,2002:timestamp"


class LineMap(dict[str, Any]):
    """A YAML mapping with the line of the mapping and of each of its keys (1-based)."""

    line: int
    key_lines: dict[str, int]
    duplicate_keys: list[tuple[str, int]]


class _Loader(yaml.SafeLoader):
    pass


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regex) for tag, regex in resolvers if tag != _TIMESTAMP_TAG]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _construct_mapping(loader: _Loader, node: yaml.MappingNode) -> LineMap:
    mapping = LineMap()
    mapping.line = node.start_mark.line + 1
    mapping.key_lines = {}
    mapping.duplicate_keys = []
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        key_text = str(key)
        line = key_node.start_mark.line + 1
        if key_text in mapping:
            mapping.duplicate_keys.append((key_text, line))
        mapping[key_text] = loader.construct_object(value_node, deep=True)
        mapping.key_lines[key_text] = line
    return mapping


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


class YamlSyntaxError(Exception):
    """The file is not YAML at all; carries the line of the problem."""

    def __init__(self, path: Path, line: int, message: str) -> None:
        super().__init__(f"{path}:{line}: {message}")
        self.path = path
        self.line = line
        self.message = message


def load_yaml(path: Path) -> Any:
    """Load one YAML file with line-aware mappings; raise YamlSyntaxError with its line."""
    text = path.read_text(encoding="utf-8")
    try:
        return yaml.load(text, Loader=_Loader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else 1
        raise YamlSyntaxError(path, line, f"not valid YAML: {error.problem}") from None
    except yaml.YAMLError as error:
        raise YamlSyntaxError(path, 1, f"not valid YAML: {error}") from None


def line_of(data: Any, location: tuple[int | str, ...], default: int) -> int:
    """The line of the deepest key along ``location`` inside nested LineMaps/lists."""
    line = default
    current = data
    for step in location:
        if isinstance(current, LineMap) and isinstance(step, str):
            line = current.key_lines.get(step, line)
            current = current.get(step)
        elif isinstance(current, list) and isinstance(step, int) and 0 <= step < len(current):
            current = current[step]
            if isinstance(current, LineMap):
                line = current.line
        else:
            break
    return line
