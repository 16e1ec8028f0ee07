"""Declarative checks: a JSON Schema that part of an object must satisfy.

In the spirit of Polaris' checks, most best-practice rules need no code. A
rule file's ``check.declarative`` says what to look at and what it must be::

    check:
      declarative:
        target: container          # object | pod-spec | pod-template | container
        kinds: [Deployment, apps/StatefulSet]   # optional; "Kind" or "group/Kind"
        containers: [containers]   # container lists (target: container)
        when: {...}                # optional JSON Schema: only targets matching it
        require: {...}             # JSON Schema every target must satisfy
        message: '{container} has no readinessProbe'

The finding points at the first field that fails ``require`` (or at the
target when a required field is missing). Messages may use ``{container}``
(``container "web"``), ``{name}`` (the target's name), ``{object}`` (``Kind
namespace/name``), ``{kind}`` and ``{value}`` (the failing value). A JSON value
``{"$option": "name"}`` anywhere in a schema is replaced by that rule option.
User rule files use the same format; nothing in it runs code.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Iterator

from kubelint.checks import Problem, RuleContext
from kubelint.kube import CONTAINER_LISTS, all_containers, container_label, get_path, pod_spec, pod_template_path
from kubelint.model import FieldPath, Resource

TARGETS = ("object", "pod-spec", "pod-template", "container")


def _substitute_options(schema: Any, options: dict[str, Any]) -> Any:
    if isinstance(schema, dict):
        if set(schema) == {"$option"}:
            return options[schema["$option"]]
        return {key: _substitute_options(value, options) for key, value in schema.items()}
    if isinstance(schema, list):
        return [_substitute_options(value, options) for value in schema]
    return schema


def _kind_matches(patterns: list[str] | None, resource: Resource) -> bool:
    if not patterns:
        return True
    kind, group = resource.kind, resource.group
    return any(
        pattern == kind or pattern == f"{group}/{kind}" or (pattern == f"core/{kind}" and group == "")
        for pattern in patterns
    )


@dataclass(slots=True)
class _Compiled:
    target: str
    kinds: list[str] | None
    containers: tuple[str, ...]
    when: Any
    require: Any
    message: str


def compile_check(spec: dict[str, Any], options: dict[str, Any]) -> _Compiled:
    """Validators for a declarative check (raises ValueError on a bad schema)."""
    import jsonschema_rs

    def validator(schema: Any) -> Any:
        if schema is None:
            return None
        try:
            return jsonschema_rs.validator_for(_substitute_options(schema, options))
        except (ValueError, jsonschema_rs.ValidationError) as error:
            raise ValueError(f"invalid JSON Schema in the check: {error}") from None

    return _Compiled(
        target=spec.get("target", "object"),
        kinds=spec.get("kinds"),
        containers=tuple(spec.get("containers") or ("initContainers", "containers")),
        when=validator(spec.get("when")),
        require=validator(spec["require"]),
        message=spec["message"],
    )


def _targets(check: _Compiled, resource: Resource) -> Iterator[tuple[FieldPath, Any, str | None]]:
    """(path, value, container list name) of each part of the object to test."""
    if check.target == "object":
        yield (), resource.data, None
    elif check.target == "pod-spec":
        found = pod_spec(resource)
        if found is not None:
            yield found[0], found[1], None
    elif check.target == "pod-template":
        path = pod_template_path(resource)
        template = get_path(resource.data, path) if path else None
        if isinstance(template, dict):
            yield path, template, None  # type: ignore[misc]
    else:
        lists = tuple(name for name in CONTAINER_LISTS if name in check.containers)
        for path, container, list_name in all_containers(resource, lists):
            yield path, container, list_name


class _Placeholders(dict):  # type: ignore[type-arg]
    """Unknown ``{placeholders}`` stay as written instead of raising."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def _message(template: str, resource: Resource, value: Any, list_name: str | None, failing: Any) -> str:
    name = value.get("name") if isinstance(value, dict) else None
    failing_text = failing if isinstance(failing, str) else json.dumps(failing, ensure_ascii=False, default=str)
    return template.format_map(
        _Placeholders(
            container=container_label(value, list_name) if list_name and isinstance(value, dict) else "",
            name=name if isinstance(name, str) else "",
            object=str(resource.ref),
            kind=resource.kind or "",
            value=failing_text if len(failing_text) <= 80 else failing_text[:77] + "...",
        )
    )


def run(check: _Compiled, resource: Resource) -> Iterator[Problem]:
    if not _kind_matches(check.kinds, resource):
        return
    for path, value, list_name in _targets(check, resource):
        if check.when is not None and not check.when.is_valid(value):
            continue
        if check.require.is_valid(value):
            continue
        error = next(iter(check.require.iter_errors(value)))
        relative = tuple(error.instance_path)
        failing = get_path(value, relative) if relative else value
        yield Problem(path + relative, _message(check.message, resource, value, list_name, failing), key=not relative)


def declarative_check(resource: Resource, ctx: RuleContext) -> Iterator[Problem]:
    """Engine entry point: compile the rule's check once, then run it."""
    compiled = ctx.cache.get("declarative")
    if compiled is None:
        compiled = ctx.cache["declarative"] = compile_check(ctx.rule.check["declarative"], ctx.options)
    yield from run(compiled, resource)
