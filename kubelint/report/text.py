"""``--format text``: one ``file:line:col: severity rule-id message`` line per finding.

Editors and terminals jump to ``file:line:col``. Findings are grouped by file
(a blank line between files), then one summary line. Colours are added with
rich only when asked for (a terminal, and no ``--no-color``/``NO_COLOR``).
"""

from __future__ import annotations

from typing import Any

from kubelint.model import Finding, Report, Severity, Summary
from kubelint.report.common import message_with_source

_STYLES = {Severity.ERROR: "bold red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def summary_line(summary: Summary) -> str:
    details = [_plural(summary.files, "file")]
    if summary.skipped_documents:
        details.append(f"{_plural(summary.skipped_documents, 'non-Kubernetes document')} skipped")
    if summary.suppressed:
        details.append(f"{summary.suppressed} suppressed")
    if summary.baseline_absent is not None:
        details.append(f"{_plural(summary.baselined, 'finding')} in the baseline")
        if summary.baseline_absent == 1:
            details.append("1 baseline entry no longer occurs")
        elif summary.baseline_absent:
            details.append(f"{summary.baseline_absent} baseline entries no longer occur")
    scope = f"{_plural(summary.resources, 'resource')} ({', '.join(details)})"
    if not (summary.errors or summary.warnings or summary.infos):
        return f"No problems in {scope}."
    counts = (
        f"{_plural(summary.errors, 'error')}, {_plural(summary.warnings, 'warning')} "
        f"and {_plural(summary.infos, 'info')}"
    )
    return f"Found {counts} in {scope}."


def finding_line(finding: Finding) -> str:
    return (
        f"{finding.file}:{finding.line}:{finding.column}: "
        f"{finding.severity.label} {finding.rule} {message_with_source(finding)}"
    )


def _colored(lines: list[tuple[Finding | None, str]]) -> str:
    from rich.console import Console
    from rich.text import Text

    console = Console(force_terminal=True, color_system="standard", width=10_000, highlight=False)
    with console.capture() as capture:
        for finding, line in lines:
            if finding is None:
                console.print(Text(line, style="bold" if line.startswith(("Found", "No problems")) else ""))
                continue
            head = f"{finding.file}:{finding.line}:{finding.column}:"
            text = Text(head, style="bold")
            text.append(" ")
            text.append(finding.severity.label, style=_STYLES[finding.severity])
            text.append(" ")
            text.append(finding.rule, style="dim")
            text.append(line[len(head) + len(finding.severity.label) + len(finding.rule) + 2 :])
            console.print(text)
    return capture.get()


def render(report: Report, *, color: bool = False, quiet: bool = False, **_: Any) -> str:
    lines: list[tuple[Finding | None, str]] = []
    previous_file = None
    for finding in report.findings:
        if finding.suppressed is not None:
            continue
        if previous_file is not None and finding.file != previous_file:
            lines.append((None, ""))
        previous_file = finding.file
        lines.append((finding, finding_line(finding)))
    if not quiet:
        if lines:
            lines.append((None, ""))
        lines.append((None, summary_line(report.summary)))
    if color:
        return _colored(lines)
    return "".join(line + "\n" for _, line in lines)
