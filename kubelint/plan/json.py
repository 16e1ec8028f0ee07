"""``kubelint plan --format json``: the contract in docs/contracts/plan-output.schema.json.

Every collection describes the cluster after the plan, each item with its
``change``. Beyond the contract: ``base`` names what the plan compares with,
``cluster`` describes the whole profile, items list their ``simulated``
fields, ``simulated`` at the top says what the plan simulates, and
``serviceEnvironment`` holds the variables new pods get, once per namespace
rather than once per pod. Each of ``changes`` carries terraform's
``actions`` (a replacement is ``["delete", "create"]``); updates and
replacements list ``changedFields`` and ``fieldChanges`` (path, before,
after, and whether it forces the replacement; ``before`` or ``after`` is
left out for a field added or removed), and a workload that rolls out its
``rollout`` (strategy, steps, minReady, maxPods, notes).
"""

from __future__ import annotations

import json
from fractions import Fraction
from typing import Any

from kubelint import __version__
from kubelint.plan import PlanReport
from kubelint.plan.diff import ABSENT, Entry, FieldChange
from kubelint.plan.layout import Layout
from kubelint.quantity import format_bytes, format_cpu
from kubelint.reconcile.allocators import address
from kubelint.reconcile.profile import ClusterProfile

SIMULATED = {
    "description": "values a real cluster chooses when the manifests are applied; kubelint derives them "
    "deterministically from the input, in the same shape",
    "fields": {
        "changes": ["name (generated suffixes, pod-template hashes)"],
        "pods": ["name", "node", "ip"],
        "services": ["clusterIP (when not requested)", "ports[].nodePort (when not requested)", "loadBalancer"],
        "endpoints": ["addresses[].ip", "addresses[].node"],
        "dnsRecords": ["name and value where they carry a simulated address"],
    },
}


def _quantity(name: str, value: Fraction) -> str:
    """Quantities as people write them: ``4``, ``16Gi``, ``110``."""
    if name == "cpu":
        return format_cpu(value)
    if name == "pods" or value.denominator != 1:
        return str(value)
    return format_bytes(value)


def _cluster(profile: ClusterProfile) -> dict[str, Any]:
    version = profile.service_cidr.version
    low, high = profile.node_port_range
    return {
        "name": profile.name,
        "source": profile.source,
        "nodes": [
            {
                "name": node.name,
                "address": str(node.address),
                "podCIDR": str(node.pod_cidr),
                "labels": dict(sorted(node.labels.items())),
                "taints": [{"key": t.key, "value": t.value, "effect": t.effect} for t in node.taints],
                "allocatable": {name: _quantity(name, value) for name, value in sorted(node.allocatable.items())},
            }
            for node in profile.nodes
        ],
        "serviceCIDR": str(profile.service_cidr),
        "podCIDR": str(profile.pod_cidr),
        "clusterDomain": profile.cluster_domain,
        "dnsServiceIP": str(profile.dns_service_ip),
        "nodePortRange": f"{low}-{high}",
        "loadBalancerPool": [f"{address(a, version)}-{address(b, version)}" for a, b in profile.load_balancer_pool],
        "now": profile.now.isoformat() if profile.now else None,
    }


ACTIONS = {
    "create": ["create"],
    "update": ["update"],
    "replace": ["delete", "create"],
    "delete": ["delete"],
    "none": ["no-op"],
}
"""terraform's resource_changes[].change.actions."""


def _field(change: FieldChange) -> dict[str, Any]:
    out: dict[str, Any] = {"path": change.dotted}
    if change.before is not ABSENT:
        out["before"] = change.before
    if change.after is not ABSENT:
        out["after"] = change.after
    out["forcesReplacement"] = change.forces_replacement
    return out


def _item(entry: Entry, drop: tuple[str, ...] = ()) -> dict[str, Any]:
    out = {"change": entry.change}
    out.update((key, value) for key, value in entry.item.items() if key not in drop)
    if entry.fields:
        out["changedFields"] = list(entry.changed)
        out["fieldChanges"] = [_field(change) for change in entry.fields]
    if entry.reason:
        out["changeReason"] = entry.reason
    return out


def _change(entry: Entry, layout: Layout) -> dict[str, Any]:
    item = {"actions": ACTIONS[entry.change]} | _item(entry, drop=("content",))
    item.pop("changeReason", None)  # the contract's "reason" says it for the objects
    item["reason"] = entry.reason
    record = layout.world_of(entry).get(entry.item["kind"], entry.item["namespace"], entry.item["name"])
    if record is not None and record.note:
        item["note"] = record.note
    rollout = layout.rollout(entry)
    if rollout is not None:
        item["rollout"] = rollout.to_json()
    return item


def document(report: PlanReport) -> dict[str, Any]:
    plan = report.plan
    layout = Layout(plan)
    return {
        "tool": {"name": "kubelint", "version": __version__},
        "base": report.base,
        "kubernetesVersion": report.kubernetes_version,
        "cluster": _cluster(report.profile),
        "summary": plan.summary(),
        "changes": [_change(entry, layout) for entry in plan.objects],
        "pods": [_item(entry) for entry in plan.pods],
        "services": [_item(entry) for entry in plan.services],
        "endpoints": [_item(entry) for entry in plan.endpoints],
        "dnsRecords": [_item(entry) for entry in plan.dns],
        "routes": [_item(entry) for entry in plan.routes],
        "serviceEnvironment": [
            {"namespace": namespace, "pods": workloads, "variables": dict(variables)}
            for namespace, workloads, variables in layout.environments()
        ],
        "simulated": SIMULATED,
        "findings": [finding.to_json() for finding in report.findings if finding.suppressed is None],
    }


def render(report: PlanReport, **_: Any) -> str:
    return json.dumps(document(report), indent=2, ensure_ascii=False) + "\n"
