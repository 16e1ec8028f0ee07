"""A kind's standalone JSON Schema, with the API server's reading of it.

A validator is compiled from one schema holding the kind's own definition and
the transitive closure of its ``$ref``s (compiling all 860 definitions of a
bundle would take 60 ms; a Deployment's 121 take 12). On the way, three
things the API server does and the OpenAPI text does not say are written
into the schema, the same way for built-in kinds, CRDs and schema files:

* **strict**: an object with ``properties`` and neither
  ``additionalProperties`` nor ``x-kubernetes-preserve-unknown-fields``
  takes no other field (``kubectl apply``'s default field validation since
  1.27). kubernetes-validate's ``-strict`` schemas differ from the others by
  exactly this.
* **null is no value**: the server drops a field whose value is null, so a
  null is accepted wherever a type is, except in a required field, where it
  means the field is missing (``containers:`` with nothing under it).
* **int-or-string and quantities**: the OpenAPI ``oneOf`` of two bare
  types (``IntOrString``, ``Quantity``) becomes one list of types, which
  reads better in messages and accepts null like every other field.
"""

from __future__ import annotations

from typing import Any

from kubelint.schema.bundle import SCHEMA_KEYWORDS, SCHEMA_LIST_KEYWORDS, SCHEMA_MAP_KEYWORDS

NOT_NULL: dict[str, Any] = {"not": {"type": "null"}}
"""Added beside a required property's schema: its value may not be null."""

PRESERVE_UNKNOWN = "x-kubernetes-preserve-unknown-fields"
_COMBINATORS = ("allOf", "anyOf", "oneOf", "not", "if", "then", "else")
INT_OR_STRING = "x-kubernetes-int-or-string"


def _as_list(types: Any) -> list[str]:
    return list(types) if isinstance(types, list) else [types]


def _merged_types(branches: Any) -> list[str] | None:
    """The union of a ``oneOf`` whose every branch is only a ``type``, else None."""
    if not isinstance(branches, list) or not branches:
        return None
    union: list[str] = []
    for branch in branches:
        if not isinstance(branch, dict) or set(branch) != {"type"}:
            return None
        union.extend(t for t in _as_list(branch["type"]) if t not in union)
    return union


def _not_null(schema: Any) -> Any:
    """``schema`` for a required property: null is no value, so it is refused."""
    if not isinstance(schema, dict) or schema.get("nullable") is True:
        return schema
    types = schema.get("type")
    if types is not None:
        return {**schema, "type": [t for t in _as_list(types) if t != "null"]}
    if "not" in schema:
        return {"allOf": [schema], **NOT_NULL}
    return {**schema, **NOT_NULL}


def server_reading(schema: Any, strict: bool) -> Any:
    """A copy of ``schema`` with the three rules of the module docstring applied throughout."""
    if not isinstance(schema, dict):
        return schema
    out: dict[str, Any] = {}
    for key, value in schema.items():
        if key in _COMBINATORS:  # constraints on the object, not its shape: no strictness inside
            out[key] = [server_reading(v, False) for v in value] if isinstance(value, list) else server_reading(value, False)
        elif key in SCHEMA_KEYWORDS:
            out[key] = [server_reading(v, strict) for v in value] if isinstance(value, list) else server_reading(value, strict)
        elif key in SCHEMA_MAP_KEYWORDS and isinstance(value, dict):
            out[key] = {name: server_reading(v, strict) for name, v in value.items()}
        elif key in SCHEMA_LIST_KEYWORDS and isinstance(value, list):
            out[key] = [server_reading(v, strict) for v in value]
        else:
            out[key] = value  # a malformed schema stays as it is: compiling it says what is wrong
    union = _merged_types(out.get("oneOf"))
    if union is not None:
        del out["oneOf"]
        out["type"] = union
        if {t for t in union if t != "null"} == {"integer", "string"}:
            out[INT_OR_STRING] = True
    if strict and "properties" in out and "additionalProperties" not in out and not out.get(PRESERVE_UNKNOWN):
        out["additionalProperties"] = False
    properties = out.get("properties")
    if isinstance(properties, dict) and isinstance(out.get("required"), list):
        for name in out["required"]:
            if name in properties:
                properties[name] = _not_null(properties[name])
    return out


def standalone(root: dict[str, Any], definitions: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """One schema document: ``root`` (an object, never null) with ``definitions`` as its ``$defs``.

    Both are already read with :func:`server_reading`.
    """
    document = {**root, "type": "object"}
    if definitions:
        document["$defs"] = dict(sorted(definitions.items()))
    return document
