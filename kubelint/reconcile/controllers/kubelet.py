"""Kubelet (with its CNI plugin): start the pods bound to each node.

A pod bound to a node gets an address from the node's podCIDR (host-local
IPAM keeps .0, the gateway .1 and the broadcast address), or the node's own
address with ``hostNetwork``, then runs. kubelint assumes every probe
passes: a pod without a readiness probe is ready as soon as it runs, one
with a readiness probe becomes ready once its initialDelaySeconds have
passed (after a startup probe's, if it has one); the plan shows that delay.
The container environment gets the Service variables of the moment the pod
starts.
"""

from __future__ import annotations

import ipaddress
from typing import Iterator

from kubelint.reconcile import allocators
from kubelint.reconcile.allocators import Pool
from kubelint.reconcile.loop import Patch, Write
from kubelint.reconcile.podspec import ready_after
from kubelint.reconcile.servicelinks import environment
from kubelint.reconcile.world import Pod, World


def _pools(world: World) -> dict[str, Pool]:
    pools = world.memo.get("pod-ips")
    if pools is None:
        pools = world.memo["pod-ips"] = {node.name: allocators.pod_ip_pool(node.pod_cidr) for node in world.profile.nodes}
    return pools


def _address(world: World, pod: Pod) -> str | None:
    """The pod's address: the one it has already if the base runs it there, else the next free one."""
    node = next(n for n in world.profile.nodes if n.name == pod.node)
    if pod.spec.get("hostNetwork") is True:
        return str(node.address)
    pool = _pools(world)[node.name]
    pinned = world.pins.same_pod(pod)
    if pinned is not None and pinned.node == node.name and pinned.ip is not None:
        value = int(ipaddress.ip_address(pinned.ip))
        if value not in pool or pool.claim(value):
            return pinned.ip  # the pod runs already: its address is a fact, even outside the profile's podCIDR
    value = pool.allocate(f"{pod.namespace}/{pod.name}")
    return None if value is None else allocators.address(value, node.pod_cidr.version)


def sync(world: World) -> Iterator[Write]:
    starting = sorted(
        (pod for pod in world.pods.values() if pod.node is not None and pod.ip is None and pod.phase == "Pending" and pod.deleted_by is None and pod.reason is None),
        key=lambda pod: (world.pins.same_pod(pod) is None, pod.key),  # pods the base runs hold their addresses already
    )
    for pod in starting:
        ip = _address(world, pod)
        if ip is None:
            node = next(n for n in world.profile.nodes if n.name == pod.node)
            yield Patch(pod, {"reason": f"ContainerCreating: no free address left in {pod.node}'s podCIDR {node.pod_cidr}"})
            continue
        links = pod.spec.get("enableServiceLinks", True) is not False
        pinned = world.pins.same_pod(pod)
        yield Patch(pod, {
            "known": pinned is not None and not pinned.chosen and pinned.ip == ip,
            "ip": ip,
            "phase": "Running",
            "ready": True,
            "ready_after": ready_after(pod.spec),
            "service_env": environment(world, pod.namespace, links),
        })
