"""What the simulated cluster holds: the records controllers read and write.

The API objects that matter to a plan have their own record types (Pod,
Service, Endpoints, EndpointSlice); every other object (the input's
Deployments, ConfigMaps, Ingresses... and what controllers derive from them:
ReplicaSets, Jobs, PersistentVolumeClaims) is an :class:`ApiObject` holding
its defaulted manifest. A :class:`World` is the whole cluster: the store the
controllers work on, then, once they have nothing left to do, the DNS
records and ingress routes read from it.

Records point back at the input :class:`~kubelint.model.Resource` that
caused them (``source``) so every finding lands on the line of the object
to change. Derived records share their template's dicts (never copied per
pod, never mutated).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Mapping

from kubelint.model import FieldPath, Resource
from kubelint.reconcile.podindex import PodIndex
from kubelint.reconcile.profile import ClusterProfile

if TYPE_CHECKING:  # pragma: no cover - typing only
    from kubelint.reconcile.pins import Pins

ObjectKey = tuple[str, str, str]
"""(kind, namespace or "" for cluster-scoped objects, name)."""

NamespacedName = tuple[str, str]


@dataclass(slots=True, eq=False)
class ApiObject:
    """Any API object in the cluster, given or derived."""

    kind: str
    api_version: str
    namespace: str | None
    name: str
    data: dict[str, Any]
    """The defaulted manifest (a copy; the input's own data is never changed)."""
    source: Resource | None
    """The input object this is, or the one it derives from."""
    owner: str | None = None
    """``Kind/name`` of the controller that created it."""
    simulated: frozenset[str] = frozenset()
    """Fields a real cluster would choose differently (``metadata.name``...)."""
    note: str | None = None
    """What the plan says about it beside its name (e.g. a CronJob's first run)."""

    @property
    def key(self) -> ObjectKey:
        return (self.kind, self.namespace or "", self.name)

    @property
    def ref(self) -> str:
        return f"{self.kind}/{self.name}"

    @property
    def spec(self) -> dict[str, Any]:
        return self.data["spec"]


@dataclass(frozen=True, slots=True)
class PodRequirements:
    """What the scheduler needs to know of a pod template, computed once per template."""

    requests: Mapping[str, int]
    """Resource name -> amount in the scheduler's units (podspec.units), summed as it sums them."""
    scored: tuple[int, int]
    """(millicores, bytes) the scorer counts: 100m and 200Mi for containers that request none."""
    host_ports: tuple[tuple[str, str, int], ...]
    """(hostIP, protocol, hostPort) the pod binds on its node."""
    node_selector: Mapping[str, str]
    required_terms: tuple[Mapping[str, Any], ...] | None
    """requiredDuringScheduling nodeSelectorTerms (ORed), or None."""
    tolerations: tuple[Mapping[str, Any], ...]
    priority: int
    unsimulated: tuple[str, ...] = ()
    """Scheduling constraints the plan does not simulate (inter-pod affinity...)."""


@dataclass(slots=True, eq=False)
class Pod:
    namespace: str
    name: str
    labels: dict[str, str]
    spec: dict[str, Any]
    """The defaulted pod spec, shared by every pod of the same template."""
    requirements: PodRequirements
    source: Resource | None
    spec_path: FieldPath
    """Where the pod spec is inside ``source`` (for findings' positions)."""
    created_round: int
    owner: str | None = None
    """The controlling owner (``ReplicaSet/web-5d8f7c9b4``), None for a bare pod."""
    workload: str | None = None
    """The top-level owner (``Deployment/web``), None for a bare pod."""
    name_simulated: bool = False
    hostname: str | None = None
    subdomain: str | None = None
    node_name: str | None = None
    """``spec.nodeName``: the pod skips the scheduler and goes to that node's kubelet."""
    target_node: str | None = None
    """The one node a DaemonSet pod is for (its node affinity)."""
    node: str | None = None
    ip: str | None = None
    phase: str = "Pending"
    ready: bool = False
    ready_after: int | None = None
    """Seconds after start at which the readiness probes can first pass."""
    reason: str | None = None
    """Why the pod is Pending."""
    service_env: "ServiceEnvironment | None" = None
    deleted_by: str | None = None
    """The controller that deletes this pod right after adopting it."""
    known: bool = False
    """A live cluster's pod, kept: its name, node and address are facts, not kubelint's choice."""

    @property
    def key(self) -> NamespacedName:
        return (self.namespace, self.name)


@dataclass(frozen=True, slots=True)
class ServiceEnvironment:
    """The ``{SVC}_SERVICE_HOST``-style variables the kubelet gives a pod at start."""

    namespace: str
    services: tuple[NamespacedName, ...]
    variables: tuple[tuple[str, str], ...]


@dataclass(frozen=True, slots=True)
class ServicePort:
    name: str | None
    port: int
    target_port: int | str
    protocol: str
    node_port: int | None = None


@dataclass(slots=True, eq=False)
class Service:
    namespace: str
    name: str
    type: str
    cluster_ip: str | None
    """An address, ``None`` (the string) for headless, None for ExternalName."""
    ports: tuple[ServicePort, ...]
    selector: Mapping[str, str] | None
    source: Resource | None
    external_name: str | None = None
    publish_not_ready: bool = False
    load_balancer: tuple[str, ...] | None = None
    """Assigned external addresses; None while pending."""
    load_balancer_note: str | None = None
    load_balancer_ip: str | None = None
    """``spec.loadBalancerIP``: the address asked for."""
    load_balancer_class: str | None = None
    health_check_node_port: int | None = None
    simulated: frozenset[str] = frozenset()
    system: bool = False
    """Part of the cluster before anything is applied (kubernetes, kube-dns)."""

    @property
    def key(self) -> NamespacedName:
        return (self.namespace, self.name)

    @property
    def headless(self) -> bool:
        return self.cluster_ip == "None"


@dataclass(frozen=True, slots=True)
class EndpointAddress:
    ip: str
    port: int | None
    port_name: str | None
    protocol: str | None
    ready: bool
    pod: str | None
    hostname: str | None
    node: str | None


@dataclass(slots=True, eq=False)
class Endpoints:
    """The Endpoints object of a Service (flattened: one address per port)."""

    namespace: str
    service: str
    addresses: tuple[EndpointAddress, ...]
    truncated: bool = False
    """More than 1000 addresses: the controller keeps 1000 and says so."""
    managed: bool = True
    """False for an Endpoints object given in the input (selectorless Service)."""
    source: Resource | None = None
    """The input object, for an Endpoints object given in the input."""

    @property
    def key(self) -> NamespacedName:
        return (self.namespace, self.service)


@dataclass(frozen=True, slots=True)
class EndpointSlice:
    namespace: str
    name: str
    service: str
    ports: tuple[tuple[str | None, int, str], ...]
    """(name, port, protocol) shared by every endpoint of the slice."""
    endpoints: tuple[EndpointAddress, ...]

    @property
    def key(self) -> NamespacedName:
        return (self.namespace, self.name)


@dataclass(frozen=True, slots=True)
class DnsRecord:
    name: str
    type: str
    value: str
    owner: str
    """What claims the name: ``Service ns/name`` or ``Pod ns/name``."""


@dataclass(frozen=True, slots=True)
class Route:
    ingress: str
    """namespace/name of the Ingress."""
    ingress_class: str | None
    host: str
    path: str
    path_type: str
    namespace: str
    service: str
    port: int | str
    tls: bool
    endpoints: int
    resource: str | None = None
    """``Kind/name`` of a resource backend (instead of a service)."""
    source: Resource | None = None
    backend_path: FieldPath = ()
    """Where the backend is written in the Ingress (for findings)."""


@dataclass(slots=True)
class World:
    """The simulated cluster."""

    profile: ClusterProfile
    kubernetes_version: str
    pins: "Pins"
    objects: dict[str, dict[ObjectKey, ApiObject]] = field(default_factory=dict)
    """kind -> key -> object."""
    pods: dict[NamespacedName, Pod] = field(default_factory=dict)
    services: dict[NamespacedName, Service] = field(default_factory=dict)
    endpoints: dict[NamespacedName, Endpoints] = field(default_factory=dict)
    slices: dict[NamespacedName, EndpointSlice] = field(default_factory=dict)
    dns: list[DnsRecord] = field(default_factory=list)
    routes: list[Route] = field(default_factory=list)
    problems: list[Any] = field(default_factory=list)
    """(rule id, kubelint.checks.Problem) pairs: the planner's findings."""
    rounds: int = 0
    """The current round; once settled, how many the controllers needed (a round is a tick of time)."""
    pod_index: PodIndex = field(default_factory=PodIndex)
    touched_namespaces: set[str] = field(default_factory=set)
    """Namespaces whose Services, or pods' addresses and readiness, changed in the last round:
    what the endpoint controllers revisit."""
    memo: dict[Any, Any] = field(default_factory=dict)
    """Controllers' private caches (template hashes, the scheduler's view of each node...)."""

    def objects_of(self, kind: str) -> list[ApiObject]:
        """Every object of ``kind``, in a stable order."""
        return sorted(self.objects.get(kind, {}).values(), key=lambda o: o.key)

    def get(self, kind: str, namespace: str | None, name: str) -> ApiObject | None:
        return self.objects.get(kind, {}).get((kind, namespace or "", name))

    def all_objects(self) -> list[ApiObject]:
        return [o for table in self.objects.values() for o in table.values()]

    def report(self, rule: str, resource: Resource | None, path: FieldPath, message: str) -> None:
        """Record a planner finding about ``resource`` (findings without a source are dropped)."""
        from kubelint.checks import Problem

        if resource is not None:
            self.problems.append((rule, Problem(path, message, resource=resource)))
