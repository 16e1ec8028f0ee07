"""Deployment controller: one ReplicaSet per pod template (pkg/controller/deployment).

A new Deployment gets a ReplicaSet named ``<deployment>-<pod-template-hash>``
whose selector and template carry the ``pod-template-hash`` label, so it
only ever claims its own pods, and which asks for the Deployment's replicas.
A paused Deployment creates no ReplicaSet until it is resumed. (Rollouts
from an old template to a new one are a plan against a base.)
"""

from __future__ import annotations

from typing import Any, Iterator

from kubelint.reconcile.loop import Patch, Put, Write
from kubelint.reconcile.names import template_hash
from kubelint.reconcile.world import ApiObject, World

HASH_LABEL = "pod-template-hash"


def template_hash_of(world: World, deployment: ApiObject) -> str:
    key = ("template-hash", deployment.key)
    if key not in world.memo:
        world.memo[key] = template_hash(deployment.spec["template"])
    return world.memo[key]


def replicaset_for(deployment: ApiObject, hash_value: str) -> ApiObject:
    spec = deployment.spec
    template = spec["template"]
    labels = dict(template["metadata"].get("labels") or {}) | {HASH_LABEL: hash_value}
    selector = dict(spec["selector"])
    selector["matchLabels"] = dict(selector.get("matchLabels") or {}) | {HASH_LABEL: hash_value}
    name = f"{deployment.name}-{hash_value}"
    data: dict[str, Any] = {
        "apiVersion": "apps/v1",
        "kind": "ReplicaSet",
        "metadata": {
            "name": name,
            "namespace": deployment.namespace,
            "labels": labels,
            "annotations": {
                "deployment.kubernetes.io/desired-replicas": str(spec["replicas"]),
                "deployment.kubernetes.io/revision": "1",
            },
            "ownerReferences": [{"apiVersion": "apps/v1", "kind": "Deployment", "name": deployment.name, "controller": True}],
        },
        "spec": {
            "replicas": spec["replicas"],
            "minReadySeconds": spec.get("minReadySeconds", 0),
            "selector": selector,
            "template": {"metadata": dict(template["metadata"], labels=labels), "spec": template["spec"]},
        },
    }
    return ApiObject("ReplicaSet", "apps/v1", deployment.namespace, name, data, deployment.source,
                     owner=deployment.ref, simulated=frozenset({"metadata.name"}))


def sync(world: World) -> Iterator[Write]:
    for deployment in world.objects_of("Deployment"):
        if deployment.spec.get("paused") is True:
            if deployment.note is None:
                yield Patch(deployment, {"note": "paused: no ReplicaSet and no pods until it is resumed"})
            continue
        hash_value = template_hash_of(world, deployment)
        if world.get("ReplicaSet", deployment.namespace, f"{deployment.name}-{hash_value}") is None:
            yield Put(replicaset_for(deployment, hash_value))
