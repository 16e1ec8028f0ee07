"""Deployment controller: one ReplicaSet per pod template (pkg/controller/deployment).

A Deployment's current ReplicaSet is the one whose template equals the
Deployment's, ignoring the ``pod-template-hash`` label (FindNewReplicaSet,
EqualIgnoreHash); without one it gets a new ReplicaSet named
``<deployment>-<pod-template-hash>``, whose selector and template carry that
label so it only ever claims its own pods, and which asks for the
Deployment's replicas. Against a base, the ReplicaSets the Deployment had
stay: the current one keeps its name (a live cluster's real hash included),
the others are where a finished rollout leaves them, scaled to 0 and kept
as history up to ``revisionHistoryLimit`` (cleanupDeployment deletes the
oldest revisions first). Each new template gets the next revision number.
How a rollout gets from the old ReplicaSets to the new one is
kubelint.plan.rollout's part. A paused Deployment changes nothing: it keeps
the ReplicaSets it has, and creates none until it is resumed.
"""

from __future__ import annotations

from typing import Any, Iterator, Mapping

from kubelint.reconcile.loop import Patch, Put, Write
from kubelint.reconcile.names import template_hash
from kubelint.reconcile.pins import PinnedReplicaSet
from kubelint.reconcile.world import ApiObject, World

HASH_LABEL = "pod-template-hash"
REVISION_ANNOTATION = "deployment.kubernetes.io/revision"
DESIRED_ANNOTATION = "deployment.kubernetes.io/desired-replicas"


def template_hash_of(world: World, deployment: ApiObject) -> str:
    key = ("template-hash", deployment.key)
    if key not in world.memo:
        world.memo[key] = template_hash(deployment.spec["template"])
    return world.memo[key]


def without_hash(template: Mapping[str, Any]) -> dict[str, Any]:
    """A ReplicaSet's template as its Deployment wrote it: without the pod-template-hash label."""
    metadata = dict(template.get("metadata") or {})
    labels = {key: value for key, value in (metadata.get("labels") or {}).items() if key != HASH_LABEL}
    metadata["labels"] = labels
    return {**template, "metadata": metadata}


def _template_key(template: Mapping[str, Any]) -> dict[str, Any]:
    metadata = dict(template.get("metadata") or {})
    metadata["labels"] = dict(metadata.get("labels") or {})
    return {**template, "metadata": metadata}


def replicaset_for(deployment: ApiObject, hash_value: str, *, name: str | None = None, revision: int = 1,
                   replicas: int | None = None, simulated_name: bool = True) -> ApiObject:
    spec = deployment.spec
    template = spec["template"]
    labels = dict(template["metadata"].get("labels") or {}) | {HASH_LABEL: hash_value}
    selector = dict(spec["selector"])
    selector["matchLabels"] = dict(selector.get("matchLabels") or {}) | {HASH_LABEL: hash_value}
    name = name or f"{deployment.name}-{hash_value}"
    data: dict[str, Any] = {
        "apiVersion": "apps/v1",
        "kind": "ReplicaSet",
        "metadata": {
            "name": name,
            "namespace": deployment.namespace,
            "labels": labels,
            "annotations": {
                DESIRED_ANNOTATION: str(spec["replicas"]),
                REVISION_ANNOTATION: str(revision),
            },
            "ownerReferences": [{"apiVersion": "apps/v1", "kind": "Deployment", "name": deployment.name, "controller": True}],
        },
        "spec": {
            "replicas": spec["replicas"] if replicas is None else replicas,
            "minReadySeconds": spec.get("minReadySeconds", 0),
            "selector": selector,
            "template": {"metadata": dict(template["metadata"], labels=labels), "spec": template["spec"]},
        },
    }
    return ApiObject("ReplicaSet", "apps/v1", deployment.namespace, name, data, deployment.source,
                     owner=deployment.ref, simulated=frozenset({"metadata.name"}) if simulated_name else frozenset())


def _kept(deployment: ApiObject, pinned: PinnedReplicaSet, replicas: int | None = None) -> ApiObject:
    """A ReplicaSet of the base, as the Deployment leaves it (``replicas`` None: as it was)."""
    data = dict(pinned.data)
    metadata = dict(data["metadata"])
    metadata["annotations"] = dict(metadata.get("annotations") or {}) | {
        DESIRED_ANNOTATION: str(deployment.spec["replicas"])
    }
    data["metadata"] = metadata
    if replicas is not None:
        data["spec"] = dict(data["spec"], replicas=replicas)
    return ApiObject(
        "ReplicaSet",
        data.get("apiVersion", "apps/v1"),
        deployment.namespace,
        pinned.name,
        data,
        deployment.source,
        owner=deployment.ref,
        simulated=frozenset({"metadata.name"}) if pinned.simulated_name else frozenset(),
    )


def replicasets(world: World, deployment: ApiObject) -> list[ApiObject]:
    """The ReplicaSets the Deployment has once it has rolled out: its current one first, then its history."""
    pinned = world.pins.replica_sets.get((deployment.namespace or "", deployment.name), ())
    if deployment.spec.get("paused") is True:
        return [_kept(deployment, replicaset) for replicaset in pinned]
    wanted = _template_key(deployment.spec["template"])
    current = next((r for r in pinned if _template_key(without_hash(r.data["spec"]["template"])) == wanted), None)
    old = sorted((r for r in pinned if r is not current), key=lambda r: (r.revision, r.name), reverse=True)
    revision = max(old[0].revision + 1 if old else 1, current.revision if current else 0)
    if current is None:
        newest = replicaset_for(deployment, template_hash_of(world, deployment), revision=revision)
    else:
        hash_value = current.data["metadata"]["labels"].get(HASH_LABEL) or template_hash_of(world, deployment)
        newest = replicaset_for(
            deployment, hash_value, name=current.name, revision=revision, simulated_name=current.simulated_name
        )
    history = deployment.spec.get("revisionHistoryLimit")
    kept = old if history is None else old[:history]
    return [newest] + [_kept(deployment, replicaset, replicas=0) for replicaset in kept]


def sync(world: World) -> Iterator[Write]:
    for deployment in world.objects_of("Deployment"):
        if deployment.spec.get("paused") is True and deployment.note is None:
            yield Patch(
                deployment,
                {"note": "paused: its ReplicaSets stay as they are, and it creates none until it is resumed"},
            )
        key = ("replicasets", deployment.key)
        if key not in world.memo:
            world.memo[key] = replicasets(world, deployment)
        for replicaset in world.memo[key]:
            if world.get("ReplicaSet", replicaset.namespace, replicaset.name) is None:
                yield Put(replicaset)
