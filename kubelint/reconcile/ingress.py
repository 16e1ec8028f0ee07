"""Ingress: the route table an ingress controller builds from the Ingress objects.

One route per host and path (rules without a host serve every host, ``*``),
and the default backend last (path ``/``, pathType ``Default``). The class is
``spec.ingressClassName``, else the older ``kubernetes.io/ingress.class``
annotation, else the IngressClass marked
``ingressclass.kubernetes.io/is-default-class`` (which admission writes into
new Ingresses). Routes are listed in matching order within each class and
host (exact hosts before wildcards before ``*``): Exact paths before
prefixes, longer paths first (a request takes the longest matching prefix,
element by element, and an Exact match beats a prefix of the same length).
A backend is a Service of the Ingress' own namespace (there is no way to
name another) and one of its ports by number or name; the route shows how
many ready endpoints serve it.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from kubelint.model import FieldPath
from kubelint.reconcile.world import ApiObject, Route, Service, World

BACKEND_MISSING = "plan-ingress-backend-missing"
BACKEND_UNREADY = "plan-ingress-backend-unready"
CONFLICT = "plan-ingress-conflict"

CLASS_ANNOTATION = "kubernetes.io/ingress.class"
DEFAULT_CLASS_ANNOTATION = "ingressclass.kubernetes.io/is-default-class"
PATH_ORDER = {"Exact": 0, "Prefix": 1, "ImplementationSpecific": 1, "Default": 2}


def default_class(world: World) -> str | None:
    """The one IngressClass marked default; none (or an ambiguous two) gives no class."""
    defaults = [c.name for c in world.objects_of("IngressClass") if (c.data["metadata"].get("annotations") or {}).get(DEFAULT_CLASS_ANNOTATION) == "true"]
    return defaults[0] if len(defaults) == 1 else None


def ingress_class(ingress: ApiObject, fallback: str | None) -> str | None:
    annotation = (ingress.data["metadata"].get("annotations") or {}).get(CLASS_ANNOTATION)
    return ingress.spec.get("ingressClassName") or (annotation if isinstance(annotation, str) else None) or fallback


def _tls(spec: dict[str, Any], host: str) -> bool:
    for entry in spec.get("tls") or []:
        hosts = entry.get("hosts")
        if not hosts:
            return True
        for pattern in hosts:
            if pattern == host or (pattern.startswith("*.") and host.endswith(pattern[1:]) and host.count(".") == pattern.count(".")):
                return True
    return False


def ready_endpoints(world: World, service: Service, port: int | str) -> int:
    """Ready addresses serving the Service port named or numbered ``port``."""
    matching = [p for p in service.ports if p.port == port or (p.name is not None and p.name == port)]
    endpoints = world.endpoints.get(service.key)
    if not matching or endpoints is None:
        return 0
    names = {p.name for p in matching}
    if len(service.ports) == 1:
        names.add(None)
    return len({a.ip for a in endpoints.addresses if a.ready and a.port_name in names})


def _route(world: World, ingress: ApiObject, klass: str | None, host: str, path: str, path_type: str,
           backend: dict[str, Any], backend_path: FieldPath) -> Route:
    namespace = ingress.namespace or "default"
    service_backend = backend.get("service") or {}
    resource = backend.get("resource")
    port_spec = service_backend.get("port") or {}
    port = port_spec.get("number", port_spec.get("name", ""))
    name = service_backend.get("name") or ""
    service = world.services.get((namespace, name))
    return Route(
        ingress=f"{namespace}/{ingress.name}", ingress_class=klass, host=host, path=path, path_type=path_type,
        namespace=namespace, service=name, port=port, tls=_tls(ingress.spec, host),
        endpoints=ready_endpoints(world, service, port) if service else 0,
        resource=f"{resource.get('kind')}/{resource.get('name')}" if isinstance(resource, dict) else None,
        source=ingress.source, backend_path=backend_path,
    )


def _host_rank(host: str) -> int:
    return 2 if host == "*" else 1 if host.startswith("*.") else 0


def matching_order(route: Route) -> tuple[Any, ...]:
    return (route.ingress_class or "", _host_rank(route.host), route.host, PATH_ORDER[route.path_type], -len(route.path), route.path, route.ingress)


def routes(world: World) -> list[Route]:
    fallback = default_class(world)
    out = []
    for ingress in world.objects_of("Ingress"):
        spec = ingress.spec
        klass = ingress_class(ingress, fallback)
        for index, rule in enumerate(spec.get("rules") or []):
            host = rule.get("host") or "*"
            for number, path_rule in enumerate((rule.get("http") or {}).get("paths") or []):
                at: FieldPath = ("spec", "rules", index, "http", "paths", number, "backend")
                out.append(_route(world, ingress, klass, host, path_rule["path"], path_rule["pathType"], path_rule["backend"], at))
        if spec.get("defaultBackend"):
            out.append(_route(world, ingress, klass, "*", "/", "Default", spec["defaultBackend"], ("spec", "defaultBackend")))
    return sorted(out, key=matching_order)


def _same_match(route: Route) -> tuple[Any, ...]:
    """Routes that take the same requests: a Prefix path with or without its trailing slash."""
    path = (route.path.rstrip("/") or "/") if route.path_type == "Prefix" else route.path
    return (route.ingress_class, route.host, route.path_type, path)


def _check_backend(world: World, route: Route) -> None:
    if route.resource is not None or route.source is None:
        return
    service = world.services.get((route.namespace, route.service))
    where = f"Ingress {route.ingress} routes {route.host}{route.path if route.path_type != 'Default' else ' (default backend)'} to"
    if service is None:
        world.report(BACKEND_MISSING, route.source, route.backend_path + ("service", "name"),
                     f'{where} Service "{route.service}", which does not exist in namespace {route.namespace}: '
                     "the controller answers 503 (an Ingress can only use Services of its own namespace)")
    elif service.type != "ExternalName" and not any(p.port == route.port or p.name == route.port for p in service.ports):
        ports = ", ".join(f"{p.name}:{p.port}" if p.name else str(p.port) for p in service.ports) or "none"
        world.report(BACKEND_MISSING, route.source, route.backend_path + ("service", "port"),
                     f'{where} port {route.port!r} of Service "{route.service}", which has no such port (its ports: {ports})')
    elif service.type != "ExternalName" and route.endpoints == 0:
        world.report(BACKEND_UNREADY, route.source, route.backend_path + ("service", "name"),
                     f'{where} Service "{route.service}", which has no ready endpoints after the plan: the controller answers 503')


def problems(world: World) -> None:
    """Backends that do not exist or have nobody behind them; two Ingresses claiming one host and path."""
    for route in world.routes:
        _check_backend(world, route)
    claims: dict[tuple[Any, ...], list[Route]] = defaultdict(list)
    for route in world.routes:
        claims[_same_match(route)].append(route)
    for routes_ in claims.values():
        if len({r.ingress for r in routes_}) < 2:
            continue
        first, *others = sorted(routes_, key=lambda r: r.ingress)
        for route in others:
            if route.source is None:
                continue
            place = "the default backend" if route.path_type == "Default" else f"host {route.host} path {route.path} ({route.path_type})"
            world.report(CONFLICT, route.source, route.backend_path,
                         f"Ingress {route.ingress} claims {place}, which Ingress {first.ingress} claims too"
                         f"{' for class ' + route.ingress_class if route.ingress_class else ''}: which backend gets "
                         "the traffic is up to the controller")
