"""Endpoints controller: the addresses behind each Service (pkg/controller/endpoint).

For a Service with a selector, every selected pod that has an address and
has not finished is an endpoint: ready when the pod is ready, or always
with ``publishNotReadyAddresses``. Each Service port's targetPort is resolved
per pod (a named targetPort is the container port of that name and
protocol, so pods of one Service may listen on different numbers; a pod
without that port is left out of that port). A pod whose ``hostname`` is set
and whose ``subdomain`` is the Service's name gives the endpoint that
hostname (the StatefulSet DNS records). Past 1000 addresses the controller
keeps 1000, ready ones first, and marks the object truncated.

Services without a selector get no managed Endpoints (an Endpoints object in
the input is used as it is), nor do ExternalName Services.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator

from kubelint.reconcile.loop import Put, Write
from kubelint.reconcile.podspec import find_port
from kubelint.reconcile.world import EndpointAddress, Endpoints, Pod, Service, World

MAX_CAPACITY = 1000
SELECTS_NOTHING = "plan-service-selects-nothing"
TARGET_PORT = "plan-service-target-port"


@dataclass(frozen=True, slots=True)
class Member:
    """A pod behind a Service, with the Service ports it serves: (name, number, protocol)."""

    pod: Pod
    ready: bool
    hostname: str | None
    ports: tuple[tuple[str | None, int, str], ...]

    def addresses(self, service: Service) -> list[EndpointAddress]:
        pod = self.pod
        assert pod.ip is not None
        if not service.ports:
            return [EndpointAddress(pod.ip, None, None, None, self.ready, pod.name, self.hostname, pod.node)]
        return [EndpointAddress(pod.ip, port, name, protocol, self.ready, pod.name, self.hostname, pod.node) for name, port, protocol in self.ports]


def managed(service: Service) -> bool:
    return bool(service.selector) and not service.system and service.type != "ExternalName"


def selected(world: World, service: Service) -> list[Pod]:
    """Every pod the selector picks, whatever its state."""
    return [world.pods[(service.namespace, name)] for name in world.pod_index.select_map(service.namespace, service.selector)]


def members(world: World, service: Service) -> list[Member]:
    """The pods that are endpoints of ``service`` now (endpointutil.ShouldPodBeInEndpoints)."""
    out = []
    for pod in selected(world, service):
        if pod.ip is None or pod.deleted_by is not None or pod.phase in ("Succeeded", "Failed"):
            continue
        hostname = pod.hostname if pod.hostname and pod.subdomain == service.name else None
        ports = []
        for port in service.ports:
            number = find_port(pod.spec, port.target_port, port.protocol)
            if number is not None:
                ports.append((port.name, number, port.protocol))
        out.append(Member(pod, pod.ready or service.publish_not_ready, hostname, tuple(ports)))
    return out


def endpoints_of(world: World, service: Service) -> Endpoints:
    chosen = members(world, service)
    truncated = len(chosen) > MAX_CAPACITY
    if truncated:
        chosen = sorted(chosen, key=lambda m: (not m.ready, m.pod.name))[:MAX_CAPACITY]
    addresses = sorted(
        (address for member in chosen for address in member.addresses(service)),
        key=lambda a: (a.port_name or "", a.port or 0, a.protocol or "", a.ip),
    )
    return Endpoints(service.namespace, service.name, tuple(addresses), truncated)


def sync(world: World) -> Iterator[Write]:
    for service in world.services.values():
        if not managed(service) or service.namespace not in world.touched_namespaces:
            continue
        desired = endpoints_of(world, service)
        current = world.endpoints.get(service.key)
        if current is None or current.addresses != desired.addresses or current.truncated != desired.truncated or not current.managed:
            yield Put(desired)


def _why_nothing(world: World, service: Service) -> str:
    assert service.selector
    missing = [f"{k}={v}" for k, v in sorted(service.selector.items()) if not world.pod_index.select_map(service.namespace, {k: v})]
    if missing:
        return f"no pod in namespace {service.namespace} carries {', '.join(missing)}"
    return f"no pod in namespace {service.namespace} carries all of {', '.join(f'{k}={v}' for k, v in sorted(service.selector.items()))} together"


def problems(world: World) -> None:
    """Services that select no pod, and named targetPorts the selected pods do not have."""
    for service in sorted(world.services.values(), key=lambda s: s.key):
        if not managed(service):
            continue
        pods = [pod for pod in selected(world, service) if pod.deleted_by is None]
        if not pods:
            world.report(
                SELECTS_NOTHING, service.source, ("spec", "selector"),
                f"Service {service.name} selects no pods ({_why_nothing(world, service)}): it gets no endpoints and "
                "connections to it fail",
            )
            continue
        for index, port in enumerate(service.ports):
            if isinstance(port.target_port, int):
                continue
            lacking = sorted({pod.workload or f"Pod/{pod.name}" for pod in pods if find_port(pod.spec, port.target_port, port.protocol) is None})
            if lacking:
                world.report(
                    TARGET_PORT, service.source, ("spec", "ports", index, "targetPort"),
                    f'Service {service.name}: targetPort "{port.target_port}" names no {port.protocol} container port of '
                    f"{', '.join(lacking)}; those pods get no endpoint on port {port.port}",
                )
