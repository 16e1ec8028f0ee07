"""What a (defaulted) pod spec asks of the cluster: resources, placement, ports, readiness.

Read once per template and shared by its pods. The resource sum is
component-helpers' PodRequests: the containers' requests (a limit without a
request counts as the request, as pod defaulting makes it), sidecars
(init containers with ``restartPolicy: Always``) on top, at least as much as
the largest ordinary init container needs while it runs, plus the pod
overhead. Like the scheduler, it counts in integers: millicores for CPU
(Quantity.MilliValue), whole units for the rest (Quantity.Value), both
rounded up.
"""

from __future__ import annotations

from fractions import Fraction
from math import ceil
from typing import Any, Mapping

from kubelint.quantity import parse_quantity
from kubelint.reconcile.world import PodRequirements

SYSTEM_PRIORITY_CLASSES = {"system-cluster-critical": 2_000_000_000, "system-node-critical": 2_000_001_000}
DEFAULT_SCORED_CPU = 100
DEFAULT_SCORED_MEMORY = 200 * 1024 * 1024
"""schedutil.DefaultMilliCPURequest and DefaultMemoryRequest: what scoring counts for a container that requests nothing."""


def units(name: str, quantity: Fraction) -> int:
    """A quantity in the scheduler's integer units: millicores for cpu, else whole units, rounded up."""
    return ceil(quantity * 1000) if name == "cpu" else ceil(quantity)


def _container_requests(container: Mapping[str, Any]) -> dict[str, int]:
    resources = container.get("resources") or {}
    limits = resources.get("limits") or {}
    requests = resources.get("requests") or {}
    merged = {name: units(name, parse_quantity(value)) for name, value in limits.items()}
    merged.update((name, units(name, parse_quantity(value))) for name, value in requests.items())
    return merged


def _add(total: Mapping[str, int], extra: Mapping[str, int]) -> dict[str, int]:
    out = dict(total)
    for name, value in extra.items():
        out[name] = out.get(name, 0) + value
    return out


def _max(first: Mapping[str, int], second: Mapping[str, int]) -> dict[str, int]:
    out = dict(first)
    for name, value in second.items():
        out[name] = max(out.get(name, 0), value)
    return out


def pod_requests(spec: Mapping[str, Any], containers: list[dict[str, int]]) -> dict[str, int]:
    """What the scheduler reserves on a node for this pod (not counting the pod slot).

    ``containers``: the requests of each of ``spec.containers``.
    """
    total: dict[str, int] = {}
    for requests in containers:
        total = _add(total, requests)
    sidecars: dict[str, int] = {}
    init_peak: dict[str, int] = {}
    for container in spec.get("initContainers") or []:
        requests = _container_requests(container)
        if container.get("restartPolicy") == "Always":
            sidecars = _add(sidecars, requests)
        else:
            init_peak = _max(init_peak, _add(sidecars, requests))
    total = _max(_add(total, sidecars), init_peak)
    overhead = {name: units(name, parse_quantity(value)) for name, value in (spec.get("overhead") or {}).items()}
    return {name: value for name, value in _add(total, overhead).items() if value}


def _scored(containers: list[dict[str, int]]) -> tuple[int, int]:
    """schedutil.GetNonzeroRequests summed over the containers."""
    cpu = memory = 0
    for requests in containers:
        cpu += requests.get("cpu") or DEFAULT_SCORED_CPU
        memory += requests.get("memory") or DEFAULT_SCORED_MEMORY
    return cpu, memory


def _host_ports(spec: Mapping[str, Any]) -> tuple[tuple[str, str, int], ...]:
    ports = []
    for list_name in ("initContainers", "containers"):
        for container in spec.get(list_name) or []:
            for port in container.get("ports") or []:
                if port.get("hostPort"):
                    ports.append((port.get("hostIP") or "0.0.0.0", port["protocol"], port["hostPort"]))
    return tuple(sorted(ports))


def _required_terms(spec: Mapping[str, Any]) -> tuple[Mapping[str, Any], ...] | None:
    node_affinity = (spec.get("affinity") or {}).get("nodeAffinity") or {}
    required = node_affinity.get("requiredDuringSchedulingIgnoredDuringExecution") or {}
    terms = required.get("nodeSelectorTerms")
    return tuple(t for t in terms if isinstance(t, dict)) if isinstance(terms, list) else None


def _unsimulated(spec: Mapping[str, Any]) -> tuple[str, ...]:
    affinity = spec.get("affinity") or {}
    left_out = [
        f"affinity.{kind}" for kind in ("podAffinity", "podAntiAffinity")
        if (affinity.get(kind) or {}).get("requiredDuringSchedulingIgnoredDuringExecution")
    ]
    if any(c.get("whenUnsatisfiable", "DoNotSchedule") == "DoNotSchedule"
           for c in spec.get("topologySpreadConstraints") or [] if isinstance(c, dict)):
        left_out.append("topologySpreadConstraints")
    return tuple(left_out)


def requirements(spec: Mapping[str, Any], priority_classes: Mapping[str, int], default_priority: int = 0) -> PodRequirements:
    """The scheduler's view of a pod spec."""
    priority = spec.get("priority")
    if not isinstance(priority, int) or isinstance(priority, bool):
        name = spec.get("priorityClassName")
        priority = priority_classes.get(name, default_priority) if name else default_priority
    containers = [_container_requests(container) for container in spec.get("containers") or []]
    return PodRequirements(
        requests=dict(sorted(pod_requests(spec, containers).items())),
        scored=_scored(containers),
        host_ports=_host_ports(spec),
        node_selector=spec.get("nodeSelector") or {},
        required_terms=_required_terms(spec),
        tolerations=tuple(t for t in spec.get("tolerations") or [] if isinstance(t, dict)),
        priority=priority,
        unsimulated=_unsimulated(spec),
    )


def ready_after(spec: Mapping[str, Any]) -> int:
    """Seconds from start until every readiness probe can first pass.

    A probe runs first after its initialDelaySeconds; a startup probe holds
    the readiness probe back until it has passed once.
    """
    delay = 0
    for container in spec.get("containers") or []:
        readiness = container.get("readinessProbe")
        if not readiness:
            continue
        startup = (container.get("startupProbe") or {}).get("initialDelaySeconds", 0)
        delay = max(delay, startup, readiness.get("initialDelaySeconds", 0))
    return delay


def find_port(spec: Mapping[str, Any], target: int | str, protocol: str) -> int | None:
    """podutil.FindPort: a named targetPort resolves to the container port of that name and protocol."""
    if isinstance(target, int):
        return target
    for container in spec.get("containers") or []:
        for port in container.get("ports") or []:
            if port.get("name") == target and port.get("protocol") == protocol:
                return port.get("containerPort")
    return None
