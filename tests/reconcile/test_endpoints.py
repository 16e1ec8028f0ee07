"""Endpoints and EndpointSlices: selected pods only, named ports per pod, readiness, 100 per slice."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from kubelint.reconcile.profile import default_profile
from kubelint.selectors import matches_map

from conftest import deployment, rules_of, world_of

SERVICE = """apiVersion: v1
kind: Service
metadata:
  name: {name}
spec:
  selector: {selector}
  publishNotReadyAddresses: {publish}
  ports:
  - name: http
    port: 80
    targetPort: http
"""


def service(name: str, selector: str, publish: bool = False) -> str:
    return SERVICE.format(name=name, selector=selector, publish=str(publish).lower())


def test_named_target_ports_resolve_pod_by_pod() -> None:
    blue = deployment("blue", replicas=2, labels="tier: web")
    green = deployment("green", replicas=1, labels="tier: web").replace("containerPort: 8080", "containerPort: 9090")
    world = world_of("---\n".join([blue, green, service("web", "{tier: web}")]))
    ports = sorted((a.pod.split("-")[0], a.port) for a in world.endpoints[("default", "web")].addresses)  # type: ignore[union-attr]
    assert ports == [("blue", 8080), ("blue", 8080), ("green", 9090)]
    slices = [s for s in world.slices.values() if s.service == "web"]
    assert sorted((s.ports, len(s.endpoints)) for s in slices) == [((("http", 8080, "TCP"),), 2), ((("http", 9090, "TCP"),), 1)]


def test_unscheduled_pods_are_not_endpoints_and_publish_not_ready_keeps_not_ready_ones() -> None:
    text = deployment("big", replicas=1, cpu="16") + "---\n" + service("big", "{app: big}")
    world = world_of(text)
    assert world.endpoints[("default", "big")].addresses == ()
    assert "plan-service-selects-nothing" not in rules_of(world)  # it selects a pod: one that cannot run
    world = world_of(deployment("web", replicas=2) + "---\n" + service("web", "{app: web}", publish=True))
    assert all(a.ready for a in world.endpoints[("default", "web")].addresses)


def test_slices_hold_at_most_100_endpoints() -> None:
    profile = default_profile().with_workers(3)
    world = world_of(deployment("wide", replicas=250) + "---\n" + service("wide", "{app: wide}"), profile)
    sizes = sorted(len(s.endpoints) for s in world.slices.values() if s.service == "wide")
    assert sizes == [50, 100, 100]
    assert len({s.name for s in world.slices.values()}) == len(world.slices)
    assert all(s.name.startswith("wide-") and len(s.name) == len("wide-") + 5 for s in world.slices.values() if s.service == "wide")


def test_a_service_that_selects_nothing_says_which_labels_no_pod_has() -> None:
    world = world_of(deployment("alpaca") + "---\n" + service("alpaca", "{app: alpaca, env: prod}"))
    [(rule, problem)] = world.problems
    assert rule == "plan-service-selects-nothing"
    assert "no pod in namespace default carries env=prod" in problem.message


names = st.sampled_from(["a", "b", "c"])
label_sets = st.dictionaries(st.sampled_from(["app", "tier", "env"]), names, min_size=1, max_size=3)


@given(st.lists(label_sets, min_size=1, max_size=5), st.lists(label_sets, min_size=1, max_size=4))
@settings(max_examples=40, deadline=None)
def test_every_endpoint_belongs_to_a_pod_the_service_selects(pod_labels: list[dict[str, str]], selectors: list[dict[str, str]]) -> None:
    documents = []
    for index, labels in enumerate(pod_labels):
        label_text = "".join(f"\n    {k}: {v}" for k, v in labels.items())
        documents.append(
            f"apiVersion: v1\nkind: Pod\nmetadata:\n  name: pod-{index}\n  labels:{label_text}\nspec:\n"
            "  containers:\n  - name: app\n    image: example/app:1\n    ports:\n    - {containerPort: 8080, name: http}\n"
        )
    for index, selector in enumerate(selectors):
        documents.append(service(f"svc-{index}", "{" + ", ".join(f"{k}: {v}" for k, v in selector.items()) + "}"))
    world = world_of("---\n".join(documents))
    for (namespace, name), endpoints in world.endpoints.items():
        service_ = world.services[(namespace, name)]
        if service_.system:
            continue
        selected = {pod.name for pod in world.pods.values() if matches_map(service_.selector, pod.labels)}
        assert {a.pod for a in endpoints.addresses} == selected
        for address in endpoints.addresses:
            assert address.ip == world.pods[(namespace, address.pod)].ip  # type: ignore[index]
    for slice_ in world.slices.values():
        service_ = world.services[(slice_.namespace, slice_.service)]
        for endpoint in slice_.endpoints:
            assert endpoint.pod is None or matches_map(service_.selector, world.pods[(slice_.namespace, endpoint.pod)].labels)
