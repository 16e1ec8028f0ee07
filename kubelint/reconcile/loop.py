"""The control loop: every controller looks at the world, then all their writes land.

Each round, every controller reads the same world and returns the writes it
wants (create or replace a record, patch some fields of one, delete one);
only then are the writes applied, together. So the order the controllers
run in cannot change the result, and a round is one tick of time: a pod a
ReplicaSet creates in round 2 is scheduled in round 3 and gets its address
in round 4, as in a real cluster. The loop stops when a round asks for
nothing: the fixed point.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Iterable, Mapping

from kubelint.reconcile.world import ApiObject, Endpoints, EndpointSlice, Pod, Service, World

Controller = Callable[[World], Iterable["Write"]]

MAX_ROUNDS = 100_000

ENDPOINT_BLIND = frozenset({"node", "reason", "owner", "workload"})
"""Pod fields no Endpoints object depends on: a new pod, or one just bound to a node, has no address yet."""


@dataclass(frozen=True, slots=True)
class Put:
    """Create a record, or replace the one with the same key."""

    record: Any


@dataclass(frozen=True, slots=True)
class Patch:
    """Set some fields of an existing record."""

    record: Any
    fields: Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class Delete:
    record: Any


Write = Put | Patch | Delete


class ConflictingWrites(RuntimeError):
    """Two controllers wrote the same thing in one round: a bug in kubelint, not in the input."""


def _table(world: World, record: Any) -> tuple[dict[Any, Any], Any]:
    if isinstance(record, Pod):
        return world.pods, record.key
    if isinstance(record, Service):
        return world.services, record.key
    if isinstance(record, Endpoints):
        return world.endpoints, record.key
    if isinstance(record, EndpointSlice):
        return world.slices, record.key
    if isinstance(record, ApiObject):
        return world.objects.setdefault(record.kind, {}), record.key
    raise TypeError(f"not a world record: {record!r}")


def apply(world: World, writes: list[Write]) -> None:
    """Apply one round's writes, refusing two writes of the same record field."""
    claimed: dict[int, set[str]] = {}
    touched: set[str] = set()
    for write in writes:
        names = set(write.fields) if isinstance(write, Patch) else {"*"}
        already = claimed.setdefault(id(write.record), set())
        if already and ("*" in already or "*" in names or already & names):
            raise ConflictingWrites(f"two controllers wrote {write.record!r} in one round")
        already |= names
        if isinstance(write.record, Service) or (
            isinstance(write, Patch) and isinstance(write.record, Pod) and not ENDPOINT_BLIND.issuperset(write.fields)
        ):
            touched.add(write.record.namespace)
    for write in writes:
        table, key = _table(world, write.record)
        if isinstance(write, Put):
            previous = table.get(key)
            if previous is not None and previous is not write.record and isinstance(write.record, (Pod, Service)):
                raise ConflictingWrites(f"{key} was created twice")
            table[key] = write.record
            if isinstance(write.record, Pod) and previous is None:
                world.pod_index.add(write.record.namespace, write.record.name, write.record.labels)
        elif isinstance(write, Patch):
            for name, value in write.fields.items():
                setattr(write.record, name, value)
        else:
            table.pop(key, None)
    world.touched_namespaces = touched


def run(world: World, controllers: list[Controller]) -> None:
    """Run the controllers round after round until none has anything to do."""
    for number in range(world.rounds + 1, MAX_ROUNDS):
        world.rounds = number
        writes = [write for controller in controllers for write in controller(world)]
        if not writes:
            world.rounds = number - 1
            return
        apply(world, writes)
    raise RuntimeError(f"the controllers did not settle in {MAX_ROUNDS} rounds")
