"""Changes the API server refuses on update: the object must be deleted and created again.

``kubectl apply`` sends an update; for these fields the API server answers
"field is immutable" (or a kind's own wording) and nothing changes. The plan
shows such an object as ``replace`` (``-/+``, the field marked ``# forces
replacement``) and reports an error finding saying so. The rules follow the
update validation of each kind:

- Deployment, ReplicaSet, DaemonSet: ``spec.selector`` (apps/v1 registry
  strategies, ValidateImmutableField on the selector).
- StatefulSet: every spec field but ``replicas``, ``ordinals``, ``template``,
  ``updateStrategy``, ``revisionHistoryLimit``,
  ``persistentVolumeClaimRetentionPolicy`` and ``minReadySeconds``
  (ValidateStatefulSetUpdate): selector, serviceName, volumeClaimTemplates,
  podManagementPolicy...
- Job: ``selector``, ``template`` (a suspended Job may change its scheduling
  directives: nodeSelector, affinity, tolerations, labels, annotations,
  schedulingGates), ``completions`` (an Indexed Job may change it together
  with ``parallelism``), ``completionMode``, ``podFailurePolicy``,
  ``backoffLimitPerIndex``, ``managedBy``, ``successPolicy``
  (ValidateJobSpecUpdate).
- Service: ``spec.clusterIP`` once set, unless the type changes to or from
  ExternalName (ValidateServiceUpdate); ``loadBalancerClass`` of a
  LoadBalancer Service.
- PersistentVolumeClaim: the spec but ``resources.requests`` (which may not
  shrink) and ``volumeAttributesClassName``; ``storageClassName`` may only be
  set where it was unset (ValidatePersistentVolumeClaimUpdate).
- Secret and ConfigMap marked ``immutable: true``: their data, and the mark
  itself; a Secret's ``type`` always (ValidateSecretUpdate,
  ValidateConfigMapUpdate).
- Pod: the spec but container and init-container images,
  ``activeDeadlineSeconds``, added tolerations and
  ``terminationGracePeriodSeconds`` (ValidatePodUpdate).
- RoleBinding and ClusterRoleBinding: ``roleRef``; PriorityClass: ``value``;
  StorageClass: ``provisioner``, ``parameters``, ``reclaimPolicy``,
  ``volumeBindingMode``.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from typing import Any, Callable, Mapping

from kubelint.model import FieldPath, Resource, format_path
from kubelint.reconcile.world import ObjectKey, Service, World

RULE = "plan-immutable-field"

STATEFULSET_MUTABLE = (
    "replicas",
    "ordinals",
    "template",
    "updateStrategy",
    "revisionHistoryLimit",
    "persistentVolumeClaimRetentionPolicy",
    "minReadySeconds",
)
STATEFULSET_MESSAGE = (
    "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', "
    "'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden"
)
JOB_IMMUTABLE = ("selector", "completionMode", "podFailurePolicy", "backoffLimitPerIndex", "managedBy", "successPolicy")
JOB_SCHEDULING_DIRECTIVES = ("nodeSelector", "affinity", "tolerations", "schedulingGates")
PVC_MESSAGE = (
    "spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims"
)
POD_MESSAGE = (
    "pod updates may not change fields other than `spec.containers[*].image`, `spec.initContainers[*].image`, "
    "`spec.activeDeadlineSeconds`, `spec.tolerations` (only additions to existing tolerations), "
    "`spec.terminationGracePeriodSeconds`"
)
IMMUTABLE = "field is immutable"
CONSEQUENCES = {
    "Deployment": "with its ReplicaSets and pods: every pod stops, then the new ones start",
    "ReplicaSet": "with its pods",
    "DaemonSet": "with its pods on every node",
    "StatefulSet": "with its pods (their PersistentVolumeClaims stay; delete it with --cascade=orphan to keep the pods running meanwhile)",
    "Job": "with its pods: the Job runs again from the start",
    "Service": "clients that hold its old address lose it",
    "PersistentVolumeClaim": "with a reclaimPolicy Delete volume its data is gone",
    "Pod": "the pod stops and starts again",
    "Secret": "pods that use it see the new data only once they start again",
    "ConfigMap": "pods that use it see the new data only once they start again",
}


@dataclass(frozen=True, slots=True)
class Refusal:
    """A field whose change the API server refuses: where it is, and the server's words."""

    path: FieldPath
    message: str


@dataclass(frozen=True, slots=True)
class Replacement:
    """An input object that must be deleted and created again, and why."""

    key: ObjectKey
    refusals: tuple[Refusal, ...]
    resource: Resource | None
    """The object in the new manifests (for the finding's position)."""

    @property
    def reason(self) -> str:
        return f"kubectl apply fails: {', '.join(format_path(r.path) for r in self.refusals)} cannot change; deleted and created again"


def _spec(data: Mapping[str, Any]) -> Mapping[str, Any]:
    spec = data.get("spec")
    return spec if isinstance(spec, dict) else {}


def _selector(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[Refusal]:
    return (
        [Refusal(("spec", "selector"), IMMUTABLE)] if _spec(old).get("selector") != _spec(new).get("selector") else []
    )


def _statefulset(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[Refusal]:
    before, after = _spec(old), _spec(new)
    fields = sorted((before.keys() | after.keys()) - set(STATEFULSET_MUTABLE))
    return [Refusal(("spec", name), STATEFULSET_MESSAGE) for name in fields if before.get(name) != after.get(name)]


def _job(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[Refusal]:
    before, after = _spec(old), _spec(new)
    refusals = [Refusal(("spec", name), IMMUTABLE) for name in JOB_IMMUTABLE if before.get(name) != after.get(name)]
    if before.get("completions") != after.get("completions"):
        elastic = after.get("completionMode") == "Indexed" and after.get("completions") == after.get("parallelism")
        if not elastic:
            refusals.append(
                Refusal(
                    ("spec", "completions"),
                    IMMUTABLE
                    if after.get("completionMode") != "Indexed"
                    else "can only be modified in tandem with spec.parallelism",
                )
            )
    old_template, new_template = before.get("template") or {}, after.get("template") or {}
    if before.get("suspend") is True:  # AllowMutableSchedulingDirectives: suspended, so never started
        old_template = _with_directives(old_template, new_template)
    if old_template != new_template:
        refusals.append(Refusal(("spec", "template"), IMMUTABLE))
    return refusals


def _with_directives(old: Mapping[str, Any], new: Mapping[str, Any]) -> dict[str, Any]:
    """``old`` with the scheduling directives, labels and annotations of ``new``."""
    metadata = dict(old.get("metadata") or {})
    for key in ("labels", "annotations"):
        metadata.pop(key, None)
        if key in (new.get("metadata") or {}):
            metadata[key] = new["metadata"][key]
    spec = {key: value for key, value in (old.get("spec") or {}).items() if key not in JOB_SCHEDULING_DIRECTIVES}
    spec.update((key, value) for key, value in (new.get("spec") or {}).items() if key in JOB_SCHEDULING_DIRECTIVES)
    return {**old, "metadata": metadata, "spec": spec}


def _claim(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[Refusal]:
    before, after = dict(_spec(old)), dict(_spec(new))
    refusals = []
    old_storage = ((before.get("resources") or {}).get("requests") or {}).get("storage")
    new_storage = ((after.get("resources") or {}).get("requests") or {}).get("storage")
    if old_storage is not None and new_storage is not None and _quantity(new_storage) < _quantity(old_storage):
        refusals.append(
            Refusal(("spec", "resources", "requests", "storage"), "field can not be less than status.capacity")
        )
    for spec in (before, after):
        spec.pop("volumeAttributesClassName", None)
        requests = dict((spec.get("resources") or {}).get("requests") or {})
        requests.pop("storage", None)
        spec["resources"] = dict(spec.get("resources") or {}, requests=requests)
    if before.get("storageClassName") is None:  # RetroactiveDefaultStorageClass: unset may be set once
        before["storageClassName"] = after.get("storageClassName")
    fields = sorted(name for name in before.keys() | after.keys() if before.get(name) != after.get(name))
    return refusals + [Refusal(("spec", name), PVC_MESSAGE) for name in fields]


def _quantity(value: Any) -> Any:
    from kubelint.quantity import QuantityError, parse_quantity

    try:
        return parse_quantity(value)
    except (QuantityError, TypeError, ValueError):
        return 0


def _payload(data: Mapping[str, Any]) -> dict[str, Any]:
    """A Secret's or ConfigMap's data as stored: stringData folded into data (base64, as the server does)."""
    found = {f"data/{key}": value for key, value in (data.get("data") or {}).items()}
    found.update(
        (f"data/{key}", base64.b64encode(str(value).encode()).decode())
        for key, value in (data.get("stringData") or {}).items()
    )
    found.update((f"binaryData/{key}", value) for key, value in (data.get("binaryData") or {}).items())
    return found


def _immutable_data(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[Refusal]:
    refusals = []
    if old.get("kind") == "Secret" and (old.get("type") or "Opaque") != (new.get("type") or "Opaque"):
        refusals.append(Refusal(("type",), IMMUTABLE))
    if old.get("immutable") is not True:
        return refusals
    message = "field is immutable when `immutable` is set"
    if new.get("immutable") is not True:
        refusals.append(Refusal(("immutable",), message))
    if _payload(old) != _payload(new):
        where = "stringData" if "stringData" in new and "data" not in new else "data"
        refusals.append(Refusal((where,), message))
    return refusals


def _pod(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[Refusal]:
    before, after = dict(_spec(old)), _spec(new)
    for lists in ("containers", "initContainers"):
        old_containers, new_containers = before.get(lists), after.get(lists)
        if (
            isinstance(old_containers, list)
            and isinstance(new_containers, list)
            and len(old_containers) == len(new_containers)
        ):
            before[lists] = [dict(o, image=n.get("image")) for o, n in zip(old_containers, new_containers)]
    for name in ("activeDeadlineSeconds", "terminationGracePeriodSeconds"):
        before.pop(name, None)
        if name in after:
            before[name] = after[name]
    if all(t in (after.get("tolerations") or []) for t in before.get("tolerations") or []):
        before.pop("tolerations", None)
        if "tolerations" in after:
            before["tolerations"] = after["tolerations"]
    fields = sorted(name for name in before.keys() | after.keys() if before.get(name) != after.get(name))
    return [Refusal(("spec", name), POD_MESSAGE) for name in fields]


def _fields(*names: str, message: str = IMMUTABLE) -> Callable[[Mapping[str, Any], Mapping[str, Any]], list[Refusal]]:
    def check(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[Refusal]:
        return [Refusal((name,), message) for name in names if old.get(name) != new.get(name)]

    return check


CHECKS: dict[tuple[str, str], Callable[[Mapping[str, Any], Mapping[str, Any]], list[Refusal]]] = {
    ("apps", "Deployment"): _selector,
    ("apps", "ReplicaSet"): _selector,
    ("apps", "DaemonSet"): _selector,
    ("apps", "StatefulSet"): _statefulset,
    ("batch", "Job"): _job,
    ("", "PersistentVolumeClaim"): _claim,
    ("", "Secret"): _immutable_data,
    ("", "ConfigMap"): _immutable_data,
    ("rbac.authorization.k8s.io", "RoleBinding"): _fields("roleRef", message="cannot change roleRef"),
    ("rbac.authorization.k8s.io", "ClusterRoleBinding"): _fields("roleRef", message="cannot change roleRef"),
    ("scheduling.k8s.io", "PriorityClass"): _fields("value", message="may not be changed in an update."),
    ("storage.k8s.io", "StorageClass"): _fields(
        "provisioner",
        "parameters",
        "reclaimPolicy",
        "volumeBindingMode",
        message="updates to this field are forbidden.",
    ),
}
LEGACY_SELECTOR = frozenset({"extensions/v1beta1", "apps/v1beta1"})
"""API versions whose workloads may still change their selector (for compatibility)."""


def refusals(api_version: str, old: Mapping[str, Any], new: Mapping[str, Any]) -> list[Refusal]:
    """What the API server refuses when ``old`` is updated to ``new`` (both defaulted manifests)."""
    kind = new.get("kind") or ""
    check = CHECKS.get((api_version.rpartition("/")[0], kind))
    if check is None or (check is _selector and api_version in LEGACY_SELECTOR):
        return []
    return check(old, new)


def _service(old: Service, new: Service) -> list[Refusal]:
    refusals = []
    if "ExternalName" not in (old.type, new.type) and old.cluster_ip and old.cluster_ip != new.cluster_ip:
        refusals.append(Refusal(("spec", "clusterIP"), IMMUTABLE))
    if old.type == new.type == "LoadBalancer" and old.load_balancer_class != new.load_balancer_class:
        refusals.append(Refusal(("spec", "loadBalancerClass"), "may not change once set"))
    return refusals


def replacements(base: World, world: World) -> list[Replacement]:
    """The input objects of ``world`` that exist in ``base`` and cannot be updated into what they are now."""
    found = []
    for table in world.objects.values():
        for item in table.values():
            old = base.get(item.kind, item.namespace, item.name)
            if item.owner is None and item.source is not None and old is not None and old.data is not item.data:
                problems = refusals(item.api_version, old.data, item.data)
                if problems:
                    found.append(Replacement(item.key, tuple(problems), item.source))
    for key, service in world.services.items():
        old_service = base.services.get(key)
        if old_service is not None and not service.system and (problems := _service(old_service, service)):
            found.append(Replacement(("Service", *key), tuple(problems), service.source))
    for key, pod in world.pods.items():
        old_pod = base.pods.get(key)
        if pod.owner is None and old_pod is not None and old_pod.owner is None and pod.source is not None:
            problems = _pod({"spec": old_pod.spec}, {"spec": pod.spec})
            if problems:
                found.append(Replacement(("Pod", *key), tuple(problems), pod.source))
    return sorted(found, key=lambda r: r.key)


def message(replacement: Replacement, refusal: Refusal) -> str:
    """The finding: what fails, and what it takes."""
    kind, namespace, name = replacement.key
    where = f" -n {namespace}" if namespace else ""
    consequence = CONSEQUENCES.get(kind)
    return (
        f"{kind} {name}: {format_path(refusal.path)}: {refusal.message}: kubectl apply fails on the existing object. "
        f"It must be deleted and created again (kubectl delete {kind.lower()} {name}{where}, then kubectl apply; "
        f"or kubectl replace --force)" + (f"; {consequence}" if consequence else "")
    )
