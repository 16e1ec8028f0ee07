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

DEFAULT_KUBERNETES_VERSION = "1.37"

Progress = Callable[[str, int, int], None]
"""``progress(stage, done, total)``: called after each file loaded (stage ``load``)
and each object checked (stage ``rules``), for a progress bar on long runs."""

VALIDATE_CATEGORIES = frozenset({"input", "yaml", "schema", "api", "deprecation"})
"""What ``kubelint validate`` runs: will the API server accept the objects?"""


@dataclass
class Options:
    """Everything a check run can be told (CLI flags and configuration)."""

    kubernetes_version: str | None = None
    exclude: list[str] = field(default_factory=list)
    rules_dirs: list[str] = field(default_factory=list)
    categories: frozenset[str] | None = None
    """Only rules of these categories (None: all enabled rules)."""
    enable: frozenset[str] = frozenset()
    """Rule ids to run even though they are off by default."""
    rule_options: dict[str, dict[str, Any]] = field(default_factory=dict)
    """Per-rule option values over the rule file's defaults."""
    default_namespace: str = DEFAULT_NAMESPACE
    """Where objects without metadata.namespace land (kubectl's ``-n``)."""
    progress: Progress | None = None
    """Told how far the run is; None (the default) costs nothing."""


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


def _active_rules(options: Options) -> list:
    from kubelint.engine import ActiveRule
    from kubelint.rulebook import load_rules

    rules = load_rules(options.rules_dirs)
    active = []
    for rule in rules.values():
        if not rule.enabled and rule.id not in options.enable:
            continue
        if options.categories is not None and rule.category not in options.categories:
            continue
        values = rule.default_options() | options.rule_options.get(rule.id, {})
        active.append(ActiveRule(rule, rule.severity, values))
    return active


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
    from kubelint.checks.shape import is_well_formed
    from kubelint.engine import Engine
    from kubelint.loader import load

    options = options or Options()
    version = options.kubernetes_version or DEFAULT_KUBERNETES_VERSION
    with paused_gc():
        loaded = load(paths, options.exclude, stdin, options.progress)
        findings: list[Finding] = list(loaded.findings)
        active = _active_rules(options)
        shape_rules = [a for a in active if a.rule.id == "object-shape"]
        other_rules = [a for a in active if a.rule.id != "object-shape"]
        findings.extend(Engine(shape_rules, version, options.default_namespace).run(loaded.resources))
        well_formed = [r for r in loaded.resources if is_well_formed(r)]
        findings.extend(Engine(other_rules, version, options.default_namespace).run(well_formed, options.progress))
    findings.sort(key=Finding.sort_key)
    report = Report(kubernetes_version=version, findings=findings, resources=loaded.resources)
    report.missing_paths = loaded.missing
    summarize(report, loaded.files, loaded.skipped_documents)
    return report
