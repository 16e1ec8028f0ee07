"""Workload controllers: names, counts, adoption, ordering, eligibility, schedules."""

from __future__ import annotations

import re
from datetime import datetime, timezone

from kubelint.reconcile.names import ALPHABET
from kubelint.reconcile.profile import default_profile

from conftest import deployment, profile_of, world_of

GENERATED = f"[{ALPHABET}]{{5}}"


def test_deployment_replicaset_and_pod_names() -> None:
    world = world_of(deployment("alpaca-prod", replicas=3))
    [replicaset] = world.objects_of("ReplicaSet")
    name = replicaset.name
    assert re.fullmatch(r"alpaca-prod-[4-9bcdf]{6,10}", name), name  # SafeEncodeString of a decimal uint32
    assert replicaset.owner == "Deployment/alpaca-prod"
    assert replicaset.spec["selector"]["matchLabels"]["pod-template-hash"] == name.rsplit("-", 1)[1]
    pods = sorted(world.pods)
    assert len(pods) == 3 and all(re.fullmatch(f"{name}-{GENERATED}", pod) for _, pod in pods)
    again = world_of(deployment("alpaca-prod", replicas=3))
    assert sorted(again.pods) == pods  # deterministic
    assert world.objects_of("Deployment")[0].spec["strategy"] == {
        "type": "RollingUpdate", "rollingUpdate": {"maxSurge": "25%", "maxUnavailable": "25%"}
    }


def test_replicas_default_to_one_and_a_paused_deployment_creates_nothing() -> None:
    text = deployment("web").replace("  replicas: 1\n", "")
    assert len(world_of(text).pods) == 1
    paused = world_of(text.replace("spec:\n  selector", "spec:\n  paused: true\n  selector", 1))
    assert not paused.pods and "paused" in (paused.objects_of("Deployment")[0].note or "")


BARE = """apiVersion: v1
kind: Pod
metadata:
  name: {name}
  labels: {{app: kuard}}
spec:
  containers: [{{name: kuard, image: kuard:1}}]
"""
REPLICASET = """apiVersion: apps/v1
kind: ReplicaSet
metadata: {{name: kuard}}
spec:
  replicas: {replicas}
  selector: {{matchLabels: {{app: kuard}}}}
  template:
    metadata: {{labels: {{app: kuard}}}}
    spec:
      containers: [{{name: kuard, image: kuard:2}}]
"""


def test_a_replicaset_adopts_orphans_and_deletes_the_extra_ones() -> None:
    text = "---\n".join([BARE.format(name="one"), BARE.format(name="two"), REPLICASET.format(replicas=1)])
    world = world_of(text)
    one, two = world.pods[("default", "one")], world.pods[("default", "two")]
    assert one.owner == two.owner == "ReplicaSet/kuard"
    assert one.deleted_by is None and two.deleted_by == "ReplicaSet/kuard"
    assert len(world.pods) == 2
    world = world_of("---\n".join([BARE.format(name="one"), REPLICASET.format(replicas=3)]))
    assert len(world.pods) == 3 and world.pods[("default", "one")].owner == "ReplicaSet/kuard"


def test_a_deployments_replicaset_does_not_adopt_bare_pods() -> None:
    world = world_of(BARE.format(name="manual") + "---\n" + deployment("kuard"))
    assert world.pods[("default", "manual")].owner is None  # the selector carries pod-template-hash


STATEFUL = """apiVersion: apps/v1
kind: StatefulSet
metadata: {{name: db}}
spec:
  serviceName: db
  replicas: 3
  podManagementPolicy: {policy}
  selector: {{matchLabels: {{app: db}}}}
  template:
    metadata: {{labels: {{app: db}}}}
    spec:
      containers:
      - name: db
        image: postgres:17
        resources: {{requests: {{cpu: "{cpu}"}}}}
"""


def test_ordered_ready_waits_for_each_pod_and_parallel_does_not() -> None:
    profile = profile_of("nodes:\n- name: n1\n  capacity: {cpu: '4', memory: 16Gi, pods: 110}\n")
    ordered = world_of(STATEFUL.format(policy="OrderedReady", cpu="1500m"), profile)
    assert sorted(name for _, name in ordered.pods) == ["db-0", "db-1", "db-2"]
    assert [ordered.pods[("default", f"db-{n}")].phase for n in range(3)] == ["Running", "Running", "Pending"]
    blocked = world_of(STATEFUL.format(policy="OrderedReady", cpu="3"), profile_of("nodes:\n- name: n1\n  capacity: {cpu: '1', memory: 16Gi, pods: 110}\n"))
    assert sorted(name for _, name in blocked.pods) == ["db-0"]
    assert "db-0 is not Running and Ready" in (blocked.objects_of("StatefulSet")[0].note or "")
    parallel = world_of(STATEFUL.format(policy="Parallel", cpu="3"), profile_of("nodes:\n- name: n1\n  capacity: {cpu: '1', memory: 16Gi, pods: 110}\n"))
    assert len(parallel.pods) == 3
    pod = ordered.pods[("default", "db-1")]
    assert (pod.hostname, pod.subdomain) == ("db-1", "db")
    assert pod.labels["statefulset.kubernetes.io/pod-name"] == "db-1" and pod.labels["apps.kubernetes.io/pod-index"] == "1"


def test_daemonsets_follow_node_selectors_and_taints() -> None:
    profile = profile_of(
        "nodes:\n- name: cp\n  labels: {node-role.kubernetes.io/control-plane: ''}\n"
        "  taints: [{key: node-role.kubernetes.io/control-plane, effect: NoSchedule}]\n  capacity: {cpu: '4', memory: 8Gi, pods: 110}\n"
        "- name: ssd\n  labels: {disk: ssd}\n  capacity: {cpu: '4', memory: 8Gi, pods: 110}\n"
        "- name: hdd\n  capacity: {cpu: '4', memory: 8Gi, pods: 110}\n"
    )
    daemon = """apiVersion: apps/v1
kind: DaemonSet
metadata: {name: agent}
spec:
  selector: {matchLabels: {app: agent}}
  template:
    metadata: {labels: {app: agent}}
    spec:
      containers: [{name: agent, image: agent:1}]
"""
    world = world_of(daemon, profile)
    assert sorted(p.node for p in world.pods.values()) == ["hdd", "ssd"]  # type: ignore[type-var]
    assert all(re.fullmatch(f"agent-{GENERATED}", p.name) for p in world.pods.values())
    selective = world_of(daemon.replace("    spec:\n", "    spec:\n      nodeSelector: {disk: ssd}\n"), profile)
    assert [p.node for p in selective.pods.values()] == ["ssd"]


JOB = """apiVersion: batch/v1
kind: Job
metadata: {{name: work}}
spec:
  {counts}
  template:
    spec:
      restartPolicy: Never
      containers: [{{name: w, image: worker:1}}]
"""


def test_jobs_start_parallelism_pods_at_most_completions() -> None:
    assert len(world_of(JOB.format(counts="completions: 5\n  parallelism: 2")).pods) == 2
    assert len(world_of(JOB.format(counts="completions: 2\n  parallelism: 4")).pods) == 2
    assert len(world_of(JOB.format(counts="parallelism: 3")).pods) == 3  # a work queue
    assert len(world_of(JOB.format(counts="suspend: true")).pods) == 0
    indexed = world_of(JOB.format(counts="completions: 2\n  parallelism: 2\n  completionMode: Indexed"))
    assert sorted((p.name.rsplit("-", 1)[0], p.hostname) for p in indexed.pods.values()) == [("work-0", "work-0"), ("work-1", "work-1")]
    refused = world_of(JOB.format(counts="completions: 1").replace("restartPolicy: Never", "restartPolicy: Always"))
    assert not refused.pods and [rule for rule, _ in refused.problems] == ["plan-object-skipped"]


CRON = """apiVersion: batch/v1
kind: CronJob
metadata: {{name: report}}
spec:
  schedule: "{schedule}"
  {zone}
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: OnFailure
          containers: [{{name: r, image: reporter:1}}]
"""


def test_cronjobs_create_nothing_and_say_when_they_first_run() -> None:
    from dataclasses import replace

    text = CRON.format(schedule="30 2 * * 1", zone="timeZone: Europe/Paris")
    undated = world_of(text)
    assert not undated.pods and not undated.objects_of("Job")
    assert undated.objects_of("CronJob")[0].note == 'creates no Job yet; the first one at the next 02:30 Europe/Paris matching "30 2 * * 1"'
    now = datetime(2025, 6, 1, 8, 0, tzinfo=timezone.utc)  # a Sunday
    dated = world_of(text, replace(default_profile(), now=now))
    note = dated.objects_of("CronJob")[0].note or ""
    assert "2025-06-02T02:30:00+02:00" in note and "report-29147070" in note and "(16h30m after now)" in note
    broken = world_of(CRON.format(schedule="0 0 * * * *", zone=""))
    [(rule, problem)] = broken.problems
    assert rule == "plan-object-skipped" and "expected exactly 5 fields" in problem.message and problem.path == ("spec", "schedule")


def test_a_pod_with_a_controller_is_no_orphan() -> None:
    owned = BARE.format(name="taken").replace("spec:", "  ownerReferences: [{apiVersion: apps/v1, kind: ReplicaSet, name: other, controller: true, uid: x}]\nspec:", 1)
    world = world_of(owned + "---\n" + REPLICASET.format(replicas=1))
    assert world.pods[("default", "taken")].owner == "ReplicaSet/other"
    assert len(world.pods) == 2
