"""kubelint's benchmark: ``python bench/run.py`` (``--quick`` for a fast run; see README, "Benchmarks").

On synthetic corpora of 1,000, 10,000 and 50,000 resources (bench/generate.py,
files of 1 to 200 documents) and on ../shared/corpus when present, it runs as
separate processes, repeated, interleaved so that load from other sessions
hits every tool alike:

* ``kubelint validate``, ``kubelint check`` and ``kubelint plan`` with
  ``--jobs 1``, ``kubelint check --jobs 2``, and ``kubelint check`` with the
  result cache cold and warm;
* kubeconform (``-n 1`` and its default), kube-linter and kube-score, when
  installed, on the same files.

It reports CPU time per resource (the comparison that holds on a shared
two-core machine), resources per second, wall time and peak memory, the
ratio of each to ``kubeconform -n 1``, the whole-process latency of one small
file, loading a 4,000-document stream with positions, and the plan benchmark
(bench/plan_bench.py) at 1x and 2x. Results go to bench/results/latest.json
and a table on stdout, with each issue-9 target marked met or not.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Callable

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

import peers  # noqa: E402
import plan_bench  # noqa: E402
import results as parse  # noqa: E402
from generate import write_stream, write_tree  # noqa: E402
from measure import Sample, run_child, summarize  # noqa: E402

SHARED_CORPUS = HERE.parent.parent / "shared" / "corpus"
KUBELINT = [sys.executable, "-m", "kubelint"]
SMALL_FILE = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  namespace: demo\ndata:\n  mode: fast\n"

CHILD_ENVIRONMENT = {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"}
"""kubelint runs as users run it: with its bytecode cached (else every run compiles every module again)."""

Parser = Callable[[str], dict[str, int]]
Command = tuple[list[str], Parser]


def kubelint_commands(corpus: Path, cache: Path) -> dict[str, Command]:
    """What is measured of kubelint on one corpus; the cache runs share one folder per repetition."""
    check = KUBELINT + ["check", "--format", "json", "--fail-on", "never"]
    return {
        "kubelint validate --jobs 1": (
            KUBELINT + ["validate", "--format", "json", "--fail-on", "never", "--jobs", "1", "--no-cache", str(corpus)],
            parse.kubelint_counts,
        ),
        "kubelint check --jobs 1": (check + ["--jobs", "1", "--no-cache", str(corpus)], parse.kubelint_counts),
        "kubelint check --jobs 2": (check + ["--jobs", "2", "--no-cache", str(corpus)], parse.kubelint_counts),
        "kubelint check, cache cold": (check + ["--jobs", "1", "--cache-dir", str(cache), str(corpus)], parse.kubelint_counts),
        "kubelint check, cache warm": (check + ["--jobs", "1", "--cache-dir", str(cache), str(corpus)], parse.kubelint_counts),
        "kubelint plan --jobs 1": (KUBELINT + ["plan", "--jobs", "1", "--no-cache", str(corpus)], parse.kubelint_plan_counts),
    }


def peer_commands(corpus: Path, schema_location: str | None) -> dict[str, Command]:
    commands: dict[str, Command] = {}
    kubeconform = peers.find_tool(peers.KUBECONFORM)
    if kubeconform and schema_location:
        for label, goroutines in ((parse.KUBECONFORM_SERIAL, 1), ("kubeconform (default -n 4)", None)):
            commands[label] = (peers.kubeconform_command(kubeconform, schema_location, corpus, goroutines), parse.kubeconform_counts)
    kube_linter = peers.find_tool(peers.KUBE_LINTER)
    if kube_linter:
        commands["kube-linter"] = (peers.kube_linter_command(kube_linter, corpus), parse.kube_linter_counts)
    kube_score = peers.find_tool(peers.KUBE_SCORE)
    if kube_score:
        files = sorted(p for p in corpus.rglob("*") if p.suffix in (".yaml", ".yml", ".json") and p.is_file())
        commands["kube-score"] = (peers.kube_score_command(kube_score, files), parse.kube_score_counts)
    return commands


def measure_corpus(corpus: Path, workdir: Path, schema_location: str | None, runs: int) -> dict[str, Any]:
    """Every tool on ``corpus``, ``runs`` times, round-robin; medians per tool."""
    samples: dict[str, list[Sample]] = {}
    counts: dict[str, dict[str, int]] = {}
    output = workdir / "output.txt"
    for repetition in range(runs):
        cache = workdir / f"cache-{corpus.name}-{repetition}"
        commands = kubelint_commands(corpus, cache) | peer_commands(corpus, schema_location)
        for label, (command, read_counts) in commands.items():
            samples.setdefault(label, []).append(run_child(command, output, CHILD_ENVIRONMENT))
            try:
                counts[label] = read_counts(output.read_text(errors="replace"))
            except (ValueError, KeyError) as error:
                raise SystemExit(f"{label} on {corpus}: unreadable output ({error}); command: {' '.join(command)}") from None
    resources = counts["kubelint check --jobs 1"]["resources"]
    tools = {label: summarize(runs_of).to_json() | counts[label] for label, runs_of in samples.items()}
    for measured in tools.values():
        measured |= parse.per_resource(measured, resources)
    reference = tools.get(parse.KUBECONFORM_SERIAL)
    for measured in tools.values():
        measured["ratio_to_kubeconform"] = parse.ratio(
            measured["cpu_ms_per_resource"], reference["cpu_ms_per_resource"] if reference else None
        )
    files = sum(1 for p in corpus.rglob("*") if p.is_file())
    megabytes = sum(p.stat().st_size for p in corpus.rglob("*") if p.is_file()) / 1e6
    return {"path": str(corpus), "resources": resources, "files": files, "megabytes": round(megabytes, 1), "tools": tools}


def bench_small_file(workdir: Path, schema_location: str | None, runs: int) -> dict[str, Any]:
    """A pre-commit hook's view: one small file, whole process, warm disk and rule catalog."""
    small = workdir / "small.yaml"
    small.write_text(SMALL_FILE)
    commands = {"kubelint check (one file)": KUBELINT + ["check", str(small)]}
    kubeconform = peers.find_tool(peers.KUBECONFORM)
    if kubeconform and schema_location:
        commands["kubeconform (one file)"] = peers.kubeconform_command(kubeconform, schema_location, small, None)
    output = workdir / "small-output.txt"
    for command in commands.values():
        run_child(command, output, CHILD_ENVIRONMENT)  # warm-up: bytecode, caches and the page cache
    samples: dict[str, list[Sample]] = {label: [] for label in commands}
    for _ in range(runs):
        for label, command in commands.items():
            samples[label].append(run_child(command, output, CHILD_ENVIRONMENT))
    return {label: summarize(runs_of).to_json() for label, runs_of in samples.items()}


def bench_load(workdir: Path, runs: int) -> dict[str, Any]:
    """Loading one 4,000-document stream with positions, in-process (issue 2's target)."""
    from kubelint.loader import load
    from kubelint.pipeline import paused_gc

    stream = write_stream(workdir / "stream.yaml", 4000)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        with paused_gc():
            result = load([str(stream)])
        result.resources[-1].locate(("metadata", "name"))  # positions are there for every field
        times.append(time.perf_counter() - start)
        del result
        gc.collect()
    best = min(times)
    return {
        "documents": 4000,
        "megabytes": round(stream.stat().st_size / 1e6, 2),
        "seconds": round(best, 3),
        "ms_per_document": round(best / 4000 * 1000, 4),
    }


def bench_plan(workdir: Path, runs: int) -> dict[str, Any]:
    """bench/plan_bench.py at 1x and 2x, each in a fresh process."""
    profile = workdir / "plan-cluster.yaml"
    profile.write_text(plan_bench.PROFILE)
    return {
        f"{scale}x": plan_bench.measure_in_a_fresh_process(plan_bench.write_corpus(workdir / f"plan-{scale}x", 1000 * scale), profile, runs)
        for scale in (1, 2)
    }


def judge(results: dict[str, Any], sizes: list[int]) -> list[dict[str, Any]]:
    """Issue 9's targets, from the measurements of this run."""
    corpora = results["corpora"]
    tools_10k = corpora.get("synthetic-10k", {}).get("tools", {})
    largest = corpora.get(f"synthetic-{sizes[-1] // 1000}k", {}).get("tools", {})

    def value(tools: dict[str, Any], label: str, key: str) -> float | None:
        return tools.get(label, {}).get(key)

    kubelint_rss = [m["max_rss_mb"] for label, m in largest.items() if label.startswith("kubelint")]
    plan = results["plan"]
    small = results["small_file"]["kubelint check (one file)"]
    return [
        parse.target("validate --jobs 1, 10k: CPU per resource / kubeconform -n 1", value(tools_10k, "kubelint validate --jobs 1", "ratio_to_kubeconform"), 1.0),
        parse.target("check --jobs 1, 10k: CPU per resource / kubeconform -n 1", value(tools_10k, "kubelint check --jobs 1", "ratio_to_kubeconform"), 1.5),
        parse.target(
            f"check, {sizes[-1] // 1000}k: wall --jobs 2 / --jobs 1",
            parse.ratio(value(largest, "kubelint check --jobs 2", "wall_seconds"), value(largest, "kubelint check --jobs 1", "wall_seconds")),
            0.6,
        ),
        parse.target("one small file, whole kubelint check process", round(small["wall_seconds"] * 1000), 250, " ms"),
        parse.target(
            "check, 10k: warm cache / cold (wall)",
            parse.ratio(value(tools_10k, "kubelint check, cache warm", "wall_seconds"), value(tools_10k, "kubelint check, cache cold", "wall_seconds")),
            0.2,
        ),
        parse.target(f"peak memory, {sizes[-1] // 1000}k (largest kubelint process)", max(kubelint_rss, default=None), 1024, " MB"),
        parse.target("plan, 1x (about 10,000 objects): plan + text", plan["1x"]["total"], 3.0, " s"),
        parse.target("plan, 2x / 1x", parse.ratio(plan["2x"]["total"], plan["1x"]["total"]), 2.3),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="1,000 and 10,000 resources only, one run each (a minute or two)")
    parser.add_argument("--runs", type=int, help="repetitions per measurement (default 3; 1 with --quick)")
    parser.add_argument("--output", type=Path, default=HERE / "results" / "latest.json")
    parser.add_argument("--no-shared-corpus", action="store_true", help=f"skip {SHARED_CORPUS} even when present")
    args = parser.parse_args()
    runs = args.runs or (1 if args.quick else 3)
    sizes = [1000, 10000] if args.quick else [1000, 10000, 50000]
    from kubelint.pipeline import DEFAULT_KUBERNETES_VERSION

    with tempfile.TemporaryDirectory(prefix="kubelint-bench-") as directory:
        workdir = Path(directory)
        corpora = {f"synthetic-{size // 1000}k": write_tree(workdir / f"synthetic-{size // 1000}k", size) for size in sizes}
        if SHARED_CORPUS.is_dir() and not args.quick and not args.no_shared_corpus:
            corpora["shared-corpus"] = SHARED_CORPUS
        schema_location = None
        if peers.find_tool(peers.KUBECONFORM):
            schema_location = peers.write_kubeconform_schemas(workdir / "kubeconform-schemas", DEFAULT_KUBERNETES_VERSION, corpora.values())
        results: dict[str, Any] = {
            "machine": {"cores": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()},
            "settings": {"runs": runs, "quick": args.quick, "kubernetes_version": DEFAULT_KUBERNETES_VERSION},
            "peers": {name: peers.find_tool(name) for name in (peers.KUBECONFORM, peers.KUBE_LINTER, peers.KUBE_SCORE)},
            "corpora": {},
        }
        for name, corpus in corpora.items():
            print(f"measuring {name} ...", file=sys.stderr, flush=True)
            results["corpora"][name] = measure_corpus(corpus, workdir, schema_location, runs)
        print("measuring one small file, loading, plan ...", file=sys.stderr, flush=True)
        results["small_file"] = bench_small_file(workdir, schema_location, max(runs, 5))
        results["load_4000_documents"] = bench_load(workdir, max(runs, 3))
        results["plan"] = bench_plan(workdir, runs)
    results["targets"] = judge(results, sizes)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(results, indent=2) + "\n")
    print(parse.table(results), end="")
    spreads = [m["cpu_spread"] for c in results["corpora"].values() for m in c["tools"].values() if m["runs"] > 1]
    if spreads:
        print(f"noise: CPU time of repeated runs spread by {statistics.median(spreads):.0%} (median), {max(spreads):.0%} (worst)")
    print(f"results: {args.output}")


if __name__ == "__main__":
    main()
