"""``--jobs``: worker processes give the same report, byte for byte, in the same order."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

import kubelint.parallel as parallel
from kubelint.perfile import FileChecker, check_files
from kubelint.pipeline import Options, active_rules, run_check
from kubelint.plan import render as render_plan
from kubelint.plan import run_plan
from kubelint.reconcile import default_profile
from kubelint.report import render
from kubelint.schema import resolve_version
from kubelint.schema.stage import schema_findings, schema_stage

ROOT = Path(__file__).resolve().parent.parent
# Every kind of input: good and broken files, JSON, Lists, anchors and aliases, Helm output, encodings.
INPUTS = [str(ROOT / "fixtures"), str(ROOT / "tests" / "data")]


def outputs(paths: list[str], **options: object) -> tuple[str, str]:
    report = run_check(paths, Options(**options))  # type: ignore[arg-type]
    return render(report, "json"), render(report, "text", color=False)


@pytest.fixture
def pool_for_any_input(monkeypatch: pytest.MonkeyPatch) -> None:
    """Use worker processes even for the few kilobytes of the fixtures, in small batches."""
    monkeypatch.setattr(parallel, "MIN_BYTES_FOR_POOL", 0)
    monkeypatch.setattr(parallel, "BATCH_BYTES", 4096)


def test_two_workers_give_the_report_of_one_process(pool_for_any_input: None) -> None:
    assert outputs(INPUTS, jobs=2) == outputs(INPUTS, jobs=1)


def test_the_plan_is_the_same_with_workers(pool_for_any_input: None) -> None:
    paths = [str(ROOT / "fixtures" / "good")]
    alone = run_plan(paths, default_profile(), Options(jobs=1))
    shared = run_plan(paths, default_profile(), Options(jobs=2))
    assert render_plan(shared, "json") == render_plan(alone, "json")
    assert render_plan(shared, "text", color=False) == render_plan(alone, "text", color=False)


def _die(batch: object) -> None:
    os._exit(1)


def test_a_worker_that_dies_leaves_its_files_to_the_main_process(pool_for_any_input: None, monkeypatch: pytest.MonkeyPatch) -> None:
    expected = outputs(INPUTS, jobs=1)
    monkeypatch.setattr(parallel, "_check_batch", _die)
    assert outputs(INPUTS, jobs=2) == expected


def _tasks(sizes: list[int]) -> list[parallel.Task]:
    return [(index, f"file-{index}.yaml", b"x" * size) for index, size in enumerate(sizes)]


def test_small_inputs_are_checked_without_a_pool() -> None:
    small = _tasks([100, 2000, 300])
    assert not parallel.use_pool(4, small)
    assert not parallel.use_pool(1, _tasks([parallel.MIN_BYTES_FOR_POOL, parallel.MIN_BYTES_FOR_POOL]))
    assert not parallel.use_pool(4, _tasks([parallel.MIN_BYTES_FOR_POOL * 4]))  # one file: nothing to share
    assert parallel.use_pool(2, _tasks([parallel.MIN_BYTES_FOR_POOL, 10]))


def test_batches_hold_every_task_once_largest_first_and_bounded() -> None:
    sizes = [10, parallel.BATCH_BYTES * 2, 5000, 70_000, 200_000, 1, 90_000, 3]
    groups = parallel.batches(_tasks(sizes))
    assert sorted(index for group in groups for index, _, _ in group) == list(range(len(sizes)))
    assert groups[0] == [(1, "file-1.yaml", b"x" * sizes[1])]  # the largest file travels first, alone
    for group in groups:
        assert len(group) == 1 or sum(len(data) for _, _, data in group) <= parallel.BATCH_BYTES
    first_sizes = [len(group[0][2]) for group in groups]
    assert first_sizes == sorted(first_sizes, reverse=True)


def test_results_come_back_for_every_task_in_any_order(pool_for_any_input: None) -> None:
    checker = FileChecker(active_rules(Options()), "1.37", "default")
    documents = [f"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c{n}\n".encode() * (n + 1) for n in range(12)]
    tasks = [(index, f"c{index}.yaml", data) for index, data in enumerate(documents)]
    here = {index: result for index, result, _ in parallel.check_all(checker, tasks, 1, keep_packed=False)}
    pooled = {index: result for index, result, _ in parallel.check_all(checker, tasks, 2, keep_packed=True)}
    assert sorted(pooled) == sorted(here) == list(range(12))
    for index in here:
        assert [f.to_json() for f in pooled[index].findings] == [f.to_json() for f in here[index].findings]
        assert [r.data for r in pooled[index].resources] == [r.data for r in here[index].resources]


REDEFINING_CRD = """apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: ingresses.networking.k8s.io
  annotations: {api-approved.kubernetes.io: "https://example.com/approval"}
spec:
  group: networking.k8s.io
  scope: Namespaced
  names: {plural: ingresses, singular: ingress, kind: Ingress}
  versions:
  - name: v1
    served: true
    storage: true
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec: {type: object, required: [owner], properties: {owner: {type: string}}}
"""


def test_schemas_checked_file_by_file_are_those_of_one_pass_over_the_run(tmp_path: Path) -> None:
    """Built-in kinds are validated per file, custom resources once every CRD is known, and a
    CRD that redefines a built-in kind (in another file) still wins."""
    shutil.copytree(ROOT / "fixtures", tmp_path / "fixtures")
    (tmp_path / "crd.yaml").write_text(REDEFINING_CRD)
    (tmp_path / "zz-ingress.yaml").write_text(
        "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: web}\nspec: {owner: 3, rules: []}\n"
    )
    options = Options()
    version = resolve_version(None)
    active = active_rules(options)

    def findings(per_file: bool) -> list[str]:
        stage = schema_stage(active, options, version) if per_file else None
        loaded = check_files([str(tmp_path)], options, FileChecker(active, version, "default", stage))
        found = schema_findings(loaded.resources, loaded.findings, active, options, version, stage)
        return sorted(json.dumps(f.to_json(), sort_keys=True) for f in found)

    split = findings(per_file=True)
    assert split == findings(per_file=False)
    assert any('"rule": "schema"' in f and "zz-ingress.yaml" in f and "spec.owner" in f for f in split)
