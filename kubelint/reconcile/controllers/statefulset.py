"""StatefulSet controller: pods ``<name>-<ordinal>`` with stable identities (pkg/controller/statefulset).

Each pod gets the hostname ``<name>-<ordinal>`` and, with ``serviceName``, the
subdomain of that (headless) Service, hence a stable DNS name
``<pod>.<service>.<namespace>.svc.<domain>``. Its PersistentVolumeClaims
``<claim>-<name>-<ordinal>`` are created before it. With the default
``podManagementPolicy: OrderedReady`` a pod is only created once every lower
ordinal is Running and Ready, so one pod that cannot be scheduled holds back
all those after it; ``Parallel`` creates them all at once.

Against a base, a pod keeps the template it runs where the update strategy
says so (newVersionedStatefulSetPod): with ``OnDelete`` every existing pod,
with ``RollingUpdate`` those below ``partition`` (and new pods below it get
the base's current revision). The others run the new template: a pod whose
revision changes is deleted and created again under the same name. The
order in which that happens is kubelint.plan.rollout's part.
"""

from __future__ import annotations

from typing import Any, Iterator

from kubelint.reconcile.controllers.pods import controller_revision, new_pod, owned_pods, revision_history
from kubelint.reconcile.loop import Patch, Put, Write
from kubelint.reconcile.pins import revision_of
from kubelint.reconcile.world import ApiObject, World

NO_HEADLESS_SERVICE = "plan-statefulset-service"
ORDINAL_LABEL = "apps.kubernetes.io/pod-index"
POD_NAME_LABEL = "statefulset.kubernetes.io/pod-name"


def _claims(statefulset: ApiObject, ordinal: int) -> Iterator[ApiObject]:
    spec = statefulset.spec
    selector_labels = spec["selector"].get("matchLabels") or {}
    for template in spec.get("volumeClaimTemplates") or []:
        name = f"{template['metadata']['name']}-{statefulset.name}-{ordinal}"
        labels = dict(template["metadata"].get("labels") or {}) | selector_labels
        data: dict[str, Any] = {
            "apiVersion": "v1",
            "kind": "PersistentVolumeClaim",
            "metadata": {"name": name, "namespace": statefulset.namespace, "labels": labels},
            "spec": template.get("spec") or {},
        }
        yield ApiObject("PersistentVolumeClaim", "v1", statefulset.namespace, name, data, statefulset.source, owner=statefulset.ref)


def _pod_template(
    world: World, statefulset: ApiObject, ordinal: int, name: str
) -> tuple[dict[str, Any], dict[str, Any]] | None:
    """(labels, spec) of an older revision this pod keeps, or None for the StatefulSet's template."""
    spec = statefulset.spec
    namespace = statefulset.namespace or "default"
    strategy = spec["updateStrategy"]
    pinned = world.pins.pods.get((namespace, name))
    if pinned is not None and pinned.owner != statefulset.ref:
        pinned = None
    if strategy["type"] == "OnDelete":
        keep = pinned
    else:
        start = (spec.get("ordinals") or {}).get("start", 0)
        if ordinal >= start + strategy["rollingUpdate"]["partition"]:
            return None
        lowest = min(world.pins.owned(namespace, statefulset.ref), key=_ordinal, default=None)
        keep = pinned or (world.pins.pods[(namespace, lowest)] if lowest else None)
    if keep is None:
        return None
    return dict(keep.labels) | {POD_NAME_LABEL: name, ORDINAL_LABEL: str(ordinal)}, keep.spec


def _ordinal(name: str) -> int:
    suffix = name.rsplit("-", 1)[-1]
    return int(suffix) if suffix.isdigit() else 0


def sync(world: World) -> Iterator[Write]:
    for statefulset in world.objects_of("StatefulSet"):
        spec = statefulset.spec
        namespace = statefulset.namespace or "default"
        revision = controller_revision(world, statefulset)
        in_use = {revision_of(pod.labels) or "" for pod in owned_pods(world, statefulset, spec["selector"])}
        for kept in [revision, *revision_history(world, statefulset, in_use)]:
            if world.get("ControllerRevision", namespace, kept.name) is None:
                yield Put(kept)
        template = spec["template"]
        start = (spec.get("ordinals") or {}).get("start", 0)
        ordered = spec["podManagementPolicy"] == "OrderedReady"
        waiting = None
        for ordinal in range(start, start + spec["replicas"]):
            name = f"{statefulset.name}-{ordinal}"
            existing = world.pods.get((namespace, name))
            if existing is not None:
                if ordered and not (existing.phase == "Running" and existing.ready):
                    waiting = name
                    break
                continue
            for claim in _claims(statefulset, ordinal):
                if world.get(claim.kind, namespace, claim.name) is None:
                    yield Put(claim)
            labels = dict(template["metadata"].get("labels") or {}) | {
                ORDINAL_LABEL: str(ordinal),
                "controller-revision-hash": revision.name,
                POD_NAME_LABEL: name,
            }
            pod_spec = template["spec"]
            older = _pod_template(world, statefulset, ordinal, name)
            if older is not None and older[0].get("controller-revision-hash") != revision.name:
                labels, pod_spec = older
            yield Put(
                new_pod(
                    world,
                    statefulset,
                    name,
                    labels,
                    pod_spec,
                    name_simulated=False,
                    hostname=name,
                    subdomain=spec.get("serviceName") or None,
                )
            )
            if ordered:
                break
        if waiting is not None and world.pods[(namespace, waiting)].reason is not None:
            note = f"OrderedReady: {waiting} is not Running and Ready, so the pods after it are not created"
            if statefulset.note != note:
                yield Patch(statefulset, {"note": note})


def problems(world: World) -> None:
    """A StatefulSet whose serviceName names no headless Service gets no per-pod DNS names."""
    for statefulset in world.objects_of("StatefulSet"):
        service_name = statefulset.spec.get("serviceName")
        if not service_name:
            continue
        service = world.services.get((statefulset.namespace or "default", service_name))
        if service is None:
            problem = f'no Service "{service_name}" exists in namespace {statefulset.namespace}'
        elif not service.headless:
            problem = f'Service "{service_name}" is not headless (clusterIP: None)'
        else:
            continue
        world.report(
            NO_HEADLESS_SERVICE,
            statefulset.source,
            ("spec", "serviceName"),
            f"StatefulSet {statefulset.name}: serviceName {service_name!r} governs its pods' DNS names, but {problem}; "
            f"its pods get no {statefulset.name}-0.{service_name}.{statefulset.namespace}.svc.{world.profile.cluster_domain} records",
        )
