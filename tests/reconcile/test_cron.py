"""Next firing times, robfig/cron semantics (day-of-month OR day-of-week), time zones."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from kubelint.reconcile.cron import parse, zone

NOW = datetime(2025, 1, 1, 10, 7, tzinfo=timezone.utc)  # a Wednesday


@pytest.mark.parametrize(
    ("schedule", "zone_name", "expected"),
    [
        ("*/15 * * * *", None, "2025-01-01T10:15:00+00:00"),
        ("@hourly", None, "2025-01-01T11:00:00+00:00"),
        ("@daily", "Europe/Paris", "2025-01-02T00:00:00+01:00"),
        ("30 2 * * 1", "Europe/Paris", "2025-01-06T02:30:00+01:00"),
        ("0 9 1,15 * MON-FRI", "Europe/Paris", "2025-01-02T09:00:00+01:00"),  # either day field
        ("0 9 15 * *", None, "2025-01-15T09:00:00+00:00"),
        ("0 0 29 feb ?", None, "2028-02-29T00:00:00+00:00"),
        ("5 4-6/2 * * sun", None, "2025-01-05T04:05:00+00:00"),
        ("@every 1h30m", None, "2025-01-01T11:37:00+00:00"),
    ],
)
def test_next_firing(schedule: str, zone_name: str | None, expected: str) -> None:
    fired = parse(schedule).next_after(NOW, zone(zone_name))
    assert fired is not None and fired.isoformat() == expected


def test_fixed_time_of_day() -> None:
    assert parse("30 2 * * *").fixed_time() == "02:30"
    assert parse("@midnight").fixed_time() == "00:00"
    assert parse("*/5 * * * *").fixed_time() is None
