"""The scheduler: filters in the default plugin order, the scheduler's own messages, least-allocated placement."""

from __future__ import annotations

from collections import defaultdict

from hypothesis import given, settings
from hypothesis import strategies as st

from kubelint.reconcile.controllers.scheduler import NodeState, filter_node
from kubelint.reconcile.profile import default_profile

from conftest import deployment, profile_of, rules_of, world_of


def test_the_schedulers_message_for_a_pod_that_fits_nowhere() -> None:
    world = world_of(deployment("trainer", replicas=1, cpu="8"))
    [pod] = world.pods.values()
    assert pod.phase == "Pending" and pod.node is None
    assert pod.reason == (
        "0/4 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, "
        "3 Insufficient cpu."
    )
    [(rule, problem)] = world.problems
    assert rule == "plan-pod-unschedulable"
    assert problem.path == ("spec", "template", "spec", "containers", 0, "resources", "requests", "cpu")


def test_least_allocated_spreads_pods_and_fills_nodes_to_their_allocatable() -> None:
    world = world_of(deployment("web", replicas=7, cpu="1500m"))
    by_node: dict[str, int] = defaultdict(int)
    for pod in world.pods.values():
        if pod.node:
            by_node[pod.node] += 1
    assert dict(by_node) == {"worker-1": 2, "worker-2": 2, "worker-3": 2}  # 2 x 1.5 CPU fit in 4, 3 do not
    pending = [pod for pod in world.pods.values() if pod.node is None]
    assert len(pending) == 1 and "3 Insufficient cpu" in (pending[0].reason or "")


def test_too_many_pods_and_host_ports() -> None:
    profile = profile_of("nodes:\n- name: tiny\n  capacity: {cpu: '8', memory: 8Gi, pods: 2}\n")
    world = world_of(deployment("web", replicas=3), profile)
    assert sorted(p.reason or "" for p in world.pods.values())[-1] == "0/1 nodes are available: 1 Too many pods."
    text = deployment("exporter", replicas=2).replace("name: http", "name: http\n          hostPort: 9100")
    world = world_of(text, profile_of("nodes:\n- name: only\n  capacity: {cpu: '8', memory: 8Gi, pods: 110}\n"))
    reasons = sorted(p.reason or "running" for p in world.pods.values())
    assert reasons == ["0/1 nodes are available: 1 node(s) didn't have free ports for the requested pod ports.", "running"]


def test_node_selector_affinity_and_tolerations() -> None:
    profile = profile_of(
        "nodes:\n"
        "- name: gpu\n  labels: {accelerator: nvidia}\n  taints: [{key: gpu, value: 'true', effect: NoSchedule}]\n"
        "  capacity: {cpu: '8', memory: 32Gi, pods: 110, nvidia.com/gpu: 2}\n"
        "- name: plain\n  capacity: {cpu: '8', memory: 32Gi, pods: 110}\n"
    )
    selecting = deployment("train", extra_spec="nodeSelector:\n  accelerator: nvidia")
    world = world_of(selecting, profile)
    [pod] = world.pods.values()
    assert pod.reason == "0/2 nodes are available: 1 node(s) didn't match Pod's node affinity/selector, 1 node(s) had untolerated taint {gpu: true}."
    tolerating = deployment("train", extra_spec="nodeSelector:\n  accelerator: nvidia\ntolerations:\n- {key: gpu, operator: Equal, value: 'true', effect: NoSchedule}")
    [pod] = world_of(tolerating, profile).pods.values()
    assert pod.node == "gpu"
    affinity = deployment("train", extra_spec=(
        "affinity:\n  nodeAffinity:\n    requiredDuringSchedulingIgnoredDuringExecution:\n      nodeSelectorTerms:\n"
        "      - matchExpressions:\n        - {key: accelerator, operator: DoesNotExist}"
    ))
    [pod] = world_of(affinity, profile).pods.values()
    assert pod.node == "plain"


def test_a_pod_naming_its_node_skips_the_scheduler() -> None:
    text = """apiVersion: v1
kind: Pod
metadata: {name: pinned}
spec:
  nodeName: control-plane
  containers:
  - name: app
    image: example/app:1
    resources: {requests: {cpu: "3"}}
---
apiVersion: v1
kind: Pod
metadata: {name: greedy}
spec:
  nodeName: worker-1
  containers:
  - name: app
    image: example/app:1
    resources: {requests: {cpu: "5"}}
"""
    world = world_of(text)
    assert world.pods[("default", "pinned")].node == "control-plane"  # the taint is the scheduler's business
    greedy = world.pods[("default", "greedy")]
    assert greedy.phase == "Failed" and (greedy.reason or "").startswith("OutOfcpu")


def test_higher_priority_pods_are_scheduled_first() -> None:
    text = deployment("batch", replicas=2, cpu="3") + "---\n" + deployment(
        "critical", replicas=3, cpu="3", extra_spec="priorityClassName: system-cluster-critical"
    )
    world = world_of(text)
    assert {p.workload for p in world.pods.values() if p.node} == {"Deployment/critical"}


settings_kw = dict(max_examples=25, deadline=None)
workload = st.tuples(st.integers(0, 6), st.integers(1, 2500), st.integers(16, 6000))


@given(st.lists(workload, min_size=1, max_size=6), st.integers(1, 4))
@settings(**settings_kw)
def test_every_running_pod_is_on_a_node_with_room(workloads: list[tuple[int, int, int]], workers: int) -> None:
    documents = []
    for index, (replicas, millicpu, mebibytes) in enumerate(workloads):
        text = deployment(f"app{index}", replicas=replicas, cpu=f"{millicpu}m")
        documents.append(text.replace('cpu: "', f'memory: {mebibytes}Mi\n            cpu: "'))
    profile = default_profile().with_workers(workers)
    world = world_of("---\n".join(documents), profile)
    used: dict[str, NodeState] = {node.name: NodeState(node) for node in profile.nodes}
    for pod in world.pods.values():
        if pod.phase == "Running":
            assert pod.node is not None
            used[pod.node].add(pod.requirements)
    for state in used.values():
        allocatable = state.allocatable
        assert state.pods <= allocatable["pods"]
        for name, value in state.requested.items():
            assert value <= allocatable.get(name, 0), (state.node.name, name)
    for pod in world.pods.values():
        if pod.phase == "Pending":
            assert all(filter_node(state, pod) for state in used.values()), "a pending pod would fit somewhere"
    assert set(rules_of(world)) <= {"plan-pod-unschedulable"}
