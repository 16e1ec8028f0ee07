"""Making pods from a template, the way every workload controller does.

ReplicaSets, StatefulSets, DaemonSets and Jobs all stamp pods out of a pod
template; what differs is how many, their names and a few labels. The pods
share their template's (defaulted, read-only) spec and the scheduler's
reading of it.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
from typing import Any, Collection, Iterable, Mapping

from kubelint.model import FieldPath
from kubelint.reconcile.apiserver import priority_classes
from kubelint.reconcile.names import template_hash
from kubelint.reconcile.podspec import requirements
from kubelint.reconcile.world import ApiObject, Pod, PodRequirements, World

TEMPLATE_SPEC: FieldPath = ("spec", "template", "spec")


def scheduling_needs(world: World, spec: Mapping[str, Any], extra_tolerations: Iterable[Mapping[str, Any]] = ()) -> PodRequirements:
    """The scheduler's reading of a template, computed once per template."""
    extra = tuple(extra_tolerations)
    key = ("requirements", id(spec), tuple(sorted(str(t) for t in extra)))
    found = world.memo.get(key)
    if found is None:
        if "priority-classes" not in world.memo:
            world.memo["priority-classes"] = priority_classes(world)
        classes, default = world.memo["priority-classes"]
        found = requirements(spec, classes, default)
        if extra:
            found = replace(found, tolerations=found.tolerations + extra)
        world.memo[key] = (spec, found)  # keep spec alive so its id stays unique
        return found
    return found[1]


def workload_of(controller: ApiObject) -> str:
    """The top-level owner: a Deployment for its ReplicaSets, else the controller itself."""
    return controller.owner or controller.ref


def new_pod(
    world: World,
    controller: ApiObject,
    name: str,
    labels: dict[str, str],
    spec: dict[str, Any],
    spec_path: FieldPath = TEMPLATE_SPEC,
    *,
    name_simulated: bool = True,
    hostname: str | None = None,
    subdomain: str | None = None,
    pin_to_node: str | None = None,
    extra_tolerations: Iterable[Mapping[str, Any]] = (),
) -> Pod:
    """A pod of ``controller``; ``pin_to_node`` is a DaemonSet's node affinity to one node."""
    needs = scheduling_needs(world, spec, extra_tolerations)
    if pin_to_node is not None:
        term = {"matchFields": [{"key": "metadata.name", "operator": "In", "values": [pin_to_node]}]}
        needs = replace(needs, required_terms=(term,))
    return Pod(
        namespace=controller.namespace or "default",
        name=name,
        labels=labels,
        spec=spec,
        requirements=needs,
        source=controller.source,
        spec_path=spec_path,
        created_round=world.rounds,
        owner=controller.ref,
        workload=workload_of(controller),
        name_simulated=name_simulated,
        hostname=hostname if hostname is not None else spec.get("hostname"),
        subdomain=subdomain if subdomain is not None else spec.get("subdomain"),
        node_name=spec.get("nodeName"),
        target_node=pin_to_node,
    )


def owned_counts(world: World) -> dict[tuple[str, str], int]:
    """(namespace, ``Kind/name`` of the controller) -> how many live pods it owns, once a round."""
    key = ("owned-counts", world.rounds)
    counts = world.memo.get(key)
    if counts is None:
        counts = defaultdict(int)
        for pod in world.pods.values():
            if pod.owner is not None and pod.deleted_by is None:
                counts[(pod.namespace, pod.owner)] += 1
        world.memo[key] = counts
    return counts


def has_orphans(world: World, namespace: str) -> bool:
    """Whether some bare pod of the namespace could still be adopted (checked once a round)."""
    key = ("orphan-namespaces", world.rounds)
    namespaces = world.memo.get(key)
    if namespaces is None:
        namespaces = world.memo[key] = {
            pod.namespace for pod in world.pods.values() if pod.owner is None and pod.deleted_by is None
        }
    return namespace in namespaces


def owned_pods(world: World, controller: ApiObject, selector: Mapping[str, Any]) -> list[Pod]:
    """The live pods ``controller`` owns, by name."""
    namespace = controller.namespace or "default"
    pods = (world.pods[(namespace, name)] for name in world.pod_index.select(namespace, selector))
    return [pod for pod in pods if pod.owner == controller.ref and pod.deleted_by is None]


class TakenNames:
    """Pod names in use in a namespace, counting those a controller creates this round."""

    def __init__(self, world: World, namespace: str) -> None:
        self.world, self.namespace = world, namespace
        self.pending: set[str] = set()

    def __contains__(self, name: object) -> bool:
        return name in self.pending or (self.namespace, name) in self.world.pods

    def take(self, name: str) -> str:
        self.pending.add(name)
        return name


def _revision_number(data: Mapping[str, Any]) -> int:
    number = data.get("revision")
    return number if isinstance(number, int) and not isinstance(number, bool) else 0


def _revision_object(controller: ApiObject, data: dict[str, Any]) -> ApiObject:
    return ApiObject(
        "ControllerRevision",
        "apps/v1",
        controller.namespace,
        data["metadata"]["name"],
        data,
        controller.source,
        owner=controller.ref,
        simulated=frozenset({"metadata.name"}),
    )


def controller_revision(world: World, controller: ApiObject) -> ApiObject:
    """The ControllerRevision ``<name>-<hash>`` a StatefulSet or DaemonSet records its template in.

    Its ``revision`` number follows the base's: the next one for a new
    template (maxRevision of the older ones + 1), as the controllers number them.
    """
    key = ("revision", controller.key)
    found = world.memo.get(key)
    if found is None:
        name = f"{controller.name}-{template_hash(controller.spec['template'])}"
        pinned = world.pins.revisions.get((controller.namespace or "", controller.ref), ())
        older = max((_revision_number(r) for r in pinned if r["metadata"]["name"] != name), default=0)
        own = max((_revision_number(r) for r in pinned if r["metadata"]["name"] == name), default=0)
        data = {
            "apiVersion": "apps/v1",
            "kind": "ControllerRevision",
            "revision": max(older + 1, own),
            "metadata": {"name": name, "namespace": controller.namespace},
            "data": {"spec": {"template": controller.spec["template"]}},
        }
        found = world.memo[key] = _revision_object(controller, data)
    return found


def revision_history(world: World, controller: ApiObject, in_use: Collection[str]) -> list[ApiObject]:
    """The base's older ControllerRevisions the controller keeps (StatefulSet truncateHistory, DaemonSet cleanupHistory).

    Those its pods still run, and of the others the newest, up to ``revisionHistoryLimit``.
    """
    current = controller_revision(world, controller).name
    pinned = world.pins.revisions.get((controller.namespace or "", controller.ref), ())
    older = sorted((r for r in pinned if r["metadata"]["name"] != current), key=_revision_number, reverse=True)
    limit = controller.spec.get("revisionHistoryLimit", 10)
    names = [r["metadata"]["name"] for r in older]
    kept = set(in_use) | set([name for name in names if name not in in_use][:limit])
    return [_revision_object(controller, dict(r)) for r in older if r["metadata"]["name"] in kept]
