"""Label selectors, as the API server and the controllers evaluate them.

Two shapes exist: the plain ``{key: value}`` map of Services and
ReplicationControllers (equality only), and ``metav1.LabelSelector`` with
``matchLabels`` and ``matchExpressions`` (In, NotIn, Exists, DoesNotExist).
An empty LabelSelector selects everything; a missing one selects nothing
(k8s.io/apimachinery/pkg/apis/meta/v1/helpers.go LabelSelectorAsSelector).
"""

from __future__ import annotations

from typing import Any, Mapping

OPERATORS = ("In", "NotIn", "Exists", "DoesNotExist")


def _label(labels: Mapping[str, Any], key: str) -> str | None:
    value = labels.get(key)
    return value if isinstance(value, str) else None


def matches_map(selector: Mapping[str, Any] | None, labels: Mapping[str, Any]) -> bool:
    """A Service-style equality selector; an empty or missing one selects nothing."""
    if not selector:
        return False
    return all(_label(labels, key) == value for key, value in selector.items())


def _expression_matches(expression: Mapping[str, Any], labels: Mapping[str, Any]) -> bool:
    key = expression.get("key")
    operator = expression.get("operator")
    values = expression.get("values") or []
    if not isinstance(key, str):
        return False
    present = key in labels
    value = _label(labels, key)
    if operator == "In":
        return present and value in values
    if operator == "NotIn":
        return not present or value not in values
    if operator == "Exists":
        return present
    if operator == "DoesNotExist":
        return not present
    return False  # an invalid operator selects nothing; the API rules report it


def matches(selector: Mapping[str, Any] | None, labels: Mapping[str, Any]) -> bool:
    """A ``metav1.LabelSelector`` against a label set."""
    if selector is None or not isinstance(selector, Mapping):
        return False
    match_labels = selector.get("matchLabels") or {}
    if isinstance(match_labels, Mapping):
        for key, value in match_labels.items():
            if _label(labels, key) != value:
                return False
    expressions = selector.get("matchExpressions") or []
    if isinstance(expressions, list):
        for expression in expressions:
            if not isinstance(expression, Mapping) or not _expression_matches(expression, labels):
                return False
    return True


def describe(selector: Mapping[str, Any] | None) -> str:
    """kubectl's string form: ``app=web,tier in (a,b),!legacy``."""
    if not selector:
        return "<none>"
    if "matchLabels" not in selector and "matchExpressions" not in selector:
        return ",".join(f"{key}={value}" for key, value in sorted(selector.items()))
    parts = [f"{key}={value}" for key, value in sorted((selector.get("matchLabels") or {}).items())]
    for expression in selector.get("matchExpressions") or []:
        if not isinstance(expression, Mapping):
            continue
        key, operator = expression.get("key"), expression.get("operator")
        values = ",".join(sorted(str(v) for v in expression.get("values") or []))
        parts.append(
            {
                "In": f"{key} in ({values})",
                "NotIn": f"{key} notin ({values})",
                "Exists": f"{key}",
                "DoesNotExist": f"!{key}",
            }.get(str(operator), f"{key} {operator} ({values})")
        )
    return ",".join(parts) or "<everything>"
