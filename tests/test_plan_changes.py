"""Plans against a base: updates, rollouts, replacements and deletions.

Each scenario of fixtures/plan/changes/ is a pair of manifests, ``base.yaml``
(what runs) and ``new.yaml`` (the change); the plan of the new one against
the base is snapshotted in text, JSON and Markdown. The snapshots were read
line by line when they were taken. The other tests check the bases one by
one (a git revision, a live cluster, a saved state), the exit codes, and the
rollouts' and replacements' facts that the snapshots show.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from test_plan import _validator
from typer.testing import CliRunner

from kubelint.cli import app
from kubelint.plan import BaseSpec, render, run_plan
from kubelint.reconcile import default_profile

ROOT = Path(__file__).resolve().parent.parent
CHANGES = ROOT / "fixtures" / "plan" / "changes"
LIVE = "fixtures/plan/live"
SCENARIOS = sorted(path.name for path in CHANGES.iterdir() if path.is_dir())

runner = CliRunner()


@pytest.fixture(autouse=True)
def at_root(monkeypatch: pytest.MonkeyPatch) -> None:
    """Plans name files as given: relative to the repository, as in the snapshots."""
    monkeypatch.chdir(ROOT)


def _plan(scenario: str):  # type: ignore[no-untyped-def]
    folder = f"fixtures/plan/changes/{scenario}"
    return run_plan([f"{folder}/new.yaml"], default_profile(), base=BaseSpec("base", f"{folder}/base.yaml"))


def test_every_scenario_named_in_the_issue_is_there() -> None:
    assert set(SCENARIOS) >= {
        "rolling-update",
        "recreate",
        "scale",
        "service-selector",
        "port-rename",
        "ingress-paths",
        "statefulset-partition",
        "selector-change",
        "delete-app",
    }


@pytest.mark.parametrize("scenario", SCENARIOS)
@pytest.mark.parametrize("format", ["text", "json", "markdown"])
def test_change_snapshot(scenario: str, format: str, snapshot) -> None:  # type: ignore[no-untyped-def]
    assert render(_plan(scenario), format) == snapshot


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_json_follows_the_contract(scenario: str) -> None:
    _validator().validate(json.loads(render(_plan(scenario), "json")))


def _changes(report) -> dict[tuple[str, str], str]:  # type: ignore[no-untyped-def]
    return {(e.item["kind"], e.item["name"]): e.change for e in report.plan.objects}


def test_rolling_update_of_four_replicas_at_25_percent() -> None:
    """maxSurge 25% of 4 rounds up to 1, maxUnavailable down to 1: one pod more, one less, at most."""
    report = _plan("rolling-update")
    [(key, rollout)] = report.plan.rollouts.items()
    assert key == ("Deployment", "default", "web")
    assert rollout.steps == (
        "new 1/4, old 4/4",
        "new 1/4, old 3/4",
        "new 2/4, old 3/4",
        "new 2/4, old 1/4",
        "new 4/4, old 1/4",
        "new 4/4, old 0/4",
    )
    assert (rollout.min_ready, rollout.max_pods) == (3, 5)
    pods = [e.change for e in report.plan.pods if e.item["owner"] == "Deployment/web"]
    assert sorted(pods) == ["create"] * 4 + ["delete"] * 4
    old = [e for e in report.plan.objects if e.item["kind"] == "ReplicaSet" and e.change == "update"]
    assert [(f.dotted, f.before, f.after) for e in old for f in e.fields if f.dotted == "spec.replicas"] == [
        ("spec.replicas", 4, 0)
    ]


def test_recreate_stops_every_old_pod_first_and_says_the_service_has_no_endpoints() -> None:
    rollout = _plan("recreate").plan.rollouts[("Deployment", "default", "web")]
    assert rollout.strategy == "Recreate" and rollout.min_ready == 0
    assert rollout.steps == ("new 0/3, old 0/3", "new 3/3, old 0/3")
    assert any(note.startswith("Service default/web has no ready endpoints") for note in rollout.notes)


def test_scaling_keeps_the_replicaset_and_its_pods() -> None:
    report = _plan("scale")
    changes = _changes(report)
    api = [name for (kind, name), change in changes.items() if kind == "ReplicaSet" and name.startswith("api-")]
    assert len(api) == 1 and changes[("ReplicaSet", api[0])] == "update"
    pods = {e.item["name"]: e.change for e in report.plan.pods}
    assert sorted(change for name, change in pods.items() if name.startswith("api-")) == [
        "create",
        "create",
        "none",
        "none",
    ]
    assert sorted(change for name, change in pods.items() if name.startswith("worker-")) == [
        "delete",
        "delete",
        "none",
        "none",
    ]
    assert {r.strategy for r in report.plan.rollouts.values()} == {"Scale"}


def test_a_selector_change_moves_the_endpoints() -> None:
    report = _plan("service-selector")
    [endpoints] = [e for e in report.plan.endpoints if e.item["service"] == "front"]
    assert endpoints.change == "update"
    assert {a["pod"].split("-")[0] for a in endpoints.before["addresses"]} == {"alpaca"}  # type: ignore[index]
    assert {a["pod"].split("-")[0] for a in endpoints.item["addresses"]} == {"bandicoot"}


def test_a_port_rename_replaces_the_srv_records() -> None:
    changed = {
        (e.change, e.item["name"].split(".")[0])
        for e in _plan("port-rename").plan.dns
        if e.item["type"] == "SRV" and e.change != "none"
    }
    assert changed == {("create", "_postgres"), ("delete", "_pg")}


def test_an_ingress_path_added_and_one_removed() -> None:
    routes = {e.item["path"]: e.change for e in _plan("ingress-paths").plan.routes}
    assert routes == {"/": "none", "/api": "create", "/legacy": "delete"}


def test_a_partitioned_statefulset_updates_from_the_highest_ordinal_down_to_the_partition() -> None:
    report = _plan("statefulset-partition")
    pods = {e.item["name"]: e.change for e in report.plan.pods}
    assert pods == {"kafka-0": "none", "kafka-1": "none", "kafka-2": "replace", "kafka-3": "replace"}
    rollout = report.plan.rollouts[("StatefulSet", "default", "kafka")]
    assert rollout.steps == ("kafka-3", "kafka-2")
    images = {p.name: p.spec["containers"][0]["image"] for p in report.plan.world.pods.values()}
    assert images == {
        "kafka-0": "apache/kafka:3.8.0",
        "kafka-1": "apache/kafka:3.8.0",
        "kafka-2": "apache/kafka:3.9.0",
        "kafka-3": "apache/kafka:3.9.0",
    }
    revisions = [e for e in report.plan.objects if e.item["kind"] == "ControllerRevision"]
    assert sorted(e.change for e in revisions) == [
        "create",
        "none",
    ]  # the old revision stays: kafka-0 and kafka-1 run it


def test_a_deployment_selector_change_is_a_replacement_and_an_error() -> None:
    report = _plan("selector-change")
    assert _changes(report)[("Deployment", "checkout")] == "replace"
    [finding] = [f for f in report.findings if f.rule == "plan-immutable-field"]
    assert finding.severity.label == "error" and finding.path == "spec.selector"
    assert (finding.file, finding.line) == ("fixtures/plan/changes/selector-change/new.yaml", 9)
    assert "kubectl apply fails" in finding.message and "deleted and created again" in finding.message
    text = render(report, "text")
    assert "-/+ Deployment default/checkout" in text and "# forces replacement" in text
    assert text.rstrip().endswith("Plan: 4 to create, 2 to change, 4 to destroy.")


def test_deleting_an_app_deletes_everything_derived_from_it() -> None:
    report = _plan("delete-app")
    blog = [e for e in report.plan.objects if "blog" in e.item["name"]]
    assert blog and {e.change for e in blog} == {"delete"}
    assert {e.change for e in report.plan.dns if "blog" in e.item["name"] + e.item["value"]} == {"delete"}
    assert [e.change for e in report.plan.routes] == ["delete"]
    assert "# Deployment default/blog will be destroyed (fixtures/plan/changes/delete-app/base.yaml:9)" in render(
        report, "text"
    )


def test_against_itself_nothing_changes() -> None:
    folder = "fixtures/plan/changes/rolling-update"
    report = run_plan([f"{folder}/new.yaml"], default_profile(), base=BaseSpec("base", f"{folder}/new.yaml"))
    assert not report.plan.has_changes and not report.plan.rollouts
    assert render(report, "text").rstrip().endswith("No changes: the cluster already matches the manifests.")


def _git(directory: Path, *arguments: str) -> None:
    subprocess.run(
        ["git", "-C", str(directory), "-c", "user.name=kubelint", "-c", "user.email=kubelint@example.com", *arguments],
        check=True,
        capture_output=True,
    )


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_base_ref_reads_the_previous_commit_with_git(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    repository = tmp_path / "repo"
    (repository / "deploy").mkdir(parents=True)
    _git(repository, "init", "-q")
    manifest = repository / "deploy" / "web.yaml"
    manifest.write_text((CHANGES / "rolling-update" / "base.yaml").read_text())
    (repository / "deploy" / "notes.txt").write_text("not a manifest\n")
    _git(repository, "add", ".")
    _git(repository, "commit", "-q", "-m", "nginx 1.26")
    manifest.write_text((CHANGES / "rolling-update" / "new.yaml").read_text())
    _git(repository, "commit", "-q", "-am", "nginx 1.27")
    monkeypatch.chdir(repository)
    result = runner.invoke(app, ["plan", "deploy", "--base-ref", "HEAD~1", "--no-color"])
    assert result.exit_code == 0, result.output
    assert "compared with HEAD~1" in result.output
    assert '~ spec.template.spec.containers[0].image: "nginx:1.26" -> "nginx:1.27"' in result.output
    assert result.output.rstrip().endswith("Plan: 5 to create, 4 to change, 4 to destroy.")
    # the same plan as against the old file on disk
    (tmp_path / "old.yaml").write_text((CHANGES / "rolling-update" / "base.yaml").read_text())
    on_disk = runner.invoke(app, ["plan", "deploy", "--base", str(tmp_path / "old.yaml"), "--format", "json"])
    from_git = runner.invoke(app, ["plan", "deploy", "--base-ref", "HEAD~1", "--format", "json"])
    assert {**json.loads(on_disk.output), "base": ""} == {**json.loads(from_git.output), "base": ""}
    assert runner.invoke(app, ["plan", "deploy", "--base-ref", "HEAD", "--detailed-exitcode"]).exit_code == 0
    unknown = runner.invoke(app, ["plan", "deploy", "--base-ref", "no-such-branch"])
    assert unknown.exit_code == 2 and "no such revision" in unknown.output


def test_base_ref_outside_a_git_repository_is_a_usage_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "web.yaml").write_text((CHANGES / "rolling-update" / "new.yaml").read_text())
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["plan", "web.yaml", "--base-ref", "HEAD"])
    assert result.exit_code == 2 and "is not inside a git repository" in result.output


def test_live_cluster_keeps_its_pods_names_and_addresses() -> None:
    """A kubectl get -o yaml List: the plan of its own manifests changes nothing, and its pods keep names and IPs."""
    same = run_plan([f"{LIVE}/web.yaml"], default_profile(), base=BaseSpec("live", f"{LIVE}/cluster.yaml"))
    assert not same.plan.has_changes, [
        (e.change, e.item["kind"], e.item["name"], e.changed) for e in same.plan.objects if e.change != "none"
    ]
    pods = {(p.name, p.node, p.ip) for p in same.plan.world.pods.values()}
    assert pods == {
        ("web-7c5ddbdf54-2xq7p", "kind-worker", "10.244.1.12"),
        ("web-7c5ddbdf54-h8k4n", "kind-worker2", "10.244.2.9"),
        ("web-7c5ddbdf54-vz9tm", "kind-worker", "10.244.1.13"),
    }
    assert same.plan.world.services[("default", "web")].cluster_ip == "10.96.184.21"
    assert [n.name for n in same.profile.nodes] == ["kind-worker", "kind-worker2"]
    document = json.loads(render(same, "json"))
    assert all(p["simulated"] == [] for p in document["pods"])


def test_live_cluster_rolls_its_real_replicaset(tmp_path: Path) -> None:
    changed = tmp_path / "web.yaml"
    changed.write_text((ROOT / LIVE / "web.yaml").read_text().replace("nginx:1.27.2", "nginx:1.27.3"))
    report = run_plan([str(changed)], default_profile(), base=BaseSpec("live", f"{LIVE}/cluster.yaml"))
    replicasets = {e.item["name"]: e.change for e in report.plan.objects if e.item["kind"] == "ReplicaSet"}
    assert replicasets["web-7c5ddbdf54"] == "update" and replicasets["web-6f9c8d7b4d"] == "none"
    assert min(name for name, change in replicasets.items() if change == "create").startswith("web-")
    deleted = {e.item["name"]: (e.item["ip"], e.item["simulated"]) for e in report.plan.pods if e.change == "delete"}
    assert deleted == {
        "web-7c5ddbdf54-2xq7p": ("10.244.1.12", []),
        "web-7c5ddbdf54-h8k4n": ("10.244.2.9", []),
        "web-7c5ddbdf54-vz9tm": ("10.244.1.13", []),
    }
    assert report.plan.rollouts[("Deployment", "default", "web")].steps[0] == "new 1/3, old 3/3"
    # the new revision is numbered after the live ones
    [new] = [r for r in report.plan.world.objects_of("ReplicaSet") if r.spec["replicas"] == 3]
    assert new.data["metadata"]["annotations"]["deployment.kubernetes.io/revision"] == "3"


def test_save_state_then_plan_against_it(tmp_path: Path) -> None:
    """A saved state plans as the base it was saved from, and saving it again gives the same bytes."""
    folder = "fixtures/plan/changes/statefulset-partition"
    first, second = tmp_path / "first.json", tmp_path / "second.json"
    assert runner.invoke(app, ["plan", f"{folder}/base.yaml", "--save-state", str(first)]).exit_code == 0
    assert (
        runner.invoke(
            app, ["plan", f"{folder}/base.yaml", "--state", str(first), "--save-state", str(second)]
        ).exit_code
        == 0
    )
    assert first.read_bytes() == second.read_bytes()
    state = json.loads(first.read_text())
    assert (state["format"], state["version"]) == ("kubelint/state", 1)
    against_state = json.loads(
        runner.invoke(app, ["plan", f"{folder}/new.yaml", "--state", str(first), "--format", "json"]).output
    )
    against_base = json.loads(
        runner.invoke(app, ["plan", f"{folder}/new.yaml", "--base", f"{folder}/base.yaml", "--format", "json"]).output
    )
    assert against_state.pop("base") == f"the state {first}"
    against_base.pop("base")
    assert against_state == against_base


def test_a_file_that_is_not_a_state_is_a_usage_error(tmp_path: Path) -> None:
    broken = tmp_path / "state.json"
    broken.write_text('{"format": "kubelint/state", "version": 7}\n')
    result = runner.invoke(app, ["plan", "fixtures/plan/kuard.yaml", "--state", str(broken)])
    assert result.exit_code == 2 and f"--state {broken}:1:" in result.output
    broken.write_text("{not json")
    assert runner.invoke(app, ["plan", "fixtures/plan/kuard.yaml", "--state", str(broken)]).exit_code == 2


def test_one_base_at_a_time() -> None:
    folder = "fixtures/plan/changes/scale"
    result = runner.invoke(
        app, ["plan", f"{folder}/new.yaml", "--base", f"{folder}/base.yaml", "--live", f"{LIVE}/cluster.yaml"]
    )
    assert result.exit_code == 2 and "one base at a time" in result.output
    missing = runner.invoke(app, ["plan", f"{folder}/new.yaml", "--base", "no-such-dir"])
    assert missing.exit_code == 2 and "no such file or directory" in missing.output


def test_detailed_exitcode_follows_terraform() -> None:
    """0 no changes, 2 changes, 1 errors (usage errors included); without the flag, today's codes."""
    folder = "fixtures/plan/changes"

    def code(*arguments: str) -> int:
        return runner.invoke(app, ["plan", *arguments]).exit_code

    assert code(f"{folder}/scale/new.yaml", "--base", f"{folder}/scale/new.yaml", "--detailed-exitcode") == 0
    assert code(f"{folder}/scale/new.yaml", "--base", f"{folder}/scale/base.yaml", "--detailed-exitcode") == 2
    assert (
        code(
            f"{folder}/selector-change/new.yaml", "--base", f"{folder}/selector-change/base.yaml", "--detailed-exitcode"
        )
        == 1
    )
    assert code("no-such-file.yaml", "--detailed-exitcode") == 1
    assert code(f"{folder}/scale/new.yaml", "--base", "no-such-dir", "--detailed-exitcode") == 1
    assert code(f"{folder}/scale/new.yaml", "--base", f"{folder}/scale/base.yaml") == 0
    assert code(f"{folder}/selector-change/new.yaml", "--base", f"{folder}/selector-change/base.yaml") == 1


def test_colour_marks_the_changes() -> None:
    colored = render(_plan("selector-change"), "text", color=True)
    assert "\x1b[1;31m-/+ " in colored  # bold red: the replacement
    assert "\x1b[32m+ " in colored and "\x1b[31m- " in colored


def test_the_readme_shows_a_real_plan_against_a_base() -> None:
    readme = (ROOT / "README.md").read_text()
    command = (
        "kubelint plan fixtures/plan/changes/rolling-update/new.yaml --base fixtures/plan/changes/rolling-update/base.yaml "
        "--show pods,services,endpoints"
    )
    shown = readme.split(f"$ {command}\n", 1)[1].split("```", 1)[0]
    result = runner.invoke(app, [*command.split()[1:], "--no-color"])
    assert result.exit_code == 0 and result.output == shown
