"""What several output formats need alike: repository-relative paths, messages
that name the Helm template, findings grouped by file, fingerprints that
survive line moves, and the rule files behind the findings.
"""

from __future__ import annotations

import hashlib
import os
from collections import Counter
from itertools import groupby
from typing import TYPE_CHECKING, Iterable, Sequence

from kubelint.loader.discover import STDIN
from kubelint.model import Finding, Report

if TYPE_CHECKING:  # pragma: no cover - typing only
    from kubelint.rulebook import Rule

HOMEPAGE = "https://github.com/kubelint/kubelint"
RULES_DOC = f"{HOMEPAGE}/blob/main/docs/rules.md"


def rule_help_uri(rule_id: str) -> str:
    """The rule's section of docs/rules.md (headings are the rule ids)."""
    return f"{RULES_DOC}#{rule_id}"


def relative_path(file: str) -> str:
    """``file`` relative to the working directory, as CI systems name files.

    kubelint names files as they were given; an absolute path inside the
    working directory (a CI workspace) becomes relative, anything else stays
    as it is (standard input stays ``-``).
    """
    if file == STDIN or not os.path.isabs(file):
        return file
    relative = os.path.relpath(file)
    return file if relative.startswith("..") else relative.replace(os.sep, "/")


def message_with_source(finding: Finding) -> str:
    """The message, naming the Helm template of findings in ``helm template`` output."""
    return f"{finding.message} (from {finding.source})" if finding.source else finding.message


def active_findings(report: Report) -> list[Finding]:
    """The findings that count, in the report's order (file, line, column)."""
    return [finding for finding in report.findings if finding.suppressed is None]


def by_file(findings: Iterable[Finding]) -> list[tuple[str, list[Finding]]]:
    """Findings (already sorted by file) as ``(file, findings)`` groups."""
    return [(file, list(group)) for file, group in groupby(findings, key=lambda finding: finding.file)]


def fingerprints(findings: Sequence[Finding]) -> list[str]:
    """A fingerprint per finding that stays the same when lines move.

    It hashes :meth:`Finding.key` (rule, file, object, field path) and, for
    findings that share a key (two YAML errors in one file), their order
    among those, so every fingerprint of a run is distinct.
    """
    seen: Counter[tuple[str | None, ...]] = Counter()
    out = []
    for finding in findings:
        rule, file, kind, namespace, name, path = finding.key()
        key = (rule, relative_path(file), kind, namespace, name, path)
        seen[key] += 1
        text = "\0".join(part or "" for part in key) + f"\0{seen[key]}"
        out.append(hashlib.sha256(text.encode("utf-8")).hexdigest()[:32])
    return out


def rules_of(findings: Iterable[Finding], rules_dirs: Sequence[str] = ()) -> dict[str, "Rule"]:
    """The rule files behind ``findings``, by id, sorted (user rule folders included)."""
    from kubelint.rulebook import load_rules

    used = {finding.rule for finding in findings}
    if not used:
        return {}
    return {rule_id: rule for rule_id, rule in load_rules(rules_dirs).items() if rule_id in used}
