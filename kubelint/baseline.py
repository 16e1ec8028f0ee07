"""Baselines: adopt kubelint on a repository with findings, and fail only on new ones.

``--write-baseline FILE`` records the findings of today's run; ``--baseline
FILE`` leaves out the findings the file lists and counts the entries that no
longer occur (fixed, or their object removed). A finding is recorded by
:meth:`kubelint.model.Finding.key` (rule, file, object, field path) and not
by line, so editing a file above an old finding does not make it new. The
file is sorted JSON with a format version, so it diffs well in review.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from typing import Any, Iterable

from kubelint.model import BASELINED, Finding, Report
from kubelint.report.common import relative_path

FORMAT = "kubelint-baseline"
FORMAT_VERSION = 1
_FIELDS = ("file", "rule", "kind", "namespace", "name", "path")

Key = tuple[Any, ...]


class BaselineError(ValueError):
    """A baseline file that cannot be used: the message says why and what to do."""


def _key(finding: Finding) -> Key:
    """The finding's key in _FIELDS order, its file named as CI names it."""
    rule, file, kind, namespace, name, path = finding.key()
    return (relative_path(file), rule, kind, namespace, name, path)


@dataclass(frozen=True, slots=True)
class Baseline:
    """How many findings of each key the baseline accepts."""

    counts: Counter[Key]

    @classmethod
    def of(cls, findings: Iterable[Finding]) -> "Baseline":
        return cls(Counter(_key(finding) for finding in findings))

    @classmethod
    def of_report(cls, report: Report) -> "Baseline":
        """Every finding that counts today, including those an older baseline left out."""
        return cls.of(f for f in report.findings if f.suppressed is None or f.suppressed == BASELINED)

    def to_text(self) -> str:
        entries = []
        for key, count in sorted(self.counts.items(), key=lambda item: tuple(part or "" for part in item[0])):
            entry = dict(zip(_FIELDS, key))
            if count > 1:
                entry["count"] = count
            entries.append(entry)
        document = {"format": FORMAT, "version": FORMAT_VERSION, "findings": entries}
        return json.dumps(document, indent=2, ensure_ascii=False) + "\n"

    @classmethod
    def parse(cls, text: str) -> "Baseline":
        try:
            document = json.loads(text)
        except ValueError as error:
            raise BaselineError(f"not JSON ({error})") from None
        if not isinstance(document, dict) or document.get("format") != FORMAT:
            raise BaselineError(f'not a kubelint baseline (no "format": "{FORMAT}")')
        if document.get("version") != FORMAT_VERSION:
            raise BaselineError(
                f"baseline version {document.get('version')!r} is not {FORMAT_VERSION}; write it again with --write-baseline"
            )
        entries = document.get("findings")
        if not isinstance(entries, list):
            raise BaselineError('"findings" must be a list')
        counts: Counter[Key] = Counter()
        for number, entry in enumerate(entries):
            if not isinstance(entry, dict) or not isinstance(entry.get("rule"), str) or not isinstance(entry.get("file"), str):
                raise BaselineError(f"entry {number} needs a rule and a file")
            count = entry.get("count", 1)
            if not isinstance(count, int) or isinstance(count, bool) or count < 1:
                raise BaselineError(f"entry {number}: count must be a positive integer")
            counts[tuple(entry.get(field) for field in _FIELDS)] += count
        return cls(counts)


def read_baseline(path: str) -> Baseline:
    try:
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
    except FileNotFoundError:
        raise BaselineError("no such file; create it with --write-baseline") from None
    except (OSError, UnicodeDecodeError) as error:
        raise BaselineError(f"cannot read it: {getattr(error, 'strerror', None) or error}") from None
    return Baseline.parse(text)


def apply_baseline(report: Report, baseline: Baseline) -> None:
    """Mark the findings the baseline lists as BASELINED and recount the summary.

    Each entry accepts as many findings as it counts; the entries left over
    no longer occur and are counted in ``summary.baseline_absent``.
    """
    from kubelint.pipeline import summarize

    remaining = Counter(baseline.counts)
    for finding in report.findings:
        if finding.suppressed is not None:
            continue
        key = _key(finding)
        if remaining[key] > 0:
            remaining[key] -= 1
            finding.suppressed = BASELINED
    summarize(report, report.summary.files, report.summary.skipped_documents)
    report.summary.baseline_absent = sum(remaining.values())
