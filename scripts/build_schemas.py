"""Regenerate the schema bundles in schemas/ from the kubernetes-validate wheel.

kubelint validates offline, so the Kubernetes OpenAPI schemas ship inside it.
Their source is the JSON Schema (draft 2020-12) conversion of the upstream
Kubernetes OpenAPI that the ``kubernetes-validate`` package carries, pinned
here to one exact wheel (checked by its SHA-256), so anyone can re-run this
script and get the same bytes:

    python scripts/build_schemas.py            # download the pinned wheel with pip, write schemas/
    python scripts/build_schemas.py --wheel W  # use a wheel already on disk
    python scripts/build_schemas.py --check    # verify schemas/ is what the wheel gives

One bundle per Kubernetes minor version, ``schemas/v1.<minor>.json.gz``:
gzip-compressed lines, the first a JSON header (version, source, and the
group/version/kind index), then one ``<definition name><TAB><JSON schema>``
line per definition, so kubelint parses only the definitions a kind needs. Compared with the wheel's ``v1.<minor>.0-local/_definitions.json``
the bundle drops what kubelint does not read (``description`` texts, ``$schema``,
``$id``) and nothing else: every ``x-kubernetes-*`` extension stays. The wheel's
``-strict`` variants are not copied: they differ only by
``additionalProperties: false`` on every object with ``properties``, which
kubelint adds when it loads a bundle in strict mode. See schemas/README.md.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import re
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path
from typing import Any

PACKAGE = "kubernetes-validate"
PACKAGE_VERSION = "1.37.0"
WHEEL = "kubernetes_validate-1.37.0-py3-none-any.whl"
WHEEL_SHA256 = "85136d018a27b50ec7fc049d902bfa5193f5976807e6c0f408e3ab6fe078cad9"
FIRST_MINOR = 25
"""The oldest Kubernetes minor version bundled (kubernetes-validate starts there)."""

SCHEMAS = Path(__file__).resolve().parent.parent / "schemas"
_SOURCE = re.compile(r"^kubernetes_validate/kubernetes-json-schema/v1\.(\d+)\.0-local/_definitions\.json$")
_REF_PREFIX = "#/$defs/"
_API_MACHINERY_MESSAGES = "io.k8s.apimachinery.pkg.apis.meta.v1."

# Keywords whose value is a schema, a map of schemas or a list of schemas.
_SCHEMA = ("items", "additionalProperties", "not", "contains", "propertyNames", "if", "then", "else")
_SCHEMA_MAP = ("properties", "patternProperties", "$defs", "dependentSchemas")
_SCHEMA_LIST = ("allOf", "anyOf", "oneOf", "prefixItems")
_DROPPED = ("description", "$schema", "$id")


def fetch_wheel(directory: Path) -> Path:
    """Download the pinned wheel with pip (the ordinary PyPI client)."""
    subprocess.run(
        [sys.executable, "-m", "pip", "download", f"{PACKAGE}=={PACKAGE_VERSION}", "--no-deps",
         "--only-binary=:all:", "--dest", str(directory), "--quiet"],
        check=True,
    )
    return directory / WHEEL


def verify(wheel: Path) -> None:
    digest = hashlib.sha256(wheel.read_bytes()).hexdigest()
    if digest != WHEEL_SHA256:
        raise SystemExit(f"{wheel}: SHA-256 {digest} is not the pinned {WHEEL_SHA256}")


def minify(schema: Any) -> Any:
    """The schema without what kubelint does not read; property names are kept as they are."""
    if isinstance(schema, bool) or not isinstance(schema, dict):
        return schema
    out: dict[str, Any] = {}
    for key, value in schema.items():
        if key in _DROPPED:
            continue
        if key in _SCHEMA:
            out[key] = [minify(item) for item in value] if isinstance(value, list) else minify(value)
        elif key in _SCHEMA_MAP:
            out[key] = {name: minify(item) for name, item in value.items()}
        elif key in _SCHEMA_LIST:
            out[key] = [minify(item) for item in value]
        else:
            out[key] = value
    return out


def kinds_index(definitions: dict[str, Any]) -> dict[str, dict[str, str]]:
    """apiVersion -> kind -> definition name, from ``x-kubernetes-group-version-kind``.

    The API machinery's own messages (DeleteOptions, WatchEvent, Status, ...),
    which name every group version they can be sent to, are not objects a
    manifest holds and stay out of the index.
    """
    index: dict[str, dict[str, str]] = {}
    for name, schema in definitions.items():
        if name.startswith(_API_MACHINERY_MESSAGES):
            continue
        for gvk in schema.get("x-kubernetes-group-version-kind", ()):
            api_version = f"{gvk['group']}/{gvk['version']}" if gvk["group"] else gvk["version"]
            index.setdefault(api_version, {})[gvk["kind"]] = name
    return index


def check_refs(definitions: dict[str, Any], minor: int) -> None:
    """Every ``$ref`` must point at a definition of the same bundle (no remote references)."""
    text = json.dumps(definitions)
    for ref in set(re.findall(r'"\$ref": "([^"]*)"', text)):
        if not ref.startswith(_REF_PREFIX) or ref[len(_REF_PREFIX):] not in definitions:
            raise SystemExit(f"1.{minor}: $ref {ref!r} does not name a definition of the bundle")


def bundle(source: dict[str, Any], minor: int) -> bytes:
    """The bundle of one minor version: a header line, then one definition per line."""
    definitions = {name: minify(schema) for name, schema in source["$defs"].items()}
    check_refs(definitions, minor)
    header = {
        "kubernetesVersion": f"1.{minor}",
        "source": f"{PACKAGE} {PACKAGE_VERSION}, kubernetes-json-schema/v1.{minor}.0-local/_definitions.json",
        "kinds": kinds_index(definitions),
    }
    lines = [_json(header)] + [f"{name}\t{_json(definitions[name])}" for name in sorted(definitions)]
    return gzip.compress(("\n".join(lines) + "\n").encode("utf-8"), compresslevel=9, mtime=0)


def _json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def build(wheel: Path) -> dict[str, bytes]:
    """File name -> bytes of every bundle the wheel gives."""
    bundles: dict[str, bytes] = {}
    with zipfile.ZipFile(wheel) as archive:
        for member in sorted(archive.namelist()):
            match = _SOURCE.match(member)
            if match and int(match.group(1)) >= FIRST_MINOR:
                minor = int(match.group(1))
                bundles[f"v1.{minor}.json.gz"] = bundle(json.loads(archive.read(member)), minor)
    if not bundles:
        raise SystemExit(f"{wheel}: no kubernetes-json-schema/v1.*.0-local/_definitions.json inside")
    return bundles


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--wheel", type=Path, help=f"use this copy of {WHEEL} instead of downloading it")
    parser.add_argument("--check", action="store_true", help="compare with schemas/ instead of writing")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as scratch:
        wheel = args.wheel or fetch_wheel(Path(scratch))
        verify(wheel)
        bundles = build(wheel)
    existing = {path.name for path in SCHEMAS.glob("v1.*.json.gz")}
    if args.check:
        stale = sorted(name for name, data in bundles.items() if not (SCHEMAS / name).is_file()
                       or (SCHEMAS / name).read_bytes() != data)
        extra = sorted(existing - set(bundles))
        for name in stale + extra:
            print(f"schemas/{name} differs from what {WHEEL} gives", file=sys.stderr)
        return 1 if stale or extra else 0
    for name in existing - set(bundles):
        (SCHEMAS / name).unlink()
    for name, data in bundles.items():
        (SCHEMAS / name).write_bytes(data)
        print(f"schemas/{name}: {len(data):,} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
