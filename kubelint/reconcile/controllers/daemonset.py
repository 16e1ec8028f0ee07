"""DaemonSet controller: one pod on every node that should run it (pkg/controller/daemon).

A node should run the pod when it matches the template's nodeSelector and
required node affinity and the pod tolerates the node's NoSchedule and
NoExecute taints, counting the tolerations the controller adds to every
daemon pod (not-ready, unreachable, disk/memory/pid pressure, unschedulable,
and network-unavailable for hostNetwork pods). The control-plane taint is
not among them, so a DaemonSet skips control-plane nodes unless it tolerates
the taint. Each pod is pinned to its node by node affinity; it may still stay
Pending if the node has no room for it.

Against a base, the pod a node already runs stays if it runs the current
template, or, with ``updateStrategy: OnDelete``, whatever template it runs
until someone deletes it. With ``RollingUpdate`` an outdated pod is replaced
by a new one with a new name (the order, node by node, is
kubelint.plan.rollout's part).
"""

from __future__ import annotations

from typing import Any, Iterable, Iterator, Mapping

from kubelint.reconcile.controllers.pods import (
    TakenNames,
    controller_revision,
    new_pod,
    owned_pods,
    revision_history,
    scheduling_needs,
)
from kubelint.reconcile.controllers.scheduler import matches_node_affinity, untolerated_taint
from kubelint.reconcile.loop import Patch, Put, Write
from kubelint.reconcile.names import generate_name
from kubelint.reconcile.pins import PinnedPod, revision_of
from kubelint.reconcile.world import World


def _toleration(key: str, effect: str) -> Mapping[str, Any]:
    return {"key": f"node.kubernetes.io/{key}", "operator": "Exists", "effect": effect}


DAEMON_TOLERATIONS = (
    _toleration("not-ready", "NoExecute"),
    _toleration("unreachable", "NoExecute"),
    _toleration("disk-pressure", "NoSchedule"),
    _toleration("memory-pressure", "NoSchedule"),
    _toleration("pid-pressure", "NoSchedule"),
    _toleration("unschedulable", "NoSchedule"),
)
HOST_NETWORK_TOLERATION = _toleration("network-unavailable", "NoSchedule")


def daemon_tolerations(spec: Mapping[str, Any]) -> tuple[Mapping[str, Any], ...]:
    """util.AddOrUpdateDaemonPodTolerations."""
    return DAEMON_TOLERATIONS + ((HOST_NETWORK_TOLERATION,) if spec.get("hostNetwork") else ())


def _generation(base_pods: Iterable[tuple[str, PinnedPod]], current: str) -> int:
    """pod-template-generation: the base's newest, plus one unless its pods run the current template."""
    newest, runs_current = 0, False
    for _, pinned in base_pods:
        text = str(pinned.labels.get("pod-template-generation", "1"))
        generation = int(text) if text.isdigit() else 1
        same = pinned.labels.get("controller-revision-hash") == current
        if generation > newest or (generation == newest and same):
            newest, runs_current = generation, same
    return max(1, newest if runs_current else newest + 1)


def sync(world: World) -> Iterator[Write]:
    for daemonset in world.objects_of("DaemonSet"):
        spec = daemonset.spec
        template = spec["template"]
        pod_spec = template["spec"]
        namespace = daemonset.namespace or "default"
        revision = controller_revision(world, daemonset)
        owned = owned_pods(world, daemonset, spec["selector"])
        in_use = {f"{daemonset.name}-{revision_of(pod.labels)}" for pod in owned}
        for kept in [revision, *revision_history(world, daemonset, in_use)]:
            if world.get("ControllerRevision", namespace, kept.name) is None:
                yield Put(kept)
        extra = daemon_tolerations(pod_spec)
        needs = scheduling_needs(world, pod_spec, extra)
        on_nodes = {pod.target_node for pod in owned}
        taken = TakenNames(world, namespace)
        current = revision.name.rsplit("-", 1)[-1]
        base_pods = {pinned.node: (name, pinned) for name in world.pins.owned(namespace, daemonset.ref)
                     if (pinned := world.pins.pods[(namespace, name)]).node is not None}
        generation = _generation(base_pods.values(), current)
        labels = dict(template["metadata"].get("labels") or {}) | {
            "controller-revision-hash": current,
            "pod-template-generation": str(generation),
        }
        skipped = []
        for node in world.profile.nodes:
            taint = untolerated_taint(node, needs.tolerations)
            if taint is not None:
                skipped.append(f"{node.name} (untolerated taint {taint})")
            elif not matches_node_affinity(needs, node):
                skipped.append(f"{node.name} (nodeSelector/affinity)")
            elif node.name not in on_nodes:
                name, pod_labels, pod_template = "", labels, pod_spec
                if node.name in base_pods:
                    name, pinned = base_pods[node.name]
                    if pinned.labels.get("controller-revision-hash") != current:
                        if spec["updateStrategy"]["type"] == "OnDelete":
                            pod_labels, pod_template = pinned.labels, pinned.spec
                        else:
                            taken.take(name)  # replaced: the new pod gets a name of its own
                            name = ""
                name = taken.take(
                    name or generate_name(f"{daemonset.name}-", taken, "DaemonSet", daemonset.name, node.name)
                )
                yield Put(
                    new_pod(
                        world, daemonset, name, pod_labels, pod_template, pin_to_node=node.name, extra_tolerations=extra
                    )
                )
        count = len(world.profile.nodes)
        note = f"runs on {count - len(skipped)} of {count} nodes" + (
            f"; not on {', '.join(skipped)}" if skipped else ""
        )
        if daemonset.note != note:
            yield Patch(daemonset, {"note": note})
