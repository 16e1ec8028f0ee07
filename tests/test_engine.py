"""The engine: per-object and cross-object checks, declarative rules, containment."""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

import pytest

from kubelint.checks import Problem, RuleContext
from kubelint.engine import ActiveRule, Engine
from kubelint.loader import load_text
from kubelint.model import Resource, Severity
from kubelint.rulebook import Rule

DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  template:
    spec:
      initContainers:
      - name: setup
        image: busybox
      containers:
      - name: app
        image: nginx:latest
        readinessProbe: {httpGet: {path: /, port: 80}}
      - name: sidecar
        image: envoy
"""


def rule(rule_id: str, check: dict, severity: str = "warning") -> ActiveRule:
    return ActiveRule(
        Rule(rule_id, "t", Severity.parse(severity), "custom", True, check, {}, "x.yaml", False),
        Severity.parse(severity),
    )


def resources() -> list[Resource]:
    return load_text(DEPLOYMENT, "d.yaml").resources


def boom(resource: Resource, ctx: RuleContext) -> Iterator[Problem]:
    yield Problem(("metadata", "name"), "before the failure")
    raise KeyError("oops")


def pairs(resources: list[Resource], ctx: RuleContext) -> Iterator[Problem]:
    for resource in resources:
        yield Problem(("kind",), f"seen {len(ctx.resources)}", resource=resource)


def test_a_failing_check_becomes_an_internal_error_and_the_run_goes_on() -> None:
    engine = Engine([rule("boom", {"python": "tests.test_engine:boom"}), rule("pairs", {"python": "tests.test_engine:pairs", "scope": "set"})], "1.37")
    findings = engine.run(resources())
    assert [f.rule for f in findings] == ["boom", "internal-error", "pairs"]
    internal = findings[1]
    assert internal.severity is Severity.ERROR
    assert "rule boom on Deployment/web: KeyError: 'oops'" in internal.message
    assert findings[2].message == "seen 1" and (findings[2].line, findings[2].column) == (2, 7)


def test_declarative_container_rule_points_at_the_failing_field() -> None:
    check = {
        "declarative": {
            "target": "container",
            "require": {"required": ["readinessProbe"], "properties": {"image": {"not": {"pattern": ":latest$"}}}},
            "message": "{container} of {object}: {value}",
        }
    }
    findings = Engine([rule("probe", check)], "1.37").run(resources())
    summary = [(f.line, f.column, f.path, f.message) for f in findings]
    assert summary == [
        (9, 9, "spec.template.spec.initContainers[0]", 'init container "setup" of Deployment/web: {"name": "setup", "image": "busybox"}'),
        (13, 16, "spec.template.spec.containers[0].image", 'container "app" of Deployment/web: nginx:latest'),
        (15, 9, "spec.template.spec.containers[1]", 'container "sidecar" of Deployment/web: {"name": "sidecar", "image": "envoy"}'),
    ]


def test_declarative_when_kinds_containers_and_options() -> None:
    check = {
        "declarative": {
            "target": "container",
            "kinds": ["apps/Deployment"],
            "containers": ["containers"],
            "when": {"properties": {"name": {"const": "app"}}},
            "require": {"properties": {"image": {"pattern": {"$option": "pattern"}}}},
            "message": "{name} image {value}",
        }
    }
    active = rule("pinned", check)
    active.options = {"pattern": "@sha256:"}
    [finding] = Engine([active], "1.37").run(resources())
    assert finding.message == "app image nginx:latest"
    other = rule("pinned", {"declarative": dict(check["declarative"], kinds=["StatefulSet"])})
    other.options = active.options
    assert Engine([other], "1.37").run(resources()) == []


def test_builtin_rules_are_not_run_by_the_engine() -> None:
    assert Engine([rule("yaml-syntax", {"builtin": "loader"})], "1.37").run(resources()) == []


def test_user_rule_files_cannot_run_python(tmp_path: Path) -> None:
    from kubelint.rulebook import RuleFileError, load_rules

    (tmp_path / "sneaky.yaml").write_text(
        "id: sneaky\ntitle: Sneaky\nseverity: error\ncategory: custom\nsince: 0.1.0\n"
        "description: runs code from a user file\nrationale: it should not be allowed\n"
        "remediation: use a declarative check\nexamples: {bad: x, good: z}\n"
        "check:\n  python: os:system\n"
    )
    with pytest.raises(RuleFileError) as error:
        load_rules([tmp_path])
    assert error.value.line == 11 and "cannot run Python code" in error.value.message


def test_broken_rule_files_name_file_and_line(tmp_path: Path) -> None:
    from kubelint.rulebook import RuleFileError, load_rules

    (tmp_path / "broken.yaml").write_text(
        "id: broken\ntitle: Broken\nseverity: fatal\ncategory: custom\nsince: 0.1.0\n"
        "description: a rule with a bad severity\nrationale: to test errors\n"
        "remediation: fix the severity\nexamples: {bad: x, good: z}\n"
        "check: {declarative: {target: object, require: {}, message: m}}\n"
    )
    with pytest.raises(RuleFileError) as error:
        load_rules([tmp_path])
    assert (error.value.line, error.value.column) == (3, 11)
    assert error.value.message.startswith("severity:")


def test_declarative_checks_are_compiled_when_the_rule_file_loads(tmp_path: Path) -> None:
    from kubelint.rulebook import RuleFileError, load_rules

    (tmp_path / "needs-option.yaml").write_text(
        "id: needs-option\ntitle: Needs an option\nseverity: error\ncategory: custom\nsince: 0.1.0\n"
        "description: refers to an option it does not declare\nrationale: to test errors\n"
        "remediation: declare the option\nexamples: {bad: x, good: z}\n"
        "check:\n  declarative:\n    require: {pattern: {$option: missing}}\n    message: m\n"
    )
    with pytest.raises(RuleFileError) as error:
        load_rules([tmp_path])
    assert error.value.line == 11 and "missing" in error.value.message
