"""A file's outcome as plain data (lists, strings, numbers) and back.

What one file contributes to a run (a :class:`kubelint.loader.FileResult`:
its resources with their source positions, and the findings of the per-file
stages, :mod:`kubelint.perfile`) crosses two boundaries: from a worker process to the main one
(``--jobs``), and to disk and back (the result cache). Plain data is cheap
to send (marshal writes it ten times faster than pickle writes the objects)
and safe to read back: JSON and marshal data never run code.

Source positions keep their compact form: a CompactSourceMap's int array
travels as base64 of its bytes. The rare node-tree maps (documents with
anchors, merge keys or duplicate keys) travel as nested lists, aliased
nodes once, referred to by number after that.
"""

from __future__ import annotations

import base64
import sys
from array import array
from typing import Any

from yaml.error import Mark
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from kubelint.loader import FileResult
from kubelint.loader.sourcemap import CompactSourceMap, NodeSourceMap, SourceMap
from kubelint.model import Finding, ObjectRef, Resource, Severity

FORMAT = 1
"""Bumped whenever the layout below changes (it is part of the cache key)."""

_BIG_ENDIAN = sys.byteorder == "big"


def _pack_marks(marks: array) -> str:
    if _BIG_ENDIAN:  # the cache may move between machines: store little-endian
        marks = array(marks.typecode, marks)
        marks.byteswap()
    return base64.b64encode(marks.tobytes()).decode("ascii")


def _unpack_marks(text: str) -> array:
    marks = array("i")
    marks.frombytes(base64.b64decode(text))
    if _BIG_ENDIAN:
        marks.byteswap()
    return marks


class _NodeWriter:
    """A node tree as nested lists; a node met again (an alias) becomes ``["a", number]``."""

    def __init__(self) -> None:
        self.numbers: dict[int, int] = {}

    def write(self, node: Node) -> list[Any]:
        number = self.numbers.get(id(node))
        if number is not None:
            return ["a", number]
        self.numbers[id(node)] = len(self.numbers)
        mark = node.start_mark
        if isinstance(node, ScalarNode):
            return ["s", mark.line, mark.column, node.value, node.style or ""]
        if isinstance(node, MappingNode):
            return ["m", mark.line, mark.column, [[self.write(key), self.write(value)] for key, value in node.value]]
        return ["q", mark.line, mark.column, [self.write(child) for child in node.value]]


class _NodeReader:
    def __init__(self) -> None:
        self.nodes: list[Node] = []

    def read(self, packed: list[Any]) -> Node:
        shape = packed[0]
        if shape == "a":
            return self.nodes[packed[1]]
        mark = Mark("", 0, packed[1], packed[2], None, None)
        node: Node
        if shape == "s":
            node = ScalarNode("?", packed[3], mark, mark, packed[4] or None)
            self.nodes.append(node)
            return node
        node = MappingNode("?", [], mark, mark) if shape == "m" else SequenceNode("?", [], mark, mark)
        self.nodes.append(node)  # numbered before its children, as the writer numbered it
        if shape == "m":
            node.value = [(self.read(key), self.read(value)) for key, value in packed[3]]
        else:
            node.value = [self.read(child) for child in packed[3]]
        return node


def _pack_source_map(source_map: SourceMap) -> list[Any]:
    place = [source_map.line_offset, source_map.doc_line, source_map.doc_column]
    if isinstance(source_map, CompactSourceMap):
        surprises = sorted((source_map.surprises or {}).items())
        return ["c", *place, _pack_marks(source_map.marks), [list(item) for item in surprises]]
    if isinstance(source_map, NodeSourceMap):
        return ["n", *place, _NodeWriter().write(source_map.root)]
    return ["b", *place]


def _unpack_source_map(packed: list[Any], data: Any) -> SourceMap:
    shape, line_offset, doc_line, doc_column = packed[:4]
    if shape == "c":
        surprises = {slot: text for slot, text in packed[5]}
        return CompactSourceMap(data, _unpack_marks(packed[4]), surprises, line_offset, doc_line, doc_column)
    if shape == "n":
        return NodeSourceMap(_NodeReader().read(packed[4]), line_offset, doc_line, doc_column)
    return SourceMap(line_offset, doc_line, doc_column)


def _pack_ref(ref: ObjectRef | None) -> list[Any] | None:
    return None if ref is None else [ref.api_version, ref.kind, ref.namespace, ref.name]


def _pack_finding(finding: Finding) -> list[Any]:
    return [
        finding.rule,
        int(finding.severity),
        finding.message,
        finding.file,
        finding.line,
        finding.column,
        finding.path,
        _pack_ref(finding.resource),
        finding.source,
    ]


def _unpack_finding(packed: list[Any]) -> Finding:
    rule, severity, message, file, line, column, path, ref, source = packed
    return Finding(rule, Severity(severity), message, file, line, column, path, ObjectRef(*ref) if ref else None, source)


def pack(outcome: FileResult) -> dict[str, Any]:
    """``outcome`` as plain data.

    A compact source map walks its whole document, so that document is
    written once, with the map, and each resource in it (an item of a
    ``kind: List``) is found again by its path; with other maps each
    resource carries its own data.
    """
    documents: list[list[Any]] = []
    numbers: dict[int, int] = {}
    resources = []
    for resource in outcome.resources:
        source_map = resource.source_map
        compact = isinstance(source_map, CompactSourceMap)
        number = numbers.get(id(source_map))
        if number is None:
            number = numbers[id(source_map)] = len(documents)
            documents.append([source_map.data if compact else None, _pack_source_map(source_map)])
        own_data = None if compact else resource.data
        resources.append([number, list(resource.base_path), resource.doc_index, resource.helm_source, own_data])
    return {
        "documents": documents,
        "resources": resources,
        "findings": [_pack_finding(finding) for finding in outcome.findings],
        "skipped": outcome.skipped_documents,
    }


def unpack(packed: dict[str, Any], file: str) -> FileResult:
    """The outcome :func:`pack` wrote, for ``file`` (its text is the caller's to add)."""
    documents = [(data, _unpack_source_map(source_map, data)) for data, source_map in packed["documents"]]
    resources = []
    for number, base_path, doc_index, helm_source, own_data in packed["resources"]:
        whole, source_map = documents[number]
        data = own_data
        if data is None:
            data = whole
            for part in base_path:
                data = data[part]
        resources.append(Resource(data, file, doc_index, source_map, tuple(base_path), helm_source))
    findings = [_unpack_finding(finding) for finding in packed["findings"]]
    return FileResult(resources, findings, packed["skipped"])
