"""The bundled Kubernetes schemas: which versions exist, and one version's definitions.

``schemas/v1.<minor>.json.gz`` (written by scripts/build_schemas.py) holds a
JSON header line (the version and its apiVersion -> kind -> definition index)
and then one ``<name><TAB><JSON schema>`` line per definition. A bundle is
read only when a run needs that version, and a definition is parsed only when
a kind that uses it is first validated: a Deployment needs 121 of the 860
definitions, and parsing all of them would cost more than compiling the one
validator a run needs.
"""

from __future__ import annotations

import gzip
import json
import re
from functools import lru_cache
from typing import Any, Iterator

from kubelint.datafiles import data_dir

REF_PREFIX = "#/$defs/"
_BUNDLE_NAME = re.compile(r"^v1\.(\d+)\.json\.gz$")
_VERSION = re.compile(r"^v?1\.(\d+)(?:\.\d+)?$")

# Keywords whose value is a schema, a map of schemas or a list of schemas:
# what a walk over a schema (not over the property names in it) follows.
SCHEMA_KEYWORDS = ("items", "additionalProperties", "not", "contains", "propertyNames", "if", "then", "else")
SCHEMA_MAP_KEYWORDS = ("properties", "patternProperties", "$defs", "definitions", "dependentSchemas")
SCHEMA_LIST_KEYWORDS = ("allOf", "anyOf", "oneOf", "prefixItems")


class UnknownVersionError(ValueError):
    """A Kubernetes version kubelint has no schemas for."""


@lru_cache(maxsize=1)
def bundled_versions() -> tuple[str, ...]:
    """``("1.25", ..., "1.37")``: the minor versions with a bundle, oldest first."""
    minors = sorted(int(m.group(1)) for p in data_dir("schemas").iterdir() if (m := _BUNDLE_NAME.match(p.name)))
    return tuple(f"1.{minor}" for minor in minors)


def newest_version() -> str:
    return bundled_versions()[-1]


def version_key(version: str) -> tuple[int, int]:
    """``"1.30"`` -> ``(1, 30)``, for comparing versions."""
    major, minor = version.split(".")[:2]
    return int(major), int(minor)


def normalize_version(text: str) -> str:
    """``1.30``, ``v1.30`` or ``1.30.4`` -> ``"1.30"`` (any minor; UnknownVersionError if not a version)."""
    match = _VERSION.match(str(text).strip())
    if match is None:
        raise UnknownVersionError(f"{text!r} is not a Kubernetes version such as 1.30, v1.30 or 1.30.4")
    return f"1.{int(match.group(1))}"


def resolve_version(text: str | None) -> str:
    """A bundled version from ``1.30``, ``v1.30`` or ``1.30.4``; None -> the newest bundled.

    Raises UnknownVersionError, listing the bundled versions, for anything else.
    """
    if text is None:
        return newest_version()
    available = bundled_versions()
    if _VERSION.match(str(text).strip()) is None or normalize_version(text) not in available:
        raise UnknownVersionError(
            f"no schemas for Kubernetes {text!r}; the bundled versions are {', '.join(available)} "
            "(1.30, v1.30 and 1.30.4 all mean 1.30)"
        )
    return normalize_version(text)


def schema_children(schema: dict[str, Any]) -> Iterator[Any]:
    """The subschemas directly inside ``schema`` (not its property names)."""
    for key, value in schema.items():
        if key in SCHEMA_KEYWORDS:
            yield from value if isinstance(value, list) else (value,)
        elif key in SCHEMA_MAP_KEYWORDS:
            yield from value.values()
        elif key in SCHEMA_LIST_KEYWORDS:
            yield from value


def references(schema: Any) -> set[str]:
    """Names of the definitions ``schema`` refers to with ``$ref`` (anywhere inside it)."""
    found: set[str] = set()
    pending = [schema]
    while pending:
        node = pending.pop()
        if not isinstance(node, dict):
            continue
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith(REF_PREFIX):
            found.add(ref[len(REF_PREFIX):])
        pending.extend(schema_children(node))
    return found


class Bundle:
    """One Kubernetes version's schemas, parsed definition by definition."""

    def __init__(self, version: str, text: str) -> None:
        header, _, body = text.partition("\n")
        meta = json.loads(header)
        self.version = version
        self.source: str = meta["source"]
        self.kinds: dict[str, dict[str, str]] = meta["kinds"]
        """apiVersion -> kind -> definition name."""
        self._raw: dict[str, str] = dict(line.split("\t", 1) for line in body.splitlines())
        self._parsed: dict[str, dict[str, Any]] = {}
        self._closures: dict[str, frozenset[str]] = {}

    def definition(self, name: str) -> dict[str, Any]:
        """One definition, parsed on first use (shared: never mutate it)."""
        schema = self._parsed.get(name)
        if schema is None:
            schema = self._parsed[name] = json.loads(self._raw[name])
        return schema

    def definition_of(self, api_version: str, kind: str) -> str | None:
        """The definition name of a served apiVersion and kind, else None."""
        return self.kinds.get(api_version, {}).get(kind)

    def closure(self, name: str) -> frozenset[str]:
        """``name`` and every definition it reaches through ``$ref``s."""
        known = self._closures.get(name)
        if known is None:
            seen = {name}
            pending = [name]
            while pending:
                for ref in references(self.definition(pending.pop())):
                    if ref not in seen:
                        seen.add(ref)
                        pending.append(ref)
            known = self._closures[name] = frozenset(seen)
        return known

    def api_versions_of(self, kind: str) -> list[str]:
        """The apiVersions that serve ``kind``, sorted."""
        return sorted(api_version for api_version, kinds in self.kinds.items() if kind in kinds)


@lru_cache(maxsize=None)
def load_bundle(version: str) -> Bundle:
    """The bundle of a bundled ``major.minor`` version (see :func:`resolve_version`)."""
    path = data_dir("schemas") / f"v{version}.json.gz"
    return Bundle(version, gzip.decompress(path.read_bytes()).decode("utf-8"))
