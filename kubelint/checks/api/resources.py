"""Container resources: names, quantities, and requests against limits.

validation.go validateResourceRequirements: every resource name is a
standard container resource (cpu, memory, ephemeral-storage, hugepages-*) or
a qualified extended resource (example.com/gpu); every quantity parses and is
not negative, extended resources are whole numbers; a request is at most its
limit, and resources that cannot be overcommitted (extended resources,
huge pages) request exactly their limit.
"""

from __future__ import annotations

from fractions import Fraction
from functools import lru_cache
from typing import Any, Iterator

from kubelint.checks import Problem, RuleContext
from kubelint.checks.api import mapping_items, quote
from kubelint.checks.api.podspec import Container, pod_view
from kubelint.model import Resource
from kubelint.quantity import QuantityError, parse_quantity
from kubelint.validation import qualified_name_errors

STANDARD_CONTAINER_RESOURCES = frozenset({"cpu", "memory", "ephemeral-storage"})
HUGE_PAGES_PREFIX = "hugepages-"
NATIVE_PREFIX = "kubernetes.io/"
QUANTITY_MESSAGE = "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"


def _is_native(name: str) -> bool:
    return "/" not in name or NATIVE_PREFIX in name


def _overcommit_allowed(name: str) -> bool:
    return _is_native(name) and not name.startswith(HUGE_PAGES_PREFIX)


def resource_name_errors(name: str) -> tuple[str, ...]:
    """The server's complaints about a container resource name (validateContainerResourceName)."""
    errors = qualified_name_errors(name)
    if errors:
        return errors
    if "/" not in name:
        if name in STANDARD_CONTAINER_RESOURCES or name.startswith(HUGE_PAGES_PREFIX):
            return ()
        return ("must be a standard resource type or fully qualified", "must be a standard resource for containers")
    if not _is_native(name) and (name.startswith("requests.") or qualified_name_errors("requests." + name)):
        return ("doesn't follow extended resource name standard",)
    return ()


def _sections(container: Container) -> Iterator[tuple[str, Any, tuple]]:
    resources = container.data.get("resources")
    if isinstance(resources, dict):
        for section in ("limits", "requests"):
            if isinstance(resources.get(section), dict):
                yield section, resources[section], container.path + ("resources", section)


def _quantity(value: Any) -> Fraction | None:
    """The exact quantity, or None; the few distinct values of a run ("100m", "128Mi") are parsed once."""
    if not isinstance(value, (str, int, float)):
        return None
    return _parsed_quantity(value)


@lru_cache(maxsize=1024)
def _parsed_quantity(value: str | int | float) -> Fraction | None:
    try:
        return parse_quantity(value)
    except QuantityError:
        return None


def resource_quantity(resource: Resource, ctx: RuleContext) -> Iterator[Problem]:
    """Resource names are known or qualified; quantities parse, are not negative, whole for extended resources."""
    view = pod_view(resource)
    if view is None:
        return
    for container in view.containers:
        for section, entries, path in _sections(container):
            for name, value, entry_path in mapping_items(entries, path):
                errors = resource_name_errors(name)
                if errors:
                    yield Problem(
                        entry_path,
                        f'{container.label} {section} "{name}", which is not a container resource {quote(errors)}; '
                        "use cpu, memory, ephemeral-storage, hugepages-<size> or a qualified extended resource such "
                        "as example.com/gpu",
                        key=True,
                    )
                    continue
                if value is None or isinstance(value, (dict, list)):
                    continue  # a type error, the schema's to report
                quantity = _quantity(value)
                if quantity is None:
                    yield Problem(
                        entry_path,
                        f'{container.label} {section}.{name} is "{value}", which is not a quantity (the API server: '
                        f'"{QUANTITY_MESSAGE}"); write e.g. 500m or 0.5 for CPU, 128Mi or 1Gi for memory (Mi, not MB '
                        "or M)",
                    )
                elif quantity < 0:
                    yield Problem(
                        entry_path,
                        f'{container.label} {section}.{name} is {value} (the API server: "must be greater than or '
                        'equal to 0"); use a positive quantity',
                    )
                elif not _is_native(name) and quantity.denominator != 1:
                    yield Problem(
                        entry_path,
                        f"{container.label} {section}.{name} is {value}, but extended resources are counted in whole "
                        'units (the API server: "must be an integer"); use a whole number',
                    )


def requests_exceed_limits(resource: Resource, ctx: RuleContext) -> Iterator[Problem]:
    """A request is at most its limit; extended resources and huge pages request exactly their limit."""
    view = pod_view(resource)
    if view is None:
        return
    for container in view.containers:
        sections = {section: (entries, path) for section, entries, path in _sections(container)}
        requests, request_path = sections.get("requests", ({}, ()))
        limits, _ = sections.get("limits", ({}, ()))
        for name, value, entry_path in mapping_items(requests, request_path):
            request = _quantity(value)
            if request is None or resource_name_errors(name):
                continue
            limit = _quantity(limits.get(name)) if name in limits else None
            if limit is None:
                if name not in limits and not _overcommit_allowed(name):
                    yield Problem(
                        entry_path,
                        f'{container.label} requests {name} without a limit (the API server: "Limit must be set for '
                        f'non overcommitable resources"); add limits.{name}: {value}',
                        key=True,
                    )
            elif not _overcommit_allowed(name) and request != limit:
                yield Problem(
                    entry_path,
                    f"{container.label} requests {value} of {name} but its limit is {limits[name]}: {name} cannot "
                    f'be overcommitted (the API server: "must be equal to {name} limit of {limits[name]}"); make them '
                    "equal",
                )
            elif request > limit:
                yield Problem(
                    entry_path,
                    f"{container.label} requests {value} of {name}, more than its limit {limits[name]} (the API "
                    f'server: "must be less than or equal to {name} limit of {limits[name]}"); raise the limit or '
                    "lower the request",
                )
