"""The API server's string formats (kubelint.validation), against its own test vectors and properties."""

from __future__ import annotations

import string
import zoneinfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kubelint import validation as v

LABEL = st.from_regex(r"\A[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?\Z", fullmatch=True)
DNS1035 = st.from_regex(r"\A[a-z]([-a-z0-9]{0,61}[a-z0-9])?\Z", fullmatch=True)
NAME_PART = st.from_regex(r"\A[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?\Z", fullmatch=True)
SUBDOMAIN = st.lists(LABEL, min_size=1, max_size=4).map(".".join).filter(lambda value: len(value) <= 253)
WITH_UPPERCASE = st.tuples(
    st.text(string.ascii_lowercase, max_size=10),
    st.sampled_from(string.ascii_uppercase),
    st.text(string.ascii_lowercase, max_size=10),
).map("".join)

# k8s.io/apimachinery/pkg/util/validation/validation_test.go TestIsDNS1123Label
DNS1123_LABEL_GOOD = [
    "a",
    "ab",
    "abc",
    "a1",
    "a-1",
    "a--1--2--b",
    "0",
    "01",
    "012",
    "1a",
    "1-a",
    "1--a--b--2",
    "a" * 63,
]
DNS1123_LABEL_BAD = [
    "",
    "A",
    "ABC",
    "aBc",
    "A1",
    "A-1",
    "1-A",
    "-",
    "a-",
    "-a",
    "1-",
    "-1",
    "_",
    "a_",
    "_a",
    "a_b",
    "1_",
    "_1",
    "1_2",
    ".",
    "a.",
    ".a",
    "a.b",
    "1.",
    ".1",
    "1.2",
    " ",
    "a ",
    " a",
    "a b",
    "1 ",
    " 1",
    "1 2",
    "a" * 64,
]


@pytest.mark.parametrize("value", DNS1123_LABEL_GOOD)
def test_kubernetes_good_dns1123_labels(value: str) -> None:
    assert v.dns1123_label_errors(value) == ()


@pytest.mark.parametrize("value", DNS1123_LABEL_BAD)
def test_kubernetes_bad_dns1123_labels(value: str) -> None:
    assert v.dns1123_label_errors(value)


def test_messages_are_the_servers() -> None:
    assert v.dns1123_label_errors("a.b") == ("must not contain dots",)
    assert v.dns1123_label_errors("a" * 64) == ("must be no more than 63 characters",)
    assert v.dns1035_label_errors("2web") == (v.DNS1035_LABEL_MESSAGE,)
    assert v.qualified_name_errors("example.com/") == (
        "name part must be non-empty",
        "name part " + v.LABEL_KEY_NAME_MESSAGE,
    )
    assert v.qualified_name_errors("/name") == ("prefix part must be non-empty",)
    assert v.port_name_errors("a" * 16) == ("must be no more than 15 characters",)
    assert v.port_name_errors("80") == ("must contain at least one letter (a-z)",)


@given(LABEL)
def test_every_valid_dns1123_label_passes(value: str) -> None:
    assert v.dns1123_label_errors(value) == ()
    assert v.dns1123_subdomain_errors(value) == ()
    assert v.qualified_name_errors(value) == ()
    assert v.label_value_errors(value) == ()


@given(WITH_UPPERCASE)
def test_uppercase_never_makes_a_dns_name(value: str) -> None:
    assert v.dns1123_label_errors(value)
    assert v.dns1123_subdomain_errors(value)
    assert v.dns1035_label_errors(value)
    assert v.port_name_errors(value)


@given(SUBDOMAIN)
def test_every_valid_subdomain_passes_and_a_wildcard_of_it_too(value: str) -> None:
    assert v.dns1123_subdomain_errors(value) == ()
    if len(value) <= 251:
        assert v.wildcard_dns1123_subdomain_errors("*." + value) == ()
        assert v.host_name_errors("*." + value) == ()
    assert v.wildcard_dns1123_subdomain_errors(value)


@given(DNS1035)
def test_dns1035_labels_start_with_a_letter(value: str) -> None:
    assert v.dns1035_label_errors(value) == ()
    assert v.dns1035_label_errors("1" + value)


@given(SUBDOMAIN, NAME_PART)
def test_qualified_names_with_a_prefix(prefix: str, name: str) -> None:
    assert v.qualified_name_errors(f"{prefix}/{name}") == ()
    assert v.qualified_name_errors(f"{prefix}/{name}/x")
    assert v.qualified_name_errors(f"{prefix}/{name}" + "x" * 63)


@given(st.text(max_size=80))
def test_label_values_up_to_63_of_the_name_alphabet(value: str) -> None:
    valid = value == "" or (len(value) <= 63 and v._LABEL_KEY.fullmatch(value) is not None)
    assert (v.label_value_errors(value) == ()) == valid


@given(st.from_regex(r"\A[a-z0-9]([a-z0-9]|-(?=[a-z0-9])){0,14}\Z", fullmatch=True))
def test_port_names(value: str) -> None:
    has_letter = any(character.isalpha() for character in value)
    assert (v.port_name_errors(value) == ()) == (has_letter and len(value) <= 15)
    assert v.port_name_errors(value + "--x")


@given(st.text(st.characters(min_codepoint=32, max_codepoint=126), min_size=1))
def test_relaxed_env_var_names_refuse_only_equals(value: str) -> None:
    assert (v.env_var_name_errors(value) == ()) == ("=" not in value)


@given(st.from_regex(r"\A[-._a-zA-Z][-._a-zA-Z0-9]*\Z", fullmatch=True))
def test_strict_env_var_names(value: str) -> None:
    expected_valid = value not in (".", "..") and not value.startswith("..")
    assert (v.env_var_name_errors(value, relaxed=False) == ()) == expected_valid
    assert v.env_var_name_errors("1" + value, relaxed=False)


@given(st.text())
@settings(max_examples=300)
def test_no_validator_raises(value: str) -> None:
    for function in (
        v.dns1123_label_errors,
        v.dns1123_subdomain_errors,
        v.dns1035_label_errors,
        v.host_name_errors,
        v.qualified_name_errors,
        v.label_value_errors,
        v.port_name_errors,
        v.env_var_name_errors,
        v.percent_errors,
        v.path_segment_errors,
        v.cron_schedule_errors,
        v.time_zone_errors,
    ):
        assert all(isinstance(message, str) for message in function(value))
    v.is_ip_address(value)


FIELD_RANGES = ((0, 59), (0, 23), (1, 31), (1, 12), (0, 6))


@st.composite
def cron_field(draw: st.DrawFn, bounds: tuple[int, int]) -> str:
    low, high = bounds
    start = draw(st.integers(low, high))
    end = draw(st.integers(start, high))
    return draw(
        st.sampled_from(
            [
                "*",
                "?",
                f"{start}",
                f"{start}-{end}",
                f"*/{draw(st.integers(1, 30))}",
                f"{start}-{end}/{draw(st.integers(1, 5))}",
                f"{start},{end}",
            ]
        )
    )


@given(st.tuples(*(cron_field(bounds) for bounds in FIELD_RANGES)))
def test_valid_cron_schedules_pass(fields: tuple[str, ...]) -> None:
    assert v.cron_schedule_errors(" ".join(fields)) == ()


@pytest.mark.parametrize(
    "schedule",
    [
        "@hourly",
        "@daily",
        "@midnight",
        "@weekly",
        "@monthly",
        "@yearly",
        "@annually",
        "@every 1h30m",
        "@every 0",
        "0 9 * * MON-FRI",
        "0 0 1 jan,jul *",
        "CRON_TZ=UTC 0 * * * *",
    ],
)
def test_cron_descriptors_and_names(schedule: str) -> None:
    assert v.cron_schedule_errors(schedule) == ()


@pytest.mark.parametrize(
    ("schedule", "message"),
    [
        ("0 0 * * 7", "end of range (7) above maximum (6): 7"),
        ("* * * *", "expected exactly 5 fields, found 4: [* * * *]"),
        ("0 0 * * * *", "expected exactly 5 fields, found 6: [0 0 * * * *]"),
        ("60 * * * *", "end of range (60) above maximum (59): 60"),
        ("0 0 0 * *", "beginning of range (0) below minimum (1): 0"),
        ("5-1 * * * *", "beginning of range (5) beyond end of range (1): 5-1"),
        ("*/0 * * * *", "step of range should be a positive number: */0"),
        ("1-2-3 * * * *", "too many hyphens: 1-2-3"),
        ("*/2/3 * * * *", "too many slashes: */2/3"),
        ("L * * * *", 'failed to parse int from L: strconv.Atoi: parsing "L": invalid syntax'),
        ("@reboot", "unrecognized descriptor: @reboot"),
        ("@every 5x", 'failed to parse duration @every 5x: time: invalid duration "5x"'),
        ("", "empty spec string"),
    ],
)
def test_bad_cron_schedules_quote_robfig_cron(schedule: str, message: str) -> None:
    assert v.cron_schedule_errors(schedule) == (message,)


def test_time_zones() -> None:
    for zone in sorted(zoneinfo.available_timezones())[::25]:
        assert v.time_zone_errors(zone) == (), zone
    assert v.time_zone_errors("UTC") == ()
    assert v.time_zone_errors("Local")
    assert v.time_zone_errors("CEST") == ("unknown time zone CEST",)
    assert v.time_zone_errors("../etc/passwd") == ("unknown time zone ../etc/passwd",)
    assert v.time_zone_errors("") == ("timeZone must be nil or non-empty string",)


def test_ip_addresses() -> None:
    assert v.is_ip_address("10.0.0.1") and v.is_ip_address("2001:db8::1")
    assert not v.is_ip_address("010.0.0.1") and not v.is_ip_address("db.example.com")
