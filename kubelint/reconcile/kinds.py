"""Which apiVersions of the kinds the reconciler simulates a Kubernetes version serves.

An object in a version the cluster no longer serves (an ``extensions/v1beta1``
Ingress on 1.22 and later) is refused by ``kubectl apply`` ("no matches for
kind"), so the plan does not create it. Kinds the reconciler does not
simulate are created as given.
"""

from __future__ import annotations

# kind -> apiVersion -> (first minor serving it, first minor no longer serving it or None)
SERVED: dict[str, dict[str, tuple[int, int | None]]] = {
    "Deployment": {"apps/v1": (9, None), "apps/v1beta2": (8, 16), "apps/v1beta1": (6, 16), "extensions/v1beta1": (2, 16)},
    "ReplicaSet": {"apps/v1": (9, None), "apps/v1beta2": (8, 16), "extensions/v1beta1": (2, 16)},
    "DaemonSet": {"apps/v1": (9, None), "apps/v1beta2": (8, 16), "extensions/v1beta1": (2, 16)},
    "StatefulSet": {"apps/v1": (9, None), "apps/v1beta2": (8, 16), "apps/v1beta1": (5, 16)},
    "Job": {"batch/v1": (2, None)},
    "CronJob": {"batch/v1": (21, None), "batch/v1beta1": (8, 25)},
    "Ingress": {"networking.k8s.io/v1": (19, None), "networking.k8s.io/v1beta1": (14, 22), "extensions/v1beta1": (2, 22)},
    "IngressClass": {"networking.k8s.io/v1": (19, None), "networking.k8s.io/v1beta1": (18, 22)},
    "PriorityClass": {"scheduling.k8s.io/v1": (14, None), "scheduling.k8s.io/v1beta1": (11, 22)},
    "Pod": {"v1": (0, None)},
    "Service": {"v1": (0, None)},
    "Endpoints": {"v1": (0, None)},
    "Namespace": {"v1": (0, None)},
}

LEGACY_SELECTOR_DEFAULT = frozenset({"extensions/v1beta1", "apps/v1beta1"})
"""Versions whose workloads default a missing selector to the template's labels."""


def minor(version: str) -> int:
    """``1.30`` -> 30 (the plan's version is validated by the CLI)."""
    parts = version.lstrip("v").split(".")
    return int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else 0


def unserved(kind: str, api_version: str, kubernetes_version: str) -> str | None:
    """Why the cluster refuses this kind in this apiVersion, or None when it serves it."""
    versions = SERVED.get(kind)
    if versions is None or api_version not in versions:
        return None if versions is None else f"{api_version} does not serve {kind}"
    first, removed = versions[api_version]
    at = minor(kubernetes_version)
    current = next(v for v, (_, gone) in versions.items() if gone is None)
    if removed is not None and at >= removed:
        return f"{api_version} {kind} is not served since Kubernetes 1.{removed}; use {current}"
    if at < first:
        return f"{api_version} {kind} is served from Kubernetes 1.{first} on"
    return None
