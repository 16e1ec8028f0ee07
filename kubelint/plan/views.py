"""A world as plain data: one dict per object, pod, Service, endpoint set, DNS record and route.

These dicts are what a plan compares (a base world's against the new one's,
item by item, by identity) and what the JSON output prints, so their keys
follow docs/contracts/plan-output.schema.json. Each item lists in
``simulated`` the fields a real cluster would fill in differently (generated
name suffixes, addresses, node placement, node ports it picks).
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from typing import Any

from kubelint.reconcile.world import DnsRecord, Endpoints, Pod, Route, Service, World

Item = dict[str, Any]


def object_key(item: Item) -> tuple[str, str, str]:
    return (item["kind"], item.get("namespace") or "", item["name"])


def _object(api_version: str, kind: str, namespace: str | None, name: str, owner: str | None, simulated: list[str], content: Any) -> Item:
    return {
        "apiVersion": api_version, "kind": kind, "namespace": namespace, "name": name, "owner": owner,
        "simulated": simulated, "content": content,
    }


def objects(world: World) -> list[Item]:
    """Every API object of the world (``content`` is what an update compares; it is not printed)."""
    out = []
    for item in world.all_objects():
        simulated = ["name"] if "metadata.name" in item.simulated else []
        out.append(_object(item.api_version, item.kind, item.namespace, item.name, item.owner, simulated, item.data))
    for pod in world.pods.values():
        content = pod_view(pod) if pod.owner else pod_view(pod) | {"spec": pod.spec}  # a bare pod's spec is its own
        out.append(
            _object("v1", "Pod", pod.namespace, pod.name, pod.owner, ["name"] if pod.name_simulated else [], content)
        )
    for service in world.services.values():
        out.append(_object("v1", "Service", service.namespace, service.name, None, [], service_view(service)))
    for endpoints in world.endpoints.values():
        out.append(
            _object("v1", "Endpoints", endpoints.namespace, endpoints.service, None, [], endpoints_view(endpoints))
        )
    for slice_ in world.slices.values():
        simulated = [] if slice_.name == slice_.service else ["name"]
        content = {
            "ports": [{"name": name, "port": port, "protocol": protocol} for name, port, protocol in slice_.ports],
            "endpoints": [{"ip": e.ip, "ready": e.ready, "pod": e.pod} for e in slice_.endpoints],
        }
        out.append(
            _object(
                "discovery.k8s.io/v1",
                "EndpointSlice",
                slice_.namespace,
                slice_.name,
                f"Service/{slice_.service}",
                simulated,
                content,
            )
        )
    return sorted(out, key=object_key)


def pod_view(pod: Pod) -> Item:
    simulated = (
        []
        if pod.known
        else (["name"] if pod.name_simulated else []) + (["node"] if pod.node else []) + (["ip"] if pod.ip else [])
    )
    # (a live cluster's pod, kept as it is, has nothing simulated)
    return {
        "namespace": pod.namespace,
        "name": pod.name,
        "owner": pod.workload,
        "controller": pod.owner,
        "node": pod.node,
        "ip": pod.ip,
        "phase": pod.phase,
        "ready": pod.ready,
        "readyAfterSeconds": pod.ready_after,
        "reason": pod.reason,
        "hostname": pod.hostname if pod.subdomain else None,
        "unsimulated": list(pod.requirements.unsimulated),
        "simulated": simulated,
    }


def service_view(service: Service) -> Item:
    simulated = sorted(service.simulated)
    return {
        "namespace": service.namespace,
        "name": service.name,
        "type": service.type,
        "clusterIP": service.cluster_ip,
        "externalName": service.external_name,
        "ports": [
            {
                "name": p.name,
                "port": p.port,
                "targetPort": p.target_port,
                "protocol": p.protocol,
                "nodePort": p.node_port,
            }
            for p in service.ports
        ],
        "selector": dict(service.selector) if service.selector else None,
        "loadBalancer": list(service.load_balancer) if service.load_balancer else None,
        "loadBalancerNote": service.load_balancer_note,
        "healthCheckNodePort": service.health_check_node_port,
        "simulated": simulated,
    }


def endpoints_view(endpoints: Endpoints) -> Item:
    return {
        "namespace": endpoints.namespace,
        "service": endpoints.service,
        "addresses": [
            {
                "ip": a.ip,
                "port": a.port,
                "portName": a.port_name,
                "protocol": a.protocol,
                "ready": a.ready,
                "pod": a.pod,
                "hostname": a.hostname,
                "node": a.node,
            }
            for a in endpoints.addresses
            if a.port is not None
        ],
        "truncated": endpoints.truncated,
        "simulated": ["addresses[].ip", "addresses[].node"] if endpoints.managed and endpoints.addresses else [],
    }


@dataclass(frozen=True, slots=True)
class Simulated:
    """The addresses kubelint chose, in the three spellings DNS records use."""

    addresses: frozenset[str]
    labels: frozenset[str]
    """``10-244-1-7``: a pod's or endpoint's address as a DNS label."""
    pointers: frozenset[str]
    """``7.1.244.10.in-addr.arpa.``"""

    @classmethod
    def of(cls, world: World) -> "Simulated":
        """Pod IPs, allocated cluster IPs, load-balancer addresses."""
        found = {
            pod.ip
            for pod in world.pods.values()
            if pod.ip and not pod.known and pod.spec.get("hostNetwork") is not True
        }
        for service in world.services.values():
            if "clusterIP" in service.simulated and service.cluster_ip:
                found.add(service.cluster_ip)
            if "loadBalancer" in service.simulated and service.load_balancer:
                found.update(service.load_balancer)
        addresses = frozenset(ip for ip in found if ip)
        return cls(
            addresses,
            frozenset(ip.replace(".", "-").replace(":", "-") for ip in addresses),
            frozenset(ipaddress.ip_address(ip).reverse_pointer + "." for ip in addresses),
        )

    def first_label(self, name: str) -> bool:
        return name.split(".", 1)[0] in self.labels


def dns_view(record: DnsRecord, simulated: Simulated) -> Item:
    """A record, with ``name``/``value`` marked simulated when they carry a simulated address."""
    if record.type == "PTR":
        name_simulated, value_simulated = record.name in simulated.pointers, simulated.first_label(record.value)
    else:
        name_simulated = simulated.first_label(record.name)
        value_simulated = (
            record.value in simulated.addresses
            if record.type in ("A", "AAAA")
            else record.type == "SRV" and simulated.first_label(record.value.split()[-1])
        )
    return {
        "name": record.name,
        "type": record.type,
        "value": record.value,
        "owner": record.owner,
        "simulated": (["name"] if name_simulated else []) + (["value"] if value_simulated else []),
    }


def route_view(route: Route) -> Item:
    return {
        "ingress": route.ingress,
        "ingressClass": route.ingress_class,
        "host": route.host,
        "path": route.path,
        "pathType": route.path_type,
        "namespace": route.namespace,
        "service": route.service,
        "port": route.port,
        "resource": route.resource,
        "tls": route.tls,
        "endpoints": route.endpoints,
        "simulated": [],
    }
