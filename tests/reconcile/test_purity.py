"""reconcile() is a pure function: input untouched, same output every time, base allocations kept,
and no input, however malformed, makes it raise."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any, Iterator

import pytest

from kubelint.loader import load, load_text
from kubelint.plan import plan_resources, render
from kubelint.plan.diff import plan
from kubelint.plan.views import objects, pod_view, service_view
from kubelint.reconcile import reconcile
from kubelint.reconcile.profile import default_profile

from conftest import deployment, world_of

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = sorted(str(p) for p in (ROOT / "fixtures" / "plan").glob("*.yaml"))


def test_input_objects_are_never_changed() -> None:
    resources = load(SCENARIOS).resources
    before = [copy.deepcopy(r.data) for r in resources]
    reconcile(resources, default_profile())
    assert [r.data for r in resources] == before


def test_same_input_same_world() -> None:
    resources = load(SCENARIOS).resources
    first, second = reconcile(resources), reconcile(resources)
    assert json.dumps(objects(first), default=str) == json.dumps(objects(second), default=str)
    assert first.dns == second.dns and first.routes == second.routes


SERVICE = "---\napiVersion: v1\nkind: Service\nmetadata: {{name: {name}}}\nspec:\n  type: NodePort\n  selector: {{app: {name}}}\n  ports: [{{port: 80, targetPort: http}}]\n"


def test_a_base_worlds_allocations_are_kept() -> None:
    base_text = "".join("---\n" + deployment(f"app{n}", replicas=2) + SERVICE.format(name=f"app{n}") for n in range(8))
    base = world_of(base_text)
    grown = world_of(deployment("newcomer", replicas=5) + SERVICE.format(name="newcomer") + base_text, previous=base)
    for key, service in base.services.items():
        assert (grown.services[key].cluster_ip, grown.services[key].ports) == (service.cluster_ip, service.ports)
    for key, pod in base.pods.items():
        assert (grown.pods[key].node, grown.pods[key].ip) == (pod.node, pod.ip)
    assert plan(base, base).has_changes is False


def test_adding_a_service_does_not_move_the_others_even_without_a_base() -> None:
    services = "".join(SERVICE.format(name=f"svc{n}") for n in range(200))
    before = {k: s.cluster_ip for k, s in world_of(services).services.items()}
    after = world_of(services + SERVICE.format(name="one-more")).services
    assert all(after[k].cluster_ip == ip for k, ip in before.items())
    removed = world_of("".join(SERVICE.format(name=f"svc{n}") for n in range(1, 200))).services
    assert all(removed[k].cluster_ip == ip for k, ip in before.items() if k in removed)


def _leaves(data: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    if isinstance(data, dict):
        for key, value in data.items():
            yield path + (key,)
            yield from _leaves(value, path + (key,))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield path + (index,)
            yield from _leaves(value, path + (index,))


def _replaced(data: Any, path: tuple[Any, ...], value: Any) -> Any:
    data = copy.deepcopy(data)
    target = data
    for part in path[:-1]:
        target = target[part]
    target[path[-1]] = value
    return data


@pytest.mark.parametrize("scenario", ["problems.yaml", "statefulset.yaml", "jobs.yaml", "ingress.yaml", "daemonset.yaml"])
def test_no_field_of_the_wrong_type_makes_the_reconciler_raise(scenario: str) -> None:
    import yaml

    documents = list(yaml.safe_load_all((ROOT / "fixtures" / "plan" / scenario).read_text()))
    for index, document in enumerate(documents):
        for path in _leaves(document):
            if path[0] in ("apiVersion", "kind"):
                continue
            for wrong in ("text", 7, ["a"], {"k": "v"}, None, True):
                broken = documents[:index] + [_replaced(document, path, wrong)] + documents[index + 1:]
                text = "\n---\n".join(json.dumps(d) for d in broken)  # JSON is YAML, and fast to write
                resources = load_text(text, "broken.yaml").resources
                result, failures = plan_resources(resources, default_profile(), "1.37")
                assert not failures, (scenario, path, wrong, failures[0].message)
                render_all(result)


def render_all(result: Any) -> None:
    from kubelint.plan import PlanReport

    report = PlanReport(result, [], "1.37")
    for format in ("text", "json", "markdown"):
        render(report, format)


def test_pod_and_service_views_are_plain_data() -> None:
    world = world_of(deployment("web") + SERVICE.format(name="web"))
    for pod in world.pods.values():
        json.dumps(pod_view(pod))
    for service in world.services.values():
        json.dumps(service_view(service))
