"""Pods by namespace and label, so that a selector costs the size of its answer.

Services, ReplicaSets and the endpoint controllers all ask "which pods of
this namespace match this selector?". Scanning every pod for every selector
is quadratic (1,000 Services over 3,000 pods is three million label
comparisons); intersecting the sets of pods that carry each required label
is not.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any, Iterable, Mapping

from kubelint.selectors import matches


class PodIndex:
    def __init__(self) -> None:
        self._by_label: dict[tuple[str, str, str], set[str]] = defaultdict(set)
        self._by_namespace: dict[str, set[str]] = defaultdict(set)
        self._labels: dict[tuple[str, str], Mapping[str, Any]] = {}

    def add(self, namespace: str, name: str, labels: Mapping[str, Any]) -> None:
        self._by_namespace[namespace].add(name)
        self._labels[(namespace, name)] = labels
        for key, value in labels.items():
            if isinstance(value, str):
                self._by_label[(namespace, key, value)].add(name)

    def _with_labels(self, namespace: str, required: Mapping[str, Any]) -> set[str]:
        if not required:
            return set(self._by_namespace.get(namespace, ()))
        sets = []
        for key, value in required.items():
            found = self._by_label.get((namespace, key, value)) if isinstance(value, str) else None
            if not found:
                return set()
            sets.append(found)
        sets.sort(key=len)
        result = set(sets[0])
        for other in sets[1:]:
            result &= other
        return result

    def select_map(self, namespace: str, selector: Mapping[str, Any] | None) -> list[str]:
        """Names of the pods a Service-style selector picks (empty selects nothing), sorted."""
        if not selector:
            return []
        return sorted(self._with_labels(namespace, selector))

    def select(self, namespace: str, selector: Mapping[str, Any]) -> list[str]:
        """Names of the pods a ``metav1.LabelSelector`` picks, sorted."""
        match_labels = selector.get("matchLabels") or {}
        candidates: Iterable[str] = self._with_labels(namespace, match_labels)
        if selector.get("matchExpressions"):
            candidates = [n for n in candidates if matches(selector, self._labels[(namespace, n)])]
        return sorted(candidates)
