"""Plain scalars resolve as kubectl's go-yaml v2 resolves them."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kubelint.loader.scalars import is_surprising, resolve_plain, resolve_tagged, surprise_hint


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("yes", True), ("Yes", True), ("YES", True), ("y", True), ("on", True), ("ON", True),
        ("true", True), ("True", True),
        ("no", False), ("n", False), ("off", False), ("Off", False), ("false", False),
        ("", None), ("~", None), ("null", None), ("NULL", None),
        ("3", 3), ("-3", -3), ("+3", 3), ("0", 0), ("1_000", 1000),
        ("0755", 493), ("0o17", 15), ("0x1F", 31), ("0b101", 5), ("-0b101", -5),
        ("1e3", 1000.0), ("1.5", 1.5), ("1.10", 1.1), (".5", 0.5), ("-.5", -0.5), ("1.", 1.0),
        ("2020-01-01", "2020-01-01"), ("2020-01-01T10:00:00Z", "2020-01-01T10:00:00Z"),
        ("nginx", "nginx"), ("Nginx", "Nginx"), ("0.0.0.0", "0.0.0.0"), ("1.2.3", "1.2.3"),
        ("08", 8.0), ("0x", "0x"), ("-", "-"), ("+", "+"), ("yes!", "yes!"), ("8080/TCP", "8080/TCP"),
        ("500m", "500m"), ("128Mi", "128Mi"), ("1e3m", "1e3m"),
    ],
)
def test_resolve_plain_matches_go_yaml(text: str, expected: object) -> None:
    value = resolve_plain(text)
    assert value == expected and type(value) is type(expected)


def test_special_floats() -> None:
    assert resolve_plain(".inf") == math.inf
    assert resolve_plain("-.Inf") == -math.inf
    assert math.isnan(resolve_plain(".NaN"))


def test_explicit_tags_win() -> None:
    assert resolve_tagged("tag:yaml.org,2002:str", "yes") == "yes"
    assert resolve_tagged("tag:yaml.org,2002:int", "0755") == 493
    assert resolve_tagged("tag:yaml.org,2002:float", "3") == 3.0
    assert resolve_tagged("!custom", "on") is True


@given(st.text(alphabet="abcdeghijklmpqrsuvwxz-_/", min_size=1))
def test_words_without_hint_letters_stay_strings(text: str) -> None:
    # No first character from go-yaml's hint table: always a string.
    assert resolve_plain(text) == text


@given(st.integers(min_value=-(2**63), max_value=2**63 - 1))
def test_decimal_integers_round_trip(number: int) -> None:
    assert resolve_plain(str(number)) == number


def test_surprise_hint_only_for_surprises() -> None:
    assert is_surprising("yes", True) and is_surprising("0755", 493) and is_surprising("1.10", 1.1)
    assert not is_surprising("true", True) and not is_surprising("null", None)
    assert 'quote it as "on"' in surprise_hint("on", True)
    assert surprise_hint("true", True) == ""
    assert surprise_hint(None, True) == ""
