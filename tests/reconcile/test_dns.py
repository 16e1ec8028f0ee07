"""DNS records as the Kubernetes DNS specification (kubernetes/dns docs/specification.md) lists them."""

from __future__ import annotations

from kubelint.reconcile.world import World

from conftest import deployment, profile_of, world_of

HEADLESS = """apiVersion: v1
kind: Service
metadata:
  name: nginx
spec:
  clusterIP: None
  selector: {app: nginx}
  ports:
  - {name: web, port: 80}
---
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: web
spec:
  serviceName: nginx
  replicas: 2
  selector: {matchLabels: {app: nginx}}
  template:
    metadata: {labels: {app: nginx}}
    spec:
      containers:
      - name: nginx
        image: nginx:1.27
        ports: [{containerPort: 80, name: web}]
"""


def records(world: World, *types: str) -> list[tuple[str, str, str]]:
    return [(r.name, r.type, r.value) for r in world.dns if not types or r.type in types]


def test_schema_version_and_the_clusters_own_services() -> None:
    world = world_of("")
    assert ("dns-version.cluster.local.", "TXT", '"1.1.0"') in records(world)
    assert ("kubernetes.default.svc.cluster.local.", "A", "10.96.0.1") in records(world)
    assert ("1.0.96.10.in-addr.arpa.", "PTR", "kubernetes.default.svc.cluster.local.") in records(world)
    assert ("_https._tcp.kubernetes.default.svc.cluster.local.", "SRV", "0 100 443 kubernetes.default.svc.cluster.local.") in records(world)
    assert ("kube-dns.kube-system.svc.cluster.local.", "A", "10.96.0.10") in records(world)


def test_cluster_ip_service_named_and_unnamed_ports() -> None:
    text = deployment("web") + """---
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web}
  ports:
  - {name: http, port: 80, targetPort: http}
  - {port: 9000, protocol: UDP, name: ""}
"""
    world = world_of(text.replace('name: ""', "name: stats"))
    ip = world.services[("default", "web")].cluster_ip
    assert ("web.default.svc.cluster.local.", "A", ip) in records(world)
    srv = [r for r in records(world, "SRV") if "web.default" in r[0]]
    assert srv == [
        ("_http._tcp.web.default.svc.cluster.local.", "SRV", "0 100 80 web.default.svc.cluster.local."),
        ("_stats._udp.web.default.svc.cluster.local.", "SRV", "0 100 9000 web.default.svc.cluster.local."),
    ]
    unnamed = world_of(deployment("web") + "---\napiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec:\n  selector: {app: web}\n  ports: [{port: 80}]\n")
    assert not [r for r in records(unnamed, "SRV") if "web.default" in r[0]]  # unnamed ports have no SRV record


def test_headless_service_and_statefulset_hostnames() -> None:
    world = world_of(HEADLESS)
    pods = {p.name: p.ip for p in world.pods.values()}
    assert set(pods) == {"web-0", "web-1"}
    names = records(world)
    for pod, ip in pods.items():
        assert ("nginx.default.svc.cluster.local.", "A", ip) in names
        assert (f"{pod}.nginx.default.svc.cluster.local.", "A", ip) in names
        assert (f"_web._tcp.nginx.default.svc.cluster.local.", "SRV", f"0 50 80 {pod}.nginx.default.svc.cluster.local.") in names
        reverse = ".".join(reversed(ip.split("."))) + ".in-addr.arpa."  # type: ignore[union-attr]
        assert (reverse, "PTR", f"{pod}.nginx.default.svc.cluster.local.") in names
        assert (f"{ip.replace('.', '-')}.default.pod.cluster.local.", "A", ip) in names  # type: ignore[union-attr]
    assert world.problems == []


def test_headless_endpoints_without_hostname_get_a_dashed_address() -> None:
    text = deployment("cache", replicas=1) + "---\napiVersion: v1\nkind: Service\nmetadata: {name: cache}\nspec:\n  clusterIP: None\n  selector: {app: cache}\n  ports: [{name: http, port: 8080}]\n"
    world = world_of(text)
    [pod] = world.pods.values()
    dashed = pod.ip.replace(".", "-")  # type: ignore[union-attr]
    assert (f"{dashed}.cache.default.svc.cluster.local.", "A", pod.ip) in records(world)


def test_external_name_is_a_cname() -> None:
    world = world_of("apiVersion: v1\nkind: Service\nmetadata: {name: db}\nspec: {type: ExternalName, externalName: my.database.example.com}\n")
    assert ("db.default.svc.cluster.local.", "CNAME", "my.database.example.com.") in records(world)


def test_ipv6_clusters_get_aaaa_and_nibble_ptr_records() -> None:
    profile = profile_of(
        "serviceCIDR: fd00:10:96::/112\ndnsServiceIP: fd00:10:96::a\npodCIDR: fd00:10:244::/56\nnodeCIDRMaskSize: 64\n"
        "nodes:\n- name: n1\n  capacity: {cpu: '4', memory: 8Gi, pods: 110}\n"
    )
    world = world_of("", profile)
    assert ("kubernetes.default.svc.cluster.local.", "AAAA", "fd00:10:96::1") in records(world)
    [ptr] = [r for r in records(world, "PTR") if r[2] == "kubernetes.default.svc.cluster.local."]
    assert ptr[0] == "1." + "0." * 19 + "6.9.0.0.0.1.0.0.0.0.d.f.ip6.arpa."  # 32 nibbles, reversed


def test_replicas_sharing_a_hostname_collide() -> None:
    text = deployment("db", replicas=2, extra_spec="hostname: db\nsubdomain: db") + (
        "---\napiVersion: v1\nkind: Service\nmetadata: {name: db}\nspec:\n  clusterIP: None\n  selector: {app: db}\n  ports: [{name: pg, port: 5432}]\n"
    )
    world = world_of(text)
    [(rule, problem)] = world.problems
    assert rule == "plan-dns-collision" and "db.db.default.svc.cluster.local." in problem.message
    assert problem.path == ("spec", "template", "spec", "hostname")
