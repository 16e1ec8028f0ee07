"""The same object defined twice in one file (or, with ``across_files``, in one run).

``kubectl apply`` of both definitions keeps only the last: the first is
silently overwritten (an immutable field that differs fails the second
apply). Objects are the same when apiVersion's group, kind, namespace (after
defaulting: objects without one land in ``default``) and name agree;
apps/v1 and apps/v1beta2 of one kind are the same object.

By default only one file is one unit: a repository of examples defines the
same ``frontend`` Deployment in many independent directories (the shared
corpus has over 2,000 such pairs, none a mistake). Teams that apply a whole
directory at once turn on ``across_files``.
"""

from __future__ import annotations

from typing import Iterator, Sequence

from kubelint.checks import Problem, RuleContext
from kubelint.kube import namespace_of
from kubelint.model import Resource


def _identity(resource: Resource, default_namespace: str) -> tuple[str, str, str, str] | None:
    name = resource.metadata.get("name")
    if not isinstance(name, str) or not name:
        return None  # generateName objects are distinct by design
    return (resource.group, resource.kind or "", namespace_of(resource, default_namespace) or "", name)


Key = tuple[str, str, str, str, str]


def duplicate_object(resources: Sequence[Resource], ctx: RuleContext) -> Iterator[Problem]:
    """Every later definition of an object, naming the first one's file and line."""
    across_files = bool(ctx.options.get("across_files"))
    first: dict[Key, Resource] = {}
    for resource in resources:
        identity = _identity(resource, ctx.default_namespace)
        if identity is None:
            continue
        original = first.setdefault(("" if across_files else resource.file,) + identity, resource)
        if original is resource:
            continue
        line, _ = original.locate(("metadata", "name"))
        where = f"line {line}" if original.file == resource.file else f"{original.file}:{line}"
        namespace = f' in namespace "{identity[2]}"' if identity[2] else ""
        yield Problem(
            ("metadata", "name"),
            f'{resource.kind} "{identity[3]}"{namespace} is already defined at {where}: applying both keeps only the '
            "last definition; remove one or give them different names",
            resource=resource,
        )
