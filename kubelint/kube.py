"""Where things live inside Kubernetes objects.

Every rule about pods must look in the same places: a Pod's ``spec``, a
Deployment's ``spec.template.spec``, a CronJob's
``spec.jobTemplate.spec.template.spec``. This module is the one map of
those places, shared by the API rules, the lint rules and the reconciler.
"""

from __future__ import annotations

from typing import Any, Iterator

from kubelint.model import FieldPath, Resource

WORKLOAD_GROUPS = frozenset({"", "apps", "batch", "extensions"})

# kind -> path of the pod template (metadata + spec) inside the object
POD_TEMPLATE_PATHS: dict[str, FieldPath] = {
    "Deployment": ("spec", "template"),
    "ReplicaSet": ("spec", "template"),
    "StatefulSet": ("spec", "template"),
    "DaemonSet": ("spec", "template"),
    "ReplicationController": ("spec", "template"),
    "Job": ("spec", "template"),
    "CronJob": ("spec", "jobTemplate", "spec", "template"),
    "PodTemplate": ("template",),
}

CONTAINER_LISTS = ("initContainers", "containers", "ephemeralContainers")

DEFAULT_NAMESPACE = "default"

# Built-in kinds that live outside namespaces (kubectl api-resources --namespaced=false).
CLUSTER_SCOPED_KINDS = frozenset(
    {
        "APIService",
        "CertificateSigningRequest",
        "ClusterRole",
        "ClusterRoleBinding",
        "ComponentStatus",
        "CSIDriver",
        "CSINode",
        "CustomResourceDefinition",
        "DeviceClass",
        "FlowSchema",
        "IngressClass",
        "IPAddress",
        "MutatingAdmissionPolicy",
        "MutatingAdmissionPolicyBinding",
        "MutatingWebhookConfiguration",
        "Namespace",
        "Node",
        "PersistentVolume",
        "PriorityClass",
        "PriorityLevelConfiguration",
        "ResourceSlice",
        "RuntimeClass",
        "SelfSubjectAccessReview",
        "SelfSubjectReview",
        "SelfSubjectRulesReview",
        "ServiceCIDR",
        "StorageClass",
        "StorageVersionMigration",
        "SubjectAccessReview",
        "TokenReview",
        "ValidatingAdmissionPolicy",
        "ValidatingAdmissionPolicyBinding",
        "ValidatingWebhookConfiguration",
        "VolumeAttachment",
        "VolumeAttributesClass",
    }
)


def get_path(data: Any, path: FieldPath) -> Any:
    """The value at ``path``, or None when any step is missing."""
    for part in path:
        if isinstance(part, int):
            if not isinstance(data, list) or not 0 <= part < len(data):
                return None
        elif not isinstance(data, dict):
            return None
        data = data[part] if isinstance(part, int) else data.get(part)
    return data


def is_cluster_scoped(resource: Resource) -> bool:
    """Built-in cluster-scoped kinds; custom kinds are taken as namespaced."""
    return resource.kind in CLUSTER_SCOPED_KINDS and (
        resource.group in WORKLOAD_GROUPS or resource.group.endswith("k8s.io")
    )


def namespace_of(resource: Resource, default: str = DEFAULT_NAMESPACE) -> str | None:
    """The namespace the object lands in (None for cluster-scoped objects)."""
    if is_cluster_scoped(resource):
        return None
    return resource.namespace or default


def is_builtin(resource: Resource) -> bool:
    """Whether the object belongs to a built-in workload API group."""
    return resource.group in WORKLOAD_GROUPS


def pod_template_path(resource: Resource) -> FieldPath | None:
    """Path of the pod template of a built-in workload, if it has one."""
    if not is_builtin(resource):
        return None
    return POD_TEMPLATE_PATHS.get(resource.kind or "")


def pod_spec(resource: Resource) -> tuple[FieldPath, dict[str, Any]] | None:
    """(path, spec) of the pod spec a workload (or Pod) runs."""
    if resource.kind == "Pod" and resource.group == "":
        path: FieldPath = ("spec",)
    else:
        template = pod_template_path(resource)
        if template is None:
            return None
        path = template + ("spec",)
    spec = get_path(resource.data, path)
    return (path, spec) if isinstance(spec, dict) else None


def pod_labels(resource: Resource) -> dict[str, Any]:
    """Labels the pods of a workload (or a Pod itself) carry."""
    if resource.kind == "Pod" and resource.group == "":
        labels = resource.metadata.get("labels")
    else:
        template = pod_template_path(resource)
        labels = get_path(resource.data, template + ("metadata", "labels")) if template else None
    return labels if isinstance(labels, dict) else {}


def containers(
    spec: dict[str, Any], spec_path: FieldPath, lists: tuple[str, ...] = CONTAINER_LISTS
) -> Iterator[tuple[FieldPath, dict[str, Any], str]]:
    """(path, container, list name) for every container of a pod spec."""
    for list_name in lists:
        items = spec.get(list_name)
        if not isinstance(items, list):
            continue
        for index, container in enumerate(items):
            if isinstance(container, dict):
                yield spec_path + (list_name, index), container, list_name


def all_containers(
    resource: Resource, lists: tuple[str, ...] = CONTAINER_LISTS
) -> Iterator[tuple[FieldPath, dict[str, Any], str]]:
    """Every container of a workload, with its path inside the object."""
    found = pod_spec(resource)
    if found is not None:
        yield from containers(found[1], found[0], lists)


def container_label(container: dict[str, Any], list_name: str) -> str:
    """How messages name a container: ``container "web"`` or ``init container "setup"``."""
    name = container.get("name")
    prefix = {"initContainers": "init container", "ephemeralContainers": "ephemeral container"}.get(
        list_name, "container"
    )
    return f'{prefix} "{name}"' if isinstance(name, str) else prefix
