"""``kubelint plan``: what applying the manifests would make, as a diff of two worlds.

:func:`run_plan` loads the manifests, checks their basic shape, plays them
through the embedded cluster (:mod:`kubelint.reconcile`) and diffs the
result against the base world (for now the empty cluster of the profile).
The planner's findings become Findings under their rule files
(``rules/plan-*.yaml``), next to the loader's and the shape check's.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import BinaryIO

from kubelint.model import Finding, Resource, Severity
from kubelint.pipeline import DEFAULT_KUBERNETES_VERSION, Options, paused_gc
from kubelint.plan.diff import Entry, Plan, plan
from kubelint.reconcile import ClusterProfile, World, reconcile

SECTIONS = ("pods", "services", "endpoints", "dns", "routes")
FORMATS = {"text": "kubelint.plan.text", "json": "kubelint.plan.json", "markdown": "kubelint.plan.markdown"}


@dataclass(slots=True)
class PlanReport:
    plan: Plan
    findings: list[Finding]
    kubernetes_version: str
    files: int = 0
    missing_paths: list[str] = field(default_factory=list)

    @property
    def profile(self) -> ClusterProfile:
        return self.plan.world.profile

    def worst(self) -> Severity | None:
        return max((f.severity for f in self.findings if f.suppressed is None), default=None)


def plannable(resource: Resource) -> bool:
    """What the object-shape rule accepts: apiVersion, kind, metadata and a name (or generateName)."""
    from kubelint.checks.shape import is_well_formed

    metadata = resource.metadata
    return is_well_formed(resource) and bool(metadata.get("name") or metadata.get("generateName"))


def planner_findings(world: World, options: Options) -> list[Finding]:
    """The world's problems as findings, with the severity their rule files (and options) give."""
    from kubelint.engine import ActiveRule, to_finding
    from kubelint.rulebook import load_rules

    rules = load_rules(options.rules_dirs)
    findings = []
    for rule_id, problem in world.problems:
        rule = rules[rule_id]
        if rule.enabled or rule_id in options.enable:
            findings.append(to_finding(ActiveRule(rule, rule.severity), problem.resource, problem))
    return findings


def plan_resources(resources: list[Resource], profile: ClusterProfile, kubernetes_version: str) -> tuple[Plan, list[Finding]]:
    """The plan of applying ``resources`` to the profile's empty cluster.

    A failure inside the reconciler is kubelint's bug: it becomes an
    internal-error finding and an empty plan, never a traceback.
    """
    base = reconcile([], profile, kubernetes_version=kubernetes_version)
    try:
        return plan(base, reconcile(resources, profile, kubernetes_version=kubernetes_version)), []
    except Exception as error:  # noqa: BLE001 - contained, reported
        where = resources[0] if resources else None
        message = (
            f"kubelint's reconciler failed: {type(error).__name__}: {error}; the plan is empty (please report this "
            "with the manifests)"
        )
        finding = Finding("internal-error", Severity.ERROR, message, where.file if where else "-", 1, 1)
        return plan(base, base), [finding]


def run_plan(paths: list[str], profile: ClusterProfile, options: Options | None = None, stdin: BinaryIO | None = None) -> PlanReport:
    """Load ``paths`` and plan them; findings of loading, shape and the planner come back sorted."""
    from kubelint.engine import ActiveRule
    from kubelint.perfile import FileChecker, check_files
    from kubelint.rulebook import load_rules

    options = options or Options()
    version = options.kubernetes_version or DEFAULT_KUBERNETES_VERSION
    with paused_gc():
        shape = load_rules(options.rules_dirs)["object-shape"]
        # Loading and the shape check, per file: here, in worker processes (--jobs) or from the cache.
        loaded = check_files(paths, options, FileChecker([ActiveRule(shape, shape.severity)], version, options.default_namespace), stdin)
        findings = list(loaded.findings)
        result, failures = plan_resources([r for r in loaded.resources if plannable(r)], profile, version)
        findings.extend(failures)
        findings.extend(planner_findings(result.world, options))
    findings.sort(key=Finding.sort_key)
    return PlanReport(result, findings, version, loaded.files, list(loaded.missing))


def render(report: PlanReport, format: str, **options: object) -> str:
    """The plan in ``format`` (text, json, markdown); ``options``: color, show.

    Rendering builds hundreds of thousands of small acyclic objects next to a
    large world; with the cycle collector running, its passes over the whole
    heap would make big plans superlinear.
    """
    import importlib

    with paused_gc():
        return importlib.import_module(FORMATS[format]).render(report, **options)  # type: ignore[no-any-return]


__all__ = ["Entry", "Plan", "PlanReport", "FORMATS", "SECTIONS", "plan", "plan_resources", "render", "run_plan"]
