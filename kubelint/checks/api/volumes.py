"""Pod volumes and the mounts that use them (validation.go ValidateVolumes, ValidateVolumeMounts).

A StatefulSet's volumeClaimTemplates are volumes too: the controller adds
one per claim to each pod, so a mount may name a claim template.
"""

from __future__ import annotations

from typing import Any, Iterator

from kubelint.checks import Problem, RuleContext
from kubelint.checks.api import list_items, name_problem, quote, rename_hint
from kubelint.checks.api.podspec import pod_view
from kubelint.kube import get_path
from kubelint.model import Resource, Severity
from kubelint.validation import DNS1123_LABEL_MAX_LENGTH, dns1123_label_errors

# The volume source fields of core/v1 VolumeSource; exactly one may be set.
VOLUME_SOURCES = frozenset(
    {
        "awsElasticBlockStore",
        "azureDisk",
        "azureFile",
        "cephfs",
        "cinder",
        "configMap",
        "csi",
        "downwardAPI",
        "emptyDir",
        "ephemeral",
        "fc",
        "flexVolume",
        "flocker",
        "gcePersistentDisk",
        "gitRepo",
        "glusterfs",
        "hostPath",
        "image",
        "iscsi",
        "nfs",
        "persistentVolumeClaim",
        "photonPersistentDisk",
        "portworxVolume",
        "projected",
        "quobyte",
        "rbd",
        "scaleIO",
        "secret",
        "storageos",
        "vsphereVolume",
    }
)


def _claim_template_names(resource: Resource) -> set[str]:
    if resource.kind != "StatefulSet":
        return set()
    templates = get_path(resource.data, ("spec", "volumeClaimTemplates"))
    return {
        name
        for _, claim, _ in list_items(templates, ())
        if isinstance(name := get_path(claim, ("metadata", "name")), str)
    }


def _volume_names(spec: dict[str, Any]) -> set[str]:
    return {
        volume["name"] for _, volume, _ in list_items(spec.get("volumes"), ()) if isinstance(volume.get("name"), str)
    }


def volume_source(resource: Resource, ctx: RuleContext) -> Iterator[Problem]:
    """Volume names are unique DNS-1123 labels, and each volume has exactly one source."""
    view = pod_view(resource)
    if view is None:
        return
    seen: set[str] = set()
    for _, volume, path in list_items(view.spec.get("volumes"), view.path + ("volumes",)):
        name = volume.get("name")
        if name is None or name == "":
            yield Problem(path, 'a volume has no name (the API server: "name: Required value"); name it', key=True)
        elif isinstance(name, str):
            errors = dns1123_label_errors(name)
            if errors:
                yield Problem(
                    path + ("name",),
                    f'volume name "{name}" {name_problem(name, max_length=DNS1123_LABEL_MAX_LENGTH)}: volume names '
                    f"must be DNS-1123 labels {quote(errors)}; "
                    f"{rename_hint(name, max_length=DNS1123_LABEL_MAX_LENGTH)} (and its volumeMounts)",
                )
            elif name in seen:
                yield Problem(
                    path + ("name",),
                    f'two volumes are named "{name}" (the API server: "Duplicate value: \\"{name}\\""); rename one',
                )
            seen.add(name)
        sources = [key for key in volume if key in VOLUME_SOURCES and volume[key] is not None]
        if len(sources) > 1:
            yield Problem(
                path + (sources[1],),
                f'volume "{name}" has {len(sources)} sources ({", ".join(sources)}) (the API server: "may not specify '
                'more than 1 volume type"); split it into one volume per source, or use a projected volume',
                key=True,
            )
        elif not sources:
            unknown = [key for key in volume if key != "name"]
            yield Problem(
                path,
                f'volume "{name}" has no source'
                + (f" ({', '.join(unknown)} is not a volume source)" if unknown else "")
                + ": the API server makes it an emptyDir; write emptyDir: {} if that is meant, or add the source "
                "(configMap, secret, persistentVolumeClaim, ...)",
                severity=Severity.WARNING,
            )


def volume_mount(resource: Resource, ctx: RuleContext) -> Iterator[Problem]:
    """Each volumeMount names a volume of the pod and a mountPath used once per container."""
    view = pod_view(resource)
    if view is None:
        return
    declared = _volume_names(view.spec) | _claim_template_names(resource)
    for container in view.containers:
        paths: set[str] = set()
        for _, mount, path in list_items(container.data.get("volumeMounts"), container.path + ("volumeMounts",)):
            name, mount_path = mount.get("name"), mount.get("mountPath")
            if isinstance(name, str) and name and name not in declared:
                known = ", ".join(f'"{volume}"' for volume in sorted(declared)) or "none"
                yield Problem(
                    path + ("name",),
                    f'{container.label} mounts volume "{name}", which the pod does not declare (the API server: '
                    f'"Not found: \\"{name}\\""); declared volumes: {known}; add it under spec.volumes or fix the name',
                )
            elif name is None or name == "":
                yield Problem(
                    path,
                    f'a volumeMount of {container.label} has no name (the API server: "name: Required '
                    'value"); name the volume to mount',
                    key=True,
                )
            if mount_path is None or mount_path == "":
                yield Problem(
                    path,
                    f'volumeMount "{name}" of {container.label} has no mountPath (the API server: "mountPath: Required '
                    'value"); add the directory to mount it at',
                    key=True,
                )
            elif isinstance(mount_path, str):
                if mount_path in paths:
                    yield Problem(
                        path + ("mountPath",),
                        f'{container.label} mounts two volumes at "{mount_path}" (the API server: "must be unique"); '
                        "use another mountPath, or subPath",
                    )
                paths.add(mount_path)
