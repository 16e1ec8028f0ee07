"""Updates the API server refuses (kubelint/plan/immutable.py), kind by kind, as its update validation says."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

from kubelint.model import format_path
from kubelint.plan import BaseSpec, run_plan
from kubelint.plan.immutable import refusals
from kubelint.reconcile import default_profile


def _changed(data: dict[str, Any], path: tuple[Any, ...], value: Any) -> dict[str, Any]:
    """A copy of ``data`` with ``path`` set to ``value`` (a missing key made; ``...`` deletes)."""
    out = copy.deepcopy(data)
    target = out
    for key in path[:-1]:
        target = target.setdefault(key, {}) if isinstance(key, str) else target[key]
    if value is ...:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return out


def _refused(api_version: str, old: dict[str, Any], path: tuple[Any, ...], value: Any) -> list[str]:
    return [format_path(r.path) for r in refusals(api_version, old, _changed(old, path, value))]


WORKLOAD = {
    "kind": "Deployment",
    "spec": {
        "replicas": 2,
        "selector": {"matchLabels": {"app": "web"}},
        "template": {"metadata": {"labels": {"app": "web"}}, "spec": {"containers": [{"name": "web", "image": "a"}]}},
    },
}


@pytest.mark.parametrize("kind", ["Deployment", "ReplicaSet", "DaemonSet"])
def test_apps_v1_selectors_are_immutable(kind: str) -> None:
    old = dict(WORKLOAD, kind=kind)
    assert _refused("apps/v1", old, ("spec", "selector", "matchLabels", "tier"), "web") == ["spec.selector"]
    assert _refused("apps/v1", old, ("spec", "template", "spec", "containers", 0, "image"), "b") == []
    assert (
        _refused("extensions/v1beta1", old, ("spec", "selector", "matchLabels", "tier"), "web") == []
    )  # compatibility


STATEFULSET = {
    "kind": "StatefulSet",
    "spec": {
        "replicas": 3,
        "serviceName": "db",
        "podManagementPolicy": "OrderedReady",
        "revisionHistoryLimit": 10,
        "minReadySeconds": 0,
        "selector": {"matchLabels": {"app": "db"}},
        "updateStrategy": {"type": "RollingUpdate", "rollingUpdate": {"partition": 0}},
        "template": {"metadata": {"labels": {"app": "db"}}, "spec": {"containers": [{"name": "db", "image": "a"}]}},
        "volumeClaimTemplates": [
            {"metadata": {"name": "data"}, "spec": {"resources": {"requests": {"storage": "1Gi"}}}}
        ],
    },
}


@pytest.mark.parametrize(
    ("path", "value"),
    [
        (("spec", "serviceName"), "db-headless"),
        (("spec", "podManagementPolicy"), "Parallel"),
        (("spec", "volumeClaimTemplates", 0, "spec", "resources", "requests", "storage"), "2Gi"),
        (("spec", "selector", "matchLabels", "tier"), "db"),
    ],
)
def test_statefulset_fields_beyond_the_updatable_ones_are_refused(path: tuple[Any, ...], value: Any) -> None:
    assert _refused("apps/v1", STATEFULSET, path, value) == [format_path(path[:2])]


@pytest.mark.parametrize(
    ("path", "value"),
    [
        (("spec", "replicas"), 5),
        (("spec", "template", "spec", "containers", 0, "image"), "b"),
        (("spec", "revisionHistoryLimit"), 3),
        (("spec", "updateStrategy", "rollingUpdate", "partition"), 2),
        (("spec", "minReadySeconds"), 10),
        (("spec", "ordinals"), {"start": 1}),
    ],
)
def test_statefulset_updatable_fields(path: tuple[Any, ...], value: Any) -> None:
    assert _refused("apps/v1", STATEFULSET, path, value) == []


JOB = {
    "kind": "Job",
    "spec": {
        "completions": 3,
        "parallelism": 3,
        "completionMode": "NonIndexed",
        "backoffLimit": 6,
        "template": {
            "metadata": {"labels": {"app": "job"}},
            "spec": {"restartPolicy": "Never", "containers": [{"name": "job", "image": "a"}]},
        },
    },
}


def test_job_template_and_completions_are_immutable() -> None:
    assert _refused("batch/v1", JOB, ("spec", "template", "spec", "containers", 0, "image"), "b") == ["spec.template"]
    assert _refused("batch/v1", JOB, ("spec", "completions"), 5) == ["spec.completions"]
    assert _refused("batch/v1", JOB, ("spec", "completionMode"), "Indexed") != []
    assert _refused("batch/v1", JOB, ("spec", "backoffLimit"), 2) == []
    assert _refused("batch/v1", JOB, ("spec", "parallelism"), 1) == []


def test_job_exceptions() -> None:
    """An Indexed Job changes completions together with parallelism; a suspended one its scheduling directives."""
    indexed = _changed(JOB, ("spec", "completionMode"), "Indexed")
    both = _changed(_changed(indexed, ("spec", "completions"), 5), ("spec", "parallelism"), 5)
    assert refusals("batch/v1", indexed, both) == []
    suspended = _changed(JOB, ("spec", "suspend"), True)
    assert _refused("batch/v1", suspended, ("spec", "template", "spec", "nodeSelector"), {"pool": "batch"}) == []
    assert _refused("batch/v1", suspended, ("spec", "template", "spec", "containers", 0, "image"), "b") == [
        "spec.template"
    ]


CLAIM = {
    "kind": "PersistentVolumeClaim",
    "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "10Gi"}}},
}


def test_persistent_volume_claims() -> None:
    assert _refused("v1", CLAIM, ("spec", "resources", "requests", "storage"), "20Gi") == []
    assert _refused("v1", CLAIM, ("spec", "resources", "requests", "storage"), "5Gi") == [
        "spec.resources.requests.storage"
    ]
    assert _refused("v1", CLAIM, ("spec", "accessModes"), ["ReadWriteMany"]) == ["spec.accessModes"]
    assert _refused("v1", CLAIM, ("spec", "storageClassName"), "fast") == []  # unset may be set once
    classed = _changed(CLAIM, ("spec", "storageClassName"), "standard")
    assert _refused("v1", classed, ("spec", "storageClassName"), "fast") == ["spec.storageClassName"]
    assert _refused("v1", classed, ("spec", "volumeAttributesClassName"), "gold") == []


@pytest.mark.parametrize("kind", ["Secret", "ConfigMap"])
def test_immutable_secrets_and_configmaps(kind: str) -> None:
    plain = {"kind": kind, "data": {"a": "Yg=="}}
    assert _refused("v1", plain, ("data", "a"), "Yw==") == []
    frozen = dict(plain, immutable=True)
    assert _refused("v1", frozen, ("data", "a"), "Yw==") == ["data"]
    assert _refused("v1", frozen, ("immutable",), False) == ["immutable"]
    assert _refused("v1", plain, ("immutable",), True) == []


def test_secret_string_data_is_data() -> None:
    frozen = {"kind": "Secret", "immutable": True, "data": {"a": "Yg=="}}
    same = {"kind": "Secret", "immutable": True, "stringData": {"a": "b"}}
    assert refusals("v1", frozen, same) == []
    assert _refused("v1", {"kind": "Secret", "type": "Opaque"}, ("type",), "kubernetes.io/tls") == ["type"]


def test_bindings_priority_classes_and_storage_classes() -> None:
    binding = {"kind": "RoleBinding", "roleRef": {"kind": "Role", "name": "view"}}
    assert _refused("rbac.authorization.k8s.io/v1", binding, ("roleRef", "name"), "edit") == ["roleRef"]
    assert _refused("scheduling.k8s.io/v1", {"kind": "PriorityClass", "value": 10}, ("value",), 20) == ["value"]
    assert _refused("storage.k8s.io/v1", {"kind": "StorageClass", "provisioner": "a"}, ("provisioner",), "b") == [
        "provisioner"
    ]
    assert _refused("networking.k8s.io/v1", {"kind": "Ingress", "spec": {}}, ("spec", "rules"), []) == []


POD = """apiVersion: v1
kind: Pod
metadata:
  name: debug
spec:
  containers:
  - name: shell
    image: {image}
    env: [{{name: MODE, value: {mode}}}]
"""

SERVICE = """apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  type: {type}
  {extra}
  ports:
  - port: 80
"""


def _plan(tmp_path: Path, base: str, new: str):  # type: ignore[no-untyped-def]
    (tmp_path / "base.yaml").write_text(base)
    (tmp_path / "new.yaml").write_text(new)
    return run_plan([str(tmp_path / "new.yaml")], default_profile(), base=BaseSpec("base", str(tmp_path / "base.yaml")))


def _change(report, kind: str, name: str) -> str:  # type: ignore[no-untyped-def]
    return next(e.change for e in report.plan.objects if (e.item["kind"], e.item["name"]) == (kind, name))


def test_a_pod_may_change_its_image_and_nothing_else(tmp_path: Path) -> None:
    image = _plan(tmp_path, POD.format(image="busybox:1.36", mode="a"), POD.format(image="busybox:1.37", mode="a"))
    assert _change(image, "Pod", "debug") == "update" and not image.plan.replacements
    env = _plan(tmp_path, POD.format(image="busybox:1.36", mode="a"), POD.format(image="busybox:1.36", mode="b"))
    assert _change(env, "Pod", "debug") == "replace"
    assert [f.path for f in env.findings if f.rule == "plan-immutable-field"] == ["spec.containers"]


def test_a_service_keeps_its_cluster_ip_unless_asked_for_another(tmp_path: Path) -> None:
    base = SERVICE.format(type="ClusterIP", extra="selector: {app: web}")
    asked = SERVICE.format(type="ClusterIP", extra="clusterIP: 10.96.200.200")
    report = _plan(tmp_path, base, asked)
    assert _change(report, "Service", "web") == "replace"
    assert [(f.rule, f.path) for f in report.findings if f.rule == "plan-immutable-field"] == [
        ("plan-immutable-field", "spec.clusterIP")
    ]
    assert report.plan.world.services[("default", "web")].cluster_ip == "10.96.200.200"
    headless = _plan(tmp_path, base, SERVICE.format(type="ClusterIP", extra="clusterIP: None"))
    assert _change(headless, "Service", "web") == "replace"
    node_port = _plan(tmp_path, base, SERVICE.format(type="NodePort", extra="selector: {app: web}"))
    assert _change(node_port, "Service", "web") == "update"
    assert (
        node_port.plan.world.services[("default", "web")].cluster_ip
        == report.plan.base.services[("default", "web")].cluster_ip
    )
    external = _plan(
        tmp_path,
        base,
        SERVICE.format(type="ExternalName", extra="externalName: db.example.com").replace(
            "  ports:\n  - port: 80\n", ""
        ),
    )
    assert _change(external, "Service", "web") == "update" and not external.plan.replacements
