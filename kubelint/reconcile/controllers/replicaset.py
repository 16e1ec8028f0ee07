"""ReplicaSet controller: keep ``replicas`` pods, adopting matching orphans first (pkg/controller/replicaset).

Pods that match the selector and have no controller (bare Pods) are adopted
before any pod is created, so a ReplicaSet over three existing bare pods with
``replicas: 3`` creates none; one with fewer replicas than pods deletes the
extra adopted pods. New pods are named ``<replicaset>-<5 characters>``.

Against a base, the pods the ReplicaSet already runs are kept (their names,
nodes and addresses); scaled down, it deletes the ones getPodsToDelete ranks
first: unscheduled before scheduled, then those sharing a node with more of
their siblings. (The real ranking goes on with readiness time, restarts and
age, which are equal here, then picks at random; kubelint takes names in
order.)
"""

from __future__ import annotations

from collections import Counter
from typing import Iterator

from kubelint.reconcile.controllers.pods import TakenNames, has_orphans, new_pod, owned_counts, workload_of
from kubelint.reconcile.loop import Patch, Put, Write
from kubelint.reconcile.names import generate_name
from kubelint.reconcile.world import ApiObject, Pod, World


def orphans(world: World, replicaset: ApiObject) -> list[Pod]:
    """Bare pods the selector matches: what the ReplicaSet adopts."""
    namespace = replicaset.namespace or "default"
    found = (world.pods[(namespace, name)] for name in world.pod_index.select(namespace, replicaset.spec["selector"]))
    return [pod for pod in found if pod.owner is None and pod.deleted_by is None and pod.phase in ("Pending", "Running")]


def survivors(world: World, replicaset: ApiObject, wanted: int) -> list[str]:
    """The base's pods of ``replicaset`` that stay when it runs ``wanted`` pods, by name."""
    namespace = replicaset.namespace or "default"
    names = world.pins.owned(namespace, replicaset.ref)
    if len(names) <= wanted:
        return names
    pins = world.pins.pods
    on_node = Counter(pins[(namespace, name)].node for name in names)
    doomed_first = sorted(
        names, key=lambda n: (pins[(namespace, n)].node is not None, -on_node[pins[(namespace, n)].node], n)
    )
    return sorted(doomed_first[len(names) - wanted :])


def sync(world: World) -> Iterator[Write]:
    counts = owned_counts(world)
    for replicaset in world.objects_of("ReplicaSet"):
        spec = replicaset.spec
        namespace = replicaset.namespace or "default"
        wanted = spec["replicas"]
        owned = counts[(namespace, replicaset.ref)]
        adopted = orphans(world, replicaset) if has_orphans(world, namespace) else []
        if owned >= wanted and not adopted:
            continue
        workload = workload_of(replicaset)
        keep = max(0, wanted - owned)
        for pod in adopted[:keep]:
            yield Patch(pod, {"owner": replicaset.ref, "workload": workload})
        for pod in adopted[keep:]:
            yield Patch(pod, {"owner": replicaset.ref, "workload": workload, "deleted_by": replicaset.ref})
        have = owned + len(adopted[:keep])
        if have >= wanted:
            continue
        taken = TakenNames(world, namespace)
        template = spec["template"]
        kept = [name for name in survivors(world, replicaset, wanted) if name not in taken]
        for number in range(have, wanted):
            name = (
                kept.pop(0)
                if kept
                else generate_name(f"{replicaset.name}-", taken, "ReplicaSet", replicaset.name, str(number))
            )
            yield Put(
                new_pod(world, replicaset, taken.take(name), template["metadata"].get("labels") or {}, template["spec"])
            )
