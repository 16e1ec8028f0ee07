"""Reading what the tools printed, judging the targets, and the readable table.

Kept apart from the measuring (run.py) so a test can feed it small, known
outputs: a change in a tool's summary line must break a test, not silently
turn a benchmark's counts into zeros.
"""

from __future__ import annotations

import json
import re
from typing import Any

KUBECONFORM_SERIAL = "kubeconform -n 1"
"""The reference every ratio is taken against (issue 9)."""

_KUBECONFORM_SUMMARY = re.compile(
    r"Summary: (?P<resources>\d+) resources? found in (?P<files>\d+) files? - Valid: (?P<valid>\d+), "
    r"Invalid: (?P<invalid>\d+), Errors: (?P<errors>\d+), Skipped: (?P<skipped>\d+)"
)
_PLAN_SUMMARY = re.compile(r"Plan: (?P<create>\d+) to create, (?P<change>\d+) to change, (?P<destroy>\d+) to destroy\.")


def kubelint_counts(output: str) -> dict[str, int]:
    """Resources and findings from ``kubelint check --format json``."""
    summary = json.loads(output)["summary"]
    return {
        "resources": summary["resources"],
        "files": summary["files"],
        "findings": summary["errors"] + summary["warnings"] + summary["infos"],
    }


def kubelint_plan_counts(output: str) -> dict[str, int]:
    """Objects to create from ``kubelint plan``'s text (0 when nothing changes)."""
    match = _PLAN_SUMMARY.search(output)
    return {"planned": int(match["create"]) if match else 0}


def kubeconform_counts(output: str) -> dict[str, int]:
    """Resources seen and invalid from kubeconform's ``-summary`` line."""
    match = _KUBECONFORM_SUMMARY.search(output)
    if match is None:
        raise ValueError(f"no kubeconform summary in its output: {output[-300:]!r}")
    return {
        "resources": int(match["resources"]),
        "files": int(match["files"]),
        "findings": int(match["invalid"]) + int(match["errors"]),
        "skipped": int(match["skipped"]),
    }


def kube_linter_counts(output: str) -> dict[str, int]:
    """Findings from ``kube-linter lint --format json``."""
    return {"findings": len(json.loads(output).get("Reports") or [])}


def kube_score_counts(output: str) -> dict[str, int]:
    """Findings from ``kube-score score --output-format ci``: one ``[WARNING]``/``[CRITICAL]`` line each."""
    return {"findings": sum(1 for line in output.splitlines() if line.startswith(("[WARNING]", "[CRITICAL]")))}


def per_resource(measured: dict[str, Any], resources: int) -> dict[str, float]:
    """CPU milliseconds per resource and resources per second of wall time."""
    return {
        "cpu_ms_per_resource": round(measured["cpu_seconds"] * 1000 / resources, 4) if resources else 0.0,
        "resources_per_second": round(resources / measured["wall_seconds"]) if measured["wall_seconds"] else 0,
    }


def ratio(numerator: float | None, denominator: float | None) -> float | None:
    if not numerator or not denominator:
        return None
    return round(numerator / denominator, 3)


def target(name: str, value: float | None, limit: float, unit: str = "") -> dict[str, Any]:
    """One issue-9 target: met when measured and at most ``limit``."""
    return {"target": name, "value": value, "limit": limit, "unit": unit, "met": value is not None and value <= limit}


def _fmt(value: Any, digits: int = 2) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:,.{digits}f}"
    return f"{value:,}"


def table(results: dict[str, Any]) -> str:
    """The results as a plain-text table (also pasted into the README)."""
    machine = results["machine"]
    lines = [
        f"machine: {machine['cores']} cores, Python {machine['python']}, {machine['platform']}; "
        f"medians of {results['settings']['runs']} run(s); CPU = user + system of the process and its workers",
        "",
    ]
    header = f"{'corpus':<14} {'tool':<30} {'CPU ms/res':>10} {'res/s':>8} {'wall s':>7} {'CPU s':>7} {'RSS MB':>7} {'vs kc -n 1':>10} {'spread':>6}"
    lines += [header, "-" * len(header)]
    for corpus, entry in results["corpora"].items():
        label = f"{corpus}"
        for tool, measured in entry["tools"].items():
            lines.append(
                f"{label:<14} {tool:<30} {_fmt(measured['cpu_ms_per_resource'], 3):>10} "
                f"{_fmt(measured['resources_per_second']):>8} {_fmt(measured['wall_seconds']):>7} "
                f"{_fmt(measured['cpu_seconds']):>7} {_fmt(measured['max_rss_mb'], 0):>7} "
                f"{_fmt(measured.get('ratio_to_kubeconform'), 2):>10} {measured['cpu_spread']:>6.0%}"
            )
            label = f"  ({entry['resources']:,} res)" if label == corpus else ""
    small = results.get("small_file")
    if small:
        lines += ["", "one small file, whole process (median wall time):"]
        lines += [f"  {tool:<30} {m['wall_seconds'] * 1000:>7.0f} ms" for tool, m in small.items()]
    load = results.get("load_4000_documents")
    if load:
        lines += ["", f"load {load['documents']:,} documents ({load['megabytes']} MB) with positions: {load['seconds']:.3f} s"]
    plan = results.get("plan")
    if plan:
        lines += ["", "kubelint plan in-process (best run; 1x = 1,000 Deployments, 1,000 Services, 200 Ingresses):"]
        for scale, entry in plan.items():
            lines.append(f"  {scale}: {entry['planned']:,} objects planned, plan+text {entry['total']:.2f} s")
    lines += ["", "targets (issue 9):"]
    for entry in results["targets"]:
        verdict = "met" if entry["met"] else "NOT MET"
        lines.append(f"  {entry['target']:<62} {_fmt(entry['value'], 3):>8}{entry['unit']} (limit {entry['limit']}{entry['unit']}) {verdict}")
    return "\n".join(lines) + "\n"
