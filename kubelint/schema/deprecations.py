"""Which APIs are deprecated or gone, from schemas/deprecations.yaml, and what to say about them.

The table is data (see its header for the fields and sources); this module
reads it once and answers two questions for an apiVersion and kind at a
Kubernetes version: is it still served, and if it is deprecated or gone,
what replaces it and what changes on the way.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import yaml

from kubelint.datafiles import data_dir
from kubelint.schema.bundle import version_key

TABLE_FILE = "deprecations.yaml"


@dataclass(frozen=True, slots=True)
class Replacement:
    api_version: str
    kind: str | None
    """None: the same kind."""
    since: str


@dataclass(frozen=True, slots=True)
class Lifecycle:
    """One apiVersion and kind: when it was deprecated and removed, and what replaces it."""

    api_version: str
    kind: str
    deprecated: str | None
    removed: str | None
    replacements: tuple[Replacement, ...]
    notes: str | None
    source: str

    def removed_by(self, version: str) -> bool:
        return self.removed is not None and version_key(self.removed) <= version_key(version)

    def deprecated_by(self, version: str) -> bool:
        return self.deprecated is not None and version_key(self.deprecated) <= version_key(version)

    def replacement_at(self, version: str) -> str | None:
        """``networking.k8s.io/v1 Ingress (served since 1.19)``: the best replacement ``version`` serves."""
        if not self.replacements:
            return None
        served = [r for r in self.replacements if version_key(r.since) <= version_key(version)]
        best = (served or list(self.replacements))[0]
        return f"{best.api_version} {best.kind or self.kind} (served since {best.since})"

    def advice(self, version: str) -> str:
        """``; use X (served since 1.19): notes`` for the end of a message."""
        replacement = self.replacement_at(version)
        text = f"; use {replacement}" if replacement else ""
        if self.notes:
            text += f"{':' if replacement else ';'} {self.notes}"
        return text


@lru_cache(maxsize=1)
def lifecycle_table() -> dict[tuple[str, str], Lifecycle]:
    """(apiVersion, kind) -> Lifecycle, for every kind the table names."""
    document = yaml.load((data_dir("schemas") / TABLE_FILE).read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
    table: dict[tuple[str, str], Lifecycle] = {}
    for entry in document["apis"]:
        replacements = tuple(
            Replacement(r["apiVersion"], r.get("kind"), r["since"]) for r in entry.get("replacements", ())
        )
        for kind in entry["kinds"]:
            table[(entry["apiVersion"], kind)] = Lifecycle(
                api_version=entry["apiVersion"],
                kind=kind,
                deprecated=entry.get("deprecated"),
                removed=entry.get("removed"),
                replacements=replacements,
                notes=entry.get("notes"),
                source=entry["source"],
            )
    return table


def lifecycle(api_version: str, kind: str) -> Lifecycle | None:
    """The table's entry for an apiVersion and kind (a ``*List`` kind shares its item kind's)."""
    table = lifecycle_table()
    found = table.get((api_version, kind))
    if found is None and kind.endswith("List"):
        found = table.get((api_version, kind[: -len("List")]))
    return found


def removed_kind(kind: str, version: str) -> Lifecycle | None:
    """The table's latest removal of ``kind`` by ``version``, if any (a PodSecurityPolicy
    written with a current apiVersion is still the removed kind)."""
    gone = [entry for (_, k), entry in lifecycle_table().items() if k == kind and entry.removed_by(version)]
    return max(gone, key=lambda entry: version_key(entry.removed or "0.0"), default=None)


def removed_message(entry: Lifecycle, api_version: str, kind: str, version: str) -> str:
    """``extensions/v1beta1 Ingress was removed in Kubernetes 1.22; use networking.k8s.io/v1 Ingress ...``."""
    return f"{api_version} {kind} was removed in Kubernetes {entry.removed}{entry.advice(version)}"


def upgrade_message(entry: Lifecycle, api_version: str, kind: str, version: str, target: str) -> str:
    """Served by ``version`` but not by the ``--target-version``."""
    return (
        f"{api_version} {kind} is served by Kubernetes {version} but was removed in {entry.removed}, "
        f"so it fails on the target version {target}{entry.advice(target)}"
    )


def deprecated_message(entry: Lifecycle, api_version: str, kind: str, version: str) -> str:
    """``autoscaling/v2beta2 HorizontalPodAutoscaler is deprecated since Kubernetes 1.23 ...``."""
    removal = f" and will be removed in {entry.removed}" if entry.removed else ""
    return f"{api_version} {kind} is deprecated since Kubernetes {entry.deprecated}{removal}{entry.advice(version)}"
