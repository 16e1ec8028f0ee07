"""Schemas for custom resources, straight from CustomResourceDefinitions.

No conversion step for the user: a CRD among the inputs (or in a
``--schema-dir``) makes its custom resources validate in the same run. Each
served version's ``openAPIV3Schema`` is read as the API server reads a
structural schema:

* the resource's ``apiVersion``, ``kind`` and ``metadata`` are always allowed,
  ``metadata`` checked as the built-in ObjectMeta;
* null values are dropped unless ``nullable: true``, then ``default``\\ s are
  filled in, before anything is validated (so a required field with a
  default is never missing, and a CEL rule sees the defaults);
* ``x-kubernetes-int-or-string`` takes integers and strings,
  ``x-kubernetes-preserve-unknown-fields`` keeps unknown fields,
  ``x-kubernetes-embedded-resource`` needs ``apiVersion`` and ``kind``, and an
  object with no ``properties`` keeps no fields at all;
* OpenAPI's boolean ``exclusiveMinimum``/``exclusiveMaximum`` become JSON
  Schema's numeric ones;
* an ``x-kubernetes-list-type: set`` holds each value once, and the items of
  an ``x-kubernetes-list-type: map`` differ in their ``x-kubernetes-list-map-keys``;
* ``x-kubernetes-validations`` (CEL) run after the schema (see ``cel``).

``apiextensions.k8s.io/v1beta1`` CRDs are read too (``spec.validation``,
``spec.version``, and ``preserveUnknownFields``, which defaulted to true),
so old CRDs still give their resources a schema while the CRD object itself
is reported as a removed API.
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass, field
from typing import Any, Iterator

from kubelint.checks import Problem
from kubelint.kube import get_path
from kubelint.model import FieldPath, Resource, format_path
from kubelint.schema.bundle import Bundle
from kubelint.schema.cel import CelValidator
from kubelint.schema.standalone import INT_OR_STRING, PRESERVE_UNKNOWN, server_reading, standalone
from kubelint.schema.validators import Compiled, definitions_for
from kubelint.schema.walk import SchemaWalk

CRD_GROUP = "apiextensions.k8s.io"
CRD_KIND = "CustomResourceDefinition"
OBJECT_META = "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"
EMBEDDED = "x-kubernetes-embedded-resource"
LIST_TYPE = "x-kubernetes-list-type"
MAP_KEYS = "x-kubernetes-list-map-keys"

_DROPPED = frozenset({"description", "example", "externalDocs", "$ref", "$schema", "$id", "definitions"})
_BARE_TYPES = ({"type": "integer"}, {"type": "string"})


def _converted_children(node: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key in _DROPPED:
            continue
        if key == "properties":
            if isinstance(value, dict):  # else the CRD is refused, and reported as such
                out[key] = {name: json_schema(child) for name, child in value.items()}
        elif key in ("items", "additionalProperties", "not") and isinstance(value, dict):
            out[key] = json_schema(value)
        elif key in ("allOf", "anyOf", "oneOf") and isinstance(value, list):
            out[key] = [json_schema(child) for child in value]
        else:
            out[key] = value
    return out


def json_schema(node: Any) -> Any:
    """A CRD's structural OpenAPI v3 schema as JSON Schema (draft 2020-12), as the API server reads it."""
    if not isinstance(node, dict):
        return node
    out = _converted_children(node)
    if node.get(INT_OR_STRING):
        out["type"] = ["integer", "string"]
        for keyword in ("anyOf", "allOf"):
            if out.get(keyword) and all(branch in _BARE_TYPES for branch in out[keyword]):
                del out[keyword]
    if node.get("nullable") is True and "type" in out:
        out["type"] = (out["type"] if isinstance(out["type"], list) else [out["type"]]) + ["null"]
    for bound in ("Minimum", "Maximum"):
        if out.get(f"exclusive{bound}") is True and f"{bound.lower()}" in out:
            out[f"exclusive{bound}"] = out.pop(bound.lower())
        elif isinstance(out.get(f"exclusive{bound}"), bool):
            del out[f"exclusive{bound}"]
    if out.get(LIST_TYPE) == "set":
        out["uniqueItems"] = True
    if out.get(EMBEDDED):
        out["properties"] = {"apiVersion": {"type": "string"}, "kind": {"type": "string"}, **out.get("properties", {})}
        out["required"] = sorted({*out.get("required", []), "apiVersion", "kind"})
    if out.get("type") == "object" and "properties" not in out and "additionalProperties" not in out and not out.get(PRESERVE_UNKNOWN):
        out["properties"] = {}
    return out


def root_schema(openapi: Any, preserve_unknown: bool) -> dict[str, Any]:
    """The schema of a whole custom resource: the CRD's, plus what every object has.

    Without a schema (which only apiextensions.k8s.io/v1beta1 allowed), any field goes.
    """
    schema = json_schema(openapi) if isinstance(openapi, dict) else {"type": "object", PRESERVE_UNKNOWN: True}
    metadata: dict[str, Any] = {"$ref": f"#/$defs/{OBJECT_META}"}
    if isinstance(schema.get("properties", {}).get("metadata"), dict):
        metadata = {"allOf": [metadata, schema["properties"]["metadata"]]}
    schema["properties"] = {
        **schema.get("properties", {}),
        "apiVersion": {"type": "string"},
        "kind": {"type": "string"},
        "metadata": metadata,
    }
    if preserve_unknown:
        schema[PRESERVE_UNKNOWN] = True
    return schema


def _is_keyed_list(schema: dict[str, Any]) -> bool:
    return schema.get(LIST_TYPE) == "map" and isinstance(schema.get(MAP_KEYS), list) and bool(schema[MAP_KEYS])


def duplicate_keys(walk: SchemaWalk, value: Any) -> Iterator[Problem]:
    """Items of ``x-kubernetes-list-type: map`` lists that repeat another item's keys (the server:
    "Duplicate value")."""
    for node, items, path in walk.pairs(value):
        if not isinstance(items, list):
            continue
        seen: dict[str, int] = {}
        for index, item in enumerate(items):
            if not isinstance(item, dict):
                continue
            keys = {key: item.get(key) for key in node[MAP_KEYS]}
            text = json.dumps(keys, sort_keys=True)
            if text in seen:
                where = format_path(path + (seen[text],))
                yield Problem(path + (index,), f"{format_path(path + (index,))}: duplicate of {where}: the items of this list are "
                              f"told apart by {', '.join(node[MAP_KEYS])}, and {text} repeats")
            else:
                seen[text] = index


def server_side_copy(value: Any, schema: Any) -> Any:
    """``value`` with nulls dropped (unless ``nullable``) and ``default``\\ s filled in, as stored."""
    if not isinstance(schema, dict):
        return value
    if isinstance(value, dict):
        properties = schema.get("properties") or {}
        extra = schema.get("additionalProperties")
        out: dict[str, Any] = {}
        for key, child in value.items():
            child_schema = properties.get(key, extra)
            if child is None and not (isinstance(child_schema, dict) and child_schema.get("nullable")):
                continue
            out[key] = server_side_copy(child, child_schema)
        for key, child_schema in properties.items():
            if key not in out and isinstance(child_schema, dict) and "default" in child_schema:
                out[key] = server_side_copy(copy.deepcopy(child_schema["default"]), child_schema)
        return out
    if isinstance(value, list):
        return [server_side_copy(item, schema.get("items")) for item in value]
    return value


@dataclass
class CustomVersion:
    """One version of one custom kind, as a CRD defines it."""

    crd: Resource
    group: str
    kind: str
    version: str
    served: bool
    openapi: Any
    """The version's openAPIV3Schema as written (None: the CRD gives none)."""
    schema_path: FieldPath
    """Where that schema is inside the CRD (for findings about the CRD)."""
    preserve_unknown: bool = False
    _schema: dict[str, Any] | None = None
    _compiled: dict[bool, Compiled] = field(default_factory=dict)
    _cel: CelValidator | None = None
    _keyed_lists: SchemaWalk | None = None

    @property
    def api_version(self) -> str:
        return f"{self.group}/{self.version}"

    @property
    def schema(self) -> dict[str, Any]:
        """The JSON Schema of a whole resource of this version (before strictness)."""
        if self._schema is None:
            self._schema = root_schema(self.openapi, self.preserve_unknown)
        return self._schema

    def compiled(self, bundle: Bundle, strict: bool) -> Compiled:
        """The validator (raises SchemaError for a schema that does not compile)."""
        compiled = self._compiled.get(strict)
        if compiled is None:
            compiled = self._compiled[strict] = Compiled(
                standalone(server_reading(self.schema, strict), definitions_for(bundle, OBJECT_META, strict))
            )
        return compiled

    @property
    def cel(self) -> CelValidator:
        if self._cel is None:
            self._cel = CelValidator(self.schema)
        return self._cel

    @property
    def keyed_lists(self) -> SchemaWalk:
        """The ``x-kubernetes-list-type: map`` lists of the schema (for :func:`duplicate_keys`)."""
        if self._keyed_lists is None:
            self._keyed_lists = SchemaWalk(self.schema, _is_keyed_list)
        return self._keyed_lists

    def where(self) -> str:
        """``CustomResourceDefinition widgets.example.com (crds.yaml:3)``."""
        line, _ = self.crd.locate()
        return f"{CRD_KIND} {self.crd.name} ({self.crd.file}:{line})"


def is_crd(resource: Resource) -> bool:
    return resource.kind == CRD_KIND and resource.group == CRD_GROUP


def _versions(resource: Resource) -> Iterator[tuple[str, bool, Any, FieldPath]]:
    """(name, served, openAPIV3Schema, its path) of each version a v1 or v1beta1 CRD declares."""
    spec = resource.data.get("spec")
    if not isinstance(spec, dict):
        return
    shared = get_path(spec, ("validation", "openAPIV3Schema"))
    versions = spec.get("versions")
    if isinstance(versions, list) and versions:
        for index, entry in enumerate(versions):
            if isinstance(entry, dict) and isinstance(entry.get("name"), str):
                own = get_path(entry, ("schema", "openAPIV3Schema"))
                path: FieldPath = ("spec", "versions", index, "schema", "openAPIV3Schema")
                if own is None and shared is not None:
                    own, path = shared, ("spec", "validation", "openAPIV3Schema")
                yield entry["name"], entry.get("served", True) is not False, own, path
    elif isinstance(spec.get("version"), str):
        yield spec["version"], True, shared, ("spec", "validation", "openAPIV3Schema")


class CustomKinds:
    """The custom kinds the CRDs of a run define, by group, kind and version."""

    def __init__(self) -> None:
        self._kinds: dict[tuple[str, str], dict[str, CustomVersion]] = {}

    def add(self, resource: Resource) -> list[Problem]:
        """Register a CRD (the first definition of a group and kind wins, as in a cluster);
        returns what the API server would refuse about its schemas."""
        spec = resource.data.get("spec")
        group = spec.get("group") if isinstance(spec, dict) else None
        kind = get_path(spec, ("names", "kind")) if isinstance(spec, dict) else None
        if not isinstance(group, str) or not isinstance(kind, str) or (group, kind) in self._kinds:
            return []
        beta = resource.api_version == f"{CRD_GROUP}/v1beta1"
        preserve = beta and spec.get("preserveUnknownFields", True) is not False
        versions = self._kinds[(group, kind)] = {}
        problems = []
        for name, served, openapi, path in _versions(resource):
            versions[name] = CustomVersion(resource, group, kind, name, served, openapi, path, preserve)
            if openapi is None and not beta:
                message = f"{format_path(path)} is missing: {CRD_GROUP}/v1 needs a structural schema for every version"
                problems.append(Problem(path[:3], message, key=True))
        return problems

    def versions(self, group: str, kind: str) -> dict[str, CustomVersion] | None:
        """Every version the CRD of ``group`` and ``kind`` declares, or None without a CRD."""
        return self._kinds.get((group, kind))

    def kinds_of(self, group: str) -> list[str]:
        """The kinds CRDs define in ``group``."""
        return sorted(kind for kind_group, kind in self._kinds if kind_group == group)
