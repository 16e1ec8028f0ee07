"""Every ``--format`` of check/validate: snapshots on one fixed run, and what the
consumers need (SARIF against the OASIS schema, JUnit against the XSD
kubeconform's tests use, GitHub's escaping, GitLab's fingerprints).

The fixed run reads tests/data/formats: an error and a warning on one
Deployment, a clean Service, a YAML syntax error that belongs to no object,
Helm values that are skipped, and a ``helm template`` stream on standard
input whose finding names its template.
"""

from __future__ import annotations

import io
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import pytest
from typer.testing import CliRunner

from kubelint.cli import app
from kubelint.model import Finding, ObjectRef, Report, Severity
from kubelint.pipeline import run_check, summarize
from kubelint.report import FORMATS, render
from kubelint.report.common import fingerprints
from kubelint.report.github import escape_data, escape_property
from kubelint.report.markdown import COLLAPSE_AFTER, MAX_ROWS
from kubelint.rulebook import load_rules

ROOT = Path(__file__).resolve().parent.parent
DATA = Path("tests/data/formats")
CONTRACTS = ROOT / "docs" / "contracts"
HELM_STREAM = (ROOT / DATA / "helm-stream.yaml").read_bytes()


@pytest.fixture
def in_root(monkeypatch: pytest.MonkeyPatch) -> None:
    """Files are named relative to the repository, as CI names them."""
    monkeypatch.chdir(ROOT)


@pytest.fixture
def report(in_root: None) -> Report:
    paths = [str(DATA / "shop.yaml"), str(DATA / "broken.yaml"), str(DATA / "not-kubernetes.yaml"), "-"]
    return run_check(paths, stdin=io.BytesIO(HELM_STREAM))


def made_report(findings: list[Finding]) -> Report:
    """A report of hand-made findings, for what no rule says yet (infos, odd characters)."""
    report = Report(kubernetes_version="1.37", findings=sorted(findings, key=Finding.sort_key))
    summarize(report, files=len({f.file for f in findings}), skipped=0)
    return report


def test_the_fixed_run_has_what_the_formats_must_show(report: Report) -> None:
    said = {(f.file, f.rule, f.severity.label, f.source) for f in report.findings}
    assert said == {
        ("-", "object-name", "error", "shop/templates/service.yaml"),
        ("tests/data/formats/broken.yaml", "yaml-syntax", "error", None),
        ("tests/data/formats/shop.yaml", "selector-mismatch", "error", None),
        ("tests/data/formats/shop.yaml", "duplicate-env-var", "warning", None),
    }
    assert report.summary.skipped_documents == 1


@pytest.mark.parametrize("format", sorted(FORMATS))
def test_format_snapshot(report: Report, format: str, snapshot) -> None:  # type: ignore[no-untyped-def]
    text = render(report, format)
    assert text == snapshot
    assert render(report, format) == text, "same input, same bytes"


@pytest.mark.parametrize("format", sorted(FORMATS))
def test_cli_accepts_every_format(in_root: None, format: str) -> None:
    result = CliRunner().invoke(app, ["check", str(DATA / "shop.yaml"), "--format", format])
    assert result.exit_code == 1, result.output
    assert "selector-mismatch" in result.output


# SARIF


def sarif_validator() -> jsonschema.Draft4Validator:
    schema = json.loads((CONTRACTS / "sarif-schema-2.1.0.json").read_text())
    return jsonschema.Draft4Validator(schema)


def test_sarif_is_valid_sarif_2_1_0(report: Report) -> None:
    document = json.loads(render(report, "sarif"))
    errors = sorted(sarif_validator().iter_errors(document), key=str)
    assert not errors, errors[0].message
    assert document["version"] == "2.1.0"


def test_sarif_rules_carry_the_rule_files_documentation(report: Report) -> None:
    [run] = json.loads(render(report, "sarif"))["runs"]
    driver = run["tool"]["driver"]
    assert (driver["name"], driver["informationUri"]) == ("kubelint", "https://github.com/kubelint/kubelint")
    rules = {rule["id"]: rule for rule in driver["rules"]}
    assert sorted(rules) == ["duplicate-env-var", "object-name", "selector-mismatch", "yaml-syntax"]
    source = load_rules()["duplicate-env-var"]
    described = rules["duplicate-env-var"]
    assert described["shortDescription"]["text"] == source.title
    assert described["fullDescription"]["text"] == source.doc["description"].strip()
    assert source.doc["rationale"].strip() in described["help"]["text"]
    assert source.doc["remediation"].strip() in described["help"]["text"]
    assert described["helpUri"].endswith("docs/rules.md#duplicate-env-var")
    assert described["defaultConfiguration"]["level"] == "warning"
    for result in run["results"]:
        assert driver["rules"][result["ruleIndex"]]["id"] == result["ruleId"]


def test_sarif_results_have_regions_relative_uris_and_helm_templates(report: Report) -> None:
    [run] = json.loads(render(report, "sarif"))["runs"]
    by_rule = {result["ruleId"]: result for result in run["results"]}
    warning = by_rule["duplicate-env-var"]
    assert warning["level"] == "warning"
    physical = warning["locations"][0]["physicalLocation"]
    assert physical["artifactLocation"] == {"uri": "tests/data/formats/shop.yaml", "uriBaseId": "%SRCROOT%"}
    assert physical["region"] == {"startLine": 24, "startColumn": 17}
    assert warning["locations"][0]["logicalLocations"][0]["name"] == "Deployment shop/web"
    helm = by_rule["object-name"]
    assert helm["locations"][0]["physicalLocation"]["artifactLocation"] == {"uri": "-"}
    assert helm["message"]["text"].endswith("(from shop/templates/service.yaml)")


def test_sarif_paths_are_uris(in_root: None, tmp_path: Path) -> None:
    """Absolute paths inside the working directory become relative; others absolute file URIs."""
    inside = made_report([Finding("yaml-syntax", Severity.ERROR, "bad", str(ROOT / DATA / "a b#1.yaml"), 1, 1)])
    outside = made_report([Finding("yaml-syntax", Severity.ERROR, "bad", str(tmp_path / "x.yaml"), 1, 1)])
    location = json.loads(render(inside, "sarif"))["runs"][0]["results"][0]["locations"][0]
    assert location["physicalLocation"]["artifactLocation"]["uri"] == "tests/data/formats/a%20b%231.yaml"
    location = json.loads(render(outside, "sarif"))["runs"][0]["results"][0]["locations"][0]
    assert location["physicalLocation"]["artifactLocation"] == {"uri": (tmp_path / "x.yaml").as_uri()}


def test_fingerprints_survive_lines_moving(in_root: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    manifest = (ROOT / DATA / "shop.yaml").read_text()
    Path("shop.yaml").write_text(manifest)
    before = json.loads(render(run_check(["shop.yaml"]), "sarif"))["runs"][0]["results"]
    Path("shop.yaml").write_text("# a comment\n# and another\n" + manifest)
    after = json.loads(render(run_check(["shop.yaml"]), "sarif"))["runs"][0]["results"]
    assert [r["partialFingerprints"] for r in before] == [r["partialFingerprints"] for r in after]
    lines = [r["locations"][0]["physicalLocation"]["region"]["startLine"] for r in (before[0], after[0])]
    assert lines[1] == lines[0] + 2


def test_fingerprints_are_distinct_for_findings_with_one_key() -> None:
    twice = [Finding("yaml-syntax", Severity.ERROR, "bad", "a.yaml", line, 1) for line in (3, 9)]
    first, second = fingerprints(twice)
    assert first != second
    assert fingerprints(twice) == [first, second]


# JUnit


def test_junit_validates_against_the_xsd(report: Report) -> None:
    from lxml import etree

    schema = etree.XMLSchema(etree.parse(str(CONTRACTS / "junit.xsd")))
    for fail_on in ("error", "warning", "never"):
        document = etree.fromstring(render(report, "junit", fail_on=fail_on).encode("utf-8"))
        assert schema.validate(document), schema.error_log


def test_junit_one_testcase_per_object_and_failures_follow_fail_on(report: Report) -> None:
    root = ET.fromstring(render(report, "junit"))
    suites = {suite.get("name"): suite for suite in root}
    assert list(suites) == ["-", "tests/data/formats/broken.yaml", "tests/data/formats/shop.yaml"]
    shop = {case.get("name"): case for case in suites["tests/data/formats/shop.yaml"]}
    assert list(shop) == ["Deployment shop/web", "Service shop/web"]
    failure = shop["Deployment shop/web"].find("failure")
    assert failure is not None and failure.get("message", "").startswith("selector-mismatch: ")
    assert "warning duplicate-env-var" in shop["Deployment shop/web"].findtext("system-out", "")
    assert shop["Service shop/web"].find("failure") is None
    [syntax] = suites["tests/data/formats/broken.yaml"]
    assert syntax.get("name") == "(file)" and syntax.find("failure") is not None
    assert (root.get("tests"), root.get("failures")) == ("5", "3")

    strict = ET.fromstring(render(report, "junit", fail_on="warning"))
    [deployment] = [case for case in strict.iter("testcase") if case.get("name") == "Deployment shop/web"]
    assert deployment.find("failure").get("message") == "2 findings: duplicate-env-var, selector-mismatch"


def test_junit_survives_control_characters() -> None:
    report = made_report([Finding("yaml-encoding", Severity.ERROR, "byte \x00 and \x1b here", "bin.yaml", 1, 1)])
    text = render(report, "junit")
    assert "\x00" not in text and "\x1b" not in text
    assert ET.fromstring(text).find(".//failure") is not None


# GitHub


def test_github_escapes_data_and_properties() -> None:
    assert escape_data("100% sure\r\nnext") == "100%25 sure%0D%0Anext"
    assert escape_property("a:b,c%") == "a%3Ab%2Cc%25"


def test_github_commands_per_severity() -> None:
    report = made_report(
        [
            Finding("label-value", Severity.ERROR, "line one\nline two: 50%", "deploy/a,b:c.yaml", 3, 5),
            Finding("duplicate-env-var", Severity.WARNING, "twice", "deploy/app.yaml", 7, 9),
            Finding("replicas", Severity.INFO, "one replica", "deploy/app.yaml", 8, 3),
            Finding("object-name", Severity.ERROR, "bad name", "-", 15, 9, source="shop/templates/service.yaml"),
        ]
    )
    lines = render(report, "github", quiet=True).splitlines()
    assert lines == [
        "::error title=object-name::standard input, line 15, column 9: bad name (from shop/templates/service.yaml)",
        "::error file=deploy/a%2Cb%3Ac.yaml,line=3,col=5,title=label-value::line one%0Aline two: 50%25",
        "::warning file=deploy/app.yaml,line=7,col=9,title=duplicate-env-var::twice",
        "::notice file=deploy/app.yaml,line=8,col=3,title=replicas::one replica",
    ]


# GitLab


def test_gitlab_code_quality_fields(report: Report) -> None:
    issues = json.loads(render(report, "gitlab"))
    assert {issue["severity"] for issue in issues} == {"critical", "major"}
    for issue in issues:
        assert set(issue) == {"description", "check_name", "fingerprint", "severity", "location"}
        assert set(issue["location"]) == {"path", "lines"} and issue["location"]["lines"]["begin"] >= 1
    assert len({issue["fingerprint"] for issue in issues}) == len(issues)
    warning = next(issue for issue in issues if issue["check_name"] == "duplicate-env-var")
    assert warning["location"] == {"path": "tests/data/formats/shop.yaml", "lines": {"begin": 24}}


def test_gitlab_info_severity() -> None:
    report = made_report([Finding("replicas", Severity.INFO, "one replica", "app.yaml", 8, 3)])
    assert json.loads(render(report, "gitlab"))[0]["severity"] == "info"


# Markdown


def test_markdown_cells_are_escaped() -> None:
    ref = ObjectRef("v1", "ConfigMap", None, None)
    report = made_report([Finding("object-shape", Severity.ERROR, "a | b\nc <script>", "app.yaml", 1, 1, resource=ref)])
    text = render(report, "markdown")
    assert "| ConfigMap/&lt;no name> | a \\| b c &lt;script> |" in text


def test_markdown_collapses_long_reports_and_caps_rows() -> None:
    many = [Finding("label-value", Severity.ERROR, f"problem {n}", f"f{n % 3}.yaml", n + 1, 1) for n in range(COLLAPSE_AFTER + 1)]
    text = render(made_report(many), "markdown")
    assert text.count("<details><summary>") == 3 and "####" not in text
    assert "<summary><code>f0.yaml</code> (7 errors)</summary>" in text

    huge = [Finding("label-value", Severity.ERROR, f"problem {n}", "big.yaml", n + 1, 1) for n in range(MAX_ROWS + 5)]
    text = render(made_report(huge), "markdown")
    assert text.count("| :x: |") == MAX_ROWS
    assert "… and 5 more findings" in text


def test_markdown_without_findings() -> None:
    text = render(made_report([]), "markdown")
    assert text.startswith("### kubelint\n\n:white_check_mark: **No problems in 0 resources (0 files).**")
