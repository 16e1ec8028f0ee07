"""Benchmark of ``kubelint plan``: ``python bench/plan_bench.py [--runs N]``.

Generates N Deployments (3 replicas each, probes and requests), N Services
(one per Deployment, a named port) and N/5 Ingresses (five hosts each) in
files of 100 documents, for N = 1,000 and N = 2,000, and times the whole
plan in-process: loading, shape check, reconciling (base and new world),
diffing, and rendering the text and JSON plans. The cluster is the same for
both sizes (30 nodes of 32 CPU, 128Gi and 250 pods), so twice the input is
twice the pods on the same nodes. Each size is measured in a fresh process
(as the CLI runs), after a small plan warms up imports and caches; the best
of ``--runs`` counts. "plan" is loading to diff;
"plan+text" is what ``kubelint plan`` does (the targets apply to it); the
JSON rendering is timed apart.

Targets (issue 6): 1x under 3 s; 2x under 2.3 times the 1x time.

Then a plan against a base (issue 7): the 1x manifests with every tenth
Deployment's image bumped (a rolling update each) and every tenth other one
scaled, planned with ``--base`` the 1x manifests: two reconciles, the diff,
the rollouts.
"""

from __future__ import annotations

import argparse
import gc
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

DOCUMENTS_PER_FILE = 100

DEPLOYMENT = """apiVersion: apps/v1
kind: Deployment
metadata:
  name: app-{n}
  namespace: {namespace}
  labels: {{app: app-{n}, team: team-{team}}}
spec:
  replicas: 3
  selector:
    matchLabels: {{app: app-{n}}}
  template:
    metadata:
      labels: {{app: app-{n}, team: team-{team}}}
    spec:
      containers:
      - name: app
        image: registry.example.com/app-{n}:1.{n}
        ports:
        - {{containerPort: 8080, name: http}}
        readinessProbe:
          httpGet: {{path: /ready, port: http}}
          initialDelaySeconds: 5
        resources:
          requests: {{cpu: 50m, memory: 96Mi}}
          limits: {{memory: 256Mi}}
"""

SERVICE = """apiVersion: v1
kind: Service
metadata:
  name: app-{n}
  namespace: {namespace}
spec:
  selector: {{app: app-{n}}}
  ports:
  - {{name: http, port: 80, targetPort: http}}
"""

INGRESS_HEAD = """apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: edge-{n}
  namespace: {namespace}
spec:
  ingressClassName: nginx
  tls:
  - hosts: [edge-{n}.example.com]
    secretName: edge-{n}-tls
  rules:
"""

INGRESS_RULE = """  - host: app-{m}.example.com
    http:
      paths:
      - path: /
        pathType: Prefix
        backend:
          service:
            name: app-{m}
            port: {{number: 80}}
"""

PROFILE = "name: bench\nnodes:\n" + "".join(
    f"- name: node-{i:02d}\n  capacity: {{cpu: '32', memory: 128Gi, pods: 250}}\n" for i in range(30)
)


def namespace_of(n: int) -> str:
    return f"team-{n % 10}"


def documents(count: int, changed: bool = False) -> list[str]:
    """``count`` Deployments and Services, ``count // 5`` Ingresses; ten namespaces.

    ``changed``: every tenth Deployment gets a new image, every tenth other one 4 replicas.
    """
    out = ["apiVersion: v1\nkind: Namespace\nmetadata:\n  name: " + f"team-{t}\n" for t in range(10)]
    for n in range(count):
        deployment = DEPLOYMENT.format(n=n, namespace=namespace_of(n), team=n % 10)
        if changed and n % 10 == 0:
            deployment = deployment.replace(f"app-{n}:1.{n}", f"app-{n}:2.{n}")
        elif changed and n % 10 == 5:
            deployment = deployment.replace("replicas: 3", "replicas: 4")
        out.append(deployment)
        out.append(SERVICE.format(n=n, namespace=namespace_of(n)))
    for n in range(count // 5):
        # five apps of one namespace: n, n+10, ..., n+40 share namespace_of(n)
        members = [n // 10 * 50 + n % 10 + 10 * k for k in range(5)]
        head = INGRESS_HEAD.format(n=n, namespace=namespace_of(members[0]))
        out.append(head + "".join(INGRESS_RULE.format(m=m) for m in members))
    return out


def write_corpus(directory: Path, count: int, changed: bool = False) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    docs = documents(count, changed)
    for start in range(0, len(docs), DOCUMENTS_PER_FILE):
        (directory / f"part-{start // DOCUMENTS_PER_FILE:04d}.yaml").write_text("---\n".join(docs[start : start + DOCUMENTS_PER_FILE]))
    return directory


def measure(corpus: Path, profile_file: Path, runs: int, base: Path | None = None) -> dict[str, float]:
    from kubelint.plan import BaseSpec, render, run_plan
    from kubelint.reconcile.profile import load_profile

    profile = load_profile(profile_file)
    spec = BaseSpec("base", str(base)) if base is not None else None
    best: dict[str, float] = {}
    for _ in range(runs):
        gc.collect()  # the last run's plan is gone: one plan in memory at a time, as in the CLI
        start = time.perf_counter()
        report = run_plan([str(corpus)], profile, base=spec)
        planned = time.perf_counter()
        render(report, "text")
        text = time.perf_counter()
        render(report, "json")
        done = time.perf_counter()
        for key, value in (("plan", planned - start), ("text", text - planned), ("json", done - text), ("total", text - start)):
            best[key] = min(best.get(key, value), value)
        world = report.plan.world
        counts = {
            "planned": report.plan.summary()["create"],
            "changed": sum(1 for entry in report.plan.objects if entry.change != "none"),
            "rollouts": len(report.plan.rollouts),
            "pods": len(world.pods),
            "running": sum(1 for p in world.pods.values() if p.phase == "Running"),
            "routes": len(world.routes),
            "findings": len(report.findings),
        }
        del report, world
    return best | counts


def measure_in_a_fresh_process(corpus: Path, profile_file: Path, runs: int, base: Path | None = None) -> dict[str, float]:
    """Each size gets its own interpreter: a heap left over from the other size would skew it."""
    command = [sys.executable, __file__, "--measure", str(corpus), str(profile_file), str(runs)] + ([str(base)] if base else [])
    return json.loads(subprocess.run(command, capture_output=True, text=True, check=True).stdout)


def main() -> None:
    if len(sys.argv) in (5, 6) and sys.argv[1] == "--measure":
        corpus, profile_file, runs = Path(sys.argv[2]), Path(sys.argv[3]), int(sys.argv[4])
        base = Path(sys.argv[5]) if len(sys.argv) == 6 else None
        measure(write_corpus(corpus.parent / "warm-up", 50), profile_file, 1)  # imports, rule catalog, caches
        print(json.dumps(measure(corpus, profile_file, runs, base)))
        return
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3, help="best of N runs (default 3)")
    parser.add_argument("--size", type=int, default=1000, help="Deployments at 1x (default 1000)")
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        profile_file = root / "cluster.yaml"
        profile_file.write_text(PROFILE)
        results = {
            scale: measure_in_a_fresh_process(write_corpus(root / f"x{scale}", arguments.size * scale), profile_file, arguments.runs)
            for scale in (1, 2)
        }
        changed = write_corpus(root / "x1-changed", arguments.size, changed=True)
        against_base = measure_in_a_fresh_process(changed, profile_file, arguments.runs, base=root / "x1")
    print(f"{'input':<34} {'plan s':>7} {'text s':>7} {'plan+text s':>12} {'json s':>7}  pods (running)  routes  findings")
    for scale, result in results.items():
        size = arguments.size * scale
        label = f"{scale}x: {size} Deploy, {size} Svc, {size // 5} Ing"
        print(
            f"{label:<34} {result['plan']:>7.2f} {result['text']:>7.2f} {result['total']:>12.2f} {result['json']:>7.2f}"
            f"  {int(result['pods'])} ({int(result['running'])})  {int(result['routes']):>6}  {int(result['findings']):>8}"
        )
    ratio = results[2]["total"] / results[1]["total"]
    print(f"plan+text: 1x {results[1]['total']:.2f} s (target under 3 s); 2x / 1x {ratio:.2f} (target under 2.3)")
    print(
        f"1x against a base of 1x ({int(against_base['changed'])} objects change, {int(against_base['rollouts'])} rollouts): "
        f"plan {against_base['plan']:.2f} s, plan+text {against_base['total']:.2f} s, json {against_base['json']:.2f} s"
    )


if __name__ == "__main__":
    main()
