"""``--jobs``: worker processes give the same report, byte for byte, in the same order."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import kubelint.parallel as parallel
from kubelint.perfile import FileChecker
from kubelint.pipeline import Options, active_rules, run_check
from kubelint.plan import render as render_plan
from kubelint.plan import run_plan
from kubelint.reconcile import default_profile
from kubelint.report import render

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
