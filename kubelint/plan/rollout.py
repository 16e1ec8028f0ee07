"""How the cluster gets from the base to the new world: the steps of each rollout.

The new world is where a rollout ends; this module replays the way there,
as the controllers take it:

- Deployment, RollingUpdate (pkg/controller/deployment/rolling.go): each
  sync either scales the new ReplicaSet up (NewRSNewReplicas: up to
  ``replicas + maxSurge`` pods in all) or the old ones down
  (reconcileOldReplicaSets: old pods that are not ready first, then as many
  as keep ``replicas - maxUnavailable`` pods available, oldest ReplicaSet
  first), and new pods become available between syncs. maxSurge is rounded
  up, maxUnavailable down, and when both come to 0 maxUnavailable is 1
  (ResolveFenceposts). A change of ``replicas`` along with the template is a
  scaling event first (isScalingEvent): the one active ReplicaSet is scaled to
  the new count before the rollout starts.
- Deployment, Recreate (recreate.go): every old pod goes, then the new
  ReplicaSet is scaled up at once; the Services in front have no endpoints
  in between.
- A Deployment whose template does not change scales its ReplicaSet.
- StatefulSet, RollingUpdate (stateful_set_control.go): pods from the
  highest ordinal down to ``partition``, each deleted and created again with
  the new template, the next only once it is Running and Ready;
  ``maxUnavailable`` at a time from Kubernetes 1.35 (MaxUnavailableStatefulSet,
  rounded down, at least 1). Pods below the partition keep their template,
  as every pod does with ``OnDelete``.
- DaemonSet, RollingUpdate (pkg/controller/daemon/update.go): nodes in
  batches of ``maxUnavailable`` (old pod deleted, new one created), or with
  ``maxSurge`` of that many nodes (new pod beside the old one, which goes
  once the new one is ready); both rounded up against the number of nodes
  that should run the pod, and maxUnavailable 1 when both are 0. The real
  controller picks nodes in map order; kubelint takes them by name.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from math import ceil, floor
from typing import Any, Collection

from kubelint.reconcile.controllers.deployment import REVISION_ANNOTATION
from kubelint.reconcile.controllers.pods import controller_revision
from kubelint.reconcile.kinds import minor
from kubelint.reconcile.pins import revision_of
from kubelint.reconcile.world import ApiObject, ObjectKey, Pod, World

STATEFULSET_MAX_UNAVAILABLE_SINCE = 35
MAX_SYNCS = 10_000


@dataclass(frozen=True, slots=True)
class Rollout:
    strategy: str
    """RollingUpdate, Recreate, OnDelete or Scale."""
    summary: str
    steps: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    min_ready: int | None = None
    """The fewest pods the controller keeps available meanwhile (``replicas - maxUnavailable``)."""
    max_pods: int | None = None
    """The most pods that exist at once (``replicas + maxSurge``)."""

    def to_json(self) -> dict[str, Any]:
        return {
            "strategy": self.strategy,
            "summary": self.summary,
            "steps": list(self.steps),
            "notes": list(self.notes),
            "minReady": self.min_ready,
            "maxPods": self.max_pods,
        }


def scaled(value: Any, total: int, round_up: bool) -> int:
    """intstr.GetScaledValueFromIntOrPercent: a number, or a percentage of ``total`` rounded as asked."""
    if isinstance(value, bool):
        return 0
    if isinstance(value, int):
        return value
    text = str(value)
    if not (text.endswith("%") and text[:-1].isdigit()):
        return 0
    share = int(text[:-1]) * total / 100
    return ceil(share) if round_up else floor(share)


class _Owned:
    """A world's live pods and ReplicaSets by owner: a lookup per workload, not a scan of the world."""

    def __init__(self, world: World) -> None:
        self.world = world
        self._pods: dict[tuple[str, str], list[Pod]] = defaultdict(list)
        for pod in world.pods.values():
            if pod.owner is not None and pod.deleted_by is None:
                self._pods[(pod.namespace, pod.owner)].append(pod)
        self._replicasets: dict[tuple[str, str], list[ApiObject]] = defaultdict(list)
        for replicaset in world.objects.get("ReplicaSet", {}).values():
            if replicaset.owner is not None:
                self._replicasets[(replicaset.namespace or "", replicaset.owner)].append(replicaset)

    def pods(self, owner: ApiObject) -> dict[str, Pod]:
        return {pod.name: pod for pod in self._pods.get((owner.namespace or "default", owner.ref), [])}

    def ready(self, owner: ApiObject | None) -> int:
        if owner is None:
            return 0
        return sum(
            1
            for pod in self._pods.get((owner.namespace or "default", owner.ref), [])
            if pod.phase == "Running" and pod.ready
        )

    def replicasets(self, deployment: ApiObject) -> list[ApiObject]:
        """The Deployment's ReplicaSets, oldest revision first."""
        found = self._replicasets.get((deployment.namespace or "", deployment.ref), [])
        return sorted(found, key=lambda r: (_revision(r), r.name))


def _revision(replicaset: ApiObject) -> int:
    text = str((replicaset.data["metadata"].get("annotations") or {}).get(REVISION_ANNOTATION, "0"))
    return int(text) if text.isdigit() else 0


@dataclass(slots=True)
class _Set:
    """A ReplicaSet during the replay: how many pods it asks for, how many are available."""

    replicas: int
    available: int


class _RollingReplay:
    """The deployment controller's syncs, one action each, with pods becoming ready when it has to wait."""

    def __init__(
        self, replicas: int, surge: int, unavailable: int, new: _Set, old: list[_Set], new_capacity: int
    ) -> None:
        self.replicas, self.surge, self.unavailable = replicas, surge, unavailable
        self.new, self.old, self.capacity = new, old, new_capacity
        self.steps: list[str] = []

    def available(self) -> int:
        return self.new.available + sum(s.available for s in self.old)

    def record(self) -> None:
        self.steps.append(
            f"new {self.new.replicas}/{self.replicas}, old {sum(s.replicas for s in self.old)}/{self.replicas}"
        )

    def scale_up(self) -> bool:
        """reconcileNewReplicaSet with NewRSNewReplicas."""
        new, total = self.new, self.new.replicas + sum(s.replicas for s in self.old)
        if new.replicas > self.replicas:
            new.replicas = self.replicas
            new.available = min(new.available, new.replicas)
            return True
        room = self.replicas + self.surge - total
        if new.replicas == self.replicas or room <= 0:
            return False
        new.replicas += min(room, self.replicas - new.replicas)
        return True

    def scale_down(self) -> bool:
        """reconcileOldReplicaSets: cleanupUnhealthyReplicas, then scaleDownOldReplicaSetsForRollingUpdate."""
        if not any(s.replicas for s in self.old):
            return False
        minimum = self.replicas - self.unavailable
        total = self.new.replicas + sum(s.replicas for s in self.old)
        most = total - minimum - (self.new.replicas - self.new.available)
        if most <= 0:
            return False
        cleaned = 0
        for old in self.old:
            unhealthy = min(old.replicas - old.available, most - cleaned)
            old.replicas -= max(unhealthy, 0)
            cleaned += max(unhealthy, 0)
        scaled_down, allowed = 0, self.available() - minimum
        for old in self.old:
            if scaled_down >= allowed:
                break
            count = min(old.replicas, allowed - scaled_down)
            old.replicas -= count
            old.available = min(old.available, old.replicas)
            scaled_down += count
        return cleaned + scaled_down > 0

    def run(self) -> bool:
        """Replay to the end; False when the rollout stalls (new pods that cannot become ready)."""
        for _ in range(MAX_SYNCS):
            if self.scale_up() or self.scale_down():
                self.record()
                continue
            ready = min(self.new.replicas, self.capacity)
            if self.new.available < ready:
                self.new.available = ready
                continue
            break
        return (
            self.new.replicas == self.replicas
            and self.new.available == self.replicas
            and not any(s.replicas for s in self.old)
        )


def _services_behind(world: World, owner: ApiObject) -> list[str]:
    """Services whose endpoints, in the new world, are pods of ``owner``."""
    namespace = owner.namespace or "default"
    found = []
    for key, endpoints in sorted(world.endpoints.items()):
        if key[0] == namespace and any(
            (pod := world.pods.get((namespace, address.pod or ""))) is not None and pod.owner == owner.ref
            for address in endpoints.addresses
        ):
            found.append(f"Service {key[0]}/{key[1]}")
    return found


def _no_endpoints(now: _Owned, current: ApiObject) -> list[str]:
    delay = max((pod.ready_after or 0 for pod in now.pods(current).values()), default=0)
    after = f" (the new pods' readiness probes pass {delay}s after they start at the earliest)" if delay else ""
    return [
        f"{service} has no ready endpoints from when the old pods stop until a new pod is ready{after}"
        for service in _services_behind(now.world, current)
    ]


def deployment_rollout(then: _Owned, now: _Owned, deployment: ApiObject) -> Rollout | None:
    old_deployment = then.world.get("Deployment", deployment.namespace, deployment.name)
    if old_deployment is None or deployment.spec.get("paused") is True:
        return None
    before, after = then.replicasets(deployment), now.replicasets(deployment)
    if not after:
        return None
    current = after[-1]
    replicas = deployment.spec["replicas"]
    base_current = next((r for r in before if r.name == current.name), None)
    olds = [r for r in before if r.name != current.name and r.spec["replicas"] > 0]
    start = base_current.spec["replicas"] if base_current is not None else 0
    if not olds:
        if start == replicas:
            return None
        verb = "up" if replicas > start else "down"
        return Rollout(
            "Scale", f"scales ReplicaSet {current.name} {verb} from {start} to {replicas} pods (no template change)"
        )
    old_sets = [_Set(r.spec["replicas"], min(r.spec["replicas"], then.ready(r))) for r in olds]
    new = _Set(start, min(start, then.ready(base_current)))
    scaling = len(old_sets) == 1 and start == 0 and old_deployment.spec["replicas"] != replicas
    strategy = deployment.spec["strategy"]
    steps: list[str] = []
    if scaling:  # isScalingEvent: the active ReplicaSet takes the new replica count first
        old_sets[0].replicas = replicas
        old_sets[0].available = min(old_sets[0].available, replicas)
        steps.append(f"new 0/{replicas}, old {replicas}/{replicas} (scaling event)")
    capacity = now.ready(current)
    if strategy["type"] == "Recreate":
        steps += [f"new 0/{replicas}, old 0/{replicas}", f"new {replicas}/{replicas}, old 0/{replicas}"]
        notes = ["every old pod stops before the first new one is created"] + _no_endpoints(now, current)
        if capacity < replicas:
            notes.append(f"only {capacity} of the {replicas} new pods can become ready")
        return Rollout(
            "Recreate",
            f"Recreate, {replicas} replicas",
            tuple(steps),
            tuple(notes),
            0,
            max(replicas, sum(s.replicas for s in old_sets)),
        )
    rolling = strategy.get("rollingUpdate") or {}
    surge = scaled(rolling.get("maxSurge", 0), replicas, True)
    unavailable = scaled(rolling.get("maxUnavailable", 0), replicas, False)
    if surge == 0 and unavailable == 0:
        unavailable = 1
    unavailable = min(unavailable, replicas)
    replay = _RollingReplay(replicas, surge, unavailable, new, old_sets, capacity)
    replay.steps = steps
    finished = replay.run()
    minimum = replicas - unavailable
    notes = [
        (
            f"at least {minimum} of {replicas} pods available throughout (replicas {replicas} - maxUnavailable {unavailable}), "
            f"at most {replicas + surge} pods at once (replicas + maxSurge {surge})"
        )
    ]
    if minimum == 0:
        notes += _no_endpoints(now, current)
    if not finished:
        notes.append(
            f"the rollout stalls at {replay.steps[-1] if replay.steps else 'its start'}: only {capacity} of the new pods "
            "can become ready, so the old ReplicaSet is not scaled down further (progressDeadlineSeconds then "
            "marks the Deployment as failed to progress)"
        )
    summary = f"RollingUpdate, maxSurge {surge}, maxUnavailable {unavailable} (of {replicas} replicas)"
    return Rollout("RollingUpdate", summary, tuple(replay.steps), tuple(notes), minimum, replicas + surge)


def _ordinal(name: str) -> int:
    suffix = name.rsplit("-", 1)[-1]
    return int(suffix) if suffix.isdigit() else 0


def _batches(names: list[str], size: int) -> tuple[str, ...]:
    return tuple(", ".join(names[start : start + size]) for start in range(0, len(names), max(size, 1)))


def statefulset_rollout(then: _Owned, now: _Owned, statefulset: ApiObject) -> Rollout | None:
    old = then.world.get("StatefulSet", statefulset.namespace, statefulset.name)
    if old is None:
        return None
    before, after = then.pods(statefulset), now.pods(statefulset)
    update = controller_revision(now.world, statefulset).name
    spec = statefulset.spec
    strategy = spec["updateStrategy"]
    recreated = sorted(
        (n for n in after if n in before and revision_of(before[n].labels) != revision_of(after[n].labels)),
        key=_ordinal,
        reverse=True,
    )
    behind = sorted((n for n, pod in after.items() if revision_of(pod.labels) != update), key=_ordinal)
    notes = []
    if behind and old.spec["template"] != spec["template"]:
        why = (
            "OnDelete: they are updated only when you delete them"
            if strategy["type"] == "OnDelete"
            else f"partition {strategy['rollingUpdate']['partition']}: pods below it are not updated"
        )
        notes.append(f"{', '.join(behind)} keep{'s' if len(behind) == 1 else ''} the old template ({why})")
    if recreated:
        size = 1
        if minor(now.world.kubernetes_version) >= STATEFULSET_MAX_UNAVAILABLE_SINCE:
            size = max(1, scaled(strategy["rollingUpdate"].get("maxUnavailable", 1), spec["replicas"], False))
        notes.insert(
            0,
            f"each pod is deleted and created again under its name, {size} at a time, highest ordinal first; "
            "the next waits until it is Running and Ready",
        )
        summary = f"RollingUpdate, {len(recreated)} of {len(after)} pods, maxUnavailable {size}"
        return Rollout("RollingUpdate", summary, _batches(recreated, size), tuple(notes), len(after) - size, len(after))
    added = sorted((n for n in after if n not in before), key=_ordinal)
    removed = sorted((n for n in before if n not in after), key=_ordinal, reverse=True)
    if not (added or removed):
        return (
            Rollout(strategy["type"], f"{len(behind)} of {len(after)} pods keep the old template", notes=tuple(notes))
            if notes
            else None
        )
    ordered = spec["podManagementPolicy"] == "OrderedReady"
    if added:
        how = "one at a time, each Running and Ready before the next" if ordered else "all at once (Parallel)"
        notes.insert(0, f"creates {', '.join(added)} {how}")
    if removed:
        notes.insert(
            0,
            f"deletes {', '.join(removed)}, highest ordinal first, " + ("one at a time" if ordered else "all at once"),
        )
    return Rollout("Scale", f"{len(before)} -> {len(after)} pods", (), tuple(notes))


def daemonset_rollout(then: _Owned, now: _Owned, daemonset: ApiObject) -> Rollout | None:
    old = then.world.get("DaemonSet", daemonset.namespace, daemonset.name)
    if old is None:
        return None
    before = {pod.target_node: pod for pod in then.pods(daemonset).values()}
    after = {pod.target_node: pod for pod in now.pods(daemonset).values()}
    nodes = sorted(node for node in after if node in before and before[node].name != after[node].name)
    current = controller_revision(now.world, daemonset).name.rsplit("-", 1)[-1]
    kept = sorted(
        node
        for node in after
        if node in before and before[node].name == after[node].name and revision_of(after[node].labels) != current
    )
    if kept and old.spec["template"] != daemonset.spec["template"]:
        return Rollout(
            "OnDelete",
            f"{len(kept)} of {len(after)} pods keep the old template",
            notes=(f"OnDelete: the pods on {', '.join(kept)} are updated only when you delete them",),
        )
    if not nodes:
        return None
    rolling = daemonset.spec["updateStrategy"].get("rollingUpdate") or {}
    desired = len(after)
    surge = scaled(rolling.get("maxSurge", 0), desired, True)
    unavailable = scaled(rolling.get("maxUnavailable", 1), desired, True)
    if surge == 0 and unavailable == 0:
        unavailable = 1
    if surge:
        how = (
            f"maxSurge {surge}: on {surge} node{'s' if surge > 1 else ''} at a time the new pod starts beside the old one, "
            "which goes once the new one is ready; every node keeps a ready pod"
        )
        return Rollout(
            "RollingUpdate",
            f"RollingUpdate, maxSurge {surge} (of {desired} nodes)",
            _batches(nodes, surge),
            (how,),
            desired,
            desired + surge,
        )
    how = (
        f"maxUnavailable {unavailable}: on {unavailable} node{'s' if unavailable > 1 else ''} at a time the old pod is "
        "deleted, then the new one created; the next batch waits until they are ready"
    )
    return Rollout(
        "RollingUpdate",
        f"RollingUpdate, maxUnavailable {unavailable} (of {desired} nodes)",
        _batches(nodes, unavailable),
        (how,),
        desired - unavailable,
        desired,
    )


ROLLOUTS = {"Deployment": deployment_rollout, "StatefulSet": statefulset_rollout, "DaemonSet": daemonset_rollout}


def rollouts(base: World, world: World, replaced: Collection[ObjectKey] = ()) -> dict[ObjectKey, Rollout]:
    """The rollout of every workload of both worlds that changes in place (replaced ones start over)."""
    found: dict[ObjectKey, Rollout] = {}
    if not any(base.objects.get(kind) for kind in ROLLOUTS):
        return found  # no workload runs yet: everything is simply created
    then, now = _Owned(base), _Owned(world)
    for kind, replay in ROLLOUTS.items():
        for workload in world.objects_of(kind):
            if workload.key not in replaced and (rollout := replay(then, now, workload)) is not None:
                found[workload.key] = rollout
    return found
