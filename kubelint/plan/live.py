"""``--live FILE``: plan against a real cluster, read from ``kubectl get ... -o yaml`` (or ``-o json``).

The file is a List of live objects: with their status, uids,
resourceVersions, managedFields and ownerReferences, and with what the
controllers made (ReplicaSets, Pods, Endpoints...). What exists stays as it
is: the pods keep their names, nodes and addresses, Services their cluster
IPs, node ports and load-balancer addresses, Deployments their ReplicaSets
(with their real pod-template-hash names).

- Objects no controller owns are the base's objects, stripped of what the
  server writes (status, uid, resourceVersion, generation,
  creationTimestamp, managedFields, the last-applied annotation...).
- What controllers made becomes pins (kubelint.reconcile.pins): Pods with
  their ``spec.nodeName`` and ``status.podIP``, a Deployment's ReplicaSets,
  and the Services' allocated addresses and ports. A pod's real revision
  label is read as kubelint's own when the live object says the pod is
  current (a StatefulSet's ``status.updateRevision``, a DaemonSet's
  ``deprecated.daemonset.template.generation``), so an unchanged workload
  does not roll.
- Endpoints and EndpointSlices of selector Services, ControllerRevisions,
  Events, Leases, the claims a StatefulSet made from its
  volumeClaimTemplates and what every cluster has (the ``kubernetes`` and
  ``kube-dns`` Services, the ``kube-root-ca.crt`` ConfigMaps, ``default``
  ServiceAccounts, the system namespaces) are the controllers' and the
  cluster's, not the manifests': they are left out.
- The plan runs on the live cluster's nodes: its Node objects, and the
  nodes its pods name that the List lacks, shaped like the profile's first
  worker with the podCIDR slice their pods' addresses are in. (A List with
  neither keeps the profile's nodes.)

The new manifests are applied as ``kubectl apply`` applies them: merged
into the live object (fields the manifest leaves out stay as the server has
them; list items are merged by their key, containers by name, ports by
number...), and a field the last applied configuration had and the manifest
no longer has is removed. A live object without that annotation (created
otherwise, or with server-side apply) loses nothing.
"""

from __future__ import annotations

import ipaddress
import json
import os
from dataclasses import replace
from typing import Any, Callable, Mapping

from kubelint.kube import namespace_of
from kubelint.loader import load
from kubelint.model import Resource
from kubelint.plan.bases import Base, BaseError
from kubelint.plan.diff import ABSENT
from kubelint.quantity import QuantityError, parse_quantity
from kubelint.reconcile.defaulting import Malformed, defaulted
from kubelint.reconcile.names import template_hash
from kubelint.reconcile.pins import PinnedPod, PinnedReplicaSet, Pins
from kubelint.reconcile.profile import (
    FIRST_NODE_ADDRESS,
    ClusterProfile,
    NodeProfile,
    Taint,
)

LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration"
DAEMONSET_GENERATION = "deprecated.daemonset.template.generation"
SERVER_METADATA = (
    "uid",
    "resourceVersion",
    "generation",
    "creationTimestamp",
    "managedFields",
    "selfLink",
    "deletionTimestamp",
    "deletionGracePeriodSeconds",
)
SERVER_ANNOTATIONS = (LAST_APPLIED, "deployment.kubernetes.io/revision", DAEMONSET_GENERATION)
DERIVED_KINDS = frozenset({"Event", "EndpointSlice", "ControllerRevision", "Lease"})
SYSTEM_OBJECTS = frozenset(
    {
        ("Service", "default", "kubernetes"),
        ("Endpoints", "default", "kubernetes"),
        ("Service", "kube-system", "kube-dns"),
    }
)
SYSTEM_NAMESPACES = frozenset({"default", "kube-node-lease", "kube-public", "kube-system"})
MERGE_KEYS = {
    "containers": ("name",),
    "initContainers": ("name",),
    "ephemeralContainers": ("name",),
    "env": ("name",),
    "volumes": ("name",),
    "volumeMounts": ("mountPath",),
    "volumeDevices": ("devicePath",),
    "imagePullSecrets": ("name",),
    "hostAliases": ("ip",),
    "ports": ("containerPort", "port"),
    "topologySpreadConstraints": ("topologyKey",),
}
"""patchMergeKey of the lists kubectl apply merges item by item; for ports, containerPort in a pod, port in a
Service, either with its protocol (TCP when not written), as their listMapKeys say."""


def _controller(data: Mapping[str, Any]) -> str | None:
    """``Kind/name`` of the ownerReference marked controller."""
    for reference in (data.get("metadata") or {}).get("ownerReferences") or []:
        if isinstance(reference, dict) and reference.get("controller") is True:
            return f"{reference.get('kind')}/{reference.get('name')}"
    return None


def _cleaned(data: Mapping[str, Any], keep_annotations: bool = False) -> dict[str, Any]:
    """The object without what the server writes (a new dict; the live one is left alone)."""
    out = {key: value for key, value in data.items() if key != "status"}
    metadata = {key: value for key, value in (data.get("metadata") or {}).items() if key not in SERVER_METADATA}
    annotations = dict(metadata.get("annotations") or {})
    for key in (LAST_APPLIED,) if keep_annotations else SERVER_ANNOTATIONS:
        annotations.pop(key, None)
    if annotations:
        metadata["annotations"] = annotations
    else:
        metadata.pop("annotations", None)
    out["metadata"] = metadata
    return out


def _key(resource: Resource) -> tuple[str, str, str]:
    return (resource.kind or "", namespace_of(resource) or "", resource.metadata.get("name") or "")


def _with_data(resource: Resource, data: dict[str, Any]) -> Resource:
    """The same object, positions and all, with other data."""
    return Resource(
        data, resource.file, resource.doc_index, resource.source_map, resource.base_path, resource.helm_source
    )


def _merge_key(field: str, items: list[Any]) -> Callable[[dict[str, Any]], Any] | None:
    """How ``kubectl apply`` matches the items of list ``field`` (None: it replaces the list whole)."""
    for key in MERGE_KEYS.get(field, ()):
        if items and all(isinstance(item, dict) and key in item for item in items):
            if field == "ports":
                return lambda item: (item[key], item.get("protocol") or "TCP")
            return lambda item: item[key]
    return None


def _keyed(items: list[Any], key: Callable[[dict[str, Any]], Any]) -> dict[Any, Any]:
    """The items by their merge key (items without one are left out)."""
    out = {}
    for item in items:
        try:
            out[key(item)] = item
        except (KeyError, TypeError):
            continue
    return out


def applied(live: Any, new: Any, last: Any, field: str = "") -> Any:
    """What the server holds after ``kubectl apply`` of ``new`` onto ``live`` (``last``: the last applied configuration)."""
    if live is ABSENT:
        return new
    if isinstance(new, dict) and isinstance(live, dict):
        last = last if isinstance(last, dict) else {}
        out = {key: applied(live.get(key, ABSENT), value, last.get(key), key) for key, value in new.items()}
        out.update((key, value) for key, value in live.items() if key not in new and key not in last)
        return out
    key = _merge_key(field, new + live) if isinstance(new, list) and isinstance(live, list) else None
    if key is not None:
        lives = _keyed(live, key)
        lasts = _keyed(last, key) if isinstance(last, list) else {}
        merged = [applied(lives.get(key(item), ABSENT), item, lasts.get(key(item)), "") for item in new]
        wanted = {key(item) for item in new}
        return merged + [item for found, item in lives.items() if found not in wanted and found not in lasts]
    return new


def _last_applied(data: Mapping[str, Any]) -> Any:
    text = ((data.get("metadata") or {}).get("annotations") or {}).get(LAST_APPLIED)
    try:
        return json.loads(text) if isinstance(text, str) else {}
    except json.JSONDecodeError:
        return {}


def _revision_name(resource: Resource, data: dict[str, Any]) -> str | None:
    """kubelint's revision name for a live StatefulSet's or DaemonSet's current template."""
    try:
        template = defaulted(_with_data(resource, data), namespace_of(resource))["spec"]["template"]
    except (Malformed, KeyError, TypeError):
        return None
    return f"{resource.metadata.get('name')}-{template_hash(template)}"


class _Reader:
    """Sorts the List's objects into the base's objects, pins and nodes."""

    def __init__(self, resources: list[Resource]) -> None:
        self.resources = resources
        self.by_key = {_key(r): r for r in resources}
        self.objects: list[Resource] = []
        self.originals: dict[tuple[str, str, str], Resource] = {}
        self.cleaned: dict[tuple[str, str, str], dict[str, Any]] = {}
        self.pins = Pins()
        self.nodes: list[NodeProfile] = []
        self.pod_ips: dict[str, list[str]] = {}
        """Node name -> the addresses of the pods it runs (a node the List names only through its pods)."""

    def skipped(self, resource: Resource) -> bool:
        kind, namespace, name = _key(resource)
        if kind in DERIVED_KINDS or (kind, namespace, name) in SYSTEM_OBJECTS:
            return True
        if (kind == "ConfigMap" and name == "kube-root-ca.crt") or (kind == "ServiceAccount" and name == "default"):
            return True
        if kind == "Namespace" and name in SYSTEM_NAMESPACES:
            return True
        if kind == "Endpoints":
            service = self.by_key.get(("Service", namespace, name))
            return service is not None and bool((service.data.get("spec") or {}).get("selector"))
        return kind == "PersistentVolumeClaim" and self._claim_of_statefulset(namespace, name)

    def _claim_of_statefulset(self, namespace: str, name: str) -> bool:
        for (kind, set_namespace, set_name), resource in self.by_key.items():
            if kind == "StatefulSet" and set_namespace == namespace:
                for claim in (resource.data.get("spec") or {}).get("volumeClaimTemplates") or []:
                    prefix = f"{(claim.get('metadata') or {}).get('name')}-{set_name}-"
                    if name.startswith(prefix) and name[len(prefix) :].isdigit():
                        return True
        return False

    def read(self) -> None:
        for resource in sorted(self.resources, key=_key):
            kind = resource.kind
            if kind == "Node":
                self.node(resource)
            elif kind == "Pod" and (resource.data.get("spec") or {}).get("nodeName"):
                ip = (resource.data.get("status") or {}).get("podIP")
                self.pod_ips.setdefault(resource.data["spec"]["nodeName"], []).extend(
                    [ip] if isinstance(ip, str) else []
                )
            if kind == "Node" or self.skipped(resource):
                continue
            owner = _controller(resource.data)
            if kind == "Pod":
                self.pod(resource, owner)
            if owner is not None:
                if kind == "ReplicaSet" and owner.startswith("Deployment/"):
                    self.replicaset(resource, owner)
                continue
            data = _cleaned(resource.data)
            if kind == "Service":
                data = self.service(resource, data)
            self.objects.append(_with_data(resource, data))
            self.originals[_key(resource)] = resource
            self.cleaned[_key(resource)] = data

    def service(self, resource: Resource, data: dict[str, Any]) -> dict[str, Any]:
        """Allocated addresses and ports are pins (kept even outside the profile's ranges), not requests."""
        namespace, name = namespace_of(resource) or "default", resource.metadata.get("name") or ""
        spec = dict(data.get("spec") or {})
        ip = spec.get("clusterIP")
        if isinstance(ip, str) and ip not in ("", "None"):
            self.pins.cluster_ips[(namespace, name)] = ip
            spec.pop("clusterIP")
        spec.pop("clusterIPs", None)
        ports = []
        for port in spec.get("ports") or []:
            if isinstance(port, dict) and isinstance(port.get("nodePort"), int):
                self.pins.node_ports[(namespace, name, port.get("port"), port.get("protocol", "TCP"))] = port[
                    "nodePort"
                ]
                port = {key: value for key, value in port.items() if key != "nodePort"}
            ports.append(port)
        if ports:
            spec["ports"] = ports
        ingress = ((resource.data.get("status") or {}).get("loadBalancer") or {}).get("ingress") or []
        addresses = tuple(
            entry.get("ip") or entry.get("hostname")
            for entry in ingress
            if isinstance(entry, dict) and (entry.get("ip") or entry.get("hostname"))
        )
        if addresses:
            self.pins.load_balancers[(namespace, name)] = addresses
        return dict(data, spec=spec)

    def replicaset(self, resource: Resource, owner: str) -> None:
        try:
            data = defaulted(
                _with_data(resource, _cleaned(resource.data, keep_annotations=True)), namespace_of(resource)
            )
        except Malformed:
            return
        key = (namespace_of(resource) or "default", owner.split("/", 1)[1])
        self.pins.replica_sets[key] = self.pins.replica_sets.get(key, ()) + (PinnedReplicaSet(data, False),)

    def pod(self, resource: Resource, owner: str | None) -> None:
        status = resource.data.get("status") or {}
        if status.get("phase") in ("Succeeded", "Failed") or resource.metadata.get("deletionTimestamp"):
            return
        namespace = namespace_of(resource) or "default"
        try:
            data = defaulted(_with_data(resource, _cleaned(resource.data)), namespace)
        except Malformed:
            return
        labels = dict(data["metadata"].get("labels") or {})
        workload = owner
        if owner and owner.startswith("ReplicaSet/"):
            replicaset = self.by_key.get(("ReplicaSet", namespace, owner.split("/", 1)[1]))
            workload = (_controller(replicaset.data) if replicaset is not None else None) or owner
        if owner:
            labels = self.current_revision(namespace, owner, labels)
        spec = data.get("spec") or {}
        self.pins.pods[(namespace, resource.metadata.get("name") or "")] = PinnedPod(
            owner, workload, spec.get("nodeName"), status.get("podIP"), labels, spec, chosen=False
        )

    def current_revision(self, namespace: str, owner: str, labels: dict[str, Any]) -> dict[str, Any]:
        """The pod's revision label in kubelint's naming, when the live owner says the pod runs its current template."""
        kind, _, name = owner.partition("/")
        workload = self.by_key.get((kind, namespace, name))
        if workload is None or kind not in ("StatefulSet", "DaemonSet"):
            return labels
        data = workload.data
        if kind == "StatefulSet":
            current = labels.get("controller-revision-hash") == (data.get("status") or {}).get("updateRevision")
        else:
            generation = ((data.get("metadata") or {}).get("annotations") or {}).get(DAEMONSET_GENERATION)
            current = generation is not None and str(labels.get("pod-template-generation")) == str(generation)
        revision = _revision_name(workload, _cleaned(data)) if current else None
        if revision is None:
            return labels
        return labels | {"controller-revision-hash": revision if kind == "StatefulSet" else revision.rsplit("-", 1)[-1]}

    def node(self, resource: Resource) -> None:
        data, status = resource.data, resource.data.get("status") or {}
        name = resource.metadata.get("name")
        try:
            capacity = {key: parse_quantity(value) for key, value in (status.get("capacity") or {}).items()}
            allocatable = {
                key: parse_quantity(value)
                for key, value in (status.get("allocatable") or status.get("capacity") or {}).items()
            }
            addresses = [
                a.get("address")
                for a in status.get("addresses") or []
                if isinstance(a, dict) and a.get("type") == "InternalIP"
            ]
            address = ipaddress.ip_address(addresses[0]) if addresses else FIRST_NODE_ADDRESS + len(self.nodes)
            cidr = (data.get("spec") or {}).get("podCIDR")
            pod_cidr = ipaddress.ip_network(cidr) if cidr else None
        except (QuantityError, ValueError, TypeError):
            return  # unreadable: if pods run on it, it is added like the other nodes the List lacks
        taints = tuple(
            Taint(t.get("key", ""), t.get("value", ""), t.get("effect", ""))
            for t in (data.get("spec") or {}).get("taints") or []
        )
        labels = {key: str(value) for key, value in (resource.metadata.get("labels") or {}).items()}
        self.nodes.append(NodeProfile(str(name), address, pod_cidr, labels, taints, capacity, allocatable))  # type: ignore[arg-type]


def _applier(reader: _Reader) -> Any:
    def apply(resources: list[Resource]) -> list[Resource]:
        out = []
        for resource in resources:
            original = reader.originals.get(_key(resource))
            if original is None:
                out.append(resource)
            else:
                merged = applied(reader.cleaned[_key(original)], resource.data, _last_applied(original.data))
                out.append(_with_data(resource, merged))
        return out

    return apply


def _profile_for(nodes: list[NodeProfile], pod_ips: dict[str, list[str]]) -> Any:
    """The live cluster's nodes instead of the profile's: its Node objects, and the nodes its pods name.

    A node known only by name is shaped like the profile's first worker, with
    the podCIDR slice that holds its pods' addresses (when that slice is free).
    """

    def adjust(profile: ClusterProfile) -> ClusterProfile:
        if not nodes and not pod_ips:
            return profile
        known = list(nodes)
        model = next((n for n in profile.nodes if not n.control_plane), profile.nodes[0])
        taken = [n.pod_cidr for n in known if n.pod_cidr is not None]
        for name in sorted(set(pod_ips) - {n.name for n in known}):
            cidr = _slice(profile, pod_ips[name], taken)
            taken += [cidr] if cidr is not None else []
            address = max((n.address for n in known), default=FIRST_NODE_ADDRESS - 1) + 1
            labels = dict(model.labels) | {"kubernetes.io/hostname": name}
            known.append(replace(model, name=name, labels=labels, address=address, pod_cidr=cidr))  # type: ignore[arg-type]
        try:
            return profile.with_nodes(known)
        except ValueError as error:
            raise BaseError(f"the live cluster's nodes: {error}") from None

    return adjust


def _slice(profile: ClusterProfile, addresses: list[str], taken: list[Any]) -> Any:
    """The node-sized slice of the pod network that holds ``addresses``, if they all share one that is free."""
    slices = set()
    for text in addresses:
        try:
            address = ipaddress.ip_address(text)
        except ValueError:
            return None
        if address not in profile.pod_cidr:
            return None
        slices.add(ipaddress.ip_network(f"{address}/{profile.node_cidr_mask_size}", strict=False))
    if len(slices) != 1:
        return None
    found = slices.pop()
    return None if any(found.overlaps(other) for other in taken) else found


def load_live(path: str) -> Base:
    """``--live FILE``: the live cluster's objects, and the pins of what it runs."""
    if not os.path.isfile(path):
        raise BaseError(f"--live {path}: no such file")
    loaded = load([path])
    reader = _Reader(loaded.resources)
    reader.read()
    return Base(
        f"the live cluster in {path}",
        reader.objects,
        reader.pins,
        list(loaded.findings),
        profile_for=_profile_for(reader.nodes, reader.pod_ips),
        applier=_applier(reader),
    )
