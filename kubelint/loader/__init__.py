"""Loader: paths -> Resources with source positions, and loading problems.

``load(paths)`` reads every input; ``load_text(text, name)`` does the work for
one file and is what parallel workers call. Documents that are clearly not
Kubernetes objects (no ``apiVersion`` and no ``kind``: a CI workflow, Helm
values; or tool configuration such as kustomization.yaml, Chart.yaml or a
kubeconfig) are skipped and counted; ``kind: List`` and ``*List`` objects
become one Resource per item.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass, field
from typing import Any, BinaryIO

from kubelint.loader.discover import STDIN, Discovery, Input, discover
from kubelint.loader.sourcemap import SourceMap
from kubelint.loader.text import DecodeProblem, decode
from kubelint.loader.yamldoc import YamlDocument, YamlProblem, parse_stream
from kubelint.model import Finding, Resource, Severity, format_path

__all__ = [
    "FileResult",
    "LoadResult",
    "load",
    "load_bytes",
    "load_file",
    "load_text",
    "read_input",
    "discovery_findings",
    "Input",
    "discover",
]


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


# API groups of tool configuration files that look like objects but are never
# sent to an API server: kustomization.yaml, component configs
# (KubeletConfiguration, EncryptionConfiguration...), kubeadm, audit policies,
# kind and skaffold configs.
_TOOL_CONFIG_GROUPS = ("config.k8s.io", "kubeadm.k8s.io", "audit.k8s.io", "kind.x-k8s.io", "skaffold")


def _is_tool_configuration(data: dict[str, Any]) -> bool:
    """Files with apiVersion/kind that configure a tool rather than a cluster."""
    api_version = data.get("apiVersion")
    if not isinstance(api_version, str):
        return False
    group = api_version.rpartition("/")[0]
    if group.endswith(_TOOL_CONFIG_GROUPS):
        return True
    kind = data.get("kind")
    if kind == "Config" and api_version == "v1" and ("clusters" in data or "contexts" in data):
        return True  # a kubeconfig
    # A Helm Chart.yaml: apiVersion v1/v2, a name and a version, no kind.
    return kind is None and api_version in ("v1", "v2") and "name" in data and "version" in data


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
    if not isinstance(data, dict) or ("apiVersion" not in data and "kind" not in data) or _is_tool_configuration(data):
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


def _json_document(text: str, file: str) -> Any:
    """JSON's own verdict on text that kubectl would decode as JSON: the
    data, or a Finding saying why it is not JSON.

    kubectl reads a stream that starts with ``{`` with a JSON decoder, which
    refuses what YAML's flow style forgives (trailing commas, comments,
    unquoted keys).
    """
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        before = text[: error.pos].rstrip()
        if before.endswith(",") and error.msg.startswith(("Expecting property name", "Expecting value")):
            comma = len(before) - 1
            line = text.count("\n", 0, comma) + 1
            column = comma - (text.rfind("\n", 0, comma) + 1) + 1
            message = "invalid JSON: a trailing comma before the closing bracket; remove it"
            return Finding("yaml-syntax", Severity.ERROR, message, file, line, column)
        return Finding("yaml-syntax", Severity.ERROR, f"invalid JSON: {error.msg}", file, error.lineno, error.colno)
    except RecursionError:
        return None  # the YAML reader reports absurd nesting itself


def load_text(text: str, file: str) -> FileResult:
    """Parse one file's text into resources and problems.

    JSON goes through the YAML reader too, for positions; should libyaml
    refuse valid JSON (it rejects some escapes, such as surrogate pairs),
    JSON's data is used with the document's start as the only position.
    """
    result = FileResult(text=text)
    json_data = None
    if text.lstrip().startswith("{") or file.lower().endswith(".json"):
        json_data = _json_document(text, file)
        if isinstance(json_data, Finding):
            result.findings.append(json_data)
            return result
    items = list(parse_stream(text))
    if json_data is not None and any(isinstance(item, YamlProblem) for item in items):
        _resources_of(YamlDocument(0, json_data, SourceMap(), None), file, result)
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


def read_input(source: Input, stdin: BinaryIO | None = None) -> bytes | FileResult:
    """The bytes of one input, or a FileResult with the finding that says why there are none."""
    if source.path is None:
        stream = stdin if stdin is not None else sys.stdin.buffer
        data = stream.read()
        if not data.strip():
            return FileResult(findings=[_input_error(STDIN, "standard input is empty: there is nothing to check")])
        return data
    try:
        with open(source.path, "rb") as handle:
            return handle.read()
    except IsADirectoryError:
        return FileResult(findings=[_input_error(source.display, "is a directory, not a manifest file")])
    except OSError as error:
        return FileResult(findings=[_input_error(source.display, f"cannot read: {error.strerror or error}")])


def load_file(source: Input, stdin: BinaryIO | None = None) -> FileResult:
    """Read and parse one input; unreadable inputs become findings."""
    data = read_input(source, stdin)
    return data if isinstance(data, FileResult) else load_bytes(data, source.display)


def discovery_findings(found: Discovery) -> list[Finding]:
    """Paths that do not exist (errors) and folders without manifests (warnings)."""
    findings = [_input_error(missing, "no such file or directory") for missing in found.missing]
    for directory in found.empty_dirs:
        findings.append(
            Finding("input-error", Severity.WARNING, "no *.yaml, *.yml or *.json files in this directory", directory, 1, 1)
        )
    return findings


def load(paths: list[str], excludes: list[str] | None = None, stdin: BinaryIO | None = None) -> LoadResult:
    """Load every manifest under ``paths``, in a stable order."""
    found = discover(paths, excludes)
    result = LoadResult(missing=list(found.missing), findings=discovery_findings(found))
    for source in found.inputs:
        result.add(load_file(source, stdin), source.display)
    return result
