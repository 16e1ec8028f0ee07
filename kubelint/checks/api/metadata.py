"""Labels and annotations, as ValidateLabels and ValidateAnnotations check them.

A label key is an optional DNS-subdomain prefix (253 characters) and '/',
then a name of 63 characters or less that starts and ends with a letter or
digit and has only letters, digits, '-', '_' and '.' between. A value follows
the name's rule, or is empty. Annotation keys follow the key rule with case
ignored, and all of an object's annotations together hold at most 256 KiB.

The server checks every metadata block it stores or creates: the object's,
its pod template's (the pods get those labels), a CronJob's Job template's
and a StatefulSet's claim templates'. Node selectors are label maps too.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any, Iterator

from kubelint.checks import Problem, RuleContext
from kubelint.checks.api import list_items, mapping_items, quote
from kubelint.kube import get_path, pod_spec, pod_template_path
from kubelint.model import FieldPath, Resource
from kubelint.validation import label_value_errors, qualified_name_errors

TOTAL_ANNOTATION_SIZE_LIMIT = 256 * 1024  # objectmeta.go TotalAnnotationSizeLimitB
RESERVED_PREFIXES = ("kubernetes.io/", "k8s.io/")

# Keys under the reserved prefixes that Kubernetes documents for users to set or read
# (https://kubernetes.io/docs/reference/labels-annotations-taints/).
WELL_KNOWN_KEYS = frozenset(
    {
        "kubernetes.io/arch",
        "kubernetes.io/os",
        "kubernetes.io/hostname",
        "kubernetes.io/metadata.name",
        "kubernetes.io/change-cause",
        "kubernetes.io/description",
        "kubernetes.io/enforce-mountable-secrets",
        "kubernetes.io/limit-ranger",
        "kubernetes.io/config.hash",
        "kubernetes.io/config.mirror",
        "kubernetes.io/config.source",
        "kubernetes.io/config.seen",
        "kubernetes.io/egress-bandwidth",
        "kubernetes.io/ingress-bandwidth",
        "kubernetes.io/ingress.class",
        "kubernetes.io/service-account.name",
        "kubernetes.io/service-account.uid",
        "kubernetes.io/legacy-token-last-used",
        "kubernetes.io/legacy-token-invalid-since",
        "kubernetes.io/psp",
        "kubernetes.io/service-name",
        "k8s.io/initial-events-end",
        "k8s.io/initial-events-list-blueprint",
        # set by Kubernetes-project components and add-ons, and documented by them
        "kubernetes.io/bootstrapping",  # RBAC default roles
        "kubernetes.io/cluster-service",  # addon manager
        "kubernetes.io/name",  # cluster add-on Services (kube-dns)
        "kubernetes.io/ingress.allow-http",  # ingress-gce
        "kubernetes.io/ingress.global-static-ip-name",  # ingress-gce
        "kubernetes.io/tls-acme",  # cert-manager ingress-shim
    }
)


def metadata_blocks(resource: Resource) -> Iterator[tuple[FieldPath, dict[str, Any]]]:
    """(path, metadata) of every metadata block of the object the server validates."""
    data = resource.data
    if isinstance(data.get("metadata"), dict):
        yield ("metadata",), data["metadata"]
    template = pod_template_path(resource)
    if template is not None:
        if resource.kind == "CronJob":
            job_metadata = get_path(data, ("spec", "jobTemplate", "metadata"))
            if isinstance(job_metadata, dict):
                yield ("spec", "jobTemplate", "metadata"), job_metadata
        template_metadata = get_path(data, template + ("metadata",))
        if isinstance(template_metadata, dict):
            yield template + ("metadata",), template_metadata
    if resource.kind == "StatefulSet":
        claims = get_path(data, ("spec", "volumeClaimTemplates"))
        for _, claim, path in list_items(claims, ("spec", "volumeClaimTemplates")):
            if isinstance(claim.get("metadata"), dict):
                yield path + ("metadata",), claim["metadata"]


@lru_cache(maxsize=1)
def _maps(resource: Resource) -> tuple[tuple[tuple[FieldPath, Any], ...], tuple[tuple[FieldPath, Any], ...]]:
    """(label maps, annotation maps) of one object, walked once for the five metadata rules."""
    labels, annotations = [], []
    for path, metadata in metadata_blocks(resource):
        if "labels" in metadata:
            labels.append((path + ("labels",), metadata["labels"]))
        if "annotations" in metadata:
            annotations.append((path + ("annotations",), metadata["annotations"]))
    found = pod_spec(resource)
    if found is not None and "nodeSelector" in found[1]:
        labels.append((found[0] + ("nodeSelector",), found[1]["nodeSelector"]))
    return tuple(labels), tuple(annotations)


def label_maps(resource: Resource) -> tuple[tuple[FieldPath, Any], ...]:
    """(path, map) of every label map: metadata labels and the pod's nodeSelector."""
    return _maps(resource)[0]


def annotation_maps(resource: Resource) -> tuple[tuple[FieldPath, Any], ...]:
    """(path, map) of every annotation map."""
    return _maps(resource)[1]


def label_key_problem(
    key: str, path: FieldPath, what: str = "label key", *, ignore_case: bool = False
) -> Problem | None:
    """A Problem at ``key`` when it is not a qualified name (shared with selectors)."""
    errors = qualified_name_errors(key.lower() if ignore_case else key)
    if not errors:
        return None
    return Problem(
        path,
        f'{what} "{key}" is invalid {quote(errors)}: a key is an optional DNS-subdomain prefix and "/", then a '
        "name of at most 63 characters that starts and ends with a letter or digit, with only letters, digits, "
        "'-', '_' and '.' between (e.g. \"app.kubernetes.io/name\"); rename it",
        key=True,
    )


def label_value_problem(value: str, path: FieldPath, key: str) -> Problem | None:
    """A Problem at the value when it is not a label value (shared with selectors)."""
    errors = label_value_errors(value)
    if not errors:
        return None
    return Problem(
        path,
        f'label "{key}" has the value "{value}" {quote(errors)}: a label value is empty or at most 63 letters, '
        "digits, '-', '_' and '.', starting and ending with a letter or digit; change the value, or keep "
        "free-form text in an annotation",
    )


def label_key(resource: Resource, ctx: RuleContext) -> Iterator[Problem]:
    """Every label key (and nodeSelector key) is a qualified name."""
    for path, labels in label_maps(resource):
        for key, _, key_path in mapping_items(labels, path):
            problem = label_key_problem(key, key_path)
            if problem is not None:
                yield problem


def label_value(resource: Resource, ctx: RuleContext) -> Iterator[Problem]:
    """Every label value is empty or a short name-like string (type errors are the schema's)."""
    for path, labels in label_maps(resource):
        for key, value, value_path in mapping_items(labels, path):
            if isinstance(value, str):
                problem = label_value_problem(value, value_path, key)
                if problem is not None:
                    yield problem


def annotation_key(resource: Resource, ctx: RuleContext) -> Iterator[Problem]:
    """Every annotation key is a qualified name, case ignored."""
    for path, entries in annotation_maps(resource):
        for key, _, key_path in mapping_items(entries, path):
            problem = label_key_problem(key, key_path, what="annotation key", ignore_case=True)
            if problem is not None:
                yield problem


def annotation_size(resource: Resource, ctx: RuleContext) -> Iterator[Problem]:
    """The annotations of one metadata block hold 256 KiB at most, keys and values counted."""
    for path, entries in annotation_maps(resource):
        if not isinstance(entries, dict):
            continue
        total = sum(
            len(key.encode()) + len(value.encode())
            for key, value in entries.items()
            if isinstance(key, str) and isinstance(value, str)
        )
        if total > TOTAL_ANNOTATION_SIZE_LIMIT:
            yield Problem(
                path,
                f"the annotations hold {total} bytes, more than the {TOTAL_ANNOTATION_SIZE_LIMIT} bytes (256 KiB) "
                f'allowed (the API server: "Too long: may not be more than {TOTAL_ANNOTATION_SIZE_LIMIT} bytes"); '
                "move large data to a ConfigMap (a `kubectl apply` last-applied-configuration annotation of a big "
                "object is a common cause: use `kubectl apply --server-side`)",
                key=True,
            )


def reserved_label_prefix(resource: Resource, ctx: RuleContext) -> Iterator[Problem]:
    """Label and annotation keys under kubernetes.io/ or k8s.io/ that Kubernetes does not define."""
    for path, entries in label_maps(resource) + annotation_maps(resource):
        what = "annotation" if path[-1] == "annotations" else "label"
        for key, _, key_path in mapping_items(entries, path):
            if key.startswith(RESERVED_PREFIXES) and key not in WELL_KNOWN_KEYS:
                prefix = key.split("/", 1)[0]
                yield Problem(
                    key_path,
                    f'{what} key "{key}" uses the prefix "{prefix}/", which is reserved for Kubernetes core '
                    "components, and is not one of the keys Kubernetes documents; use a prefix of your own, "
                    f'e.g. "example.com/{key.split("/", 1)[1]}"',
                    key=True,
                )
