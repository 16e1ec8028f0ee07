"""Configuration: where it is found, what wins, and every mistake at its line and column."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kubelint.cli import app
from kubelint.config import (
    ConfigError,
    apply_config,
    find_config,
    load_config,
    read_config,
)
from kubelint.model import Severity
from kubelint.pipeline import Options, run_check

runner = CliRunner()

DUPLICATE_KEY = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata:\n  x: '1'\n  x: '2'\n"
BAD_NAME = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: Settings\n"
OFF_BY_DEFAULT_RULE = """\
id: team-label
title: Objects carry a team label
severity: warning
category: custom
enabled: false
since: 0.1.0
description: Every object names the team that owns it.
rationale: Someone must be paged when it breaks.
remediation: Add metadata.labels.team.
references: [https://example.com/labels]
examples:
  bad: "apiVersion: v1\\nkind: ConfigMap\\nmetadata:\\n  name: a\\n"
  good: "apiVersion: v1\\nkind: ConfigMap\\nmetadata:\\n  name: a\\n  labels: {team: web}\\n"
check:
  declarative:
    require: {properties: {metadata: {required: [labels]}}}
    message: "{object} has no labels"
"""


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def configured(tmp_path: Path, config_text: str, name: str = ".kubelint.yaml", **cli: object) -> Options:
    config = write(tmp_path / name, config_text)
    options = Options(**cli)  # type: ignore[arg-type]
    apply_config(options, read_config(config))
    return options


def config_error(tmp_path: Path, config_text: str, name: str = ".kubelint.yaml") -> ConfigError:
    (tmp_path / "crds").mkdir()
    with pytest.raises(ConfigError) as raised:
        configured(tmp_path, config_text, name)
    return raised.value


# --- discovery and precedence


def test_found_upward_nearest_first(tmp_path: Path) -> None:
    deep = tmp_path / "a" / "b"
    deep.mkdir(parents=True)
    assert find_config(deep) is None
    top = write(tmp_path / ".kubelint.yaml", "select: []\n")
    assert find_config(deep) == top
    write(tmp_path / "a" / "pyproject.toml", "[project]\nname = 'x'\n")
    assert find_config(deep) == top, "a pyproject.toml without [tool.kubelint] is passed by"
    middle = write(tmp_path / "a" / "pyproject.toml", "[project]\nname = 'x'\n\n[tool.kubelint]\nselect = []\n")
    assert find_config(deep) == middle
    nearest = write(deep / ".kubelint.yml", "ignore: []\n")
    assert find_config(deep) == nearest
    write(deep / "pyproject.toml", "[tool.kubelint]\n")
    assert find_config(deep) == nearest, ".kubelint.yml comes before pyproject.toml in one directory"


def test_explicit_config_and_empty_files(tmp_path: Path) -> None:
    assert load_config(write(tmp_path / "conf.yaml", "# nothing yet\n")).data == {}
    assert load_config(write(tmp_path / "settings.toml", "[tool.kubelint]\n")).data == {}
    error = pytest.raises(ConfigError, load_config, tmp_path / "missing.yaml").value
    assert "does not exist" in error.message
    error = pytest.raises(ConfigError, load_config, write(tmp_path / "other.toml", "[tool.ruff]\n")).value
    assert "no [tool.kubelint] table" in error.message


def test_every_key_becomes_an_option(tmp_path: Path) -> None:
    write(tmp_path / "policies" / "team-label.yaml", OFF_BY_DEFAULT_RULE)
    (tmp_path / "crds").mkdir()
    options = configured(
        tmp_path,
        """\
kubernetes-version: "1.30"
select: [team-label]
ignore: [api, object-name]
severity: {yaml: warning, yaml-syntax: error}
options: {node-port: {range: "30000-32000"}}
exclude: [vendor, "charts/*/tests/**"]
ignore-paths: {yaml-duplicate-key: ["legacy/**"]}
rules-dirs: [policies]
schema-dirs: [crds]
suppressions:
  - rules: [port-name]
    kind: Deployment
    namespace: shop
    name: web-*
    containers: [sidecar]
    paths: [apps/**]
    reason: upstream chart
""",
    )
    base = str(tmp_path)
    assert options.kubernetes_version == "1.30"
    assert options.enable == {"team-label"} and options.disable == {"api", "object-name"}
    assert options.severities == {"yaml": Severity.WARNING, "yaml-syntax": Severity.ERROR}
    assert options.rule_options == {"node-port": {"range": "30000-32000"}}
    assert options.exclude == ["vendor", *[p for p in options.exclude if "charts" in p]]
    assert f"{base}/charts/*/tests/**" in options.exclude
    assert options.rules_dirs[0].endswith("policies") and options.schema_dirs[0].endswith("crds")
    entry, path_ignore = options.suppressions
    assert (entry.rules, entry.kind, entry.namespace, entry.name, entry.containers) == (
        ("port-name",),
        "Deployment",
        "shop",
        "web-*",
        ("sidecar",),
    )
    assert entry.reason == "upstream chart" and entry.positions == ((11, 13),)
    assert f"{base}/apps/**" in entry.paths
    assert path_ignore.rules == ("yaml-duplicate-key",) and not path_ignore.report_unused


def test_command_line_flags_win(tmp_path: Path) -> None:
    write(tmp_path / "extra" / "team-label.yaml", OFF_BY_DEFAULT_RULE)
    options = configured(
        tmp_path,
        'kubernetes-version: "1.30"\nexclude: [vendor]\n',
        kubernetes_version="1.29",
        exclude=["tmp"],
        rules_dirs=[str(tmp_path / "extra")],
    )
    assert options.kubernetes_version == "1.29"
    assert options.exclude == ["vendor", "tmp"]
    assert options.rules_dirs == [str(tmp_path / "extra")]


def test_the_cli_reads_the_configuration_found_upward(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path / "deploy" / "cm.yaml", DUPLICATE_KEY)
    write(
        tmp_path / "pyproject.toml",
        '[tool.kubelint]\nkubernetes-version = "1.31"\n\n[tool.kubelint.severity]\nyaml-duplicate-key = "warning"\n',
    )
    monkeypatch.chdir(tmp_path / "deploy")
    result = runner.invoke(app, ["check", "cm.yaml", "--format", "json"])
    assert result.exit_code == 0, result.output
    document = json.loads(result.output)
    assert document["kubernetesVersion"] == "1.31"
    assert [f["severity"] for f in document["findings"]] == ["warning"]
    assert runner.invoke(app, ["check", "cm.yaml", "-k", "1.29", "--format", "json"]).output.count('"1.29"') == 1
    write(tmp_path / "strict.yaml", "severity: {yaml: error}\n")
    assert runner.invoke(app, ["validate", "cm.yaml", "--config", "../strict.yaml"]).exit_code == 1


def test_select_ignore_and_severity_decide_what_runs(tmp_path: Path) -> None:
    write(tmp_path / "policies" / "team-label.yaml", OFF_BY_DEFAULT_RULE)
    manifest = write(tmp_path / "m.yaml", BAD_NAME)

    def rules_fired(config_text: str) -> dict[str, str]:
        options = configured(tmp_path, "rules-dirs: [policies]\n" + config_text)
        return {f.rule: f.severity.label for f in run_check([str(manifest)], options).findings}

    assert rules_fired("") == {"object-name": "error"}
    assert rules_fired("select: [team-label]\n") == {"object-name": "error", "team-label": "warning"}
    assert rules_fired("select: [custom]\n") == {"object-name": "error", "team-label": "warning"}
    assert rules_fired("ignore: [api]\n") == {}
    assert rules_fired("ignore: [api]\nselect: [object-name]\n") == {"object-name": "error"}, (
        "an id wins over its category"
    )
    assert rules_fired("select: [api]\nignore: [api]\n") == {}, "ignore wins at the same level"
    assert rules_fired("severity: {api: info, object-name: warning}\n") == {"object-name": "warning"}
    assert rules_fired("severity: {api: info}\n") == {"object-name": "info"}


def test_severity_and_ignore_apply_to_loader_findings(tmp_path: Path) -> None:
    manifest = write(tmp_path / "m.yaml", DUPLICATE_KEY)
    assert [
        f.severity for f in run_check([str(manifest)], configured(tmp_path, "severity: {yaml: info}\n")).findings
    ] == [Severity.INFO]
    assert run_check([str(manifest)], configured(tmp_path, "ignore: [yaml-duplicate-key]\n")).findings == []


def test_globs_with_a_slash_start_at_the_configuration(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path / "apps" / "legacy" / "cm.yaml", DUPLICATE_KEY)
    write(tmp_path / "apps" / "new" / "cm.yaml", DUPLICATE_KEY)
    write(tmp_path / ".kubelint.yaml", "exclude: [apps/legacy/*]\n")
    monkeypatch.chdir(tmp_path / "apps")
    result = runner.invoke(app, ["check", ".", "--format", "json"])
    assert [f["file"] for f in json.loads(result.output)["findings"]] == ["new/cm.yaml"]
    absolute = runner.invoke(app, ["check", str(tmp_path / "apps"), "--format", "json"])
    assert [f["file"] for f in json.loads(absolute.output)["findings"]] == [f"{tmp_path}/apps/new/cm.yaml"]


# --- mistakes, each at its line and column

YAML_MISTAKES = [
    ("selct: [api]\n", 1, 1, 'selct: unknown key; did you mean "select"?'),
    (
        "suppressions:\n  - rules: [api]\n    kinds: Pod\n    reason: r\n",
        3,
        5,
        'suppressions[0].kinds: unknown key; did you mean "kind"?',
    ),
    ("suppressions:\n  - rules: [api]\n", 2, 5, 'suppressions[0]: "reason" is a required property'),
    (
        "severity:\n  object-name: fatal\n",
        2,
        16,
        'severity.object-name: "fatal" is not one of "error", "warning" or "info"',
    ),
    (
        "kubernetes-version: 1.30\n",
        1,
        21,
        'the unquoted 1.30 is read as a number (YAML 1.1, as kubectl reads it): quote it as "1.30"',
    ),
    ('kubernetes-version: "1.10"\n', 1, 21, "kubernetes-version: no schemas for Kubernetes '1.10'; the bundled"),
    (
        "select: [api, objet-name]\n",
        1,
        15,
        'select[1]: unknown rule or category "objet-name"; did you mean "object-name"?',
    ),
    (
        "severity:\n  objectname: info\n",
        2,
        3,
        'severity.objectname: unknown rule or category "objectname"; did you mean "object-name"?',
    ),
    ("ignore-paths:\n  yaml-dupe-key: [x/**]\n", 2, 3, 'did you mean "yaml-duplicate-key"?'),
    ("suppressions:\n  - rules: [port-nam]\n    reason: r\n", 2, 13, 'unknown rule or category "port-nam"'),
    ("options:\n  node-port:\n    ragne: 1-2\n", 3, 5, "rule node-port has no option 'ragne'; did you mean \"range\"?"),
    (
        "options:\n  node-port:\n    range: 30000\n",
        3,
        12,
        "options.node-port.range: expected string, got integer 30000",
    ),
    ("options:\n  object-name:\n    x: 1\n", 3, 5, "rule object-name has no option 'x'; it has no options"),
    ("options:\n  api:\n    x: 1\n", 2, 3, 'options.api: unknown rule (options are per rule) "api"'),
    (
        "ignore: [input-error]\n",
        1,
        10,
        "ignore[0]: the input rules say that a file could not be read or checked; they cannot be turned off",
    ),
    ("rules-dirs: [nowhere]\n", 1, 14, "rules-dirs[0]: the rules directory does not exist"),
    ("schema-dirs: [crds, nowhere]\n", 1, 21, "schema-dirs[1]: the schema directory"),
    ("ignore-paths:\n  object-name: []\n", 2, 3, "[] has less than 1 item"),
    ("- select\n", 1, 1, "a kubelint configuration must hold exactly one YAML mapping"),
    ("select: [a\n", 2, 1, ""),
]


@pytest.mark.parametrize(
    ("text", "line", "column", "message"),
    YAML_MISTAKES,
    ids=[m[0].split(":")[0] + str(i) for i, m in enumerate(YAML_MISTAKES)],
)
def test_yaml_mistakes_name_their_line(tmp_path: Path, text: str, line: int, column: int, message: str) -> None:
    error = config_error(tmp_path, text)
    assert error.file.endswith(".kubelint.yaml")
    assert (error.line, error.column) == (line, column), error
    assert message in error.message


TOML_MISTAKES = [
    ('[tool.kubelint]\nselct = ["api"]\n', 2, 1, 'selct: unknown key; did you mean "select"?'),
    ('[tool.kubelint]\nselect = ["api", "objet-name"]\n', 2, 18, 'unknown rule or category "objet-name"'),
    ('[tool.kubelint.severity]\nobject-name = "fatal"\n', 2, 15, '"fatal" is not one of'),
    ('[tool.kubelint]\nseverity = {objectname = "info"}\n', 2, 13, 'did you mean "object-name"?'),
    ("[tool.kubelint.options.node-port]\nrange = 30000\n", 2, 9, "expected string, got integer 30000"),
    (
        (
            '[[tool.kubelint.suppressions]]\nrules = ["api"]\nreason = "r"\n\n'
            '[[tool.kubelint.suppressions]]\nrules = ["api"]\nkinds = "Pod"\nreason = "r"\n'
        ),
        7,
        1,
        'did you mean "kind"?',
    ),
    ('[tool.kubelint]\nselect = ["api"\n', 3, 1, "invalid TOML"),
    ("[tool]\nkubelint = 3\n", 2, 12, "[tool.kubelint] must be a table"),
]


@pytest.mark.parametrize(
    ("text", "line", "column", "message"), TOML_MISTAKES, ids=[str(i) for i in range(len(TOML_MISTAKES))]
)
def test_pyproject_mistakes_name_their_line(tmp_path: Path, text: str, line: int, column: int, message: str) -> None:
    error = config_error(tmp_path, text, name="pyproject.toml")
    assert (error.line, error.column) == (line, column), error
    assert message in error.message


def test_a_bad_configuration_is_a_usage_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path / "m.yaml", BAD_NAME)
    write(tmp_path / ".kubelint.yaml", "select: [objet-name]\n")
    monkeypatch.chdir(tmp_path)
    for command in (["check", "m.yaml"], ["validate", "m.yaml"], ["rules"], ["explain", "object-name"]):
        result = runner.invoke(app, command)
        assert result.exit_code == 2, command
        assert (
            '.kubelint.yaml:1:10: select[0]: unknown rule or category "objet-name"; did you mean "object-name"?'
            in result.output
        )
