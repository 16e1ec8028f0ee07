"""Python implementations behind rules that need code.

A check is a small generator, in the spirit of yamllint's rules: it gets one
resource (``scope: resource``) or every resource (``scope: set``) and the
rule's context, and yields :class:`Problem` objects. It knows nothing about
output formats, suppression or configuration files; the engine turns each
Problem into a Finding at the exact position of ``path``.

Per-resource check::

    def check(resource: Resource, ctx: RuleContext) -> Iterator[Problem]

Cross-object check (``scope: set``), which names the resource of each problem::

    def check(resources: Sequence[Resource], ctx: RuleContext) -> Iterator[Problem]
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Sequence

from kubelint.kube import DEFAULT_NAMESPACE
from kubelint.model import FieldPath, Resource, Severity

if TYPE_CHECKING:  # pragma: no cover - typing only
    from kubelint.rulebook import Rule


@dataclass(slots=True)
class Problem:
    """What a check found: where (a field path) and what to tell the user."""

    path: FieldPath
    message: str
    severity: Severity | None = None
    """None: the rule's (configured) severity."""
    key: bool = False
    """Point at the key instead of the value (unknown or misplaced fields)."""
    resource: Resource | None = None
    """For ``scope: set`` checks: the object the problem is about."""


@dataclass(slots=True)
class RuleContext:
    """What a check may know besides the object it looks at."""

    rule: "Rule"
    options: dict[str, Any]
    kubernetes_version: str
    resources: Sequence[Resource] = field(default_factory=list)
    """All well-formed resources of the run (cross-object checks)."""
    cache: dict[str, Any] = field(default_factory=dict)
    """The rule's own scratch space for one run (compiled schemas, indexes)."""
    default_namespace: str = DEFAULT_NAMESPACE
    """Where objects without a namespace land: pass it to ``kubelint.kube.namespace_of``."""
