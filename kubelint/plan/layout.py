"""The plan arranged for reading, shared by the text and Markdown renderers.

Input objects come first, each with what derives from it: a Deployment with
its ReplicaSets and their pods, a Service with its endpoints,
EndpointSlices and DNS records. Unchanged items (``none``) are left out, as
terraform leaves them out (a Service whose endpoints or records change is
shown for them); the summary still counts them. What is deleted is looked up
in the base world, everything else in the new one.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from kubelint.model import Resource
from kubelint.plan.diff import ABSENT, Entry, FieldChange, Plan
from kubelint.plan.views import Simulated
from kubelint.reconcile.world import ApiObject, ServiceEnvironment, World

KIND_ORDER = {kind: rank for rank, kind in enumerate(
    ("Namespace", "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job", "CronJob", "Pod", "Service", "Ingress")
)}
"""Blocks are printed workloads first, then what routes to them; other kinds after, by name."""
SYMBOLS = {"create": "+", "update": "~", "replace": "-/+", "delete": "-", "none": " "}
RECORD_ORDER = {"A": 0, "AAAA": 0, "CNAME": 0, "SRV": 1, "PTR": 2}
VERBS = {"create": "will be created", "update": "will be updated in place", "replace": "must be replaced",
         "delete": "will be destroyed", "none": "stays as it is; what it routes to changes"}
CHANGE_ORDER = {"create": 0, "replace": 1, "update": 2, "none": 3, "delete": 4}
"""Children under a block: what a rollout creates before what it scales down."""
VALUE_WIDTH = 80
FORCES = "# forces replacement"


def value_text(value: Any) -> str:
    """A field's value as JSON on one line, cut to VALUE_WIDTH characters."""
    if value is ABSENT:
        return "(none)"
    text = json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)
    return text if len(text) <= VALUE_WIDTH else text[: VALUE_WIDTH - 1] + "…"


def field_symbol(change: FieldChange) -> str:
    """``+`` for a field added, ``-`` for one removed, ``~`` for one changed (terraform's marks)."""
    return "+" if change.before is ABSENT else "-" if change.after is ABSENT else "~"


def field_text(change: FieldChange) -> str:
    """``spec.replicas: 3 -> 4``; an added or removed field shows its one value."""
    if change.before is ABSENT:
        return f"{change.dotted}: {value_text(change.after)}"
    if change.after is ABSENT:
        return f"{change.dotted}: {value_text(change.before)}"
    return f"{change.dotted}: {value_text(change.before)} -> {value_text(change.after)}"


def shown_fields(entry: Entry) -> list[FieldChange]:
    """The field changes a reader needs: all of an input object's, the spec of a derived one."""
    if entry.item.get("owner") and entry.item.get("kind") not in (None, "Pod"):
        return [change for change in entry.fields if change.path[:1] == ("spec",)]
    return list(entry.fields)


def ref(entry: Entry) -> str:
    item = entry.item
    return f"{item['kind']} {item['namespace']}/{item['name']}" if item.get("namespace") else f"{item['kind']} {item['name']}"


def pod_status(item: dict[str, Any]) -> str:
    if item["phase"] == "Running":
        after = item.get("readyAfterSeconds")
        return "Running, ready" + (f" after {after}s" if after else "")
    return f"{item['phase']}: {item['reason']}" if item.get("reason") else item["phase"]


def summary_line(plan: Plan) -> str:
    counts = plan.summary()
    if not plan.has_changes:
        return "No changes: the cluster already matches the manifests."
    create = counts["create"] + counts["replace"]
    destroy = counts["delete"] + counts["replace"]
    return f"Plan: {create} to create, {counts['update']} to change, {destroy} to destroy."


def service_of_record(item: dict[str, Any], zone: str) -> tuple[str, str] | None:
    """The (namespace, Service) a DNS record belongs to, from its name (or a PTR's target)."""
    name = item["value"] if item["type"] == "PTR" else item["name"]
    if item["type"] == "SRV":
        name = item["name"]
    suffix = f".svc.{zone}."
    if not name.endswith(suffix):
        return None
    labels = name[: -len(suffix)].split(".")
    return (labels[-1], labels[-2]) if len(labels) >= 2 else None


@dataclass(frozen=True, slots=True)
class Block:
    """One input object and what the plan shows under it."""

    entry: Entry
    source: Resource | None
    record: ApiObject | None
    children: list["Block"]
    pods: list[Entry]


class Layout:
    def __init__(self, plan: Plan) -> None:
        self.plan = plan
        world: World = plan.world
        self.world = world
        self.base = plan.base
        self.zone = world.profile.cluster_domain
        self.simulated = Simulated.of(world)
        visible = [e for e in plan.objects if e.change != "none"]
        self._owned: dict[tuple[str, str], list[Entry]] = defaultdict(list)
        for entry in visible:
            if entry.item["owner"] and entry.item["kind"] not in ("Pod", "EndpointSlice"):
                self._owned[(entry.item["namespace"] or "", entry.item["owner"])].append(entry)
        self._pods: dict[tuple[str, str], list[Entry]] = defaultdict(list)
        self._pod_entries = {(e.item["namespace"], e.item["name"]): e for e in plan.pods}
        for entry in plan.pods:
            if entry.change != "none":
                self._pods[(entry.item["namespace"], entry.item["controller"] or f"Pod/{entry.item['name']}")].append(entry)
        self._slices: dict[tuple[str, str], list[Entry]] = defaultdict(list)
        for entry in visible:
            owner = entry.item["owner"] or ""
            if entry.item["kind"] == "EndpointSlice" and owner.startswith("Service/"):
                self._slices[(entry.item["namespace"], owner.split("/", 1)[1])].append(entry)
        self.dns_by_service: dict[tuple[str, str], list[Entry]] = defaultdict(list)
        self.pod_dns: list[Entry] = []
        for entry in plan.dns:
            if entry.change == "none":
                continue
            service = service_of_record(entry.item, self.zone)
            if service is not None:
                self.dns_by_service[service].append(entry)
            elif entry.item["name"].endswith(f".pod.{self.zone}."):
                self.pod_dns.append(entry)
        for records in self.dns_by_service.values():
            records.sort(key=lambda e: (RECORD_ORDER.get(e.item["type"], 9), e.item["name"], e.item["value"]))
        self._routes: dict[str, list[Entry]] = defaultdict(list)
        for entry in plan.routes:
            self._routes[entry.item["ingress"]].append(entry)
        self.endpoints = {(e.item["namespace"], e.item["service"]): e for e in plan.endpoints}
        self.services = {(e.item["namespace"], e.item["name"]): e for e in plan.services}
        routed = (
            {key for key, e in self.endpoints.items() if e.change != "none"}
            | set(self.dns_by_service)
            | {
                (e.item["namespace"], owner.split("/", 1)[1])
                for e in visible
                if e.item["kind"] == "EndpointSlice" and (owner := e.item["owner"] or "")
            }
        )
        self.top = [
            e for e in visible if e.item["owner"] is None and self.source(e) is not None and not self._adopted(e)
        ]
        self.top += [
            e
            for e in plan.objects
            if e.change == "none"
            and e.item["kind"] == "Service"
            and self.source(e) is not None
            and (e.item["namespace"], e.item["name"]) in routed
        ]
        self.top.sort(
            key=lambda e: (
                KIND_ORDER.get(e.item["kind"], len(KIND_ORDER)),
                e.item["kind"],
                e.item["namespace"] or "",
                e.item["name"],
            )
        )

    def world_of(self, entry: Entry) -> World:
        """Where an item is: the base world for what is deleted, the new world for the rest."""
        return self.base if entry.change == "delete" else self.world

    def _record(self, entry: Entry) -> ApiObject | None:
        item = entry.item
        return self.world_of(entry).get(item["kind"], item["namespace"], item["name"])

    def source(self, entry: Entry) -> Resource | None:
        item = entry.item
        kind, key, world = item["kind"], (item["namespace"], item["name"]), self.world_of(entry)
        if kind == "Pod":
            pod = world.pods.get(key)  # type: ignore[arg-type]
            return pod.source if pod else None
        if kind == "Service":
            service = world.services.get(key)  # type: ignore[arg-type]
            return service.source if service else None
        if kind == "Endpoints":
            endpoints = world.endpoints.get(key)  # type: ignore[arg-type]
            return endpoints.source if endpoints else None
        record = self._record(entry)
        return record.source if record else None

    def _adopted(self, entry: Entry) -> bool:
        """A bare Pod a ReplicaSet took over shows under that ReplicaSet."""
        if entry.item["kind"] != "Pod":
            return False
        pod = self.world_of(entry).pods.get((entry.item["namespace"], entry.item["name"]))
        return pod is not None and pod.owner is not None

    def block(self, entry: Entry) -> Block:
        item = entry.item
        namespace = item["namespace"] or ""
        controller = f"{item['kind']}/{item['name']}"
        owned = sorted(
            self._owned.get((namespace, controller), []),
            key=lambda e: (e.item["kind"], CHANGE_ORDER[e.change], e.item["name"]),
        )
        children = [self.block(child) for child in owned]
        pods = self._pods.get((namespace, controller), []) if item["kind"] != "Pod" else []
        return Block(entry, self.source(entry), self._record(entry), children, pods)

    def blocks(self, kinds: tuple[str, ...] | None = None, exclude: tuple[str, ...] = ()) -> list[Block]:
        return [
            self.block(e)
            for e in self.top
            if (kinds is None or e.item["kind"] in kinds) and e.item["kind"] not in exclude
        ]

    def pod_name_simulated(self, namespace: str, name: str) -> bool:
        pod = self.world.pods.get((namespace, name)) or self.base.pods.get((namespace, name))
        return pod is not None and pod.name_simulated and not pod.known

    def pod_known(self, namespace: str, name: str | None) -> bool:
        """A live cluster's pod: its name and address are facts."""
        pod = self.world.pods.get((namespace, name or "")) or self.base.pods.get((namespace, name or ""))
        return pod is not None and pod.known

    def rollout(self, entry: Entry) -> Any:
        """The rollout of a workload entry (kubelint.plan.rollout.Rollout), or None."""
        item = entry.item
        return self.plan.rollouts.get((item["kind"], item["namespace"] or "", item["name"]))

    def slices_of(self, namespace: str, service: str) -> list[Entry]:
        return self._slices.get((namespace, service), [])

    def routes(self) -> list[Entry]:
        return [e for e in self.plan.routes if e.change != "none"]

    def routes_of(self, ingress: str) -> list[Entry]:
        """The routes of one Ingress (``namespace/name``)."""
        return self._routes.get(ingress, [])

    def environments(self) -> list[tuple[str, list[str], tuple[tuple[str, str], ...]]]:
        """(namespace, workloads, variables) for each distinct Service environment of new pods."""
        shared: dict[int, tuple[ServiceEnvironment, set[str]]] = {}
        for entry in self.plan.pods:
            if entry.change != "create":
                continue
            pod = self.world.pods[(entry.item["namespace"], entry.item["name"])]
            if pod.service_env is not None:
                shared.setdefault(id(pod.service_env), (pod.service_env, set()))[1].add(
                    pod.workload or f"Pod/{pod.name}"
                )
        groups: dict[tuple[str, tuple[tuple[str, str], ...]], set[str]] = defaultdict(set)
        for environment, workloads in shared.values():
            groups[(environment.namespace, environment.variables)] |= workloads
        return sorted((namespace, sorted(workloads), variables) for (namespace, variables), workloads in groups.items())

    def pod(self, namespace: str, name: str) -> Entry | None:
        return self._pod_entries.get((namespace, name))


def location(source: Resource | None) -> str:
    if source is None:
        return ""
    line, _ = source.locate()
    return f"{source.file}:{line}"
