"""CronJob controller: nothing until the schedule fires; the plan says when (pkg/controller/cronjob).

Applying a CronJob creates no Job. Its first Job, named
``<cronjob>-<scheduled time in minutes since the epoch>``, is created at the
next time matching the schedule in ``spec.timeZone``. Given the moment of
applying (``--now`` or the profile's ``now``), the plan names that time and
the Job; without it, it names the time of day (``at the next 02:30``) or
the schedule itself, so the output never depends on the clock.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Iterator

from kubelint.reconcile import cron
from kubelint.reconcile.loop import Patch, Write
from kubelint.reconcile.world import ApiObject, World


def first_run(cronjob: ApiObject, now: datetime | None) -> str:
    spec = cronjob.spec
    if spec["suspend"]:
        return "suspended: creates no Job until spec.suspend is false"
    schedule = cron.parse(spec["schedule"])
    zone_name = spec.get("timeZone") or "UTC"
    if now is None:
        fixed = schedule.fixed_time()
        when = f"at the next {fixed} {zone_name}" if fixed else f"at the next time ({zone_name})"
        return f'creates no Job yet; the first one {when} matching "{spec["schedule"]}"'
    fire = schedule.next_after(now, cron.zone(spec.get("timeZone")))
    if fire is None:
        return f'creates no Job: "{spec["schedule"]}" never fires within five years of {now.isoformat()}'
    job = f"{cronjob.name}-{int(fire.timestamp()) // 60}"
    return f"creates no Job yet; the first one, {job}, at {fire.isoformat()} ({_after(fire - now.astimezone(fire.tzinfo))} after now)"


def _after(delta: timedelta) -> str:
    seconds = int(delta.total_seconds())
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    parts = [f"{days}d" if days else "", f"{hours}h" if hours else "", f"{minutes}m" if minutes or not (days or hours) else ""]
    return "".join(parts)


def sync(world: World) -> Iterator[Write]:
    for cronjob in world.objects_of("CronJob"):
        if cronjob.note is None:
            yield Patch(cronjob, {"note": first_run(cronjob, world.profile.now)})
