"""Load-balancer controller: an external address for each LoadBalancer Service.

What a cloud's service controller (or MetalLB on bare metal) does: give the
Service an address from the profile's loadBalancerPool, the one it asks for
with ``spec.loadBalancerIP`` if that is free. Without a pool the address stays
``<pending>``, as on a cluster with no load-balancer implementation; a
Service with a ``loadBalancerClass`` waits for that class's controller,
which kubelint does not run.
"""

from __future__ import annotations

import ipaddress
from typing import Iterator

from kubelint.reconcile import allocators
from kubelint.reconcile.allocators import Pool
from kubelint.reconcile.loop import Patch, Write
from kubelint.reconcile.world import Service, World


def _pool(world: World) -> Pool:
    pool = world.memo.get("load-balancer-pool")
    if pool is None:
        pool = world.memo["load-balancer-pool"] = Pool(world.profile.load_balancer_pool)
    return pool


def _assign(world: World, service: Service) -> Patch:
    pool = _pool(world)
    version = world.profile.service_cidr.version
    kept = world.pins.load_balancers.get(service.key)
    if kept and (service.load_balancer_ip is None or service.load_balancer_ip in kept):
        for address in kept:  # the base has them already: facts, even outside the profile's pool
            try:
                value = int(ipaddress.ip_address(address))
            except ValueError:
                continue  # a host name (cloud load balancers such as AWS's give one)
            if value in pool:
                pool.claim(value)
        chosen = {"loadBalancer"} if ("loadBalancer", *service.key) in world.pins.chosen else set()
        return Patch(service, {"load_balancer": kept, "simulated": service.simulated | chosen})
    wanted = service.load_balancer_ip
    if service.load_balancer_class:
        return Patch(service, {"load_balancer_note": f"pending: class {service.load_balancer_class} has its own controller, not simulated"})
    if not pool.size:
        return Patch(service, {"load_balancer_note": "pending: the cluster has no load-balancer pool (loadBalancerPool in the cluster profile)"})
    if wanted:
        try:
            value = int(ipaddress.ip_address(wanted))
        except ValueError:
            return Patch(service, {"load_balancer_note": f"pending: loadBalancerIP {wanted!r} is not an address"})
        if value not in pool or not pool.claim(value):
            return Patch(service, {"load_balancer_note": f"pending: loadBalancerIP {wanted} is not free in the pool"})
        return Patch(service, {"load_balancer": (wanted,)})
    value = pool.allocate(f"{service.namespace}/{service.name}")
    if value is None:
        return Patch(service, {"load_balancer_note": "pending: the load-balancer pool is exhausted"})
    return Patch(service, {"load_balancer": (allocators.address(value, version),), "simulated": service.simulated | {"loadBalancer"}})


def sync(world: World) -> Iterator[Write]:
    for service in sorted(world.services.values(), key=lambda s: s.key):
        if service.type == "LoadBalancer" and service.load_balancer is None and service.load_balancer_note is None:
            yield _assign(world, service)
