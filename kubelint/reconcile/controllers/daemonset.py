"""DaemonSet controller: one pod on every node that should run it (pkg/controller/daemon).

A node should run the pod when it matches the template's nodeSelector and
required node affinity and the pod tolerates the node's NoSchedule and
NoExecute taints, counting the tolerations the controller adds to every
daemon pod (not-ready, unreachable, disk/memory/pid pressure, unschedulable,
and network-unavailable for hostNetwork pods). The control-plane taint is
not among them, so a DaemonSet skips control-plane nodes unless it tolerates
the taint. Each pod is pinned to its node by node affinity; it may still stay
Pending if the node has no room for it.
"""

from __future__ import annotations

from typing import Any, Iterator, Mapping

from kubelint.reconcile.controllers.pods import TakenNames, controller_revision, new_pod, owned_pods, scheduling_needs
from kubelint.reconcile.controllers.scheduler import matches_node_affinity, untolerated_taint
from kubelint.reconcile.loop import Patch, Put, Write
from kubelint.reconcile.names import generate_name
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


def sync(world: World) -> Iterator[Write]:
    for daemonset in world.objects_of("DaemonSet"):
        spec = daemonset.spec
        template = spec["template"]
        pod_spec = template["spec"]
        namespace = daemonset.namespace or "default"
        revision = controller_revision(world, daemonset)
        if world.get("ControllerRevision", namespace, revision.name) is None:
            yield Put(revision)
        extra = daemon_tolerations(pod_spec)
        needs = scheduling_needs(world, pod_spec, extra)
        on_nodes = {pod.target_node for pod in owned_pods(world, daemonset, spec["selector"])}
        taken = TakenNames(world, namespace)
        labels = dict(template["metadata"].get("labels") or {}) | {
            "controller-revision-hash": revision.name.rsplit("-", 1)[-1],
            "pod-template-generation": "1",
        }
        skipped = []
        for node in world.profile.nodes:
            taint = untolerated_taint(node, needs.tolerations)
            if taint is not None:
                skipped.append(f"{node.name} (untolerated taint {taint})")
            elif not matches_node_affinity(needs, node):
                skipped.append(f"{node.name} (nodeSelector/affinity)")
            elif node.name not in on_nodes:
                name = taken.take(generate_name(f"{daemonset.name}-", taken, "DaemonSet", daemonset.name, node.name))
                yield Put(new_pod(world, daemonset, name, labels, pod_spec, pin_to_node=node.name, extra_tolerations=extra))
        count = len(world.profile.nodes)
        note = f"runs on {count - len(skipped)} of {count} nodes" + (f"; not on {', '.join(skipped)}" if skipped else "")
        if daemonset.note != note:
            yield Patch(daemonset, {"note": note})
