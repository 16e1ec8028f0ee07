"""``kubelint schemas``: the bundled Kubernetes versions and the kinds each serves."""

from __future__ import annotations

import json

from kubelint.schema.bundle import bundled_versions, load_bundle, newest_version
from kubelint.schema.deprecations import lifecycle

FORMATS = ("text", "json")


def served_kinds(version: str) -> dict[str, list[str]]:
    """apiVersion -> the kinds a manifest can hold (``*List`` kinds left out), sorted."""
    bundle = load_bundle(version)
    return {
        api_version: sorted(kind for kind in kinds if not kind.endswith("List"))
        for api_version, kinds in sorted(bundle.kinds.items(), key=lambda item: (item[0].count("/"), item[0]))
    }


def _deprecated(api_version: str, kind: str, version: str) -> bool:
    entry = lifecycle(api_version, kind)
    return entry is not None and entry.deprecated_by(version)


def render_schemas(version: str, format: str) -> str:
    """The listing for ``version`` (a bundled ``major.minor``) as text or JSON."""
    kinds = served_kinds(version)
    if format == "json":
        document = {
            "versions": list(bundled_versions()),
            "default": newest_version(),
            "kubernetesVersion": version,
            "source": load_bundle(version).source,
            "kinds": kinds,
            "deprecated": sorted(f"{v}/{k}" for v, names in kinds.items() for k in names if _deprecated(v, k, version)),
        }
        return json.dumps(document, indent=2) + "\n"
    width = max(len(api_version) for api_version in kinds)
    lines = [
        f"Bundled Kubernetes versions: {', '.join(bundled_versions())} (default {newest_version()})",
        f"Source: {load_bundle(version).source}",
        "",
        f"Kinds served by Kubernetes {version} ({sum(len(names) for names in kinds.values())}; * deprecated):",
    ]
    for api_version, names in kinds.items():
        shown = ", ".join(f"{k}*" if _deprecated(api_version, k, version) else k for k in names)
        lines.append(f"  {api_version.ljust(width)}  {shown}")
    return "\n".join(lines) + "\n"
