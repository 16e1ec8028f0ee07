"""The API server's string formats, as pure functions.

Each ``*_errors`` function mirrors one Kubernetes validator and returns the
server's own messages for a bad value (an empty tuple when the value is
valid), so a finding can quote the text a ``kubectl apply`` would print.
Sources, all in kubernetes/kubernetes:

* k8s.io/apimachinery/pkg/util/validation/validation.go: IsDNS1123Label,
  IsDNS1123Subdomain, IsDNS1035Label, IsWildcardDNS1123Subdomain,
  IsValidPortNum, IsValidPortName, IsEnvVarName, IsRelaxedEnvVarName,
  IsValidPercent
* k8s.io/apimachinery/pkg/api/validate/content/kube.go: IsLabelKey
  (the "qualified name" of label and annotation keys), IsLabelValue
* pkg/apis/batch/validation/validation.go: validateTimeZone, and
  robfig/cron/v3 ParseStandard, which CronJob validation calls

The fast path of every validator is one precompiled regular expression, so
they cost well under a microsecond on valid input.
"""

from __future__ import annotations

import ipaddress
import re
from functools import lru_cache

Errors = tuple[str, ...]
VALID: Errors = ()

DNS1123_LABEL_MAX_LENGTH = 63
DNS1123_SUBDOMAIN_MAX_LENGTH = 253
LABEL_VALUE_MAX_LENGTH = 63
PORT_NAME_MAX_LENGTH = 15

_DNS1123_LABEL_FMT = "[a-z0-9]([-a-z0-9]*[a-z0-9])?"
_DNS1123_SUBDOMAIN_FMT = _DNS1123_LABEL_FMT + r"(\." + _DNS1123_LABEL_FMT + ")*"
_DNS1035_LABEL_FMT = "[a-z]([-a-z0-9]*[a-z0-9])?"
_LABEL_KEY_FMT = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]"
_ENV_VAR_NAME_FMT = "[-._a-zA-Z][-._a-zA-Z0-9]*"
_PERCENT_FMT = "[0-9]+%"

_DNS1123_LABEL = re.compile(_DNS1123_LABEL_FMT)
_DNS1123_SUBDOMAIN = re.compile(_DNS1123_SUBDOMAIN_FMT)
_DNS1035_LABEL = re.compile(_DNS1035_LABEL_FMT)
_WILDCARD_SUBDOMAIN = re.compile(r"\*\." + _DNS1123_SUBDOMAIN_FMT)
_LABEL_KEY = re.compile(_LABEL_KEY_FMT)
_ENV_VAR_NAME = re.compile(_ENV_VAR_NAME_FMT)
_PERCENT = re.compile(_PERCENT_FMT)
_PORT_NAME_CHARSET = re.compile("[-a-z0-9]+")
_PORT_NAME_LETTER = re.compile("[a-z]")
_PRINTABLE_ASCII_NO_EQUALS = re.compile("[ -<>-~]+")

DNS1123_LABEL_MESSAGE = (
    "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', "
    "and must start and end with an alphanumeric character"
)
DNS1123_SUBDOMAIN_MESSAGE = (
    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', "
    "and must start and end with an alphanumeric character"
)
DNS1035_LABEL_MESSAGE = (
    "a DNS-1035 label must consist of lower case alphanumeric characters or '-', "
    "start with an alphabetic character, and end with an alphanumeric character"
)
WILDCARD_SUBDOMAIN_MESSAGE = (
    "a wildcard DNS-1123 subdomain must start with '*.', followed by a valid DNS subdomain, "
    "which must consist of lower case alphanumeric characters, '-' or '.' and end with an alphanumeric character"
)
LABEL_KEY_NAME_MESSAGE = (
    "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character"
)
LABEL_VALUE_MESSAGE = (
    "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', "
    "and must start and end with an alphanumeric character"
)
ENV_VAR_NAME_MESSAGE = (
    "a valid environment variable name must consist of alphabetic characters, digits, '_', '-', or '.', "
    "and must not start with a digit"
)
RELAXED_ENV_VAR_NAME_MESSAGE = (
    "a valid environment variable name must consist only of printable ASCII characters other than '='"
)
PERCENT_MESSAGE = "a valid percent string must be a numeric string followed by an ending '%'"


def max_length_error(length: int) -> str:
    return f"must be no more than {length} characters"


def range_error(low: int, high: int) -> str:
    return f"must be between {low} and {high}, inclusive"


def _format_errors(value: str, pattern: re.Pattern[str], max_length: int, message: str) -> Errors:
    too_long = len(value) > max_length
    matches = pattern.fullmatch(value) is not None
    if matches and not too_long:
        return VALID
    return tuple(text for text, failed in ((max_length_error(max_length), too_long), (message, not matches)) if failed)


def dns1123_label_errors(value: str) -> Errors:
    """A DNS label (RFC 1123): container, volume and namespace names, Service port names."""
    errors = _format_errors(value, _DNS1123_LABEL, DNS1123_LABEL_MAX_LENGTH, DNS1123_LABEL_MESSAGE)
    if errors and errors[-1] == DNS1123_LABEL_MESSAGE and _DNS1123_SUBDOMAIN.fullmatch(value):
        # A valid subdomain that is not a valid label can only be wrong by its dots.
        errors = errors[:-1] + ("must not contain dots",)
    return errors


def dns1123_subdomain_errors(value: str) -> Errors:
    """A DNS subdomain (RFC 1123): the name of most objects."""
    return _format_errors(value, _DNS1123_SUBDOMAIN, DNS1123_SUBDOMAIN_MAX_LENGTH, DNS1123_SUBDOMAIN_MESSAGE)


def dns1035_label_errors(value: str) -> Errors:
    """A DNS label (RFC 1035), which must start with a letter: Service names."""
    return _format_errors(value, _DNS1035_LABEL, DNS1123_LABEL_MAX_LENGTH, DNS1035_LABEL_MESSAGE)


def wildcard_dns1123_subdomain_errors(value: str) -> Errors:
    """``*.example.com``: one leading wildcard label, then a DNS subdomain (RFC 1034 4.3.3)."""
    return _format_errors(value, _WILDCARD_SUBDOMAIN, DNS1123_SUBDOMAIN_MAX_LENGTH, WILDCARD_SUBDOMAIN_MESSAGE)


def host_name_errors(value: str) -> Errors:
    """A host as Ingress rules and TLS take it: a DNS subdomain with at most a leading ``*.``."""
    if "*" in value:
        return wildcard_dns1123_subdomain_errors(value)
    return dns1123_subdomain_errors(value)


def qualified_name_errors(value: str) -> Errors:
    """A label key: an optional DNS-subdomain prefix (253) and '/', then a name (63).

    Annotation keys follow the same rule, but the server lowercases them
    first (objectmeta.go ValidateAnnotations): pass ``key.lower()``.
    """
    slash = value.find("/")
    if slash < 0:
        if len(value) <= DNS1123_LABEL_MAX_LENGTH and _LABEL_KEY.fullmatch(value):
            return VALID
        prefix, name = None, value
    else:
        prefix, name = value[:slash], value[slash + 1 :]
        if "/" in name:
            return (
                "a valid label key "
                + LABEL_KEY_NAME_MESSAGE
                + " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')",
            )
    errors = []
    if prefix is not None:
        if not prefix:
            errors.append("prefix part must be non-empty")
        else:
            errors.extend("prefix part " + message for message in dns1123_subdomain_errors(prefix))
    if not name:
        errors.append("name part must be non-empty")
    elif len(name) > DNS1123_LABEL_MAX_LENGTH:
        errors.append("name part " + max_length_error(DNS1123_LABEL_MAX_LENGTH))
    if not _LABEL_KEY.fullmatch(name):
        errors.append("name part " + LABEL_KEY_NAME_MESSAGE)
    return tuple(errors)


def label_value_errors(value: str) -> Errors:
    """A label value: empty, or up to 63 characters with the same rules as a key's name part."""
    if not value:
        return VALID
    return _format_errors(value, _LABEL_KEY, LABEL_VALUE_MAX_LENGTH, LABEL_VALUE_MESSAGE)


def port_number_errors(value: int) -> Errors:
    return VALID if 1 <= value <= 65535 else (range_error(1, 65535),)


def port_name_errors(value: str) -> Errors:
    """An IANA service name (RFC 6335), lowercase only: container port names, named targetPorts."""
    if (
        len(value) <= PORT_NAME_MAX_LENGTH
        and _PORT_NAME_CHARSET.fullmatch(value)
        and _PORT_NAME_LETTER.search(value)
        and "--" not in value
        and value[0] != "-"
        and value[-1] != "-"
    ):
        return VALID
    errors = []
    if len(value) > PORT_NAME_MAX_LENGTH:
        errors.append(max_length_error(PORT_NAME_MAX_LENGTH))
    if not _PORT_NAME_CHARSET.fullmatch(value):
        errors.append("must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)")
    if not _PORT_NAME_LETTER.search(value):
        errors.append("must contain at least one letter (a-z)")
    if "--" in value:
        errors.append("must not contain consecutive hyphens")
    if value and (value[0] == "-" or value[-1] == "-"):
        errors.append("must not begin or end with a hyphen")
    return tuple(errors)


def env_var_name_errors(value: str, *, relaxed: bool = True) -> Errors:
    """An environment variable name.

    ``relaxed`` is the RelaxedEnvironmentVariableValidation behaviour
    (default since Kubernetes 1.32): any printable ASCII but '='. Without it,
    the classic C-identifier-like rule, which also refuses '.', '..' and a
    leading '..'.
    """
    if relaxed:
        if not value:
            return ("environment variable name must be non-empty",)
        return VALID if _PRINTABLE_ASCII_NO_EQUALS.fullmatch(value) else (RELAXED_ENV_VAR_NAME_MESSAGE,)
    errors = [] if _ENV_VAR_NAME.fullmatch(value) else [ENV_VAR_NAME_MESSAGE]
    if value == ".":
        errors.append("must not be '.'")
    elif value == "..":
        errors.append("must not be '..'")
    elif value.startswith(".."):
        errors.append("must not start with '..'")
    return tuple(errors)


def path_segment_errors(value: str) -> Errors:
    """A name that becomes one URL path segment (RBAC objects): no '/' or '%', not '.' or '..'."""
    if value in (".", ".."):
        return (f"may not be '{value}'",)
    return tuple(f"may not contain '{character}'" for character in ("/", "%") if character in value)


def percent_errors(value: str) -> Errors:
    return VALID if _PERCENT.fullmatch(value) else (PERCENT_MESSAGE,)


def is_ip_address(value: str) -> bool:
    """Whether ``value`` parses as an IPv4 or IPv6 address (no leading zeros, no zone)."""
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return False
    return True


# --- CronJob schedules: robfig/cron/v3 ParseStandard ------------------------------------

CRON_DESCRIPTORS = frozenset({"@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly"})

_MONTH_NAMES = {
    name: number for number, name in enumerate("jan feb mar apr may jun jul aug sep oct nov dec".split(), 1)
}
_WEEKDAY_NAMES = {name: number for number, name in enumerate("sun mon tue wed thu fri sat".split())}
# (name, minimum, maximum, names) of the five fields of a standard spec, in order.
_CRON_FIELDS = (
    ("minute", 0, 59, None),
    ("hour", 0, 23, None),
    ("day of month", 1, 31, None),
    ("month", 1, 12, _MONTH_NAMES),
    ("day of week", 0, 6, _WEEKDAY_NAMES),
)
_GO_INT = re.compile(r"[+-]?[0-9]+")
_GO_DURATION = re.compile(r"[-+]?(?:0|(?:(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:ns|us|µs|μs|ms|s|m|h))+)")


class _CronError(ValueError):
    pass


def _cron_int(text: str, names: dict[str, int] | None) -> int:
    if names is not None and text.lower() in names:
        return names[text.lower()]
    if not _GO_INT.fullmatch(text):
        raise _CronError(f'failed to parse int from {text}: strconv.Atoi: parsing "{text}": invalid syntax')
    number = int(text)
    if number < 0:
        raise _CronError(f"negative number ({number}) not allowed: {text}")
    return number


def _cron_range(expression: str, low: int, high: int, names: dict[str, int] | None) -> None:
    """One comma-separated part of a field: ``*``, ``5``, ``1-5``, ``*/15``, ``MON-FRI/2``."""
    range_and_step = expression.split("/")
    low_and_high = range_and_step[0].split("-")
    if low_and_high[0] in ("*", "?"):
        start, end = low, high
    else:
        start = _cron_int(low_and_high[0], names)
        if len(low_and_high) == 1:
            end = start
        elif len(low_and_high) == 2:
            end = _cron_int(low_and_high[1], names)
        else:
            raise _CronError(f"too many hyphens: {expression}")
    step = 1
    if len(range_and_step) == 2:
        step = _cron_int(range_and_step[1], None)
        if len(low_and_high) == 1:  # "N/step" means "N-max/step"
            end = high
    elif len(range_and_step) > 2:
        raise _CronError(f"too many slashes: {expression}")
    if start < low:
        raise _CronError(f"beginning of range ({start}) below minimum ({low}): {expression}")
    if end > high:
        raise _CronError(f"end of range ({end}) above maximum ({high}): {expression}")
    if start > end:
        raise _CronError(f"beginning of range ({start}) beyond end of range ({end}): {expression}")
    if step == 0:
        raise _CronError(f"step of range should be a positive number: {expression}")


def _parse_cron(spec: str) -> None:
    if not spec:
        raise _CronError("empty spec string")
    if spec.startswith(("TZ=", "CRON_TZ=")):
        space = spec.find(" ")
        if space < 0:
            raise _CronError(f"invalid schedule: no space after the time zone in {spec!r}")
        zone = spec[spec.find("=") + 1 : space]
        if time_zone_errors(zone):
            raise _CronError(f"provided bad location {zone}: unknown time zone {zone}")
        spec = spec[space:].strip()
    if spec.startswith("@"):
        if spec in CRON_DESCRIPTORS:
            return
        if spec.startswith("@every "):
            duration = spec[len("@every ") :]
            if not _GO_DURATION.fullmatch(duration):
                raise _CronError(f'failed to parse duration {spec}: time: invalid duration "{duration}"')
            return
        raise _CronError(f"unrecognized descriptor: {spec}")
    fields = spec.split()
    if len(fields) != len(_CRON_FIELDS):
        raise _CronError(f"expected exactly 5 fields, found {len(fields)}: [{' '.join(fields)}]")
    for text, (_, low, high, names) in zip(fields, _CRON_FIELDS, strict=True):
        for expression in text.split(","):
            if expression:
                _cron_range(expression, low, high, names)


def cron_schedule_errors(schedule: str) -> Errors:
    """A CronJob schedule as robfig/cron/v3 ParseStandard reads it.

    Five fields (minute, hour, day of month, month, day of week; names such
    as ``JAN`` and ``MON``; ``*``, ``?``, ranges, lists and steps) or one of
    the descriptors ``@yearly`` ``@annually`` ``@monthly`` ``@weekly``
    ``@daily`` ``@midnight`` ``@hourly`` ``@every <duration>``. Day of week
    runs 0-6: ``7`` for Sunday is refused.
    """
    try:
        _parse_cron(schedule)
    except _CronError as error:
        return (str(error),)
    return VALID


# --- Time zones: CronJob spec.timeZone --------------------------------------------------

_TIME_ZONE_PART = re.compile(r"[A-Za-z.\-_0-9+]{1,14}")


@lru_cache(maxsize=512)
def _zone_exists(name: str) -> bool:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return False
    return True


def time_zone_errors(name: str) -> Errors:
    """An IANA time zone name as CronJob validation accepts it (``Europe/Berlin``, ``UTC``).

    The IANA naming rules first, then the zone must exist in the time zone
    database (the ``tzdata`` package when the system has none); ``Local`` is refused.
    """
    if not name:
        return ("timeZone must be nil or non-empty string",)
    for part in name.split("/"):
        if part in (".", "..") or part.startswith("-") or not _TIME_ZONE_PART.fullmatch(part):
            return (f"unknown time zone {name}",)
    if name.lower() == "local":
        return ("timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones",)
    return VALID if _zone_exists(name) else (f"unknown time zone {name}",)
