"""Cluster DNS: the records the Kubernetes DNS-based service discovery specification requires.

kubernetes/dns docs/specification.md (schema 1.1.0, quoted in seed 002):

* ``dns-version.<zone>. TXT "1.1.0"``;
* a Service with a cluster IP: ``<svc>.<ns>.svc.<zone>.`` A (AAAA for IPv6),
  the PTR record of the address, and for each named port
  ``_<port>._<proto>.<svc>.<ns>.svc.<zone>.`` SRV pointing at the Service;
* a headless Service: one A record per ready endpoint at the Service's name,
  and for each ready endpoint an A record and a PTR record at
  ``<hostname>.<svc>.<ns>.svc.<zone>.`` and an SRV record per named port
  pointing there. The hostname is the endpoint's (a StatefulSet pod's name),
  else a system-assigned one: CoreDNS uses the address with dashes
  (``10-244-1-7``), and so does kubelint. SRV records carry the endpoint's port;
* an ExternalName Service: a CNAME to the external name;
* the deprecated but required pod records ``<a>-<b>-<c>-<d>.<ns>.pod.<zone>.``.

SRV priority and weight are not prescribed; kubelint writes what CoreDNS
answers: priority 0, weight 100 shared out among the records of the set.
"""

from __future__ import annotations

import ipaddress
from collections import defaultdict

from kubelint.model import FieldPath, Resource
from kubelint.reconcile.world import DnsRecord, EndpointAddress, Service, World

SCHEMA_VERSION = "1.1.0"
COLLISION = "plan-dns-collision"


def _address_type(ip: str) -> str:
    return "AAAA" if ":" in ip else "A"


def _ptr(ip: str) -> str:
    return ipaddress.ip_address(ip).reverse_pointer + "."


def _dashed(ip: str) -> str:
    return ip.replace(".", "-").replace(":", "-")


def _srv(records: list[tuple[str, int, str]], owner: str) -> list[DnsRecord]:
    """(name, port, target) triples -> SRV records, weight shared within each name."""
    by_name: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for name, port, target in records:
        by_name[name].append((port, target))
    out = []
    for name, answers in by_name.items():
        weight = 100 // len(answers)
        out.extend(DnsRecord(name, "SRV", f"0 {weight} {port} {target}", owner) for port, target in answers)
    return out


def _cluster_ip_records(service: Service, fqdn: str) -> list[DnsRecord]:
    owner = f"Service {service.namespace}/{service.name}"
    ip = service.cluster_ip or ""
    out = [
        DnsRecord(fqdn, _address_type(ip), ip, owner),
        DnsRecord(_ptr(ip), "PTR", fqdn, owner),
    ]
    named = [(f"_{p.name}._{p.protocol.lower()}.{fqdn}", p.port, fqdn) for p in service.ports if p.name]
    return out + _srv(named, owner)


def _headless_records(world: World, service: Service, fqdn: str) -> list[DnsRecord]:
    owner = f"Service {service.namespace}/{service.name}"
    endpoints = world.endpoints.get(service.key)
    ready: list[EndpointAddress] = [a for a in endpoints.addresses if a.ready] if endpoints else []
    out = []
    seen: set[tuple[str, str]] = set()
    srv = []
    for address in sorted(ready, key=lambda a: (a.ip, a.port_name or "", a.port or 0)):
        hostname = address.hostname or _dashed(address.ip)
        target = f"{hostname}.{fqdn}"
        if (address.ip, hostname) not in seen:
            seen.add((address.ip, hostname))
            claimant = f"Pod {service.namespace}/{address.pod}" if address.hostname and address.pod else owner
            out.append(DnsRecord(fqdn, _address_type(address.ip), address.ip, owner))
            out.append(DnsRecord(target, _address_type(address.ip), address.ip, claimant))
            out.append(DnsRecord(_ptr(address.ip), "PTR", target, claimant))
        if address.port_name and address.port is not None:
            srv.append((f"_{address.port_name}._{(address.protocol or 'TCP').lower()}.{fqdn}", address.port, target))
    return out + _srv(srv, owner)


def records(world: World) -> list[DnsRecord]:
    zone = world.profile.cluster_domain
    out = [DnsRecord(f"dns-version.{zone}.", "TXT", f'"{SCHEMA_VERSION}"', "cluster DNS")]
    for service in sorted(world.services.values(), key=lambda s: s.key):
        fqdn = f"{service.name}.{service.namespace}.svc.{zone}."
        if service.type == "ExternalName":
            target = (service.external_name or "").rstrip(".") + "."
            out.append(DnsRecord(fqdn, "CNAME", target, f"Service {service.namespace}/{service.name}"))
        elif service.headless:
            out.extend(_headless_records(world, service, fqdn))
        elif service.cluster_ip:
            out.extend(_cluster_ip_records(service, fqdn))
    for pod in world.pods.values():
        if pod.ip and pod.phase == "Running" and ":" not in pod.ip and pod.spec.get("hostNetwork") is not True:
            out.append(DnsRecord(f"{_dashed(pod.ip)}.{pod.namespace}.pod.{zone}.", "A", pod.ip, f"Pod {pod.namespace}/{pod.name}"))
    return sorted(set(out), key=lambda r: (r.name, r.type, r.value))


def _claim_path(world: World, owner: str) -> tuple[Resource | None, FieldPath]:
    """Where the object claiming a name sets it: a pod's hostname, a Service's name."""
    kind, _, key = owner.partition(" ")
    namespace, _, name = key.partition("/")
    if kind == "Pod":
        pod = world.pods.get((namespace, name))
        if pod is not None:
            return pod.source, (pod.spec_path + ("hostname",) if "hostname" in pod.spec else pod.spec_path)
    service = world.services.get((namespace, name))
    return (service.source if service else None), ("metadata", "name")


def problems(world: World) -> None:
    """Names claimed by more than one object, or a CNAME sharing its name (RFC 1034 forbids it)."""
    claims: dict[str, dict[str, str]] = defaultdict(dict)
    for record in world.dns:
        if record.type in ("A", "AAAA", "CNAME"):
            claims[record.name].setdefault(record.owner, record.type)
    for name, owners in sorted(claims.items()):
        cname = "CNAME" in owners.values() and len(owners) > 1
        if len(owners) < 2 and not cname:
            continue
        reported: set[tuple[int, FieldPath]] = set()
        for owner in sorted(owners):
            source, path = _claim_path(world, owner)
            if source is None or (id(source), path) in reported:
                continue
            reported.add((id(source), path))
            others = ", ".join(o for o in sorted(owners) if o != owner)
            world.report(
                COLLISION, source, path,
                f"the DNS name {name} is claimed by {owner} and also by {others}: it resolves to "
                f"{'a CNAME and addresses at once' if cname else 'several of them'}, and clients get either",
            )
