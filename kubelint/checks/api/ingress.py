"""Ingresses, as pkg/apis/networking/validation/validation.go ValidateIngress checks them.

Paths, hosts and backends of networking.k8s.io/v1 Ingresses (host rules
also for the retired v1beta1 versions, which share them).
"""

from __future__ import annotations

from typing import Any, Iterator

from kubelint.checks import Problem, RuleContext
from kubelint.checks.api import integer, list_items, quote
from kubelint.checks.api.names import DNS1035_LABEL
from kubelint.kube import get_path
from kubelint.model import FieldPath, Resource
from kubelint.validation import (
    dns1035_label_errors,
    host_name_errors,
    is_ip_address,
    port_name_errors,
    port_number_errors,
)

PATH_TYPES = ("Exact", "Prefix", "ImplementationSpecific")
INVALID_PATH_SEQUENCES = ("//", "/./", "/../", "%2f", "%2F")
INVALID_PATH_SUFFIXES = ("/..", "/.")


def _is_ingress(resource: Resource) -> bool:
    return resource.kind == "Ingress" and resource.group in ("networking.k8s.io", "extensions")


def _is_v1(resource: Resource) -> bool:
    return resource.api_version == "networking.k8s.io/v1"


def _http_paths(resource: Resource) -> Iterator[tuple[dict[str, Any], FieldPath]]:
    for _, rule, rule_path in list_items(get_path(resource.data, ("spec", "rules")), ("spec", "rules")):
        for _, path, path_path in list_items(get_path(rule, ("http", "paths")), rule_path + ("http", "paths")):
            yield path, path_path


def _path_problems(entry: dict[str, Any], where: FieldPath, v1: bool) -> Iterator[Problem]:
    path_type, path = entry.get("pathType"), entry.get("path")
    if path_type is None:
        if v1:
            yield Problem(
                where,
                "the path has no pathType, which networking.k8s.io/v1 requires (the API server: "
                '"pathType: Required value: pathType must be specified"); add pathType: Prefix (or Exact)',
                key=True,
            )
        return
    if path_type not in PATH_TYPES:
        yield Problem(
            where + ("pathType",),
            f'pathType "{path_type}" is not supported (the API server: "Unsupported value: '
            'supported values: \\"Exact\\", \\"ImplementationSpecific\\", \\"Prefix\\""); values are case-sensitive',
        )
        return
    if not isinstance(path, str):
        path = "" if path is None else None
    if path is None:
        return
    at = where + ("path",) if "path" in entry else where
    if path_type in ("Exact", "Prefix"):
        if not path.startswith("/"):
            yield Problem(
                at,
                f'{path_type} path "{path}" does not start with "/" (the API server: "must be an absolute '
                f'path"); write "/{path}"',
                key="path" not in entry,
            )
        for sequence in INVALID_PATH_SEQUENCES:
            if sequence in path:
                yield Problem(
                    at,
                    f'{path_type} path "{path}" contains "{sequence}" (the API server: "must not contain '
                    f"'{sequence}'\"); remove it",
                )
        for suffix in INVALID_PATH_SUFFIXES:
            if path.endswith(suffix):
                yield Problem(
                    at,
                    f'{path_type} path "{path}" ends with "{suffix}" (the API server: "cannot end with '
                    f"'{suffix}'\"); remove it",
                )
    elif path and not path.startswith("/"):
        yield Problem(
            at, f'path "{path}" does not start with "/" (the API server: "must be an absolute path"); write "/{path}"'
        )


def ingress_path(resource: Resource, ctx: RuleContext) -> Iterator[Problem]:
    """Every path has a pathType (v1) and, for Exact and Prefix, is a clean absolute path."""
    if not _is_ingress(resource):
        return
    v1 = _is_v1(resource)
    for entry, where in _http_paths(resource):
        yield from _path_problems(entry, where, v1)
    for _, rule, rule_path in list_items(get_path(resource.data, ("spec", "rules")), ("spec", "rules")):
        http = rule.get("http")
        if isinstance(http, dict) and not http.get("paths"):
            yield Problem(
                rule_path + ("http",),
                "the rule's http has no paths (the API server: \"http.paths: Required "
                'value"); add a path, or remove http',
                key=True,
            )


def _host_problem(host: Any, where: FieldPath, what: str) -> Problem | None:
    if not isinstance(host, str) or not host:
        return None
    if is_ip_address(host):
        return Problem(
            where,
            f'{what} "{host}" is an IP address (the API server: "must be a DNS name, not an IP address"); '
            "use a DNS name, or leave host out to match every host",
        )
    errors = host_name_errors(host)
    if errors:
        return Problem(
            where,
            f'{what} "{host}" is not a DNS name {quote(errors)}: a host is a lowercase DNS name with at '
            'most a leading "*." wildcard, without scheme, port or path (e.g. "*.example.com")',
        )
    return None


def ingress_host(resource: Resource, ctx: RuleContext) -> Iterator[Problem]:
    """Rule hosts and TLS hosts are DNS names, not IP addresses, with at most a leading ``*.``."""
    if not _is_ingress(resource):
        return
    for _, rule, path in list_items(get_path(resource.data, ("spec", "rules")), ("spec", "rules")):
        problem = _host_problem(rule.get("host"), path + ("host",), "host")
        if problem is not None:
            yield problem
    for _, tls, path in list_items(get_path(resource.data, ("spec", "tls")), ("spec", "tls")):
        hosts = tls.get("hosts")
        for index, host in enumerate(hosts if isinstance(hosts, list) else []):
            problem = _host_problem(host, path + ("hosts", index), "TLS host")
            if problem is not None:
                yield problem


def _service_backend_problems(service: dict[str, Any], where: FieldPath) -> Iterator[Problem]:
    name = service.get("name")
    if name in (None, ""):
        yield Problem(
            where,
            'the backend service has no name (the API server: "service.name: Required value"); name the Service',
            key=True,
        )
    elif isinstance(name, str) and dns1035_label_errors(name):
        yield Problem(
            where + ("name",),
            f'backend service name "{name}" is not a Service name '
            f"{quote(dns1035_label_errors(name))}; {DNS1035_LABEL.hint(name)}",
        )
    port = service.get("port")
    port = port if isinstance(port, dict) else {}
    port_name, number = port.get("name"), integer(port.get("number"))
    if port_name and number:
        yield Problem(
            where + ("port",),
            'the backend port has both name and number (the API server: "cannot set both port '
            'name & port number"); keep one',
            key=True,
        )
    elif isinstance(port_name, str) and port_name:
        if port_name_errors(port_name):
            yield Problem(
                where + ("port", "name"),
                f'backend port name "{port_name}" {quote(port_name_errors(port_name))}; use the name of a Service port',
            )
    elif number:
        if port_number_errors(number):
            yield Problem(
                where + ("port", "number"), f"backend port {number} {quote(port_number_errors(number))}; use 1-65535"
            )
    elif not port_name and port.get("number") in (None, 0):
        yield Problem(
            where,
            'the backend service has no port (the API server: "port name or number is required"); add '
            "port.number or port.name",
            key=True,
        )


def _backend_problems(backend: Any, where: FieldPath) -> Iterator[Problem]:
    if not isinstance(backend, dict):
        return
    service, resource = backend.get("service"), backend.get("resource")
    if service is not None and resource is not None:
        yield Problem(
            where,
            'the backend names both a service and a resource (the API server: "cannot set both resource '
            'and service backends"); keep one',
            key=True,
        )
    elif isinstance(service, dict):
        yield from _service_backend_problems(service, where + ("service",))
    elif resource is None and service is None:
        legacy = [key for key in ("serviceName", "servicePort") if key in backend]
        yield Problem(
            where,
            'the backend names no service or resource (the API server: "resource or service backend is '
            'required")'
            + (
                "; networking.k8s.io/v1 writes service: {name: ..., port: {number: ...}} instead of "
                "serviceName/servicePort"
                if legacy
                else ""
            ),
            key=True,
        )


def ingress_backend(resource: Resource, ctx: RuleContext) -> Iterator[Problem]:
    """Each backend names a service with a port name or number, or a resource, not both."""
    if not _is_ingress(resource) or not _is_v1(resource):
        return
    spec = resource.data.get("spec")
    if isinstance(spec, dict) and not spec.get("rules") and spec.get("defaultBackend") is None:
        yield Problem(
            ("spec",),
            'the Ingress has neither rules nor a defaultBackend (the API server: "either '
            '`defaultBackend` or `rules` must be specified"); add one',
            key=True,
        )
    if isinstance(spec, dict) and "defaultBackend" in spec:
        yield from _backend_problems(spec["defaultBackend"], ("spec", "defaultBackend"))
    for entry, where in _http_paths(resource):
        if "backend" in entry:
            yield from _backend_problems(entry["backend"], where + ("backend",))
        else:
            yield Problem(
                where,
                'the path has no backend (the API server: "backend: Required value"); add backend.service',
                key=True,
            )
