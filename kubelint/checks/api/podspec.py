"""One walk of a pod spec, shared by every pod rule of one object.

A dozen rules look at the containers of the same pod template; the engine
runs them one after another on one object, so the first builds the view and
the rest reuse it (a one-entry cache keyed by the object's identity).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from kubelint.kube import POD_TEMPLATE_PATHS, container_label, containers, pod_spec
from kubelint.model import FieldPath, Resource

# Owners whose pods must always restart, and those whose pods must finish.
ALWAYS_RESTART_OWNERS = frozenset({"Deployment", "ReplicaSet", "StatefulSet", "DaemonSet", "ReplicationController"})
RUN_TO_COMPLETION_OWNERS = frozenset({"Job", "CronJob"})
POD_KINDS = frozenset(POD_TEMPLATE_PATHS) | {"Pod"}


@dataclass(frozen=True, slots=True)
class Container:
    path: FieldPath
    data: dict[str, Any]
    list_name: str

    @property
    def label(self) -> str:
        """``container "web"``, ``init container "setup"``."""
        return container_label(self.data, self.list_name)

    @property
    def restartable_init(self) -> bool:
        """A sidecar: an init container with restartPolicy Always."""
        return self.list_name == "initContainers" and self.data.get("restartPolicy") == "Always"


@dataclass(frozen=True, slots=True)
class PodView:
    owner: str
    path: FieldPath
    spec: dict[str, Any]
    containers: tuple[Container, ...]

    def of_list(self, list_name: str) -> tuple[Container, ...]:
        return tuple(container for container in self.containers if container.list_name == list_name)


@lru_cache(maxsize=1)
def pod_view(resource: Resource) -> PodView | None:
    """The pod spec of a Pod or workload with its containers, or None."""
    if resource.data.get("kind") not in POD_KINDS:
        return None
    found = pod_spec(resource)
    if found is None:
        return None
    path, spec = found
    return PodView(
        resource.kind or "",
        path,
        spec,
        tuple(Container(item_path, data, list_name) for item_path, data, list_name in containers(spec, path)),
    )
