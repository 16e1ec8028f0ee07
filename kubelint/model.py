"""The shared vocabulary: every stage speaks Resource and Finding.

A Resource is one Kubernetes object as the API server would read it, plus
where it came from. A Finding is one problem with a rule id, a severity, a
message a person can act on, and the file, line and column of the offending
key or value.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Union

if TYPE_CHECKING:  # pragma: no cover - typing only
    from kubelint.loader.sourcemap import SourceMap

PathPart = Union[str, int]
FieldPath = tuple[PathPart, ...]

_PLAIN_KEY = re.compile(r"^[A-Za-z_$][A-Za-z0-9_$-]*$")


class Severity(enum.IntEnum):
    """Ordered so that ``severity >= threshold`` reads naturally."""

    INFO = 1
    WARNING = 2
    ERROR = 3

    @property
    def label(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, text: str) -> "Severity":
        try:
            return cls[text.strip().upper()]
        except KeyError:
            raise ValueError(f"unknown severity {text!r}; use error, warning or info") from None


def format_path(path: FieldPath) -> str:
    """``('spec', 'containers', 0, 'image')`` -> ``spec.containers[0].image``.

    Keys that are not identifier-like (label keys with dots or slashes) are
    written in brackets: ``metadata.labels["app.kubernetes.io/name"]``.
    """
    out: list[str] = []
    for part in path:
        if isinstance(part, int):
            out.append(f"[{part}]")
        elif _PLAIN_KEY.match(part):
            out.append(f".{part}" if out else part)
        else:
            escaped = part.replace("\\", "\\\\").replace('"', '\\"')
            out.append(f'["{escaped}"]')
    return "".join(out)


@dataclass(frozen=True, slots=True)
class ObjectRef:
    """Identifies an object the way ``kubectl`` does: kind, namespace, name."""

    api_version: str | None
    kind: str | None
    namespace: str | None
    name: str | None

    def __str__(self) -> str:
        kind = self.kind or "<no kind>"
        name = self.name or "<no name>"
        if self.namespace:
            return f"{kind} {self.namespace}/{name}"
        return f"{kind}/{name}"

    def to_json(self) -> dict[str, str | None]:
        return {
            "apiVersion": self.api_version,
            "kind": self.kind,
            "namespace": self.namespace,
            "name": self.name,
        }


def _str_or_none(value: Any) -> str | None:
    return value if isinstance(value, str) else None


@dataclass(slots=True, eq=False)
class Resource:
    """One Kubernetes object with the file position of each of its fields.

    ``data`` is exactly what a ``kubectl apply`` would send (YAML 1.1 scalars
    resolved as kubectl's go-yaml resolves them). ``base_path`` is the path of
    this object inside its YAML document: empty, or ``('items', 3)`` for an
    item of a ``kind: List``.
    """

    data: dict[str, Any]
    file: str
    doc_index: int
    source_map: "SourceMap"
    base_path: FieldPath = ()
    helm_source: str | None = None

    @property
    def api_version(self) -> str | None:
        return _str_or_none(self.data.get("apiVersion"))

    @property
    def kind(self) -> str | None:
        return _str_or_none(self.data.get("kind"))

    @property
    def metadata(self) -> dict[str, Any]:
        meta = self.data.get("metadata")
        return meta if isinstance(meta, dict) else {}

    @property
    def name(self) -> str | None:
        meta = self.metadata
        return _str_or_none(meta.get("name")) or _str_or_none(meta.get("generateName"))

    @property
    def namespace(self) -> str | None:
        return _str_or_none(self.metadata.get("namespace"))

    @property
    def group(self) -> str:
        """API group: ``apps`` for ``apps/v1``, ``""`` for the core group."""
        api_version = self.api_version or ""
        return api_version.rpartition("/")[0]

    @property
    def ref(self) -> ObjectRef:
        return ObjectRef(self.api_version, self.kind, self.namespace, self.name)

    def locate(self, path: FieldPath = (), *, key: bool = False) -> tuple[int, int]:
        """1-based line and column of ``path`` in the source file.

        Points at a scalar value, or at the key of a mapping or sequence
        value; with ``key=True`` always at the key. A path that does not exist
        (a missing required field) resolves to its deepest existing parent.
        """
        return self.source_map.locate(self.base_path + tuple(path), key=key)

    def type_error(self, path: FieldPath, expected: str) -> str:
        """``spec.replicas: expected integer, got string "three"``, with a hint
        when a YAML 1.1 plain scalar (``yes``, ``0755``, ``1.10``) surprised the writer.
        """
        from kubelint.kube import get_path
        from kubelint.loader.scalars import describe, shown, surprise_hint

        value = get_path(self.data, path)
        hint = surprise_hint(self.source_map.plain_text(self.base_path + tuple(path)), value)
        return f"{format_path(path)}: expected {expected}, got {describe(value)}{shown(value)}{hint}"

    def finding(
        self,
        rule: str,
        severity: Severity,
        message: str,
        path: FieldPath = (),
        *,
        key: bool = False,
    ) -> "Finding":
        """A finding about this resource, positioned at ``path``."""
        line, column = self.locate(path, key=key)
        return Finding(
            rule=rule,
            severity=severity,
            message=message,
            file=self.file,
            line=line,
            column=column,
            path=format_path(path) if path else None,
            resource=self.ref,
            source=self.helm_source,
        )


BASELINED = "in the baseline"
"""``Finding.suppressed`` of a finding the ``--baseline`` file already lists."""


@dataclass(slots=True)
class Finding:
    """One problem, at the exact line and column of the offending field."""

    rule: str
    severity: Severity
    message: str
    file: str
    line: int
    column: int
    path: str | None = None
    resource: ObjectRef | None = None
    source: str | None = None
    """Helm's ``# Source:`` template path, when the input was rendered by Helm."""
    suppressed: str | None = None
    """Why the finding is suppressed (set by the suppression stage, or BASELINED), else None."""

    def sort_key(self) -> tuple[Any, ...]:
        return (self.file, self.line, self.column, -int(self.severity), self.rule, self.message)

    def key(self) -> tuple[str, str, str | None, str | None, str | None, str | None]:
        """What names this finding across edits (baselines, fingerprints): rule, file,
        object (kind, namespace, name) and field path, never the line, which moves."""
        ref = self.resource
        if ref is None:
            return (self.rule, self.file, None, None, None, self.path)
        return (self.rule, self.file, ref.kind, ref.namespace, ref.name, self.path)

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "rule": self.rule,
            "severity": self.severity.label,
            "message": self.message,
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "path": self.path,
            "resource": self.resource.to_json() if self.resource else None,
        }
        if self.source:
            out["source"] = self.source
        if self.suppressed is not None:
            out["suppressed"] = self.suppressed
        return out


@dataclass(slots=True)
class Summary:
    """Counts for the one-line summary and the JSON ``summary`` object."""

    files: int = 0
    resources: int = 0
    skipped_documents: int = 0
    errors: int = 0
    warnings: int = 0
    infos: int = 0
    suppressed: int = 0
    baselined: int = 0
    """Findings left out because the baseline lists them."""
    baseline_absent: int | None = None
    """Baseline entries that no longer occur (None: no baseline was used)."""

    def to_json(self) -> dict[str, int]:
        out = {
            "files": self.files,
            "resources": self.resources,
            "skippedDocuments": self.skipped_documents,
            "errors": self.errors,
            "warnings": self.warnings,
            "infos": self.infos,
            "suppressed": self.suppressed,
        }
        if self.baseline_absent is not None:
            out["baselined"] = self.baselined
            out["baselineAbsent"] = self.baseline_absent
        return out


@dataclass(slots=True)
class Report:
    """What a check run produced: sorted findings and the counts."""

    kubernetes_version: str
    findings: list[Finding] = field(default_factory=list)
    summary: Summary = field(default_factory=Summary)
    resources: list[Resource] = field(default_factory=list)
    missing_paths: list[str] = field(default_factory=list)
    """Paths given that do not exist: the run was called wrongly (exit code 2)."""

    @property
    def active_findings(self) -> list[Finding]:
        """Findings that count: everything not suppressed."""
        return [f for f in self.findings if f.suppressed is None]

    def worst(self) -> Severity | None:
        active = self.active_findings
        return max((f.severity for f in active), default=None)
