"""The command line as users call it: exit codes, formats, output files."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
from typer.testing import CliRunner

from kubelint import __version__
from kubelint.cli import app

ROOT = Path(__file__).resolve().parent.parent
CONTRACT = json.loads((ROOT / "docs" / "contracts" / "check-output.schema.json").read_text())

GOOD = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  namespace: demo\ndata:\n  mode: fast\n"
BROKEN = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata:\n  x: '1'\n  x: '2'\n"

runner = CliRunner()


def run(*args: str, input: str | None = None):
    return runner.invoke(app, list(args), input=input)


@pytest.fixture
def good(tmp_path: Path) -> Path:
    path = tmp_path / "good.yaml"
    path.write_text(GOOD)
    return path


@pytest.fixture
def broken(tmp_path: Path) -> Path:
    path = tmp_path / "broken.yaml"
    path.write_text(BROKEN)
    return path


def test_version() -> None:
    result = run("--version")
    assert result.exit_code == 0 and result.output.strip() == f"kubelint {__version__}"


def test_clean_input_exits_zero(good: Path) -> None:
    result = run("check", str(good))
    assert result.exit_code == 0, result.output
    assert result.output.strip().endswith("(1 file).")


def test_findings_exit_one_with_editor_jumpable_lines(broken: Path) -> None:
    result = run("check", str(broken))
    assert result.exit_code == 1
    first = result.output.splitlines()[0]
    assert first.startswith(f"{broken}:7:3: error yaml-duplicate-key ")


def test_fail_on_never_and_warning(broken: Path) -> None:
    assert run("check", str(broken), "--fail-on", "never").exit_code == 0
    assert run("check", str(broken), "--fail-on", "warning").exit_code == 1


def test_missing_path_is_a_usage_error(good: Path) -> None:
    result = run("check", str(good), "does-not-exist.yaml")
    assert result.exit_code == 2
    assert "does-not-exist.yaml:1:1: error input-error no such file or directory" in result.output


def test_bad_flags_are_usage_errors(good: Path) -> None:
    assert run("check", str(good), "--format", "yaml").exit_code == 2
    assert run("check", str(good), "--fail-on", "sometimes").exit_code == 2
    assert run("check", str(good), "--no-such-flag").exit_code == 2
    assert run("check").exit_code == 2


def test_json_output_follows_the_contract(good: Path, broken: Path) -> None:
    result = run("check", str(good), str(broken), "--format", "json")
    document = json.loads(result.output)
    jsonschema.validate(document, CONTRACT)
    assert document["summary"]["errors"] == 1 and document["summary"]["files"] == 2
    assert document["findings"][0]["path"] == "data.x"
    assert document["findings"][0]["resource"] == {
        "apiVersion": "v1", "kind": "ConfigMap", "namespace": None, "name": "a"
    }


def test_output_file_is_written_and_quiet_drops_the_summary(tmp_path: Path, broken: Path) -> None:
    target = tmp_path / "report.txt"
    result = run("check", str(broken), "--output", str(target), "--quiet")
    assert result.exit_code == 1 and result.output == ""
    assert target.read_text().count("\n") == 1
    assert run("check", str(broken), "--output", str(tmp_path)).exit_code == 2


def test_stdin(good: Path) -> None:
    result = run("check", "-", input=BROKEN)
    assert result.exit_code == 1 and result.output.startswith("-:7:3: error yaml-duplicate-key")
    empty = run("check", "-", input="")
    assert empty.exit_code == 1 and "standard input is empty" in empty.output


def test_colour_only_when_asked(monkeypatch: pytest.MonkeyPatch, broken: Path) -> None:
    from kubelint.model import Report
    from kubelint.report import render
    from kubelint.pipeline import run_check

    report: Report = run_check([str(broken)])
    assert "\x1b[" in render(report, "text", color=True)
    assert "\x1b[" not in render(report, "text", color=False)
    assert "\x1b[" not in run("check", str(broken)).output  # not a terminal


def test_validate_runs_only_validation_rules(broken: Path) -> None:
    result = run("validate", str(broken))
    assert result.exit_code == 1 and "yaml-duplicate-key" in result.output


def test_library_api(good: Path, broken: Path) -> None:
    import kubelint

    report = kubelint.check([str(good), str(broken)])
    assert report.summary.resources == 2
    assert [f.rule for f in report.findings] == ["yaml-duplicate-key"]


def test_module_entry_point(good: Path) -> None:
    process = subprocess.run(
        [sys.executable, "-m", "kubelint", "check", str(good)], capture_output=True, text=True, check=False
    )
    assert process.returncode == 0, process.stderr
