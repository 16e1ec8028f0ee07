"""action.yml: a composite action that parses, uses only flags kubelint has, and whose
shell steps do what they say when run (here, with bash, as the runner runs them).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from kubelint.cli import app

ROOT = Path(__file__).resolve().parent.parent
ACTION = yaml.safe_load((ROOT / "action.yml").read_text())
STEPS = ACTION["runs"]["steps"]
SHOP = (ROOT / "tests" / "data" / "formats" / "shop.yaml").read_text()
EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")


def step(name: str) -> dict[str, Any]:
    [found] = [s for s in STEPS if s.get("name") == name]
    return found


def help_flags(command: str) -> set[str]:
    result = CliRunner().invoke(app, [command, "--help"], terminal_width=200)
    assert result.exit_code == 0, result.output
    return set(re.findall(r"(?<![\w-])--[a-z][a-z-]*", result.output))


def test_a_composite_action_that_installs_itself_and_uploads_sarif() -> None:
    assert ACTION["runs"]["using"] == "composite"
    assert step("Set up Python")["uses"].startswith("actions/setup-python@")
    assert '"$GITHUB_ACTION_PATH"' in step("Install kubelint")["run"]
    upload = step("Upload SARIF to code scanning")
    assert upload["uses"].startswith("github/codeql-action/upload-sarif@")
    assert upload["with"]["sarif_file"] == "${{ inputs.sarif-file }}"
    assert {"paths", "kubernetes-version", "fail-on", "config", "plan"} <= set(ACTION["inputs"])
    for run_step in STEPS:
        if "run" in run_step:
            assert run_step["shell"] == "bash"


def test_every_expression_names_an_input_or_a_step_output() -> None:
    text = (ROOT / "action.yml").read_text()
    for expression in EXPRESSION.findall(text):
        for name in re.findall(r"inputs\.([a-z-]+)", expression):
            assert name in ACTION["inputs"], name
        for step_id in re.findall(r"steps\.([a-z-]+)\.", expression):
            assert any(s.get("id") == step_id for s in STEPS), step_id


@pytest.mark.parametrize("command", ["check", "plan"])
def test_the_flags_the_action_uses_exist(command: str) -> None:
    scripts = [s["run"] for s in STEPS if re.search(rf"\bkubelint {command}\b", s.get("run", ""))]
    assert scripts, f"no step runs kubelint {command}"
    used = {flag for script in scripts for flag in re.findall(r"(?<![\w-])--[a-z][a-z-]*", script)}
    assert used, scripts
    assert used <= help_flags(command), sorted(used - help_flags(command))


def run_step(name: str, inputs: dict[str, str], workspace: Path, outputs: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run a step's script as the runner would: expressions replaced, bash -eo pipefail."""
    values = {name: spec.get("default", "") for name, spec in ACTION["inputs"].items()} | inputs

    def evaluate(match: re.Match[str]) -> str:
        expression = match.group(1)
        if expression.startswith("inputs."):
            return values[expression.removeprefix("inputs.")]
        return (outputs or {})[expression]

    selected = step(name)
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}", "NO_COLOR": "1"}
    env |= {key: EXPRESSION.sub(evaluate, str(value)) for key, value in selected.get("env", {}).items()}
    env |= {"GITHUB_OUTPUT": str(workspace / "output"), "GITHUB_STEP_SUMMARY": str(workspace / "summary.md")}
    script = EXPRESSION.sub(evaluate, selected["run"])
    return subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script], cwd=workspace, env=env,
                          capture_output=True, text=True, timeout=120)


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    (tmp_path / "deploy").mkdir()
    (tmp_path / "deploy" / "shop.yaml").write_text(SHOP)
    (tmp_path / "plan").mkdir()
    (tmp_path / "plan" / "kuard.yaml").write_text((ROOT / "fixtures" / "plan" / "kuard.yaml").read_text())
    return tmp_path


def test_the_check_step_writes_sarif_annotations_and_the_exit_code(workspace: Path) -> None:
    result = run_step("kubelint check", {"paths": "deploy\nplan/kuard.yaml", "kubernetes-version": "1.30"}, workspace)
    assert result.returncode == 0, result.stderr
    assert (workspace / "output").read_text() == "exit-code=1\n"
    sarif = json.loads((workspace / "kubelint.sarif").read_text())
    assert {r["ruleId"] for r in sarif["runs"][0]["results"]} >= {"selector-mismatch"}
    assert sarif["runs"][0]["properties"]["kubernetesVersion"] == "1.30"
    assert "::error file=deploy/shop.yaml,line=15,col=7,title=selector-mismatch::" in result.stdout

    quiet = run_step("kubelint check", {"paths": "plan", "annotations": "false", "fail-on": "never"}, workspace)
    assert quiet.stdout == "" and (workspace / "output").read_text().endswith("exit-code=0\n")


def test_the_plan_step_writes_the_job_summary(workspace: Path) -> None:
    result = run_step("kubelint plan", {"paths": "plan", "plan": "true"}, workspace)
    assert result.returncode == 0, result.stderr
    summary = (workspace / "summary.md").read_text()
    assert summary.startswith("### kubelint plan") and "kuard" in summary


def test_the_last_step_fails_with_the_check_exit_code(workspace: Path) -> None:
    result = run_step("Fail on findings", {}, workspace, {"steps.check.outputs.exit-code": "1"})
    assert result.returncode == 1
    assert "kubelint check exited with 1" in result.stdout
