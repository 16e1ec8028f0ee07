"""Probes and lifecycle hooks: one handler each, and ports that exist.

validation.go validateProbe / validateHandler allow exactly one handler
(exec, httpGet, tcpSocket or grpc for probes; exec, httpGet, tcpSocket or
sleep for lifecycle hooks), and ValidatePortNumOrName checks their ports. A
named port is resolved by the kubelet against the container's own ports: a
name that is not there passes the API server and fails the probe forever.
"""

from __future__ import annotations

from typing import Any, Iterator

from kubelint.checks import Problem, RuleContext
from kubelint.checks.api import integer, list_items, quote
from kubelint.checks.api.podspec import Container, pod_view
from kubelint.model import FieldPath, Resource
from kubelint.validation import port_name_errors, port_number_errors

PROBES = ("livenessProbe", "readinessProbe", "startupProbe")
PROBE_HANDLERS = ("exec", "httpGet", "tcpSocket", "grpc")
LIFECYCLE_HOOKS = ("postStart", "preStop")
HOOK_HANDLERS = ("exec", "httpGet", "tcpSocket", "sleep")


def _handlers(container: Container) -> Iterator[tuple[str, dict[str, Any], FieldPath, tuple[str, ...]]]:
    """(what, handler block, path, allowed handler fields) of every probe and hook."""
    for probe in PROBES:
        block = container.data.get(probe)
        if isinstance(block, dict):
            yield probe, block, container.path + (probe,), PROBE_HANDLERS
    lifecycle = container.data.get("lifecycle")
    if isinstance(lifecycle, dict):
        for hook in LIFECYCLE_HOOKS:
            block = lifecycle.get(hook)
            if isinstance(block, dict):
                yield f"lifecycle.{hook}", block, container.path + ("lifecycle", hook), HOOK_HANDLERS


def probe_handler(resource: Resource, ctx: RuleContext) -> Iterator[Problem]:
    """Each probe and hook has exactly one handler; init containers have none unless they are sidecars."""
    view = pod_view(resource)
    if view is None:
        return
    for container in view.containers:
        if container.list_name == "initContainers" and not container.restartable_init:
            for field in PROBES + ("lifecycle",):
                if field in container.data:
                    yield Problem(
                        container.path + (field,),
                        f'{container.label} sets {field} (the API server: "may not be set for init containers '
                        'without restartPolicy=Always"); init containers run to completion: remove it, or make the '
                        "container a sidecar with restartPolicy: Always",
                        key=True,
                    )
            continue
        for what, block, path, allowed in _handlers(container):
            present = [field for field in allowed if block.get(field) is not None]
            if not present:
                misplaced = [
                    field for field in PROBE_HANDLERS + HOOK_HANDLERS if field in block and field not in allowed
                ]
                yield Problem(
                    path,
                    f'{what} of {container.label} has no handler (the API server: "must specify a handler type"); '
                    f"give it one of {', '.join(allowed)}"
                    + (f" ({misplaced[0]} is not allowed here)" if misplaced else ""),
                    key=True,
                )
            elif len(present) > 1:
                yield Problem(
                    path + (present[1],),
                    f"{what} of {container.label} has {len(present)} handlers ({', '.join(present)}) (the API server: "
                    '"may not specify more than 1 handler type"); keep one',
                    key=True,
                )
            threshold = block.get("successThreshold")
            if what in ("livenessProbe", "startupProbe") and integer(threshold) not in (None, 1):
                yield Problem(
                    path + ("successThreshold",),
                    f'{what} of {container.label} has successThreshold {threshold} (the API server: "must be 1"); '
                    "remove it or set 1",
                )


def _declared_port_names(container: Container) -> set[str]:
    return {
        port["name"] for _, port, _ in list_items(container.data.get("ports"), ()) if isinstance(port.get("name"), str)
    }


def _port_problem(
    container: Container, what: str, port: Any, path: FieldPath, names_only_numbers: bool
) -> Problem | None:
    number = integer(port)
    if number is not None:
        errors = port_number_errors(number)
        return (
            Problem(path, f"{what} of {container.label} uses port {number} {quote(errors)}; use 1-65535")
            if errors
            else None
        )
    if not isinstance(port, str) or names_only_numbers:
        return None
    errors = port_name_errors(port)
    if errors:
        hint = "; write the number without quotes" if port.isdigit() else "; use a port name the container declares"
        return Problem(
            path,
            f'{what} of {container.label} uses port "{port}", which is not a valid port name {quote(errors)}{hint}',
        )
    names = _declared_port_names(container)
    if port not in names:
        known = ", ".join(f'"{name}"' for name in sorted(names)) or "none"
        return Problem(
            path,
            f'{what} of {container.label} uses the named port "{port}", but the container declares no port of that '
            f"name (named ports: {known}): the API server accepts it, and the kubelet fails the check every time; "
            "name the port in ports[] or use its number",
        )
    return None


def probe_port(resource: Resource, ctx: RuleContext) -> Iterator[Problem]:
    """Probe and hook ports are in 1-65535 or a port name that the container declares."""
    view = pod_view(resource)
    if view is None:
        return
    for container in view.containers:
        for what, block, path, _ in _handlers(container):
            for handler in ("httpGet", "tcpSocket", "grpc"):
                action = block.get(handler)
                if isinstance(action, dict) and "port" in action:
                    problem = _port_problem(
                        container, f"{what}.{handler}", action["port"], path + (handler, "port"), handler == "grpc"
                    )
                    if problem is not None:
                        yield problem
