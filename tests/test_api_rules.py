"""API-server rules: the seeds' label rules, positions, messages, robustness and the corpus."""

from __future__ import annotations

import os
import textwrap
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kubelint.engine import ActiveRule, Engine
from kubelint.loader.sourcemap import SourceMap
from kubelint.model import Finding, Resource
from kubelint.pipeline import Options, run_check
from kubelint.rulebook import load_rules

RULES = load_rules()
API_RULES = {rule_id: rule for rule_id, rule in RULES.items() if rule.category == "api" and "python" in rule.check}
ENGINE = Engine([ActiveRule(rule, rule.severity, rule.default_options()) for rule in API_RULES.values()], "1.37")
CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"


def check(tmp_path: Path, text: str, *, version: str | None = None, options: dict | None = None) -> list[Finding]:
    path = tmp_path / "manifest.yaml"
    path.write_text(textwrap.dedent(text))
    report = run_check(
        [str(path)], Options(kubernetes_version=version, rule_options=options or {}, enable=frozenset(API_RULES))
    )
    return [finding for finding in report.findings if finding.rule in API_RULES]


def rules_of(findings: list[Finding]) -> list[str]:
    return [finding.rule for finding in findings]


# --- seed 000/001, chapter 6, "Labels and Annotations" -----------------------------------------------------------

SEED_LABEL_KEYS = (
    "Label keys can be broken down into two parts: an optional prefix and a name, separated by a slash. The prefix, "
    "if specified, must be a DNS subdomain with a 253-character limit. The key name is required and must be shorter "
    "than 63 characters. Names must also start and end with an alphanumeric character and permit the use of dashes (-), "
    "underscores (_), and dots (.) between characters."
)
SEED_LABEL_VALUES = (
    "Label values are strings with a maximum length of 63 characters. The contents of the label values follow the same "
    "rules as for label keys."
)
SEED_ANNOTATION_KEYS = "Annotation keys use the same format as label keys."


def labelled(labels: dict[str, str], annotations: dict[str, str] | None = None) -> str:
    lines = ["apiVersion: v1", "kind: ConfigMap", "metadata:", "  name: settings", "  labels:"]
    lines += [f"    {key!r}: {value!r}" for key, value in labels.items()]
    if annotations:
        lines.append("  annotations:")
        lines += [f"    {key!r}: {value!r}" for key, value in annotations.items()]
    return "\n".join(lines) + "\n"


def test_seed_label_keys(tmp_path: Path) -> None:
    """The seed's label key rules, sentence by sentence (SEED_LABEL_KEYS)."""
    valid = {
        "app": "x",  # a name without prefix
        "example.com/app": "x",  # "an optional prefix and a name, separated by a slash"
        ("a" * 61 + "." + "b" * 63 + "." + "c" * 63 + "." + "d" * 63) + "/app": "x",  # a 253-character prefix
        "n" * 62: "x",  # "shorter than 63 characters"
        "my-app_v1.2": "x",  # "dashes (-), underscores (_), and dots (.) between characters"
    }
    assert check(tmp_path, labelled(valid)) == []
    invalid = {
        ("a" * 61 + "." + "b" * 63 + "." + "c" * 63 + "." + "d" * 64) + "/app": "x",  # a 254-character prefix
        "Example.com/app": "x",  # the prefix "must be a DNS subdomain"
        "example.com/": "x",  # "The key name is required"
        "n" * 64: "x",  # longer than 63
        "-app": "x",  # "start ... with an alphanumeric character"
        "app_": "x",  # "... and end with an alphanumeric character"
        "my app": "x",  # nothing but dashes, underscores and dots between
    }
    findings = check(tmp_path, labelled(invalid))
    assert rules_of(findings) == ["label-key"] * len(invalid)
    # The seed's "shorter than 63" is loose at the boundary: the API server accepts exactly 63 (IsLabelKey, and the
    # Kubernetes docs: "63 characters or less"), and kubelint follows the server.
    assert check(tmp_path, labelled({"n" * 63: "x"})) == []


def test_seed_label_values(tmp_path: Path) -> None:
    """SEED_LABEL_VALUES: at most 63 characters, the key name's characters; empty values are allowed."""
    assert check(tmp_path, labelled({"a": "v" * 63, "b": "my-value_v1.2", "c": ""})) == []
    findings = check(tmp_path, labelled({"a": "v" * 64, "b": "-value", "c": "value.", "d": "two words"}))
    assert rules_of(findings) == ["label-value"] * 4


def test_seed_annotation_keys(tmp_path: Path) -> None:
    """SEED_ANNOTATION_KEYS, with the seed's own examples; annotation values are free text."""
    annotations = {"deployment.kubernetes.io/revision": "3", "example.com/icon-url": "https://example.com/icon.png"}
    assert check(tmp_path, labelled({"app": "x"}, annotations)) == []
    findings = check(tmp_path, labelled({"app": "x"}, {"example.com/icon url": "x", "-note": "x"}))
    assert rules_of(findings) == ["annotation-key", "annotation-key"]


def test_seed_selector_in_a_service_is_a_plain_map(tmp_path: Path) -> None:
    """Seed chapter 6: ReplicationControllers and Services use the older, equality-only form."""
    text = """\
        apiVersion: v1
        kind: Service
        metadata:
          name: alpaca
        spec:
          selector:
            matchLabels:
              app: alpaca
          ports:
          - port: 8080
        """
    findings = check(tmp_path, text)
    assert rules_of(findings) == ["selector-syntax"]
    assert "plain map of labels" in findings[0].message and (findings[0].line, findings[0].column) == (7, 5)


# --- positions -----------------------------------------------------------------------------------------------------


def test_label_key_points_at_the_key_and_value_at_the_value(tmp_path: Path) -> None:
    text = """\
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: settings
          labels:
            bad key: "-bad value"
        """
    by_rule = {finding.rule: finding for finding in check(tmp_path, text)}
    assert (by_rule["label-key"].line, by_rule["label-key"].column) == (6, 5)
    assert (by_rule["label-value"].line, by_rule["label-value"].column) == (6, 14)


def test_pod_rules_apply_to_every_pod_template(tmp_path: Path) -> None:
    text = """\
        apiVersion: batch/v1
        kind: CronJob
        metadata:
          name: report
        spec:
          schedule: "0 * * * *"
          jobTemplate:
            spec:
              template:
                spec:
                  restartPolicy: Never
                  containers:
                  - name: Report
                    image: example.com/report:1.0
        """
    findings = check(tmp_path, text)
    assert rules_of(findings) == ["container-name"]
    assert (findings[0].line, findings[0].column, findings[0].path) == (
        13,
        19,
        "spec.jobTemplate.spec.template.spec.containers[0].name",
    )


def test_statefulset_mounts_its_claim_templates(tmp_path: Path) -> None:
    text = """\
        apiVersion: apps/v1
        kind: StatefulSet
        metadata:
          name: db
        spec:
          serviceName: db
          selector:
            matchLabels: {app: db}
          template:
            metadata:
              labels: {app: db}
            spec:
              containers:
              - name: db
                image: postgres:17
                volumeMounts:
                - name: data
                  mountPath: /var/lib/postgresql/data
          volumeClaimTemplates:
          - metadata:
              name: data
            spec:
              accessModes: [ReadWriteOnce]
              resources:
                requests:
                  storage: 1Gi
        """
    assert check(tmp_path, text) == []


def test_env_var_names_follow_the_kubernetes_version(tmp_path: Path) -> None:
    text = """\
        apiVersion: v1
        kind: Pod
        metadata:
          name: web
        spec:
          containers:
          - name: web
            image: nginx:1.27
            env:
            - name: 1ST_MODE
              value: fast
        """
    assert check(tmp_path, text) == []
    assert rules_of(check(tmp_path, text, version="1.30")) == ["env-var-name"]


def test_duplicate_objects_within_a_file_and_across_files_on_request(tmp_path: Path) -> None:
    config = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n"
    (tmp_path / "a.yaml").write_text(config)
    (tmp_path / "b.yaml").write_text(config + "---\n" + config.replace("settings", "other") + "---\n" + config)
    options = Options(enable=frozenset({"duplicate-object"}))
    findings = [f for f in run_check([str(tmp_path)], options).findings if f.rule == "duplicate-object"]
    assert [(Path(f.file).name, f.line) for f in findings] == [("b.yaml", 14)]
    assert "already defined at line 4" in findings[0].message
    options.rule_options = {"duplicate-object": {"across_files": True}}
    findings = [f for f in run_check([str(tmp_path)], options).findings if f.rule == "duplicate-object"]
    assert [(Path(f.file).name, f.line) for f in findings] == [("b.yaml", 4), ("b.yaml", 14)]
    assert f"{tmp_path / 'a.yaml'}:4" in findings[0].message


def test_namespaces_are_defaulted_when_comparing(tmp_path: Path) -> None:
    text = """\
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: settings}
        ---
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: settings, namespace: default}
        ---
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: settings, namespace: staging}
        """
    assert rules_of(check(tmp_path, text)) == ["duplicate-object"]


# --- messages ------------------------------------------------------------------------------------------------------


def test_bad_example_messages(tmp_path: Path, snapshot) -> None:  # type: ignore[no-untyped-def]
    """What each rule says about its own bad example (reviewed as a snapshot)."""
    said = {}
    for rule_id, rule in sorted(API_RULES.items()):
        findings = [f for f in check(tmp_path, rule.doc["examples"]["bad"]) if f.rule == rule_id]
        said[rule_id] = [f"{f.line}:{f.column} {f.severity.label}: {f.message}" for f in findings]
    assert said == snapshot


# --- robustness ----------------------------------------------------------------------------------------------------

ANY_VALUE = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-70000, 70000)
    | st.text(max_size=8)
    | st.sampled_from(["None", "Always", "*"]),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=12), children, max_size=4),
    max_leaves=12,
)
FIELD_NAMES = st.sampled_from(
    [
        "containers",
        "initContainers",
        "ports",
        "env",
        "volumes",
        "volumeMounts",
        "selector",
        "matchLabels",
        "matchExpressions",
        "rules",
        "tls",
        "schedule",
        "timeZone",
        "strategy",
        "rollingUpdate",
        "replicas",
        "type",
        "clusterIP",
        "name",
        "resources",
        "limits",
        "requests",
        "livenessProbe",
        "httpGet",
        "port",
        "labels",
        "metadata",
        "template",
        "spec",
        "jobTemplate",
        "hostPort",
        "containerPort",
        "protocol",
        "volumeClaimTemplates",
        "backend",
        "service",
        "http",
        "paths",
        "host",
        "operator",
        "values",
        "key",
        "nodePort",
        "targetPort",
        "hostNetwork",
        "restartPolicy",
        "lifecycle",
        "annotations",
        "envFrom",
        "configMap",
        "mountPath",
        "minAvailable",
        "maxReplicas",
    ]
)
SHAPED = st.recursive(
    ANY_VALUE,
    lambda children: st.dictionaries(FIELD_NAMES, children, max_size=5) | st.lists(children, max_size=3),
    max_leaves=40,
)
KINDS = st.sampled_from(
    [
        ("v1", "Pod"),
        ("apps/v1", "Deployment"),
        ("apps/v1", "StatefulSet"),
        ("apps/v1", "DaemonSet"),
        ("batch/v1", "Job"),
        ("batch/v1", "CronJob"),
        ("v1", "Service"),
        ("networking.k8s.io/v1", "Ingress"),
        ("autoscaling/v2", "HorizontalPodAutoscaler"),
        ("policy/v1", "PodDisruptionBudget"),
        ("v1", "ReplicationController"),
        ("networking.k8s.io/v1", "NetworkPolicy"),
    ]
)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(KINDS, SHAPED, SHAPED)
def test_no_rule_raises_on_any_shape(kind: tuple[str, str], spec: object, metadata: object) -> None:
    document = {
        "apiVersion": kind[0],
        "kind": kind[1],
        "metadata": metadata if isinstance(metadata, dict) else {},
        "spec": spec,
    }
    resource = Resource(document, "generated.yaml", 0, SourceMap())
    findings = ENGINE.run([resource, resource])
    assert [finding.message for finding in findings if finding.rule == "internal-error"] == []


ODD_VALUES = (None, -1, "x", [], {"": None}, True)


def _paths(data: object, path: tuple = ()) -> list[tuple]:
    found = [path] if path else []
    if isinstance(data, dict):
        for key, value in data.items():
            found += _paths(value, path + (key,))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            found += _paths(value, path + (index,))
    return found


def _replaced(data: object, path: tuple, value: object) -> object:
    if not path:
        return value
    copy = dict(data) if isinstance(data, dict) else list(data)  # type: ignore[call-overload]
    copy[path[0]] = _replaced(copy[path[0]], path[1:], value)
    return copy


@pytest.mark.parametrize("rule_id", sorted(API_RULES))
def test_examples_with_any_field_replaced_raise_nothing(rule_id: str) -> None:
    """Every field of a rule's examples, replaced by a value of another type, gives findings, never an exception."""
    import yaml

    for text in API_RULES[rule_id].doc["examples"].values():
        if not isinstance(text, str):
            continue
        for document in yaml.safe_load_all(text):
            for path in _paths(document):
                if path[0] in ("apiVersion", "kind") or path == ("metadata",):
                    continue
                for value in ODD_VALUES:
                    resource = Resource(_replaced(document, path, value), "mutated.yaml", 0, SourceMap())
                    findings = ENGINE.run([resource])
                    assert [f.message for f in findings if f.rule == "internal-error"] == [], (path, value)


@pytest.mark.skipif(not CORPUS.is_dir(), reason="the shared corpus is not here")
def test_corpus_raises_nothing() -> None:
    report = run_check([str(CORPUS)], Options(categories=frozenset({"api"})))
    assert [f for f in report.findings if f.rule == "internal-error"] == []
    assert os.fspath(CORPUS)


def test_the_rule_documentation_lists_every_api_rule() -> None:
    table = (Path(__file__).resolve().parents[1] / "docs" / "api-rules.md").read_text(encoding="utf-8")
    for rule_id, rule in API_RULES.items():
        if rule.check["python"].startswith("kubelint.checks.api"):
            assert f"| `{rule_id}` | {rule.severity.label} |" in table, rule_id
            assert rule.doc.get("source"), rule_id


def test_the_engine_calls_kind_specific_rules_only_for_their_kinds() -> None:
    for_pods = {active.rule.id for active, _ in ENGINE._checks_for("Pod")}
    for_services = {active.rule.id for active, _ in ENGINE._checks_for("Service")}
    assert {"container-name", "label-key", "object-name"} <= for_pods and "service-ports" not in for_pods
    assert {"service-ports", "selector-syntax", "label-key"} <= for_services and "container-name" not in for_services
