"""Schema validation: versions, messages and positions, strictness, CRDs, CEL, schema folders, removed APIs."""

from __future__ import annotations

import json
import os
import textwrap
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kubelint.cli import app
from kubelint.model import Finding
from kubelint.pipeline import VALIDATE_CATEGORIES, Options, run_check
from kubelint.schema import UnknownVersionError, bundled_versions, newest_version, normalize_version, resolve_version
from kubelint.schema.stage import RULES

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "fixtures" / "schema"
SEEDS = ROOT / "fixtures" / "seeds"


def validate(tmp_path: Path, text: str, **options: object) -> list[Finding]:
    """The schema stage's findings for one manifest, as ``kubelint validate manifest.yaml`` run in its folder."""
    (tmp_path / "manifest.yaml").write_text(textwrap.dedent(text))
    here = os.getcwd()
    os.chdir(tmp_path)
    try:
        report = run_check(["manifest.yaml"], Options(categories=VALIDATE_CATEGORIES, **options))
    finally:
        os.chdir(here)
    return [f for f in report.findings if f.rule in RULES]


def said(findings: list[Finding]) -> list[str]:
    return [f"{f.line}:{f.column} {f.rule} {f.severity.label}: {f.message}" for f in findings]


DEPLOYMENT = """\
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
      - name: web
        image: nginx:1.27
"""


# --- versions ----------------------------------------------------------------------------------------------------


def test_at_least_eight_minor_versions_from_1_25_are_bundled() -> None:
    versions = bundled_versions()
    minors = [int(v.split(".")[1]) for v in versions]
    assert versions[0] == "1.25" and len(versions) >= 8
    assert minors == list(range(25, minors[-1] + 1))
    assert newest_version() == versions[-1]


@pytest.mark.parametrize("text", ["1.30", "v1.30", "1.30.4", " v1.30.0 "])
def test_version_spellings(text: str) -> None:
    assert resolve_version(text) == "1.30"


@pytest.mark.parametrize("text", ["1.24", "2.0", "latest", "1.99"])
def test_unknown_versions_list_the_bundled_ones(text: str) -> None:
    with pytest.raises(UnknownVersionError, match="1.25, 1.26"):
        resolve_version(text)


def test_a_target_version_may_be_newer_than_the_bundles() -> None:
    assert normalize_version("v1.40.2") == "1.40"
    with pytest.raises(UnknownVersionError):
        normalize_version("next")


def test_default_version_is_the_newest_bundled(tmp_path: Path) -> None:
    path = tmp_path / "m.yaml"
    path.write_text(textwrap.dedent(DEPLOYMENT))
    assert run_check([str(path)]).kubernetes_version == newest_version()


# --- messages and positions -------------------------------------------------------------------------------------


def test_messages_for_people(tmp_path: Path, snapshot) -> None:  # type: ignore[no-untyped-def]
    """One file per kind of mistake (fixtures/schema/messages/): what each says, where."""
    out = {}
    for path in sorted((FIXTURES / "messages").glob("*.yaml")):
        out[path.name] = said(validate(tmp_path, path.read_text()))
    assert out == snapshot


def test_the_seeds_schema_mistakes(snapshot) -> None:  # type: ignore[no-untyped-def]
    """What fixtures/seeds/README.md promises for the schema: selectors typed as numbers, probe fields
    outside their probe, the extensions/v1beta1 Ingress and ReplicaSet."""
    report = run_check([str(SEEDS)], Options(categories=VALIDATE_CATEGORIES))
    out = [f"{Path(f.file).name}:{f.line}:{f.column} {f.rule}: {f.message}" for f in report.findings if f.rule in RULES]
    assert out == snapshot
    removal = [line for line in out if "001-ingress-simple.yaml:5:13 removed-api" in line]
    assert removal and "backend.serviceName becomes backend.service.name" in removal[0]
    assert "pathType is required" in removal[0]
    assert any("001-replicaset-kuard.yaml:4:13 removed-api" in line and "spec.selector is required" in line for line in out)


def test_unknown_field_points_at_the_key_with_a_did_you_mean(tmp_path: Path) -> None:
    text = DEPLOYMENT.replace("  containers:", "  contianers:")
    findings = validate(tmp_path, text)
    unknown = [f for f in findings if f.rule == "unknown-field"]
    assert said(unknown) == [
        '12:7 unknown-field error: unknown field "contianers" in spec.template.spec; did you mean "containers"?'
    ]
    assert [f.path for f in unknown] == ["spec.template.spec.contianers"]


def test_no_strict_turns_unknown_fields_off(tmp_path: Path) -> None:
    text = DEPLOYMENT.replace("  containers:", "  contianers:")
    assert [f.rule for f in validate(tmp_path, text, strict=False)] == ["schema"]  # containers is still missing


def test_null_where_a_required_list_belongs(tmp_path: Path) -> None:
    text = DEPLOYMENT.replace("      - name: web\n        image: nginx:1.27\n", "")
    assert said(validate(tmp_path, text)) == [
        "12:7 schema error: spec.template.spec.containers is required, but it is empty (null)"
    ]


def test_null_in_an_optional_field_is_no_value(tmp_path: Path) -> None:
    text = DEPLOYMENT.replace("spec:\n  selector:", "spec:\n  replicas: ~\n  strategy:\n  selector:")
    assert "replicas: ~" in text and validate(tmp_path, text) == []


def test_int_or_string_and_quantities(tmp_path: Path) -> None:
    text = DEPLOYMENT.replace(
        "        image: nginx:1.27\n",
        "        image: nginx:1.27\n"
        "        resources: {requests: {cpu: 0.5, memory: 128Mi}, limits: {cpu: true}}\n"
        "        readinessProbe: {httpGet: {port: http}}\n"
        "        livenessProbe: {httpGet: {port: [8080]}}\n",
    )
    assert said(validate(tmp_path, text)) == [
        '15:72 schema error: spec.template.spec.containers[0].resources.limits.cpu: expected a quantity such as '
        '"500m", "1Gi" or 2, got boolean true',
        "17:35 schema error: spec.template.spec.containers[0].livenessProbe.httpGet.port: expected integer or string, got array",
    ]


def test_messages_do_not_depend_on_where_the_schema_comes_from(tmp_path: Path) -> None:
    """The same mistakes in a built-in kind, a CRD's kind and a --schema-dir kind read the same."""
    builtin = said(validate(tmp_path, (FIXTURES / "same-mistakes" / "builtin.yaml").read_text()))
    crd = said(validate(tmp_path, (FIXTURES / "same-mistakes" / "custom.yaml").read_text()))
    directory = said(
        validate(
            tmp_path,
            (FIXTURES / "same-mistakes" / "custom.yaml").read_text().split("---\n", 1)[1],
            schema_dirs=[str(FIXTURES / "catalog")],
        )
    )
    assert builtin and [m.split(" ", 1)[1] for m in builtin] == [m.split(" ", 1)[1] for m in crd[-len(builtin):]]
    assert [m.split(" ", 1)[1] for m in directory] == [m.split(" ", 1)[1] for m in crd[-len(builtin):]]


# --- removed and deprecated APIs ---------------------------------------------------------------------------------


def test_removed_and_deprecated_apis_by_version(tmp_path: Path) -> None:
    hpa = """\
        apiVersion: autoscaling/v2beta2
        kind: HorizontalPodAutoscaler
        metadata: {name: web}
        spec:
          scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
          maxReplicas: 3
        """
    at_1_25 = validate(tmp_path, hpa, kubernetes_version="1.25")
    assert [(f.rule, f.severity.label) for f in at_1_25] == [("deprecated-api", "warning")]
    assert "deprecated since Kubernetes 1.23 and will be removed in 1.26; use autoscaling/v2" in at_1_25[0].message
    at_1_26 = validate(tmp_path, hpa, kubernetes_version="1.26")
    assert [(f.rule, f.line, f.column) for f in at_1_26] == [("removed-api", 1, 13)]
    assert at_1_26[0].message.startswith("autoscaling/v2beta2 HorizontalPodAutoscaler was removed in Kubernetes 1.26")


def test_target_version_answers_will_it_still_work(tmp_path: Path) -> None:
    flow = """\
        apiVersion: flowcontrol.apiserver.k8s.io/v1beta3
        kind: FlowSchema
        metadata: {name: probes}
        spec:
          priorityLevelConfiguration: {name: exempt}
        """
    assert [f.rule for f in validate(tmp_path, flow, kubernetes_version="1.28")] == []
    upgrade = validate(tmp_path, flow, kubernetes_version="1.28", target_version="1.32")
    assert [f.rule for f in upgrade] == ["removed-api"]
    assert "is served by Kubernetes 1.28 but was removed in 1.32, so it fails on the target version 1.32" in upgrade[0].message
    assert "use flowcontrol.apiserver.k8s.io/v1 FlowSchema (served since 1.29)" in upgrade[0].message
    assert [f.rule for f in validate(tmp_path, flow, kubernetes_version="1.28", target_version="1.30")] == ["deprecated-api"]


def test_kinds_and_api_versions_nobody_serves(tmp_path: Path, snapshot) -> None:  # type: ignore[no-untyped-def]
    texts = {
        "typo in the apiVersion": "apiVersion: app/v1\nkind: Deployment\nmetadata: {name: a}\n",
        "typo in the kind": "apiVersion: apps/v1\nkind: Deploymnet\nmetadata: {name: a}\n",
        "kind in the wrong group": "apiVersion: v1\nkind: Deployment\nmetadata: {name: a}\n",
        "version that never was": "apiVersion: apps/v1beta9\nkind: Deployment\nmetadata: {name: a}\n",
        "removed kind, current group": "apiVersion: policy/v1\nkind: PodSecurityPolicy\nmetadata: {name: a}\n",
        "custom resource without a CRD": "apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: a}\n",
    }
    assert {name: said(validate(tmp_path, text)) for name, text in texts.items()} == snapshot


def test_ignore_missing_schemas_and_skip_kinds(tmp_path: Path) -> None:
    widget = "apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: a}\n"
    assert [f.severity.label for f in validate(tmp_path, widget, ignore_missing_schemas=True)] == ["info"]
    assert validate(tmp_path, widget, skip_kinds=frozenset({"Widget"})) == []
    assert validate(tmp_path, widget, skip_kinds=frozenset({"example.com/v1/Widget"})) == []
    assert len(validate(tmp_path, widget, skip_kinds=frozenset({"example.com/v2/Widget"}))) == 1
    typo = "apiVersion: apps/v1\nkind: Deploymnet\nmetadata: {name: a}\n"
    assert [f.severity.label for f in validate(tmp_path, typo, ignore_missing_schemas=True)] == ["error"]


# --- custom resources --------------------------------------------------------------------------------------------


def test_crds_in_the_input_validate_their_resources(tmp_path: Path, snapshot) -> None:  # type: ignore[no-untyped-def]
    findings = validate(tmp_path, (FIXTURES / "crd-and-resources.yaml").read_text())
    assert said(findings) == snapshot


def test_a_crd_in_another_file_counts(tmp_path: Path) -> None:
    crd, resources = (FIXTURES / "crd-and-resources.yaml").read_text().split("---\n", 1)
    (tmp_path / "crd.yaml").write_text(crd)
    (tmp_path / "resources.yaml").write_text(resources)
    report = run_check([str(tmp_path)], Options(categories=frozenset({"schema"})))
    rules = {f.rule for f in report.findings}
    assert {"schema", "cel-validation"} <= rules
    assert not [f for f in report.findings if f.message.startswith("no schema for")]


def test_schema_dir_layouts(tmp_path: Path) -> None:
    """{kind}_{version}.json, {group}/{kind}_{version}.json and CRD YAML files all give schemas."""
    text = """\
        apiVersion: example.com/v1
        kind: Widget
        metadata: {name: a}
        spec: {size: big}
        ---
        apiVersion: grouped.example.com/v1beta1
        kind: Gadget
        metadata: {name: b}
        spec: {colour: red, shade: 3}
        ---
        apiVersion: stable.example.com/v1
        kind: CronTab
        metadata: {name: c}
        spec: {cronSpec: 5}
        """
    assert validate(tmp_path, text)[0].rule == "unknown-kind"
    findings = validate(tmp_path, text, schema_dirs=[str(FIXTURES / "catalog")])
    assert said(findings) == [
        '4:14 schema error: spec.size: expected integer, got string "big"',
        '9:21 unknown-field error: unknown field "shade" in spec',
        '14:18 schema error: spec.cronSpec: expected string, got integer 5; the unquoted 5 is read as an integer '
        '(YAML 1.1, as kubectl reads it): quote it as "5"',
    ]


def test_schema_files_never_fetch_from_the_network(tmp_path: Path) -> None:
    (tmp_path / "schemas").mkdir()
    (tmp_path / "schemas" / "remote_v1.json").write_text(json.dumps({"$ref": "https://example.com/remote.json"}))
    findings = validate(tmp_path, "apiVersion: x.example.com/v1\nkind: Remote\nmetadata: {name: a}\n",
                        schema_dirs=[str(tmp_path / "schemas")])
    assert [f.rule for f in findings] == ["crd-schema"]
    assert "https://example.com/remote.json, which kubelint does not fetch" in findings[0].message


# --- the command line ---------------------------------------------------------------------------------------------


def test_an_unknown_kubernetes_version_is_a_usage_error() -> None:
    result = CliRunner().invoke(app, ["validate", str(SEEDS / "000-kuard-pod.yaml"), "-k", "1.12"])
    assert result.exit_code == 2
    assert "1.25" in result.output and newest_version() in result.output


def test_the_readme_example_is_what_kubelint_says(monkeypatch: pytest.MonkeyPatch) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Schema validation", 1)[1]
    command, expected = section.split("```text\n$ ", 1)[1].split("\n```", 1)[0].split("\n", 1)
    monkeypatch.chdir(ROOT)
    result = CliRunner().invoke(app, command.split()[1:] + ["--no-color"])
    assert result.output.strip() == expected.strip()


def test_schemas_command_lists_versions_and_kinds() -> None:
    result = CliRunner().invoke(app, ["schemas", "-k", "v1.30"])
    assert result.exit_code == 0
    assert result.output.startswith(f"Bundled Kubernetes versions: {', '.join(bundled_versions())}")
    assert "Kinds served by Kubernetes 1.30" in result.output
    assert any(line.split()[:2] == ["apps/v1", "ControllerRevision,"] for line in result.output.splitlines())
    listing = json.loads(CliRunner().invoke(app, ["schemas", "--format", "json"]).output)
    assert "Deployment" in listing["kinds"]["apps/v1"] and "v1/Endpoints" in listing["deprecated"]


def test_cli_flags_reach_the_schema_stage(tmp_path: Path) -> None:
    path = tmp_path / "widget.yaml"
    path.write_text("apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: a}\n")
    runner = CliRunner()
    assert runner.invoke(app, ["validate", str(path), "--no-color"]).exit_code == 1
    assert runner.invoke(app, ["validate", str(path), "--ignore-missing-schemas"]).exit_code == 0
    assert runner.invoke(app, ["validate", str(path), "--skip-kinds", "Gadget,Widget"]).exit_code == 0
    assert runner.invoke(app, ["validate", str(path), "--schema-dir", str(tmp_path / "nope")]).exit_code == 2
    assert runner.invoke(app, ["validate", str(path), "--target-version", "soon"]).exit_code == 2


# --- real manifests (../shared/corpus, when present) ---------------------------------------------------------------

CORPUS = ROOT.parent / "shared" / "corpus"
needs_corpus = pytest.mark.skipif(not CORPUS.is_dir(), reason="the shared corpus is not here")


def _schema_findings(*paths: Path, **options: object) -> list[Finding]:
    report = run_check([str(p) for p in paths], Options(categories=VALIDATE_CATEGORIES, **options))
    return [f for f in report.findings if f.rule in RULES]


@needs_corpus
@pytest.mark.parametrize(
    "project",
    ["stefanprodan__podinfo", "GoogleCloudPlatform__microservices-demo", "rancher__local-path-provisioner",
     "open-telemetry__opentelemetry-demo@2.2.0", "kubernetes__kube-state-metrics", "dockersamples__example-voting-app"],
)
def test_real_manifests_validate_clean(project: str) -> None:
    """Nothing but information: custom resources whose CRDs the project does not ship."""
    findings = _schema_findings(CORPUS / project, ignore_missing_schemas=True)
    wrong = [f"{f.file}:{f.line} {f.rule}: {f.message}" for f in findings if f.severity.label != "info"]
    assert not wrong, wrong[:5]


@needs_corpus
def test_gateway_api_examples_against_its_crds() -> None:
    """The Gateway API's own examples pass its CRDs; every one of its deliberately invalid
    examples is caught (schema, list keys, CEL), at a line of its own file."""
    gateway = CORPUS / "kubernetes-sigs__gateway-api"
    invalid = gateway / "hack" / "invalid-examples" / "standard"
    findings = _schema_findings(gateway / "config" / "crd" / "standard", gateway / "examples" / "standard", invalid)
    caught = {Path(f.file).resolve() for f in findings}
    assert caught == {path.resolve() for path in invalid.rglob("*.yaml")}


@needs_corpus
def test_old_snapshots_are_removed_apis() -> None:
    findings = _schema_findings(CORPUS / "kubernetes__dashboard@v1.10.1", CORPUS / "kubernetes__ingress-nginx@2019-05")
    assert {f.rule for f in findings} == {"removed-api"}
    assert any("extensions/v1beta1 Ingress was removed in Kubernetes 1.22" in f.message for f in findings)
    assert any("extensions/v1beta1 DaemonSet was removed in Kubernetes 1.16" in f.message for f in findings)


# --- CEL and CRD edge cases -------------------------------------------------------------------------------------------

CRD_WITH = """\
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: probes.example.com
spec:
  group: example.com
  scope: Namespaced
  names: {plural: probes, kind: Probe}
  versions:
  - name: v1
    served: true
    storage: true
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec:
            type: object
{spec}
---
apiVersion: example.com/v1
kind: Probe
metadata: {{name: p}}
spec: {value}
"""


def _crd(spec: str, value: str) -> str:
    indented = textwrap.indent(textwrap.dedent(spec), " " * 12)
    return CRD_WITH.replace("{spec}", indented.rstrip("\n")).replace("{value}", value).replace("{{", "{").replace("}}", "}")


def test_cel_rules_kubelint_cannot_judge_are_skipped_not_reported(tmp_path: Path) -> None:
    spec = """\
        x-kubernetes-validations:
        - rule: self.name.frobnicate() == 'x'
        - rule: self.name == oldSelf.name
        properties:
          name: {type: string}
        """
    assert validate(tmp_path, _crd(spec, "{name: a}")) == []


def test_a_field_read_without_has_is_reported_as_the_server_does(tmp_path: Path) -> None:
    spec = """\
        x-kubernetes-validations:
        - rule: self.name.startsWith('p-')
          message: names start with p-
        properties:
          name: {type: string}
        """
    assert said(validate(tmp_path, _crd(spec, "{name: p-1}"))) == []
    assert said(validate(tmp_path, _crd(spec, "{name: x}"))) == ["28:1 cel-validation error: spec: names start with p-"]
    missing = said(validate(tmp_path, _crd(spec, "{other: 1}")))
    assert missing[0].startswith("28:1 cel-validation error: spec: rule \"self.name.startsWith('p-')\" could not be evaluated: no such key")


def test_invalid_cel_and_uncompilable_schemas_are_the_crds_problem_once(tmp_path: Path) -> None:
    spec = """\
        x-kubernetes-validations:
        - rule: self.name ==
        properties:
          name: {type: string, pattern: '(unclosed'}
        """
    text = _crd(spec, "{name: a}") + "---\napiVersion: example.com/v1\nkind: Probe\nmetadata: {name: q}\nspec: {name: b}\n"
    findings = validate(tmp_path, text)
    assert [(f.rule, f.line) for f in findings] == [("crd-schema", 14)]
    assert "the schema of example.com/v1 Probe cannot be used" in findings[0].message


def test_broken_crds_and_resources_never_raise(tmp_path: Path) -> None:
    texts = [
        "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata: {name: a}\nspec: [1, 2]\n",
        "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata: {name: b}\n"
        "spec: {group: g.example.com, names: {kind: K}, versions: {v1: true}}\n---\n"
        "apiVersion: g.example.com/v1\nkind: K\nmetadata: {name: k}\n",
        _crd("properties: [not, a, map]\n", "[1, 2]"),
        _crd("x-kubernetes-validations: {rule: true}\n", "{a: 1}"),
    ]
    for text in texts:
        assert not [f for f in run_check_text(tmp_path, text) if f.rule == "internal-error"], text


def run_check_text(tmp_path: Path, text: str) -> list[Finding]:
    (tmp_path / "broken.yaml").write_text(text)
    return run_check([str(tmp_path / "broken.yaml")], Options(categories=VALIDATE_CATEGORIES)).findings


def test_a_target_version_older_than_the_api(tmp_path: Path) -> None:
    """--target-version can also ask about a downgrade: the API did not exist yet."""
    flow = "apiVersion: flowcontrol.apiserver.k8s.io/v1\nkind: FlowSchema\nmetadata: {name: f}\nspec:\n  priorityLevelConfiguration: {name: exempt}\n"
    findings = validate(tmp_path, flow, target_version="1.28")
    assert said(findings) == [
        "1:13 removed-api error: flowcontrol.apiserver.k8s.io/v1 FlowSchema is served by Kubernetes 1.37 but not by the target version 1.28"
    ]


def test_without_a_cel_interpreter_the_rules_are_said_to_be_skipped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """On Python 3.10 (no common-expression-language) nothing is guessed: one info on the CRD."""
    from kubelint.schema import cel

    def unavailable() -> None:
        raise cel.CelUnavailable("CEL rules need the common-expression-language package (Python 3.11 or later)")

    monkeypatch.setattr(cel, "_context", unavailable)
    spec = """\
        x-kubernetes-validations:
        - rule: self.name.startsWith('p-')
        properties:
          name: {type: string}
        """
    assert said(validate(tmp_path, _crd(spec, "{name: x}"))) == [
        "14:7 cel-validation info: the CEL rules of example.com/v1 Probe were not evaluated: "
        "CEL rules need the common-expression-language package (Python 3.11 or later)"
    ]
