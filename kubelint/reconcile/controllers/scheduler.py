"""Scheduler: put each new pod on a node with room for it (pkg/scheduler).

Pods are taken in the scheduling queue's order (higher priority first, then
older first; kubelint breaks ties by namespace and name). Each node goes
through the default filter plugins in their order, and the first one that
refuses gives the node's reason: TaintToleration ("node(s) had untolerated
taint {key: value}"), NodeAffinity (nodeSelector and required node affinity;
a DaemonSet pod is pinned to its node this way), NodePorts (hostPort
clashes), NodeResourcesFit ("Insufficient cpu", "Too many pods"). Nodes that
pass are scored by NodeResourcesFit's LeastAllocated strategy (free CPU and
memory after placing the pod, counting 100m and 200Mi for containers that
request nothing); the real scheduler picks at random among the best, kubelint
takes the first by name. A pod that fits nowhere stays Pending with the
scheduler's message: ``0/4 nodes are available: 1 node(s) had untolerated
taint {node-role.kubernetes.io/control-plane: }, 3 Insufficient cpu.``

Not simulated: preemption, inter-pod (anti-)affinity, topology spreading,
volume topology; the plan lists pods that use them.

A pod that names its node (``spec.nodeName``) skips the scheduler: the
node's kubelet admits it with the same resource check, or fails it
(``OutOfcpu``).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Iterable, Iterator, Mapping

from kubelint.model import FieldPath
from kubelint.reconcile.loop import Patch, Write
from kubelint.reconcile.podspec import units
from kubelint.reconcile.profile import NodeProfile, Taint
from kubelint.reconcile.world import Pod, PodRequirements, World

UNSCHEDULABLE = "plan-pod-unschedulable"

TAINT_REASON = "node(s) had untolerated taint {{{key}: {value}}}"
AFFINITY_REASON = "node(s) didn't match Pod's node affinity/selector"
PORTS_REASON = "node(s) didn't have free ports for the requested pod ports"


@dataclass(slots=True)
class NodeState:
    """A node as the scheduler's cache sees it: what the pods bound to it take."""

    node: NodeProfile
    allocatable: dict[str, int] = field(default_factory=dict)
    requested: dict[str, int] = field(default_factory=dict)
    pods: int = 0
    scored_cpu: int = 0
    scored_memory: int = 0
    host_ports: set[tuple[str, str, int]] = field(default_factory=set)
    max_pods: int = 0
    cpu_capacity: int = 0
    memory_capacity: int = 0

    def __post_init__(self) -> None:
        self.allocatable = {name: units(name, value) for name, value in self.node.allocatable.items()}
        self.max_pods = self.allocatable.get("pods", 0)
        self.cpu_capacity = self.allocatable.get("cpu", 0)
        self.memory_capacity = self.allocatable.get("memory", 0)

    def add(self, needs: PodRequirements) -> None:
        self.pods += 1
        for name, value in needs.requests.items():
            self.requested[name] = self.requested.get(name, 0) + value
        self.scored_cpu += needs.scored[0]
        self.scored_memory += needs.scored[1]
        self.host_ports.update(needs.host_ports)


def tolerates(toleration: Mapping[str, Any], taint: Taint) -> bool:
    """v1.Toleration.ToleratesTaint."""
    effect = toleration.get("effect") or ""
    if effect and effect != taint.effect:
        return False
    key = toleration.get("key") or ""
    if key and key != taint.key:
        return False
    operator = toleration.get("operator") or "Equal"
    if operator == "Exists":
        return True
    return operator == "Equal" and (toleration.get("value") or "") == taint.value


def untolerated_taint(node: NodeProfile, tolerations: Iterable[Mapping[str, Any]]) -> Taint | None:
    """The first NoSchedule/NoExecute taint no toleration tolerates (FindMatchingUntoleratedTaint)."""
    tolerations = tuple(tolerations)
    for taint in node.taints:
        if taint.effect in ("NoSchedule", "NoExecute") and not any(tolerates(t, taint) for t in tolerations):
            return taint
    return None


def _requirement_matches(requirement: Mapping[str, Any], value: str | None) -> bool:
    operator = requirement.get("operator")
    values = [str(v) for v in requirement.get("values") or []]
    if operator == "In":
        return value is not None and value in values
    if operator == "NotIn":
        return value is None or value not in values
    if operator == "Exists":
        return value is not None
    if operator == "DoesNotExist":
        return value is None
    if operator in ("Gt", "Lt") and value is not None and len(values) == 1:
        try:
            number, bound = int(value), int(values[0])
        except ValueError:
            return False
        return number > bound if operator == "Gt" else number < bound
    return False


def _term_matches(term: Mapping[str, Any], node: NodeProfile) -> bool:
    """A nodeSelectorTerm: all its requirements hold (an empty term matches nothing)."""
    expressions = [e for e in term.get("matchExpressions") or [] if isinstance(e, dict)]
    fields = [f for f in term.get("matchFields") or [] if isinstance(f, dict)]
    if not expressions and not fields:
        return False
    return all(_requirement_matches(e, node.labels.get(e.get("key", ""))) for e in expressions) and all(
        f.get("key") == "metadata.name" and _requirement_matches(f, node.name) for f in fields
    )


def matches_node_affinity(needs: PodRequirements, node: NodeProfile) -> bool:
    """nodeSelector (every label equal) and required node affinity (any term)."""
    if any(node.labels.get(key) != value for key, value in needs.node_selector.items()):
        return False
    return needs.required_terms is None or any(_term_matches(term, node) for term in needs.required_terms)


def _fit_reasons(state: NodeState, needs: PodRequirements) -> list[str]:
    """NodeResourcesFit: every resource the node lacks."""
    allocatable = state.allocatable
    reasons = []
    if state.pods >= allocatable.get("pods", 0):
        reasons.append("Too many pods")
    requested = state.requested
    for name, value in needs.requests.items():
        if requested.get(name, 0) + value > allocatable.get(name, 0):
            reasons.append(f"Insufficient {name}")
    return reasons


def _node_filters(state: NodeState, needs: PodRequirements) -> list[str]:
    """TaintToleration and NodeAffinity: they depend on the node's labels and taints only."""
    taint = untolerated_taint(state.node, needs.tolerations)
    if taint is not None:
        return [TAINT_REASON.format(key=taint.key, value=taint.value)]
    return [] if matches_node_affinity(needs, state.node) else [AFFINITY_REASON]


def _room_filters(state: NodeState, needs: PodRequirements) -> list[str]:
    """NodePorts and NodeResourcesFit: they depend on what the node already runs."""
    if needs.host_ports and any(_port_clash(port, state.host_ports) for port in needs.host_ports):
        return [PORTS_REASON]
    return _fit_reasons(state, needs)


def filter_node(state: NodeState, pod: Pod) -> list[str]:
    """Why the node cannot take the pod (the first refusing filter's reasons), or nothing."""
    return _node_filters(state, pod.requirements) or _room_filters(state, pod.requirements)


def _eligible(nodes: Iterable[NodeState], needs: PodRequirements, memo: dict[int, Any]) -> tuple[list[NodeState], list[str]]:
    """The nodes whose labels and taints admit a template, and the other nodes' reasons.

    Computed once per template: all its pods get the same answer.
    """
    found = memo.get(id(needs))
    if found is None:
        eligible, refused = [], []
        for state in nodes:
            reasons = _node_filters(state, needs)
            if reasons:
                refused.extend(reasons)
            else:
                eligible.append(state)
        found = memo[id(needs)] = (sorted(eligible, key=lambda state: state.node.name), refused)
    return found


def _port_clash(wanted: tuple[str, str, int], used: set[tuple[str, str, int]]) -> bool:
    ip, protocol, port = wanted
    return any(p == port and proto == protocol and (ip == other or "0.0.0.0" in (ip, other)) for other, proto, p in used)


def _best(eligible: list[NodeState], needs: PodRequirements, pinned: str | None) -> NodeState | None:
    """The node that fits and scores highest (the pinned one if it fits); None when none fits.

    One pass doing NodePorts, NodeResourcesFit and LeastAllocated scoring,
    ``(capacity - requested) * 100 / capacity`` for CPU and memory averaged,
    in integers as the scheduler computes it. ``eligible`` is sorted by name,
    so among equal scores the first name wins. (The hot loop of a plan: it
    runs once per pod and node, hence the plain loops.)
    """
    requests = tuple(needs.requests.items())
    cpu, memory = needs.scored
    best, best_score = None, -1
    for state in eligible:
        allocatable, requested = state.allocatable, state.requested
        if state.pods >= state.max_pods:
            continue
        for name, value in requests:
            if requested.get(name, 0) + value > allocatable.get(name, 0):
                break
        else:
            if needs.host_ports and any(_port_clash(port, state.host_ports) for port in needs.host_ports):
                continue
            if state.node.name == pinned:
                return state
            score = 0
            used = state.scored_cpu + cpu
            if 0 < state.cpu_capacity and used <= state.cpu_capacity:
                score += (state.cpu_capacity - used) * 100 // state.cpu_capacity
            used = state.scored_memory + memory
            if 0 < state.memory_capacity and used <= state.memory_capacity:
                score += (state.memory_capacity - used) * 100 // state.memory_capacity
            if score > best_score:
                best, best_score = state, score
    return best


def unschedulable_message(node_count: int, reasons: Iterable[str]) -> str:
    """FitError.Error(): ``0/N nodes are available: <count> <reason>, ...``, sorted."""
    histogram = sorted(f"{count} {reason}" for reason, count in Counter(reasons).items())
    return f"0/{node_count} nodes are available: {', '.join(histogram)}."


def _cache(world: World) -> dict[str, NodeState]:
    cache = world.memo.get("scheduler")
    if cache is None:
        cache = world.memo["scheduler"] = {node.name: NodeState(node) for node in world.profile.nodes}
    return cache


def _queue(world: World) -> list[Pod]:
    """Pods to place: those the base already ran first (they are there before anything new)."""
    waiting = [pod for pod in world.pods.values() if pod.node is None and pod.reason is None and pod.deleted_by is None and pod.phase == "Pending"]
    pins = world.pins
    waiting.sort(key=lambda p: (pins.same_pod(p) is None, -p.requirements.priority, p.created_round, p.namespace, p.name))
    return waiting


def _admit_named(nodes: dict[str, NodeState], pod: Pod) -> Patch:
    """A pod that names its node: the kubelet there admits it or fails it."""
    state = nodes.get(pod.node_name or "")
    if state is None:
        return Patch(pod, {"reason": f'its spec.nodeName "{pod.node_name}" is not a node of the cluster profile'})
    lacking = _fit_reasons(state, pod.requirements)
    if lacking:
        resource = lacking[0].removeprefix("Insufficient ").replace("Too many pods", "pods")
        return Patch(
            pod,
            {
                "phase": "Failed",
                "reason": f"OutOf{resource}: node {state.node.name} has no room; its kubelet rejects the pod",
            },
        )
    state.add(pod.requirements)
    return Patch(pod, {"node": state.node.name})


def sync(world: World) -> Iterator[Write]:
    nodes = _cache(world)
    memo: dict[int, Any] = world.memo.setdefault("scheduler-eligible", {})
    for pod in _queue(world):
        if pod.node_name is not None:
            yield _admit_named(nodes, pod)
            continue
        needs = pod.requirements
        eligible, refused_by_labels = _eligible(nodes.values(), needs, memo)
        pinned = world.pins.same_pod(pod)
        chosen = _best(eligible, needs, pinned.node if pinned else None)
        if chosen is None:
            reasons = list(refused_by_labels) + [reason for state in eligible for reason in _room_filters(state, needs)]
            yield Patch(pod, {"reason": unschedulable_message(len(nodes), reasons)})
            continue
        chosen.add(needs)
        yield Patch(pod, {"node": chosen.node.name})


def _path_for(pod: Pod, reason: str) -> FieldPath:
    """The field to change: the request that does not fit, the nodeSelector, the tolerations."""
    spec = pod.spec
    for resource in ("cpu", "memory", "ephemeral-storage"):
        if f"Insufficient {resource}" in reason or f"OutOf{resource}" in reason:
            for index, container in enumerate(spec.get("containers") or []):
                requests = (container.get("resources") or {}).get("requests") or {}
                if resource in requests:
                    return pod.spec_path + ("containers", index, "resources", "requests", resource)
    if AFFINITY_REASON in reason:
        for key in ("nodeSelector", "affinity"):
            if key in spec:
                return pod.spec_path + (key,)
    if "untolerated taint" in reason and "tolerations" in spec:
        return pod.spec_path + ("tolerations",)
    return pod.spec_path


def _cannot_run(pod: Pod) -> bool:
    return pod.phase == "Failed" or (pod.node is None and pod.reason is not None)


def problems(world: World) -> None:
    """One finding per workload whose pods cannot run, at the field to change."""
    stuck: dict[tuple[str, str], list[Pod]] = {}
    totals: Counter[tuple[str, str]] = Counter()
    for pod in sorted(world.pods.values(), key=lambda p: p.key):
        if pod.deleted_by is not None:
            continue
        group = (pod.namespace, pod.workload or f"Pod/{pod.name}")
        totals[group] += 1
        if _cannot_run(pod):
            stuck.setdefault(group, []).append(pod)
    for (namespace, workload), pods in sorted(stuck.items()):
        first = pods[0]
        total = totals[(namespace, workload)]
        kind, _, name = workload.partition("/")
        count = f"{len(pods)} of {total} pods" if total > 1 else "its pod"
        world.report(
            UNSCHEDULABLE,
            first.source,
            _path_for(first, first.reason or ""),
            f"{kind} {name}: {count} cannot run and stay{'s' if total == 1 else ''} {first.phase}: {first.reason}",
        )
