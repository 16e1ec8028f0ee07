"""``--format markdown``: the findings as a pull-request comment.

The summary line first, then one table per file (severity, line:column,
rule linked to its documentation, object, message). Short reports show the
tables in the open; past ``COLLAPSE_AFTER`` findings each file's table folds
into a ``<details>`` block whose summary gives the file's counts, so the
comment stays readable. Past ``MAX_ROWS`` findings the rest are counted, not
listed: GitHub refuses comments over 65,536 characters.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from kubelint.model import Finding, Report, Severity
from kubelint.report.common import active_findings, by_file, message_with_source, rule_help_uri
from kubelint.report.text import summary_line

COLLAPSE_AFTER = 20
MAX_ROWS = 300
ICONS = {Severity.ERROR: ":x:", Severity.WARNING: ":warning:", Severity.INFO: ":information_source:"}
HEADER = ("", "line", "rule", "object", "message")


def cell(text: str) -> str:
    """Text safe in a table cell: no pipes, line breaks or HTML tags."""
    return text.replace("|", "\\|").replace("\r", " ").replace("\n", " ").replace("<", "&lt;")


def table(header: tuple[str, ...], rows: list[tuple[str, ...]]) -> list[str]:
    return ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)] + ["| " + " | ".join(row) + " |" for row in rows]


def _row(finding: Finding) -> tuple[str, ...]:
    return (
        ICONS[finding.severity],
        f"{finding.line}:{finding.column}",
        f"[`{finding.rule}`]({rule_help_uri(finding.rule)})",
        cell(str(finding.resource)) if finding.resource else "",
        cell(message_with_source(finding)),
    )


def _counts(findings: list[Finding]) -> str:
    counts = Counter(finding.severity for finding in findings)
    return ", ".join(
        f"{counts[severity]} {severity.label}{'' if counts[severity] == 1 else 's'}"
        for severity in sorted(counts, reverse=True)
    )


def render(report: Report, **_: Any) -> str:
    findings = active_findings(report)
    icon = ":white_check_mark:" if not findings else ICONS[max(f.severity for f in findings)]
    lines = ["### kubelint", "", f"{icon} **{cell(summary_line(report.summary))}**", ""]
    collapse = len(findings) > COLLAPSE_AFTER
    shown = 0
    for file, found in by_file(findings):
        if shown >= MAX_ROWS:
            break
        rows = [_row(finding) for finding in found[: MAX_ROWS - shown]]
        shown += len(rows)
        title = f"<code>{cell(file)}</code> ({_counts(found)})"
        if collapse:
            lines += [f"<details><summary>{title}</summary>", "", *table(HEADER, rows), "", "</details>", ""]
        else:
            lines += [f"#### {title}", "", *table(HEADER, rows), ""]
    if shown < len(findings):
        lines += [f"… and {len(findings) - shown} more findings: run kubelint locally or read the CI job's report.", ""]
    return "\n".join(lines)
