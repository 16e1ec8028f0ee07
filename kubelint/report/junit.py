"""``--format junit``: JUnit XML, for GitLab test reports and Jenkins.

One ``<testsuite>`` per file and one ``<testcase>`` per object in it, named
``Kind namespace/name``; an object passes when none of its findings reaches
``--fail-on``, so the test report agrees with the exit code. A failing
object has one ``<failure>`` listing all its findings (GitLab and Jenkins
show the first failure of a testcase only); findings below ``--fail-on`` are
listed in ``<system-out>``. Findings that belong to no object (YAML syntax,
unreadable files) make a testcase of their own. No times or timestamps:
the same input gives the same bytes.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from typing import Any

from kubelint.model import Finding, ObjectRef, Report, Severity
from kubelint.report.common import active_findings, message_with_source

FILE_CASE = "(file)"
"""The testcase of findings that belong to no object."""

# Characters XML 1.0 cannot carry, even escaped (control characters from a binary file).
_NOT_XML = re.compile("[^\x09\x0a\x0d\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _xml_text(text: str) -> str:
    return _NOT_XML.sub("\ufffd", text)


def _line(finding: Finding) -> str:
    return _xml_text(
        f"{finding.file}:{finding.line}:{finding.column}: {finding.severity.label} {finding.rule} "
        f"{message_with_source(finding)}"
    )


def _failure_message(failing: list[Finding]) -> str:
    if len(failing) == 1:
        return _xml_text(f"{failing[0].rule}: {failing[0].message}")
    rules = ", ".join(sorted({finding.rule for finding in failing}))
    return f"{len(failing)} findings: {rules}"


def _testcase(name: str, file: str, findings: list[Finding], threshold: Severity | None) -> ET.Element:
    case = ET.Element("testcase", {"name": _xml_text(name), "classname": _xml_text(file)})
    failing: list[Finding] = []
    passing: list[Finding] = []
    for finding in findings:
        (failing if threshold is not None and finding.severity >= threshold else passing).append(finding)
    if failing:
        worst = max(f.severity for f in failing)
        failure = ET.SubElement(case, "failure", {"type": worst.label, "message": _failure_message(failing)})
        failure.text = "\n".join(_line(f) for f in failing) + "\n"
    if passing:
        ET.SubElement(case, "system-out").text = "\n".join(_line(f) for f in passing) + "\n"
    return case


def _objects_by_file(report: Report, findings: list[Finding]) -> dict[str, dict[ObjectRef | None, list[Finding]]]:
    """file -> object (None: the file itself) -> its findings; every loaded object appears, in file order."""
    files: dict[str, dict[ObjectRef | None, list[Finding]]] = {}
    for resource in report.resources:
        files.setdefault(resource.file, {}).setdefault(resource.ref, [])
    for finding in findings:
        files.setdefault(finding.file, {}).setdefault(finding.resource, []).append(finding)
    return dict(sorted(files.items()))


def document(report: Report, fail_on: str = "error") -> ET.Element:
    threshold = None if fail_on == "never" else Severity.parse(fail_on)
    root = ET.Element("testsuites", {"name": "kubelint"})
    total = failures = 0
    for file, objects in _objects_by_file(report, active_findings(report)).items():
        suite = ET.SubElement(root, "testsuite", {"name": _xml_text(file)})
        cases = [
            _testcase(FILE_CASE if ref is None else str(ref), file, found, threshold)
            for ref, found in sorted(objects.items(), key=lambda item: item[0] is not None)
        ]
        suite.extend(cases)
        failed = sum(1 for case in cases if case.find("failure") is not None)
        suite.attrib.update({"tests": str(len(cases)), "failures": str(failed), "errors": "0"})
        total, failures = total + len(cases), failures + failed
    root.attrib.update({"tests": str(total), "failures": str(failures), "errors": "0"})
    return root


def render(report: Report, *, fail_on: str = "error", **_: Any) -> str:
    root = document(report, fail_on)
    ET.indent(root, "  ")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
