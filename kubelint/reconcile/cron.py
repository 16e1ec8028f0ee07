"""When a cron schedule fires next, as the CronJob controller reads it (robfig/cron v3).

Schedules reach this module already validated by the API server's rules
(kubelint.validation.cron_schedule_errors); here they are expanded into the
minutes, hours, days, months and weekdays they fire on. Five fields with
``*``, ``?``, ranges, steps, lists and month and weekday names, or a
descriptor (``@hourly``... ``@every 1h30m``). As in robfig/cron, when both day
fields are restricted a day matching either one fires; when either is ``*``
(or ``?``) both must match. Times are wall-clock times in ``spec.timeZone``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo

DESCRIPTORS = {
    "@yearly": "0 0 1 1 *",
    "@annually": "0 0 1 1 *",
    "@monthly": "0 0 1 * *",
    "@weekly": "0 0 * * 0",
    "@daily": "0 0 * * *",
    "@midnight": "0 0 * * *",
    "@hourly": "0 * * * *",
}
MONTHS = {name: number for number, name in enumerate("jan feb mar apr may jun jul aug sep oct nov dec".split(), start=1)}
WEEKDAYS = {name: number for number, name in enumerate("sun mon tue wed thu fri sat".split())}
RANGES = ((0, 59, {}), (0, 23, {}), (1, 31, {}), (1, 12, MONTHS), (0, 6, WEEKDAYS))
GO_DURATION_UNITS = {"h": 3600.0, "m": 60.0, "s": 1.0, "ms": 1e-3, "us": 1e-6, "µs": 1e-6, "μs": 1e-6, "ns": 1e-9}
_DURATION_PART = re.compile(r"([0-9]*\.?[0-9]+)(h|ms|us|µs|μs|ns|m|s)")
SEARCH_DAYS = 366 * 5


@dataclass(frozen=True, slots=True)
class Schedule:
    minutes: frozenset[int] = frozenset()
    hours: frozenset[int] = frozenset()
    days: frozenset[int] = frozenset()
    months: frozenset[int] = frozenset()
    weekdays: frozenset[int] = frozenset()
    both_days: bool = True
    """Either day field is unrestricted, so both must match (else either one)."""
    every: timedelta | None = None

    def fixed_time(self) -> str | None:
        """``HH:MM`` when the schedule fires at one time of day."""
        if self.every is None and len(self.minutes) == 1 and len(self.hours) == 1:
            return f"{min(self.hours):02d}:{min(self.minutes):02d}"
        return None

    def _fires_on(self, day: datetime) -> bool:
        if day.month not in self.months:
            return False
        in_month, in_week = day.day in self.days, (day.isoweekday() % 7) in self.weekdays
        return in_month and in_week if self.both_days else in_month or in_week

    def next_after(self, now: datetime, zone: tzinfo) -> datetime | None:
        """The first firing strictly after ``now`` (None if none within five years)."""
        if self.every is not None:
            return now + self.every
        start = now.astimezone(zone).replace(second=0, microsecond=0) + timedelta(minutes=1)
        day = start.replace(hour=0, minute=0)
        for _ in range(SEARCH_DAYS):
            if self._fires_on(day):
                for hour in sorted(self.hours):
                    for minute in sorted(self.minutes):
                        candidate = day.replace(hour=hour, minute=minute)
                        if candidate >= start:
                            return candidate.astimezone(timezone.utc).astimezone(zone)
            day = (day + timedelta(days=1)).replace(hour=0, minute=0)
        return None


def _number(text: str, names: dict[str, int]) -> int:
    return names[text.lower()] if text.lower() in names else int(text)


def _field(text: str, low: int, high: int, names: dict[str, int]) -> tuple[frozenset[int], bool]:
    """The values a field fires on, and whether it is unrestricted (``*`` or ``?`` without a step)."""
    values: set[int] = set()
    star = False
    for part in text.split(","):
        span, _, step_text = part.partition("/")
        step = int(step_text) if step_text else 1
        if span in ("*", "?"):
            first, last = low, high
            star = star or step == 1
        elif "-" in span:
            first_text, last_text = span.split("-", 1)
            first, last = _number(first_text, names), _number(last_text, names)
        else:
            first = _number(span, names)
            last = high if step_text else first
        values.update(range(first, last + 1, step))
    return frozenset(values), star


def _go_duration(text: str) -> timedelta:
    seconds = sum(float(amount) * GO_DURATION_UNITS[unit] for amount, unit in _DURATION_PART.findall(text))
    return timedelta(seconds=max(1, int(seconds)))


def parse(text: str) -> Schedule:
    """A validated ``spec.schedule``."""
    stripped = text.strip()
    if stripped.startswith("@every "):
        return Schedule(every=_go_duration(stripped[len("@every "):].strip()))
    fields = DESCRIPTORS.get(stripped, stripped).split()
    (minutes, _), (hours, _), (days, days_star), (months, _), (weekdays, weekdays_star) = (
        _field(field, low, high, names) for field, (low, high, names) in zip(fields, RANGES)
    )
    return Schedule(minutes, hours, days, months, weekdays, both_days=days_star or weekdays_star)


def zone(name: str | None) -> tzinfo:
    """``spec.timeZone``, validated; without one, the controller manager's zone, taken as UTC."""
    return ZoneInfo(name) if name else timezone.utc
