"""``kubectl kubelint``: kubectl's flags translated, the installed script, and kubectl itself.

kubectl finds plugins offline (any ``kubectl-<name>`` on PATH), so where
kubectl is installed the last tests run ``kubectl kubelint ...`` for real,
without a cluster.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from kubelint.kubectl_plugin import PluginUsageError, parse, translate

ROOT = Path(__file__).resolve().parent.parent
SHOP = (ROOT / "tests" / "data" / "formats" / "shop.yaml").read_text()
APP = (ROOT / "fixtures" / "plan" / "kuard.yaml").read_text()
SCRIPTS = Path(sys.executable).parent

# The same ConfigMap twice: once without a namespace, once in "shop".
TWICE = """apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
data: {mode: fast}
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
  namespace: shop
data: {mode: slow}
"""


@pytest.fixture
def tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """app/ with manifests at its top level, a subdirectory, a hidden file and a README."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "app" / "sub").mkdir(parents=True)
    (tmp_path / "app" / "a.yaml").write_text(APP)
    (tmp_path / "app" / "b.json").write_text('{"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "b"}}')
    (tmp_path / "app" / ".hidden.yaml").write_text(SHOP)
    (tmp_path / "app" / "README.md").write_text("not a manifest\n")
    (tmp_path / "app" / "sub" / "shop.yaml").write_text(SHOP)
    return tmp_path


@pytest.mark.parametrize(
    "argv",
    [
        ["plan", "-f", "x.yaml", "-f", "y.yaml"],
        ["plan", "-fx.yaml", "--filename=y.yaml"],
        ["plan", "-f=x.yaml", "--filename", "y.yaml"],
        ["plan", "-f", "x.yaml,y.yaml"],
    ],
)
def test_filename_spellings(argv: list[str]) -> None:
    assert parse(argv).filenames == ["x.yaml", "y.yaml"]


def test_namespace_and_other_flags() -> None:
    for spelling in (["-n", "shop"], ["-nshop"], ["--namespace=shop"], ["--namespace", "shop"]):
        args = translate(["check", "-f", "-", *spelling, "--format", "sarif", "--fail-on", "warning"])
        assert args == ["check", "-", "--default-namespace", "shop", "--format", "sarif", "--fail-on", "warning"]


def test_a_directory_is_read_at_its_top_level_unless_recursive(tree: Path) -> None:
    assert translate(["check", "-f", "app"]) == ["check", "app/a.yaml", "app/b.json"]
    for recursive in (["-R"], ["--recursive"], ["--recursive=true"]):
        assert translate(["check", "-f", "app", *recursive]) == ["check", "app"]
    assert translate(["check", "-Rf", "app"]) == ["check", "app"]
    assert translate(["check", "-f", "app", "-R=false"]) == ["check", "app/a.yaml", "app/b.json"]


def test_no_subcommand_checks_and_any_subcommand_passes(tree: Path) -> None:
    assert translate(["-f", "app/a.yaml"]) == ["check", "app/a.yaml"]
    assert translate(["explain", "object-name"]) == ["explain", "object-name"]
    assert translate([]) == ["--help"]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["check", "-f"], "-f needs a value"),
        (["check", "-f", "https://example.com/app.yaml"], "never URLs"),
        (["check", "-f", "app/sub/..", "-n"], "-n needs a value"),
        (["check", "--recursive=maybe"], "use true or false"),
    ],
)
def test_usage_errors(tree: Path, argv: list[str], message: str) -> None:
    with pytest.raises(PluginUsageError, match=message):
        translate(argv)


def test_a_directory_without_top_level_manifests_says_to_add_r(tree: Path) -> None:
    (tree / "deep" / "er").mkdir(parents=True)
    (tree / "deep" / "er" / "x.yaml").write_text(SHOP)
    with pytest.raises(PluginUsageError, match="add -R to read its subdirectories"):
        translate(["check", "-f", "deep"])


# The installed console script


def plugin(*args: str, input: str | None = None, cwd: Path, path: str | None = None) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, NO_COLOR="1")
    if path is not None:
        env["PATH"] = path
    return subprocess.run(list(args), input=input, capture_output=True, text=True, cwd=cwd, env=env, timeout=120)


@pytest.fixture(scope="module")
def script() -> Path:
    found = shutil.which("kubectl-kubelint", path=str(SCRIPTS)) or shutil.which("kubectl-kubelint")
    assert found, "kubectl-kubelint is not installed: pip install -e . (pyproject [project.scripts])"
    return Path(found)


def test_the_script_checks_and_plans(script: Path, tree: Path) -> None:
    checked = plugin(str(script), "check", "-R", "-f", "app", cwd=tree)
    assert checked.returncode == 1
    assert "app/sub/shop.yaml:15:7: error selector-mismatch" in checked.stdout
    assert ".hidden.yaml" not in checked.stdout

    planned = plugin(str(script), "plan", "-f", "app/a.yaml", cwd=tree)
    assert planned.returncode == 0, planned.stdout + planned.stderr
    assert "Plan: " in planned.stdout and "Pod default/kuard will be created" in planned.stdout

    piped = plugin(str(script), "check", "-f", "-", "--format", "github", input=SHOP, cwd=tree)
    assert piped.stdout.startswith("::error title=selector-mismatch::standard input, line 15, column 7: ")


def test_the_namespace_flag_is_the_default_namespace(script: Path, tree: Path) -> None:
    (tree / "twice.yaml").write_text(TWICE)
    assert plugin(str(script), "check", "-f", "twice.yaml", cwd=tree).returncode == 0
    result = plugin(str(script), "check", "-f", "twice.yaml", "-n", "shop", cwd=tree)
    assert result.returncode == 1
    assert 'duplicate-object ConfigMap "settings" in namespace "shop" is already defined at line 4' in result.stdout


def test_usage_errors_exit_2(script: Path, tree: Path) -> None:
    result = plugin(str(script), "check", "-f", "https://example.com/app.yaml", cwd=tree)
    assert result.returncode == 2
    assert result.stderr.startswith("kubectl-kubelint: error: -f https://example.com/app.yaml: ")


# kubectl itself (its plugin discovery needs no cluster)


@pytest.fixture(scope="module")
def kubectl() -> str:
    found = shutil.which("kubectl")
    if found is None:
        pytest.skip("kubectl is not installed: `kubectl kubelint` cannot be run for real here")
    return found


def test_kubectl_finds_the_plugin(kubectl: str, script: Path, tree: Path) -> None:
    path = f"{script.parent}{os.pathsep}{os.environ.get('PATH', '')}"
    listed = plugin(kubectl, "plugin", "list", "--name-only", cwd=tree, path=path)
    assert "kubectl-kubelint" in listed.stdout, listed.stdout + listed.stderr

    planned = plugin(kubectl, "kubelint", "plan", "-f", "app/a.yaml", cwd=tree, path=path)
    assert planned.returncode == 0, planned.stdout + planned.stderr
    assert "Plan: " in planned.stdout

    checked = plugin(kubectl, "kubelint", "check", "-R", "-f", "app", "--format", "json", cwd=tree, path=path)
    assert checked.returncode == 1
    assert '"rule": "selector-mismatch"' in checked.stdout
