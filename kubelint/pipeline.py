"""One check run, stage by stage: load, shape, rules, then the report.

The CLI and the library call :func:`run_check`; each stage lives in its own
package and speaks Resource and Finding.
"""

from __future__ import annotations

import gc
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, BinaryIO, Callable, Iterator

from kubelint.kube import DEFAULT_NAMESPACE
from kubelint.model import BASELINED, Finding, Report, Severity, Summary
from kubelint.schema.bundle import newest_version

DEFAULT_KUBERNETES_VERSION = newest_version()
"""The newest Kubernetes version with bundled schemas: what a run checks against unless told."""

Progress = Callable[[str, int, int], None]
"""``progress(stage, done, total)``: called as each file is checked (stage ``load``),
for a progress bar on long runs."""

VALIDATE_CATEGORIES = frozenset({"input", "yaml", "schema", "api", "deprecation"})
"""What ``kubelint validate`` runs: will the API server accept the objects?"""


@dataclass
class Options:
    """Everything a check run can be told (CLI flags and configuration)."""

    kubernetes_version: str | None = None
    exclude: list[str] = field(default_factory=list)
    rules_dirs: list[str] = field(default_factory=list)
    schema_dirs: list[str] = field(default_factory=list)
    """Folders of extra JSON Schemas and CRDs (custom resources): ``--schema-dir`` and the configuration."""
    strict: bool = True
    """Unknown fields are errors (``unknown-field``), as ``kubectl apply`` validates since 1.27."""
    ignore_missing_schemas: bool = False
    """A custom resource without a schema is information, not an error."""
    skip_kinds: frozenset[str] = frozenset()
    """Kinds the schema stage leaves alone: ``Kind`` or ``group/version/Kind``."""
    target_version: str | None = None
    """The Kubernetes version of a planned upgrade: what it no longer serves is reported."""
    categories: frozenset[str] | None = None
    """Only rules of these categories (None: all enabled rules)."""
    enable: frozenset[str] = frozenset()
    """Rule ids or categories to run, also rules off by default (``select``)."""
    disable: frozenset[str] = frozenset()
    """Rule ids or categories not to run (``ignore``)."""
    severities: dict[str, Severity] = field(default_factory=dict)
    """Severities by rule id or category, over the rule files' own."""
    suppressions: list[Any] = field(default_factory=list)
    """The configuration's suppressions (:class:`kubelint.suppress.ConfigSuppression`)."""
    rule_options: dict[str, dict[str, Any]] = field(default_factory=dict)
    """Per-rule option values over the rule file's defaults."""
    default_namespace: str = DEFAULT_NAMESPACE
    """Where objects without metadata.namespace land (kubectl's ``-n``)."""
    progress: Progress | None = None
    """Told how far the run is; None (the default) costs nothing."""
    jobs: int = 1
    """Worker processes for the per-file stages (the CLI's ``--jobs``; 1: all in this process)."""
    cache_dir: str | None = None
    """Folder of the per-file result cache (the CLI's ``--cache-dir``); None: no cache."""


@contextmanager
def paused_gc() -> Iterator[None]:
    """Loading builds millions of acyclic objects; the cycle collector only slows it."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def rule_selected(rule: Any, options: Options) -> bool:
    """Whether ``rule`` runs: what ``ignore``/``select`` say of its id, else of its
    category, else its file's ``enabled``; ``ignore`` wins at the same level."""
    if options.categories is not None and rule.category not in options.categories:
        return False
    for name in (rule.id, rule.category):
        if name in options.disable:
            return False
        if name in options.enable:
            return True
    return bool(rule.enabled)


def configured_severity(rule: Any, options: Options) -> Severity | None:
    """The severity the configuration gives ``rule`` (by its id, else its category), if any."""
    return options.severities.get(rule.id) or options.severities.get(rule.category)


def active_rules(options: Options) -> list:
    """The rules a run under ``options`` runs, each with its configured severity and options."""
    from kubelint.engine import ActiveRule
    from kubelint.rulebook import load_rules

    rules = load_rules(options.rules_dirs)
    active = []
    for rule in rules.values():
        if not rule_selected(rule, options):
            continue
        values = rule.default_options() | options.rule_options.get(rule.id, {})
        active.append(ActiveRule(rule, configured_severity(rule, options) or rule.severity, values))
    return active


def _follow_configuration(findings: list[Finding], active: list, options: Options) -> list[Finding]:
    """Stages outside the engine (the loader, schema validation) report what they
    find: keep the findings of the rules that run, at their configured severity."""
    from kubelint.rulebook import load_rules

    catalog = load_rules(options.rules_dirs)
    running = {a.rule.id for a in active}
    overrides = {a.rule.id: a.severity for a in active if configured_severity(a.rule, options) is not None}
    kept = []
    for finding in findings:
        if finding.rule in catalog and finding.rule not in running:
            continue
        if finding.rule in overrides:
            finding.severity = overrides[finding.rule]
        kept.append(finding)
    return kept


def settle(findings: list[Finding], loaded: Any, active: list, options: Options, paths: list[str]) -> list[Finding]:
    """The last stage of a check or a plan, after every other: findings follow the
    configuration, suppressions mark what they cover, unused suppressions are added.
    ``loaded`` is the run's LoadResult (its resources and file texts)."""
    from kubelint.suppress import apply_suppressions

    findings = _follow_configuration(findings, active, options)
    findings.extend(apply_suppressions(findings, loaded.resources, loaded.texts, active, options, paths))
    return findings


def summarize(report: Report, files: int, skipped: int) -> None:
    summary = Summary(files=files, resources=len(report.resources), skipped_documents=skipped)
    for finding in report.findings:
        if finding.suppressed == BASELINED:
            summary.baselined += 1
        elif finding.suppressed is not None:
            summary.suppressed += 1
        elif finding.severity is Severity.ERROR:
            summary.errors += 1
        elif finding.severity is Severity.WARNING:
            summary.warnings += 1
        else:
            summary.infos += 1
    report.summary = summary


def run_check(paths: list[str], options: Options | None = None, stdin: BinaryIO | None = None) -> Report:
    """Load ``paths`` and run every stage; findings come back sorted."""
    from kubelint.perfile import FileChecker, check_files
    from kubelint.schema import resolve_version
    from kubelint.schema.stage import schema_findings, schema_stage

    options = options or Options()
    version = resolve_version(options.kubernetes_version)
    with paused_gc():
        active = active_rules(options)
        schema = schema_stage(active, options, version)
        checker = FileChecker(active, version, options.default_namespace, schema)
        # Per file (here, in worker processes or from the cache): loading, shape, per-resource rules,
        # the schemas that need no CRD of the run.
        loaded = check_files(paths, options, checker, stdin)
        findings: list[Finding] = list(loaded.findings)
        findings.extend(checker.cross_object(loaded.resources))
        findings = schema_findings(loaded.resources, findings, active, options, version, schema)
        findings = settle(findings, loaded, active, options, paths)
    findings.sort(key=Finding.sort_key)
    report = Report(kubernetes_version=version, findings=findings, resources=loaded.resources)
    report.missing_paths = loaded.missing
    summarize(report, loaded.files, loaded.skipped_documents)
    return report
