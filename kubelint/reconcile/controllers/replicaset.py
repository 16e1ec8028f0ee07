"""ReplicaSet controller: keep ``replicas`` pods, adopting matching orphans first (pkg/controller/replicaset).

Pods that match the selector and have no controller (bare Pods) are adopted
before any pod is created, so a ReplicaSet over three existing bare pods with
``replicas: 3`` creates none; one with fewer replicas than pods deletes the
extra adopted pods. New pods are named ``<replicaset>-<5 characters>``.
"""

from __future__ import annotations

from typing import Iterator

from kubelint.reconcile.controllers.pods import TakenNames, new_pod, owned_pods, workload_of
from kubelint.reconcile.loop import Patch, Put, Write
from kubelint.reconcile.names import generate_name
from kubelint.reconcile.world import ApiObject, Pod, World


def orphans(world: World, replicaset: ApiObject) -> list[Pod]:
    """Bare pods the selector matches: what the ReplicaSet adopts."""
    namespace = replicaset.namespace or "default"
    found = (world.pods[(namespace, name)] for name in world.pod_index.select(namespace, replicaset.spec["selector"]))
    return [pod for pod in found if pod.owner is None and pod.deleted_by is None and pod.phase in ("Pending", "Running")]


def sync(world: World) -> Iterator[Write]:
    for replicaset in world.objects_of("ReplicaSet"):
        spec = replicaset.spec
        wanted = spec["replicas"]
        owned = owned_pods(world, replicaset, spec["selector"])
        adopted = orphans(world, replicaset)
        workload = workload_of(replicaset)
        keep = max(0, wanted - len(owned))
        for pod in adopted[:keep]:
            yield Patch(pod, {"owner": replicaset.ref, "workload": workload})
        for pod in adopted[keep:]:
            yield Patch(pod, {"owner": replicaset.ref, "workload": workload, "deleted_by": replicaset.ref})
        missing = wanted - len(owned) - len(adopted[:keep])
        if missing <= 0:
            continue
        namespace = replicaset.namespace or "default"
        taken = TakenNames(world, namespace)
        template = spec["template"]
        for number in range(len(owned) + len(adopted[:keep]), len(owned) + len(adopted[:keep]) + missing):
            name = taken.take(generate_name(f"{replicaset.name}-", taken, "ReplicaSet", replicaset.name, str(number)))
            yield Put(new_pod(world, replicaset, name, template["metadata"].get("labels") or {}, template["spec"]))
