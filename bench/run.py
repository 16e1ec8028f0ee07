"""kubelint's benchmark: ``python bench/run.py`` (see README, "Benchmarks").

Measures, on synthetic input from bench/generate.py:

* loading a 4,000-document stream with positions (the loader's own cost),
* a whole ``kubelint check`` process on one small file (what a pre-commit
  hook feels).

Results go to bench/results/latest.json and a table on stdout.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from generate import write_stream  # noqa: E402


def best_of(runs: int, action) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return min(times)


def bench_load(workdir: Path, runs: int) -> dict[str, float]:
    from kubelint.loader import load
    from kubelint.pipeline import paused_gc

    stream = write_stream(workdir / "stream.yaml", 4000)

    def load_with_positions() -> None:
        with paused_gc():
            result = load([str(stream)])
        # Positions are available for every field of every resource.
        result.resources[-1].locate(("metadata", "name"))

    seconds = best_of(runs, load_with_positions)
    gc.collect()
    return {
        "documents": 4000,
        "megabytes": round(stream.stat().st_size / 1e6, 2),
        "seconds": round(seconds, 3),
        "ms_per_document": round(seconds / 4000 * 1000, 4),
    }


def bench_small_file(workdir: Path, runs: int) -> dict[str, float]:
    small = workdir / "small.yaml"
    small.write_text(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  namespace: demo\ndata:\n  mode: fast\n"
    )
    command = [sys.executable, "-m", "kubelint", "check", str(small)]
    subprocess.run(command, capture_output=True, check=False)  # warm the rule cache and the disk cache
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, capture_output=True, check=False)
        times.append(time.perf_counter() - start)
    return {"median_seconds": round(statistics.median(times), 3), "best_seconds": round(min(times), 3)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="repetitions; the best (load) or median (process) counts")
    parser.add_argument("--output", type=Path, default=HERE / "results" / "latest.json")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as directory:
        workdir = Path(directory)
        results = {
            "machine": {"cores": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()},
            "load_4000_documents": bench_load(workdir, args.runs),
            "check_one_small_file_process": bench_small_file(workdir, args.runs),
        }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(results, indent=2) + "\n")
    load = results["load_4000_documents"]
    small = results["check_one_small_file_process"]
    print(f"machine: {results['machine']['cores']} cores, Python {results['machine']['python']}")
    print(f"{'benchmark':<44} {'result':>12}")
    print(f"{'load 4,000 documents (' + str(load['megabytes']) + ' MB) with positions':<44} {load['seconds']:>10.3f} s")
    print(f"{'  per document':<44} {load['ms_per_document']:>9.4f} ms")
    print(f"{'kubelint check, one small file, whole process':<44} {small['median_seconds']:>10.3f} s")
    print(f"results: {args.output}")


if __name__ == "__main__":
    main()
