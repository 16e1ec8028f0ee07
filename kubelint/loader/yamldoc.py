"""YAML text -> documents (data + source map) or problems at exact positions.

libyaml (through PyYAML's C binding) composes the node tree; kubelint turns
nodes into plain Python data itself, for three reasons: scalars resolve as
kubectl resolves them (:mod:`kubelint.loader.scalars`), duplicate keys are
reported instead of silently dropped, and alias expansion is bounded.

The stream is cut at ``---`` lines first, so a syntax error costs only its
own document and the run goes on with the next one.
"""

from __future__ import annotations

import operator
import re
from dataclasses import dataclass, field
from typing import Any, Iterator

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from kubelint.loader import messages
from kubelint.loader.scalars import MAYBE_NOT_STRING, is_surprising, resolve_plain, resolve_tagged
from kubelint.loader.sourcemap import MERGE_KEY, CompactSourceMap, NodeSourceMap, SourceMap
from kubelint.model import FieldPath, format_path

try:
    from yaml.cyaml import CParser as _Parser
except ImportError:  # pragma: no cover - PyYAML built without libyaml
    from yaml.composer import Composer
    from yaml.parser import Parser
    from yaml.reader import Reader
    from yaml.scanner import Scanner

    class _Parser(Reader, Scanner, Parser, Composer):  # type: ignore[no-redef]
        def __init__(self, stream: str) -> None:
            Reader.__init__(self, stream)
            Scanner.__init__(self)
            Parser.__init__(self)
            Composer.__init__(self)


_IMPLICIT = "?"  # tag of every untagged node: resolved by _Builder, not PyYAML


class _Composer(_Parser):  # type: ignore[misc, valid-type]
    """libyaml composer that leaves tag resolution to kubelint.

    The composer calls both resolver hooks around every node. Built-in
    callables that take their arguments and do nothing (``operator.is_``
    takes two, ``tuple`` none) cost a fraction of Python methods: 6 % of
    loading, counted in instructions.
    """

    def resolve(self, kind: Any, value: Any, implicit: Any) -> str:
        return _IMPLICIT

    descend_resolver = operator.is_  # (parent, index): ignored
    ascend_resolver = tuple  # (): ignored


MAX_DEPTH = 1000
"""Deeper documents are refused: libyaml recurses on the C stack."""
_SAFE_DEPTH_BOUND = 5000
MAX_EXPANDED_NODES = 100_000
"""Alias expansion budget, beyond ten times the document's own size."""

_DOC_START = re.compile(r"^---(?=[ \t\r\n]|$)", re.M)
_HELM_SOURCE = re.compile(r"^#\s*Source:\s*(\S.*?)\s*$")
_INDENT = re.compile(r"^ *", re.M)


@dataclass(slots=True)
class YamlProblem:
    """A document that could not be read, or a problem inside one."""

    rule: str
    message: str
    line: int
    column: int
    path: FieldPath | None = None
    """Where inside the document (duplicate keys), None for syntax errors."""


@dataclass(slots=True)
class YamlDocument:
    """One parsed document of a file, with the problems found while building it."""

    index: int
    data: Any
    source_map: SourceMap
    helm_source: str | None
    problems: list[YamlProblem] = field(default_factory=list)


class _Refused(Exception):
    """A document kubelint will not build (too deep, too many aliases)."""

    def __init__(self, rule: str, message: str, node: Node | None = None) -> None:
        super().__init__(message)
        self.rule = rule
        self.message = message
        self.node = node


def _key_string(value: Any) -> str | None:
    """Map keys as sigs.k8s.io/yaml turns them into JSON object keys."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value) if isinstance(value, float) else str(value)
    return None


class _Builder:
    """Turns a composed node tree into dicts, lists and scalars.

    This is the loader's hot loop. Alongside the data it records the start
    of every value and key, in the order the data will be walked, as a flat
    list of ints (see :class:`~kubelint.loader.sourcemap.CompactSourceMap`),
    so the node tree can be dropped. Documents where data and nodes do not
    line up one to one (anchors, merge keys, duplicate keys) keep their node
    tree instead.
    """

    __slots__ = ("problems", "line_offset", "memo", "root", "marks", "surprises", "irregular")

    def __init__(self, root: Node, line_offset: int, shares_nodes: bool) -> None:
        self.problems: list[YamlProblem] = []
        self.line_offset = line_offset
        self.root = root
        # Aliased nodes are built once and shared, as PyYAML does.
        self.memo: dict[int, Any] | None = {} if shares_nodes else None
        self.marks: list[int] = []
        self.surprises: dict[int, str] = {}
        self.irregular = shares_nodes

    def build(self, node: Node) -> Any:
        memo = self.memo
        if memo is not None:
            cached = memo.get(id(node), memo)
            if cached is not memo:
                return cached
        marks = self.marks
        mark = node.start_mark
        marks.append(mark.line)
        marks.append(mark.column)
        kind = type(node)
        if kind is ScalarNode:
            if node.tag == _IMPLICIT:
                value = node.value
                if not node.style and (not value or value[0] in MAYBE_NOT_STRING):
                    value = resolve_plain(value)
                    if is_surprising(node.value, value):
                        self.surprises[len(marks) // 2 - 1] = node.value
            else:
                value = resolve_tagged(node.tag, node.value)
        elif kind is MappingNode:
            value = self._mapping(node)
        else:
            build = self.build
            value = [build(child) for child in node.value]
        if memo is not None:
            memo[id(node)] = value
        return value

    def _mapping(self, node: MappingNode) -> dict[str, Any]:
        out: dict[str, Any] = {}
        build = self.build
        marks = self.marks
        for key_node, value_node in node.value:
            if type(key_node) is ScalarNode and key_node.tag == _IMPLICIT:
                key = key_node.value
                if not key_node.style:
                    if key == MERGE_KEY:
                        self.irregular = True
                        self._merge(out, value_node)
                        continue
                    if not key or key[0] in MAYBE_NOT_STRING:
                        key = _key_string(resolve_plain(key))
            else:
                self.irregular = True
                key = _key_string(build(key_node)) if type(key_node) is ScalarNode else None
            if key is None:
                self._problem("yaml-syntax", "a mapping key must be a string; Kubernetes objects are JSON objects", key_node)
                continue
            if key in out:
                self.irregular = True
                self._duplicate(node, key_node, key)
            mark = key_node.start_mark
            marks.append(mark.line)
            marks.append(mark.column)
            out[key] = build(value_node)
        return out

    def source_map(self, data: Any, doc_line: int, doc_column: int) -> SourceMap:
        if self.irregular:
            return NodeSourceMap(self.root, self.line_offset, doc_line, doc_column)
        return CompactSourceMap(data, self.marks, self.surprises, self.line_offset, doc_line, doc_column)

    def _merge(self, out: dict[str, Any], value_node: Node) -> None:
        """``<<: *defaults``: copy the merged mappings' keys (go-yaml order)."""
        sources = value_node.value if type(value_node) is SequenceNode else [value_node]
        for source in reversed(sources):
            merged = self.build(source)
            if not isinstance(merged, dict):
                self._problem("yaml-syntax", "a merge key (<<) must refer to a mapping", source)
                continue
            out.update(merged)

    def _duplicate(self, mapping: MappingNode, key_node: Node, key: str) -> None:
        first = next(k for k, _ in mapping.value if type(k) is ScalarNode and k.value == key)
        if first is key_node:
            return  # the key came in through a merge: an override, not a duplicate
        path = _path_to(self.root, mapping) or ()
        where = format_path(path) or "the document"
        first_line = first.start_mark.line + 1 + self.line_offset
        self._problem(
            "yaml-duplicate-key",
            f'duplicate key "{key}" in {where} (first at line {first_line}); '
            "the API server rejects duplicate fields: keep one",
            key_node,
            path + (key,),
        )

    def _problem(self, rule: str, message: str, node: Node, path: FieldPath | None = None) -> None:
        mark = node.start_mark
        self.problems.append(
            YamlProblem(
                rule,
                message,
                mark.line + 1 + self.line_offset,
                mark.column + 1,
                path,
            )
        )


def _path_to(node: Node, target: Node, path: FieldPath = ()) -> FieldPath | None:
    """Field path from ``node`` down to ``target`` (for rare messages only)."""
    if node is target:
        return path
    if type(node) is MappingNode:
        for key_node, value_node in node.value:
            found = _path_to(value_node, target, path + (str(key_node.value),))
            if found is not None:
                return found
    elif type(node) is SequenceNode:
        for index, child in enumerate(node.value):
            found = _path_to(child, target, path + (index,))
            if found is not None:
                return found
    return None


def _expanded_size(root: Node) -> int:
    """Number of nodes after alias expansion, computed without expanding."""
    sizes: dict[int, int] = {}

    def size(node: Node) -> int:
        known = sizes.get(id(node))
        if known is not None:
            return known
        total = 1
        if type(node) is MappingNode:
            for key_node, value_node in node.value:
                total += size(key_node) + size(value_node)
        elif type(node) is SequenceNode:
            for child in node.value:
                total += size(child)
        sizes[id(node)] = total
        return total

    result = size(root)
    unique = len(sizes)
    if result > MAX_EXPANDED_NODES and result > 10 * unique:
        raise _Refused(
            "yaml-alias-limit",
            f"aliases expand this document to {result:,} nodes from {unique:,}; "
            "kubelint (like kubectl) refuses excessive aliasing: write the repeated parts out",
            root,
        )
    return result


def _check_depth(chunk: str) -> None:
    """Refuse documents so deeply nested that libyaml would overflow the C stack.

    A cheap upper bound on the nesting depth rules out nearly every document;
    only when it is high is the real depth measured from the event stream.
    """
    if len(chunk) < _SAFE_DEPTH_BOUND:
        return
    bound = (
        max(map(len, _INDENT.findall(chunk)), default=0)
        + chunk.count("[")
        + chunk.count("{")
        + chunk.count("- ")
        + chunk.count("-\t")
        + chunk.count("? ")
    )
    if bound <= _SAFE_DEPTH_BOUND:
        return
    depth = deepest = 0
    for event in yaml.parse(chunk, Loader=yaml.CSafeLoader if hasattr(yaml, "CSafeLoader") else yaml.SafeLoader):
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                raise _Refused(
                    "yaml-syntax",
                    f"the document is nested more than {MAX_DEPTH} levels deep; no Kubernetes object is",
                )
            deepest = max(deepest, depth)
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1


def _start(node: Node) -> tuple[int, int]:
    return node.start_mark.line, node.start_mark.column


def _first_content(chunk: str) -> tuple[int, int]:
    """0-based row and column of the first line that is not blank, a comment or ``---``."""
    for row, line in enumerate(chunk.split("\n")):
        stripped = line.strip()
        if stripped and not stripped.startswith(("#", "---")):
            return row, len(line) - len(line.lstrip())
    return 0, 0


def _helm_source(chunk: str) -> str | None:
    """The template path in Helm's ``# Source: chart/templates/x.yaml`` comment."""
    for line in chunk.splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith("---"):
            continue
        if not stripped.startswith("#"):
            return None
        match = _HELM_SOURCE.match(stripped)
        if match:
            return match.group(1)
    return None


def _chunks(text: str) -> Iterator[tuple[int, str]]:
    """(line offset, text) of each piece of the stream between ``---`` lines."""
    starts = [m.start() for m in _DOC_START.finditer(text)]
    if not starts or starts[0] != 0:
        starts.insert(0, 0)
    line = 0
    for number, start in enumerate(starts):
        end = starts[number + 1] if number + 1 < len(starts) else len(text)
        chunk = text[start:end]
        yield line, chunk
        line += chunk.count("\n")


def parse_stream(text: str) -> Iterator[YamlDocument | YamlProblem]:
    """Every document of a YAML stream, and every problem, in file order."""
    index = 0
    for line_offset, chunk in _chunks(text):
        helm_source = _helm_source(chunk) if "Source:" in chunk else None
        shares = "&" in chunk and "*" in chunk
        try:
            _check_depth(chunk)
            composer = _Composer(chunk)
            while composer.check_node():
                root = composer.get_node()
                builder = _Builder(root, line_offset, shares)
                try:
                    if shares:
                        _expanded_size(root)
                    data = builder.build(root)
                except RecursionError:
                    raise _Refused(
                        "yaml-syntax",
                        f"the document is nested more than {MAX_DEPTH} levels deep; no Kubernetes object is",
                    ) from None
                mark = root.start_mark
                source_map = builder.source_map(data, mark.line + 1 + line_offset, mark.column + 1)
                yield YamlDocument(index, data, source_map, helm_source, builder.problems)
                index += 1
        except yaml.MarkedYAMLError as error:
            yield messages.syntax_problem(error, chunk, line_offset)
            index += 1
        except yaml.reader.ReaderError as error:
            yield messages.reader_problem(error, chunk, line_offset)
            index += 1
        except _Refused as refused:
            line, column = _first_content(chunk) if refused.node is None else _start(refused.node)
            yield YamlProblem(refused.rule, refused.message, line + 1 + line_offset, column + 1)
            index += 1
        except yaml.YAMLError as error:  # pragma: no cover - unmarked libyaml errors
            yield YamlProblem("yaml-syntax", str(error), line_offset + 1, 1)
            index += 1
