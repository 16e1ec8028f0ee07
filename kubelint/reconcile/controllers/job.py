"""Job controller: run pods to completion, ``parallelism`` at a time (pkg/controller/job).

A Job starts ``min(parallelism, completions)`` pods (``parallelism`` for a
work queue without completions) and starts more as they succeed, so the plan
shows the first wave and says how many follow. Pods are named
``<job>-<5 characters>``; in Indexed mode ``<job>-<index>-<5 characters>``
with the hostname ``<job>-<index>``. They carry ``batch.kubernetes.io/job-name``.
A suspended Job starts nothing. Against a base, the pods a Job runs already
keep their names.
"""

from __future__ import annotations

from math import ceil
from typing import Iterator

from kubelint.reconcile.controllers.pods import TakenNames, new_pod, owned_pods
from kubelint.reconcile.loop import Patch, Put, Write
from kubelint.reconcile.names import generate_name
from kubelint.reconcile.world import ApiObject, World

JOB_NAME_LABEL = "batch.kubernetes.io/job-name"
INDEX_LABEL = "batch.kubernetes.io/job-completion-index"


def _note(job: ApiObject) -> str:
    spec = job.spec
    parallelism, completions = spec["parallelism"], spec.get("completions")
    if spec["suspend"]:
        return "suspended: starts no pod until spec.suspend is false"
    if completions is None:
        return f"work queue: {parallelism} pods at once until one succeeds"
    if parallelism == 0:
        return "parallelism 0: starts no pod"
    waves = ceil(completions / parallelism)
    if waves == 1:
        return f"{completions} completion{'s' if completions > 1 else ''}, all started at once"
    return f"{completions} completions, {parallelism} at a time: more pods start as these succeed ({waves} waves)"


def sync(world: World) -> Iterator[Write]:
    for job in world.objects_of("Job"):
        note = _note(job)
        if job.note != note:
            yield Patch(job, {"note": note})
        spec = job.spec
        if spec["suspend"]:
            continue
        completions = spec.get("completions")
        wanted = spec["parallelism"] if completions is None else min(spec["parallelism"], completions)
        owned = owned_pods(world, job, {"matchLabels": {JOB_NAME_LABEL: job.name}})
        if len(owned) >= wanted:
            continue
        template = spec["template"]
        labels = dict(template["metadata"].get("labels") or {}) | {JOB_NAME_LABEL: job.name, "job-name": job.name}
        indexed = spec["completionMode"] == "Indexed"
        taken = TakenNames(world, job.namespace or "default")
        kept = [name for name in world.pins.owned(job.namespace or "default", job.ref) if name not in taken]
        for index in range(len(owned), wanted):
            prefix = f"{job.name}-{index}-" if indexed else f"{job.name}-"
            reused = next((name for name in kept if name.startswith(prefix)), None)
            if reused is not None:
                kept.remove(reused)
            name = taken.take(reused or generate_name(prefix, taken, "Job", job.name, str(index)))
            pod_labels = labels | {INDEX_LABEL: str(index)} if indexed else labels
            hostname = f"{job.name}-{index}" if indexed else None
            yield Put(new_pod(world, job, name, pod_labels, template["spec"], hostname=hostname))
