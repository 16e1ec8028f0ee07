"""Ingress routes: classes, matching order, TLS, backends and conflicts."""

from __future__ import annotations

from conftest import deployment, rules_of, world_of

BACKEND = deployment("web") + "---\napiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec:\n  selector: {app: web}\n  ports: [{name: http, port: 80, targetPort: http}]\n"


def ingress(name: str, spec: str, annotations: str = "") -> str:
    body = "".join(f"\n  {line}" for line in spec.splitlines())
    meta = f"\n  annotations: {{{annotations}}}" if annotations else ""
    return f"---\napiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: {name}{meta}\nspec:{body}\n"


def path(value: str, kind: str, port: str = "number: 80") -> str:
    return f"- path: {value}\n  pathType: {kind}\n  backend: {{service: {{name: web, port: {{{port}}}}}}}"


def rule(host: str | None, *paths: str) -> str:
    lines = [f'- host: "{host}"' if host else "- http:"]
    if host:
        lines.append("  http:")
    lines.append("    paths:" if host else "    paths:")
    lines.extend("    " + line for p in paths for line in p.splitlines())
    return "\n".join(lines)


def test_exact_before_prefix_longest_first_and_hosts_before_wildcards() -> None:
    spec = "rules:\n" + "\n".join([
        rule(None, path("/", "Prefix")),
        rule("*.example.com", path("/", "Prefix")),
        rule("shop.example.com", path("/", "Prefix"), path("/cart", "Prefix"), path("/cart", "Exact"), path("/cart/items", "Prefix")),
    ])
    world = world_of(BACKEND + ingress("shop", spec))
    order = [(r.host, r.path, r.path_type) for r in world.routes]
    assert order == [
        ("shop.example.com", "/cart", "Exact"),
        ("shop.example.com", "/cart/items", "Prefix"),
        ("shop.example.com", "/cart", "Prefix"),
        ("shop.example.com", "/", "Prefix"),
        ("*.example.com", "/", "Prefix"),
        ("*", "/", "Prefix"),
    ]
    assert all(r.endpoints == 1 for r in world.routes)


def test_class_from_name_annotation_or_default_class_and_tls() -> None:
    default_class = "---\napiVersion: networking.k8s.io/v1\nkind: IngressClass\nmetadata:\n  name: contour\n  annotations: {ingressclass.kubernetes.io/is-default-class: \"true\"}\nspec: {controller: projectcontour.io/contour}\n"
    tls = "tls:\n- hosts: ['*.example.com']\n  secretName: wildcard\n"
    world = world_of(
        BACKEND + default_class
        + ingress("named", "ingressClassName: nginx\n" + tls + "rules:\n" + rule("a.example.com", path("/", "Prefix")))
        + ingress("annotated", "rules:\n" + rule("b.example.com", path("/", "Prefix")), "kubernetes.io/ingress.class: traefik")
        + ingress("plain", "rules:\n" + rule("c.other.org", path("/", "Prefix")))
    )
    found = {r.ingress: (r.ingress_class, r.tls) for r in world.routes}
    assert found == {"default/named": ("nginx", True), "default/annotated": ("traefik", False), "default/plain": ("contour", False)}


def test_backends_missing_by_name_or_port_and_without_endpoints() -> None:
    to_nowhere = path("/b", "Prefix").replace("name: web", "name: nowhere")
    world = world_of(BACKEND + ingress("x", "rules:\n" + rule("x.example.com", path("/a", "Prefix", "name: https"), to_nowhere)))
    messages = sorted(p.message for rule_, p in world.problems)
    assert rules_of(world) == ["plan-ingress-backend-missing", "plan-ingress-backend-missing"]
    assert "port 'https'" in messages[0] and "its ports: http:80" in messages[0]
    assert 'Service "nowhere"' in messages[1]
    lonely = "---\napiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec:\n  selector: {app: nothing}\n  ports: [{port: 80}]\n"
    world = world_of(lonely + ingress("x", "defaultBackend: {service: {name: web, port: {number: 80}}}"))
    assert "plan-ingress-backend-unready" in rules_of(world)


def test_two_ingresses_claiming_one_host_and_path_conflict_within_a_class() -> None:
    one = ingress("one", "ingressClassName: nginx\nrules:\n" + rule("a.example.com", path("/api", "Prefix")))
    two = ingress("two", "ingressClassName: nginx\nrules:\n" + rule("a.example.com", path("/api/", "Prefix")))
    other_class = ingress("three", "ingressClassName: traefik\nrules:\n" + rule("a.example.com", path("/api", "Prefix")))
    world = world_of(BACKEND + one + two + other_class)
    [(rule_, problem)] = world.problems
    assert rule_ == "plan-ingress-conflict" and "Ingress default/two" in problem.message and "default/one" in problem.message
