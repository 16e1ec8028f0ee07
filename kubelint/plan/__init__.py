"""``kubelint plan``: what applying the manifests would make, as a diff of two worlds.

:func:`run_plan` loads the manifests and the base (kubelint.plan.bases: the
empty cluster, other manifests, a git revision, a saved state or a live
cluster), checks their basic shape, plays both through the embedded cluster
(:mod:`kubelint.reconcile`; the new world keeps what the base world
allocated and runs), and diffs the two worlds. Updates the API server would
refuse become replacements (kubelint.plan.immutable), and each workload that
changes gets its rollout (kubelint.plan.rollout). The planner's findings
become Findings under their rule files (``rules/plan-*.yaml``), next to the
loader's and the shape check's.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import BinaryIO

from kubelint.model import Finding, Resource, Severity
from kubelint.pipeline import (
    DEFAULT_KUBERNETES_VERSION,
    Options,
    active_rules,
    configured_severity,
    paused_gc,
    rule_selected,
    settle,
)
from kubelint.plan import immutable
from kubelint.plan.bases import Base, BaseError, BaseSpec, empty, load_base
from kubelint.plan.diff import Entry, Plan, plan
from kubelint.plan.rollout import rollouts
from kubelint.reconcile import ClusterProfile, World, reconcile

SECTIONS = ("pods", "services", "endpoints", "dns", "routes")
FORMATS = {"text": "kubelint.plan.text", "json": "kubelint.plan.json", "markdown": "kubelint.plan.markdown"}
PLAN_CATEGORIES = frozenset({"input", "yaml", "plan", "config"})
"""What a plan run reports besides the object-shape check: loading, the planner, stale suppressions."""


@dataclass(slots=True)
class PlanReport:
    plan: Plan
    findings: list[Finding]
    kubernetes_version: str
    files: int = 0
    missing_paths: list[str] = field(default_factory=list)
    base: str = "the empty cluster"
    """What the plan is against (kubelint.plan.bases.Base.description)."""
    applied: list[Resource] = field(default_factory=list)
    """The objects as the cluster would hold them (what --save-state saves)."""

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
        if rule_selected(rule, options):
            active = ActiveRule(rule, configured_severity(rule, options) or rule.severity)
            findings.append(to_finding(active, problem.resource, problem))
    return findings


def _worlds(resources: list[Resource], base: Base, profile: ClusterProfile, version: str) -> Plan:
    """Both worlds, reconciled the same way; the new one keeps what the base allocated and runs.

    When some update would be refused, the new world is reconciled once more
    without keeping anything of the objects that are deleted and created again.
    """
    base_world = reconcile(base.resources, profile, kubernetes_version=version, previous=base.pins)
    world = reconcile(resources, profile, kubernetes_version=version, previous=base_world)
    refused = immutable.replacements(base_world, world)
    replaced = {replacement.key for replacement in refused}
    if refused:
        world = reconcile(resources, profile, kubernetes_version=version, previous=base_world, replacing=replaced)
        for replacement in refused:
            for refusal in replacement.refusals:
                world.report(
                    immutable.RULE, replacement.resource, refusal.path, immutable.message(replacement, refusal)
                )
    result = plan(base_world, world, refused)
    result.rollouts = rollouts(base_world, world, replaced)
    return result


def plan_resources(
    resources: list[Resource], profile: ClusterProfile, kubernetes_version: str, base: Base | None = None
) -> tuple[Plan, list[Finding]]:
    """The plan of applying ``resources`` to the base (the profile's empty cluster by default).

    A failure inside the reconciler is kubelint's bug: it becomes an
    internal-error finding and an empty plan, never a traceback.
    """
    try:
        return _worlds(resources, base or empty(), profile, kubernetes_version), []
    except Exception as error:  # noqa: BLE001 - contained, reported
        where = resources[0] if resources else None
        message = (
            f"kubelint's reconciler failed: {type(error).__name__}: {error}; the plan is empty (please report this "
            "with the manifests)"
        )
        finding = Finding("internal-error", Severity.ERROR, message, where.file if where else "-", 1, 1)
        nothing = reconcile([], profile, kubernetes_version=kubernetes_version)
        return plan(nothing, nothing), [finding]


def run_plan(
    paths: list[str],
    profile: ClusterProfile,
    options: Options | None = None,
    stdin: BinaryIO | None = None,
    base: BaseSpec | None = None,
) -> PlanReport:
    """Load ``paths`` (and the base) and plan them; findings of loading, shape and the planner come back sorted.

    Raises BaseError when the base cannot be read (a usage error).
    """
    from kubelint.engine import ActiveRule
    from kubelint.perfile import FileChecker, check_files
    from kubelint.rulebook import load_rules

    options = options or Options()
    version = options.kubernetes_version or DEFAULT_KUBERNETES_VERSION
    with paused_gc():
        baseline = load_base(base, paths, options.exclude)
        profile = baseline.profile(profile)
        shape = load_rules(options.rules_dirs)["object-shape"]
        # Loading and the shape check, per file: here, in worker processes (--jobs) or from the cache.
        loaded = check_files(
            paths, options, FileChecker([ActiveRule(shape, shape.severity)], version, options.default_namespace), stdin
        )
        findings = list(loaded.findings) + baseline.findings
        baseline.resources = [r for r in baseline.resources if plannable(r)]
        applied = baseline.applied([r for r in loaded.resources if plannable(r)])
        result, failures = plan_resources(applied, profile, version, baseline)
        findings.extend(failures)
        findings.extend(planner_findings(result.world, options))
        ran = [a for a in active_rules(options) if a.rule.category in PLAN_CATEGORIES or a.rule.id == shape.id]
        findings = settle(findings, loaded, ran, options, paths)
    findings.sort(key=Finding.sort_key)
    return PlanReport(result, findings, version, loaded.files, list(loaded.missing), baseline.description, applied)


def render(report: PlanReport, format: str, **options: object) -> str:
    """The plan in ``format`` (text, json, markdown); ``options``: color, show.

    Rendering builds hundreds of thousands of small acyclic objects next to a
    large world; with the cycle collector running, its passes over the whole
    heap would make big plans superlinear.
    """
    import importlib

    with paused_gc():
        return importlib.import_module(FORMATS[format]).render(report, **options)  # type: ignore[no-any-return]


__all__ = [
    "FORMATS",
    "SECTIONS",
    "BaseError",
    "BaseSpec",
    "Entry",
    "Plan",
    "PlanReport",
    "plan",
    "plan_resources",
    "render",
    "run_plan",
]
