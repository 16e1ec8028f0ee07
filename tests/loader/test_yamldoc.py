"""Documents, positions and YAML problems from text."""

from __future__ import annotations

import time

import pytest

from kubelint.loader import load_bytes, load_text
from kubelint.loader.yamldoc import YamlDocument, YamlProblem, parse_stream

DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: {app: web}
spec:
  replicas: 3
  template:
    spec:
      containers:
      - name: web
        image: nginx:latest
"""


def only_documents(text: str) -> list[YamlDocument]:
    items = list(parse_stream(text))
    assert all(isinstance(item, YamlDocument) for item in items), items
    return items  # type: ignore[return-value]


def test_positions_point_at_values_and_keys() -> None:
    [resource] = load_text(DEPLOYMENT, "d.yaml").resources
    assert resource.locate(("spec", "template", "spec", "containers", 0, "image")) == (12, 16)
    assert resource.locate(("spec", "replicas")) == (7, 13)
    assert resource.locate(("spec", "replicas"), key=True) == (7, 3)
    # Collections point at their key; seq items at the item.
    assert resource.locate(("spec", "template")) == (8, 3)
    assert resource.locate(("spec", "template", "spec", "containers", 0)) == (11, 9)
    # Flow mappings too.
    assert resource.locate(("metadata", "labels", "app")) == (5, 17)
    # A missing field resolves to its deepest existing parent's key.
    assert resource.locate(("spec", "selector", "matchLabels")) == (6, 1)


def test_positions_in_later_documents_count_earlier_lines() -> None:
    text = "apiVersion: v1\nkind: A\n---\n# comment\napiVersion: v1\nkind: B\nmetadata:\n  name: b\n"
    resources = load_text(text, "f.yaml").resources
    assert [r.kind for r in resources] == ["A", "B"]
    assert [r.doc_index for r in resources] == [0, 1]
    assert resources[1].locate(("metadata", "name")) == (8, 9)


def test_empty_documents_are_ignored_but_counted_in_the_index() -> None:
    docs = only_documents("---\n---\napiVersion: v1\nkind: A\n---\n")
    assert [d.index for d in docs if d.data is not None] == [1]


def test_syntax_error_costs_only_its_document() -> None:
    text = "apiVersion: v1\nkind: Pod\n  metadata:\n    name: x\n---\napiVersion: v1\nkind: Service\n"
    result = load_text(text, "f.yaml")
    assert [r.kind for r in result.resources] == ["Service"]
    [finding] = result.findings
    assert (finding.rule, finding.line, finding.column) == ("yaml-syntax", 3, 3)
    assert '"metadata:" is indented under "kind: Pod" (line 2)' in finding.message


@pytest.mark.parametrize(
    ("text", "line", "column", "words"),
    [
        ("a:\n\tb: 1\n", 2, 1, "tab character used for indentation"),
        ("metadata:\n  name kuard\n  labels: {}\n", 3, 9, 'line 2 ("name kuard") has no ": "'),
        ("spec:\n  containers:\n  - name: a\n   image: b\n", 4, 4, "not aligned with the keys"),
        ('a: "abc\nb: 1\n', 3, 1, "never closed"),
        ("host: *.example.com\n", 1, 7, 'quote values that begin with it, e.g. "*.example.com"'),
        ("a: @foo\n", 1, 4, "'@' is reserved"),
        ("a: - b\n", 1, 4, "cannot start on the same line as its key"),
        ("a: [1, 2\nb: 3\n", 2, 2, "the list opened at line 1 is not closed"),
        ("command: echo a: b\n", 1, 16, 'a value contains ": "'),
        ("a: *nothing\n", 1, 4, "alias *nothing refers to no anchor"),
        ("a: b\x07c\n", 1, 5, "control character #x0007"),
        ("spec:\n  clusterIP: {PREFIX}.16\n  port: 53\n", 2, 22, "read as a flow mapping, and text follows"),
    ],
)
def test_syntax_errors_explain_themselves(text: str, line: int, column: int, words: str) -> None:
    problems = [item for item in parse_stream(text) if isinstance(item, YamlProblem)]
    assert len(problems) == 1
    problem = problems[0]
    assert problem.rule == "yaml-syntax"
    assert (problem.line, problem.column) == (line, column), problem.message
    assert words in problem.message


def test_duplicate_keys_are_reported_at_the_second_key() -> None:
    text = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata:\n  x: '1'\n  y: '2'\n  x: '3'\n"
    result = load_text(text, "f.yaml")
    [finding] = result.findings
    assert (finding.rule, finding.line, finding.column, finding.path) == ("yaml-duplicate-key", 8, 3, "data.x")
    assert "first at line 6" in finding.message
    assert result.resources[0].data["data"]["x"] == "3"


def test_merge_keys_are_not_duplicates() -> None:
    text = "base: &base {a: 1, b: 2}\nthing:\n  <<: *base\n  b: 3\n"
    [doc] = only_documents(text)
    assert doc.data["thing"] == {"a": 1, "b": 3}


def test_aliases_expand_and_positions_follow_the_anchor() -> None:
    text = "apiVersion: v1\nkind: ConfigMap\nmetadata: &m\n  name: a\nx: *m\n"
    [resource] = load_text(text, "f.yaml").resources
    assert resource.data["x"] == {"name": "a"}
    assert resource.locate(("x", "name")) == (4, 9)


def test_billion_laughs_is_refused_quickly() -> None:
    lines = ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for previous, name in zip("abcdefgh", "bcdefghi"):
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{previous}"] * 9) + "]")
    start = time.perf_counter()
    problems = [item for item in parse_stream("\n".join(lines) + "\n") if isinstance(item, YamlProblem)]
    assert time.perf_counter() - start < 2
    assert [p.rule for p in problems] == ["yaml-alias-limit"]


def test_absurd_nesting_is_refused_without_crashing() -> None:
    text = "a: " + "[" * 30000 + "]" * 30000 + "\n"
    [problem] = [item for item in parse_stream(text) if isinstance(item, YamlProblem)]
    assert "nested more than" in problem.message


def test_moderate_nesting_beyond_python_recursion_is_a_finding() -> None:
    text = "a: " + "[" * 2000 + "]" * 2000 + "\n"
    [problem] = [item for item in parse_stream(text) if isinstance(item, YamlProblem)]
    assert "nested more than" in problem.message


def test_helm_source_comments_are_kept() -> None:
    text = (
        "---\n# Source: chart/templates/svc.yaml\napiVersion: v1\nkind: Service\nmetadata:\n  name: s\n"
        "---\n# Source: chart/templates/deploy.yaml\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\n"
    )
    resources = load_text(text, "-").resources
    assert [r.helm_source for r in resources] == ["chart/templates/svc.yaml", "chart/templates/deploy.yaml"]


def test_lists_become_one_resource_per_item_with_their_positions() -> None:
    text = (
        "apiVersion: v1\nkind: List\nitems:\n"
        "- apiVersion: v1\n  kind: ConfigMap\n  metadata:\n    name: a\n"
        "- apiVersion: v1\n  kind: Secret\n  metadata:\n    name: b\n"
        "- just a string\n"
    )
    result = load_text(text, "list.yaml")
    assert [r.kind for r in result.resources] == ["ConfigMap", "Secret"]
    assert result.resources[1].locate(("metadata", "name")) == (11, 11)
    [finding] = result.findings
    assert (finding.rule, finding.line, finding.path) == ("object-shape", 12, "items[2]")


def test_non_kubernetes_documents_are_skipped_and_counted() -> None:
    text = "on: push\njobs: {}\n---\n- a\n- b\n---\nkind: Pod\n"
    result = load_text(text, "ci.yaml")
    assert result.skipped_documents == 2
    assert [r.kind for r in result.resources] == ["Pod"]  # kind alone: an object with a problem


def test_json_manifests_have_positions() -> None:
    text = '{\n\t"apiVersion": "v1",\n\t"kind": "ConfigMap",\n\t"metadata": {"name": "x"}\n}\n'
    [resource] = load_text(text, "x.json").resources
    assert resource.locate(("metadata", "name")) == (4, 23)


def test_invalid_json_reports_json_errors() -> None:
    result = load_text('{"apiVersion": "v1",, }\n', "x.json")
    [finding] = result.findings
    assert finding.rule == "yaml-syntax" and finding.message.startswith("invalid JSON")


def test_undecodable_bytes_are_located() -> None:
    result = load_bytes("apiVersion: v1\nkind: A\ndata:\n  t: caf\xe9\n".encode("latin-1"), "l.yaml")
    [finding] = result.findings
    assert (finding.rule, finding.line, finding.column) == ("yaml-encoding", 4, 9)
    assert "invalid UTF-8 byte 0xe9" in finding.message


def test_binary_files_are_named_as_such() -> None:
    [finding] = load_bytes(b"\x89PNG\r\n\x1a\n\x00\x00", "img.yaml").findings
    assert "binary file" in finding.message


def test_byte_order_marks_are_honoured() -> None:
    text = "apiVersion: v1\nkind: A\nmetadata:\n  name: x\n"
    for data in (b"\xef\xbb\xbf" + text.encode(), b"\xff\xfe" + text.encode("utf-16-le")):
        [resource] = load_bytes(data, "bom.yaml").resources
        assert resource.locate(("metadata", "name")) == (4, 9)


def test_yaml11_values_match_kubectl() -> None:
    [doc] = only_documents("a: yes\nb: 'yes'\nc: 0755\nd: 1e3\ne: 2024-01-02\nf: !!str on\n")
    assert doc.data == {"a": True, "b": "yes", "c": 493, "d": 1000.0, "e": "2024-01-02", "f": "on"}


def test_non_string_keys_become_strings_like_kubectl() -> None:
    [doc] = only_documents("1: a\ntrue: b\n")
    assert doc.data == {"1": "a", "true": "b"}


def test_surprising_plain_scalars_keep_their_text_for_hints() -> None:
    text = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: x\n  labels: {enabled: yes, quoted: 'yes', v: 1.10, n: 3}\n"
    [resource] = load_text(text, "p.yaml").resources
    labels = ("metadata", "labels")
    assert resource.source_map.plain_text(labels + ("enabled",)) == "yes"
    assert resource.source_map.plain_text(labels + ("v",)) == "1.10"
    assert resource.source_map.plain_text(labels + ("quoted",)) is None
    message = resource.type_error(labels + ("enabled",), "string")
    assert message == (
        'metadata.labels.enabled: expected string, got boolean true; the unquoted yes is read as a boolean '
        '(YAML 1.1, as kubectl reads it): quote it as "yes"'
    )
    assert "the unquoted" not in resource.type_error(labels + ("n",), "string")


def test_compact_and_node_positions_agree() -> None:
    # The same document with and without an (unused) anchor takes the two paths.
    body = "kind: Pod\nmetadata:\n  name: x\nspec:\n  containers:\n  - name: a\n    ports: [{containerPort: 80}]\n"
    compact = load_text("apiVersion: v1\n" + body, "a.yaml").resources[0]
    nodes = load_text("apiVersion: &v v1\nx: *v\n" + body, "b.yaml").resources[0]
    assert type(compact.source_map).__name__ == "CompactSourceMap"
    assert type(nodes.source_map).__name__ == "NodeSourceMap"
    for path in [("metadata", "name"), ("spec", "containers", 0, "ports", 0, "containerPort"), ("spec", "containers", 0), ("spec", "nope")]:
        line, column = compact.locate(path)
        assert nodes.locate(path) == (line + 1, column)


@pytest.mark.parametrize(
    "text",
    [
        "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nnamespace: shop\nresources: [a.yaml]\n",
        "apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\n",
        "apiVersion: v2\nname: chart\nversion: 1.2.3\n",
        "apiVersion: v1\nkind: Config\nclusters: []\ncontexts: []\n",
        "apiVersion: audit.k8s.io/v1\nkind: Policy\nrules: []\n",
    ],
)
def test_tool_configuration_files_are_skipped(text: str) -> None:
    result = load_text(text, "config.yaml")
    assert (result.resources, result.findings, result.skipped_documents) == ([], [], 1)


def test_unclosed_quote_is_blamed_where_it_opens() -> None:
    text = 'data:\n  LOG_LEVEL: "info"\n  BANNER: "Welcome to the shop\n  FOOTER: "Prices include VAT"\n'
    [problem] = [item for item in parse_stream(text) if isinstance(item, YamlProblem)]
    assert (problem.line, problem.column) == (3, 11)
    assert "not closed on its line" in problem.message


def test_mapping_under_scalar_points_at_the_key() -> None:
    text = "spec:\n  strategy: RollingUpdate\n    rollingUpdate:\n      maxSurge: 1\n"
    [problem] = [item for item in parse_stream(text) if isinstance(item, YamlProblem)]
    assert (problem.line, problem.column) == (3, 5)


def test_alias_bombs_are_reported_at_the_document() -> None:
    lines = ["# a comment", 'a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for previous, name in zip("abcdefgh", "bcdefghi"):
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{previous}"] * 9) + "]")
    [problem] = [item for item in parse_stream("\n".join(lines) + "\n") if isinstance(item, YamlProblem)]
    assert (problem.line, problem.column) == (2, 1)


def test_json_is_read_as_strictly_as_kubectl_reads_it() -> None:
    # YAML's flow style would forgive the trailing comma; kubectl's JSON decoder does not.
    result = load_text('{\n  "apiVersion": "v1",\n  "kind": "ConfigMap",\n}\n', "x.yaml")
    [finding] = result.findings
    assert (finding.rule, finding.line, finding.column) == ("yaml-syntax", 3, 22)
    assert finding.message == "invalid JSON: a trailing comma before the closing bracket; remove it"
    assert result.resources == []


def test_valid_json_that_libyaml_refuses_still_loads() -> None:
    text = '{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "x"}, "data": {"a": "\\ud83d\\ude00"}}'
    result = load_text(text, "x.json")
    assert result.findings == []
    [resource] = result.resources
    assert resource.data["data"]["a"] == "\U0001f600"
    assert resource.locate(("data", "a")) == (1, 1)
