"""The API server's part: which input objects get created, and what it allocates on create.

Before any controller runs, ``kubectl apply`` sends every object to the API
server, which refuses some (a kind in an apiVersion it no longer serves, an
object in a namespace that does not exist, an object it cannot decode or
validate), defaults the rest, and allocates what Services need on create:
the cluster IP and the node ports (pkg/registry/core/service). Refused
objects are left out of the plan with a finding on their own lines.

The cluster that exists before anything is applied (the profile's
namespaces, the ``kubernetes`` and ``kube-dns`` Services) is created here too,
so a plan shows it unchanged.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field
from typing import Any

from kubelint.kube import namespace_of
from kubelint.model import FieldPath, Resource, Severity
from kubelint.reconcile import allocators
from kubelint.reconcile.allocators import Pool
from kubelint.reconcile.defaulting import Malformed, defaulted
from kubelint.reconcile.kinds import unserved
from kubelint.reconcile.names import generate_name
from kubelint.reconcile.pins import Pins
from kubelint.reconcile.podspec import SYSTEM_PRIORITY_CLASSES, requirements
from kubelint.reconcile.profile import ClusterProfile
from kubelint.reconcile.world import (
    ApiObject,
    EndpointAddress,
    Endpoints,
    Pod,
    Service,
    ServicePort,
    World,
)

SKIPPED = "plan-object-skipped"
NAMESPACE_MISSING = "plan-namespace-missing"
CLUSTER_IP_CONFLICT = "plan-cluster-ip-conflict"
NODE_PORT_CONFLICT = "plan-node-port-conflict"

API_SERVER_PORT = 6443


@dataclass(slots=True)
class Pools:
    """The allocators of one cluster, and who holds what (for error messages)."""

    cluster_ips: Pool
    node_ports: Pool
    ip_holders: dict[int, str] = field(default_factory=dict)
    port_holders: dict[int, str] = field(default_factory=dict)


def _identity(resource: Resource) -> tuple[str, str, str, str]:
    return (resource.group, resource.kind or "", namespace_of(resource) or "", resource.metadata.get("name") or "")


def _location(resource: Resource) -> tuple[Any, ...]:
    return (resource.file, resource.doc_index, resource.base_path)


def _where(resource: Resource) -> str:
    line, _ = resource.locate()
    return f"{resource.file}:{line}"


def _unique(world: World, resources: list[Resource]) -> list[Resource]:
    """One object per identity; like ``kubectl apply`` over sorted files, the last one wins."""
    ordered = sorted(resources, key=_location)
    last: dict[tuple[str, str, str, str], Resource] = {}
    for resource in ordered:
        if resource.metadata.get("name"):
            last[_identity(resource)] = resource
    kept = []
    for resource in ordered:
        winner = last.get(_identity(resource))
        if winner is not None and winner is not resource:
            message = (
                f"{resource.kind} {resource.name} is defined again at {_where(winner)}; kubectl apply "
                "applies both and the later one wins, so the plan uses that one"
            )
            world.problems.append((SKIPPED, _problem(resource, ("metadata", "name"), message, Severity.WARNING)))
            continue
        kept.append(resource)
    return kept


def _problem(resource: Resource, path: FieldPath, message: str, severity: Severity | None = None) -> Any:
    from kubelint.checks import Problem

    return Problem(path, message, severity=severity, resource=resource)


def _skip(world: World, resource: Resource, path: FieldPath, reason: str, rule: str = SKIPPED) -> None:
    world.report(rule, resource, path, f"{resource.kind} {resource.name} is left out of the plan: {reason}")


def _system_objects(world: World, pools: Pools) -> None:
    profile = world.profile
    for namespace in profile.namespaces:
        data = {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": namespace}}
        world.objects.setdefault("Namespace", {})[("Namespace", "", namespace)] = ApiObject(
            "Namespace", "v1", None, namespace, data, None
        )
    api_ip, dns_ip = profile.kubernetes_service_ip, profile.dns_service_ip
    for ip, holder in ((api_ip, "Service default/kubernetes"), (dns_ip, "Service kube-system/kube-dns")):
        pools.cluster_ips.claim(int(ip))
        pools.ip_holders[int(ip)] = holder
    kubernetes = Service(
        "default", "kubernetes", "ClusterIP", str(api_ip), (ServicePort("https", 443, API_SERVER_PORT, "TCP"),),
        None, None, system=True,
    )
    dns_ports = (
        ServicePort("dns", 53, 53, "UDP"), ServicePort("dns-tcp", 53, 53, "TCP"), ServicePort("metrics", 9153, 9153, "TCP"),
    )
    kube_dns = Service("kube-system", "kube-dns", "ClusterIP", str(dns_ip), dns_ports, {"k8s-app": "kube-dns"}, None, system=True)
    world.services[kubernetes.key] = kubernetes
    world.services[kube_dns.key] = kube_dns
    control_plane = next((node for node in profile.nodes if node.control_plane), profile.nodes[0])
    address = EndpointAddress(str(control_plane.address), API_SERVER_PORT, "https", "TCP", True, None, None, None)
    world.endpoints[kubernetes.key] = Endpoints("default", "kubernetes", (address,), managed=False)


def _readable(world: World, resource: Resource) -> bool:
    """apiVersion, kind and metadata as the API server needs them to even look at the object."""
    if not (resource.kind and resource.api_version) or not isinstance(resource.data.get("metadata", {}), dict):
        _skip(world, resource, ("metadata",), "it needs apiVersion, kind and a metadata mapping")
        return False
    for field in ("name", "generateName", "namespace"):
        value = resource.metadata.get(field)
        if value is not None and not isinstance(value, str):
            _skip(world, resource, ("metadata", field), resource.type_error(("metadata", field), "string"))
            return False
    if not resource.metadata.get("name") and not resource.metadata.get("generateName"):
        _skip(world, resource, ("metadata",), "it has neither metadata.name nor metadata.generateName")
        return False
    return True


def _accepted(world: World, resources: list[Resource]) -> list[tuple[Resource, dict[str, Any], str]]:
    """Input objects the API server would create: (resource, defaulted data, name)."""
    profile = world.profile
    namespaces = set(profile.namespaces) | {
        r.metadata.get("name") for r in resources if r.kind == "Namespace" and r.group == "" and unserved("Namespace", r.api_version or "", world.kubernetes_version) is None
    }
    taken: set[tuple[str, str, str]] = set()
    accepted = []
    for resource in _unique(world, [r for r in resources if _readable(world, r)]):
        kind, api_version = resource.kind or "", resource.api_version or ""
        refusal = unserved(kind, api_version, world.kubernetes_version)
        if refusal is not None:
            _skip(world, resource, ("apiVersion",), f"kubectl apply fails: {refusal}")
            continue
        namespace = namespace_of(resource)
        if namespace is not None and namespace not in namespaces:
            path: FieldPath = ("metadata", "namespace") if resource.namespace else ("metadata",)
            _skip(
                world, resource, path,
                f'kubectl apply fails with namespaces "{namespace}" not found: add a Namespace object '
                "or list the namespace under namespaces: in the cluster profile",
                NAMESPACE_MISSING,
            )
            continue
        try:
            data = defaulted(resource, namespace)
        except Malformed as error:
            _skip(world, resource, error.path, error.message)
            continue
        name = resource.metadata.get("name")
        if not isinstance(name, str) or not name:
            prefix = resource.metadata.get("generateName") or ""
            name = generate_name(prefix, {t[2] for t in taken if t[:2] == (kind, namespace or "")}, _where(resource))
            data["metadata"]["name"] = name
        taken.add((kind, namespace or "", name))
        accepted.append((resource, data, name))
    return accepted


class _ServiceAdmission:
    """Cluster IPs and node ports for the input's Services: pinned values, then requested ones, then the rest."""

    def __init__(self, world: World, pools: Pools) -> None:
        self.world, self.pools = world, pools
        self.version = world.profile.service_cidr.version
        self.kept_ips: dict[tuple[str, str], str] = {}
        self.kept_ports: dict[tuple[str, str], set[int]] = {}

    def keep(self, data: dict[str, Any]) -> None:
        """Claim what the base allocated to this Service, before any new request: it exists already.

        A pinned value is a fact of the running cluster, kept even outside
        the profile's ranges (a live cluster's may differ from the profile).
        A clusterIP the manifest now asks to change is not kept: that update
        is refused (see kubelint.plan.immutable).
        """
        spec = data["spec"]
        namespace, name = data["metadata"]["namespace"], data["metadata"]["name"]
        holder = f"Service {namespace}/{name}"
        pins = self.world.pins
        pinned_ip = pins.cluster_ips.get((namespace, name))
        if pinned_ip and spec["type"] != "ExternalName" and spec.get("clusterIP") in (None, "", pinned_ip):
            value = int(ipaddress.ip_address(pinned_ip))
            if value not in self.pools.cluster_ips or self.pools.cluster_ips.claim(value):
                self.pools.ip_holders[value] = holder
                self.kept_ips[(namespace, name)] = pinned_ip
        for port in spec.get("ports") or []:
            pinned_port = pins.node_ports.get((namespace, name, port["port"], port["protocol"]))
            if pinned_port is not None and port.get("nodePort") in (None, pinned_port):
                if pinned_port not in self.pools.node_ports or self.pools.node_ports.claim(pinned_port):
                    self.pools.port_holders[pinned_port] = holder
                    self.kept_ports.setdefault((namespace, name), set()).add(pinned_port)

    def _claim_ip(self, text: str, holder: str) -> str | None:
        """None when granted, else the API server's reason."""
        try:
            ip = ipaddress.ip_address(text)
        except ValueError:
            return f"{text!r} is not an IP address"
        cidr = self.world.profile.service_cidr
        if int(ip) not in self.pools.cluster_ips:
            return f"the provided IP ({text}) is not in the valid range. The range of valid IPs is {cidr}"
        if not self.pools.cluster_ips.claim(int(ip)):
            return f"provided IP is already allocated (to {self.pools.ip_holders[int(ip)]})"
        self.pools.ip_holders[int(ip)] = holder
        return None

    def _claim_port(self, number: int, holder: str, mine: set[int]) -> str | None:
        low, high = self.world.profile.node_port_range
        if number in mine:
            return None
        if number not in self.pools.node_ports:
            return f"provided port is not in the valid range. The range of valid ports is {low}-{high}"
        if not self.pools.node_ports.claim(number):
            return f"provided port is already allocated (to {self.pools.port_holders[number]})"
        self.pools.port_holders[number] = holder
        mine.add(number)
        return None

    def admit(self, resource: Resource, data: dict[str, Any]) -> Service | None:
        spec = data["spec"]
        namespace, name = data["metadata"]["namespace"], data["metadata"]["name"]
        holder = f"Service {namespace}/{name}"
        pinned = self.world.pins
        kind = spec["type"]
        cluster_ip: str | None = None
        kept = self.kept_ips.get((namespace, name))
        if kind != "ExternalName":
            requested = spec.get("clusterIP") or kept
            if requested == "None":
                cluster_ip = "None"
            elif requested and requested == kept:
                cluster_ip = kept
            elif requested:
                problem = self._claim_ip(requested, holder)
                if problem is not None:
                    self._refuse(resource, ("spec", "clusterIP"), f"failed to allocate IP {requested}: {problem}", CLUSTER_IP_CONFLICT)
                    return None
                cluster_ip = requested
        chosen = {"clusterIP"} if kept and cluster_ip == kept and ("clusterIP", namespace, name) in pinned.chosen else set()
        ports, mine = [], set(self.kept_ports.get((namespace, name), ()))
        for index, port in enumerate(spec.get("ports") or []):
            node_port = port.get("nodePort") or pinned.node_ports.get((namespace, name, port["port"], port["protocol"]))
            if (
                not port.get("nodePort")
                and ("nodePort", namespace, name, port["port"], port["protocol"]) in pinned.chosen
            ):
                chosen.add(f"ports[{index}].nodePort")
            if node_port is not None:
                problem = self._claim_port(node_port, holder, mine)
                if problem is not None:
                    self._release(cluster_ip, mine)
                    self._refuse(
                        resource,
                        ("spec", "ports", index, "nodePort"),
                        f"spec.ports[{index}].nodePort {node_port}: {problem}",
                        NODE_PORT_CONFLICT,
                    )
                    return None
            ports.append(ServicePort(port.get("name"), port["port"], port["targetPort"], port["protocol"], node_port))
        service = Service(
            namespace,
            name,
            kind,
            cluster_ip,
            tuple(ports),
            spec.get("selector") or None,
            resource,
            external_name=spec.get("externalName") if kind == "ExternalName" else None,
            publish_not_ready=spec["publishNotReadyAddresses"],
            load_balancer_ip=spec.get("loadBalancerIP") if isinstance(spec.get("loadBalancerIP"), str) else None,
            load_balancer_class=spec.get("loadBalancerClass")
            if isinstance(spec.get("loadBalancerClass"), str)
            else None,
            simulated=frozenset(chosen),
        )
        return service

    def _release(self, cluster_ip: str | None, ports: set[int]) -> None:
        if cluster_ip and cluster_ip != "None":
            self.pools.cluster_ips.used.discard(int(ipaddress.ip_address(cluster_ip)))
        self.pools.node_ports.used.difference_update(ports)

    def _refuse(self, resource: Resource, path: FieldPath, reason: str, rule: str) -> None:
        _skip(self.world, resource, path, f"kubectl apply fails: {reason}", rule)

    def allocate(self, service: Service, data: dict[str, Any]) -> bool:
        """The values nobody asked for: the API server picks them (simulated). False: none left."""
        spec = data["spec"]
        owner = f"{service.namespace}/{service.name}"
        simulated = set(service.simulated)
        if service.cluster_ip is None and service.type != "ExternalName":
            value = self.pools.cluster_ips.allocate(owner)
            if value is None:
                assert service.source is not None
                self._refuse(
                    service.source,
                    ("spec",),
                    f"no free cluster IP left in {self.world.profile.service_cidr}",
                    CLUSTER_IP_CONFLICT,
                )
                return False
            service.cluster_ip = allocators.address(value, self.version)
            self.pools.ip_holders[value] = f"Service {owner}"
            simulated.add("clusterIP")
        wants_node_ports = service.type == "NodePort" or (
            service.type == "LoadBalancer" and spec.get("allocateLoadBalancerNodePorts", True)
        )
        ports = []
        for index, port in enumerate(service.ports):
            if port.node_port is None and wants_node_ports:
                value = self.pools.node_ports.allocate(f"{owner}/{port.port}/{port.protocol}")
                if value is not None:
                    self.pools.port_holders[value] = f"Service {owner}"
                    port = ServicePort(port.name, port.port, port.target_port, port.protocol, value)
                    simulated.add(f"ports[{index}].nodePort")
            ports.append(port)
        service.ports = tuple(ports)
        if service.type == "LoadBalancer" and spec.get("externalTrafficPolicy") == "Local":
            requested = spec.get("healthCheckNodePort")
            if isinstance(requested, int) and self.pools.node_ports.claim(requested):
                service.health_check_node_port = requested
            else:
                service.health_check_node_port = self.pools.node_ports.allocate(f"{owner}/healthCheck")
                simulated.add("healthCheckNodePort")
        service.simulated = frozenset(simulated)
        return True


def _admit_services(world: World, pools: Pools, entries: list[tuple[Resource, dict[str, Any]]]) -> None:
    admission = _ServiceAdmission(world, pools)
    ordered = sorted(entries, key=lambda entry: (entry[1]["metadata"]["namespace"], entry[1]["metadata"]["name"]))
    for _, data in ordered:
        admission.keep(data)
    granted = [
        (service, data) for resource, data in ordered if (service := admission.admit(resource, data)) is not None
    ]
    for service, data in granted:
        if admission.allocate(service, data):
            world.services[service.key] = service


def _admit_endpoints(world: World, entries: list[tuple[Resource, dict[str, Any]]]) -> None:
    """Endpoints objects from the input: what a Service without a selector routes to."""
    for resource, data in entries:
        namespace, name = data["metadata"]["namespace"], data["metadata"]["name"]
        addresses = []
        for subset in data.get("subsets") or []:
            if not isinstance(subset, dict):
                continue
            ports = [p for p in subset.get("ports") or [] if isinstance(p, dict)] or [{}]
            for ready, key in ((True, "addresses"), (False, "notReadyAddresses")):
                for entry in subset.get(key) or []:
                    if not isinstance(entry, dict) or not isinstance(entry.get("ip"), str):
                        continue
                    for port in ports:
                        addresses.append(
                            EndpointAddress(
                                entry["ip"],
                                port.get("port"),
                                port.get("name"),
                                port.get("protocol", "TCP") if port else None,
                                ready,
                                None,
                                entry.get("hostname"),
                                entry.get("nodeName"),
                            )
                        )
        world.endpoints[(namespace, name)] = Endpoints(
            namespace, name, tuple(addresses), managed=False, source=resource
        )


def priority_classes(world: World) -> tuple[dict[str, int], int]:
    """PriorityClass name -> value (system classes included), and the global default's value."""
    values = dict(SYSTEM_PRIORITY_CLASSES)
    default = 0
    for item in world.objects_of("PriorityClass"):
        value = item.data.get("value")
        if isinstance(value, int) and not isinstance(value, bool):
            values[item.name] = value
            if item.data.get("globalDefault") is True:
                default = value
    return values, default


def _controller_of(metadata: dict[str, Any]) -> str | None:
    """``Kind/name`` of the ownerReference marked controller: a pod that has one is no orphan."""
    for reference in metadata.get("ownerReferences") or []:
        if isinstance(reference, dict) and reference.get("controller") is True:
            return f"{reference.get('kind')}/{reference.get('name')}"
    return None


def _admit_pods(world: World, entries: list[tuple[Resource, dict[str, Any]]]) -> None:
    classes, default = priority_classes(world)
    for resource, data in entries:
        spec = data["spec"]
        metadata = data["metadata"]
        controller = _controller_of(metadata)
        pod = Pod(
            metadata["namespace"],
            metadata["name"],
            metadata.get("labels") or {},
            spec,
            requirements(spec, classes, default),
            resource,
            ("spec",),
            created_round=0,
            owner=controller,
            workload=controller,
            name_simulated=not resource.metadata.get("name"),
            hostname=spec.get("hostname"),
            subdomain=spec.get("subdomain"),
            node_name=spec.get("nodeName"),
        )
        world.pods[pod.key] = pod
        world.pod_index.add(pod.namespace, pod.name, pod.labels)


def admit(resources: list[Resource], profile: ClusterProfile, kubernetes_version: str, pins: Pins) -> World:
    """The world right after ``kubectl apply``: objects created, nothing reconciled yet."""
    world = World(profile, kubernetes_version, pins)
    low, high = profile.node_port_range
    pools = Pools(allocators.service_ip_pool(profile.service_cidr), allocators.node_port_pool(low, high))
    _system_objects(world, pools)
    by_kind: dict[str, list[tuple[Resource, dict[str, Any]]]] = {"Service": [], "Pod": [], "Endpoints": []}
    for resource, data, name in _accepted(world, resources):
        kind = data["kind"]
        if kind in by_kind and resource.group == "":
            by_kind[kind].append((resource, data))
            continue
        namespace = data["metadata"].get("namespace")
        simulated = frozenset() if resource.metadata.get("name") else frozenset({"metadata.name"})
        item = ApiObject(kind, data["apiVersion"], namespace, name, data, resource, simulated=simulated)
        world.objects.setdefault(kind, {})[item.key] = item
    _admit_services(world, pools, by_kind["Service"])
    _admit_endpoints(world, by_kind["Endpoints"])
    _admit_pods(world, by_kind["Pod"])
    world.touched_namespaces = {pod.namespace for pod in world.pods.values()} | {
        s.namespace for s in world.services.values()
    }
    return world
