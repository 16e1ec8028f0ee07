"""``--format gitlab``: a GitLab Code Quality report (``artifacts:reports:codequality``).

A JSON array with one issue per finding that counts: ``description``,
``check_name`` (the rule id), ``fingerprint``, ``severity`` and
``location.path`` / ``location.lines.begin``. Errors (the API server or
kubectl would refuse the object) are ``critical``, warnings ``major``, infos
``info``. GitLab shows one issue per fingerprint and matches issues between
the merge request and its target branch by fingerprint, so fingerprints
leave the line out and are distinct within a report.
"""

from __future__ import annotations

import json
from typing import Any

from kubelint.model import Report, Severity
from kubelint.report.common import active_findings, fingerprints, message_with_source, relative_path

SEVERITIES = {Severity.ERROR: "critical", Severity.WARNING: "major", Severity.INFO: "info"}


def document(report: Report) -> list[dict[str, Any]]:
    findings = active_findings(report)
    return [
        {
            "description": message_with_source(finding),
            "check_name": finding.rule,
            "fingerprint": fingerprint,
            "severity": SEVERITIES[finding.severity],
            "location": {"path": relative_path(finding.file), "lines": {"begin": finding.line}},
        }
        for finding, fingerprint in zip(findings, fingerprints(findings))
    ]


def render(report: Report, **_: Any) -> str:
    return json.dumps(document(report), indent=2, ensure_ascii=False) + "\n"
