"""``--format github``: GitHub Actions workflow commands, so findings show as
annotations on the pull request's files.

``::error file=deploy/app.yaml,line=12,col=9,title=image-latest::message``:
errors as ``::error``, warnings as ``::warning``, infos as ``::notice``.
Values are escaped as the runner reads them (``%``, CR and LF everywhere;
``:`` and ``,`` also in properties). A finding on standard input has no file
GitHub could place it in: its message says where it is instead. The summary
line follows as plain log text.
"""

from __future__ import annotations

from typing import Any

from kubelint.loader.discover import STDIN
from kubelint.model import Finding, Report, Severity
from kubelint.report.common import active_findings, message_with_source, relative_path
from kubelint.report.text import summary_line

COMMANDS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def escape_data(text: str) -> str:
    """A command's message: the runner decodes ``%25``, ``%0D`` and ``%0A``."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """A property value, where ``:`` and ``,`` would end the value."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def command(finding: Finding) -> str:
    file = relative_path(finding.file)
    message = message_with_source(finding)
    if file == STDIN:
        properties = [f"title={escape_property(finding.rule)}"]
        message = f"standard input, line {finding.line}, column {finding.column}: {message}"
    else:
        properties = [
            f"file={escape_property(file)}",
            f"line={finding.line}",
            f"col={finding.column}",
            f"title={escape_property(finding.rule)}",
        ]
    return f"::{COMMANDS[finding.severity]} {','.join(properties)}::{escape_data(message)}"


def render(report: Report, *, quiet: bool = False, **_: Any) -> str:
    lines = [command(finding) for finding in active_findings(report)]
    if not quiet:
        lines.append(summary_line(report.summary))
    return "".join(line + "\n" for line in lines)
