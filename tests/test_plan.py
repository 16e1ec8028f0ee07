"""``kubelint plan`` on the seeds' scenarios: snapshots of the text, JSON and Markdown plans.

Each scenario is a set of manifests from fixtures/seeds (as typed from the
notes) and fixtures/plan (scenarios the notes describe in prose, or the
notes' examples made valid). The snapshots were read line by line when they
were taken; a change in them is a change in what kubelint tells users.
"""

from __future__ import annotations

import json
import random
from dataclasses import replace
from pathlib import Path

import jsonschema
import pytest
from referencing import Registry, Resource as SchemaResource
from typer.testing import CliRunner

from kubelint.cli import app
from kubelint.plan import render, run_plan
from kubelint.reconcile import default_profile
from kubelint.reconcile.profile import parse_time

ROOT = Path(__file__).resolve().parent.parent
CONTRACTS = ROOT / "docs" / "contracts"
SEEDS = "fixtures/seeds"
PLANS = "fixtures/plan"
NOW = "2025-06-01T08:00:00Z"

SCENARIOS: dict[str, list[str]] = {
    "alpaca-bandicoot": [f"{SEEDS}/000-service-alpaca-prod.yaml", f"{SEEDS}/000-service-bandicoot-prod.yaml"],
    "ingress": [
        f"{SEEDS}/001-ingress-backend-alpaca.yaml",
        f"{SEEDS}/001-ingress-backend-bandicoot.yaml",
        f"{SEEDS}/001-ingress-backend-be-default.yaml",
        f"{PLANS}/ingress.yaml",
    ],
    "kuard": [f"{PLANS}/kuard.yaml"],
    "statefulset": [f"{PLANS}/statefulset.yaml"],
    "daemonset": [f"{PLANS}/daemonset.yaml"],
    "externalname": [f"{PLANS}/externalname.yaml"],
    "nodeport": [f"{PLANS}/nodeport.yaml"],
    "replicaset": [f"{PLANS}/replicaset.yaml"],
    "jobs": [f"{PLANS}/jobs.yaml"],
    "problems": [f"{PLANS}/problems.yaml"],
}


def _validator() -> jsonschema.Draft202012Validator:
    plan_schema = json.loads((CONTRACTS / "plan-output.schema.json").read_text())
    check_schema = json.loads((CONTRACTS / "check-output.schema.json").read_text())
    registry = Registry().with_resource("check-output", SchemaResource.from_contents(check_schema))
    return jsonschema.Draft202012Validator(plan_schema, registry=registry)


@pytest.fixture(autouse=True)
def at_root(monkeypatch: pytest.MonkeyPatch) -> None:
    """Plans name files as given: relative to the repository, as in the snapshots."""
    monkeypatch.chdir(ROOT)


def _report(paths: list[str]):  # type: ignore[no-untyped-def]
    return run_plan(paths, replace(default_profile(), now=parse_time(NOW)))


@pytest.mark.parametrize("scenario", sorted(SCENARIOS))
@pytest.mark.parametrize("format", ["text", "json", "markdown"])
def test_plan_snapshot(scenario: str, format: str, snapshot) -> None:  # type: ignore[no-untyped-def]
    report = _report(SCENARIOS[scenario])
    assert render(report, format) == snapshot


@pytest.mark.parametrize("scenario", sorted(SCENARIOS))
def test_json_follows_the_contract(scenario: str) -> None:
    document = json.loads(render(_report(SCENARIOS[scenario]), "json"))
    _validator().validate(document)


def test_same_bytes_whatever_the_file_order() -> None:
    paths = [path for scenario in ("alpaca-bandicoot", "ingress", "statefulset", "daemonset", "jobs") for path in SCENARIOS[scenario]]
    expected = {format: render(_report(paths), format) for format in ("text", "json", "markdown")}
    shuffler = random.Random(6)
    for _ in range(3):
        shuffled = paths[:]
        shuffler.shuffle(shuffled)
        for format, text in expected.items():
            assert render(_report(shuffled), format) == text


def test_documents_shuffled_inside_a_file(tmp_path: Path) -> None:
    """Moving documents around in one file changes lines, not the plan."""
    documents = (ROOT / PLANS / "problems.yaml").read_text().split("\n---\n")
    (tmp_path / "a.yaml").write_text("\n---\n".join(documents))
    (tmp_path / "b.yaml").write_text("\n---\n".join(reversed(documents)))
    first = json.loads(render(run_plan([str(tmp_path / "a.yaml")], default_profile()), "json"))
    second = json.loads(render(run_plan([str(tmp_path / "b.yaml")], default_profile()), "json"))
    for key in ("changes", "pods", "services", "endpoints", "dnsRecords", "routes", "summary"):
        assert first[key] == second[key], key


def test_ingress_in_extensions_v1beta1_plans_like_v1_where_it_is_served() -> None:
    backends = SCENARIOS["ingress"][:3]
    beta = [f"{SEEDS}/001-ingress-simple.yaml", f"{SEEDS}/001-ingress-host.yaml", f"{SEEDS}/001-ingress-path.yaml"]
    from kubelint.pipeline import Options

    old = run_plan(backends + beta, default_profile(), Options(kubernetes_version="1.21"))
    new = run_plan(SCENARIOS["ingress"], default_profile(), Options(kubernetes_version="1.21"))

    def routes(report):  # type: ignore[no-untyped-def]
        return [(r.host, r.path, r.service, r.port, r.endpoints) for r in report.plan.world.routes]

    assert routes(old) == routes(new)
    served = run_plan(backends + beta, default_profile())
    skipped = [f for f in served.findings if f.rule == "plan-object-skipped"]
    assert len(skipped) == 3 and all("not served since Kubernetes 1.22" in f.message for f in skipped)
    assert all(f.line == 5 for f in skipped)  # the apiVersion line of each seed file


def test_longest_prefix_first_in_the_route_table() -> None:
    report = _report(SCENARIOS["ingress"])
    table = [(r.host, r.path, r.path_type) for r in report.plan.world.routes]
    assert table == [
        ("alpaca.example.com", "/", "Prefix"),
        ("bandicoot.example.com", "/a/", "Prefix"),
        ("bandicoot.example.com", "/", "Prefix"),
        ("*", "/", "Default"),
    ]
    assert all(r.endpoints == 3 for r in report.plan.world.routes)


runner = CliRunner()


def test_cli_exit_codes_and_output_file(tmp_path: Path) -> None:
    clean = runner.invoke(app, ["plan", *SCENARIOS["kuard"], "--no-color"])
    assert clean.exit_code == 0, clean.output
    assert clean.output.rstrip().endswith("Plan: 4 to create, 0 to change, 0 to destroy.")
    assert runner.invoke(app, ["plan", *SCENARIOS["problems"]]).exit_code == 1
    assert runner.invoke(app, ["plan", "no-such-file.yaml"]).exit_code == 2
    assert runner.invoke(app, ["plan", *SCENARIOS["kuard"], "--format", "yaml"]).exit_code == 2
    assert runner.invoke(app, ["plan", *SCENARIOS["kuard"], "--show", "pods,nodes"]).exit_code == 2
    assert runner.invoke(app, ["plan", *SCENARIOS["kuard"], "--now", "tomorrow"]).exit_code == 2
    assert runner.invoke(app, ["plan", *SCENARIOS["kuard"], "-k", "latest"]).exit_code == 2
    target = tmp_path / "plan.md"
    written = runner.invoke(app, ["plan", *SCENARIOS["kuard"], "--format", "markdown", "--output", str(target)])
    assert written.exit_code == 0 and written.output == "" and target.read_text().startswith("### kubelint plan")


def test_cli_show_chooses_sections() -> None:
    full = runner.invoke(app, ["plan", *SCENARIOS["statefulset"], "--no-color"]).output
    pods_only = runner.invoke(app, ["plan", *SCENARIOS["statefulset"], "--no-color", "--show", "pods"]).output
    assert "Pod web-0" in full and "Pod web-0" in pods_only
    assert "web-0.nginx.default.svc.cluster.local." in full
    assert "web-0.nginx.default.svc.cluster.local." not in pods_only and "endpoints" not in pods_only


def test_cli_cluster_profile_and_nodes(tmp_path: Path) -> None:
    profile = tmp_path / "cluster.yaml"
    profile.write_text(
        "name: lab\nloadBalancerPool: [192.0.2.10-192.0.2.20]\nnodes:\n"
        "- name: big\n  capacity: {cpu: '64', memory: 256Gi, pods: 250}\n"
    )
    result = runner.invoke(app, ["plan", *SCENARIOS["nodeport"], "--cluster", str(profile), "--format", "json"])
    document = json.loads(result.output)
    assert [n["name"] for n in document["cluster"]["nodes"]] == ["big"]
    assert {p["node"] for p in document["pods"] if p["change"] == "create"} == {"big"}
    [balancer] = [s for s in document["services"] if s["name"] == "alpaca-prod-lb"]
    assert balancer["loadBalancer"][0].startswith("192.0.2.")
    wide = json.loads(runner.invoke(app, ["plan", *SCENARIOS["nodeport"], "--nodes", "6", "--format", "json"]).output)
    assert len(wide["cluster"]["nodes"]) == 7
    broken = tmp_path / "broken.yaml"
    broken.write_text("nodes:\n- name: a\n  capacity: {cpu: '1', memory: lots, pods: 10}\n")
    result = runner.invoke(app, ["plan", *SCENARIOS["kuard"], "--cluster", str(broken)])
    assert result.exit_code == 2
    assert f"{broken}:3:32: nodes[0].capacity.memory" in result.output


def test_colour_marks_simulated_values() -> None:
    report = _report(SCENARIOS["kuard"])
    colored = render(report, "text", color=True)
    assert "\x1b[3;36m" in colored  # italic cyan: the simulated values
    assert "\x1b[" not in render(report, "text", color=False)


CORPUS = ROOT.parent / "shared" / "corpus"


@pytest.mark.skipif(not CORPUS.is_dir(), reason="the shared corpus is not present")
@pytest.mark.parametrize("app_name", ["GoogleCloudPlatform__microservices-demo", "dockersamples__example-voting-app", "stefanprodan__podinfo"])
def test_real_apps_plan_without_internal_errors(app_name: str) -> None:
    report = run_plan([str(CORPUS / app_name)], default_profile())
    assert not [f for f in report.findings if f.rule == "internal-error"]
    assert report.plan.world.pods and all(p.phase == "Running" for p in report.plan.world.pods.values() if p.deleted_by is None)
    _validator().validate(json.loads(render(report, "json")))


def test_the_readme_shows_a_real_plan() -> None:
    readme = (ROOT / "README.md").read_text()
    command = "$ kubelint plan fixtures/seeds/004-alpaca-prod.yaml\n"
    shown = readme.split(command, 1)[1].split("```", 1)[0]
    result = runner.invoke(app, ["plan", "fixtures/seeds/004-alpaca-prod.yaml", "--no-color"])
    assert result.exit_code == 0 and result.output == shown
