"""Services, as pkg/apis/core/validation/validation.go ValidateService checks them.

The server defaults type to ClusterIP, protocol to TCP and targetPort to the
port before it validates, so an unset field reads here as its default. The
NodePort range is the API server's --service-node-port-range (30000-32767
unless the cluster changes it: the ``node-port`` rule's ``range`` option).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any, Iterator

from kubelint.checks import Problem, RuleContext
from kubelint.checks.api import integer, list_items, name_problem, quote, rename_hint
from kubelint.checks.api.pods import PROTOCOLS, kubernetes_version
from kubelint.kube import get_path
from kubelint.model import Resource, format_path
from kubelint.validation import (
    DNS1123_LABEL_MAX_LENGTH,
    dns1123_label_errors,
    dns1123_subdomain_errors,
    is_ip_address,
    port_name_errors,
    port_number_errors,
)

SERVICE_TYPES = ("ClusterIP", "NodePort", "LoadBalancer", "ExternalName")
SESSION_AFFINITIES = ("None", "ClientIP")
MAX_CLIENT_IP_AFFINITY_SECONDS = 86400
MIXED_PROTOCOL_LOAD_BALANCERS_SINCE = (1, 24)  # MixedProtocolLBService on by default


class ServiceView:
    """The fields every Service rule reads, with the server's defaults applied."""

    __slots__ = ("spec", "type", "headless", "ports")

    def __init__(self, resource: Resource) -> None:
        spec = resource.data.get("spec")
        self.spec: dict[str, Any] = spec if isinstance(spec, dict) else {}
        self.type = self.spec.get("type") or "ClusterIP"
        cluster_ips = self.spec.get("clusterIPs")
        first = cluster_ips[0] if isinstance(cluster_ips, list) and cluster_ips else None
        self.headless = "None" in (self.spec.get("clusterIP"), first)
        self.ports = list(list_items(self.spec.get("ports"), ("spec", "ports")))


@lru_cache(maxsize=1)
def service_view(resource: Resource) -> ServiceView | None:
    """The Service's view, built once for the five Service rules; None for other objects."""
    data = resource.data
    return ServiceView(resource) if data.get("kind") == "Service" and data.get("apiVersion") == "v1" else None


def _port_name_problems(service: ServiceView) -> Iterator[Problem]:
    names: set[str] = set()
    for index, port, path in service.ports:
        name = port.get("name")
        if name in (None, "") and len(service.ports) > 1:
            yield Problem(
                path,
                f"spec.ports[{index}] has no name, and a Service with more than one port must name each (the API "
                'server: "name: Required value"); name it, e.g. "http"',
                key=True,
            )
        elif isinstance(name, str) and name:
            errors = dns1123_label_errors(name)
            if errors:
                yield Problem(
                    path + ("name",),
                    f'Service port name "{name}" {name_problem(name, max_length=DNS1123_LABEL_MAX_LENGTH)}: it must '
                    f"be a DNS-1123 label {quote(errors)}; {rename_hint(name, max_length=DNS1123_LABEL_MAX_LENGTH)}",
                )
            elif name in names:
                yield Problem(
                    path + ("name",),
                    f'two ports are named "{name}" (the API server: "Duplicate value: \\"{name}\\""); rename one',
                )
            names.add(name)


def _port_value_problems(service: ServiceView) -> Iterator[Problem]:
    pairs: set[tuple[Any, Any]] = set()
    for index, port, path in service.ports:
        number, protocol = integer(port.get("port")), port.get("protocol", "TCP")
        if number is None and port.get("port") is None:
            yield Problem(
                path,
                f'spec.ports[{index}] has no port (the API server: "port: Invalid value: 0: must be '
                'between 1 and 65535, inclusive"); add port: <number>',
                key=True,
            )
        elif number is not None and port_number_errors(number):
            yield Problem(path + ("port",), f"Service port {number} {quote(port_number_errors(number))}; use 1-65535")
        if isinstance(protocol, str) and protocol not in PROTOCOLS:
            yield Problem(
                path + ("protocol",),
                f'protocol "{protocol}" is not supported (the API server: "Unsupported '
                'value: supported values: \\"SCTP\\", \\"TCP\\", \\"UDP\\""); protocols are upper case',
            )
        target = port.get("targetPort")
        if integer(target) is not None and target != 0 and port_number_errors(target):
            yield Problem(
                path + ("targetPort",),
                f"targetPort {target} {quote(port_number_errors(target))}; use 1-65535 or the name of a container port",
            )
        elif isinstance(target, str) and target and port_name_errors(target):
            hint = "write the number without quotes" if target.isdigit() else "use the name of a container port"
            yield Problem(
                path + ("targetPort",),
                f'targetPort "{target}" is neither a port number nor a valid port '
                f"name {quote(port_name_errors(target))}; {hint}",
            )
        if number is not None and (protocol, number) in pairs:
            yield Problem(
                path + ("port",),
                f'port {number}/{protocol} is listed twice (the API server: "Duplicate value"); remove one',
            )
        pairs.add((protocol, number))


def service_ports(resource: Resource, ctx: RuleContext) -> Iterator[Problem]:
    """A valid type; ports present, named when several, valid numbers, protocols and targetPorts."""
    service = service_view(resource)
    if service is None:
        return
    declared_type = service.spec.get("type")
    if isinstance(declared_type, str) and declared_type not in SERVICE_TYPES:
        yield Problem(
            ("spec", "type"),
            f'Service type "{declared_type}" is not supported (the API server: "Unsupported '
            'value: supported values: \\"ClusterIP\\", \\"ExternalName\\", \\"LoadBalancer\\", '
            '\\"NodePort\\""); types are case-sensitive',
        )
    if not service.ports and not service.headless and service.type != "ExternalName":
        yield Problem(
            ("spec", "ports") if "ports" in service.spec else ("spec",) if "spec" in resource.data else (),
            'the Service has no ports (the API server: "spec.ports: Required value"); add ports, or make it headless '
            "(clusterIP: None) or an ExternalName",
            key=True,
        )
    yield from _port_name_problems(service)
    yield from _port_value_problems(service)
    if service.type == "LoadBalancer" and kubernetes_version(ctx) < MIXED_PROTOCOL_LOAD_BALANCERS_SINCE:
        protocols = {port.get("protocol", "TCP") for _, port, _ in service.ports}
        if len(protocols) > 1:
            yield Problem(
                ("spec", "ports"),
                f"a LoadBalancer Service mixes protocols {', '.join(sorted(map(str, protocols)))}, "
                f'which Kubernetes {ctx.kubernetes_version} refuses (the API server: "may not contain more than 1 '
                "protocol when type is 'LoadBalancer'\"); use one Service per protocol",
                key=True,
            )


def _node_port_range(ctx: RuleContext) -> tuple[int, int]:
    text = str(ctx.options.get("range") or "30000-32767")
    low, _, high = text.partition("-")
    return int(low), int(high)


def node_port(resource: Resource, ctx: RuleContext) -> Iterator[Problem]:
    """nodePort only on NodePort and LoadBalancer Services, inside the node port range, used once."""
    service = service_view(resource)
    if service is None:
        return
    low, high = _node_port_range(ctx)
    seen: set[tuple[Any, int]] = set()
    for _, port, path in service.ports:
        number = integer(port.get("nodePort"))
        if not number:
            continue
        if service.type == "ClusterIP":
            yield Problem(
                path + ("nodePort",),
                'nodePort is set on a ClusterIP Service (the API server: "may not be '
                "used when `type` is 'ClusterIP'\"); set type: NodePort, or remove nodePort",
            )
        elif not low <= number <= high:
            yield Problem(
                path + ("nodePort",),
                f"nodePort {number} is outside the node port range {low}-{high} (the API "
                f'server: "provided port is not in the valid range. The range of valid ports is {low}-{high}"); '
                "pick a port in the range, or leave nodePort out to have one allocated",
            )
        key = (port.get("protocol", "TCP"), number)
        if key in seen:
            yield Problem(
                path + ("nodePort",),
                f'nodePort {number} is used twice (the API server: "Duplicate value: {number}"); use another port',
            )
        seen.add(key)


def cluster_ip(resource: Resource, ctx: RuleContext) -> Iterator[Problem]:
    """clusterIP is empty, None or an IP address; None only for ClusterIP; none at all for ExternalName."""
    service = service_view(resource)
    if service is None:
        return
    cluster_ips = service.spec.get("clusterIPs")
    candidates = [(("spec", "clusterIP"), service.spec.get("clusterIP"))]
    if isinstance(cluster_ips, list):
        candidates += [(("spec", "clusterIPs", index), value) for index, value in enumerate(cluster_ips)]
    for path, value in candidates:
        if not isinstance(value, str) or value == "":
            continue
        if service.type == "ExternalName":
            yield Problem(
                path,
                f'an ExternalName Service gets no cluster IP, but {format_path(path)} is "{value}" (the API server: '
                '"may not be set for ExternalName services"); remove it',
            )
        elif value == "None":
            if service.type in ("NodePort", "LoadBalancer"):
                yield Problem(
                    path,
                    f"clusterIP None (headless) is only for ClusterIP Services, not {service.type} (the API "
                    f"server: \"may not be set to 'None' for {service.type} services\"); remove clusterIP",
                )
        elif not is_ip_address(value):
            yield Problem(
                path,
                f'clusterIP "{value}" is not an IP address (the API server: "must be a valid IP address, '
                '(e.g. 10.9.8.7 or 2001:db8::ffff)"); use an address of the service CIDR, None, or leave it out',
            )


def external_name(resource: Resource, ctx: RuleContext) -> Iterator[Problem]:
    """An ExternalName Service names a DNS name (not an IP address)."""
    service = service_view(resource)
    if service is None or service.type != "ExternalName":
        return
    value = service.spec.get("externalName")
    if value in (None, "") or (isinstance(value, str) and not value.rstrip(".")):
        yield Problem(
            ("spec", "externalName") if "externalName" in service.spec else ("spec", "type"),
            'an ExternalName Service needs spec.externalName (the API server: "spec.externalName: Required '
            'value"); set it to the DNS name to alias, e.g. db.example.com',
            key=True,
        )
        return
    if not isinstance(value, str):
        return
    name = value[:-1] if value.endswith(".") else value
    if is_ip_address(name):
        yield Problem(
            ("spec", "externalName"),
            f'externalName "{value}" is an IP address: the cluster DNS answers with a '
            'CNAME to it, which no resolver follows (the docs: "ExternalName accepts an IPv4 address string, '
            'but treats that string as a DNS name comprised of digits"); use a DNS name, or a headless '
            "Service with manual Endpoints for an IP",
        )
        return
    errors = dns1123_subdomain_errors(name)
    if errors:
        yield Problem(
            ("spec", "externalName"),
            f'externalName "{value}" is not a DNS name {quote(errors)}; write a '
            "lowercase host name such as db.example.com (no scheme, port or path)",
        )


def session_affinity(resource: Resource, ctx: RuleContext) -> Iterator[Problem]:
    """sessionAffinity is None or ClientIP, with a timeout in 1-86400 seconds and config only for ClientIP."""
    service = service_view(resource)
    if service is None:
        return
    affinity = service.spec.get("sessionAffinity")
    config = service.spec.get("sessionAffinityConfig")
    if isinstance(affinity, str) and affinity not in SESSION_AFFINITIES:
        yield Problem(
            ("spec", "sessionAffinity"),
            f'sessionAffinity "{affinity}" is not supported (the API server: '
            '"Unsupported value: supported values: \\"ClientIP\\", \\"None\\""); use ClientIP or None',
        )
    elif affinity in (None, "None") and config is not None:
        yield Problem(
            ("spec", "sessionAffinityConfig"),
            "sessionAffinityConfig is set but sessionAffinity is None (the "
            'API server: "must not be set when session affinity is None"); set sessionAffinity: ClientIP or '
            "remove the config",
            key=True,
        )
    timeout = integer(get_path(config, ("clientIP", "timeoutSeconds")))
    if affinity == "ClientIP" and timeout is not None and not 0 < timeout <= MAX_CLIENT_IP_AFFINITY_SECONDS:
        yield Problem(
            ("spec", "sessionAffinityConfig", "clientIP", "timeoutSeconds"),
            f"timeoutSeconds {timeout} is out of "
            f'range (the API server: "must be greater than 0 and less than {MAX_CLIENT_IP_AFFINITY_SECONDS}"); '
            "use 1 to 86400 (the default is 10800)",
        )
