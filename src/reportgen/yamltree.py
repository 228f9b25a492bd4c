"""YAML into plain data plus the position of every key and value.

PyYAML's libyaml composer gives each node its start mark at C speed; this
module walks those nodes once, building JSON-like data for schema validation
and a path -> (line, column) index for diagnostics. It refuses what reports
never need and attackers like: aliases (billion laughs), explicit tags,
duplicate keys and absurd nesting.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.constructor import SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
MAX_DEPTH = 40
"""Reports nest four levels deep; anything far deeper is an attack or an accident."""

_STANDARD = {
    f"tag:yaml.org,2002:{name}"
    for name in ("str", "int", "float", "bool", "null", "timestamp", "seq", "map")
}

_STR = "tag:yaml.org,2002:str"
Path = tuple[str | int, ...]


class _Constructor(SafeConstructor):
    """Scalars as PyYAML's safe loader reads them, except dates, which stay text."""


_Constructor.add_constructor(
    "tag:yaml.org,2002:timestamp",
    SafeConstructor.construct_yaml_str,  # type: ignore[type-var]
)


class TreeError(Exception):
    """A structural problem, with the 0-based line and column it was found at."""

    def __init__(self, message: str, line: int, column: int) -> None:
        super().__init__(message)
        self.message, self.line, self.column = message, line, column


@dataclass
class Tree:
    """Plain data, and where each value (and each mapping key) starts in the file."""

    data: Any
    values: dict[Path, tuple[int, int]] = field(default_factory=dict)
    keys: dict[Path, tuple[int, int]] = field(default_factory=dict)

    def value_at(self, path: Path) -> tuple[int, int]:
        """0-based position of the value at `path`, or of its nearest located ancestor."""
        for end in range(len(path), -1, -1):
            prefix = path[:end]
            if end == len(path) and prefix in self.keys and _get(self.data, prefix) is None:
                return self.keys[prefix]  # an empty value has no token; point at its key
            if prefix in self.values:
                return self.values[prefix]
        return (0, 0)


def _get(data: Any, path: Path) -> Any:
    for step in path:
        try:
            data = data[step]
        except (KeyError, IndexError, TypeError):
            return None
    return data


def parse(text: str) -> Tree:
    """Parse one YAML document; raises yaml.MarkedYAMLError or TreeError on bad input."""
    node = yaml.compose(text, Loader=_LOADER)
    tree = Tree(None)
    if node is None:
        return tree
    walker = _Walker(text, tree)
    tree.data = walker.walk(node, (), 0)
    return tree


class _Walker:
    def __init__(self, text: str, tree: Tree) -> None:
        self.text = text
        self.tree = tree
        self.seen: set[int] = set()
        self.constructor = _Constructor()

    def walk(self, node: Node, path: Path, depth: int) -> Any:
        mark = node.start_mark
        if depth > MAX_DEPTH:
            raise TreeError(
                f"structure nested deeper than {MAX_DEPTH} levels", mark.line, mark.column
            )
        if id(node) in self.seen:
            line, column = self._alias_position()
            raise TreeError(
                "YAML aliases (*name) are not allowed in reports; write the text out", line, column
            )
        self.seen.add(id(node))
        if node.tag not in _STANDARD:
            tag = str(node.tag).replace("tag:yaml.org,2002:", "!!")
            raise TreeError(
                f"YAML tags ({tag}) are not allowed in reports; write plain values",
                mark.line,
                mark.column,
            )
        self.tree.values[path] = (mark.line, mark.column)
        if isinstance(node, MappingNode):
            return self._mapping(node, path, depth)
        if isinstance(node, SequenceNode):
            return [self.walk(item, (*path, i), depth + 1) for i, item in enumerate(node.value)]
        assert isinstance(node, ScalarNode)
        if not node.style and node.end_mark.line > mark.line:
            self._joined_item(node)
        if node.tag == _STR:
            return node.value  # most scalars; skips the constructor's bookkeeping
        return self.constructor.construct_object(node)

    def _mapping(self, node: MappingNode, path: Path, depth: int) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            mark = key_node.start_mark
            if not isinstance(key_node, ScalarNode):
                raise TreeError("a mapping key must be plain text", mark.line, mark.column)
            if key_node.tag not in _STANDARD:
                self.walk(key_node, path, depth + 1)  # reports the tag
            key = str(self.constructor.construct_object(key_node))
            if key in out:
                first = self.tree.keys[(*path, key)][0] + 1
                raise TreeError(
                    f"'{key}' appears twice here (first on line {first}); YAML keeps only one,"
                    " so remove or rename the other",
                    mark.line,
                    mark.column,
                )
            self.tree.keys[(*path, key)] = (mark.line, mark.column)
            out[key] = self.walk(value_node, (*path, key), depth + 1)
        return out

    def _joined_item(self, node: ScalarNode) -> None:
        """Report a '- ' line that YAML silently joined to the text above it.

        Indented a space or two too far, a list item becomes part of the
        previous claim; nobody means that, so it is reported as the slip it is.
        """
        lines = self.text.splitlines()
        first = node.start_mark.line
        for number in range(first + 1, min(node.end_mark.line + 1, len(lines))):
            stripped = lines[number].lstrip(" ")
            if not stripped.startswith("- "):
                continue
            above = lines[first]
            item = len(above) - len(above.lstrip(" ")) if above.lstrip().startswith("- ") else -1
            here = len(lines[number]) - len(stripped)
            where = f", but the list it belongs to (line {first + 1}) is indented {item}"
            raise TreeError(
                f"this '- ' is indented {here} spaces{where if item >= 0 else ''}, so YAML"
                " joins it to the text above instead of starting a new item"
                + (f" (indent it by {item} spaces)" if item >= 0 else ""),
                number,
                here,
            )

    def _alias_position(self) -> tuple[int, int]:
        """Where the first alias is written (composition only kept the anchor's mark)."""
        for event in yaml.parse(self.text, Loader=_LOADER):
            if isinstance(event, yaml.AliasEvent) and event.start_mark is not None:
                return event.start_mark.line, event.start_mark.column
        return (0, 0)
