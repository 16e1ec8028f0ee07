"""EndpointSlice controllers: the scalable form of Endpoints (pkg/controller/endpointslice).

The same pods as the Endpoints object, grouped by the set of ports they
serve (pods of one Service whose named targetPorts resolve to different
numbers land in different slices), at most 100 endpoints a slice
(--max-endpoints-per-slice), named ``<service>-<5 characters>``. For a Service
without a selector, the mirroring controller copies a given Endpoints
object into slices the same way.
"""

from __future__ import annotations

from typing import Iterator

from kubelint.reconcile.controllers.endpoints import managed, members
from kubelint.reconcile.loop import Delete, Put, Write
from kubelint.reconcile.names import generate_name
from kubelint.reconcile.world import EndpointAddress, EndpointSlice, Service, World

MAX_ENDPOINTS_PER_SLICE = 100

Ports = tuple[tuple[str | None, int, str], ...]


def _groups(world: World, service: Service) -> dict[Ports, list[EndpointAddress]]:
    """Endpoints (without ports) by the ports they serve."""
    groups: dict[Ports, list[EndpointAddress]] = {}
    if managed(service):
        for member in members(world, service):
            pod = member.pod
            endpoint = EndpointAddress(pod.ip or "", None, None, None, member.ready, pod.name, member.hostname, pod.node)
            groups.setdefault(tuple(sorted(member.ports, key=str)), []).append(endpoint)
        return groups
    given = world.endpoints.get(service.key)
    if given is not None and not given.managed:
        by_address: dict[tuple[str, bool, str | None, str | None], list[tuple[str | None, int, str]]] = {}
        for a in given.addresses:
            ports = by_address.setdefault((a.ip, a.ready, a.hostname, a.node), [])
            if a.port is not None:
                ports.append((a.port_name, a.port, a.protocol or "TCP"))
        for (ip, ready, hostname, node), ports in by_address.items():
            groups.setdefault(tuple(sorted(ports, key=str)), []).append(EndpointAddress(ip, None, None, None, ready, None, hostname, node))
    return groups


class _Taken:
    """Slice names in use in a namespace by other Services, or already given out now."""

    def __init__(self, holders: dict[str, str], service: str) -> None:
        self.holders, self.service, self.mine = holders, service, set()

    def __contains__(self, name: object) -> bool:
        return name in self.mine or self.holders.get(name, self.service) != self.service  # type: ignore[arg-type]


def slices_of(world: World, service: Service, holders: dict[str, str]) -> list[EndpointSlice]:
    """The slices ``service`` should have; ``holders``: slice name -> Service, in its namespace."""
    taken = _Taken(holders, service.name)
    out = []
    for ports, endpoints in sorted(_groups(world, service).items(), key=lambda item: str(item[0])):
        endpoints.sort(key=lambda e: (e.pod or "", e.ip))
        for start in range(0, len(endpoints), MAX_ENDPOINTS_PER_SLICE):
            chunk = tuple(endpoints[start:start + MAX_ENDPOINTS_PER_SLICE])
            seed = (service.name, str(ports), str(start // MAX_ENDPOINTS_PER_SLICE))
            name = generate_name(f"{service.name}-", taken, "EndpointSlice", *seed)
            taken.mine.add(name)
            out.append(EndpointSlice(service.namespace, name, service.name, ports, chunk))
    return out


def sync(world: World) -> Iterator[Write]:
    owned: dict[tuple[str, str], dict[str, EndpointSlice]] = world.memo.setdefault("slices-by-service", {})
    holders: dict[str, dict[str, str]] = world.memo.setdefault("slice-holders", {})
    for service in sorted(world.services.values(), key=lambda s: s.key):
        if service.system or service.namespace not in world.touched_namespaces or not (managed(service) or service.key in world.endpoints):
            continue
        in_namespace = holders.setdefault(service.namespace, {})
        current = owned.get(service.key, {})
        desired = {s.name: s for s in slices_of(world, service, in_namespace)}
        for name, slice_ in desired.items():
            if current.get(name) != slice_:
                yield Put(slice_)
            in_namespace[name] = service.name
        for name, slice_ in current.items():
            if name not in desired:
                yield Delete(slice_)
                in_namespace.pop(name, None)
        owned[service.key] = desired
