"""The cluster a plan is played against: nodes, address ranges, DNS domain.

A profile is a small YAML file (``kubelint plan --cluster FILE``) checked
against ``profiles/profile.schema.json``; the built-in one is
``profiles/default.yaml``. A file that cannot be used is a
:class:`ProfileError` naming its line, never a traceback.
"""

from __future__ import annotations

import ipaddress
import json
from dataclasses import dataclass, replace
from datetime import datetime
from fractions import Fraction
from functools import lru_cache
from pathlib import Path
from typing import Any, Mapping, Sequence

from kubelint.loader.datafile import DataFileError, check_schema, error_at, read_mapping
from kubelint.model import FieldPath, format_path
from kubelint.quantity import QuantityError, parse_quantity

PROFILES = Path(__file__).resolve().parent / "profiles"
DEFAULT_PROFILE = PROFILES / "default.yaml"
SCHEMA_FILE = PROFILES / "profile.schema.json"

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

CONTROL_PLANE_LABEL = "node-role.kubernetes.io/control-plane"
FIRST_NODE_ADDRESS = ipaddress.ip_address("172.18.0.2")
"""Where default node addresses start (kind's Docker network does the same)."""


ProfileError = DataFileError
"""A cluster profile that cannot be used: file, line, column and what is wrong."""


@dataclass(frozen=True, slots=True)
class Taint:
    key: str
    value: str
    effect: str

    def __str__(self) -> str:
        return f"{self.key}={self.value}:{self.effect}" if self.value else f"{self.key}:{self.effect}"


@dataclass(frozen=True, slots=True)
class NodeProfile:
    """One node as the scheduler and the kubelet see it."""

    name: str
    address: IPAddress
    pod_cidr: IPNetwork
    """Set for every node of a profile (``_place`` gives each its slice)."""
    labels: Mapping[str, str]
    taints: tuple[Taint, ...]
    capacity: Mapping[str, Fraction]
    allocatable: Mapping[str, Fraction]

    @property
    def control_plane(self) -> bool:
        return CONTROL_PLANE_LABEL in self.labels


@dataclass(frozen=True, slots=True)
class ClusterProfile:
    name: str
    source: str
    """The file it came from, or ``built-in``."""
    nodes: tuple[NodeProfile, ...]
    cluster_domain: str
    service_cidr: IPNetwork
    dns_service_ip: IPAddress
    pod_cidr: IPNetwork
    node_cidr_mask_size: int
    node_port_range: tuple[int, int]
    load_balancer_pool: tuple[tuple[int, int], ...]
    """Inclusive (first, last) address ranges, as integers."""
    namespaces: tuple[str, ...]
    now: datetime | None

    @property
    def kubernetes_service_ip(self) -> IPAddress:
        """The API server gives the ``kubernetes`` Service the range's first address."""
        return self.service_cidr.network_address + 1

    def with_nodes(self, nodes: Sequence[NodeProfile]) -> "ClusterProfile":
        """This cluster on other nodes (a live cluster's), each without a podCIDR given the next free slice."""
        return replace(self, nodes=tuple(_place(list(nodes), self.pod_cidr, self.node_cidr_mask_size)))

    def with_workers(self, count: int) -> "ClusterProfile":
        """``--nodes N``: N worker nodes shaped like the first worker, control planes kept."""
        control_planes = [node for node in self.nodes if node.control_plane]
        workers = [node for node in self.nodes if not node.control_plane]
        model = workers[0] if workers else _default_worker()
        last_address = max((node.address for node in control_planes), default=FIRST_NODE_ADDRESS - 1)
        cloned = []
        for number in range(1, count + 1):
            name = f"worker-{number}"
            labels = dict(model.labels) | {"kubernetes.io/hostname": name}
            address = last_address + number
            cloned.append(replace(model, name=name, labels=labels, address=address, pod_cidr=None))  # type: ignore[arg-type]
        nodes = _place(control_planes + cloned, self.pod_cidr, self.node_cidr_mask_size)
        return replace(self, nodes=tuple(nodes))


class _Reader:
    """Turns the validated YAML of a profile into a ClusterProfile, locating errors."""

    def __init__(self, file: str, data: dict[str, Any], source_map: Any) -> None:
        self.file, self.data, self.source_map = file, data, source_map

    def fail(self, path: FieldPath, message: str) -> ProfileError:
        where = format_path(path)
        return error_at(self.file, self.source_map, path, f"{where}: {message}" if where else message)

    def network(self, path: FieldPath, text: str) -> IPNetwork:
        try:
            return ipaddress.ip_network(text, strict=True)
        except ValueError as error:
            raise self.fail(path, f"{text!r} is not a network in CIDR form ({error})") from None

    def address(self, path: FieldPath, text: str) -> IPAddress:
        try:
            return ipaddress.ip_address(text)
        except ValueError:
            raise self.fail(path, f"{text!r} is not an IP address") from None

    def resources(self, path: FieldPath, values: Mapping[str, Any]) -> dict[str, Fraction]:
        out = {}
        for name, value in values.items():
            try:
                out[name] = parse_quantity(value)
            except QuantityError as error:
                raise self.fail(path + (name,), str(error)) from None
        return out

    def node_port_range(self) -> tuple[int, int]:
        text = self.data.get("nodePortRange", "30000-32767")
        low, high = (int(part) for part in text.split("-"))
        if not 1 <= low <= high <= 65535:
            raise self.fail(("nodePortRange",), f"{text!r} is not a range of ports within 1-65535")
        return low, high

    def pool(self, family: int) -> tuple[tuple[int, int], ...]:
        ranges = []
        for index, text in enumerate(self.data.get("loadBalancerPool", [])):
            path = ("loadBalancerPool", index)
            if "-" in text:
                first, last = (self.address(path, part.strip()) for part in text.split("-", 1))
            else:
                network = self.network(path, text)
                first, last = network[0], network[-1]
            if first.version != family or last.version != family or int(first) > int(last):
                raise self.fail(path, f"{text!r} must be a range of IPv{family} addresses, lowest first")
            ranges.append((int(first), int(last)))
        return tuple(ranges)

    def nodes(self, pod_cidr: IPNetwork, mask: int) -> list[NodeProfile]:
        nodes: list[NodeProfile] = []
        seen: set[str] = set()
        for index, spec in enumerate(self.data["nodes"]):
            path: FieldPath = ("nodes", index)
            name = spec["name"]
            if name in seen:
                raise self.fail(path + ("name",), f'node "{name}" is defined twice')
            seen.add(name)
            capacity = self.resources(path + ("capacity",), spec["capacity"])
            allocatable = self.resources(path + ("allocatable",), spec.get("allocatable", spec["capacity"]))
            labels = {
                "kubernetes.io/arch": "amd64",
                "kubernetes.io/hostname": name,
                "kubernetes.io/os": "linux",
            } | dict(spec.get("labels", {}))
            taints = tuple(Taint(t["key"], t.get("value", ""), t["effect"]) for t in spec.get("taints", []))
            address = (
                self.address(path + ("address",), spec["address"])
                if "address" in spec
                else FIRST_NODE_ADDRESS + index
            )
            node_cidr = None
            if "podCIDR" in spec:
                node_cidr = self.network(path + ("podCIDR",), spec["podCIDR"])
                if not node_cidr.subnet_of(pod_cidr):  # type: ignore[arg-type]
                    raise self.fail(path + ("podCIDR",), f"{node_cidr} is not inside podCIDR {pod_cidr}")
            nodes.append(NodeProfile(name, address, node_cidr, labels, taints, capacity, allocatable))  # type: ignore[arg-type]
        try:
            return _place(nodes, pod_cidr, mask)
        except ValueError as error:
            raise self.fail(("nodes",), str(error)) from None

    def profile(self) -> ClusterProfile:
        data = self.data
        service_cidr = self.network(("serviceCIDR",), data.get("serviceCIDR", "10.96.0.0/12"))
        pod_cidr = self.network(("podCIDR",), data.get("podCIDR", "10.244.0.0/16"))
        if pod_cidr.version != service_cidr.version:
            raise self.fail(("podCIDR",), "podCIDR and serviceCIDR must be of the same IP family")
        mask = data.get("nodeCIDRMaskSize", 24 if pod_cidr.version == 4 else 64)
        if not pod_cidr.prefixlen <= mask <= pod_cidr.max_prefixlen - 2:
            if "nodeCIDRMaskSize" not in data:
                raise self.fail(("podCIDR",), f"{pod_cidr} is smaller than one /{mask} node slice: set nodeCIDRMaskSize")
            raise self.fail(("nodeCIDRMaskSize",), f"must be between {pod_cidr.prefixlen} and {pod_cidr.max_prefixlen - 2}")
        dns_ip = self.address(("dnsServiceIP",), data.get("dnsServiceIP", "10.96.0.10"))
        if dns_ip not in service_cidr or dns_ip in (service_cidr[0], service_cidr[-1], service_cidr[1]):
            raise self.fail(("dnsServiceIP",), f"{dns_ip} must be a free address inside serviceCIDR {service_cidr}")
        now = None
        if "now" in data:
            try:
                now = parse_time(data["now"])
            except ValueError as error:
                raise self.fail(("now",), str(error)) from None
        return ClusterProfile(
            name=data.get("name", Path(self.file).stem),
            source=self.file,
            nodes=tuple(self.nodes(pod_cidr, mask)),
            cluster_domain=data.get("clusterDomain", "cluster.local"),
            service_cidr=service_cidr,
            dns_service_ip=dns_ip,
            pod_cidr=pod_cidr,
            node_cidr_mask_size=mask,
            node_port_range=self.node_port_range(),
            load_balancer_pool=self.pool(service_cidr.version),
            namespaces=tuple(sorted(set(data.get("namespaces", ["default", "kube-node-lease", "kube-public", "kube-system"])))),
            now=now,
        )


def parse_time(text: str) -> datetime:
    """An RFC 3339 time with its offset (``2025-06-01T08:00:00Z``): the moment the plan is applied."""
    try:
        moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        raise ValueError(f"{text!r} is not an RFC 3339 time with an offset, such as 2025-06-01T08:00:00Z")
    return moment


def _place(nodes: list[NodeProfile], pod_cidr: IPNetwork, mask: int) -> list[NodeProfile]:
    """Give nodes without a podCIDR the next free slice, as the node IPAM controller does."""
    taken = [node.pod_cidr for node in nodes if node.pod_cidr is not None]
    for first, second in zip(taken, taken[1:]):
        if first.overlaps(second):  # type: ignore[arg-type]
            raise ValueError(f"the podCIDRs {first} and {second} overlap")
    free = (subnet for subnet in pod_cidr.subnets(new_prefix=mask) if not any(subnet.overlaps(t) for t in taken))  # type: ignore[arg-type]
    placed = []
    for node in nodes:
        if node.pod_cidr is None:
            subnet = next(free, None)
            if subnet is None:
                raise ValueError(f"podCIDR {pod_cidr} has no /{mask} left for node {node.name}")
            node = replace(node, pod_cidr=subnet)
        placed.append(node)
    return placed


@lru_cache(maxsize=1)
def _validator() -> Any:
    import jsonschema_rs

    return jsonschema_rs.validator_for(json.loads(SCHEMA_FILE.read_text(encoding="utf-8")))


def parse_profile(text: str, file: str) -> ClusterProfile:
    """A profile from YAML text; ``file`` is how errors name it."""
    document = read_mapping(text, file, "a cluster profile")
    check_schema(document, _validator(), file)
    return _Reader(file, document.data, document.source_map).profile()


def load_profile(path: str | Path) -> ClusterProfile:
    """``--cluster FILE``."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise ProfileError(str(path), 1, 1, f"cannot read the cluster profile: {getattr(error, 'strerror', None) or error}") from None
    return parse_profile(text, str(path))


@lru_cache(maxsize=1)
def default_profile() -> ClusterProfile:
    """The built-in cluster: one tainted control plane, three 4-CPU/16Gi workers."""
    profile = parse_profile(DEFAULT_PROFILE.read_text(encoding="utf-8"), "built-in")
    return profile


def _default_worker() -> NodeProfile:
    return next(node for node in default_profile().nodes if not node.control_plane)
