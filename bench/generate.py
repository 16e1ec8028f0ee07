"""Synthetic manifests for benchmarks: a realistic mix, deterministic.

Deployments with probes and resources, their Services, Ingresses,
ConfigMaps and StatefulSets, as platform teams write them. The same seed
always gives the same bytes, so runs compare like with like.
"""

from __future__ import annotations

import random
from pathlib import Path

_DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {name}
  namespace: {namespace}
  labels:
    app.kubernetes.io/name: {name}
    app.kubernetes.io/part-of: shop
spec:
  replicas: {replicas}
  selector:
    matchLabels:
      app.kubernetes.io/name: {name}
  template:
    metadata:
      labels:
        app.kubernetes.io/name: {name}
    spec:
      containers:
      - name: app
        image: registry.example.com/{name}:1.{minor}.0
        ports:
        - name: http
          containerPort: 8080
        readinessProbe:
          httpGet: {{path: /ready, port: http}}
          initialDelaySeconds: 5
        livenessProbe:
          httpGet: {{path: /healthz, port: http}}
        resources:
          requests: {{cpu: {cpu}m, memory: {memory}Mi}}
          limits: {{memory: {memory}Mi}}
        securityContext:
          runAsNonRoot: true
          allowPrivilegeEscalation: false
"""

_SERVICE = """\
apiVersion: v1
kind: Service
metadata:
  name: {name}
  namespace: {namespace}
spec:
  selector:
    app.kubernetes.io/name: {name}
  ports:
  - name: http
    port: 80
    targetPort: http
"""

_INGRESS = """\
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: {name}
  namespace: {namespace}
spec:
  ingressClassName: nginx
  rules:
  - host: {name}.example.com
    http:
      paths:
      - path: /
        pathType: Prefix
        backend:
          service:
            name: {name}
            port: {{name: http}}
"""

_CONFIGMAP = """\
apiVersion: v1
kind: ConfigMap
metadata:
  name: {name}-config
  namespace: {namespace}
data:
  LOG_LEVEL: info
  FEATURE_FLAGS: "search,checkout"
"""

_STATEFULSET = """\
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: {name}-db
  namespace: {namespace}
spec:
  serviceName: {name}-db
  replicas: 3
  selector:
    matchLabels: {{app: {name}-db}}
  template:
    metadata:
      labels: {{app: {name}-db}}
    spec:
      containers:
      - name: db
        image: postgres:16.{minor}
        ports: [{{name: pg, containerPort: 5432}}]
        resources:
          requests: {{cpu: 250m, memory: 512Mi}}
  volumeClaimTemplates:
  - metadata: {{name: data}}
    spec:
      accessModes: [ReadWriteOnce]
      resources: {{requests: {{storage: 10Gi}}}}
"""

# One "app": the documents a team writes for one service, by weight.
_APP = (_DEPLOYMENT, _SERVICE, _INGRESS, _CONFIGMAP)


def documents(count: int, seed: int = 1) -> list[str]:
    """``count`` YAML documents; every tenth app also gets a StatefulSet."""
    rng = random.Random(seed)
    out: list[str] = []
    app = 0
    while len(out) < count:
        values = {
            "name": f"svc-{app:05d}",
            "namespace": f"team-{app % 20:02d}",
            "replicas": rng.choice((2, 3, 3, 4)),
            "minor": rng.randrange(30),
            "cpu": rng.choice((100, 250, 500)),
            "memory": rng.choice((128, 256, 512)),
        }
        templates = _APP + ((_STATEFULSET,) if app % 10 == 9 else ())
        for template in templates:
            if len(out) < count:
                out.append(template.format(**values))
        app += 1
    return out


def write_stream(path: Path, count: int, seed: int = 1) -> Path:
    """One multi-document file of ``count`` documents."""
    path.write_text("---\n".join(documents(count, seed)))
    return path


def write_tree(root: Path, count: int, seed: int = 1, max_per_file: int = 200) -> Path:
    """``count`` documents spread over files of 1 to ``max_per_file`` documents."""
    rng = random.Random(seed)
    docs = documents(count, seed)
    root.mkdir(parents=True, exist_ok=True)
    index = 0
    file_number = 0
    while index < len(docs):
        size = min(rng.choice((1, 1, 2, 4, 8, 20, 50, max_per_file)), len(docs) - index)
        folder = root / f"team-{file_number % 20:02d}"
        folder.mkdir(exist_ok=True)
        (folder / f"manifests-{file_number:05d}.yaml").write_text("---\n".join(docs[index : index + size]))
        index += size
        file_number += 1
    return root
