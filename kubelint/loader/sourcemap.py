"""Field path -> line and column, from the YAML node tree of a document.

The node tree that libyaml composes already carries a start mark for every
key and value, so positions cost nothing extra at load time: a SourceMap
keeps the document's root node and walks it on demand.
"""

from __future__ import annotations

from typing import Any

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from kubelint.model import FieldPath

MERGE_KEY = "<<"


def _merge_sources(node: MappingNode) -> list[MappingNode]:
    """Mappings merged into ``node`` with ``<<: *anchor`` (in merge order)."""
    sources: list[MappingNode] = []
    for key_node, value_node in node.value:
        if isinstance(key_node, ScalarNode) and key_node.value == MERGE_KEY and not key_node.style:
            if isinstance(value_node, MappingNode):
                sources.append(value_node)
            elif isinstance(value_node, SequenceNode):
                sources.extend(n for n in value_node.value if isinstance(n, MappingNode))
    return sources


def _find_pair(node: MappingNode, key: str) -> tuple[Node, Node] | None:
    found = None
    for key_node, value_node in node.value:
        if isinstance(key_node, ScalarNode) and key_node.value == key:
            found = (key_node, value_node)  # the last one wins, as in the data
    if found is not None:
        return found
    for source in _merge_sources(node):
        pair = _find_pair(source, key)
        if pair is not None:
            return pair
    return None


class SourceMap:
    """Positions of the fields of one YAML (or JSON) document."""

    __slots__ = ("root", "line_offset", "doc_line", "doc_column")

    def __init__(self, root: Node | None, line_offset: int = 0, doc_line: int = 1, doc_column: int = 1):
        self.root = root
        self.line_offset = line_offset
        self.doc_line = doc_line
        self.doc_column = doc_column

    def _mark(self, node: Node) -> tuple[int, int]:
        mark = node.start_mark
        return mark.line + 1 + self.line_offset, mark.column + 1

    def walk(self, path: FieldPath) -> list[tuple[Node | None, Node]]:
        """The (key node, value node) pairs along ``path`` as far as it exists."""
        steps: list[tuple[Node | None, Node]] = []
        node = self.root
        if node is None:
            return steps
        steps.append((None, node))
        for part in path:
            if isinstance(node, MappingNode) and isinstance(part, str):
                pair = _find_pair(node, part)
                if pair is None:
                    break
                steps.append(pair)
                node = pair[1]
            elif isinstance(node, SequenceNode) and isinstance(part, int) and 0 <= part < len(node.value):
                node = node.value[part]
                steps.append((None, node))
            else:
                break
        return steps

    def locate(self, path: FieldPath, *, key: bool = False) -> tuple[int, int]:
        """See :meth:`kubelint.model.Resource.locate`."""
        steps = self.walk(path)
        if not steps:
            return self.doc_line, self.doc_column
        complete = len(steps) == len(path) + 1
        key_node, value_node = steps[-1]
        if key_node is not None and (key or not complete or not isinstance(value_node, ScalarNode)):
            return self._mark(key_node)
        return self._mark(value_node)

    def plain_text(self, path: FieldPath) -> str | None:
        """The source text of the unquoted scalar at ``path`` (None if quoted or absent)."""
        steps = self.walk(path)
        if len(steps) == len(path) + 1:
            node = steps[-1][1]
            if isinstance(node, ScalarNode) and not node.style:
                return node.value
        return None

    def key_lines(self, path: FieldPath) -> dict[Any, int]:
        """Line of each key of the mapping at ``path`` (for duplicates and hints)."""
        steps = self.walk(path)
        out: dict[Any, int] = {}
        if len(steps) == len(path) + 1 and isinstance(steps[-1][1], MappingNode):
            for key_node, _ in steps[-1][1].value:
                if isinstance(key_node, ScalarNode):
                    out.setdefault(key_node.value, self._mark(key_node)[0])
        return out
