"""API defaulting: the fields the API server fills in before anything runs.

Each function takes an input object and returns a defaulted *copy* of its
data (the input's ``Resource.data`` is never changed), following the
``SetDefaults_*`` functions of pkg/apis/{core,apps,batch}/v1/defaults.go:
replicas 1, RollingUpdate 25%/25%, protocol TCP, targetPort = port, type
ClusterIP, restartPolicy Always, imagePullPolicy from the tag, probe
timings, Job completions and parallelism...

The reconciler reads these fields without further checks, so a field it
reads with the wrong type, or an object the API server would refuse
outright (a selector that does not match its template), raises
:class:`Malformed`; the object is then left out of the plan with a finding.
"""

from __future__ import annotations

import copy
import marshal
from typing import Any, Callable

from kubelint.model import FieldPath, Resource
from kubelint.quantity import QuantityError, parse_quantity
from kubelint.reconcile.kinds import LEGACY_SELECTOR_DEFAULT
from kubelint.selectors import matches
from kubelint.validation import cron_schedule_errors, time_zone_errors

SERVICE_TYPES = ("ClusterIP", "NodePort", "LoadBalancer", "ExternalName")
PROTOCOLS = ("TCP", "UDP", "SCTP")
PROBES = ("livenessProbe", "readinessProbe", "startupProbe")
CONTAINER_LISTS = ("initContainers", "containers")


class Malformed(Exception):
    """An object the reconciler cannot play: what is wrong, and where."""

    def __init__(self, path: FieldPath, message: str) -> None:
        super().__init__(message)
        self.path, self.message = path, message


def deep_copy(data: Any) -> Any:
    """A copy of parsed YAML/JSON data (marshal is several times faster than copy.deepcopy)."""
    try:
        return marshal.loads(marshal.dumps(data))
    except ValueError:  # a type marshal does not know
        return copy.deepcopy(data)


class Fields:
    """Typed reads of one object's data, raising Malformed at the right path."""

    def __init__(self, resource: Resource, data: dict[str, Any]) -> None:
        self.resource, self.data = resource, data

    def wrong(self, path: FieldPath, expected: str) -> Malformed:
        return Malformed(path, self.resource.type_error(path, expected))

    def mapping(self, parent: dict[str, Any], key: str, path: FieldPath, *, create: bool = True) -> dict[str, Any]:
        value = parent.get(key)
        if value is None:
            if not create:
                return {}
            value = parent[key] = {}
        if not isinstance(value, dict):
            raise self.wrong(path + (key,), "object")
        return value

    def sequence(self, parent: dict[str, Any], key: str, path: FieldPath) -> list[Any]:
        value = parent.get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            raise self.wrong(path + (key,), "array")
        for index, item in enumerate(value):
            if not isinstance(item, dict):
                raise self.wrong(path + (key, index), "object")
        return value

    def integer(self, parent: dict[str, Any], key: str, path: FieldPath, default: int | None = None, minimum: int = 0) -> int | None:
        value = parent.get(key)
        if value is None:
            if default is not None:
                parent[key] = default
            return default
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.wrong(path + (key,), "integer")
        if value < minimum:
            raise Malformed(path + (key,), f"{_dotted(path + (key,))} must be at least {minimum}, not {value}")
        return value

    def string(self, parent: dict[str, Any], key: str, path: FieldPath, default: str | None = None) -> str | None:
        value = parent.get(key)
        if value is None:
            if default is not None:
                parent[key] = default
            return default
        if not isinstance(value, str):
            raise self.wrong(path + (key,), "string")
        return value

    def choice(self, parent: dict[str, Any], key: str, path: FieldPath, allowed: tuple[str, ...], default: str) -> str:
        value = self.string(parent, key, path, default)
        if value not in allowed:
            raise Malformed(path + (key,), f'{_dotted(path + (key,))}: "{value}" is not one of {", ".join(allowed)}')
        return value  # type: ignore[return-value]

    def labels(self, parent: dict[str, Any], key: str, path: FieldPath) -> dict[str, str]:
        labels = self.mapping(parent, key, path, create=False)
        for name, value in labels.items():
            if not isinstance(value, str):
                raise self.wrong(path + (key, name), "string (quote label values like \"1\" or \"true\")")
        return labels

    def int_or_string(self, parent: dict[str, Any], key: str, path: FieldPath) -> int | str | None:
        value = parent.get(key)
        if value is not None and (isinstance(value, bool) or not isinstance(value, (int, str))):
            raise self.wrong(path + (key,), "integer or string")
        return value


def _dotted(path: FieldPath) -> str:
    from kubelint.model import format_path

    return format_path(path)


def image_pull_policy(image: str) -> str:
    """``Always`` for ``:latest`` or untagged images, else ``IfNotPresent`` (core/v1 defaults)."""
    if "@" in image:
        return "IfNotPresent"
    last = image.rsplit("/", 1)[-1]
    tag = last.partition(":")[2]
    return "Always" if tag in ("", "latest") else "IfNotPresent"


def _default_probe(fields: Fields, container: dict[str, Any], name: str, path: FieldPath) -> None:
    probe = fields.mapping(container, name, path, create=False)
    if not probe:
        return
    probe_path = path + (name,)
    fields.integer(probe, "initialDelaySeconds", probe_path, 0)
    fields.integer(probe, "timeoutSeconds", probe_path, 1, minimum=1)
    fields.integer(probe, "periodSeconds", probe_path, 10, minimum=1)
    fields.integer(probe, "successThreshold", probe_path, 1, minimum=1)
    fields.integer(probe, "failureThreshold", probe_path, 3, minimum=1)
    http = fields.mapping(probe, "httpGet", probe_path, create=False)
    if http:
        fields.string(http, "scheme", probe_path + ("httpGet",), "HTTP")


def _default_container(fields: Fields, container: dict[str, Any], path: FieldPath) -> None:
    fields.string(container, "name", path)
    image = fields.string(container, "image", path)
    if image is not None:
        fields.string(container, "imagePullPolicy", path, image_pull_policy(image))
    fields.string(container, "terminationMessagePath", path, "/dev/termination-log")
    fields.string(container, "terminationMessagePolicy", path, "File")
    for index, port in enumerate(fields.sequence(container, "ports", path)):
        port_path = path + ("ports", index)
        number = fields.integer(port, "containerPort", port_path)
        if number is None:
            raise Malformed(port_path, f"{_dotted(port_path)}.containerPort is required")
        fields.choice(port, "protocol", port_path, PROTOCOLS, "TCP")
        fields.string(port, "name", port_path)
        fields.integer(port, "hostPort", port_path)
        fields.string(port, "hostIP", port_path)
    resources = fields.mapping(container, "resources", path, create=False)
    for kind in ("requests", "limits"):
        for resource_name, value in fields.mapping(resources, kind, path + ("resources",), create=False).items():
            try:
                parse_quantity(value)
            except QuantityError as error:
                raise Malformed(path + ("resources", kind, resource_name), str(error)) from None
    for probe in PROBES:
        _default_probe(fields, container, probe, path)


def default_pod_spec(fields: Fields, spec: dict[str, Any], path: FieldPath) -> None:
    """SetDefaults_PodSpec and the container defaults, in place on a copy."""
    containers = fields.sequence(spec, "containers", path)
    if not containers:
        raise Malformed(path + ("containers",), f"{_dotted(path + ('containers',))}: a pod needs at least one container")
    for list_name in CONTAINER_LISTS:
        for index, container in enumerate(fields.sequence(spec, list_name, path)):
            _default_container(fields, container, path + (list_name, index))
    fields.choice(spec, "restartPolicy", path, ("Always", "OnFailure", "Never"), "Always")
    fields.string(spec, "dnsPolicy", path, "ClusterFirst")
    fields.integer(spec, "terminationGracePeriodSeconds", path, 30)
    fields.string(spec, "schedulerName", path, "default-scheduler")
    fields.mapping(spec, "securityContext", path)
    if spec.setdefault("enableServiceLinks", True) not in (True, False):
        raise fields.wrong(path + ("enableServiceLinks",), "boolean")
    fields.labels(spec, "nodeSelector", path)
    fields.sequence(spec, "tolerations", path)
    fields.mapping(spec, "affinity", path, create=False)
    for key in ("hostname", "subdomain", "nodeName", "priorityClassName"):
        fields.string(spec, key, path)


def _default_template(fields: Fields, spec: dict[str, Any]) -> dict[str, Any]:
    template = fields.mapping(spec, "template", ("spec",))
    metadata = fields.mapping(template, "metadata", ("spec", "template"))
    fields.labels(metadata, "labels", ("spec", "template", "metadata"))
    fields.mapping(metadata, "annotations", ("spec", "template", "metadata"), create=False)
    pod_spec = template.get("spec")
    if pod_spec is None:
        raise Malformed(("spec", "template"), "spec.template.spec is required")
    if not isinstance(pod_spec, dict):
        raise fields.wrong(("spec", "template", "spec"), "object")
    default_pod_spec(fields, pod_spec, ("spec", "template", "spec"))
    return template


def _default_selector(fields: Fields, spec: dict[str, Any], template: dict[str, Any], api_version: str) -> None:
    """A workload's selector: required (or, in legacy versions, the template's labels), and matching them."""
    labels = template["metadata"].get("labels") or {}
    selector = spec.get("selector")
    if selector is None and api_version in LEGACY_SELECTOR_DEFAULT:
        selector = spec["selector"] = {"matchLabels": dict(labels)}
    if selector is None:
        raise Malformed(("spec",), "spec.selector is required: the API server refuses the object")
    if not isinstance(selector, dict):
        raise fields.wrong(("spec", "selector"), "object")
    fields.labels(selector, "matchLabels", ("spec", "selector"))
    fields.sequence(selector, "matchExpressions", ("spec", "selector"))
    if not selector.get("matchLabels") and not selector.get("matchExpressions"):
        raise Malformed(("spec", "selector"), "spec.selector is empty: the API server refuses a workload that selects every pod")
    if not matches(selector, labels):
        raise Malformed(
            ("spec", "selector"),
            "spec.selector does not match the template's labels (spec.template.metadata.labels): "
            "the API server refuses the object",
        )


def _rolling(fields: Fields, spec: dict[str, Any], surge: Any, unavailable: Any) -> None:
    strategy = fields.mapping(spec, "strategy", ("spec",))
    kind = fields.choice(strategy, "type", ("spec", "strategy"), ("RollingUpdate", "Recreate"), "RollingUpdate")
    if kind == "RollingUpdate":
        rolling = fields.mapping(strategy, "rollingUpdate", ("spec", "strategy"))
        for key, default in (("maxSurge", surge), ("maxUnavailable", unavailable)):
            if rolling.setdefault(key, default) is not None:
                fields.int_or_string(rolling, key, ("spec", "strategy", "rollingUpdate"))


def _workload(fields: Fields, data: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    spec = fields.mapping(data, "spec", ())
    template = _default_template(fields, spec)
    _default_selector(fields, spec, template, data["apiVersion"])
    return spec, template


def default_deployment(fields: Fields, data: dict[str, Any]) -> None:
    spec, _ = _workload(fields, data)
    fields.integer(spec, "replicas", ("spec",), 1)
    legacy = data["apiVersion"] == "extensions/v1beta1"
    _rolling(fields, spec, 1 if legacy else "25%", 1 if legacy else "25%")
    fields.integer(spec, "revisionHistoryLimit", ("spec",), None if legacy else 10)
    fields.integer(spec, "progressDeadlineSeconds", ("spec",), None if legacy else 600)
    fields.integer(spec, "minReadySeconds", ("spec",), 0)


def default_replicaset(fields: Fields, data: dict[str, Any]) -> None:
    spec, _ = _workload(fields, data)
    fields.integer(spec, "replicas", ("spec",), 1)
    fields.integer(spec, "minReadySeconds", ("spec",), 0)


def default_statefulset(fields: Fields, data: dict[str, Any]) -> None:
    spec, _ = _workload(fields, data)
    fields.integer(spec, "replicas", ("spec",), 1)
    fields.choice(spec, "podManagementPolicy", ("spec",), ("OrderedReady", "Parallel"), "OrderedReady")
    fields.string(spec, "serviceName", ("spec",))
    strategy = fields.mapping(spec, "updateStrategy", ("spec",))
    if fields.choice(strategy, "type", ("spec", "updateStrategy"), ("RollingUpdate", "OnDelete"), "RollingUpdate") == "RollingUpdate":
        rolling = fields.mapping(strategy, "rollingUpdate", ("spec", "updateStrategy"))
        fields.integer(rolling, "partition", ("spec", "updateStrategy", "rollingUpdate"), 0)
    fields.integer(spec, "revisionHistoryLimit", ("spec",), 10)
    ordinals = fields.mapping(spec, "ordinals", ("spec",), create=False)
    fields.integer(ordinals, "start", ("spec", "ordinals"), 0)
    for index, claim in enumerate(fields.sequence(spec, "volumeClaimTemplates", ("spec",))):
        metadata = fields.mapping(claim, "metadata", ("spec", "volumeClaimTemplates", index))
        if not isinstance(metadata.get("name"), str):
            raise Malformed(("spec", "volumeClaimTemplates", index), "every volumeClaimTemplate needs metadata.name")
        claim_spec = fields.mapping(claim, "spec", ("spec", "volumeClaimTemplates", index))
        claim_spec.setdefault("volumeMode", "Filesystem")


def default_daemonset(fields: Fields, data: dict[str, Any]) -> None:
    spec, _ = _workload(fields, data)
    strategy = fields.mapping(spec, "updateStrategy", ("spec",))
    if fields.choice(strategy, "type", ("spec", "updateStrategy"), ("RollingUpdate", "OnDelete"), "RollingUpdate") == "RollingUpdate":
        rolling = fields.mapping(strategy, "rollingUpdate", ("spec", "updateStrategy"))
        rolling.setdefault("maxUnavailable", 1)
        rolling.setdefault("maxSurge", 0)
    fields.integer(spec, "revisionHistoryLimit", ("spec",), 10)


def _default_job_spec(fields: Fields, spec: dict[str, Any], path: FieldPath) -> None:
    """SetDefaults_Job: both unset means one pod to one completion."""
    completions = fields.integer(spec, "completions", path)
    parallelism = fields.integer(spec, "parallelism", path)
    if completions is None and parallelism is None:
        spec["completions"] = 1
    if parallelism is None:
        spec["parallelism"] = 1
    mode = fields.choice(spec, "completionMode", path, ("NonIndexed", "Indexed"), "NonIndexed")
    if mode == "Indexed" and spec.get("completions") is None:
        raise Malformed(path + ("completionMode",), "an Indexed Job needs spec.completions")
    fields.integer(spec, "backoffLimit", path, 6)
    if spec.setdefault("suspend", False) not in (True, False):
        raise fields.wrong(path + ("suspend",), "boolean")
    spec.setdefault("manualSelector", False)
    template = fields.mapping(spec, "template", path)
    metadata = fields.mapping(template, "metadata", path + ("template",))
    fields.labels(metadata, "labels", path + ("template", "metadata"))
    pod_spec = template.get("spec")
    if not isinstance(pod_spec, dict):
        raise Malformed(path + ("template",), f"{_dotted(path + ('template', 'spec'))} is required")
    default_pod_spec(fields, pod_spec, path + ("template", "spec"))
    if pod_spec["restartPolicy"] == "Always":
        raise Malformed(
            path + ("template", "spec", "restartPolicy"),
            "a Job's pods need restartPolicy Never or OnFailure (the API server refuses Always)",
        )


def default_job(fields: Fields, data: dict[str, Any]) -> None:
    _default_job_spec(fields, fields.mapping(data, "spec", ()), ("spec",))


def default_cronjob(fields: Fields, data: dict[str, Any]) -> None:
    spec = fields.mapping(data, "spec", ())
    schedule = fields.string(spec, "schedule", ("spec",))
    if schedule is None:
        raise Malformed(("spec",), "spec.schedule is required")
    errors = cron_schedule_errors(schedule) or (
        ("cannot use TZ or CRON_TZ in schedule, use timeZone field instead",) if "TZ" in schedule else ()
    )
    if errors:
        raise Malformed(("spec", "schedule"), f"spec.schedule {schedule!r} is refused: {errors[0]}")
    zone = fields.string(spec, "timeZone", ("spec",))
    if zone is not None and time_zone_errors(zone):
        raise Malformed(("spec", "timeZone"), f"spec.timeZone: {time_zone_errors(zone)[0]}")
    fields.choice(spec, "concurrencyPolicy", ("spec",), ("Allow", "Forbid", "Replace"), "Allow")
    if spec.setdefault("suspend", False) not in (True, False):
        raise fields.wrong(("spec", "suspend"), "boolean")
    fields.integer(spec, "successfulJobsHistoryLimit", ("spec",), 3)
    fields.integer(spec, "failedJobsHistoryLimit", ("spec",), 1)
    job_template = fields.mapping(spec, "jobTemplate", ("spec",))
    job_spec = fields.mapping(job_template, "spec", ("spec", "jobTemplate"))
    _default_job_spec(fields, job_spec, ("spec", "jobTemplate", "spec"))


def default_pod(fields: Fields, data: dict[str, Any]) -> None:
    metadata = data["metadata"]
    fields.labels(metadata, "labels", ("metadata",))
    spec = fields.mapping(data, "spec", ())
    default_pod_spec(fields, spec, ("spec",))


def default_service(fields: Fields, data: dict[str, Any]) -> None:
    spec = fields.mapping(data, "spec", ())
    kind = fields.choice(spec, "type", ("spec",), SERVICE_TYPES, "ClusterIP")
    fields.choice(spec, "sessionAffinity", ("spec",), ("None", "ClientIP"), "None")
    fields.labels(spec, "selector", ("spec",))
    if fields.string(spec, "clusterIP", ("spec",)) == "None" and kind != "ClusterIP":
        raise Malformed(("spec", "clusterIP"), f'spec.clusterIP: "None" (headless) is only allowed for type ClusterIP, not {kind}')
    fields.string(spec, "externalName", ("spec",))
    if kind == "ExternalName" and not spec.get("externalName"):
        raise Malformed(("spec",), "spec.externalName is required for type ExternalName")
    if kind in ("NodePort", "LoadBalancer"):
        fields.choice(spec, "externalTrafficPolicy", ("spec",), ("Cluster", "Local"), "Cluster")
    if kind == "LoadBalancer" and spec.setdefault("allocateLoadBalancerNodePorts", True) not in (True, False):
        raise fields.wrong(("spec", "allocateLoadBalancerNodePorts"), "boolean")
    if kind != "ExternalName":
        fields.choice(spec, "internalTrafficPolicy", ("spec",), ("Cluster", "Local"), "Cluster")
    if spec.setdefault("publishNotReadyAddresses", False) not in (True, False):
        raise fields.wrong(("spec", "publishNotReadyAddresses"), "boolean")
    for index, port in enumerate(fields.sequence(spec, "ports", ("spec",))):
        path = ("spec", "ports", index)
        number = fields.integer(port, "port", path, minimum=1)
        if number is None:
            raise Malformed(path, f"spec.ports[{index}].port is required")
        fields.choice(port, "protocol", path, PROTOCOLS, "TCP")
        fields.string(port, "name", path)
        if fields.integer(port, "nodePort", path) is not None and kind not in ("NodePort", "LoadBalancer"):
            raise Malformed(path + ("nodePort",), f"spec.ports[{index}].nodePort may not be used when type is {kind}")
        if port.get("targetPort") is None:
            port["targetPort"] = number
        fields.int_or_string(port, "targetPort", path)


def _v1beta1_backend(backend: dict[str, Any]) -> dict[str, Any]:
    """extensions/v1beta1 ``serviceName``/``servicePort`` -> networking.k8s.io/v1 ``service``."""
    if "serviceName" not in backend:
        return backend
    port = backend.get("servicePort")
    converted = {"service": {"name": backend.get("serviceName"), "port": {"name" if isinstance(port, str) else "number": port}}}
    if "resource" in backend:
        converted["resource"] = backend["resource"]
    return converted


def _check_backend(fields: Fields, backend: dict[str, Any], path: FieldPath) -> None:
    """A backend names a Service and one of its ports (number or name), or a resource."""
    service = fields.mapping(backend, "service", path, create=False)
    resource = fields.mapping(backend, "resource", path, create=False)
    if bool(service) == bool(resource):
        raise Malformed(path, f"{_dotted(path)} needs exactly one of service or resource")
    if resource:
        for key in ("kind", "name"):
            if not isinstance(resource.get(key), str):
                raise fields.wrong(path + ("resource", key), "string")
        return
    if not isinstance(service.get("name"), str):
        raise fields.wrong(path + ("service", "name"), "string")
    port = fields.mapping(service, "port", path + ("service",), create=False)
    number = fields.integer(port, "number", path + ("service", "port"), minimum=1)
    name = fields.string(port, "name", path + ("service", "port"))
    if (number is None) == (name is None):
        raise Malformed(path + ("service", "port"), f"{_dotted(path + ('service', 'port'))} needs exactly one of number or name")


def default_ingress(fields: Fields, data: dict[str, Any]) -> None:
    """Ingresses are read in the networking.k8s.io/v1 shape; v1beta1 ones are converted first."""
    spec = fields.mapping(data, "spec", ())
    beta = data["apiVersion"] != "networking.k8s.io/v1"
    if beta and "backend" in spec:
        spec["defaultBackend"] = spec.pop("backend")
    fields.string(spec, "ingressClassName", ("spec",))
    if spec.get("defaultBackend") is not None:
        backend = fields.mapping(spec, "defaultBackend", ("spec",))
        spec["defaultBackend"] = _v1beta1_backend(backend) if beta else backend
        _check_backend(fields, spec["defaultBackend"], ("spec", "defaultBackend"))
    for index, tls in enumerate(fields.sequence(spec, "tls", ("spec",))):
        hosts = tls.get("hosts")
        if hosts is not None and not (isinstance(hosts, list) and all(isinstance(h, str) for h in hosts)):
            raise fields.wrong(("spec", "tls", index, "hosts"), "array of strings")
    for index, rule in enumerate(fields.sequence(spec, "rules", ("spec",))):
        rule_path = ("spec", "rules", index)
        fields.string(rule, "host", rule_path)
        http = fields.mapping(rule, "http", rule_path, create=False)
        for number, path_rule in enumerate(fields.sequence(http, "paths", rule_path + ("http",))):
            at = rule_path + ("http", "paths", number)
            if beta:
                path_rule.setdefault("pathType", "ImplementationSpecific")
                path_rule["backend"] = _v1beta1_backend(fields.mapping(path_rule, "backend", at))
            path_type = fields.string(path_rule, "pathType", at)
            if path_type is None:
                raise Malformed(at, f"{_dotted(at)}.pathType is required in networking.k8s.io/v1 (Exact, Prefix or ImplementationSpecific)")
            fields.choice(path_rule, "pathType", at, ("Exact", "Prefix", "ImplementationSpecific"), path_type)
            fields.string(path_rule, "path", at, "/" if path_type == "ImplementationSpecific" else None)
            if path_rule.get("path") is None:
                raise Malformed(at, f"{_dotted(at)}.path is required for pathType {path_type}")
            _check_backend(fields, fields.mapping(path_rule, "backend", at), at + ("backend",))


DEFAULTERS: dict[str, Callable[[Fields, dict[str, Any]], None]] = {
    "Deployment": default_deployment,
    "ReplicaSet": default_replicaset,
    "StatefulSet": default_statefulset,
    "DaemonSet": default_daemonset,
    "Job": default_job,
    "CronJob": default_cronjob,
    "Pod": default_pod,
    "Service": default_service,
    "Ingress": default_ingress,
}


def defaulted(resource: Resource, namespace: str | None) -> dict[str, Any]:
    """A defaulted copy of ``resource.data``, in ``namespace``; raises Malformed."""
    data = deep_copy(resource.data)
    metadata = data.setdefault("metadata", {})
    if namespace is not None:
        metadata["namespace"] = namespace
    defaulter = DEFAULTERS.get(resource.kind or "")
    if defaulter is not None and resource.group in ("", "apps", "batch", "extensions", "networking.k8s.io"):
        fields = Fields(resource, data)
        fields.labels(metadata, "labels", ("metadata",))
        defaulter(fields, data)
    return data
