"""API-server rules: what ``kubectl apply`` would refuse, found offline.

The OpenAPI schema says little about names, labels and cross-field rules;
the API server enforces them in Go (pkg/apis/*/validation). Each module here
mirrors one area of that code (names, metadata, selectors, pods, volumes,
resources, services, ingress, workloads, duplicates), on top of the pure
format validators in :mod:`kubelint.validation`. Every finding quotes the
server's own words, so a search for the message finds the same answers a
``kubectl`` error would, and says how to fix it.

This module holds what the areas share: reading fields whose type is not
guaranteed, and wording messages.
"""

from __future__ import annotations

import re
from typing import Any, Iterable, Iterator

from kubelint.model import FieldPath

_NOT_NAME_CHARACTER = re.compile(r"[^a-z0-9.-]")


def quote(errors: Iterable[str]) -> str:
    """``(the API server: "...")`` with the server's messages."""
    return '(the API server: "' + "; ".join(errors) + '")'


def mapping_items(data: Any, path: FieldPath) -> Iterator[tuple[str, Any, FieldPath]]:
    """(key, value, path) of a mapping's string keys; nothing when it is not a mapping."""
    if isinstance(data, dict):
        for key, value in data.items():
            if isinstance(key, str):
                yield key, value, path + (key,)


def list_items(data: Any, path: FieldPath) -> Iterator[tuple[int, dict[str, Any], FieldPath]]:
    """(index, item, path) of a list's mapping items; nothing when it is not a list."""
    if isinstance(data, list):
        for index, item in enumerate(data):
            if isinstance(item, dict):
                yield index, item, path + (index,)


def integer(value: Any) -> int | None:
    """An int field's value; None for anything else (bools and strings are type errors)."""
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def name_problem(value: str, *, max_length: int, letter_first: bool = False, dots: bool = False) -> str:
    """In plain words, the first reason a DNS-style name is refused."""
    if not value:
        return "is empty"
    if len(value) > max_length:
        return f"is {len(value)} characters long, more than {max_length}"
    bad = sorted(set(_NOT_NAME_CHARACTER.findall(value.lower())))
    if bad:
        return "contains " + ", ".join(repr(character) for character in bad)
    if any(character.isupper() for character in value):
        return "contains uppercase letters"
    if "." in value and not dots:
        return "contains dots"
    if dots and re.search(r"\.\.|-\.|\.-", value):
        return "has an empty or badly formed part between dots"
    if letter_first and not value[0].isalpha():
        return "must start with a lowercase letter"
    return "must start and end with a lowercase letter or digit"


def suggest_name(value: str, *, max_length: int, letter_first: bool = False, dots: bool = False) -> str:
    """A close valid name: lowercase, other characters as '-', trimmed to length.

    ``2web`` becomes ``web-2`` when the name must start with a letter.
    Returns "" when nothing usable is left.
    """
    text = re.sub(r"[^a-z0-9.]+" if dots else r"[^a-z0-9]+", "-", value.lower()).strip("-.")
    if letter_first:
        leading = re.match(r"[0-9.-]+", text)
        if leading and leading.end() < len(text):
            text = text[leading.end() :] + "-" + leading.group().strip("-.")
    text = re.sub(r"\.[-.]*|-+\.", ".", text) if dots else text
    if len(text) > max_length:
        text = text[:max_length]
        text = text[: max(text.rfind("-"), text.rfind("."))] if "-" in text or "." in text else text
    return text.strip("-.")


def rename_hint(value: str, **rules: Any) -> str:
    """``rename it, e.g. "web-2"`` (or just ``rename it``)."""
    suggestion = suggest_name(value, **rules)
    return f'rename it, e.g. "{suggestion}"' if suggestion else "rename it"
