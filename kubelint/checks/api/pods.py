"""Containers of a pod spec: names, ports, environment, restart policy.

Everywhere a pod template appears (Pod, Deployment, ReplicaSet, StatefulSet,
DaemonSet, Job, CronJob, ReplicationController, PodTemplate), as
pkg/apis/core/validation/validation.go validateContainers,
validateInitContainers, validateContainerPorts, ValidateEnv,
checkHostPortConflicts and validateRestartPolicy check them, with the
owner's own restartPolicy rule from the apps and batch validation.
"""

from __future__ import annotations

import re
from typing import Iterator

from kubelint.checks import Problem, RuleContext
from kubelint.checks.api import integer, list_items, name_problem, quote, rename_hint
from kubelint.checks.api.podspec import ALWAYS_RESTART_OWNERS, RUN_TO_COMPLETION_OWNERS, Container, pod_view
from kubelint.model import Resource, Severity
from kubelint.validation import (
    DNS1123_LABEL_MAX_LENGTH,
    dns1123_label_errors,
    env_var_name_errors,
    port_name_errors,
    port_number_errors,
)

PROTOCOLS = ("TCP", "UDP", "SCTP")
RESTART_POLICIES = ("Always", "OnFailure", "Never")
RELAXED_ENV_NAMES_SINCE = (1, 32)  # RelaxedEnvironmentVariableValidation on by default


def kubernetes_version(ctx: RuleContext) -> tuple[int, int]:
    """``"1.30"`` -> (1, 30); an unreadable version counts as the newest."""
    try:
        major, minor = ctx.kubernetes_version.split(".")[:2]
        return int(major), int(minor)
    except ValueError:
        return (99, 0)


def container_name(resource: Resource, ctx: RuleContext) -> Iterator[Problem]:
    """At least one container; names are DNS-1123 labels, unique across all container lists."""
    view = pod_view(resource)
    if view is None:
        return
    if not view.spec.get("containers"):
        yield Problem(
            view.path + ("containers",) if "containers" in view.spec else view.path,
            'the pod has no containers (the API server: "spec.containers: Required value"); add at least one '
            "container with a name and an image",
            key=True,
        )
    seen: dict[str, Container] = {}
    for container in view.containers:
        name = container.data.get("name")
        if name is None or name == "":
            yield Problem(
                container.path + ("name",) if "name" in container.data else container.path,
                f'a {container.label} has no name (the API server: "name: Required value"); name it, e.g. "app"',
            )
            continue
        if not isinstance(name, str):
            continue
        errors = dns1123_label_errors(name)
        if errors:
            yield Problem(
                container.path + ("name",),
                f"{container.label} {name_problem(name, max_length=DNS1123_LABEL_MAX_LENGTH)}: container names must "
                f"be DNS-1123 labels {quote(errors)}; {rename_hint(name, max_length=DNS1123_LABEL_MAX_LENGTH)}",
            )
        elif name in seen:
            yield Problem(
                container.path + ("name",),
                f'{container.label} has the same name as the {seen[name].label} (the API server: "Duplicate value: '
                f'\\"{name}\\""); names must be unique across init, ephemeral and app containers: rename one',
            )
        else:
            seen[name] = container


def _ports(container: Container) -> Iterator[tuple[int, dict, tuple]]:
    return list_items(container.data.get("ports"), container.path + ("ports",))


def _suggest_port_name(name: str) -> str:
    """The longest run of leading words that is a valid port name ("http-metrics-port" -> "http-metrics")."""
    words = [word for word in re.split(r"[^a-z0-9]+", name.lower()) if word]
    for count in range(len(words), 0, -1):
        candidate = "-".join(words[:count])
        if not port_name_errors(candidate):
            return candidate
    return ""


def container_port(resource: Resource, ctx: RuleContext) -> Iterator[Problem]:
    """containerPort is set and in 1-65535, protocol is TCP, UDP or SCTP; pairs are not repeated."""
    view = pod_view(resource)
    if view is None:
        return
    for container in view.containers:
        seen: set[tuple[int, str]] = set()
        for _, port, path in _ports(container):
            number = integer(port.get("containerPort"))
            protocol = port.get("protocol", "TCP")
            if number is None and port.get("containerPort") in (None, ""):
                yield Problem(
                    path,
                    f'a port of {container.label} has no containerPort (the API server: "containerPort: Required '
                    'value"); add containerPort: <number>',
                    key=True,
                )
            elif number is not None and port_number_errors(number):
                yield Problem(
                    path + ("containerPort",),
                    f"{container.label} declares containerPort {number} {quote(port_number_errors(number))}; "
                    "use a port number from 1 to 65535",
                )
            if isinstance(protocol, str) and protocol not in PROTOCOLS:
                yield Problem(
                    path + ("protocol",),
                    f'protocol "{protocol}" of {container.label} is not supported (the API server: "Unsupported '
                    'value: supported values: \\"SCTP\\", \\"TCP\\", \\"UDP\\""); protocols are upper case, e.g. TCP',
                )
            if number is not None and isinstance(protocol, str):
                if (number, protocol) in seen:
                    yield Problem(
                        path + ("containerPort",),
                        f"{container.label} declares containerPort {number}/{protocol} twice (the API server warns: "
                        '"duplicate port definition"); remove one: a later `kubectl apply` merges ports by number '
                        "and may drop it",
                        severity=Severity.WARNING,
                    )
                seen.add((number, protocol))


def port_name(resource: Resource, ctx: RuleContext) -> Iterator[Problem]:
    """Container port names are IANA service names (15 characters, lowercase, a letter, no '--'), unique."""
    view = pod_view(resource)
    if view is None:
        return
    for container in view.containers:
        names: set[str] = set()
        for _, port, path in _ports(container):
            name = port.get("name")
            if not isinstance(name, str) or not name:
                continue
            errors = port_name_errors(name)
            if errors:
                suggestion = _suggest_port_name(name)
                yield Problem(
                    path + ("name",),
                    f'port name "{name}" of {container.label} is not an IANA service name {quote(errors)}: port '
                    "names have at most 15 lowercase letters, digits and single hyphens, with at least one letter"
                    + (f'; rename it, e.g. "{suggestion}"' if suggestion else ""),
                )
            elif name in names:
                yield Problem(
                    path + ("name",),
                    f'{container.label} has two ports named "{name}" (the API server: "Duplicate value: \\"{name}\\"");'
                    " rename one",
                )
            names.add(name)


def host_port(resource: Resource, ctx: RuleContext) -> Iterator[Problem]:
    """hostPort is in 1-65535, matches containerPort with hostNetwork, and no two containers claim one."""
    view = pod_view(resource)
    if view is None:
        return
    host_network = view.spec.get("hostNetwork") is True
    claimed: dict[str, Container] = {}
    for container in view.containers:
        for _, port, path in _ports(container):
            number, container_number = integer(port.get("hostPort")), integer(port.get("containerPort"))
            if not number:
                continue
            if port_number_errors(number):
                yield Problem(
                    path + ("hostPort",),
                    f"{container.label} declares hostPort {number} {quote(port_number_errors(number))}; use 1-65535 "
                    "or leave hostPort out",
                )
                continue
            if host_network and container.list_name == "containers" and number != container_number:
                yield Problem(
                    path + ("hostPort",),
                    f"{container.label} has hostPort {number} but containerPort {container_number} while the pod uses "
                    'hostNetwork (the API server: "must match `containerPort` when `hostNetwork` is true"); make '
                    "them equal",
                )
            if container.list_name != "containers":
                continue  # init containers run one at a time: only their own ports may not collide
            key = f"{port.get('protocol', 'TCP')}/{port.get('hostIP', '')}/{number}"
            if key in claimed:
                yield Problem(
                    path + ("hostPort",),
                    f"{container.label} claims hostPort {number} that {claimed[key].label} already claims (the API "
                    f'server: "Duplicate value: \\"{key}\\""); a node port can be bound once: use another hostPort',
                )
            else:
                claimed[key] = container


def _env_entries(container: Container) -> Iterator[tuple[int, dict, tuple]]:
    return list_items(container.data.get("env"), container.path + ("env",))


def env_var_name(resource: Resource, ctx: RuleContext) -> Iterator[Problem]:
    """Environment variable names (and envFrom prefixes) are set and valid for the Kubernetes version."""
    view = pod_view(resource)
    if view is None:
        return
    relaxed = kubernetes_version(ctx) >= RELAXED_ENV_NAMES_SINCE
    rule = (
        "any printable ASCII character but '='"
        if relaxed
        else "letters, digits, '_', '-' and '.', not starting with a digit"
    )
    for container in view.containers:
        for _, entry, path in _env_entries(container):
            name = entry.get("name")
            if name is None or name == "":
                yield Problem(
                    path,
                    f'an env entry of {container.label} has no name (the API server: "name: Required value"); add one',
                    key=True,
                )
            elif isinstance(name, str) and env_var_name_errors(name, relaxed=relaxed):
                yield Problem(
                    path + ("name",),
                    f'env var name "{name}" of {container.label} is invalid '
                    f"{quote(env_var_name_errors(name, relaxed=relaxed))}: Kubernetes {ctx.kubernetes_version} "
                    f"allows {rule}; rename it",
                )
        for _, source, path in list_items(container.data.get("envFrom"), container.path + ("envFrom",)):
            prefix = source.get("prefix")
            if isinstance(prefix, str) and prefix and env_var_name_errors(prefix, relaxed=relaxed):
                yield Problem(
                    path + ("prefix",),
                    f'envFrom prefix "{prefix}" of {container.label} is invalid '
                    f"{quote(env_var_name_errors(prefix, relaxed=relaxed))}: it allows {rule}; change it",
                )


def duplicate_env_var(resource: Resource, ctx: RuleContext) -> Iterator[Problem]:
    """The same variable twice in one container's env: the last wins, and apply may drop one."""
    view = pod_view(resource)
    if view is None:
        return
    for container in view.containers:
        first_index: dict[str, int] = {}
        for index, entry, path in _env_entries(container):
            name = entry.get("name")
            if not isinstance(name, str) or not name:
                continue
            if name in first_index:
                yield Problem(
                    path + ("name",),
                    f'{container.label} defines env var "{name}" again (first at env[{first_index[name]}]): the '
                    f'container sees only the last value (the API server warns: "hides previous definition of '
                    f'\\"{name}\\", which may be dropped when using apply"); keep one definition',
                )
            else:
                first_index[name] = index


def restart_policy(resource: Resource, ctx: RuleContext) -> Iterator[Problem]:
    """restartPolicy is one the owner allows; only init containers may set a container restartPolicy."""
    view = pod_view(resource)
    if view is None:
        return
    policy = view.spec.get("restartPolicy")
    where = view.path + ("restartPolicy",) if "restartPolicy" in view.spec else view.path
    if isinstance(policy, str) and policy not in RESTART_POLICIES:
        yield Problem(
            where,
            f'restartPolicy "{policy}" is not supported (the API server: "Unsupported value: supported values: '
            '\\"Always\\", \\"OnFailure\\", \\"Never\\""); values are case-sensitive',
        )
    elif view.owner in ALWAYS_RESTART_OWNERS and policy not in (None, "Always"):
        yield Problem(
            where,
            f'a {view.owner} restarts its pods forever, so restartPolicy must be Always, not "{policy}" (the API '
            'server: "Unsupported value: supported values: \\"Always\\""); remove restartPolicy, or use a Job for '
            "work that finishes",
        )
    elif view.owner in RUN_TO_COMPLETION_OWNERS and policy not in ("OnFailure", "Never"):
        shown = "is not set, so it defaults to Always" if policy is None else f'is "{policy}"'
        yield Problem(
            where,
            f"a {view.owner}'s pods must finish, but restartPolicy {shown} (the API server: \"spec.template.spec."
            'restartPolicy: Required value: valid values: \\"OnFailure\\", \\"Never\\""); set restartPolicy: OnFailure '
            "or Never",
            key=policy is None,
        )
    for container in view.containers:
        value = container.data.get("restartPolicy")
        if value is None:
            continue
        if container.list_name != "initContainers":
            yield Problem(
                container.path + ("restartPolicy",),
                f'{container.label} sets restartPolicy (the API server: "may not be set for non-init containers"); '
                "only init containers (sidecars) take restartPolicy: Always; remove it",
                key=True,
            )
        elif value != "Always":
            yield Problem(
                container.path + ("restartPolicy",),
                f'{container.label} has restartPolicy "{value}" (the API server: "Unsupported value: supported values: '
                '\\"Always\\""); use Always to make it a sidecar, or remove it',
            )
