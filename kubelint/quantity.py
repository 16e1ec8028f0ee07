"""Kubernetes resource quantities (``500m``, ``128Mi``, ``1e3``), exactly.

The grammar is that of k8s.io/apimachinery/pkg/api/resource/quantity.go:
a signed decimal number followed by a binary-SI suffix (Ki..Ei), a
decimal-SI suffix (n, u, m, "", k, M, G, T, P, E) or a decimal exponent
(e3, E-2). Values are kept as Fractions so comparisons (requests <= limits,
requests against node allocatable) never round.
"""

from __future__ import annotations

import re
from fractions import Fraction
from typing import Any

_QUANTITY = re.compile(
    r"^(?P<number>[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+))"
    r"(?P<suffix>Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE]|[eE][+-]?[0-9]+)?$"
)

_BINARY = {"Ki": 2**10, "Mi": 2**20, "Gi": 2**30, "Ti": 2**40, "Pi": 2**50, "Ei": 2**60}
_DECIMAL = {
    "n": Fraction(1, 10**9),
    "u": Fraction(1, 10**6),
    "m": Fraction(1, 1000),
    "": Fraction(1),
    "k": Fraction(10**3),
    "M": Fraction(10**6),
    "G": Fraction(10**9),
    "T": Fraction(10**12),
    "P": Fraction(10**15),
    "E": Fraction(10**18),
}


class QuantityError(ValueError):
    """Text that the API server would refuse as a quantity."""


def parse_quantity(value: Any) -> Fraction:
    """The exact value of a quantity given as a string or a YAML number."""
    if isinstance(value, bool) or value is None:
        raise QuantityError(f"{value!r} is not a quantity")
    if isinstance(value, int):
        return Fraction(value)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise QuantityError(f"{value!r} is not a quantity")
        text = repr(value)
    elif isinstance(value, str):
        text = value.strip()
    else:
        raise QuantityError(f"{value!r} is not a quantity")
    match = _QUANTITY.match(text)
    if match is None:
        raise QuantityError(
            f'"{text}" is not a quantity: use a number with an optional suffix, e.g. 500m, 2, 128Mi, 1G'
        )
    number = Fraction(match.group("number"))
    suffix = match.group("suffix") or ""
    if suffix in _BINARY:
        return number * _BINARY[suffix]
    if suffix in _DECIMAL:
        return number * _DECIMAL[suffix]
    return number * Fraction(10) ** int(suffix[1:])


def is_quantity(value: Any) -> bool:
    try:
        parse_quantity(value)
    except QuantityError:
        return False
    return True


def format_cpu(value: Fraction) -> str:
    """CPU as people write it: ``500m``, ``2``, ``1.5``."""
    millis = value * 1000
    if millis.denominator == 1 and millis % 1000:
        return f"{int(millis)}m"
    if value.denominator == 1:
        return str(int(value))
    return f"{float(value):g}"


def format_bytes(value: Fraction) -> str:
    """Memory as people write it: ``128Mi``, ``1Gi``, or plain bytes."""
    for suffix in ("Ei", "Pi", "Ti", "Gi", "Mi", "Ki"):
        scaled = value / _BINARY[suffix]
        if scaled.denominator == 1 and scaled >= 1:
            return f"{int(scaled)}{suffix}"
    return str(int(value)) if value.denominator == 1 else f"{float(value):g}"
