"""Runs rule checks over resources and turns their problems into findings.

The engine owns what every rule shares: looking up the check function,
per-rule options and severity, positioning each problem at its field, and
containing failures (a check that raises becomes an ``internal-error``
finding naming the rule and the object, and the run goes on).
"""

from __future__ import annotations

import importlib
import traceback
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Sequence

from kubelint.checks import Problem, RuleContext
from kubelint.kube import DEFAULT_NAMESPACE
from kubelint.model import Finding, Resource, Severity
from kubelint.rulebook import Rule

CheckFunction = Callable[..., Iterable[Problem]]


@dataclass(slots=True)
class ActiveRule:
    """A rule as this run uses it: its severity and options after configuration."""

    rule: Rule
    severity: Severity
    options: dict[str, Any] = field(default_factory=dict)


_FUNCTIONS: dict[str, CheckFunction] = {}


def resolve_function(reference: str) -> CheckFunction:
    """``package.module:function`` -> the function (imported once)."""
    function = _FUNCTIONS.get(reference)
    if function is None:
        module_name, _, name = reference.partition(":")
        function = getattr(importlib.import_module(module_name), name)
        _FUNCTIONS[reference] = function
    return function


def internal_error(rule_id: str, resource: Resource, error: BaseException, *, cross_object: bool = False) -> Finding:
    """The finding for a check that raised: which rule, which object, which line of kubelint."""
    where = traceback.extract_tb(error.__traceback__)[-1] if error.__traceback__ else None
    origin = f" at {where.filename.rsplit('/', 1)[-1]}:{where.lineno}" if where else ""
    subject = "the cross-object rule " + rule_id if cross_object else f"rule {rule_id} on {resource.ref}"
    consequence = "its findings are incomplete" if cross_object else "the object was not fully checked"
    return resource.finding(
        "internal-error",
        Severity.ERROR,
        f"kubelint failed while running {subject}: {type(error).__name__}: {error}{origin}; "
        f"{consequence} (please report this)",
    )


def to_finding(active: ActiveRule, resource: Resource, problem: Problem) -> Finding:
    return resource.finding(
        active.rule.id,
        problem.severity or active.severity,
        problem.message,
        problem.path,
        key=problem.key,
    )


class Engine:
    """Runs the python and declarative checks of the active rules.

    ``builtin`` rules are not run here: their findings come from a pipeline
    stage (the loader, schema validation, the planner).
    """

    def __init__(
        self, rules: Sequence[ActiveRule], kubernetes_version: str, default_namespace: str = DEFAULT_NAMESPACE
    ) -> None:
        self.kubernetes_version = kubernetes_version
        self.default_namespace = default_namespace
        self.per_resource: list[tuple[ActiveRule, CheckFunction]] = []
        self.per_set: list[tuple[ActiveRule, CheckFunction]] = []
        self.kinds: dict[str, frozenset[str]] = {}
        """Rule id -> the only kinds its python check looks at (``check.kinds``)."""
        for active in rules:
            check = active.rule.check
            if "python" in check:
                target = self.per_set if check.get("scope") == "set" else self.per_resource
                target.append((active, resolve_function(check["python"])))
                if "kinds" in check:
                    self.kinds[active.rule.id] = frozenset(check["kinds"])
            elif "declarative" in check:
                self.per_resource.append((active, resolve_function("kubelint.declarative:declarative_check")))
        self.contexts = {
            active.rule.id: RuleContext(active.rule, active.options, kubernetes_version, default_namespace=default_namespace)
            for active, _ in self.per_resource + self.per_set
        }
        """One context per rule for the engine's life: a worker process keeps rules' caches from file to file."""

    def _checks_for(self, kind: str | None) -> list[tuple[ActiveRule, CheckFunction]]:
        """The per-resource checks that look at objects of ``kind``."""
        return [
            (active, function)
            for active, function in self.per_resource
            if active.rule.id not in self.kinds or kind in self.kinds[active.rule.id]
        ]

    def run(self, resources: Sequence[Resource]) -> list[Finding]:
        """Findings of every check over ``resources``: each object's, then the cross-object ones."""
        return self.run_per_resource(resources) + self.run_cross_object(resources)

    def _contexts(self, resources: Sequence[Resource]) -> dict[str, RuleContext]:
        for context in self.contexts.values():
            context.resources = resources
        return self.contexts

    def run_per_resource(self, resources: Sequence[Resource]) -> list[Finding]:
        """Findings of the per-resource checks.

        Each object's findings depend on that object alone, so this part may
        run file by file, in worker processes, or come from the result cache.
        """
        findings: list[Finding] = []
        contexts = self._contexts(resources)
        checks_by_kind: dict[str | None, list[tuple[ActiveRule, CheckFunction]]] = {}
        for resource in resources:
            kind = resource.kind
            checks = checks_by_kind.get(kind)
            if checks is None:
                checks = checks_by_kind[kind] = self._checks_for(kind)
            for active, function in checks:
                try:
                    for problem in function(resource, contexts[active.rule.id]):
                        findings.append(to_finding(active, resource, problem))
                except Exception as error:  # noqa: BLE001 - contained, reported
                    findings.append(internal_error(active.rule.id, resource, error))
        return findings

    def run_cross_object(self, resources: Sequence[Resource]) -> list[Finding]:
        """Findings of the ``scope: set`` checks over every object of the run."""
        findings: list[Finding] = []
        contexts = self._contexts(resources)
        for active, function in self.per_set:
            try:
                for problem in function(resources, contexts[active.rule.id]):
                    if problem.resource is None:
                        raise ValueError("a set-scope check must name the resource of each problem")
                    findings.append(to_finding(active, problem.resource, problem))
            except Exception as error:  # noqa: BLE001 - contained, reported
                if resources:
                    findings.append(internal_error(active.rule.id, resources[0], error, cross_object=True))
        return findings
