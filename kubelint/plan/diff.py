"""A plan is the difference between two worlds, item by item.

Every API object, pod, Service, Endpoints object, DNS record and route of
either world gets one entry: ``create`` (only in the new world), ``delete``
(only in the base), ``update`` (in both, different; the entry lists each
field that changed with its old and new value), ``replace`` (in both, but
deleted and created again) or ``none``. Items are matched by identity: an
object by kind, namespace and name, a DNS record by name, type and value, a
route by Ingress, host, path and pathType. With no base the base world is
the empty cluster (only the profile's namespaces and system Services, which
show as ``none``).

What is replaced: an input object whose update the API server refuses
(kubelint.plan.immutable), everything derived from it (its ReplicaSets,
pods, endpoints, DNS records: deleted with it, created again after), and a
pod that keeps its name but runs a new template (a StatefulSet's). A pod
that a ReplicaSet adopts and deletes right away (more matching bare pods
than replicas) is a ``delete``: applying creates it, then it goes.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Callable, Hashable, Iterable

from kubelint.model import FieldPath, format_path
from kubelint.plan import views
from kubelint.plan.immutable import Replacement
from kubelint.plan.views import Item
from kubelint.reconcile.pins import revision_of
from kubelint.reconcile.world import ObjectKey, World


class _Absent:
    """The value of a field that is not there (distinct from null)."""

    def __repr__(self) -> str:
        return "(absent)"


ABSENT: Any = _Absent()


@dataclass(frozen=True, slots=True)
class FieldChange:
    path: FieldPath
    before: Any = ABSENT
    after: Any = ABSENT
    forces_replacement: bool = False

    @property
    def dotted(self) -> str:
        return format_path(self.path)


@dataclass(frozen=True, slots=True)
class Entry:
    change: str
    item: Item
    """The item in the new world (in the base for a delete)."""
    before: Item | None = None
    fields: tuple[FieldChange, ...] = ()
    """For updates and replacements: every field that differs, with both values."""
    reason: str | None = None

    @property
    def changed(self) -> tuple[str, ...]:
        """The paths of the fields that changed (``spec.replicas``)."""
        return tuple(change.dotted for change in self.fields)


@dataclass(slots=True)
class Plan:
    base: World
    world: World
    objects: list[Entry] = field(default_factory=list)
    pods: list[Entry] = field(default_factory=list)
    services: list[Entry] = field(default_factory=list)
    endpoints: list[Entry] = field(default_factory=list)
    dns: list[Entry] = field(default_factory=list)
    routes: list[Entry] = field(default_factory=list)
    replacements: list[Replacement] = field(default_factory=list)
    rollouts: dict[ObjectKey, Any] = field(default_factory=dict)
    """Workload key -> its kubelint.plan.rollout.Rollout."""

    def summary(self) -> dict[str, int]:
        """Counts over the API objects, as terraform counts resources."""
        counts = Counter(entry.change for entry in self.objects)
        return {
            "create": counts["create"],
            "update": counts["update"],
            "replace": counts["replace"],
            "delete": counts["delete"],
            "unchanged": counts["none"],
        }

    @property
    def has_changes(self) -> bool:
        return any(entry.change != "none" for entry in self.objects)


def field_changes(old: Any, new: Any, path: FieldPath = ()) -> list[FieldChange]:
    """Every leaf that differs between two values, depth first, keys sorted (``simulated`` lists aside)."""
    if old == new:
        return []
    if isinstance(old, dict) and isinstance(new, dict):
        out = []
        for key in sorted(old.keys() | new.keys(), key=str):
            if not (key == "simulated" and not path):
                out += field_changes(old.get(key, ABSENT), new.get(key, ABSENT), path + (key,))
        return out
    if isinstance(old, list) and isinstance(new, list):
        out = []
        for index in range(max(len(old), len(new))):
            out += field_changes(
                old[index] if index < len(old) else ABSENT, new[index] if index < len(new) else ABSENT, path + (index,)
            )
        return out
    return [FieldChange(path, old, new)]


def _forcing(changes: list[FieldChange], forced: Iterable[FieldPath]) -> tuple[FieldChange, ...]:
    """Mark the changes under (or above) a field the API server refuses to update."""
    forced = list(forced)
    out = []
    for change in changes:
        hit = any(change.path[: len(p)] == p or p[: len(change.path)] == change.path for p in forced)
        out.append(FieldChange(change.path, change.before, change.after, True) if hit else change)
    return tuple(out)


Identity = Callable[[Item], Hashable]
Owner = Callable[[Item], ObjectKey | None]


def _entries(
    before: list[Item],
    after: list[Item],
    identity: Identity,
    owner: Owner,
    replaced: dict[ObjectKey, str],
    content: str | None = None,
    deleted: dict[Hashable, str] | None = None,
    forced: dict[ObjectKey, list[FieldPath]] | None = None,
) -> list[Entry]:
    """Entries in the new world's order, then the deletions in the base's order."""
    base = {identity(item): item for item in before}
    seen = set()
    out = []
    for item in after:
        key = identity(item)
        seen.add(key)
        old = base.get(key)
        if deleted and key in deleted:
            out.append(Entry("delete", item, old, reason=deleted[key]))
            continue
        if old is None:
            out.append(Entry("create", item))
            continue
        changes = field_changes(old.get(content), item.get(content)) if content else field_changes(old, item)
        source = owner(item)
        if source is not None and source in replaced:
            out.append(Entry("replace", item, old, _forcing(changes, (forced or {}).get(source, ())), replaced[source]))
        elif changes:
            out.append(Entry("update", item, old, tuple(changes), _why(changes)))
        else:
            out.append(Entry("none", item, old))
    out.extend(Entry("delete", item) for key, item in base.items() if key not in seen)
    return out


TEMPLATE = ("spec", "template")


def _why(changes: list[FieldChange]) -> str | None:
    """The reason of an update that a reader must know: a new pod template means new pods (a rollout)."""
    return "pod template changed" if any(change.path[:2] == TEMPLATE for change in changes) else None


def _deleted_pods(world: World) -> dict[Hashable, str]:
    return {
        pod.key: f"{pod.deleted_by} adopts it and deletes it: more matching pods than replicas"
        for pod in world.pods.values()
        if pod.deleted_by is not None
    }


def _replaced(base: World, world: World, replacements: list[Replacement]) -> dict[ObjectKey, str]:
    """Every item key that is deleted and created again, with why: the refused updates and what derives from them."""
    reasons = {r.key: r.reason for r in replacements}
    for key, pod in world.pods.items():
        old = base.pods.get(key)
        if old is not None and pod.owner is not None and revision_of(old.labels) != revision_of(pod.labels):
            reasons.setdefault(("Pod", *key), "runs the new template: deleted and created again under the same name")
    if not reasons:
        return reasons
    children: dict[ObjectKey, list[ObjectKey]] = {}

    def child(namespace: str, owner: str | None, key: ObjectKey) -> None:
        if owner:
            kind, _, name = owner.partition("/")
            children.setdefault((kind, namespace, name), []).append(key)

    for item in world.all_objects():
        child(item.namespace or "", item.owner, item.key)
    for pod in world.pods.values():
        child(pod.namespace, pod.owner, ("Pod", *pod.key))
    for key in world.endpoints:
        child(key[0], f"Service/{key[1]}", ("Endpoints", *key))
    for slice_ in world.slices.values():
        child(slice_.namespace, f"Service/{slice_.service}", ("EndpointSlice", *slice_.key))
    pending = list(reasons)
    while pending:
        parent = pending.pop()
        for key in children.get(parent, []):
            if key not in reasons:
                reasons[key] = f"{parent[0]}/{parent[2]} is replaced"
                pending.append(key)
    return reasons


def _by_name(item: Item) -> Hashable:
    return (item["namespace"], item["name"])


def _view_path(kind: str, path: FieldPath) -> FieldPath:
    """A refused field's path as the plan compares the object: a Service as its view (``clusterIP``)."""
    return path[1:] if kind == "Service" and path[:1] == ("spec",) else path


def _owner_of_record(item: Item) -> ObjectKey | None:
    """``Service ns/name`` -> the Service's key."""
    kind, _, where = item["owner"].partition(" ")
    namespace, _, name = where.partition("/")
    return (kind, namespace, name)


def plan(base: World, world: World, replacements: list[Replacement] | None = None) -> Plan:
    """The plan that takes ``base`` to ``world``; ``replacements``: the refused updates (kubelint.plan.immutable)."""
    replacements = replacements or []
    deleted = _deleted_pods(world)
    replaced = _replaced(base, world, replacements)
    forced = {r.key: [_view_path(r.key[0], refusal.path) for refusal in r.refusals] for r in replacements}
    old_simulated, new_simulated = views.Simulated.of(base), views.Simulated.of(world)

    def sections(source: World, simulated: views.Simulated) -> dict[str, list[Item]]:
        return {
            "objects": views.objects(source),
            "pods": [views.pod_view(p) for p in sorted(source.pods.values(), key=lambda p: p.key)],
            "services": [views.service_view(s) for s in sorted(source.services.values(), key=lambda s: s.key)],
            "endpoints": [views.endpoints_view(e) for e in sorted(source.endpoints.values(), key=lambda e: e.key)],
            "dns": [views.dns_view(r, simulated) for r in source.dns],
            "routes": [views.route_view(r) for r in source.routes],
        }

    before, after = sections(base, old_simulated), sections(world, new_simulated)
    object_deletes = {("Pod", namespace, name): reason for (namespace, name), reason in deleted.items()}

    def keyed(kind: str, name_field: str = "name") -> Owner:
        return lambda item: (kind, item["namespace"], item[name_field])

    return Plan(
        base,
        world,
        objects=_entries(
            before["objects"],
            after["objects"],
            views.object_key,
            views.object_key,
            replaced,
            "content",
            object_deletes,
            forced,
        ),
        pods=_entries(before["pods"], after["pods"], _by_name, keyed("Pod"), replaced, deleted=deleted),
        services=_entries(before["services"], after["services"], _by_name, keyed("Service"), replaced, forced=forced),
        endpoints=_entries(
            before["endpoints"],
            after["endpoints"],
            lambda i: (i["namespace"], i["service"]),
            keyed("Endpoints", "service"),
            replaced,
        ),
        dns=_entries(
            before["dns"], after["dns"], lambda i: (i["name"], i["type"], i["value"]), _owner_of_record, replaced
        ),
        routes=_entries(
            before["routes"],
            after["routes"],
            lambda i: (i["ingress"], i["host"], i["path"], i["pathType"]),
            lambda i: ("Ingress", *i["ingress"].split("/", 1)),
            replaced,
        ),  # type: ignore[arg-type]
        replacements=replacements,
    )
