"""YAML reading that remembers where each mapping and key came from.

Errors in hand-written data must point at ``file:line``; PyYAML's node marks carry the lines,
so mappings are built as :class:`LineMap` objects that keep them. Dates stay strings: the
precision of a historical date is what is written, and YAML's own timestamp type would lose it.

Fact files are small and hand-written, so anything else is refused before it costs memory or
time: files that are not regular files, larger than :data:`MAX_FILE_BYTES`, not UTF-8, nested
deeper than :data:`MAX_DEPTH`, or using anchors and aliases (the "billion laughs" attack
expands a few hundred bytes of aliases into gigabytes).

PyYAML's pure-Python scanner takes most of a cold start, so a file is read with libyaml (the
C loader) when PyYAML has it: one pass over its events makes the same refusals, then the C
composer's nodes, which carry the same line marks, are built by the same constructors. Any
file the fast path doubts (an anchor, an alias, deep nesting, a syntax error) is read again
by the pure-Python loader, so every error keeps its exact ``file:line: what is wrong``.
"""

from __future__ import annotations

import codecs
import stat
from pathlib import Path
from typing import Any

import yaml
from yaml.events import AliasEvent, CollectionEndEvent, CollectionStartEvent, NodeEvent

MAX_FILE_BYTES = 2 * 1024 * 1024
MAX_DEPTH = 40

_UTF16_32_BOMS = {
    codecs.BOM_UTF32_LE: "UTF-32",
    codecs.BOM_UTF32_BE: "UTF-32",
    codecs.BOM_UTF16_LE: "UTF-16",
    codecs.BOM_UTF16_BE: "UTF-16",
}

_TIMESTAMP_TAG = "tag:yaml.org,2002:timestamp"


class LineMap(dict[str, Any]):
    """A YAML mapping with the line of the mapping and of each of its keys (1-based)."""

    line: int
    key_lines: dict[str, int]
    duplicate_keys: list[tuple[str, int]]


class LineList(list[Any]):
    """A YAML sequence with the line of each of its items (1-based)."""

    item_lines: list[int]


class _Refused(Exception):
    """Something the loader will not compose; carries the line of the problem."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


class _Loader(yaml.SafeLoader):
    _depth = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        # Checked at the event, before the node exists: an alias is never resolved and a
        # deep structure never reaches the recursive composer and constructor.
        event = self.peek_event()  # type: ignore[no-untyped-call]
        line = event.start_mark.line + 1
        if isinstance(event, AliasEvent):
            raise _Refused(line, f"aliases (*{event.anchor}) are not allowed in fact files")
        if event.anchor is not None:
            raise _Refused(line, f"anchors (&{event.anchor}) are not allowed in fact files")
        if self._depth >= MAX_DEPTH:
            raise _Refused(line, f"nested more than {MAX_DEPTH} levels deep")
        self._depth += 1
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


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


def _construct_sequence(loader: _Loader, node: yaml.SequenceNode) -> LineList:
    sequence = LineList(loader.construct_object(item, deep=True) for item in node.value)
    sequence.item_lines = [item.start_mark.line + 1 for item in node.value]
    return sequence


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)

_CLoader: type[Any] | None = None
if yaml.__with_libyaml__:

    class _CLoaderClass(yaml.CSafeLoader):
        """libyaml's parser and composer with our resolvers and line-keeping constructors."""

    _CLoaderClass.yaml_implicit_resolvers = _Loader.yaml_implicit_resolvers
    _CLoaderClass.add_constructor(
        yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping
    )
    _CLoaderClass.add_constructor(
        yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence
    )
    _CLoader = _CLoaderClass


class Doubtful(Exception):
    """The fast path will not decide this file; the pure-Python loader reads it again."""


def fast_load(text: str) -> Any:
    """``text`` through libyaml; :class:`Doubtful` for anything the slow loader would refuse
    (and whenever PyYAML has no libyaml).

    The events are checked before anything is composed, so an alias is never resolved and
    nesting never reaches the composer (libyaml itself stops at 1,000 levels)."""
    if _CLoader is None:
        raise Doubtful
    events = _CLoader(text)
    try:
        depth = 0
        while events.check_event():
            event = events.get_event()
            if isinstance(event, AliasEvent):
                raise Doubtful
            if isinstance(event, NodeEvent) and event.anchor is not None:
                raise Doubtful
            if isinstance(event, CollectionStartEvent):
                depth += 1
                # A scalar inside the deepest collection is one level deeper still.
                if depth >= MAX_DEPTH:
                    raise Doubtful
            elif isinstance(event, CollectionEndEvent):
                depth -= 1
    except yaml.YAMLError:
        raise Doubtful from None
    finally:
        events.dispose()
    loader = _CLoader(text)
    try:
        return loader.get_single_data()
    except yaml.YAMLError:
        raise Doubtful from None
    finally:
        loader.dispose()


class YamlSyntaxError(Exception):
    """The file is not YAML at all; carries the line of the problem."""

    def __init__(self, path: Path, line: int, message: str) -> None:
        super().__init__(f"{path}:{line}: {message}")
        self.path = path
        self.line = line
        self.message = message


def _read_bounded(path: Path) -> bytes:
    """The file's bytes, refusing what is not a regular file or is too large to be facts."""
    try:
        # Checked before opening: opening a FIFO blocks, and a device never ends.
        if not stat.S_ISREG(path.stat().st_mode):
            raise YamlSyntaxError(path, 1, "not a regular file")
        with path.open("rb") as file:
            data = file.read(MAX_FILE_BYTES + 1)
    except FileNotFoundError:
        what = "a symbolic link to nothing" if path.is_symlink() else "no such file"
        raise YamlSyntaxError(path, 1, f"cannot read the file: {what}") from None
    except OSError as error:
        raise YamlSyntaxError(path, 1, f"cannot read the file: {error.strerror}") from None
    if len(data) > MAX_FILE_BYTES:
        limit = MAX_FILE_BYTES // (1024 * 1024)
        raise YamlSyntaxError(path, 1, f"the file is larger than {limit} MiB")
    return data


def _decode(path: Path, data: bytes) -> str:
    for bom, name in _UTF16_32_BOMS.items():
        if data.startswith(bom):
            raise YamlSyntaxError(path, 1, f"the file is {name}; save it as UTF-8")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        byte = data[error.start]
        message = f"not UTF-8 (byte 0x{byte:02x}); save it as UTF-8"
        raise YamlSyntaxError(path, line, message) from None


def load_yaml(path: Path) -> Any:
    """Load one YAML file with line-aware mappings and sequences.

    Raises:
        YamlSyntaxError: with the line of the problem, for anything that is not a small,
            plain, UTF-8 YAML file.
    """
    text = _decode(path, _read_bounded(path))
    try:
        return fast_load(text)
    except Doubtful:
        return slow_load(path, text)


def slow_load(path: Path, text: str) -> Any:
    """The pure-Python loader, which names the line of every problem it finds."""
    try:
        return yaml.load(text, Loader=_Loader)
    except _Refused as error:
        raise YamlSyntaxError(path, error.line, error.message) from None
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else 1
        raise YamlSyntaxError(path, line, f"not valid YAML: {error.problem}") from None
    except yaml.reader.ReaderError as error:
        line = text[: error.position].count("\n") + 1
        character = (
            f"U+{error.character:04X}" if isinstance(error.character, int) else "a character"
        )
        raise YamlSyntaxError(path, line, f"not valid YAML: {character} is not allowed") from None
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
            if isinstance(current, LineList):
                line = current.item_lines[step]
            current = current[step]
            if isinstance(current, LineMap):
                line = current.line
        else:
            break
    return line
