"""Values a base world already allocated, which a new plan keeps.

A running cluster does not renumber what exists: a Service keeps its cluster
IP and node ports, a pod keeps its node and address. When a plan is made
against a base (a saved state, the live cluster, the manifests at another
git ref), the allocators and the scheduler honour these first.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from kubelint.reconcile.world import NamespacedName, World


@dataclass(slots=True)
class Pins:
    cluster_ips: dict[NamespacedName, str] = field(default_factory=dict)
    node_ports: dict[tuple[str, str, int, str], int] = field(default_factory=dict)
    """(namespace, service, port, protocol) -> nodePort."""
    load_balancers: dict[NamespacedName, tuple[str, ...]] = field(default_factory=dict)
    pods: dict[NamespacedName, tuple[str, str]] = field(default_factory=dict)
    """(namespace, pod) -> (node, IP)."""

    @classmethod
    def of(cls, world: World | None) -> "Pins":
        pins = cls()
        if world is None:
            return pins
        for service in world.services.values():
            if service.system:
                continue
            if service.cluster_ip and not service.headless:
                pins.cluster_ips[service.key] = service.cluster_ip
            for port in service.ports:
                if port.node_port is not None:
                    pins.node_ports[(service.namespace, service.name, port.port, port.protocol)] = port.node_port
            if service.load_balancer:
                pins.load_balancers[service.key] = service.load_balancer
        for pod in world.pods.values():
            if pod.node is not None and pod.ip is not None:
                pins.pods[pod.key] = (pod.node, pod.ip)
        return pins
