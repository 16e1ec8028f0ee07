"""Object and namespace names, as ValidateObjectMeta checks them.

Each kind has a name rule (its ``Validate<Kind>Name`` in the server):
Services are DNS-1035 labels (they become DNS names and environment
variables), Namespaces and StatefulSets DNS-1123 labels, RBAC objects URL
path segments, and every other built-in or custom object a DNS-1123
subdomain. Some controllers put an object's name into labels or host names
of what they create, which shortens it further: CronJobs (52), Jobs (63) and
StatefulSets (52, through the pods' controller-revision-hash label).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Iterator

from kubelint.checks import Problem, RuleContext
from kubelint.checks.api import integer, name_problem, quote, rename_hint
from kubelint.kube import get_path, is_cluster_scoped
from kubelint.model import Resource, Severity
from kubelint.validation import (
    DNS1123_LABEL_MAX_LENGTH,
    DNS1123_SUBDOMAIN_MAX_LENGTH,
    Errors,
    dns1035_label_errors,
    dns1123_label_errors,
    dns1123_subdomain_errors,
    path_segment_errors,
)

SYSTEM_NAMESPACES = frozenset({"kube-system", "kube-public", "kube-node-lease"})
CRONJOB_NAME_MAX_LENGTH = 52  # the CronJob controller appends "-<11 digits>" to name its Jobs
STATEFULSET_NAME_SAFE_LENGTH = 52  # "<name>-<hash of up to 10>" must fit the 63 of a label value


@dataclass(frozen=True, slots=True)
class NameFormat:
    """One of the server's name rules, and how to suggest a name that follows it."""

    title: str
    errors: Callable[[str], Errors]
    max_length: int
    letter_first: bool = False
    dots: bool = False

    def problem(self, value: str) -> str:
        return name_problem(value, max_length=self.max_length, letter_first=self.letter_first, dots=self.dots)

    def hint(self, value: str) -> str:
        return rename_hint(value, max_length=self.max_length, letter_first=self.letter_first, dots=self.dots)


DNS1035_LABEL = NameFormat("a DNS-1035 label", dns1035_label_errors, DNS1123_LABEL_MAX_LENGTH, letter_first=True)
DNS1123_LABEL = NameFormat("a DNS-1123 label", dns1123_label_errors, DNS1123_LABEL_MAX_LENGTH)
DNS1123_SUBDOMAIN = NameFormat(
    "a DNS-1123 subdomain", dns1123_subdomain_errors, DNS1123_SUBDOMAIN_MAX_LENGTH, dots=True
)
PATH_SEGMENT = NameFormat("a path segment", path_segment_errors, 10**6, dots=True)

# (API group, kind) -> name rule, where it is not a DNS-1123 subdomain.
_NAME_FORMATS: dict[tuple[str, str], NameFormat] = {
    ("", "Service"): DNS1035_LABEL,
    ("", "Namespace"): DNS1123_LABEL,
    ("apps", "StatefulSet"): DNS1123_LABEL,
    **{
        (group, kind): PATH_SEGMENT
        for group in ("rbac.authorization.k8s.io", "flowcontrol.apiserver.k8s.io", "certificates.k8s.io")
        for kind in (
            "Role",
            "ClusterRole",
            "RoleBinding",
            "ClusterRoleBinding",
            "FlowSchema",
            "PriorityLevelConfiguration",
            "CertificateSigningRequest",
            "ClusterTrustBundle",
        )
    },
}


def name_format(resource: Resource) -> NameFormat:
    """The rule the API server applies to this object's name."""
    return _NAME_FORMATS.get((resource.group, resource.kind or ""), DNS1123_SUBDOMAIN)


def _mask_trailing_dash(prefix: str) -> str:
    """generateName may end in '-': the server checks it as maskTrailingDash does."""
    return prefix[:-2] + "a" if prefix.endswith("-") else prefix


def _format_problems(resource: Resource, rule: NameFormat) -> Iterator[Problem]:
    metadata = resource.metadata
    for field in ("name", "generateName"):
        value = metadata.get(field)
        if not isinstance(value, str) or not value:
            continue
        checked = _mask_trailing_dash(value) if field == "generateName" else value
        errors = rule.errors(checked)
        if errors:
            yield Problem(
                ("metadata", field),
                f'{resource.kind} {field} "{value}" {rule.problem(checked)}: it must be {rule.title} '
                f"{quote(errors)}; {rule.hint(value)}",
            )


def _length_problems(resource: Resource, name: str) -> Iterator[Problem]:
    """Names a controller copies into labels and host names of what it creates."""
    kind, where = resource.kind, ("metadata", "name")
    if kind == "CronJob" and len(name) > CRONJOB_NAME_MAX_LENGTH:
        yield Problem(
            where,
            f'CronJob name "{name}" is {len(name)} characters long: the CronJob controller names its Jobs '
            f'"<name>-<timestamp>", which must fit 63 characters (the API server: "must be no more than 52 '
            f'characters"); shorten it to {CRONJOB_NAME_MAX_LENGTH} characters or fewer',
        )
    elif kind == "Job":
        if len(name) > DNS1123_LABEL_MAX_LENGTH:
            yield Problem(
                where,
                f'Job name "{name}" is {len(name)} characters long: the Job controller copies it into the '
                f'"batch.kubernetes.io/job-name" label of its pods, and a label value holds at most 63 '
                f'(the API server: "must be no more than 63 characters"); shorten it',
            )
            return
        spec = resource.data.get("spec")
        completions = integer(get_path(spec, ("completions",)))
        if get_path(spec, ("completionMode",)) == "Indexed" and completions and completions > 0:
            hostname = f"{name}-{completions - 1}"
            if dns1123_label_errors(hostname):
                yield Problem(
                    where,
                    f'Indexed Job "{name}" names its last pod\'s host "{hostname}", which is not a DNS-1123 label '
                    f'(the API server: "will not able to create pod with invalid DNS label: {hostname}"); '
                    "shorten the name",
                )
    elif kind == "StatefulSet" and STATEFULSET_NAME_SAFE_LENGTH < len(name) <= DNS1123_LABEL_MAX_LENGTH:
        yield Problem(
            where,
            f'StatefulSet name "{name}" is {len(name)} characters long: its pods get the label '
            f'"controller-revision-hash: {name}-<hash>", which exceeds 63 characters, so the controller '
            f"cannot create them; shorten it to {STATEFULSET_NAME_SAFE_LENGTH} characters or fewer",
            severity=Severity.WARNING,
        )


def _crd_problems(resource: Resource, name: str) -> Iterator[Problem]:
    spec = resource.data.get("spec")
    plural, group = get_path(spec, ("names", "plural")), get_path(spec, ("group",))
    if isinstance(plural, str) and isinstance(group, str) and plural and group and name != f"{plural}.{group}":
        yield Problem(
            ("metadata", "name"),
            f'CustomResourceDefinition name "{name}" must be spec.names.plural + "." + spec.group '
            f'(the API server: "must be spec.names.plural+\\".\\"+spec.group"); rename it "{plural}.{group}"',
        )


def object_name(resource: Resource, ctx: RuleContext) -> Iterator[Problem]:
    """metadata.name and generateName follow the kind's name rule."""
    kind, group = resource.kind, resource.group
    yield from _format_problems(resource, name_format(resource))
    name = resource.metadata.get("name")
    if not isinstance(name, str) or not name:
        return
    if group == "batch" or kind == "StatefulSet":
        yield from _length_problems(resource, name)
    elif kind == "CustomResourceDefinition" and group == "apiextensions.k8s.io":
        yield from _crd_problems(resource, name)


def namespace_name(resource: Resource, ctx: RuleContext) -> Iterator[Problem]:
    """metadata.namespace is a DNS-1123 label."""
    namespace = resource.metadata.get("namespace")
    if not isinstance(namespace, str) or not namespace or is_cluster_scoped(resource):
        return
    errors = dns1123_label_errors(namespace)
    if errors:
        yield Problem(
            ("metadata", "namespace"),
            f'namespace "{namespace}" {DNS1123_LABEL.problem(namespace)}: a namespace name must be a DNS-1123 '
            f"label {quote(errors)}; {DNS1123_LABEL.hint(namespace)}",
        )


def reserved_namespace(resource: Resource, ctx: RuleContext) -> Iterator[Problem]:
    """A new Namespace whose name starts with ``kube-``, the prefix of system namespaces."""
    if resource.kind != "Namespace" or resource.group:
        return
    name = resource.metadata.get("name")
    if isinstance(name, str) and name.startswith("kube-") and name not in SYSTEM_NAMESPACES:
        yield Problem(
            ("metadata", "name"),
            f'Namespace "{name}" starts with "kube-", which is reserved for Kubernetes system namespaces '
            '(the docs: "Avoid creating namespaces with the prefix kube-, since it is reserved for Kubernetes '
            f'system namespaces."); {rename_hint(name[5:], max_length=DNS1123_LABEL_MAX_LENGTH)}',
        )
