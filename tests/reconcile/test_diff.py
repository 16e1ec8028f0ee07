"""The plan is the diff of two worlds: creations, updates with their fields, deletions of everything derived."""

from __future__ import annotations

from kubelint.plan.diff import plan

from conftest import deployment, world_of

SERVICE = "---\napiVersion: v1\nkind: Service\nmetadata: {{name: {name}}}\nspec:\n  selector: {{app: {name}}}\n  ports: [{{name: http, port: 80, targetPort: http}}]\n"


def test_against_a_base_world() -> None:
    base = world_of(deployment("web", replicas=2) + SERVICE.format(name="web") + "---\n" + deployment("old") + SERVICE.format(name="old"))
    new = world_of(deployment("web", replicas=3) + SERVICE.format(name="web"), previous=base)
    result = plan(base, new)
    changes = {(e.item["kind"], e.item["name"]): e for e in result.objects}
    assert changes[("Deployment", "web")].change == "update"
    assert changes[("Deployment", "web")].changed == ("spec.replicas",)
    assert changes[("Deployment", "old")].change == "delete"
    assert changes[("Service", "old")].change == "delete" and changes[("Endpoints", "old")].change == "delete"
    assert changes[("Service", "web")].change == "none"  # same cluster IP: kept from the base
    pods = [e.change for e in result.pods if e.item["owner"] == "Deployment/web"]
    assert sorted(pods) == ["create", "none", "none"]
    assert {e.change for e in result.dns if "old.default" in e.item["name"] or "old.default" in e.item["value"]} == {"delete"}
    # updates: the Deployment, its ReplicaSet (scaled), the Endpoints and EndpointSlice (one more pod)
    assert result.summary() == {"create": 1, "update": 4, "replace": 0, "delete": 6, "unchanged": 10}
    assert plan(new, new).has_changes is False
