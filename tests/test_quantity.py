"""Quantities parse exactly as the API server parses them."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kubelint.quantity import QuantityError, format_bytes, format_cpu, is_quantity, parse_quantity


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("500m", Fraction(1, 2)), ("2", 2), ("1.5", Fraction(3, 2)), ("128Mi", 128 * 2**20), ("1Gi", 2**30),
        ("1k", 1000), ("1M", 10**6), ("1e3", 1000), ("1E-2", Fraction(1, 100)), ("+1", 1), ("-1", -1),
        (".5", Fraction(1, 2)), ("5.", 5), ("100n", Fraction(1, 10**7)), ("1u", Fraction(1, 10**6)),
        (3, 3), (0.25, Fraction(1, 4)),
    ],
)
def test_valid_quantities(text: object, value: Fraction) -> None:
    assert parse_quantity(text) == value


@pytest.mark.parametrize("text", ["", "abc", "1 Gi", "100Mb", "1.2.3", "Mi", "1gi", "1K", "--1", None, True, [1]])
def test_invalid_quantities(text: object) -> None:
    assert not is_quantity(text)
    with pytest.raises(QuantityError):
        parse_quantity(text)


@given(st.integers(min_value=0, max_value=10**6), st.sampled_from(["Ki", "Mi", "Gi", "Ti"]))
def test_binary_suffixes_are_powers_of_two(number: int, suffix: str) -> None:
    power = {"Ki": 10, "Mi": 20, "Gi": 30, "Ti": 40}[suffix]
    assert parse_quantity(f"{number}{suffix}") == number * 2**power


@given(st.integers(min_value=1, max_value=10**6))
def test_millicores_round_trip(millis: int) -> None:
    assert parse_quantity(format_cpu(Fraction(millis, 1000))) == Fraction(millis, 1000)


def test_formatting() -> None:
    assert format_cpu(Fraction(1, 2)) == "500m" and format_cpu(Fraction(2)) == "2"
    assert format_bytes(Fraction(128 * 2**20)) == "128Mi" and format_bytes(Fraction(1000)) == "1000"
