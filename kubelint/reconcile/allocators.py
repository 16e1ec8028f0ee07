"""Handing out cluster IPs, node ports, pod IPs and load-balancer addresses, each once.

The API server's allocators (pkg/registry/core/service/ipallocator and
portallocator) pick at random, preferring the upper part of the range and
keeping the lower part (``min(max(16, size/16), 256)`` addresses,
``min(max(16, size/32), 128)`` ports) for values users ask for. kubelint
keeps that split but replaces chance by a hash of the owner's name with
linear probing: the same input gets the same values, and adding or removing
one Service does not move the others (unless two hash to the same slot).
"""

from __future__ import annotations

import ipaddress
from typing import Iterable

from kubelint.reconcile.names import digest
from kubelint.reconcile.profile import IPNetwork


def _band(size: int, minimum: int, maximum: int, step: int) -> int:
    """calculateRangeOffset: ``min(max(minimum, size/step), maximum)``, 0 for tiny ranges."""
    if size <= minimum:
        return 0
    return min(max(minimum, size // step), maximum)


class Pool:
    """Integers (addresses or ports) from inclusive segments, each handed out once."""

    def __init__(self, segments: Iterable[tuple[int, int]], static_band: int = 0) -> None:
        self.segments = [(low, high) for low, high in segments if low <= high]
        self.size = sum(high - low + 1 for low, high in self.segments)
        self.static_band = static_band if static_band < self.size else 0
        self.used: set[int] = set()

    def _value(self, index: int) -> int:
        for low, high in self.segments:
            count = high - low + 1
            if index < count:
                return low + index
            index -= count
        raise IndexError(index)

    def __contains__(self, value: int) -> bool:
        return any(low <= value <= high for low, high in self.segments)

    def claim(self, value: int) -> bool:
        """Take a value someone asked for; False when it is taken already."""
        if value in self.used:
            return False
        self.used.add(value)
        return True

    def allocate(self, owner: str) -> int | None:
        """A free value for ``owner`` (the upper band first), or None when the pool is full."""
        dynamic = self.size - self.static_band
        bands = [(self.static_band, dynamic), (0, self.static_band)] if dynamic else [(0, self.size)]
        for start, length in bands:
            if length <= 0:
                continue
            first = digest(owner) % length
            for step in range(length):
                value = self._value(start + (first + step) % length)
                if value not in self.used:
                    self.used.add(value)
                    return value
        return None


def service_ip_pool(cidr: IPNetwork) -> Pool:
    """Cluster IPs: the service CIDR without its network and broadcast addresses."""
    first, last = int(cidr.network_address) + 1, int(cidr.broadcast_address) - 1
    return Pool([(first, last)], _band(last - first + 1, 16, 256, 16))


def node_port_pool(low: int, high: int) -> Pool:
    return Pool([(low, high)], _band(high - low + 1, 16, 128, 32))


def pod_ip_pool(cidr: IPNetwork) -> Pool:
    """A node's pod addresses: host-local IPAM keeps .0, the gateway .1 and the broadcast address."""
    return Pool([(int(cidr.network_address) + 2, int(cidr.broadcast_address) - 1)])


def address(value: int, version: int) -> str:
    return str(ipaddress.IPv4Address(value) if version == 4 else ipaddress.IPv6Address(value))
