"""CEL rules of CustomResourceDefinitions (``x-kubernetes-validations``), evaluated offline.

The API server evaluates each rule with ``self`` bound to the value at the
rule's place in the schema, after defaulting, and rejects the object when a
rule is false, with the rule's ``message`` (or the string its
``messageExpression`` yields) at that field, or at ``fieldPath`` below it.
kubelint does the same with the CEL interpreter of the
``common-expression-language`` package (Rust; measured 250 times faster than
the pure-Python cel-python on the Gateway API rules, 60 us against 16 ms a
rule):

* rules that mention ``oldSelf`` compare an update with the stored object;
  a manifest is a create, so they are skipped, as the server skips them;
* values get the CEL types the server gives them: ``number`` fields are
  doubles, ``date-time`` strings timestamps, ``duration`` strings durations,
  and property names that are CEL keywords or hold ``-``, ``.`` or ``/`` are
  escaped (``namespace`` is ``self.__namespace__``);
* the Kubernetes CEL libraries are there: cel-go's string, list, set, math
  and encoder extensions, and kubelint's regular expression, URL, IP and
  quantity functions (``_KUBERNETES_LIBRARY``); a rule that calls anything
  else, or mixes types the interpreter cannot compare, cannot be judged
  offline and is skipped, never reported;
* an error while evaluating (a field read without ``has()``, an index out of
  range) is reported, as the server reports it.
"""

from __future__ import annotations

import datetime
import ipaddress
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Iterator
from urllib.parse import urlsplit

from kubelint.model import FieldPath
from kubelint.quantity import is_quantity
from kubelint.schema.walk import SchemaWalk
from kubelint.validation import is_ip_address

OLD_SELF = re.compile(r"\boldSelf\b")
RULES_KEY = "x-kubernetes-validations"
_FIELD_PATH_STEP = re.compile(r"\.([A-Za-z_$][A-Za-z0-9_$-]*)|\['((?:[^'\\]|\\.)*)'\]|\[(\d+)\]")
_GO_DURATION = re.compile(r"([0-9]*\.?[0-9]+)(ns|us|µs|ms|s|m|h)")
_DURATION_UNITS = {"ns": 1e-9, "us": 1e-6, "µs": 1e-6, "ms": 1e-3, "s": 1, "m": 60, "h": 3600}
_NOT_JUDGED = ("Undefined variable or function",)
"""Interpreter errors that say kubelint lacks something, not that the object is wrong."""
_CEL_RESERVED = frozenset(
    "true false null in as break const continue else for function if import let loop package namespace "
    "return var void while".split()
)
"""Property names a rule reaches as ``__name__`` (k8s.io/apiserver/pkg/cel/escaping.go)."""


class CelCompileError(ValueError):
    """A rule that is not valid CEL (the API server refuses such a CRD)."""


class CelUnavailable(RuntimeError):
    """No CEL interpreter in this Python (common-expression-language needs Python 3.11+)."""


@dataclass(frozen=True, slots=True)
class CelFailure:
    """A rule that does not hold: where, and the message the server would give."""

    path: FieldPath
    message: str


def _url_part(text: str, part: str) -> str:
    parsed = urlsplit(text)
    if part == "host":
        return parsed.netloc.rpartition("@")[2]
    if part == "port":
        return str(parsed.port) if parsed.port is not None else ""
    return {"scheme": parsed.scheme, "hostname": parsed.hostname or "", "path": parsed.path, "query": parsed.query}[part]


def _is_url(text: str) -> bool:
    try:
        parsed = urlsplit(text)
    except ValueError:
        return False
    return bool(parsed.scheme) or text.startswith("/")


def _is_cidr(text: str) -> bool:
    try:
        ipaddress.ip_network(text, strict=False)
    except ValueError:
        return False
    return "/" in text


_KUBERNETES_LIBRARY: dict[str, Any] = {
    # k8s.io/apiserver/pkg/cel/library: regex.go, urls.go, ip.go, cidr.go, quantity.go
    "find": lambda text, pattern: (m.group(0) if (m := re.search(pattern, text)) else ""),
    "findAll": lambda text, pattern, limit=-1: re.findall(pattern, text)[: None if limit < 0 else limit],
    "isURL": _is_url,
    "url": lambda text: text if _is_url(text) else _raise(ValueError(f"{text!r} is not a URL")),
    "getScheme": lambda url: _url_part(url, "scheme"),
    "getHost": lambda url: _url_part(url, "host"),
    "getHostname": lambda url: _url_part(url, "hostname"),
    "getPort": lambda url: _url_part(url, "port"),
    "getEscapedPath": lambda url: _url_part(url, "path"),
    "getQuery": lambda url: _url_part(url, "query"),
    "isIP": is_ip_address,
    "isCIDR": _is_cidr,
    "isQuantity": lambda text: is_quantity(text),
}


def _raise(error: Exception) -> Any:
    raise error


@lru_cache(maxsize=1)
def _context() -> Any:
    """The evaluation context: every function a rule may call (cel-go's extensions, then the
    Kubernetes libraries); ``self`` is set in it for each evaluation."""
    try:
        import cel
        from cel import stdlib
    except ImportError:
        raise CelUnavailable("CEL rules need the common-expression-language package (Python 3.11 or later)") from None
    functions: dict[str, Any] = {}
    for library in stdlib.EXTENSIONS.values():
        functions.update(library)
    functions.update(_KUBERNETES_LIBRARY)
    return cel.Context(functions=functions)


@lru_cache(maxsize=None)
def compile_rule(text: str) -> Any:
    """A compiled program for one CEL expression (CelCompileError for invalid CEL)."""
    _context()
    import cel

    try:
        return cel.compile(text)
    except ValueError as error:
        raise CelCompileError(str(error).splitlines()[0]) from None


def escaped_name(name: str) -> str:
    """A property name as CEL rules spell it: ``namespace`` is ``__namespace__``, ``a-b`` is ``a__dash__b``."""
    if name in _CEL_RESERVED:
        return f"__{name}__"
    escaped = name.replace("__", "__underscores__")
    for char, word in (".", "__dot__"), ("-", "__dash__"), ("/", "__slash__"):
        escaped = escaped.replace(char, word)
    return escaped


def _go_duration(text: str) -> datetime.timedelta | None:
    sign = -1 if text.startswith("-") else 1
    body = text.lstrip("+-")
    parts = _GO_DURATION.findall(body)
    if not parts or "".join(n + u for n, u in parts) != body:
        return None
    return datetime.timedelta(seconds=sign * sum(float(n) * _DURATION_UNITS[u] for n, u in parts))


def _string_value(text: str, fmt: Any) -> Any:
    if fmt in ("date-time", "date"):
        try:
            return datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            return text  # the format is the schema's to judge; CEL sees the string
    if fmt == "duration":
        return _go_duration(text) or text
    return text


def to_cel(value: Any, schema: Any) -> Any:
    """A JSON value as the API server gives it to CEL, typed by its schema."""
    schema = schema if isinstance(schema, dict) else {}
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int):
        return float(value) if schema.get("type") == "number" else value
    if isinstance(value, str):
        return _string_value(value, schema.get("format"))
    if isinstance(value, list):
        return [to_cel(item, schema.get("items")) for item in value]
    if isinstance(value, dict):
        properties = schema.get("properties")
        if properties is None:  # a map: its keys as they are (self['key'])
            return {k: to_cel(v, schema.get("additionalProperties")) for k, v in value.items()}
        return {escaped_name(k): to_cel(v, properties.get(k)) for k, v in value.items()}
    return value


def field_path(text: str) -> FieldPath:
    """``.spec.ports['http']`` -> ``("spec", "ports", "http")`` (a rule's ``fieldPath``)."""
    steps: list[str | int] = []
    for match in _FIELD_PATH_STEP.finditer(text or ""):
        name, quoted, index = match.groups()
        steps.append(name if name is not None else quoted if quoted is not None else int(index))
    return tuple(steps)


def _judged(rule: dict[str, Any]) -> bool:
    """Whether a rule applies to a create: rules on ``oldSelf`` compare an update with the stored object."""
    text = rule.get("rule")
    return isinstance(text, str) and not _mentions_old_self(text)


@lru_cache(maxsize=None)
def _mentions_old_self(text: str) -> bool:
    return OLD_SELF.search(text) is not None


def _bind(self_value: Any) -> Any:
    """The context with ``self`` set (converted once for all the rules of a value)."""
    context = _context()
    context.add_variable("self", self_value)
    return context


def _failure(rule: dict[str, Any], context: Any, path: FieldPath) -> CelFailure | None:
    """Evaluate one rule (one that :func:`_judged`) on the bound ``self``: None when it holds
    or cannot be judged offline."""
    text = rule["rule"]
    try:
        result = compile_rule(text).execute(context)
    except CelCompileError:
        return None  # reported once, on the CustomResourceDefinition
    except TypeError:
        return None  # no overload for these types in this interpreter: not judged
    except (KeyError, IndexError, ZeroDivisionError, ValueError, RuntimeError) as error:
        reason = str(error).splitlines()[0] if str(error) else type(error).__name__
        if reason.startswith(_NOT_JUDGED):
            return None
        if isinstance(error, KeyError):
            reason = f"no such key: {reason}"
        return CelFailure(path, f"rule {text!r} could not be evaluated: {reason}")
    if result is True:
        return None
    return CelFailure(path + field_path(rule.get("fieldPath", "")), _message(rule, context, text))


def _message(rule: dict[str, Any], context: Any, text: str) -> str:
    expression = rule.get("messageExpression")
    if isinstance(expression, str):
        try:
            said = compile_rule(expression).execute(context)
        except (CelCompileError, TypeError, KeyError, IndexError, ZeroDivisionError, ValueError, RuntimeError):
            said = None
        if isinstance(said, str) and said.strip():
            return said
    message = rule.get("message")
    return message if isinstance(message, str) and message.strip() else f"failed rule: {text}"


def _has_rules(schema: dict[str, Any]) -> bool:
    return isinstance(schema.get(RULES_KEY), list) and bool(schema[RULES_KEY])


class CelValidator:
    """The CEL rules of one custom resource schema, evaluated along an object."""

    def __init__(self, schema: dict[str, Any]) -> None:
        self._walk = SchemaWalk(schema, _has_rules)
        self.rules: list[tuple[FieldPath, dict[str, Any]]] = [
            (where + (RULES_KEY, index), rule)
            for where, node in self._walk.nodes
            for index, rule in enumerate(node[RULES_KEY])
            if isinstance(rule, dict)
        ]
        """(path of the rule inside the schema, the rule) for every rule."""

    def compile_errors(self) -> Iterator[tuple[FieldPath, str]]:
        """(path inside the schema, message) of every rule or message expression that is not valid CEL."""
        for where, rule in self.rules:
            for key in ("rule", "messageExpression"):
                text = rule.get(key)
                if isinstance(text, str):
                    try:
                        compile_rule(text)
                    except CelCompileError as error:
                        yield where + (key,), f"{key} {text!r} is not valid CEL: {error}"

    def failures(self, value: Any) -> Iterator[CelFailure]:
        """Every rule that ``value`` (a whole custom resource, defaulted) breaks."""
        for node, found, path in self._walk.pairs(value):
            rules = [rule for rule in node[RULES_KEY] if isinstance(rule, dict) and _judged(rule)]
            if not rules:
                continue
            context = _bind(to_cel(found, node))
            for rule in rules:
                if (failure := _failure(rule, context, path)) is not None:
                    yield failure
