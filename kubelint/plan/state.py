"""``--save-state FILE`` and ``--state FILE``: a planned cluster, kept to plan the next change against.

A state holds what a world is made of rather than the world itself: the
objects as they were applied (their data as given, with the file, document
and line they came from) and every value the cluster chose that the
reconciler cannot derive again (the pins: cluster IPs, node ports,
load-balancer addresses, each pod's node, address and the template it runs,
each Deployment's ReplicaSets, each StatefulSet's and DaemonSet's
ControllerRevisions, and which of those values kubelint chose). Planning against a state reconciles those
objects with those pins, which gives back the saved world: a plan against a
saved state is, byte for byte, the plan against the base it was saved from.

The file is JSON (schema: state.schema.json beside this module) with keys
and lists sorted, so the same world always saves to the same bytes. Pod
templates are stored once and referred to by key. Like terraform's state,
it holds the objects' data, Secrets included: keep it where they may be.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

from kubelint import __version__
from kubelint.loader.datafile import DataFileError, check_schema, read_mapping
from kubelint.loader.sourcemap import SourceMap
from kubelint.model import Resource
from kubelint.plan.bases import Base, BaseError
from kubelint.reconcile.pins import PinnedPod, PinnedReplicaSet, Pins
from kubelint.reconcile.world import World

FORMAT = "kubelint/state"
VERSION = 1
SCHEMA_FILE = Path(__file__).resolve().parent / "state.schema.json"


def _object(resource: Resource) -> dict[str, Any]:
    line, column = resource.locate()
    return {
        "file": resource.file,
        "document": resource.doc_index,
        "path": list(resource.base_path),
        "line": line,
        "column": column,
        "object": resource.data,
    }


def _services(pins: Pins) -> list[dict[str, Any]]:
    keys = sorted(set(pins.cluster_ips) | set(pins.load_balancers) | {key[:2] for key in pins.node_ports})
    out = []
    for namespace, name in keys:
        entry: dict[str, Any] = {"namespace": namespace, "name": name}
        if (namespace, name) in pins.cluster_ips:
            entry["clusterIP"] = pins.cluster_ips[(namespace, name)]
        ports = [
            {"port": port, "protocol": protocol, "nodePort": node_port}
            for (ns, svc, port, protocol), node_port in sorted(pins.node_ports.items())
            if (ns, svc) == (namespace, name)
        ]
        if ports:
            entry["nodePorts"] = ports
        if (namespace, name) in pins.load_balancers:
            entry["loadBalancer"] = list(pins.load_balancers[(namespace, name)])
        out.append(entry)
    return out


def state_document(resources: list[Resource], world: World) -> dict[str, Any]:
    """The state of ``world``, made by applying ``resources``."""
    pins = Pins.of(world)
    templates: dict[str, dict[str, Any]] = {}
    keys: dict[str, str] = {}
    by_identity: dict[tuple[int, int], str] = {}
    pods = []
    for (namespace, name), pod in sorted(pins.pods.items()):
        identity = (id(pod.labels), id(pod.spec))
        if identity not in by_identity:
            text = json.dumps({"labels": pod.labels, "spec": pod.spec}, sort_keys=True, default=str)
            if text not in keys:
                keys[text] = f"t{len(keys)}"
                templates[keys[text]] = {"labels": pod.labels, "spec": pod.spec}
            by_identity[identity] = keys[text]
        pods.append(
            {
                "namespace": namespace,
                "name": name,
                "owner": pod.owner,
                "workload": pod.workload,
                "node": pod.node,
                "ip": pod.ip,
                "template": by_identity[identity],
                "simulated": pod.chosen,
            }
        )
    replicasets = [
        {
            "namespace": namespace,
            "deployment": deployment,
            "simulatedName": replicaset.simulated_name,
            "object": replicaset.data,
        }
        for (namespace, deployment), found in sorted(pins.replica_sets.items())
        for replicaset in sorted(found, key=lambda r: r.name)
    ]
    ordered = sorted(resources, key=lambda r: (r.file, r.doc_index, [str(part) for part in r.base_path]))
    return {
        "format": FORMAT,
        "version": VERSION,
        "kubelint": __version__,
        "kubernetesVersion": world.kubernetes_version,
        "cluster": world.profile.name,
        "objects": [_object(resource) for resource in ordered],
        "services": _services(pins),
        "pods": pods,
        "templates": templates,
        "replicaSets": replicasets,
        "revisions": [
            {"namespace": namespace, "owner": owner, "object": revision}
            for (namespace, owner), found in sorted(pins.revisions.items())
            for revision in sorted(found, key=lambda r: r["metadata"]["name"])
        ],
        "simulated": sorted([list(entry) for entry in pins.chosen], key=str),
    }


def save_state(path: str, resources: list[Resource], world: World) -> None:
    """Write the state of ``world`` to ``path`` (whole or not at all)."""
    text = (
        json.dumps(state_document(resources, world), indent=1, sort_keys=True, ensure_ascii=False, default=str) + "\n"
    )
    target = Path(path)
    partial = target.with_name(f".{target.name}.partial")
    try:
        partial.write_text(text, encoding="utf-8")
        partial.replace(target)
    except OSError as error:
        raise BaseError(f"--save-state {path}: cannot write: {error.strerror or error}") from None


@lru_cache(maxsize=1)
def _validator() -> Any:
    import jsonschema_rs

    return jsonschema_rs.validator_for(json.loads(SCHEMA_FILE.read_text(encoding="utf-8")))


def _pins(data: dict[str, Any]) -> Pins:
    pins = Pins()
    for service in data["services"]:
        key = (service["namespace"], service["name"])
        if "clusterIP" in service:
            pins.cluster_ips[key] = service["clusterIP"]
        for port in service.get("nodePorts", []):
            pins.node_ports[(*key, port["port"], port["protocol"])] = port["nodePort"]
        if "loadBalancer" in service:
            pins.load_balancers[key] = tuple(service["loadBalancer"])
    templates = data["templates"]
    for pod in data["pods"]:
        template = templates.get(pod["template"])
        if template is None:
            raise BaseError(
                f"pod {pod['namespace']}/{pod['name']} refers to template {pod['template']!r}, which the state lacks"
            )
        pins.pods[(pod["namespace"], pod["name"])] = PinnedPod(
            pod["owner"],
            pod["workload"],
            pod["node"],
            pod["ip"],
            template["labels"],
            template["spec"],
            pod["simulated"],
        )
    history: dict[tuple[str, str], list[PinnedReplicaSet]] = {}
    for replicaset in data["replicaSets"]:
        history.setdefault((replicaset["namespace"], replicaset["deployment"]), []).append(
            PinnedReplicaSet(replicaset["object"], replicaset["simulatedName"])
        )
    pins.replica_sets = {key: tuple(found) for key, found in history.items()}
    revisions: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for revision in data["revisions"]:
        revisions.setdefault((revision["namespace"], revision["owner"]), []).append(revision["object"])
    pins.revisions = {key: tuple(found) for key, found in revisions.items()}
    pins.chosen = {tuple(entry) for entry in data["simulated"]}
    return pins


def load_state(path: str) -> Base:
    """``--state FILE``: the saved objects, and the pins that make them the saved world again."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise BaseError(f"--state {path}: cannot read: {getattr(error, 'strerror', None) or error}") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise BaseError(
            f"--state {path}:{error.lineno}:{error.colno}: not JSON ({error.msg}): "
            "is this a file written by kubelint plan --save-state?"
        ) from None
    if not isinstance(data, dict) or next(iter(_validator().iter_errors(data)), None) is not None:
        try:  # the slow reader, for the line and column of the first mistake
            check_schema(read_mapping(text, path, "a kubelint state"), _validator(), path)
        except DataFileError as error:
            raise BaseError(f"--state {error}: is this a file written by kubelint plan --save-state?") from None
        raise BaseError(f"--state {path}: not a kubelint state")
    resources = [
        Resource(
            entry["object"],
            entry["file"],
            entry["document"],
            SourceMap(doc_line=entry["line"], doc_column=entry["column"]),
            tuple(entry["path"]),
        )
        for entry in data["objects"]
    ]
    try:
        pins = _pins(data)
    except BaseError as error:
        raise BaseError(f"--state {path}: {error}") from None
    return Base(f"the state {path}", resources, pins)
