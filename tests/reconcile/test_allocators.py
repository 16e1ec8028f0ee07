"""Allocators hand out each value once, inside their range, upper band first, the same way every run."""

from __future__ import annotations

import ipaddress

from hypothesis import given, settings
from hypothesis import strategies as st

from kubelint.reconcile.allocators import Pool, node_port_pool, pod_ip_pool, service_ip_pool

owners = st.lists(st.text(min_size=1, max_size=12), min_size=1, max_size=300, unique=True)


@given(owners, st.lists(st.integers(30000, 32767), max_size=40))
@settings(max_examples=60, deadline=None)
def test_node_ports_are_never_handed_out_twice(names: list[str], claims: list[int]) -> None:
    pool = node_port_pool(30000, 32767)
    granted = [port for port in claims if pool.claim(port)]
    assert len(granted) == len(set(granted)) == len(set(claims))
    allocated = [pool.allocate(name) for name in names]
    values = granted + allocated  # type: ignore[operator]
    assert None not in allocated
    assert len(values) == len(set(values))
    assert all(30000 <= port <= 32767 for port in values)  # type: ignore[operator]


@given(owners)
@settings(max_examples=40, deadline=None)
def test_cluster_ips_stay_in_the_range_and_out_of_its_edges(names: list[str]) -> None:
    cidr = ipaddress.ip_network("10.96.0.0/22")
    pool = service_ip_pool(cidr)
    values = [pool.allocate(name) for name in names]
    assert len(values) == len(set(values))
    for value in values:
        assert value is not None
        assert int(cidr.network_address) < value < int(cidr.broadcast_address)


def test_dynamic_band_first_static_band_last() -> None:
    """ipallocator keeps min(max(16, size/16), 256) low addresses for requests: a /12 keeps 256."""
    pool = service_ip_pool(ipaddress.ip_network("10.96.0.0/12"))
    assert pool.static_band == 256
    first_static = int(ipaddress.ip_address("10.96.0.1"))
    assert all(pool.allocate(f"svc-{n}") >= first_static + 256 for n in range(500))  # type: ignore[operator]
    ports = node_port_pool(30000, 32767)
    assert ports.static_band == 86  # 2768 / 32
    tiny = Pool([(1, 20)], static_band=4)
    values = [tiny.allocate(str(n)) for n in range(20)]
    assert values[:16] and all(v >= 5 for v in values[:16])  # type: ignore[operator]
    assert sorted(values[16:]) == [1, 2, 3, 4]  # type: ignore[type-var]
    assert tiny.allocate("one too many") is None


def test_the_same_owner_gets_the_same_value_in_a_fresh_pool() -> None:
    first = service_ip_pool(ipaddress.ip_network("10.96.0.0/12")).allocate("default/web")
    second = service_ip_pool(ipaddress.ip_network("10.96.0.0/12")).allocate("default/web")
    assert first == second


def test_pod_addresses_skip_network_gateway_and_broadcast() -> None:
    pool = pod_ip_pool(ipaddress.ip_network("10.244.1.0/29"))
    values = sorted(pool.allocate(str(n)) for n in range(5))  # type: ignore[type-var]
    base = int(ipaddress.ip_address("10.244.1.0"))
    assert values == [base + offset for offset in range(2, 7)]
    assert pool.allocate("full") is None
