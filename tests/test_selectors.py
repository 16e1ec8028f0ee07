"""Label selectors behave as the API server evaluates them."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from kubelint.selectors import describe, matches, matches_map

keys = st.sampled_from(["app", "tier", "env", "app.kubernetes.io/name"])
values = st.sampled_from(["web", "db", "prod", "dev", ""])
label_sets = st.dictionaries(keys, values, max_size=4)


def test_match_labels_and_expressions() -> None:
    labels = {"app": "web", "tier": "frontend"}
    assert matches({"matchLabels": {"app": "web"}}, labels)
    assert not matches({"matchLabels": {"app": "db"}}, labels)
    assert matches({"matchExpressions": [{"key": "tier", "operator": "In", "values": ["frontend", "x"]}]}, labels)
    assert not matches({"matchExpressions": [{"key": "tier", "operator": "NotIn", "values": ["frontend"]}]}, labels)
    assert matches({"matchExpressions": [{"key": "env", "operator": "NotIn", "values": ["prod"]}]}, labels)
    assert matches({"matchExpressions": [{"key": "app", "operator": "Exists"}]}, labels)
    assert matches({"matchExpressions": [{"key": "env", "operator": "DoesNotExist"}]}, labels)
    assert not matches({"matchExpressions": [{"key": "app", "operator": "Bogus"}]}, labels)


def test_empty_selects_everything_missing_selects_nothing() -> None:
    assert matches({}, {"a": "b"}) and matches({}, {})
    assert not matches(None, {"a": "b"})
    assert not matches_map({}, {"a": "b"}) and not matches_map(None, {"a": "b"})


def test_non_string_label_values_never_match() -> None:
    assert not matches({"matchLabels": {"enabled": "true"}}, {"enabled": True})
    assert not matches_map({"enabled": "true"}, {"enabled": True})


@given(label_sets, label_sets)
def test_match_labels_is_subset_equality(selector: dict, labels: dict) -> None:
    expected = all(labels.get(k) == v for k, v in selector.items())
    assert matches({"matchLabels": selector}, labels) == expected
    if selector:
        assert matches_map(selector, labels) == expected


@given(keys, st.lists(values, min_size=1, max_size=3), label_sets)
def test_in_and_notin_are_complements_when_the_key_exists(key: str, allowed: list, labels: dict) -> None:
    in_ = matches({"matchExpressions": [{"key": key, "operator": "In", "values": allowed}]}, labels)
    not_in = matches({"matchExpressions": [{"key": key, "operator": "NotIn", "values": allowed}]}, labels)
    if key in labels:
        assert in_ != not_in
    else:
        assert not in_ and not_in


@given(keys, label_sets)
def test_exists_and_does_not_exist_are_complements(key: str, labels: dict) -> None:
    exists = matches({"matchExpressions": [{"key": key, "operator": "Exists"}]}, labels)
    absent = matches({"matchExpressions": [{"key": key, "operator": "DoesNotExist"}]}, labels)
    assert exists != absent


@given(label_sets, label_sets, label_sets)
def test_more_requirements_never_select_more(first: dict, second: dict, labels: dict) -> None:
    both = {**second, **first}  # every requirement of first, and more
    if matches({"matchLabels": both}, labels):
        assert matches({"matchLabels": first}, labels)


def test_describe_reads_like_kubectl() -> None:
    selector = {
        "matchLabels": {"app": "web"},
        "matchExpressions": [
            {"key": "tier", "operator": "In", "values": ["b", "a"]},
            {"key": "legacy", "operator": "DoesNotExist"},
        ],
    }
    assert describe(selector) == "app=web,tier in (a,b),!legacy"
    assert describe({"app": "web", "tier": "db"}) == "app=web,tier=db"
    assert describe({}) == "<none>"
