"""The basic object shape every stage relies on.

apiVersion and kind must be non-empty strings, metadata a mapping, and
the object needs ``metadata.name`` or ``metadata.generateName``. The most
common hand-written mistake gets its own message: ``name:`` that lost its
indentation and now sits at the top level next to an empty ``metadata:``.
"""

from __future__ import annotations

from typing import Iterator

from kubelint.checks import Problem, RuleContext
from kubelint.model import Resource

_FIELDS_OF_METADATA = ("name", "namespace", "labels", "annotations", "generateName")


def is_well_formed(resource: Resource) -> bool:
    """Whether later stages can rely on apiVersion, kind and metadata."""
    data = resource.data
    api_version, kind = data.get("apiVersion"), data.get("kind")
    metadata = data.get("metadata")
    return (
        isinstance(api_version, str)
        and bool(api_version)
        and isinstance(kind, str)
        and bool(kind)
        and (metadata is None or isinstance(metadata, dict))
    )


def _string_field(resource: Resource, field: str, what: str) -> Iterator[Problem]:
    value = resource.data.get(field)
    if field not in resource.data:
        yield Problem((), f"{field} is missing: every Kubernetes object needs {what}")
    elif value in ("", None):
        yield Problem((field,), f"{field} must be a non-empty string, not empty")
    elif not isinstance(value, str):
        yield Problem((field,), resource.type_error((field,), "string"))


def _misplaced_metadata(resource: Resource) -> Iterator[Problem]:
    """``metadata:`` followed by an unindented ``name:``: one finding says both
    where the field went and, for the name, that the object now has none."""
    for key in _FIELDS_OF_METADATA:
        if key not in resource.data:
            continue
        consequence = " (so the object has no name)" if key == "name" and not resource.metadata.get("name") else ""
        yield Problem(
            (key,),
            f'"{key}" is at the top level of the object, but it belongs under metadata{consequence}; '
            f'indent "{key}:" under "metadata:"',
            key=True,
        )


def object_shape(resource: Resource, ctx: RuleContext) -> Iterator[Problem]:
    yield from _string_field(resource, "apiVersion", "an apiVersion such as apps/v1")
    yield from _string_field(resource, "kind", "a kind such as Deployment")
    metadata = resource.data.get("metadata")
    if metadata is not None and not isinstance(metadata, dict):
        yield Problem(("metadata",), resource.type_error(("metadata",), "object"))
        return
    yield from _misplaced_metadata(resource)
    metadata = metadata or {}
    for field in ("name", "generateName"):
        value = metadata.get(field)
        if field in metadata and not isinstance(value, str):
            yield Problem(("metadata", field), resource.type_error(("metadata", field), "string"))
    if not metadata.get("name") and not metadata.get("generateName") and "name" not in resource.data:
        where = ("metadata",) if "metadata" in resource.data else ()
        yield Problem(where, "metadata.name is missing: the object needs a name (or metadata.generateName)", key=True)
