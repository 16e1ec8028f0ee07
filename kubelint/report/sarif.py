"""``--format sarif``: SARIF 2.1.0, for GitHub code scanning and other SARIF viewers.

One run whose driver lists the rules behind the findings with their
documentation from the rule files (title, description, rationale and
remediation, a link to docs/rules.md, the default level), and one result per
finding that counts, at its file, line and column. Paths are relative to the
repository root (``%SRCROOT%``), as GitHub needs them to place annotations;
``partialFingerprints`` hash rule, file, object and field path, so an alert
survives lines moving above it.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, Sequence
from urllib.parse import quote

from kubelint import __version__
from kubelint.loader.discover import STDIN
from kubelint.model import Finding, Report, Severity
from kubelint.report.common import (
    HOMEPAGE,
    active_findings,
    fingerprints,
    message_with_source,
    relative_path,
    rule_help_uri,
    rules_of,
)
from kubelint.rulebook import Rule

SCHEMA_URI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
FINGERPRINT_KEY = "kubelint/v1"


def _rule_name(rule_id: str) -> str:
    """SARIF's reader-facing name: ``selector-mismatch`` -> ``SelectorMismatch``."""
    return "".join(part.capitalize() for part in rule_id.split("-"))


def _help_markdown(rule: Rule) -> str:
    examples = rule.doc.get("examples") or {}
    parts = [rule.doc["rationale"].strip(), "**How to fix:** " + rule.doc["remediation"].strip()]
    if examples.get("bad") and examples.get("good"):
        parts.append("Example:\n\n```yaml\n" + examples["bad"].rstrip() + "\n```")
        parts.append("Use instead:\n\n```yaml\n" + examples["good"].rstrip() + "\n```")
    parts.append(f"[Documentation]({rule_help_uri(rule.id)})")
    return "\n\n".join(parts)


def rule_descriptor(rule_id: str, rule: Rule | None) -> dict[str, Any]:
    """A ``reportingDescriptor`` from the rule file (just the id for a rule kubelint cannot find)."""
    descriptor: dict[str, Any] = {"id": rule_id, "name": _rule_name(rule_id)}
    if rule is None:
        return descriptor
    descriptor.update(
        {
            "shortDescription": {"text": rule.title},
            "fullDescription": {"text": rule.doc["description"].strip()},
            "help": {
                "text": f"{rule.doc['rationale'].strip()}\n\nHow to fix: {rule.doc['remediation'].strip()}",
                "markdown": _help_markdown(rule),
            },
            "helpUri": rule_help_uri(rule_id),
            "defaultConfiguration": {"level": LEVELS[rule.severity]},
            "properties": {"tags": [rule.category]},
        }
    )
    return descriptor


def artifact_location(file: str) -> dict[str, str]:
    """Where a file is: relative to ``%SRCROOT%`` when it can be, else an absolute ``file:`` URI."""
    path = relative_path(file)
    if path == STDIN:
        return {"uri": STDIN}
    if os.path.isabs(path):
        return {"uri": Path(path).as_uri()}
    return {"uri": quote(path), "uriBaseId": "%SRCROOT%"}


def _result(finding: Finding, rule_index: int, fingerprint: str, with_baseline: bool) -> dict[str, Any]:
    location: dict[str, Any] = {
        "physicalLocation": {
            "artifactLocation": artifact_location(finding.file),
            "region": {"startLine": finding.line, "startColumn": finding.column},
        }
    }
    if finding.resource is not None:
        logical = {"name": str(finding.resource), "kind": "object"}
        if finding.path:
            logical["fullyQualifiedName"] = f"{finding.resource}: {finding.path}"
        location["logicalLocations"] = [logical]
    result: dict[str, Any] = {
        "ruleId": finding.rule,
        "ruleIndex": rule_index,
        "level": LEVELS[finding.severity],
        "message": {"text": message_with_source(finding)},
        "locations": [location],
        "partialFingerprints": {FINGERPRINT_KEY: fingerprint},
    }
    if with_baseline:
        result["baselineState"] = "new"
    return result


def document(report: Report, rules_dirs: Sequence[str] = ()) -> dict[str, Any]:
    findings = active_findings(report)
    rules = rules_of(findings, rules_dirs)
    rule_ids = sorted({finding.rule for finding in findings})
    index = {rule_id: number for number, rule_id in enumerate(rule_ids)}
    with_baseline = report.summary.baseline_absent is not None
    results = [
        _result(finding, index[finding.rule], fingerprint, with_baseline)
        for finding, fingerprint in zip(findings, fingerprints(findings))
    ]
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": "kubelint",
                "version": __version__,
                "semanticVersion": __version__,
                "informationUri": HOMEPAGE,
                "rules": [rule_descriptor(rule_id, rules.get(rule_id)) for rule_id in rule_ids],
            }
        },
        "columnKind": "unicodeCodePoints",
        "results": results,
        "properties": {
            "kubernetesVersion": report.kubernetes_version,
            "summary": report.summary.to_json(),
        },
    }
    return {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}


def render(report: Report, *, rules_dirs: Sequence[str] = (), **_: Any) -> str:
    return json.dumps(document(report, rules_dirs), indent=2, ensure_ascii=False) + "\n"
