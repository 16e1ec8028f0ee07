"""Baselines: record today's findings, then fail only on new ones, whatever lines move."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from typer.testing import CliRunner

from kubelint.baseline import Baseline, BaselineError
from kubelint.cli import app

ROOT = Path(__file__).resolve().parent.parent
CONTRACT = json.loads((ROOT / "docs" / "contracts" / "check-output.schema.json").read_text())
SHOP = (ROOT / "tests" / "data" / "formats" / "shop.yaml").read_text()

# Two label values that are too long: same rule, same object, different paths.
LABELS = """apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
  namespace: shop
  labels:
    team: {long}
    owner: {long}
data:
  mode: fast
""".replace("{long}", "x" * 64)


def run(*args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(app, list(args))


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    Path("shop.yaml").write_text(SHOP)
    Path("labels.yaml").write_text(LABELS)
    return tmp_path


def test_write_baseline_records_findings_without_lines(repo: Path) -> None:
    result = run("check", ".", "--write-baseline", ".kubelint-baseline.json")
    assert result.exit_code == 0, result.output
    assert "recorded 4 findings in the baseline .kubelint-baseline.json" in result.output
    assert "No problems in 3 resources (2 files, 4 findings in the baseline)." in result.output
    document = json.loads(Path(".kubelint-baseline.json").read_text())
    assert (document["format"], document["version"]) == ("kubelint-baseline", 1)
    assert document["findings"][0] == {
        "file": "labels.yaml",
        "rule": "label-value",
        "kind": "ConfigMap",
        "namespace": "shop",
        "name": "settings",
        "path": 'metadata.labels.owner',
    }
    assert all("line" not in entry for entry in document["findings"])
    first = Path(".kubelint-baseline.json").read_bytes()
    run("check", ".", "--write-baseline", ".kubelint-baseline.json")
    assert Path(".kubelint-baseline.json").read_bytes() == first, "same findings, same bytes"


def test_baseline_passes_when_lines_move_and_fails_on_new_findings(repo: Path) -> None:
    run("check", ".", "--write-baseline", ".kubelint-baseline.json")
    Path("shop.yaml").write_text("# moved down by a comment\n\n" + SHOP)
    result = run("check", ".", "--baseline", ".kubelint-baseline.json")
    assert result.exit_code == 0, result.output

    Path("shop.yaml").write_text(SHOP.replace("nginx:1.27", "nginx:1.27\n        ports:\n        - containerPort: 70000"))
    result = run("check", ".", "--baseline", ".kubelint-baseline.json")
    assert result.exit_code == 1
    reported = [line for line in result.output.splitlines() if ": error " in line or ": warning " in line]
    assert len(reported) == 1 and "container-port" in reported[0], result.output


def test_baseline_counts_entries_that_no_longer_occur(repo: Path) -> None:
    run("check", ".", "--write-baseline", ".kubelint-baseline.json")
    Path("labels.yaml").write_text(LABELS.replace("owner: " + "x" * 64, "owner: platform"))
    result = run("check", ".", "--baseline", ".kubelint-baseline.json")
    assert result.exit_code == 0
    assert "(2 files, 3 findings in the baseline, 1 baseline entry no longer occurs)." in result.output

    result = run("check", ".", "--baseline", ".kubelint-baseline.json", "--format", "json")
    document = json.loads(result.output)
    jsonschema.validate(document, CONTRACT)
    assert (document["summary"]["baselined"], document["summary"]["baselineAbsent"]) == (3, 1)
    assert document["findings"] == []
    assert {f["suppressed"] for f in document["suppressed"]} == {"in the baseline"}


def test_each_entry_accepts_as_many_findings_as_it_counts(repo: Path) -> None:
    """Findings that belong to no object share one key per file and rule: the entry counts them."""
    broken = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n\tname: a\n"
    Path("broken.yaml").write_text(broken + "---\n" + broken)
    run("check", "broken.yaml", "--write-baseline", ".kubelint-baseline.json")
    [entry] = json.loads(Path(".kubelint-baseline.json").read_text())["findings"]
    assert (entry["rule"], entry["count"]) == ("yaml-syntax", 2)
    Path("broken.yaml").write_text(broken + "---\n" + broken + "---\n" + broken)
    result = run("check", "broken.yaml", "--baseline", ".kubelint-baseline.json", "--format", "json")
    assert result.exit_code == 1
    document = json.loads(result.output)
    assert [f["line"] for f in document["findings"]] == [14]
    assert document["summary"]["baselined"] == 2


def test_sarif_marks_new_results_under_a_baseline(repo: Path) -> None:
    run("check", "labels.yaml", "--write-baseline", ".kubelint-baseline.json")
    result = run("check", ".", "--baseline", ".kubelint-baseline.json", "--format", "sarif")
    results = json.loads(result.output)["runs"][0]["results"]
    assert results and {r["baselineState"] for r in results} == {"new"}
    assert {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in results} == {"shop.yaml"}


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "--baseline .kubelint-baseline.json: no such file; create it with --write-baseline"),
        ("{", "--baseline .kubelint-baseline.json: not JSON"),
        ('{"findings": []}', 'not a kubelint baseline (no "format": "kubelint-baseline")'),
        ('{"format": "kubelint-baseline", "version": 9, "findings": []}', "baseline version 9 is not 1"),
        ('{"format": "kubelint-baseline", "version": 1, "findings": {}}', '"findings" must be a list'),
        ('{"format": "kubelint-baseline", "version": 1, "findings": [{"rule": "x"}]}', "entry 0 needs a rule and a file"),
        ('{"format": "kubelint-baseline", "version": 1, "findings": [{"rule": "x", "file": "a", "count": 0}]}', "count must"),
    ],
)
def test_unusable_baselines_are_usage_errors(repo: Path, content: str | None, message: str) -> None:
    if content is not None:
        Path(".kubelint-baseline.json").write_text(content)
    result = run("check", ".", "--baseline", ".kubelint-baseline.json")
    assert result.exit_code == 2
    assert message in result.output


def test_no_baseline_is_written_for_a_run_with_missing_paths(repo: Path) -> None:
    result = run("check", "shop.yaml", "missing.yaml", "--write-baseline", ".kubelint-baseline.json")
    assert result.exit_code == 2
    assert "not writing --write-baseline .kubelint-baseline.json" in result.output
    assert not Path(".kubelint-baseline.json").exists()


def test_parse_round_trips() -> None:
    text = (
        '{"format": "kubelint-baseline", "version": 1, "findings": ['
        '{"file": "a.yaml", "rule": "yaml-syntax", "kind": null, "namespace": null, "name": null, "path": null, "count": 2}]}'
    )
    baseline = Baseline.parse(text)
    assert Baseline.parse(baseline.to_text()) == baseline
    with pytest.raises(BaselineError):
        Baseline.parse("[]")
