"""The README's integration examples stay true: the hooks, action inputs and flags they
name exist, and the example outputs are what kubelint prints (``(…)`` marks where
the README shortens a message).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from kubelint.cli import app
from kubelint.kubectl_plugin import translate

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text()
ELIDED = "(…)"


def section(title: str) -> str:
    """The README's ``### title`` section, up to the next heading outside a code block."""
    lines = README.split(f"\n### {title}\n", 1)[1].splitlines()
    fenced = False
    for number, line in enumerate(lines):
        fenced ^= line.startswith("```")
        if not fenced and line.startswith(("## ", "### ")):
            lines = lines[:number]
            break
    return "\n".join(lines) + "\n"


def blocks(text: str, language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", text, re.S)


def example_after(text: str, lead: str) -> str:
    """The first code block after the paragraph that starts with ``lead``."""
    return re.findall(r"```\w*\n(.*?)```", text.split(lead, 1)[1], re.S)[0]


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Each format's output for deploy/shop.yaml, the README's example."""
    workdir = tmp_path_factory.mktemp("readme")
    (workdir / "deploy").mkdir()
    (workdir / "deploy" / "shop.yaml").write_text((ROOT / "tests" / "data" / "formats" / "shop.yaml").read_text())
    previous = Path.cwd()
    try:
        os.chdir(workdir)
        return {f: CliRunner().invoke(app, ["check", "deploy", "--format", f]).output for f in ("github", "sarif", "junit", "gitlab", "markdown")}
    finally:
        os.chdir(previous)


@pytest.mark.parametrize("format", ["github", "junit", "markdown"])
def test_example_lines_are_real_output(outputs: dict[str, str], format: str) -> None:
    example = example_after(section("Output formats"), f"`--format {format}`")
    for line in filter(None, (line.strip() for line in example.splitlines())):
        shown = line.split(ELIDED, 1)[0].rstrip() if ELIDED in line else line
        assert shown in outputs[format], f"not in the {format} output: {shown}"


@pytest.mark.parametrize("format", ["sarif", "gitlab"])
def test_example_fingerprints_and_locations_are_real(outputs: dict[str, str], format: str) -> None:
    example = example_after(section("Output formats"), f"`--format {format}`")
    for value in re.findall(r'"(?:fingerprint|kubelint/v1|uri|ruleId|check_name|path)": "([^"]+)"', example):
        assert f'"{value}"' in outputs[format], value


def test_precommit_example_names_the_hooks() -> None:
    hooks = {hook["id"] for hook in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())}
    [config] = blocks(section("pre-commit"), "yaml")
    used = re.findall(r"id: ([\w-]+)", config)
    assert used and set(used) <= hooks and hooks <= set(used)


def test_workflow_example_uses_the_actions_inputs() -> None:
    inputs = set(yaml.safe_load((ROOT / "action.yml").read_text())["inputs"])
    workflow = yaml.safe_load(blocks(section("GitHub Actions"), "yaml")[0])
    [step] = [s for s in workflow["jobs"]["kubelint"]["steps"] if s.get("uses", "").startswith("kubelint/kubelint@")]
    assert set(step["with"]) <= inputs


def kubelint_commands(text: str) -> list[list[str]]:
    """``kubelint COMMAND ARGS`` in the section's code blocks, up to a comment or a pipe."""
    code = "".join(blocks(text, r"\w*"))
    found = re.findall(r"(?<![-/\w])kubelint ((?:check|validate|plan)\b[^#|\n]*)", code)
    return [command.split() for command in found]


@pytest.mark.parametrize("title", ["GitHub Actions", "GitLab CI", "Helm and Kustomize", "Baselines"])
def test_example_commands_have_real_flags(title: str) -> None:
    commands = kubelint_commands(section(title))
    assert commands, title
    for command, *args in commands:
        result = CliRunner().invoke(app, [command, "--help"], terminal_width=200)
        for flag in (arg for arg in args if arg.startswith("--")):
            assert flag in result.output, f"kubelint {command} has no {flag}"
        formats = [args[i + 1] for i, arg in enumerate(args) if arg == "--format"]
        assert all(f in {"text", "json", "sarif", "junit", "github", "gitlab", "markdown"} for f in formats)


def test_kubectl_examples_translate(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "manifests").mkdir()
    [example] = blocks(section("kubectl plugin"), "sh")
    for line in example.splitlines():
        argv = line.split("kubectl kubelint ", 1)[1].split()
        args = translate(argv)
        assert args[0] in {"check", "validate", "plan"} and "-f" not in args
