"""Schema validation errors, said for people, at the offending key or value.

Every message is built here from the error's kind, the object and the
schema node it broke, never from the validating library's own wording, so
a built-in kind, a CustomResourceDefinition and a schema file produce the
same sentences for the same mistake:

* ``spec.replicas: expected integer, got string "three"`` (with the YAML 1.1
  hint of :meth:`kubelint.model.Resource.type_error` when one applies)
* ``unknown field "contianers" in spec.template.spec; did you mean "containers"?``
  at the key, or where the field belongs when it is a field of a sibling
  (probe settings written beside their probe)
* ``spec: missing required field "selector"`` at the parent;
  ``spec.containers is required, but it is empty (null)``
* ``spec.type: "Loadbalancer" is not one of "ClusterIP", ...; did you mean "LoadBalancer"?``
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Iterator

from kubelint.checks import Problem
from kubelint.kube import get_path
from kubelint.loader.scalars import describe, shown
from kubelint.model import FieldPath, Resource, format_path
from kubelint.schema.bundle import REF_PREFIX
from kubelint.schema.standalone import INT_OR_STRING
from kubelint.suggest import did_you_mean

SCHEMA_RULE = "schema"
UNKNOWN_FIELD_RULE = "unknown-field"

_MAX_SHOWN_CHOICES = 12


@dataclass(slots=True)
class Issue:
    """A problem and the rule it belongs to (``schema`` or ``unknown-field``)."""

    rule: str
    problem: Problem


def _node_at(schema: dict[str, Any], schema_path: list[Any]) -> dict[str, Any]:
    """The schema node an error's keyword sits in; ``{}`` when it is in another document
    (a schema file's ``$ref`` to a file beside it), whose nodes only enrich a message."""
    node: Any = schema
    try:
        for part in schema_path:
            node = node[part]
    except (KeyError, IndexError, TypeError):
        return {}
    return node if isinstance(node, dict) else {}


def _resolved(document: dict[str, Any], node: Any) -> Any:
    """``node`` with ``$ref``s followed (within the standalone document)."""
    seen = 0
    while isinstance(node, dict) and isinstance(node.get("$ref"), str) and seen < 32:
        ref = node["$ref"]
        if not ref.startswith(REF_PREFIX):
            return node
        node = document.get("$defs", {}).get(ref[len(REF_PREFIX):])
        seen += 1
    return node


def _quoted(values: list[Any]) -> str:
    shown_values = [json.dumps(v, ensure_ascii=False) for v in values[:_MAX_SHOWN_CHOICES]]
    more = ", ..." if len(values) > _MAX_SHOWN_CHOICES else ""
    return ", ".join(shown_values) + more


def _or_list(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " or " + words[-1]


def expected_types(node: dict[str, Any], raw: Any) -> str:
    """``integer``, ``integer or string``, ``a quantity such as "500m" or 2``: what a field of
    ``raw`` types (its schema's ``type``) takes."""
    types = [t for t in (raw if isinstance(raw, list) else [raw]) if t != "null"]
    if node.get(INT_OR_STRING) or set(types) == {"integer", "string"}:
        return "integer or string"
    if set(types) == {"number", "string"}:
        return 'a quantity such as "500m", "1Gi" or 2'
    return _or_list(types) if types else "null"


def _where(path: FieldPath) -> str:
    return f"in {format_path(path)}" if path else "at the top level"


def _prefix(path: FieldPath) -> str:
    return f"{format_path(path)}: " if path else ""


def _shape_hint(expected: str, value: Any) -> str:
    """What YAML made of the text, when a list or mapping stands where something else belongs."""
    if expected == "array" and isinstance(value, dict):
        return '; a list\'s items start with "- "'
    if expected == "object" and isinstance(value, list):
        return '; this field takes fields (key: value), not a list: remove the "- "'
    if expected == "string" and isinstance(value, list):
        return "; YAML reads [brackets] as a list: quote the value"
    if expected == "string" and isinstance(value, dict):
        return '; YAML reads {braces} and "key: value" as a mapping: quote the value'
    return ""


def _child_schemas(document: dict[str, Any], node: Any) -> dict[str, Any]:
    """Property name -> the object schema a value of that property has (items for lists)."""
    out: dict[str, Any] = {}
    for name, child in (node.get("properties") or {}).items():
        child = _resolved(document, child)
        if isinstance(child, dict) and "items" in child and not child.get("properties"):
            child = _resolved(document, child["items"])
        if isinstance(child, dict) and child.get("properties"):
            out[name] = child
    return out


def _belongs_in(resource: Resource, document: dict[str, Any], node: Any, path: FieldPath, field: str) -> str:
    """``; it is a field of readinessProbe (line 40): indent it under "readinessProbe:"`` and the like."""
    owners = [name for name, child in _child_schemas(document, node).items() if field in child["properties"]]
    if not owners:
        return ""
    value = get_path(resource.data, path)
    keys = list(value) if isinstance(value, dict) else []
    present = [key for key in keys if key in owners]
    if present:
        before = [key for key in keys[: keys.index(field)] if key in owners] if field in keys else []
        owner = before[-1] if before else present[0]
        line, _ = resource.locate(path + (owner,), key=True)
        return f'; it is a field of {owner} (line {line}): indent it under "{owner}:"'
    return f"; it belongs inside {_or_list(sorted(owners))}"


def _unknown_fields(resource: Resource, document: dict[str, Any], node: Any, path: FieldPath, unexpected: list[str]) -> Iterator[Issue]:
    known = list((node.get("properties") or {}).keys())
    for field in unexpected:
        hint = did_you_mean(field, known) or _belongs_in(resource, document, node, path, field)
        yield Issue(UNKNOWN_FIELD_RULE, Problem(path + (field,), f'unknown field "{field}" {_where(path)}{hint}', key=True))


def _required_choice(branches: list[Any]) -> list[str] | None:
    """The field names of a ``oneOf``/``anyOf`` whose branches each only require fields."""
    names: list[str] = []
    for branch in branches:
        if not isinstance(branch, dict) or set(branch) != {"required"}:
            return None
        names.extend(name for name in branch["required"] if name not in names)
    return names


def _duplicate(items: list[Any]) -> tuple[int, int] | None:
    seen: dict[str, int] = {}
    for index, item in enumerate(items):
        key = json.dumps(item, sort_keys=True)
        if key in seen:
            return seen[key], index
        seen[key] = index
    return None


def _limit_message(kind: str, limit: Any, value: Any) -> str | None:
    """Messages of the numeric, length and count limits."""
    if kind in ("Minimum", "Maximum", "ExclusiveMinimum", "ExclusiveMaximum"):
        bound = {"Minimum": "at least", "Maximum": "at most", "ExclusiveMinimum": "greater than", "ExclusiveMaximum": "less than"}
        return f"must be {bound[kind]} {limit}, got {json.dumps(value)}"
    if kind in ("MinLength", "MaxLength"):
        return f"must be {'at least' if kind == 'MinLength' else 'at most'} {limit} characters long, got {len(value)}"
    if kind in ("MinItems", "MaxItems"):
        return f"must have {'at least' if kind == 'MinItems' else 'at most'} {limit} items, got {len(value)}"
    if kind in ("MinProperties", "MaxProperties"):
        return f"must have {'at least' if kind == 'MinProperties' else 'at most'} {limit} fields, got {len(value)}"
    return None


def translate(resource: Resource, document: dict[str, Any], error: Any) -> Iterator[Issue]:
    """The issues one jsonschema-rs error stands for."""
    kind = type(error.kind).__name__
    path: FieldPath = tuple(error.instance_path)
    value = error.instance
    node = _node_at(document, list(error.schema_path)[:-1])
    if value is None and kind in ("Type", "Not") and path and isinstance(path[-1], str):
        yield Issue(SCHEMA_RULE, Problem(path, f"{format_path(path)} is required, but it is empty (null)", key=True))
    elif kind == "Type":
        expected = expected_types(node, [str(t) for t in error.kind.types])
        yield Issue(SCHEMA_RULE, Problem(path, resource.type_error(path, expected) + _shape_hint(expected, value)))
    elif kind == "AdditionalProperties":
        yield from _unknown_fields(resource, document, node, path, list(error.kind.unexpected))
    elif kind == "Required":
        yield Issue(SCHEMA_RULE, Problem(path, f'{_prefix(path)}missing required field "{error.kind.property}"', key=True))
    elif kind == "Enum":
        options = list(error.kind.options)
        hint = did_you_mean(value, [o for o in options if isinstance(o, str)]) if isinstance(value, str) else ""
        yield Issue(SCHEMA_RULE, Problem(path, f"{_prefix(path)}{json.dumps(value, ensure_ascii=False)} is not one of {_quoted(options)}{hint}"))
    elif kind == "Constant":
        expected_value = json.dumps(error.kind.expected_value, ensure_ascii=False)
        yield Issue(SCHEMA_RULE, Problem(path, f"{_prefix(path)}must be {expected_value}, got {describe(value)}{shown(value)}"))
    elif kind == "Format":
        in_secret = resource.kind == "Secret" and path[:1] == ("data",)
        hint = "; Secret data is base64-encoded: write plain text under stringData instead" if in_secret else ""
        yield Issue(SCHEMA_RULE, Problem(path, _prefix(path) + _format_message(error.kind.format, value) + hint))
    elif kind in ("OneOfNotValid", "AnyOf", "OneOfMultipleValid"):
        yield from _alternatives(resource, document, error, kind, node, path)
    else:
        yield Issue(SCHEMA_RULE, Problem(path, _prefix(path) + _other_message(kind, error, value)))


def _other_message(kind: str, error: Any, value: Any) -> str:
    limit = _limit_message(kind, getattr(error.kind, "limit", None), value)
    if limit is not None:
        return limit
    if kind == "Pattern":
        return f"{json.dumps(value, ensure_ascii=False)} does not match the pattern {error.kind.pattern}"
    if kind == "MultipleOf":
        return f"must be a multiple of {error.kind.multiple_of}, got {json.dumps(value)}"
    if kind == "UniqueItems":
        pair = _duplicate(value) if isinstance(value, list) else None
        return f"items must be unique; [{pair[1]}] repeats [{pair[0]}]" if pair else "items must be unique"
    if kind == "FalseSchema":
        return "no value is allowed here"
    if kind == "Not":
        return "this value is one the schema forbids"
    return f'breaks the schema\'s "{error.schema_path[-1]}" rule'


def _format_message(fmt: str, value: Any) -> str:
    if fmt == "byte":
        return f"{_short(value)} is not base64, and the API server decodes this field"
    if fmt == "date-time":
        return f"{_short(value)} is not an RFC 3339 date and time such as 2024-05-01T12:00:00Z"
    return f"{_short(value)} is not a valid {fmt}"


def _short(value: Any) -> str:
    return shown(value).strip() or json.dumps(value)


def _alternatives(resource: Resource, document: dict[str, Any], error: Any, kind: str, node: Any, path: FieldPath) -> Iterator[Issue]:
    """``oneOf``/``anyOf``: "set one of ..." for field choices, else the closest alternative's errors."""
    keyword = "anyOf" if kind == "AnyOf" else "oneOf"
    names = _required_choice(node.get(keyword, []))
    if names is not None:
        amount = "only one of" if kind == "OneOfMultipleValid" else "one of" if keyword == "oneOf" else "at least one of"
        yield Issue(SCHEMA_RULE, Problem(path, f"{_prefix(path)}set {amount} {_quoted(names)}", key=True))
        return
    branches = [list(branch) for branch in getattr(error.kind, "context", [])]
    if kind == "OneOfMultipleValid" or not branches or not min(branches, key=len):
        what = "more than one" if kind == "OneOfMultipleValid" else "none"
        yield Issue(SCHEMA_RULE, Problem(path, f"{_prefix(path)}matches {what} of the {len(node.get(keyword, []))} forms the schema allows"))
        return
    for sub_error in min(branches, key=len):
        yield from translate(resource, document, sub_error)
