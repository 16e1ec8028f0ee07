"""Service environment variables: what the kubelet puts in a container's environment at start.

For every Service of the pod's namespace that has a cluster IP (and the
``kubernetes`` Service of ``default``, always), the kubelet sets
``{NAME}_SERVICE_HOST``, ``{NAME}_SERVICE_PORT``, ``{NAME}_SERVICE_PORT_{PORT}``
for named ports, and the Docker-link variables ``{NAME}_PORT``,
``{NAME}_PORT_{port}_{PROTO}`` (with ``_PROTO``, ``_PORT``, ``_ADDR``); the name
is upper-cased with dashes turned into underscores (pkg/kubelet/envvars).
Headless and ExternalName Services give none. Only Services that exist when
the pod starts count: a pod started before its Service never sees it.
``enableServiceLinks: false`` keeps only the ``kubernetes`` Service's.
"""

from __future__ import annotations

from kubelint.reconcile.world import Service, ServiceEnvironment, World

MASTER_SERVICE = ("default", "kubernetes")


def _name(text: str) -> str:
    return text.upper().replace("-", "_")


def variables(service: Service) -> list[tuple[str, str]]:
    """envvars.FromServices for one Service."""
    prefix = _name(service.name)
    ip = service.cluster_ip or ""
    out = [(f"{prefix}_SERVICE_HOST", ip)]
    if not service.ports:
        return out
    out.append((f"{prefix}_SERVICE_PORT", str(service.ports[0].port)))
    out.extend((f"{prefix}_SERVICE_PORT_{_name(p.name)}", str(p.port)) for p in service.ports if p.name)
    host = f"[{ip}]" if ":" in ip else ip
    for index, port in enumerate(service.ports):
        url = f"{port.protocol.lower()}://{host}:{port.port}"
        if index == 0:
            out.append((f"{prefix}_PORT", url))
        base = f"{prefix}_PORT_{port.port}_{port.protocol.upper()}"
        out.extend([(base, url), (f"{base}_PROTO", port.protocol.lower()), (f"{base}_PORT", str(port.port)), (f"{base}_ADDR", ip)])
    return out


def environment(world: World, namespace: str, links: bool) -> ServiceEnvironment:
    """The variables of every pod of ``namespace`` starting now (shared, computed once a round)."""
    key = ("service-env", world.rounds, namespace, links)
    found = world.memo.get(key)
    if found is not None:
        return found
    chosen: dict[str, Service] = {}
    for service in sorted(world.services.values(), key=lambda s: s.key):
        if not service.cluster_ip or service.headless:
            continue
        if service.key == MASTER_SERVICE:
            chosen.setdefault(service.name, service)
        elif links and service.namespace == namespace:
            chosen[service.name] = service
    ordered = [chosen[name] for name in sorted(chosen)]
    env = ServiceEnvironment(
        namespace,
        tuple(s.key for s in ordered),
        tuple(sorted(var for service in ordered for var in variables(service))),
    )
    world.memo[key] = env
    return env
