"""Synthetic manifests for benchmarks: a realistic mix, deterministic.

Namespaces, then two CustomResourceDefinitions, then one "app" after another
as platform teams write them: a Deployment with probes, resources and a
mounted ConfigMap, its Service, Ingress and ConfigMap; every tenth app a
StatefulSet with its headless Service and a ``Backup`` custom resource,
every fifth a ``Dashboard`` custom resource. The same seed always gives the
same bytes, so runs compare like with like.
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
        env:
        - name: LOG_LEVEL
          valueFrom:
            configMapKeyRef: {{name: {name}-config, key: LOG_LEVEL}}
        volumeMounts:
        - {{name: config, mountPath: /etc/{name}, readOnly: true}}
        securityContext:
          runAsNonRoot: true
          allowPrivilegeEscalation: false
      volumes:
      - name: config
        configMap: {{name: {name}-config}}
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

_HEADLESS_SERVICE = """\
apiVersion: v1
kind: Service
metadata:
  name: {name}-db
  namespace: {namespace}
spec:
  clusterIP: None
  selector: {{app: {name}-db}}
  ports: [{{name: pg, port: 5432}}]
"""

_NAMESPACE = """\
apiVersion: v1
kind: Namespace
metadata:
  name: team-{team:02d}
  labels: {{team: team-{team:02d}}}
"""

_CRD = """\
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: {plural}.{group}
spec:
  group: {group}
  scope: Namespaced
  names: {{plural: {plural}, singular: {singular}, kind: {kind}}}
  versions:
  - name: {version}
    served: true
    storage: true
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec:
            type: object
"""

_BACKUP_CRD = _CRD.format(plural="backups", singular="backup", kind="Backup", group="ops.example.com", version="v1") + """\
            required: [schedule, target]
            properties:
              schedule: {type: string, pattern: '^[0-9*/, -]+$'}
              retentionDays: {type: integer, minimum: 1, maximum: 365}
              target:
                type: object
                required: [kind, name]
                properties:
                  kind: {type: string, enum: [StatefulSet, PersistentVolumeClaim]}
                  name: {type: string, maxLength: 253}
"""

_DASHBOARD_CRD = _CRD.format(
    plural="dashboards", singular="dashboard", kind="Dashboard", group="observability.example.com", version="v1alpha1"
) + """\
            required: [title]
            properties:
              title: {type: string, minLength: 1}
              refreshSeconds: {type: integer, minimum: 5}
              panels:
                type: array
                items:
                  type: object
                  required: [query]
                  properties:
                    query: {type: string}
                    unit: {type: string}
"""

_BACKUP = """\
apiVersion: ops.example.com/v1
kind: Backup
metadata:
  name: {name}-db
  namespace: {namespace}
spec:
  schedule: "{minute} 2 * * *"
  retentionDays: 14
  target: {{kind: StatefulSet, name: {name}-db}}
"""

_DASHBOARD = """\
apiVersion: observability.example.com/v1alpha1
kind: Dashboard
metadata:
  name: {name}
  namespace: {namespace}
spec:
  title: {name} latency and errors
  refreshSeconds: 30
  panels:
  - {{query: 'histogram_quantile(0.99, rate(http_request_seconds_bucket{{app="{name}"}}[5m]))', unit: s}}
  - {{query: 'rate(http_requests_total{{app="{name}",code=~"5.."}}[5m])'}}
"""

NAMESPACES = 20
"""Apps are spread over this many namespaces (team-00 ... team-19)."""

# One "app": the documents a team writes for one service.
_APP = (_DEPLOYMENT, _SERVICE, _INGRESS, _CONFIGMAP)
_DATABASE = (_STATEFULSET, _HEADLESS_SERVICE, _BACKUP)


def _app_templates(app: int) -> tuple[str, ...]:
    """Every tenth app has a database (StatefulSet, headless Service, Backup), every fifth a Dashboard."""
    return _APP + (_DATABASE if app % 10 == 9 else ()) + ((_DASHBOARD,) if app % 5 == 2 else ())


def documents(count: int, seed: int = 1) -> list[str]:
    """``count`` YAML documents: the namespaces and CRDs first, then the apps."""
    rng = random.Random(seed)
    out = [_NAMESPACE.format(team=team) for team in range(NAMESPACES)] + [_BACKUP_CRD, _DASHBOARD_CRD]
    app = 0
    while len(out) < count:
        values = {
            "name": f"svc-{app:05d}",
            "namespace": f"team-{app % NAMESPACES:02d}",
            "replicas": rng.choice((2, 3, 3, 4)),
            "minor": rng.randrange(30),
            "cpu": rng.choice((100, 250, 500)),
            "memory": rng.choice((128, 256, 512)),
            "minute": rng.randrange(60),
        }
        out.extend(template.format(**values) for template in _app_templates(app))
        app += 1
    return out[:count]


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
