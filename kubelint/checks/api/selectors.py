"""Label selectors: their syntax, and workloads whose selector misses their own pods.

Two shapes exist (seed 000 chapter 6): the plain ``{key: value}`` map of
Services and ReplicationControllers, and ``metav1.LabelSelector`` with
``matchLabels`` and ``matchExpressions`` everywhere else. The server checks
both with ValidateLabels / ValidateLabelSelector
(k8s.io/apimachinery/pkg/apis/meta/v1/validation), and apps/v1 workloads
must select the labels of their own pod template (pkg/apis/apps/validation).
"""

from __future__ import annotations

from typing import Any, Iterator

from kubelint import selectors
from kubelint.checks import Problem, RuleContext
from kubelint.checks.api import list_items, mapping_items
from kubelint.checks.api.metadata import label_key_problem, label_value_problem
from kubelint.kube import get_path, pod_labels, pod_template_path
from kubelint.model import FieldPath, Resource

SELECTOR_FIELDS = ("matchLabels", "matchExpressions")
APPS_WORKLOADS = frozenset({"Deployment", "ReplicaSet", "StatefulSet", "DaemonSet"})
PLAIN_SELECTOR_KINDS = frozenset({"Service", "ReplicationController"})
_NETWORK_POLICY_PEERS = (("ingress", "from"), ("egress", "to"))


def label_selector_paths(resource: Resource) -> Iterator[FieldPath]:
    """Paths of the metav1.LabelSelector fields this rule checks, present or not."""
    kind, group = resource.kind, resource.group
    if (group in ("apps", "extensions") and kind in APPS_WORKLOADS) or (group == "batch" and kind == "Job"):
        yield ("spec", "selector")
    elif group == "batch" and kind == "CronJob":
        yield ("spec", "jobTemplate", "spec", "selector")
    elif group == "policy" and kind == "PodDisruptionBudget":
        yield ("spec", "selector")
    elif group == "networking.k8s.io" and kind == "NetworkPolicy":
        yield ("spec", "podSelector")
        spec = resource.data.get("spec")
        for direction, peers in _NETWORK_POLICY_PEERS:
            for _, rule, rule_path in list_items(get_path(spec, (direction,)), ("spec", direction)):
                for _, peer, peer_path in list_items(rule.get(peers), rule_path + (peers,)):
                    for field in ("podSelector", "namespaceSelector"):
                        if field in peer:
                            yield peer_path + (field,)


def _expression_problems(expression: dict[str, Any], path: FieldPath) -> Iterator[Problem]:
    operator, values = expression.get("operator"), expression.get("values")
    if operator in ("In", "NotIn"):
        if not values:
            yield Problem(
                path + ("values",) if "values" in expression else path + ("operator",),
                f'matchExpressions operator {operator} needs at least one value (the API server: "must be specified '
                "when `operator` is 'In' or 'NotIn'\"); add values: [...], or use Exists",
            )
    elif operator in ("Exists", "DoesNotExist"):
        if values:
            yield Problem(
                path + ("values",),
                f'matchExpressions operator {operator} takes no values (the API server: "may not be specified when '
                "`operator` is 'Exists' or 'DoesNotExist'\"); remove values, or use In / NotIn",
                key=True,
            )
    else:
        yield Problem(
            path + ("operator",),
            f'matchExpressions operator "{operator}" is not one of In, NotIn, Exists, DoesNotExist (the API '
            'server: "not a valid selector operator"); operators are case-sensitive',
        )
    key = expression.get("key")
    if isinstance(key, str):
        problem = label_key_problem(key, path + ("key",), what="matchExpressions key")
        if problem is not None:
            problem.key = False
            yield problem
    if isinstance(values, list):
        for index, value in enumerate(values):
            if isinstance(value, str):
                problem = label_value_problem(value, path + ("values", index), str(key))
                if problem is not None:
                    yield problem


def _label_map_problems(labels: Any, path: FieldPath) -> Iterator[Problem]:
    for key, value, entry_path in mapping_items(labels, path):
        problem = label_key_problem(key, entry_path)
        if problem is None and isinstance(value, str):
            problem = label_value_problem(value, entry_path, key)
        if problem is not None:
            yield problem


def label_selector_problems(selector: Any, path: FieldPath, owner: str) -> Iterator[Problem]:
    """Problems of one metav1.LabelSelector."""
    if not isinstance(selector, dict):
        return
    for key, value, key_path in mapping_items(selector, path):
        if key not in SELECTOR_FIELDS:
            hint = (
                f'; put labels under matchLabels: "matchLabels: {{{key}: {value}}}"'
                if isinstance(value, (str, int, float, bool))
                else ""
            )
            yield Problem(
                key_path,
                f"{owner} {'.'.join(path)} is a label selector with matchLabels and matchExpressions, not a plain "
                f'map: "{key}" is not one of its fields{hint}',
                key=True,
            )
    yield from _label_map_problems(selector.get("matchLabels"), path + ("matchLabels",))
    for _, expression, expression_path in list_items(selector.get("matchExpressions"), path + ("matchExpressions",)):
        yield from _expression_problems(expression, expression_path)


def plain_selector_problems(selector: Any, path: FieldPath, owner: str) -> Iterator[Problem]:
    """Problems of a Service's or ReplicationController's equality-only selector."""
    if not isinstance(selector, dict):
        return
    for key, value, key_path in mapping_items(selector, path):
        if key in SELECTOR_FIELDS and isinstance(value, (dict, list)):
            yield Problem(
                key_path,
                f"a {owner} selector is a plain map of labels, not a label selector: {key} is not allowed here; "
                f"move the labels up, directly under {'.'.join(path)}",
                key=True,
            )
    yield from _label_map_problems({key: value for key, value in selector.items() if key not in SELECTOR_FIELDS}, path)


def selector_syntax(resource: Resource, ctx: RuleContext) -> Iterator[Problem]:
    """matchLabels / matchExpressions syntax, and plain-map selectors where the kind wants one."""
    kind = resource.kind or ""
    if kind in PLAIN_SELECTOR_KINDS and resource.group == "":
        yield from plain_selector_problems(get_path(resource.data, ("spec", "selector")), ("spec", "selector"), kind)
        return
    for path in label_selector_paths(resource):
        yield from label_selector_problems(get_path(resource.data, path), path, kind)


def _is_well_formed(selector: dict[str, Any]) -> bool:
    """Whether the server could turn the selector into a label query at all."""
    if set(selector) - set(SELECTOR_FIELDS):
        return False
    match_labels = selector.get("matchLabels") or {}
    expressions = selector.get("matchExpressions") or []
    return (
        isinstance(match_labels, dict)
        and all(isinstance(value, str) for value in match_labels.values())
        and isinstance(expressions, list)
        and all(
            isinstance(item, dict)
            and item.get("operator") in selectors.OPERATORS
            and all(isinstance(value, str) for value in item.get("values") or [])
            for item in expressions
        )
    )


def _mismatch(resource: Resource, selector_path: FieldPath, selector: Any) -> Problem:
    labels = pod_labels(resource)
    shown = selectors.describe(selector)
    template_path = (pod_template_path(resource) or ()) + ("metadata", "labels")
    return Problem(
        template_path if get_path(resource.data, template_path) is not None else selector_path,
        f"{resource.kind} selector {shown} does not match its pod template labels "
        f'{selectors.describe(labels) if labels else "(none)"} (the API server: "`selector` does not match template '
        '`labels`"); the controller could never find the pods it creates: add the selected labels to '
        "spec.template.metadata.labels",
    )


def _workload_problems(resource: Resource) -> Iterator[Problem]:
    kind, where = resource.kind, ("spec", "selector")
    selector = get_path(resource.data, where)
    if selector is None:
        yield Problem(
            ("spec",) if "spec" in resource.data else (),
            f'{kind} has no spec.selector: apps/v1 requires one (the API server: "spec.selector: Required value"); '
            "add spec.selector.matchLabels with the labels of spec.template.metadata.labels",
            key=True,
        )
        return
    if not isinstance(selector, dict) or not _is_well_formed(selector):
        return  # selector-syntax (or the schema) reports it
    if not selector.get("matchLabels") and not selector.get("matchExpressions"):
        yield Problem(
            where,
            f'{kind} spec.selector is empty (the API server: "empty selector is invalid for {kind.lower()}"); '
            "select the labels of spec.template.metadata.labels",
        )
    elif not selectors.matches(selector, pod_labels(resource)):
        yield _mismatch(resource, where, selector)


def _job_problems(resource: Resource) -> Iterator[Problem]:
    spec = resource.data.get("spec")
    if resource.kind == "CronJob":
        if get_path(spec, ("jobTemplate", "spec", "selector")) is not None:
            yield Problem(
                ("spec", "jobTemplate", "spec", "selector"),
                'a CronJob\'s Jobs get generated selectors (the API server: "`selector` will be auto-generated"); '
                "remove jobTemplate.spec.selector",
                key=True,
            )
        return
    selector = get_path(spec, ("selector",))
    if selector is None:
        return
    if get_path(spec, ("manualSelector",)) is not True:
        yield Problem(
            ("spec", "selector"),
            "Job spec.selector is set but spec.manualSelector is not true: the API server generates the selector "
            '(the API server: "`selector` not auto-generated"); remove spec.selector, or set manualSelector: true',
            key=True,
        )
    elif (
        isinstance(selector, dict)
        and _is_well_formed(selector)
        and not selectors.matches(selector, pod_labels(resource))
    ):
        yield _mismatch(resource, ("spec", "selector"), selector)


def _replication_controller_problems(resource: Resource) -> Iterator[Problem]:
    selector = get_path(resource.data, ("spec", "selector"))
    if not selector or not isinstance(selector, dict):
        return  # the server fills it from the template labels
    if all(isinstance(value, str) for value in selector.values()) and not selectors.matches_map(
        selector, pod_labels(resource)
    ):
        yield _mismatch(resource, ("spec", "selector"), selector)


def selector_mismatch(resource: Resource, ctx: RuleContext) -> Iterator[Problem]:
    """Workloads select the labels of their own pod template."""
    group, kind = resource.group, resource.kind
    if group == "apps" and kind in APPS_WORKLOADS:
        yield from _workload_problems(resource)
    elif group == "batch" and kind in ("Job", "CronJob"):
        yield from _job_problems(resource)
    elif group == "" and kind == "ReplicationController":
        yield from _replication_controller_problems(resource)
