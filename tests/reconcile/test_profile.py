"""Cluster profiles: the built-in one, files with their own schema, errors at file:line:column."""

from __future__ import annotations

import pytest

from kubelint.reconcile.profile import ProfileError, default_profile, parse_profile, parse_time


def test_the_built_in_cluster() -> None:
    profile = default_profile()
    assert [n.name for n in profile.nodes] == ["control-plane", "worker-1", "worker-2", "worker-3"]
    assert [n.control_plane for n in profile.nodes] == [True, False, False, False]
    assert str(profile.nodes[0].taints[0]) == "node-role.kubernetes.io/control-plane:NoSchedule"
    assert [str(n.pod_cidr) for n in profile.nodes] == [f"10.244.{i}.0/24" for i in range(4)]
    assert (str(profile.service_cidr), str(profile.kubernetes_service_ip), str(profile.dns_service_ip)) == ("10.96.0.0/12", "10.96.0.1", "10.96.0.10")
    assert profile.cluster_domain == "cluster.local" and profile.node_port_range == (30000, 32767)
    assert profile.load_balancer_pool == () and profile.now is None
    worker = profile.nodes[1]
    assert (worker.allocatable["cpu"], worker.allocatable["memory"], worker.allocatable["pods"]) == (4, 16 * 2**30, 110)


def test_more_workers() -> None:
    profile = default_profile().with_workers(6)
    assert [n.name for n in profile.nodes][-1] == "worker-6" and len(profile.nodes) == 7
    assert len({n.pod_cidr for n in profile.nodes}) == 7 and len({n.address for n in profile.nodes}) == 7


@pytest.mark.parametrize(
    ("text", "where", "message"),
    [
        ("nodes: [{name: a}]\n", "cluster.yaml:1:9:", '"capacity" is a required property'),
        ("nodes:\n- name: a\n  capacity: {cpu: '1', memory: 1Gi, pods: 9}\n  colour: blue\n", "cluster.yaml:2:3:", "colour"),
        ("podCIDR: 10.0.0.0/30\nnodes:\n- name: a\n  capacity: {cpu: '1', memory: 1Gi, pods: 9}\n", "cluster.yaml:1:10:", "nodeCIDRMaskSize"),
        ("dnsServiceIP: 10.0.0.10\nnodes:\n- name: a\n  capacity: {cpu: '1', memory: 1Gi, pods: 9}\n", "cluster.yaml:1:15:", "inside serviceCIDR"),
        ("nodes:\n- name: a\n  capacity: {cpu: '1', memory: 1Gi, pods: 9}\n- name: a\n  capacity: {cpu: '1', memory: 1Gi, pods: 9}\n", "cluster.yaml:4:9:", "defined twice"),
        ("loadBalancerPool: [192.0.2.20-192.0.2.10]\nnodes:\n- name: a\n  capacity: {cpu: '1', memory: 1Gi, pods: 9}\n", "cluster.yaml:1:20:", "lowest first"),
        ("nodes:\n  - name: a\n   capacity: {}\n", "cluster.yaml:3:", ""),
    ],
)
def test_errors_point_at_the_line(text: str, where: str, message: str) -> None:
    with pytest.raises(ProfileError) as raised:
        parse_profile(text, "cluster.yaml")
    assert str(raised.value).startswith(where) and message in str(raised.value), str(raised.value)


def test_times_need_an_offset() -> None:
    assert parse_time("2025-06-01T08:00:00Z").isoformat() == "2025-06-01T08:00:00+00:00"
    with pytest.raises(ValueError):
        parse_time("2025-06-01T08:00:00")
