"""The bundled data: the schema bundles agree with the deprecation table, and both are well formed."""

from __future__ import annotations

import gzip
import json
from functools import lru_cache
from pathlib import Path

import pytest
import yaml

from kubelint.schema import bundled_versions
from kubelint.schema.bundle import REF_PREFIX, load_bundle, references, version_key
from kubelint.schema.deprecations import lifecycle, lifecycle_table

ROOT = Path(__file__).resolve().parents[1]
TABLE = ROOT / "schemas" / "deprecations.yaml"
VERSION_PATTERN = r"^1\.[0-9]+$"
TABLE_SCHEMA = {
    "type": "object",
    "required": ["apis"],
    "additionalProperties": False,
    "properties": {
        "apis": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["apiVersion", "kinds", "source"],
                "additionalProperties": False,
                "anyOf": [{"required": ["deprecated"]}, {"required": ["removed"]}],
                "properties": {
                    "apiVersion": {"type": "string", "pattern": r"^([a-z0-9.-]+/)?v[0-9]+((alpha|beta)[0-9]+)?$"},
                    "kinds": {"type": "array", "minItems": 1, "items": {"type": "string", "pattern": "^[A-Z][A-Za-z]+$"}},
                    "deprecated": {"type": "string", "pattern": VERSION_PATTERN},
                    "removed": {"type": "string", "pattern": VERSION_PATTERN},
                    "replacements": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "required": ["apiVersion", "since"],
                            "additionalProperties": False,
                            "properties": {
                                "apiVersion": {"type": "string"},
                                "kind": {"type": "string"},
                                "since": {"type": "string", "pattern": VERSION_PATTERN},
                            },
                        },
                    },
                    "notes": {"type": "string", "minLength": 10},
                    "source": {"type": "string", "minLength": 10},
                },
            },
        }
    },
}
API_MACHINERY = "io.k8s.apimachinery.pkg.apis.meta.v1."


def test_the_table_is_well_formed() -> None:
    import jsonschema

    document = yaml.safe_load(TABLE.read_text(encoding="utf-8"))
    jsonschema.validate(document, TABLE_SCHEMA)
    for entry in document["apis"]:
        if "deprecated" in entry and "removed" in entry:
            assert version_key(entry["deprecated"]) < version_key(entry["removed"]), entry


@lru_cache(maxsize=None)
def _served(version: str) -> frozenset[tuple[str, str]]:
    return frozenset(
        (api_version, kind)
        for api_version, kinds in load_bundle(version).kinds.items()
        for kind in kinds
        if not kind.endswith("List")
    )


def test_every_kind_that_disappears_between_bundles_is_in_the_table() -> None:
    versions = bundled_versions()
    missing = []
    for older, newer in zip(versions, versions[1:]):
        for api_version, kind in sorted(_served(older) - _served(newer)):
            entry = lifecycle(api_version, kind)
            if entry is None or entry.removed != newer:
                missing.append(f"{api_version} {kind}: served by {older}, not by {newer}")
    assert not missing, "schemas/deprecations.yaml lacks these removals:\n" + "\n".join(missing)


@pytest.mark.parametrize("version", bundled_versions())
def test_the_table_and_the_bundle_agree(version: str) -> None:
    """What the table says a version removed, its bundle does not serve; the replacements the
    table names are served from their ``since`` on (unless the table says they went too)."""
    served = _served(version)
    for (api_version, kind), entry in lifecycle_table().items():
        if entry.removed_by(version):
            assert (api_version, kind) not in served, f"{api_version} {kind} is removed by {version} but served"
        for replacement in entry.replacements:
            target = (replacement.api_version, replacement.kind or kind)
            gone = lifecycle(*target)
            if version_key(replacement.since) <= version_key(version) and not (gone and gone.removed_by(version)):
                assert target in served, f"{target} replaces {api_version} {kind} but {version} does not serve it"


@pytest.mark.parametrize("version", bundled_versions())
def test_bundles_are_self_contained(version: str) -> None:
    path = ROOT / "schemas" / f"v{version}.json.gz"
    header, *lines = gzip.decompress(path.read_bytes()).decode("utf-8").splitlines()
    meta = json.loads(header)
    assert meta["kubernetesVersion"] == version and "kubernetes-validate 1.37.0" in meta["source"]
    definitions = dict(line.split("\t", 1) for line in lines)
    assert list(definitions) == sorted(definitions)
    for name, text in definitions.items():
        schema = json.loads(text)
        assert "description" not in schema
        for ref in references(schema):
            assert ref in definitions, f"{name} refers to {REF_PREFIX}{ref}, which the bundle lacks"
    for kinds in meta["kinds"].values():
        assert all(name in definitions and not name.startswith(API_MACHINERY) for name in kinds.values())


def test_extensions_are_kept() -> None:
    bundle = load_bundle(bundled_versions()[-1])
    container = bundle.definition("io.k8s.api.core.v1.PodSpec")["properties"]["containers"]
    assert container["x-kubernetes-list-type"] == "map" and container["x-kubernetes-list-map-keys"] == ["name"]
    deployment = bundle.definition(bundle.definition_of("apps/v1", "Deployment"))
    assert deployment["x-kubernetes-group-version-kind"] == [{"group": "apps", "kind": "Deployment", "version": "v1"}]
