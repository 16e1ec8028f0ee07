"""The benchmark's parts at tiny size, so that bench/run.py cannot rot unnoticed (no timing here)."""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

import yaml

BENCH = Path(__file__).resolve().parent.parent / "bench"
sys.path.insert(0, str(BENCH))

import generate  # noqa: E402
import peers  # noqa: E402
import results  # noqa: E402
from measure import run_child, summarize  # noqa: E402

from kubelint.pipeline import Options, run_check  # noqa: E402
from kubelint.plan import render as render_plan  # noqa: E402
from kubelint.plan import run_plan  # noqa: E402
from kubelint.reconcile import default_profile  # noqa: E402
from kubelint.report import render  # noqa: E402


def test_the_generator_gives_the_mix_in_files_of_1_to_200_documents(tmp_path: Path) -> None:
    documents = generate.documents(150)
    assert len(documents) == 150 and documents == generate.documents(150)
    kinds = Counter(yaml.safe_load(document)["kind"] for document in documents)
    for kind in ("Namespace", "CustomResourceDefinition", "Deployment", "Service", "Ingress", "ConfigMap", "StatefulSet", "Backup", "Dashboard"):
        assert kinds[kind], kind
    generate.write_tree(tmp_path, 600)
    per_file = [len(path.read_text().split("---\n")) for path in tmp_path.rglob("*.yaml")]
    assert sum(per_file) == 600 and 1 <= min(per_file) and max(per_file) <= 200


def test_kubelint_reads_the_synthetic_corpus_cleanly_and_the_benchmark_reads_kubelint(tmp_path: Path) -> None:
    generate.write_tree(tmp_path, 120)
    report = run_check([str(tmp_path)], Options())
    counts = results.kubelint_counts(render(report, "json"))
    assert counts["resources"] == 120
    assert counts["findings"] == 0, [f.to_json() for f in report.findings]
    plan = render_plan(run_plan([str(tmp_path)], default_profile(), Options()), "text", color=False)
    assert results.kubelint_plan_counts(plan)["planned"] > 120  # ReplicaSets, pods, endpoints... derived from them


def test_peer_outputs_are_read() -> None:
    kubeconform = "stdin - ConfigMap x is invalid\nSummary: 1200 resources found in 34 files - Valid: 1190, Invalid: 7, Errors: 3, Skipped: 0\n"
    assert results.kubeconform_counts(kubeconform) == {"resources": 1200, "files": 34, "findings": 10, "skipped": 0}
    assert results.kube_linter_counts(json.dumps({"Reports": [{}, {}], "Summary": {}})) == {"findings": 2}
    score = "[CRITICAL] apps/v1/Deployment a: Container Resources\n[WARNING] v1/Service b: x\n[OK] v1/Service b: y\n"
    assert results.kube_score_counts(score) == {"findings": 2}
    assert results.kubelint_plan_counts("No changes: the cluster already matches the manifests.\n") == {"planned": 0}


def test_custom_resources_get_kubeconform_schemas_named_as_kubeconform_looks_them_up(tmp_path: Path) -> None:
    corpus = generate.write_tree(tmp_path / "corpus", 40)
    target = tmp_path / "schemas"
    target.mkdir()
    assert peers._custom_resource_schemas([corpus], target) == 2
    assert sorted(p.name for p in target.iterdir()) == ["backup-ops-v1.json", "dashboard-observability-v1alpha1.json"]
    assert peers._kind_suffix("apps/v1") == "-apps-v1" and peers._kind_suffix("v1") == "-v1"
    assert peers._kind_suffix("networking.k8s.io/v1") == "-networking-v1"


def test_a_child_is_measured_and_the_table_is_drawn(tmp_path: Path) -> None:
    sample = run_child([sys.executable, "-c", "print('hello')"], tmp_path / "out.txt")
    assert sample.exit_code == 0 and (tmp_path / "out.txt").read_text() == "hello\n"
    measured = summarize([sample, sample]).to_json() | {"resources": 10}
    measured |= results.per_resource(measured, 10) | {"ratio_to_kubeconform": results.ratio(2.0, 4.0)}
    assert measured["ratio_to_kubeconform"] == 0.5 and measured["cpu_spread"] == 0
    table = results.table(
        {
            "machine": {"cores": 2, "python": "3.11", "platform": "Linux"},
            "settings": {"runs": 2},
            "corpora": {"synthetic-1k": {"resources": 10, "tools": {"kubelint check --jobs 1": measured}}},
            "small_file": {"kubelint check (one file)": measured},
            "load_4000_documents": {"documents": 4000, "megabytes": 1.9, "seconds": 0.8},
            "plan": {"1x": {"planned": 9000, "total": 1.5}},
            "targets": [results.target("one small file", 120, 250, " ms"), results.target("plan, 2x / 1x", None, 2.3)],
        }
    )
    assert "2 cores" in table and "kubelint check --jobs 1" in table and "0.50" in table
    assert "one small file" in table and "met" in table and "NOT MET" in table
