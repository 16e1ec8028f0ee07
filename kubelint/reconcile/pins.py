"""What a base world already holds, which a new plan keeps.

A running cluster does not renumber what exists: a Service keeps its cluster
IP and node ports, a pod keeps its name, node and address, a Deployment keeps
its ReplicaSets (the current one, and the old ones as its rollout history). A
plan against a base (the manifests at another git ref or in another
directory, a saved state, the live cluster) reconciles the new manifests
with the base's pins: the allocators, the scheduler, the kubelet and the
workload controllers honour them before choosing anything themselves.

A pod is kept only while it is the same pod: same controller and same
template revision (its ``pod-template-hash`` or ``controller-revision-hash``
label). A pod a rollout replaces is a new pod, with a new name (or, for a
StatefulSet, the same name) and a new place.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Collection, Mapping

from kubelint.reconcile.world import NamespacedName, ObjectKey, Pod, World

REVISION_LABELS = ("pod-template-hash", "controller-revision-hash")
"""The labels that name the template revision a controller's pod runs."""


def revision_of(labels: Mapping[str, Any]) -> str | None:
    """The template revision a pod's labels name, or None (bare pods, Jobs)."""
    for label in REVISION_LABELS:
        value = labels.get(label)
        if isinstance(value, str):
            return value
    return None


@dataclass(frozen=True, slots=True)
class PinnedPod:
    """A pod of the base: its controller, where it runs and the template it runs."""

    owner: str | None
    """``Kind/name`` of its controller (``ReplicaSet/web-5d8f7c9b4``), None for a bare pod."""
    workload: str | None
    """``Kind/name`` of its top-level owner (``Deployment/web``)."""
    node: str | None
    ip: str | None
    labels: dict[str, Any]
    spec: dict[str, Any]
    """The defaulted pod spec it runs (what a StatefulSet or DaemonSet keeps at an older revision)."""
    chosen: bool = True
    """Its name, node and address were chosen by kubelint (False: read from a live cluster)."""


@dataclass(frozen=True, slots=True)
class PinnedReplicaSet:
    """A ReplicaSet of a Deployment in the base: the current one or one of its rollout history."""

    data: Mapping[str, Any]
    """Its defaulted manifest (never changed: the controller copies what it changes)."""
    simulated_name: bool
    """Its name carries a template hash kubelint chose (False for one read from a live cluster)."""

    @property
    def name(self) -> str:
        return str(self.data["metadata"]["name"])

    @property
    def revision(self) -> int:
        """``deployment.kubernetes.io/revision``: the order of the Deployment's templates."""
        text = (self.data["metadata"].get("annotations") or {}).get("deployment.kubernetes.io/revision", "0")
        return int(text) if str(text).isdigit() else 0


@dataclass(slots=True)
class Pins:
    cluster_ips: dict[NamespacedName, str] = field(default_factory=dict)
    node_ports: dict[tuple[str, str, int, str], int] = field(default_factory=dict)
    """(namespace, service, port, protocol) -> nodePort."""
    load_balancers: dict[NamespacedName, tuple[str, ...]] = field(default_factory=dict)
    pods: dict[NamespacedName, PinnedPod] = field(default_factory=dict)
    replica_sets: dict[NamespacedName, tuple[PinnedReplicaSet, ...]] = field(default_factory=dict)
    """(namespace, Deployment name) -> its ReplicaSets."""
    revisions: dict[tuple[str, str], tuple[dict[str, Any], ...]] = field(default_factory=dict)
    """(namespace, ``StatefulSet/x`` or ``DaemonSet/x``) -> the ControllerRevisions it keeps."""
    chosen: set[tuple[Any, ...]] = field(default_factory=set)
    """The pinned Service values kubelint chose (and the plan marks as simulated), as
    ``("clusterIP", ns, name)``, ``("nodePort", ns, name, port, protocol)``, ``("loadBalancer", ns, name)``;
    the others are facts of a live cluster."""
    _owned: dict[tuple[str, str], list[str]] | None = None

    @classmethod
    def of(cls, previous: "World | Pins | None", replacing: Collection[ObjectKey] = ()) -> "Pins":
        """The pins of a base world (or pins already read from a state or a live cluster).

        ``replacing``: objects the plan deletes and creates again; nothing of theirs is kept.
        """
        if previous is None:
            return cls()
        pins = previous if isinstance(previous, Pins) else _of_world(previous)
        return pins.without(replacing) if replacing else pins

    def without(self, replacing: Collection[ObjectKey]) -> "Pins":
        """These pins less everything of the objects in ``replacing`` and of what derives from them."""
        refs = {(namespace, f"{kind}/{name}") for kind, namespace, name in replacing}
        services = {(namespace, name) for kind, namespace, name in replacing if kind == "Service"}
        return Pins(
            cluster_ips={key: ip for key, ip in self.cluster_ips.items() if key not in services},
            node_ports={key: port for key, port in self.node_ports.items() if key[:2] not in services},
            load_balancers={key: found for key, found in self.load_balancers.items() if key not in services},
            pods={
                key: pod
                for key, pod in self.pods.items()
                if not {(key[0], pod.owner), (key[0], pod.workload), (key[0], f"Pod/{key[1]}")} & refs
            },
            replica_sets={
                key: found for key, found in self.replica_sets.items() if (key[0], f"Deployment/{key[1]}") not in refs
            },
            revisions={key: found for key, found in self.revisions.items() if key not in refs},
            chosen=self.chosen,
        )

    def owned(self, namespace: str, owner: str) -> list[str]:
        """Names of the pinned pods whose controller is ``owner`` (``ReplicaSet/x``), sorted."""
        if self._owned is None:
            self._owned = {}
            for (pod_namespace, name), pod in sorted(self.pods.items()):
                if pod.owner is not None:
                    self._owned.setdefault((pod_namespace, pod.owner), []).append(name)
        return self._owned.get((namespace, owner), [])

    def same_pod(self, pod: Pod) -> PinnedPod | None:
        """The pin of ``pod`` if the base ran this very pod: same controller, same template revision."""
        pinned = self.pods.get(pod.key)
        if pinned is None or pinned.owner != pod.owner or revision_of(pinned.labels) != revision_of(pod.labels):
            return None
        return pinned


def _of_world(world: World) -> Pins:
    pins = Pins()
    for service in world.services.values():
        if service.system:
            continue
        if service.cluster_ip and not service.headless:
            pins.cluster_ips[service.key] = service.cluster_ip
            if "clusterIP" in service.simulated:
                pins.chosen.add(("clusterIP", *service.key))
        for index, port in enumerate(service.ports):
            if port.node_port is not None:
                pins.node_ports[(service.namespace, service.name, port.port, port.protocol)] = port.node_port
                if f"ports[{index}].nodePort" in service.simulated:
                    pins.chosen.add(("nodePort", service.namespace, service.name, port.port, port.protocol))
        if service.load_balancer:
            pins.load_balancers[service.key] = service.load_balancer
            if "loadBalancer" in service.simulated:
                pins.chosen.add(("loadBalancer", *service.key))
    for pod in world.pods.values():
        if pod.deleted_by is None and pod.phase in ("Pending", "Running"):
            pins.pods[pod.key] = PinnedPod(
                pod.owner, pod.workload, pod.node, pod.ip, pod.labels, pod.spec, not pod.known
            )
    history: dict[NamespacedName, list[PinnedReplicaSet]] = {}
    for replicaset in world.objects_of("ReplicaSet"):
        if replicaset.owner and replicaset.owner.startswith("Deployment/"):
            key = (replicaset.namespace or "", replicaset.owner.split("/", 1)[1])
            history.setdefault(key, []).append(
                PinnedReplicaSet(replicaset.data, "metadata.name" in replicaset.simulated)
            )
    pins.replica_sets = {key: tuple(found) for key, found in history.items()}
    revisions: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for revision in world.objects_of("ControllerRevision"):
        if revision.owner:
            revisions.setdefault((revision.namespace or "", revision.owner), []).append(revision.data)
    pins.revisions = {key: tuple(found) for key, found in revisions.items()}
    return pins
