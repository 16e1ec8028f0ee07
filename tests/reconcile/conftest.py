"""Helpers: reconcile YAML text without touching the disk."""

from __future__ import annotations

from typing import Any

from kubelint.loader import load_text
from kubelint.reconcile import World, reconcile
from kubelint.reconcile.profile import ClusterProfile, default_profile, parse_profile


def world_of(text: str, profile: ClusterProfile | None = None, **options: Any) -> World:
    """The world after applying the manifests in ``text``."""
    loaded = load_text(text, "test.yaml")
    assert not loaded.findings, loaded.findings
    return reconcile(loaded.resources, profile or default_profile(), **options)


def profile_of(text: str) -> ClusterProfile:
    return parse_profile(text, "cluster.yaml")


def rules_of(world: World) -> list[str]:
    return sorted(rule for rule, _ in world.problems)


def deployment(name: str, replicas: int = 1, cpu: str | None = None, extra_spec: str = "", labels: str = "") -> str:
    """A Deployment manifest; ``extra_spec`` is indented into the pod spec."""
    requests = f"\n        resources:\n          requests:\n            cpu: \"{cpu}\"" if cpu else ""
    pod_spec = "".join(f"\n      {line}" for line in extra_spec.splitlines() if line)
    extra_labels = "".join(f"\n        {line}" for line in labels.splitlines() if line)
    return f"""apiVersion: apps/v1
kind: Deployment
metadata:
  name: {name}
spec:
  replicas: {replicas}
  selector:
    matchLabels:
      app: {name}
  template:
    metadata:
      labels:
        app: {name}{extra_labels}
    spec:{pod_spec}
      containers:
      - name: app
        image: example/{name}:1.0
        ports:
        - containerPort: 8080
          name: http{requests}
"""
