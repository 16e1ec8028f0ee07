"""kubelint rules and kubelint explain: what people read, user rule folders, mistakes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kubelint.cli import app
from kubelint.rulebook import RuleFileError, load_rules
from kubelint.rulecli import explain

runner = CliRunner()

TEAM_RULE = """\
id: team-label
title: A workload without a team label
severity: warning
category: custom
enabled: false
since: 0.1.0
description: |
  Every Deployment names the team that owns it in the `team` label.
rationale: |
  When it breaks at night, someone must be paged.
remediation: |
  Add `metadata.labels.team`.
references:
  - https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/
options:
  label:
    type: string
    default: team
    description: the label that names the owner
examples:
  bad: |
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: web
    spec:
      selector:
        matchLabels: {app: web}
      template:
        metadata:
          labels: {app: web}
        spec:
          containers:
          - {name: web, image: "nginx:1.27"}
  good: |
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: web
      labels: {team: shop}
    spec:
      selector:
        matchLabels: {app: web}
      template:
        metadata:
          labels: {app: web}
        spec:
          containers:
          - {name: web, image: "nginx:1.27"}
check:
  declarative:
    kinds: [apps/Deployment]
    require:
      properties:
        metadata:
          required: [labels]
          properties:
            labels: {required: [{$option: label}]}
    message: "{object} has no owner label"
"""


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project with one user rule (off by default) and a configuration that turns rules on and off."""
    (tmp_path / "policies").mkdir()
    (tmp_path / "policies" / "team-label.yaml").write_text(TEAM_RULE)
    (tmp_path / ".kubelint.yaml").write_text(
        "rules-dirs: [policies]\nselect: [team-label]\nignore: [yaml-alias-limit]\nseverity: {yaml-encoding: warning}\n"
    )
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_rules_table(project: Path, snapshot) -> None:  # type: ignore[no-untyped-def]
    result = runner.invoke(app, ["rules", "--category", "yaml", "--category", "custom"])
    assert result.exit_code == 0, result.output
    assert result.output == snapshot


def test_rules_json(project: Path, snapshot) -> None:  # type: ignore[no-untyped-def]
    result = runner.invoke(app, ["rules", "--format", "json", "--category", "custom", "--category", "yaml"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == snapshot


def test_every_rule_is_listed_sorted_by_id() -> None:
    result = runner.invoke(app, ["rules", "--format", "json"])
    ids = [entry["id"] for entry in json.loads(result.output)["rules"]]
    assert ids == sorted(load_rules()) and len(ids) == len(load_rules())


def test_explain_a_user_rule(project: Path, snapshot) -> None:  # type: ignore[no-untyped-def]
    result = runner.invoke(app, ["explain", "team-label"])
    assert result.exit_code == 0, result.output
    assert result.output == snapshot


def test_explain_a_builtin_rule(snapshot) -> None:  # type: ignore[no-untyped-def]
    result = runner.invoke(app, ["explain", "yaml-duplicate-key"])
    assert result.exit_code == 0, result.output
    assert result.output == snapshot


def test_explain_in_colour() -> None:
    text = explain("port-name", load_rules(), color=True)
    assert "\x1b[" in text and "port-name" in text


def test_the_user_rule_runs_when_selected(project: Path) -> None:
    (project / "app.yaml").write_text(load_rules(["policies"])["team-label"].doc["examples"]["bad"])
    result = runner.invoke(app, ["check", "app.yaml", "--fail-on", "warning"])
    assert result.exit_code == 1
    assert result.output.startswith("app.yaml:3:1: warning team-label Deployment/web has no owner label")
    (project / ".kubelint.yaml").write_text("rules-dirs: [policies]\noptions: {team-label: {label: owner}}\n")
    assert runner.invoke(app, ["check", "app.yaml", "--fail-on", "warning"]).exit_code == 0, "off by default"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["explain", "port-nam"], 'unknown rule "port-nam"; did you mean "port-name"?'),
        (["explain", "zzz"], 'unknown rule "zzz"; kubelint rules lists them'),
        (["rules", "--category", "ymal"], 'unknown category "ymal"; did you mean "yaml"?'),
        (["rules", "--format", "yaml"], "'yaml' is not one of table, json"),
        (["rules", "--rules-dir", "nowhere"], "nowhere:1:1: the rules directory does not exist"),
    ],
)
def test_mistakes_are_usage_errors(args: list[str], message: str) -> None:
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    assert message in result.output


USER_RULE_MISTAKES = [
    ("check:\n  python: os:system\n", "check.python", "user rule files cannot run Python code"),
    ("check:\n  builtin: engine\n", "check.builtin", "user rule files cannot use check.builtin"),
    ("check:\n  declarative:\n    target: pod\n    require: {}\n    message: m\n", "target", '"pod" is not one of'),
    (
        "check:\n  declarative:\n    kinds: [deployment]\n    require: {}\n    message: m\n",
        "kinds",
        '"deployment" does not match',
    ),
    (
        "check:\n  declarative:\n    containers: [containers]\n    require: {}\n    message: m\n",
        "declarative",
        '"target" is a required property',
    ),
    ("check:\n  declarative:\n    require: {}\n    message: '{contaner} is bad'\n", "message", "does not match"),
    ("check:\n  declarative:\n    require: {}\n    mesage: m\n", "declarative", '"message" is a required property'),
    ("check:\n  declarative:\n    require: 3\n    message: m\n", "require", 'is not of types "boolean", "object"'),
    ("check:\n  declarative:\n    require: {type: strin}\n    message: m\n", "declarative", "invalid JSON Schema"),
]


@pytest.mark.parametrize(
    ("check", "key", "message"), USER_RULE_MISTAKES, ids=[m[1] + str(i) for i, m in enumerate(USER_RULE_MISTAKES)]
)
def test_broken_user_rules_name_their_line(tmp_path: Path, check: str, key: str, message: str) -> None:
    head = TEAM_RULE.split("check:\n", 1)[0]
    (tmp_path / "team-label.yaml").write_text(head + check)
    with pytest.raises(RuleFileError) as raised:
        load_rules([tmp_path])
    error = raised.value
    check_start = head.count("\n") + 1
    line_of_key = next(
        n for n, line in enumerate(check.splitlines(), check_start) if line.strip().startswith(key.split(".")[-1])
    )
    assert error.line == line_of_key, error
    assert message in error.message, error
