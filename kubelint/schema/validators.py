"""Compiled validators, built once and reused.

jsonschema-rs compiles a kind's standalone schema in a few milliseconds and
then validates an object in microseconds, so every validator is compiled on
first use and kept: built-in kinds per (Kubernetes version, apiVersion,
kind, strict) for the life of the process, custom kinds by their owner (see
``crds`` and ``schemadir``) for one run. Validation asks ``is_valid`` first
and walks the errors only of the few objects that are invalid.
"""

from __future__ import annotations

import base64
import binascii
from typing import Any, Callable

import jsonschema_rs

from kubelint.schema.bundle import Bundle
from kubelint.schema.standalone import server_reading, standalone

Retriever = Callable[[str], Any]


class SchemaError(ValueError):
    """A schema that cannot be compiled (a broken CRD or schema file)."""


def _no_retrieval(uri: str) -> Any:
    raise SchemaError(f"refers to {uri}, which kubelint does not fetch (it validates offline)")


def is_base64(text: str) -> bool:
    """Whether ``text`` decodes as Go's base64.StdEncoding decodes a ``format: byte`` field
    (padding required; line breaks ignored)."""
    try:
        base64.b64decode(text.replace("\n", "").replace("\r", ""), validate=True)
    except (binascii.Error, ValueError):
        return False
    return True


BUILTIN_FORMATS = {"byte": is_base64}
"""The formats checked in built-in kinds, where the API server decodes them (Secret data, CA
bundles). date-time is jsonschema-rs's own RFC 3339 check. Custom resources get no format checks:
the server's formats (Go durations, for one) are not JSON Schema's."""


class Compiled:
    """A standalone schema and its validator."""

    __slots__ = ("schema", "validator")

    def __init__(
        self,
        schema: dict[str, Any],
        retriever: Retriever = _no_retrieval,
        base_uri: str | None = None,
        formats: dict[str, Callable[[str], bool]] | None = None,
    ) -> None:
        self.schema = schema
        try:
            self.validator = jsonschema_rs.validator_for(
                schema, validate_formats=formats is not None, formats=formats, retriever=retriever, base_uri=base_uri
            )
        except (ValueError, jsonschema_rs.ValidationError, jsonschema_rs.ReferencingError) as error:
            raise SchemaError(str(error).splitlines()[0]) from None

    def errors(self, data: Any) -> list[Any]:
        """The validation errors of ``data`` (none, quickly, for a valid object)."""
        if self.validator.is_valid(data):
            return []
        return list(self.validator.iter_errors(data))


_PREPARED: dict[tuple[str, bool, str], dict[str, Any]] = {}
_BUILTIN: dict[tuple[str, str, str, bool], Compiled] = {}


def prepared_definition(bundle: Bundle, name: str, strict: bool) -> dict[str, Any]:
    """A bundle definition read as the API server reads it (cached across kinds)."""
    key = (bundle.version, strict, name)
    schema = _PREPARED.get(key)
    if schema is None:
        schema = _PREPARED[key] = server_reading(bundle.definition(name), strict)
    return schema


def definitions_for(bundle: Bundle, name: str, strict: bool) -> dict[str, dict[str, Any]]:
    """``name`` and everything it refers to, prepared: the ``$defs`` of a standalone schema."""
    return {ref: prepared_definition(bundle, ref, strict) for ref in bundle.closure(name)}


def builtin_validator(bundle: Bundle, api_version: str, kind: str, strict: bool) -> Compiled | None:
    """The validator of a built-in kind, or None when the bundle does not serve it."""
    key = (bundle.version, api_version, kind, strict)
    compiled = _BUILTIN.get(key)
    if compiled is None:
        name = bundle.definition_of(api_version, kind)
        if name is None:
            return None
        definitions = definitions_for(bundle, name, strict)
        compiled = _BUILTIN[key] = Compiled(standalone(definitions[name], definitions), formats=BUILTIN_FORMATS)
    return compiled
