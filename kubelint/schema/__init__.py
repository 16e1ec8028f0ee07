"""Schema validation: bundled Kubernetes schemas per version, CRDs, CEL, deprecated and removed APIs.

One module a job: ``bundle`` (the bundled versions and their definitions),
``standalone`` (a kind's schema as the API server reads it), ``validators``
(compiled once, cached), ``messages`` (errors said for people), ``crds`` and
``cel`` (custom resources), ``schemadir`` (``--schema-dir``),
``deprecations`` (the removal table) and ``stage`` (the order of it all in a
run, :class:`kubelint.schema.stage.SchemaStage`).

Only the version helpers are imported here: ``kubelint --help`` and the
pipeline's default version must not pay for the validator machinery.
"""

from __future__ import annotations

from kubelint.schema.bundle import (
    UnknownVersionError,
    bundled_versions,
    newest_version,
    normalize_version,
    resolve_version,
)

__all__ = ["UnknownVersionError", "bundled_versions", "newest_version", "normalize_version", "resolve_version"]
