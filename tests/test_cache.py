"""The result cache never changes a report, survives concurrent runs and stays bounded."""

from __future__ import annotations

import json
import multiprocessing
import os
import time
from pathlib import Path

import pytest

from kubelint import cache as cache_module
from kubelint.cache import ResultCache, prune
from kubelint.loader import load_bytes
from kubelint.model import format_path
from kubelint.packing import pack, unpack
from kubelint.pipeline import Options, run_check
from kubelint.plan import render as render_plan
from kubelint.plan import run_plan
from kubelint.reconcile import default_profile
from kubelint.report import render

ROOT = Path(__file__).resolve().parent.parent
INPUTS = [str(ROOT / "fixtures"), str(ROOT / "tests" / "data")]


def outputs(paths: list[str], **options: object) -> tuple[str, str]:
    report = run_check(paths, Options(**options))  # type: ignore[arg-type]
    return render(report, "json"), render(report, "text", color=False)


def entries(directory: Path) -> list[Path]:
    return sorted(directory.glob("??/*.json"))


def test_cold_and_warm_runs_report_what_an_uncached_run_reports(tmp_path: Path) -> None:
    expected = outputs(INPUTS)
    assert outputs(INPUTS, cache_dir=str(tmp_path)) == expected  # cold: fills the cache
    written = entries(tmp_path)
    assert written
    assert outputs(INPUTS, cache_dir=str(tmp_path)) == expected  # warm: every file from the cache
    assert entries(tmp_path) == written
    assert outputs(INPUTS, cache_dir=str(tmp_path), jobs=2) == expected


def _walk(data: object, path: tuple = ()) -> list[tuple]:
    """Every field path of ``data``."""
    paths = [path]
    if isinstance(data, dict):
        for key, value in data.items():
            paths += _walk(value, path + (key,))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            paths += _walk(value, path + (index,))
    return paths


@pytest.mark.parametrize(
    "name", ["bad/yaml-alias-host.yaml", "bad/list.yaml", "bad/yaml11-surprises.yaml", "bad/duplicate-keys.yaml", "good/podinfo.yaml"]
)
def test_packed_results_keep_every_position(name: str) -> None:
    """Through JSON and back, every field of every resource is at the same line and column."""
    file = f"fixtures/{name}"
    result = load_bytes((ROOT / file).read_bytes(), file)
    again = unpack(json.loads(json.dumps(pack(result))), file)
    assert [f.to_json() for f in again.findings] == [f.to_json() for f in result.findings]
    assert len(again.resources) == len(result.resources)
    for before, after in zip(result.resources, again.resources):
        assert after.data == before.data and after.ref == before.ref and after.base_path == before.base_path
        for path in _walk(before.data):
            assert after.locate(path) == before.locate(path), format_path(path)
            assert after.locate(path, key=True) == before.locate(path, key=True), format_path(path)
            assert after.source_map.plain_text(after.base_path + path) == before.source_map.plain_text(before.base_path + path)


DEPLOYMENT = """apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
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


def test_cross_object_rules_see_changed_and_unchanged_files(tmp_path: Path) -> None:
    """duplicate-object across files: one file changes, the other comes from the cache."""
    folder = tmp_path / "manifests"
    folder.mkdir()
    (folder / "a.yaml").write_text(DEPLOYMENT)
    (folder / "b.yaml").write_text(DEPLOYMENT.replace("name: web\n  namespace", "name: api\n  namespace"))
    options = {"rule_options": {"duplicate-object": {"across_files": True}}}
    cache = str(tmp_path / "cache")
    assert outputs([str(folder)], cache_dir=cache, **options) == outputs([str(folder)], **options)
    (folder / "b.yaml").write_text(DEPLOYMENT)  # now a duplicate of a.yaml, which is cached
    cached = outputs([str(folder)], cache_dir=cache, **options)
    assert cached == outputs([str(folder)], **options)
    assert "duplicate-object" in cached[0]


def test_the_plan_is_the_same_from_the_cache(tmp_path: Path) -> None:
    paths = [str(ROOT / "fixtures" / "good")]
    expected = render_plan(run_plan(paths, default_profile(), Options()), "json")
    for _ in range(2):  # cold, then warm
        assert render_plan(run_plan(paths, default_profile(), Options(cache_dir=str(tmp_path))), "json") == expected


def test_other_settings_never_read_each_others_entries(tmp_path: Path) -> None:
    paths = [str(ROOT / "fixtures" / "bad" / "ports-invalid.yaml")]
    outputs(paths, cache_dir=str(tmp_path))
    for options in ({"kubernetes_version": "1.30"}, {"default_namespace": "other"}, {"disable": frozenset({"port-name"})}):
        assert outputs(paths, cache_dir=str(tmp_path), **options) == outputs(paths, **options)
    assert len(entries(tmp_path)) == 4


def test_a_damaged_entry_is_checked_again(tmp_path: Path) -> None:
    expected = outputs(INPUTS)
    outputs(INPUTS, cache_dir=str(tmp_path))
    damaged = entries(tmp_path)
    for index, entry in enumerate(damaged[:3]):
        entry.write_text(['{"documents": [', "null", '{"documents": [[1]], "resources": [[0]]}'][index])
    assert outputs(INPUTS, cache_dir=str(tmp_path)) == expected


def test_entries_are_plain_json(tmp_path: Path) -> None:
    outputs(INPUTS, cache_dir=str(tmp_path))
    for entry in entries(tmp_path):
        assert isinstance(json.loads(entry.read_text(encoding="utf-8")), dict)


def _fill(directory: str, start: int) -> None:
    cache = ResultCache(directory, "concurrent")
    packed = pack(load_bytes(DEPLOYMENT.encode(), "d.yaml"))
    for number in range(start, start + 40):
        cache.put(cache.key(f"f{number % 50}.yaml", b"same"), packed)


def test_concurrent_writers_leave_whole_entries_and_no_temporary_files(tmp_path: Path) -> None:
    context = multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn")
    writers = [context.Process(target=_fill, args=(str(tmp_path), start)) for start in (0, 10, 20)]
    for writer in writers:
        writer.start()
    for writer in writers:
        writer.join()
    assert len(entries(tmp_path)) == 50
    assert not list(tmp_path.glob("??/.*"))
    cache = ResultCache(tmp_path, "concurrent")
    for number in range(50):
        assert cache.get(cache.key(f"f{number}.yaml", b"same"), "d.yaml") is not None


def test_prune_drops_unused_entries_then_the_least_recently_used(tmp_path: Path) -> None:
    _fill(str(tmp_path), 0)
    files = entries(tmp_path)
    now = time.time()
    for age, entry in enumerate(files):
        os.utime(entry, (now - age * 86400, now - age * 86400))  # one a day older than the last
    size = files[0].stat().st_size
    assert prune(tmp_path, max_bytes=size * 100, max_age_days=30.5) == len(files) - 31
    assert prune(tmp_path, max_bytes=size * 10) == 21
    assert entries(tmp_path) == files[:10]  # the ten most recently used stay


def test_prune_runs_at_most_once_a_day(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[Path] = []
    monkeypatch.setattr(cache_module, "prune", lambda directory: calls.append(directory) or 0)
    cache = ResultCache(tmp_path, "daily")
    cache.prune_now_and_then()
    assert calls == []  # nothing written: nothing to prune
    cache.written = 1
    cache.prune_now_and_then()
    cache.prune_now_and_then()
    assert calls == [tmp_path]


def test_an_unwritable_cache_is_no_cache(tmp_path: Path) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    assert outputs(INPUTS[:1], cache_dir=str(blocked / "cache")) == outputs(INPUTS[:1])


def test_edited_code_gets_new_entries(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    paths = [str(ROOT / "fixtures" / "good")]
    outputs(paths, cache_dir=str(tmp_path))
    before = set(entries(tmp_path))
    monkeypatch.setattr(cache_module, "code_fingerprint", lambda: "another kubelint")
    outputs(paths, cache_dir=str(tmp_path))
    assert set(entries(tmp_path)) > before
