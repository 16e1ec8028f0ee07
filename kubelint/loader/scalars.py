"""Plain-scalar resolution exactly as kubectl reads YAML.

kubectl converts YAML to JSON with sigs.k8s.io/yaml, which decodes with a
go-yaml v2 fork into untyped values. That decoder is YAML 1.1 flavoured:
``yes``/``on``/``y`` are booleans, ``0755`` is octal 493, ``1e3`` is a float
and ``1_000`` is an int, while timestamps stay strings. PyYAML's default
resolver differs on several of these, so kubelint resolves plain scalars
itself (port of ``resolve()`` in gopkg.in/yaml.v2 resolve.go).
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

# The value of each scalar that go-yaml finds in its map.
_MAPPED: dict[str, Any] = {}
for _words, _value in (
    (("y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON"), True),
    (("n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF"), False),
    (("", "~", "null", "Null", "NULL"), None),
    ((".nan", ".NaN", ".NAN"), math.nan),
    ((".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF"), math.inf),
    (("-.inf", "-.Inf", "-.INF"), -math.inf),
):
    for _word in _words:
        _MAPPED[_word] = _value

# First characters that can start a non-string plain scalar ("hint" table).
_MAP_HINT = frozenset("yYnNtTfFoO~")
_NUMBER_HINT = frozenset("0123456789+-")
MAYBE_NOT_STRING = _MAP_HINT | _NUMBER_HINT | {"."}
"""First characters of plain scalars that may resolve to something else than a string."""

# go-yaml's yamlStyleFloat.
_YAML_FLOAT = re.compile(r"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")
# Go strconv.ParseInt(s, 0, 64) accepts these (underscores removed first).
_GO_INT = re.compile(r"^[-+]?(0[xX][0-9a-fA-F]+|0[oO]?[0-7]+|0[bB][01]+|[1-9][0-9]*|0)$")
# Go strconv.ParseFloat for the '.' hint: .5, .5e3
_DOT_FLOAT = re.compile(r"^\.[0-9]+([eE][-+]?[0-9]+)?$")
# A YAML timestamp; go-yaml v2 keeps these as strings in untyped decoding.
_TIMESTAMP = re.compile(r"^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}([Tt ].*)?$")

_INT64_MIN, _UINT64_MAX = -(2**63), 2**64 - 1


def _parse_go_int(text: str) -> int | None:
    if not _GO_INT.match(text):
        return None
    sign = -1 if text[0] == "-" else 1
    body = text.lstrip("+-")
    if len(body) > 1 and body[0] == "0":
        prefix = body[1].lower()
        if prefix == "x":
            value = int(body[2:], 16)
        elif prefix == "b":
            value = int(body[2:], 2)
        elif prefix == "o":
            value = int(body[2:], 8)
        else:
            value = int(body[1:], 8)
    else:
        value = int(body)
    value *= sign
    if _INT64_MIN <= value <= _UINT64_MAX:
        return value
    return None


def resolve_plain(text: str) -> Any:
    """The value go-yaml v2 gives an untagged plain scalar."""
    if not text:
        return None
    first = text[0]
    if first in _MAP_HINT or first in _NUMBER_HINT or first == ".":
        if text in _MAPPED:
            return _MAPPED[text]
        if first == ".":
            return float(text) if _DOT_FLOAT.match(text) else text
        if first in _NUMBER_HINT:
            if _TIMESTAMP.match(text):
                return text
            plain = text.replace("_", "")
            number = _parse_go_int(plain)
            if number is not None:
                return number
            if _YAML_FLOAT.match(plain):
                return float(plain)
            if plain.startswith("-0b") and len(plain) > 3 and set(plain[3:]) <= {"0", "1"}:
                return -int(plain[3:], 2)
    return text


def resolve_tagged(tag: str, text: str) -> Any:
    """The value of a scalar with an explicit standard tag such as ``!!str``."""
    short = tag.rpartition(":")[2] if tag.startswith("tag:yaml.org,2002:") else tag.lstrip("!")
    if short in ("str", "binary"):
        return text
    value = resolve_plain(text)
    if short == "int" and isinstance(value, int) and not isinstance(value, bool):
        return value
    if short == "float" and isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    if short == "bool" and isinstance(value, bool):
        return value
    if short == "null" and value is None:
        return None
    # Unknown or non-matching tags: go-yaml falls back to plain resolution.
    return value


def is_surprising(text: str, value: Any) -> bool:
    """Whether a plain scalar's value is a YAML 1.1 surprise worth a hint.

    ``yes``/``on``/``0755``/``1e3``/``1.10`` are not what their writer meant
    when a string was expected; ``true``, ``null`` or ``3`` are unremarkable.
    """
    if isinstance(value, str):
        return False
    if value is None:
        return text not in ("", "null", "~")
    if isinstance(value, bool):
        return text not in ("true", "false")
    return True


def surprise_hint(text: str | None, value: Any) -> str:
    """``; the unquoted y is read as a boolean ...`` when YAML 1.1 surprised the writer."""
    if text is None or not is_surprising(text, value):
        return ""
    return (
        f"; the unquoted {text} is read as {_ARTICLES[describe(value)]} {describe(value)} "
        f"(YAML 1.1, as kubectl reads it): quote it as \"{text}\""
    )


_ARTICLES = {"boolean": "a", "integer": "an", "number": "a", "null": "", "string": "a"}


def shown(value: Any) -> str:
    """`` "three"`` or `` 3``: a scalar as JSON, short; nothing for collections."""
    if isinstance(value, (dict, list)) or value is None:
        return ""
    text = json.dumps(value, ensure_ascii=False)
    return " " + (text if len(text) <= 60 else text[:57] + "...")


def describe(value: Any) -> str:
    """JSON type name of a value, as schema messages speak of it."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    return type(value).__name__
