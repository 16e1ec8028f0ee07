"""Rollouts replayed as the controllers run them (kubelint/plan/rollout.py).

The RollingUpdate sequences are worked out by hand from
pkg/controller/deployment/rolling.go (NewRSNewReplicas, reconcileOldReplicaSets,
scaleDownOldReplicaSetsForRollingUpdate) and checked step by step; the other
cases are planned from small manifests against a base.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from kubelint.pipeline import Options
from kubelint.plan import BaseSpec, run_plan
from kubelint.plan.rollout import Rollout, _RollingReplay, _Set, scaled
from kubelint.reconcile import default_profile

DEPLOYMENT = """apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: {replicas}
  strategy: {strategy}
  selector:
    matchLabels: {{app: web}}
  template:
    metadata:
      labels: {{app: web}}
    spec:
      containers:
      - name: web
        image: nginx:{tag}
        resources:
          requests: {{cpu: {cpu}}}
"""


def _deployment(replicas: int = 3, tag: str = "1.26", strategy: str = "{}", cpu: str = "100m") -> str:
    return DEPLOYMENT.format(replicas=replicas, tag=tag, strategy=strategy, cpu=cpu)


def _rollouts(tmp_path: Path, base: str, new: str, version: str | None = None) -> dict[tuple[str, str, str], Rollout]:
    (tmp_path / "base.yaml").write_text(base)
    (tmp_path / "new.yaml").write_text(new)
    report = run_plan(
        [str(tmp_path / "new.yaml")],
        default_profile(),
        Options(kubernetes_version=version),
        base=BaseSpec("base", str(tmp_path / "base.yaml")),
    )
    return report.plan.rollouts


def _replay(replicas: int, surge: int, unavailable: int, old: int) -> tuple[str, ...]:
    replay = _RollingReplay(replicas, surge, unavailable, _Set(0, 0), [_Set(old, old)], replicas)
    assert replay.run()
    return tuple(replay.steps)


def test_the_issue_s_example_three_replicas_at_25_percent() -> None:
    """maxSurge 25% of 3 rounds up to 1, maxUnavailable 25% of 3 down to 0: never fewer than 3 ready."""
    assert (scaled("25%", 3, True), scaled("25%", 3, False)) == (1, 0)
    assert _replay(3, 1, 0, 3) == (
        "new 1/3, old 3/3",
        "new 1/3, old 2/3",
        "new 2/3, old 2/3",
        "new 2/3, old 1/3",
        "new 3/3, old 1/3",
        "new 3/3, old 0/3",
    )


def test_ten_replicas_surge_3_unavailable_2() -> None:
    """The example of rolling.go's comment: 10 replicas, maxUnavailable 2, maxSurge 3 (at most 13 pods, at least 8 available)."""
    assert _replay(10, 3, 2, 10) == (
        "new 3/10, old 10/10",  # 13 pods: as many as the surge allows
        "new 3/10, old 8/10",  # 10 available, 8 must stay: 2 old ones go while the new ones start
        "new 5/10, old 8/10",  # room for 2 more
        "new 5/10, old 3/10",  # the 5 new ones are available: 13 available, 5 old ones can go
        "new 10/10, old 3/10",
        "new 10/10, old 0/10",
    )


def test_all_unavailable_allowed_goes_down_before_up() -> None:
    assert _replay(2, 0, 2, 2) == ("new 0/2, old 0/2", "new 2/2, old 0/2")


def test_scaled_values() -> None:
    assert [scaled(v, 10, True) for v in (3, "25%", "0%", "100%", "x%", True)] == [3, 3, 0, 10, 0, 0]
    assert [scaled(v, 10, False) for v in ("25%", "99%")] == [2, 9]


def test_fenceposts_both_zero_gives_one_unavailable(tmp_path: Path) -> None:
    """ResolveFenceposts: 25% of 1 rounds to 0 both ways, and maxUnavailable becomes 1."""
    strategy = "{type: RollingUpdate, rollingUpdate: {maxSurge: 0, maxUnavailable: 25%}}"
    rollout = _rollouts(tmp_path, _deployment(1, strategy=strategy), _deployment(1, "1.27", strategy))[
        ("Deployment", "default", "web")
    ]
    assert rollout.summary == "RollingUpdate, maxSurge 0, maxUnavailable 1 (of 1 replicas)"
    assert rollout.steps == ("new 0/1, old 0/1", "new 1/1, old 0/1")
    assert rollout.min_ready == 0 and not any(
        "no ready endpoints" in note for note in rollout.notes
    )  # no Service in front


def test_replicas_changing_with_the_template_is_a_scaling_event_first(tmp_path: Path) -> None:
    rollout = _rollouts(tmp_path, _deployment(2), _deployment(4, "1.27"))[("Deployment", "default", "web")]
    assert rollout.steps[0] == "new 0/4, old 4/4 (scaling event)"
    assert rollout.steps[-1] == "new 4/4, old 0/4"


def test_new_pods_that_cannot_run_stall_the_rollout(tmp_path: Path) -> None:
    rollout = _rollouts(tmp_path, _deployment(3), _deployment(3, "1.27", cpu="64"))[("Deployment", "default", "web")]
    assert rollout.steps == ("new 1/3, old 3/3",)
    assert any("the rollout stalls at new 1/3, old 3/3" in note for note in rollout.notes)


def test_rolling_back_reuses_the_old_replicaset_with_the_next_revision(tmp_path: Path) -> None:
    """A -> B -> A: the ReplicaSet of A comes back (not a new one), numbered revision 3."""
    (tmp_path / "a.yaml").write_text(_deployment(3))
    (tmp_path / "b.yaml").write_text(_deployment(3, "1.27"))
    from typer.testing import CliRunner

    from kubelint.cli import app

    state = tmp_path / "b.json"
    assert (
        CliRunner()
        .invoke(app, ["plan", str(tmp_path / "b.yaml"), "--base", str(tmp_path / "a.yaml"), "--save-state", str(state)])
        .exit_code
        == 0
    )
    report = run_plan([str(tmp_path / "a.yaml")], default_profile(), base=BaseSpec("state", str(state)))
    replicasets = {
        r.name: (r.spec["replicas"], r.data["metadata"]["annotations"]["deployment.kubernetes.io/revision"])
        for r in report.plan.world.objects_of("ReplicaSet")
    }
    changes = {e.item["name"]: e.change for e in report.plan.objects if e.item["kind"] == "ReplicaSet"}
    assert sorted(replicasets.values()) == [(0, "2"), (3, "3")]
    assert set(changes.values()) == {"update"}  # both existed: one scaled up again, one scaled down


STATEFULSET = """apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: db
spec:
  serviceName: db
  replicas: {replicas}
  podManagementPolicy: {policy}
  updateStrategy: {strategy}
  selector:
    matchLabels: {{app: db}}
  template:
    metadata:
      labels: {{app: db}}
    spec:
      containers:
      - name: db
        image: postgres:{tag}
---
apiVersion: v1
kind: Service
metadata:
  name: db
spec:
  clusterIP: None
  selector: {{app: db}}
  ports:
  - port: 5432
"""


def _statefulset(replicas: int = 4, tag: str = "16.3", strategy: str = "{}", policy: str = "OrderedReady") -> str:
    return STATEFULSET.format(replicas=replicas, tag=tag, strategy=strategy, policy=policy)


@pytest.mark.parametrize(
    ("version", "steps"), [("1.34", ("db-3", "db-2", "db-1", "db-0")), ("1.35", ("db-3, db-2", "db-1, db-0"))]
)
def test_statefulset_max_unavailable_counts_from_1_35(tmp_path: Path, version: str, steps: tuple[str, ...]) -> None:
    """MaxUnavailableStatefulSet is on by default from 1.35; before, one pod at a time."""
    strategy = "{type: RollingUpdate, rollingUpdate: {maxUnavailable: 2}}"
    rollout = _rollouts(tmp_path, _statefulset(strategy=strategy), _statefulset(tag="16.4", strategy=strategy), version)
    assert rollout[("StatefulSet", "default", "db")].steps == steps


def test_statefulset_on_delete_keeps_every_pod_as_it_is(tmp_path: Path) -> None:
    rollouts = _rollouts(
        tmp_path, _statefulset(strategy="{type: OnDelete}"), _statefulset(tag="16.4", strategy="{type: OnDelete}")
    )
    rollout = rollouts[("StatefulSet", "default", "db")]
    assert rollout.steps == () and rollout.notes == (
        "db-0, db-1, db-2, db-3 keep the old template (OnDelete: they are updated only when you delete them)",
    )


def test_statefulset_scaling_follows_the_pod_management_policy(tmp_path: Path) -> None:
    up = _rollouts(tmp_path, _statefulset(2), _statefulset(4))[("StatefulSet", "default", "db")]
    assert up.notes == ("creates db-2, db-3 one at a time, each Running and Ready before the next",)
    down = _rollouts(tmp_path, _statefulset(4, policy="Parallel"), _statefulset(2, policy="Parallel"))[
        ("StatefulSet", "default", "db")
    ]
    assert down.notes == ("deletes db-3, db-2, highest ordinal first, all at once",)


DAEMONSET = """apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: agent
spec:
  updateStrategy: {strategy}
  selector:
    matchLabels: {{app: agent}}
  template:
    metadata:
      labels: {{app: agent}}
    spec:
      containers:
      - name: agent
        image: agent:{tag}
"""


def test_daemonset_surge_starts_the_new_pod_beside_the_old_one(tmp_path: Path) -> None:
    strategy = "{type: RollingUpdate, rollingUpdate: {maxSurge: 2, maxUnavailable: 0}}"
    rollout = _rollouts(
        tmp_path, DAEMONSET.format(strategy=strategy, tag="1"), DAEMONSET.format(strategy=strategy, tag="2")
    )
    found = rollout[("DaemonSet", "default", "agent")]
    assert found.steps == ("worker-1, worker-2", "worker-3")
    assert (found.min_ready, found.max_pods) == (3, 5)


def test_daemonset_on_delete_keeps_the_old_pods(tmp_path: Path) -> None:
    strategy = "{type: OnDelete}"
    rollout = _rollouts(
        tmp_path, DAEMONSET.format(strategy=strategy, tag="1"), DAEMONSET.format(strategy=strategy, tag="2")
    )
    assert rollout[("DaemonSet", "default", "agent")].strategy == "OnDelete"
