"""Loader: paths -> Resources with source positions, and loading problems.

``load(paths)`` reads every input; ``load_text(text, name)`` does the work for
one file and is what parallel workers call. Documents that are clearly not
Kubernetes objects (no ``apiVersion`` and no ``kind``: a CI workflow, Helm
values) are skipped and counted; ``kind: List`` and ``*List`` objects become
one Resource per item.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass, field
from typing import Any, BinaryIO

from kubelint.loader.discover import STDIN, Input, discover
from kubelint.loader.sourcemap import SourceMap
from kubelint.loader.text import DecodeProblem, decode
from kubelint.loader.yamldoc import YamlDocument, YamlProblem, parse_stream
from kubelint.model import Finding, Resource, Severity, format_path

__all__ = ["FileResult", "LoadResult", "load", "load_file", "load_text", "Input", "discover"]


@dataclass(slots=True)
class FileResult:
    """What one file contributed."""

    resources: list[Resource] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    skipped_documents: int = 0
    text: str | None = None


@dataclass(slots=True)
class LoadResult:
    resources: list[Resource] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    files: int = 0
    skipped_documents: int = 0
    missing: list[str] = field(default_factory=list)
    texts: dict[str, str] = field(default_factory=dict)

    def add(self, result: FileResult, display: str) -> None:
        self.files += 1
        self.resources.extend(result.resources)
        self.findings.extend(result.findings)
        self.skipped_documents += result.skipped_documents
        if result.text is not None:
            self.texts[display] = result.text


def _input_error(file: str, message: str, line: int = 1, column: int = 1) -> Finding:
    return Finding("input-error", Severity.ERROR, message, file, line, column)


def _is_list(data: dict[str, Any]) -> bool:
    kind = data.get("kind")
    return (
        isinstance(kind, str)
        and kind.endswith("List")
        and isinstance(data.get("items"), list)
        and "spec" not in data
    )


def _problem_finding(problem: YamlProblem, file: str, resources: list[Resource]) -> Finding:
    """A loader problem as a finding, naming the object it is in when there is one."""
    path = problem.path or ()
    owner = next((r for r in resources if path[: len(r.base_path)] == r.base_path), None)
    relative = path[len(owner.base_path) :] if owner else path
    return Finding(
        problem.rule,
        Severity.ERROR,
        problem.message,
        file,
        problem.line,
        problem.column,
        format_path(relative) if relative else None,
        owner.ref if owner else None,
        owner.helm_source if owner else None,
    )


def _resources_of(document: YamlDocument, file: str, result: FileResult) -> None:
    start = len(result.resources)
    _collect_resources(document, file, result)
    for problem in document.problems:
        result.findings.append(_problem_finding(problem, file, result.resources[start:]))


def _collect_resources(document: YamlDocument, file: str, result: FileResult) -> None:
    data = document.data
    if data is None:
        return  # an empty document
    if not isinstance(data, dict) or ("apiVersion" not in data and "kind" not in data):
        result.skipped_documents += 1
        return
    if _is_list(data):
        for number, item in enumerate(data["items"]):
            if isinstance(item, dict):
                result.resources.append(
                    Resource(item, file, document.index, document.source_map, ("items", number), document.helm_source)
                )
            else:
                line, column = document.source_map.locate(("items", number))
                result.findings.append(
                    Finding(
                        "object-shape",
                        Severity.ERROR,
                        f"item {number} of this {data['kind']} is not an object; every item must be a "
                        "Kubernetes object with apiVersion, kind and metadata",
                        file,
                        line,
                        column,
                        f"items[{number}]",
                    )
                )
        return
    result.resources.append(Resource(data, file, document.index, document.source_map, (), document.helm_source))


def _json_fallback(text: str, file: str, result: FileResult) -> bool:
    """For ``.json`` files that YAML cannot read: JSON's own verdict."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        result.findings.append(
            Finding("yaml-syntax", Severity.ERROR, f"invalid JSON: {error.msg}", file, error.lineno, error.colno)
        )
        return True
    except RecursionError:
        return False
    document = YamlDocument(0, data, SourceMap(), None)
    _resources_of(document, file, result)
    return True


def load_text(text: str, file: str) -> FileResult:
    """Parse one file's text into resources and problems."""
    result = FileResult(text=text)
    items = list(parse_stream(text))
    if file.lower().endswith(".json"):
        if any(isinstance(item, YamlProblem) and item.rule == "yaml-syntax" for item in items):
            if _json_fallback(text, file, result):
                return result
    for item in items:
        if isinstance(item, YamlProblem):
            result.findings.append(_problem_finding(item, file, []))
        else:
            _resources_of(item, file, result)
    return result


def load_bytes(data: bytes, file: str) -> FileResult:
    text = decode(data)
    if isinstance(text, DecodeProblem):
        return FileResult(findings=[Finding("yaml-encoding", Severity.ERROR, text.message, file, text.line, text.column)])
    return load_text(text, file)


def load_file(source: Input, stdin: BinaryIO | None = None) -> FileResult:
    """Read and parse one input; unreadable inputs become findings."""
    if source.path is None:
        stream = stdin if stdin is not None else sys.stdin.buffer
        data = stream.read()
        if not data.strip():
            return FileResult(findings=[_input_error(STDIN, "standard input is empty: there is nothing to check")])
        return load_bytes(data, STDIN)
    try:
        with open(source.path, "rb") as handle:
            data = handle.read()
    except IsADirectoryError:
        return FileResult(findings=[_input_error(source.display, "is a directory, not a manifest file")])
    except OSError as error:
        return FileResult(findings=[_input_error(source.display, f"cannot read: {error.strerror or error}")])
    return load_bytes(data, source.display)


def load(paths: list[str], excludes: list[str] | None = None, stdin: BinaryIO | None = None) -> LoadResult:
    """Load every manifest under ``paths``, in a stable order."""
    found = discover(paths, excludes)
    result = LoadResult(missing=list(found.missing))
    for missing in found.missing:
        result.findings.append(_input_error(missing, "no such file or directory"))
    for directory in found.empty_dirs:
        result.findings.append(
            Finding(
                "input-error",
                Severity.WARNING,
                "no *.yaml, *.yml or *.json files in this directory",
                directory,
                1,
                1,
            )
        )
    for source in found.inputs:
        result.add(load_file(source, stdin), source.display)
    return result
