"""Reading a live cluster (kubelint/plan/live.py): kubectl apply's merge, nodes, load balancers, JSON Lists."""

from __future__ import annotations

import json
from pathlib import Path

import yaml

from kubelint.plan import BaseSpec, render, run_plan
from kubelint.plan.diff import ABSENT
from kubelint.plan.live import applied
from kubelint.reconcile import default_profile

ROOT = Path(__file__).resolve().parent.parent
LIVE = ROOT / "fixtures" / "plan" / "live"


def test_apply_keeps_what_the_server_set_and_drops_what_was_applied_before() -> None:
    live = {
        "spec": {
            "replicas": 3,
            "revisionHistoryLimit": 10,
            "paused": False,
            "template": {
                "spec": {
                    "containers": [
                        {
                            "name": "web",
                            "image": "a",
                            "imagePullPolicy": "IfNotPresent",
                            "ports": [{"containerPort": 80, "protocol": "TCP"}],
                        },
                        {"name": "sidecar", "image": "s"},
                    ]
                }
            },
        }
    }
    last = {
        "spec": {
            "replicas": 3,
            "paused": False,
            "template": {
                "spec": {
                    "containers": [
                        {"name": "web", "image": "a", "ports": [{"containerPort": 80}]},
                        {"name": "sidecar", "image": "s"},
                    ]
                }
            },
        }
    }
    new = {
        "spec": {
            "replicas": 4,
            "template": {
                "spec": {
                    "containers": [
                        {
                            "name": "web",
                            "image": "b",
                            "ports": [{"containerPort": 80}, {"containerPort": 443}],
                            "args": ["--tls"],
                        }
                    ]
                }
            },
        }
    }
    assert applied(live, new, last) == {
        "spec": {
            "replicas": 4,
            "revisionHistoryLimit": 10,
            "template": {
                "spec": {
                    "containers": [
                        {
                            "name": "web",
                            "image": "b",
                            "imagePullPolicy": "IfNotPresent",
                            "args": ["--tls"],
                            "ports": [{"containerPort": 80, "protocol": "TCP"}, {"containerPort": 443}],
                        },
                    ]
                }
            },
        }
    }
    # without a last-applied configuration nothing goes: a sidecar added by someone else stays
    kept = applied(live, new, {})["spec"]["template"]["spec"]["containers"]
    assert [c["name"] for c in kept] == ["web", "sidecar"]
    assert applied(ABSENT, new, {}) is new


def test_a_json_list_reads_like_a_yaml_one(tmp_path: Path) -> None:
    listing = yaml.safe_load((LIVE / "cluster.yaml").read_text())
    (tmp_path / "cluster.json").write_text(json.dumps(listing, indent=2))
    report = run_plan(
        [str(LIVE / "web.yaml")], default_profile(), base=BaseSpec("live", str(tmp_path / "cluster.json"))
    )
    assert not report.plan.has_changes
    assert {p.name for p in report.plan.world.pods.values()} == {
        "web-7c5ddbdf54-2xq7p",
        "web-7c5ddbdf54-h8k4n",
        "web-7c5ddbdf54-vz9tm",
    }


NODES_AND_BALANCER = """apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: Node
  metadata:
    name: ip-10-0-1-17.ec2.internal
    labels: {kubernetes.io/hostname: ip-10-0-1-17.ec2.internal, topology.kubernetes.io/zone: us-east-1a}
    resourceVersion: "912"
    uid: 0e6f4b42-3a9c-4e3b-9d1f-3b1f0c7d2e11
  spec:
    podCIDR: 10.244.7.0/24
    taints: [{key: dedicated, value: edge, effect: NoSchedule}]
  status:
    addresses: [{type: InternalIP, address: 10.0.1.17}, {type: Hostname, address: ip-10-0-1-17.ec2.internal}]
    capacity: {cpu: "8", memory: 32Gi, pods: "58"}
    allocatable: {cpu: 7910m, memory: 30Gi, pods: "58"}
- apiVersion: v1
  kind: Service
  metadata:
    name: edge
    namespace: default
    uid: 7c1f2d3e-4b5a-4c6d-8e7f-9a0b1c2d3e4f
    resourceVersion: "5151"
  spec:
    type: LoadBalancer
    clusterIP: 172.20.14.9
    clusterIPs: [172.20.14.9]
    selector: {app: edge}
    ports: [{port: 443, protocol: TCP, targetPort: 8443, nodePort: 31443}]
  status:
    loadBalancer:
      ingress: [{hostname: a1b2c3d4e5f6-1234567890.us-east-1.elb.amazonaws.com}]
"""

EDGE = """apiVersion: v1
kind: Service
metadata:
  name: edge
spec:
  type: LoadBalancer
  selector: {app: edge}
  ports: [{port: 443, targetPort: 8443}]
"""


def test_live_nodes_and_what_the_cloud_allocated_are_kept_as_facts(tmp_path: Path) -> None:
    """The Node objects are the cluster; addresses and ports outside the profile's ranges stay, unmarked."""
    (tmp_path / "live.yaml").write_text(NODES_AND_BALANCER)
    (tmp_path / "edge.yaml").write_text(EDGE)
    report = run_plan(
        [str(tmp_path / "edge.yaml")], default_profile(), base=BaseSpec("live", str(tmp_path / "live.yaml"))
    )
    [node] = report.profile.nodes
    assert (node.name, str(node.address), str(node.pod_cidr), str(node.taints[0])) == (
        "ip-10-0-1-17.ec2.internal",
        "10.0.1.17",
        "10.244.7.0/24",
        "dedicated=edge:NoSchedule",
    )
    assert not report.plan.has_changes
    service = report.plan.world.services[("default", "edge")]
    assert (service.cluster_ip, service.ports[0].node_port) == ("172.20.14.9", 31443)
    assert service.load_balancer == ("a1b2c3d4e5f6-1234567890.us-east-1.elb.amazonaws.com",)
    assert not service.simulated
    assert "172.20.14.9*" not in render(report, "text")
