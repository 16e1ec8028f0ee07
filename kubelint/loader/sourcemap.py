"""Field path -> line and column of a document's keys and values.

Every finding points at the field it is about, so every document keeps the
start position of each of its keys and values. Two forms exist:

* :class:`CompactSourceMap`, for nearly every document: the positions as a
  flat array of ints, in the order a walk of the data visits values and
  keys. A lookup walks the data to count its way to the path. Eight bytes
  a position, instead of a node object and two mark objects each (which for
  50,000 objects would cost gigabytes).
* :class:`NodeSourceMap`, for documents whose data does not follow their
  nodes one to one (anchors and aliases, merge keys, duplicate keys): it
  keeps libyaml's node tree and walks it.
"""

from __future__ import annotations

from array import array
from typing import Any

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from kubelint.model import FieldPath

MERGE_KEY = "<<"

_Position = tuple[int, int]


class SourceMap:
    """Positions of the fields of one YAML (or JSON) document.

    The base class knows only where the document starts (used for data that
    came from JSON without positions).
    """

    __slots__ = ("line_offset", "doc_line", "doc_column")

    def __init__(self, line_offset: int = 0, doc_line: int = 1, doc_column: int = 1) -> None:
        self.line_offset = line_offset
        self.doc_line = doc_line
        self.doc_column = doc_column

    def _steps(self, path: FieldPath) -> list[tuple[_Position | None, _Position, bool]]:
        """(key position, value position, value is a scalar) along ``path``, as far as it exists."""
        return []

    def locate(self, path: FieldPath, *, key: bool = False) -> _Position:
        """See :meth:`kubelint.model.Resource.locate`."""
        steps = self._steps(path)
        if not steps:
            return self.doc_line, self.doc_column
        complete = len(steps) == len(path) + 1
        key_position, value_position, scalar = steps[-1]
        if key_position is not None and (key or not complete or not scalar):
            line, column = key_position
        else:
            line, column = value_position
        return line + 1 + self.line_offset, column + 1

    def plain_text(self, path: FieldPath) -> str | None:
        """Source text of the unquoted scalar at ``path``, when YAML 1.1 read it
        as something surprising (``yes``, ``0755``, ``1.10``); else None."""
        return None


class CompactSourceMap(SourceMap):
    """Positions as a flat int array, matched to the data by walk order.

    The walk: a value takes one slot; a mapping's entries follow it, each as
    the key's slot then the value's slots; a sequence's items follow it.
    """

    __slots__ = ("data", "marks", "surprises", "_sizes")

    def __init__(
        self,
        data: Any,
        marks: list[int],
        surprises: dict[int, str],
        line_offset: int,
        doc_line: int,
        doc_column: int,
    ) -> None:
        super().__init__(line_offset, doc_line, doc_column)
        self.data = data
        self.marks = array("i", marks)
        self.surprises = surprises or None
        self._sizes: dict[int, int] | None = None

    def _size(self, value: Any) -> int:
        """Slots taken by ``value`` and everything under it."""
        if not isinstance(value, (dict, list)):
            return 1
        sizes = self._sizes
        if sizes is None:
            sizes = self._sizes = {}
        known = sizes.get(id(value))
        if known is None:
            if isinstance(value, dict):
                known = 1 + sum(1 + self._size(child) for child in value.values())
            else:
                known = 1 + sum(self._size(child) for child in value)
            sizes[id(value)] = known
        return known

    def _position(self, slot: int) -> _Position:
        return self.marks[2 * slot], self.marks[2 * slot + 1]

    def _slots(self, path: FieldPath) -> list[tuple[int | None, int, Any]]:
        value = self.data
        slot = 0
        found: list[tuple[int | None, int, Any]] = [(None, 0, value)]
        for part in path:
            slot += 1  # past the container's own slot
            if isinstance(value, dict) and isinstance(part, str):
                for key, child in value.items():
                    if key == part:
                        found.append((slot, slot + 1, child))
                        value, slot = child, slot + 1
                        break
                    slot += 1 + self._size(child)
                else:
                    break
            elif isinstance(value, list) and isinstance(part, int) and 0 <= part < len(value):
                for child in value[:part]:
                    slot += self._size(child)
                value = value[part]
                found.append((None, slot, value))
            else:
                break
        return found

    def _steps(self, path: FieldPath) -> list[tuple[_Position | None, _Position, bool]]:
        if 2 * (self._size(self.data)) != len(self.marks):
            return []  # cannot happen for data built with these marks; be safe anyway
        return [
            (
                self._position(key) if key is not None else None,
                self._position(value_slot),
                not isinstance(value, (dict, list)),
            )
            for key, value_slot, value in self._slots(path)
        ]

    def plain_text(self, path: FieldPath) -> str | None:
        if not self.surprises:
            return None
        slots = self._slots(path)
        if len(slots) != len(path) + 1:
            return None
        return self.surprises.get(slots[-1][1])


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


def _start(node: Node) -> _Position:
    return node.start_mark.line, node.start_mark.column


class NodeSourceMap(SourceMap):
    """Positions from libyaml's node tree, for documents with aliases or merges."""

    __slots__ = ("root",)

    def __init__(self, root: Node, line_offset: int, doc_line: int, doc_column: int) -> None:
        super().__init__(line_offset, doc_line, doc_column)
        self.root = root

    def _nodes(self, path: FieldPath) -> list[tuple[Node | None, Node]]:
        node = self.root
        steps: list[tuple[Node | None, Node]] = [(None, node)]
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

    def _steps(self, path: FieldPath) -> list[tuple[_Position | None, _Position, bool]]:
        return [
            (_start(key) if key is not None else None, _start(value), isinstance(value, ScalarNode))
            for key, value in self._nodes(path)
        ]

    def plain_text(self, path: FieldPath) -> str | None:
        steps = self._nodes(path)
        if len(steps) == len(path) + 1:
            node = steps[-1][1]
            if isinstance(node, ScalarNode) and not node.style:
                return node.value
        return None
