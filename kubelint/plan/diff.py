"""A plan is the difference between two worlds, item by item.

Every API object, pod, Service, Endpoints object, DNS record and route of
either world gets one entry: ``create`` (only in the new world), ``delete``
(only in the base), ``update`` (in both, different; the entry names the
fields that changed) or ``none``. Items are matched by identity: an object
by kind, namespace and name, a DNS record by name, type and value, a route
by Ingress, host, path and pathType. With no base the base world is the
empty cluster (only the profile's namespaces and system Services, which
show as ``none``).

A pod that a ReplicaSet adopts and deletes right away (more matching bare
pods than replicas) is a ``delete``: applying creates it, then it goes.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Callable, Hashable

from kubelint.plan import views
from kubelint.plan.views import Item
from kubelint.reconcile.world import World

@dataclass(frozen=True, slots=True)
class Entry:
    change: str
    item: Item
    """The item in the new world (in the base for a delete)."""
    before: Item | None = None
    changed: tuple[str, ...] = ()
    """For updates: the top-level fields that differ."""
    reason: str | None = None


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


def _changed(old: Any, new: Any) -> tuple[str, ...]:
    """The top-level fields that differ (a whole value that differs counts as ``content``)."""
    if isinstance(old, dict) and isinstance(new, dict):
        return tuple(sorted(k for k in old.keys() | new.keys() if k != "simulated" and old.get(k) != new.get(k)))
    return () if old == new else ("content",)


def _by_name(item: Item) -> tuple[str, str]:
    return (item["namespace"], item["name"])


def _entries(before: list[Item], after: list[Item], key: Callable[[Item], Hashable], compare: str | None = None,
             deleted: dict[Hashable, str] | None = None) -> list[Entry]:
    """Entries in the new world's order, then the deletions in the base's order."""
    base = {key(item): item for item in before}
    seen = set()
    out = []
    for item in after:
        identity = key(item)
        seen.add(identity)
        old = base.get(identity)
        if deleted and identity in deleted:
            out.append(Entry("delete", item, old, reason=deleted[identity]))
        elif old is None:
            out.append(Entry("create", item))
        else:
            changed = _changed(old.get(compare), item.get(compare)) if compare else _changed(old, item)
            out.append(Entry("update", item, old, changed) if changed else Entry("none", item, old))
    out.extend(Entry("delete", item) for identity, item in base.items() if identity not in seen)
    return out


def _deleted_pods(world: World) -> dict[Hashable, str]:
    return {
        pod.key: f"{pod.deleted_by} adopts it and deletes it: more matching pods than replicas"
        for pod in world.pods.values()
        if pod.deleted_by is not None
    }


def plan(base: World, world: World) -> Plan:
    """The plan that takes ``base`` to ``world``."""
    deleted = _deleted_pods(world)
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
    return Plan(
        base,
        world,
        objects=_entries(before["objects"], after["objects"], views.object_key, "content", object_deletes),
        pods=_entries(before["pods"], after["pods"], _by_name, deleted=deleted),
        services=_entries(before["services"], after["services"], _by_name),
        endpoints=_entries(before["endpoints"], after["endpoints"], lambda i: (i["namespace"], i["service"])),
        dns=_entries(before["dns"], after["dns"], lambda i: (i["name"], i["type"], i["value"])),
        routes=_entries(before["routes"], after["routes"], lambda i: (i["ingress"], i["host"], i["path"], i["pathType"])),
    )
