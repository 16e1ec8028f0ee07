"""Workload specs: replica counts, rollout strategies, Job counts, CronJob schedules,
autoscalers and disruption budgets.

Sources: pkg/apis/apps/validation (ValidateDeploymentSpec,
ValidateRollingUpdateDeployment, ValidateRollingUpdateDaemonSet,
ValidateStatefulSetSpec), pkg/apis/batch/validation (validateJobSpec,
validateCronJobSpec, validateTimeZone), pkg/apis/autoscaling/validation
(validateHorizontalPodAutoscalerSpec) and pkg/apis/policy/validation
(ValidatePodDisruptionBudgetSpec).
"""

from __future__ import annotations

from typing import Any, Iterator

from kubelint.checks import Problem, RuleContext
from kubelint.checks.api import integer, quote
from kubelint.checks.api.pods import kubernetes_version
from kubelint.kube import get_path
from kubelint.model import FieldPath, Resource, Severity
from kubelint.validation import cron_schedule_errors, dns1123_label_errors, percent_errors, time_zone_errors

REPLICATED_KINDS = frozenset({"Deployment", "ReplicaSet", "StatefulSet", "ReplicationController"})
JOB_COUNTS = ("parallelism", "completions", "backoffLimit", "activeDeadlineSeconds", "ttlSecondsAfterFinished")
CONCURRENCY_POLICIES = ("Allow", "Forbid", "Replace")
SERVICE_NAME_VALIDATED_SINCE = (1, 33)  # kubernetes/kubernetes#130233


def _spec(resource: Resource) -> dict[str, Any]:
    spec = resource.data.get("spec")
    return spec if isinstance(spec, dict) else {}


def _negative(spec: dict[str, Any], field: str, path: FieldPath, what: str) -> Problem | None:
    value = integer(spec.get(field))
    if value is not None and value < 0:
        return Problem(
            path + (field,),
            f'{what} {field} is {value} (the API server: "must be greater than or equal to 0"); use 0 or more',
        )
    return None


def replicas(resource: Resource, ctx: RuleContext) -> Iterator[Problem]:
    """spec.replicas of a replicated workload is not negative."""
    if resource.kind in REPLICATED_KINDS and resource.group in ("apps", ""):
        problem = _negative(_spec(resource), "replicas", ("spec",), resource.kind or "")
        if problem is not None:
            yield problem


def _int_or_percent(value: Any, path: FieldPath, field: str) -> tuple[int | None, Problem | None]:
    """(value as a number or percentage, problem) of a maxSurge / maxUnavailable."""
    if isinstance(value, str):
        errors = percent_errors(value)
        if errors:
            return None, Problem(
                path,
                f'{field} "{value}" is neither a number nor a percentage {quote(errors)}; write e.g. '
                "1 or 25% (a number without quotes)",
            )
        return int(value[:-1]), None
    number = integer(value)
    if number is not None and number < 0:
        return None, Problem(
            path, f'{field} is {number} (the API server: "must be greater than or equal to 0"); use 0 or more'
        )
    return number, None


def _rolling_update(rolling: Any, path: FieldPath, defaults: tuple[Any, Any]) -> Iterator[Problem | tuple[int, int]]:
    values = []
    for field, default in zip(("maxUnavailable", "maxSurge"), defaults, strict=True):
        raw = rolling.get(field, default) if isinstance(rolling, dict) else default
        value, problem = _int_or_percent(raw, path + (field,), field)
        if problem is not None:
            yield problem
        elif isinstance(raw, str) and value is not None and value > 100 and field == "maxUnavailable":
            yield Problem(
                path + (field,), f'{field} is {raw} (the API server: "must not be greater than 100%"); use 100% or less'
            )
        values.append(value)
    if None not in values:
        yield (values[0], values[1])


def deployment_strategy(resource: Resource, ctx: RuleContext) -> Iterator[Problem]:
    """Strategy types are known; maxSurge and maxUnavailable are numbers or percentages, not both zero."""
    if resource.group != "apps" or resource.kind not in ("Deployment", "DaemonSet"):
        return
    field = "strategy" if resource.kind == "Deployment" else "updateStrategy"
    strategy = _spec(resource).get(field)
    if not isinstance(strategy, dict):
        return
    path = ("spec", field)
    kind_type = strategy.get("type", "RollingUpdate")
    other = "Recreate" if resource.kind == "Deployment" else "OnDelete"
    if kind_type not in ("RollingUpdate", other):
        yield Problem(
            path + ("type",),
            f'{field}.type "{kind_type}" is not supported (the API server: "Unsupported value: '
            f'supported values: \\"{other}\\", \\"RollingUpdate\\""); use RollingUpdate or {other}',
        )
        return
    if kind_type == other:
        if strategy.get("rollingUpdate") is not None:
            yield Problem(
                path + ("rollingUpdate",),
                f"{field}.rollingUpdate is set but the type is {other} (the API "
                f"server: \"may not be specified when strategy `type` is '{other}'\"); remove rollingUpdate",
                key=True,
            )
        return
    defaults = ("25%", "25%") if resource.kind == "Deployment" else (1, 0)
    for item in _rolling_update(strategy.get("rollingUpdate"), path + ("rollingUpdate",), defaults):
        if isinstance(item, Problem):
            yield item
            continue
        unavailable, surge = item
        where = path + ("rollingUpdate",) if "rollingUpdate" in strategy else path
        if unavailable == 0 and surge == 0:
            yield Problem(
                where,
                "maxUnavailable and maxSurge are both 0, so a rollout could never replace a pod (the API "
                'server: "may not be 0 when `maxSurge` is 0"); allow one of them, e.g. maxSurge: 1',
                key=True,
            )
        elif resource.kind == "DaemonSet" and unavailable and surge:
            yield Problem(
                where,
                "a DaemonSet rollout either surges or removes pods first, not both (the API server: "
                '"may not be set when maxUnavailable is non-zero"); set one of maxSurge and maxUnavailable '
                "to 0",
                key=True,
            )


def statefulset_service_name(resource: Resource, ctx: RuleContext) -> Iterator[Problem]:
    """A StatefulSet names its governing Service (a DNS-1123 label), which gives its pods stable DNS names."""
    if resource.kind != "StatefulSet" or resource.group != "apps":
        return
    spec = _spec(resource)
    name = spec.get("serviceName")
    if name in (None, ""):
        yield Problem(
            ("spec",) if "spec" in resource.data else (),
            "the StatefulSet has no spec.serviceName: its pods get "
            "no stable DNS names (<pod>.<service>), which is what a StatefulSet is for; set serviceName to a "
            "headless Service (clusterIP: None) that selects its pods",
            severity=Severity.WARNING,
            key=True,
        )
    elif isinstance(name, str) and dns1123_label_errors(name):
        server = (
            "the API server"
            if kubernetes_version(ctx) >= SERVICE_NAME_VALIDATED_SINCE
            else "the API server, for each pod the controller creates"
        )
        yield Problem(
            ("spec", "serviceName"),
            f'serviceName "{name}" is not a DNS-1123 label ({server}: '
            f'"{"; ".join(dns1123_label_errors(name))}"): it becomes the pods\' subdomain; use the name of a '
            "Service",
        )


def job_counts(resource: Resource, ctx: RuleContext) -> Iterator[Problem]:
    """parallelism, completions, backoffLimit and deadlines are not negative; Indexed Jobs set completions."""
    if resource.group != "batch" or resource.kind not in ("Job", "CronJob"):
        return
    path: FieldPath = ("spec",) if resource.kind == "Job" else ("spec", "jobTemplate", "spec")
    spec = get_path(resource.data, path)
    if not isinstance(spec, dict):
        return
    for field in JOB_COUNTS:
        problem = _negative(spec, field, path, "Job")
        if problem is not None:
            yield problem
    if spec.get("completionMode") == "Indexed" and spec.get("completions") is None:
        yield Problem(
            path + ("completionMode",),
            'an Indexed Job needs spec.completions (the API server: "completions: '
            'Required value: when completion mode is Indexed"); set the number of indexes',
        )


def cron_schedule(resource: Resource, ctx: RuleContext) -> Iterator[Problem]:
    """The schedule is five cron fields or a descriptor, without TZ=; concurrencyPolicy is known."""
    if resource.kind != "CronJob" or resource.group != "batch":
        return
    spec = _spec(resource)
    schedule = spec.get("schedule")
    if schedule in (None, ""):
        yield Problem(
            ("spec",) if "spec" in resource.data else (),
            "the CronJob has no schedule (the API server: "
            '"spec.schedule: Required value"); add e.g. schedule: "0 * * * *"',
            key=True,
        )
    elif isinstance(schedule, str):
        errors = cron_schedule_errors(schedule)
        if errors:
            yield Problem(
                ("spec", "schedule"),
                f'schedule "{schedule}" is not a valid cron schedule {quote(errors)}: write '
                "five fields (minute 0-59, hour 0-23, day of month 1-31, month 1-12, day of week 0-6 with "
                "Sunday 0) or @hourly, @daily, @weekly, @monthly, @yearly",
            )
        elif "TZ" in schedule:
            yield Problem(
                ("spec", "schedule"),
                f'schedule "{schedule}" sets a time zone (the API server: "cannot use TZ or '
                'CRON_TZ in schedule, use timeZone field instead"); move it to spec.timeZone',
            )
    policy = spec.get("concurrencyPolicy")
    if isinstance(policy, str) and policy not in CONCURRENCY_POLICIES:
        yield Problem(
            ("spec", "concurrencyPolicy"),
            f'concurrencyPolicy "{policy}" is not supported (the API server: '
            '"Unsupported value: supported values: \\"Allow\\", \\"Forbid\\", \\"Replace\\""); values are '
            "case-sensitive",
        )


def cron_timezone(resource: Resource, ctx: RuleContext) -> Iterator[Problem]:
    """timeZone is an IANA time zone name the time zone database knows."""
    if resource.kind != "CronJob" or resource.group != "batch":
        return
    spec = _spec(resource)
    zone = spec.get("timeZone")
    if isinstance(zone, str):
        errors = time_zone_errors(zone)
        if errors:
            yield Problem(
                ("spec", "timeZone"),
                f'timeZone "{zone}" is not an IANA time zone {quote(errors)}; use a name '
                'from the tz database such as "Etc/UTC" or "Europe/Berlin" (not an abbreviation like CEST '
                "or an offset like +02:00)",
            )


def hpa_replicas(resource: Resource, ctx: RuleContext) -> Iterator[Problem]:
    """minReplicas is at least 1 and at most maxReplicas; maxReplicas is at least 1."""
    if resource.kind != "HorizontalPodAutoscaler" or resource.group != "autoscaling":
        return
    spec = _spec(resource)
    low, high = integer(spec.get("minReplicas")), integer(spec.get("maxReplicas"))
    if low is not None and low < 1:
        yield Problem(
            ("spec", "minReplicas"),
            f'minReplicas is {low} (the API server: "must be greater than or equal to '
            '1"); use 1 or more (scaling to zero needs the HPAScaleToZero feature gate)',
        )
    if high is not None and high < 1:
        yield Problem(
            ("spec", "maxReplicas"), f'maxReplicas is {high} (the API server: "must be greater than 0"); use 1 or more'
        )
    if low is not None and high is not None and high < low:
        yield Problem(
            ("spec", "maxReplicas"),
            f'maxReplicas {high} is less than minReplicas {low} (the API server: "must '
            'be greater than or equal to `minReplicas`"); raise maxReplicas or lower minReplicas',
        )


def pdb_budget(resource: Resource, ctx: RuleContext) -> Iterator[Problem]:
    """Exactly one of minAvailable and maxUnavailable, each a number or a percentage up to 100%."""
    if resource.kind != "PodDisruptionBudget" or resource.group != "policy":
        return
    spec = _spec(resource)
    present = [field for field in ("minAvailable", "maxUnavailable") if spec.get(field) is not None]
    if len(present) == 2:
        yield Problem(
            ("spec", "maxUnavailable"),
            "minAvailable and maxUnavailable are both set (the API server: "
            '"minAvailable and maxUnavailable cannot be both set"); keep one',
            key=True,
        )
    elif not present and resource.api_version == "policy/v1":
        yield Problem(
            ("spec",) if "spec" in resource.data else (),
            "the PodDisruptionBudget sets neither minAvailable nor "
            "maxUnavailable: policy/v1 has no default, so it allows every eviction; set one, e.g. "
            "maxUnavailable: 1",
            severity=Severity.WARNING,
            key=True,
        )
    for field in present:
        value, problem = _int_or_percent(spec[field], ("spec", field), field)
        if problem is not None:
            yield problem
        elif isinstance(spec[field], str) and value is not None and value > 100:
            yield Problem(
                ("spec", field),
                f'{field} is {spec[field]} (the API server: "must not be greater than 100%"); use 100% or less',
            )
