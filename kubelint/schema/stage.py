"""The schema stage of a run: would the API server of the chosen version accept each object?

For each object, in this order, the first source that knows its apiVersion
and kind gives its schema: a CustomResourceDefinition among the inputs, a
``--schema-dir``, the bundled schemas of the Kubernetes version. Then:

* built-in kinds get ``deprecated-api`` when the version (or the
  ``--target-version``) deprecates them, and ``removed-api`` when the target
  no longer serves them;
* an apiVersion and kind nobody serves is ``removed-api`` when the
  deprecation table knows it was removed, else ``unknown-kind`` with what
  comes closest (a typo, another version, a missing CRD);
* the object is validated (``schema``, ``unknown-field`` in strict mode) and,
  for custom resources, its CEL rules run (``cel-validation``); a CRD whose
  schema cannot be used gets ``crd-schema``.

Only active rules report: with ``unknown-field`` off (``--no-strict``) the
validators are compiled without strictness, with ``cel-validation`` off no
CEL runs.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Iterator, Sequence

from kubelint.engine import internal_error
from kubelint.model import FieldPath, Finding, Resource, Severity, format_path
from kubelint.schema import deprecations
from kubelint.schema.bundle import bundled_versions, load_bundle, normalize_version
from kubelint.schema.cel import CelUnavailable
from kubelint.schema.crds import CRD_KIND, CustomKinds, CustomVersion, duplicate_keys, is_crd, server_side_copy
from kubelint.schema.messages import translate
from kubelint.schema.schemadir import SchemaDirectories
from kubelint.schema.validators import Compiled, SchemaError, builtin_validator
from kubelint.suggest import did_you_mean

if TYPE_CHECKING:  # pragma: no cover - typing only
    from kubelint.engine import ActiveRule
    from kubelint.pipeline import Options

SHAPE_RULE = "object-shape"

SCHEMA, UNKNOWN_FIELD, UNKNOWN_KIND = "schema", "unknown-field", "unknown-kind"
REMOVED_API, DEPRECATED_API = "removed-api", "deprecated-api"
CRD_SCHEMA, CEL_VALIDATION = "crd-schema", "cel-validation"
RULES = frozenset({SCHEMA, UNKNOWN_FIELD, UNKNOWN_KIND, REMOVED_API, DEPRECATED_API, CRD_SCHEMA, CEL_VALIDATION})
"""The rules whose findings this stage makes (``check: {builtin: schema}``)."""


@dataclass(frozen=True)
class SchemaSettings:
    """What the schema stage is told (from the command line and the configuration)."""

    kubernetes_version: str
    """A bundled ``major.minor`` (see :func:`kubelint.schema.resolve_version`)."""
    target_version: str | None = None
    """``major.minor`` to check an upgrade against (any version; bundled or not)."""
    strict: bool = True
    ignore_missing_schemas: bool = False
    skip_kinds: frozenset[str] = frozenset()
    """``Kind``, ``group/version/Kind`` or ``version/Kind`` (core group)."""
    schema_dirs: tuple[str, ...] = ()


def _skipped(resource: Resource, skip_kinds: frozenset[str]) -> bool:
    return bool(skip_kinds) and (resource.kind in skip_kinds or f"{resource.api_version}/{resource.kind}" in skip_kinds)


class SchemaStage:
    """Validates the objects of one run against their schemas."""

    def __init__(self, settings: SchemaSettings, severities: dict[str, Severity]) -> None:
        self.settings = settings
        self.severities = {rule: level for rule, level in severities.items() if rule in RULES}
        self.bundle = load_bundle(settings.kubernetes_version)
        self.strict = settings.strict and UNKNOWN_FIELD in self.severities
        self.builtin_groups = {api_version.rpartition("/")[0] for api_version in self.bundle.kinds}
        self.directories = SchemaDirectories(list(settings.schema_dirs))
        self.custom = CustomKinds()
        self.reported: set[int] = set()
        """CRD problems already reported (each once, however many resources meet it)."""

    def run(self, resources: list[Resource], *, files_checked: bool = False) -> list[Finding]:
        """Register every CRD of the run first (a CRD may come after its resources), then check each object.

        With ``files_checked``, :meth:`run_file` has checked each file already: only the
        objects that need the run's CRDs are left, and those whose kind a CRD redefines.
        """
        findings: list[Finding] = list(self.directories.findings)
        for crd in [r for r in resources if is_crd(r)] + self.directories.crds:
            findings.extend(self._contained(crd, self._register(crd)))
        if files_checked:
            resources = [r for r in resources if not self.knows(r)] + self.redefined(resources)
        return findings + self._check_each(resources)

    def run_file(self, resources: list[Resource]) -> list[Finding]:
        """The objects of one file whose schema this stage :meth:`knows`: validated file by
        file (:mod:`kubelint.perfile`), in worker processes or read back from the cache."""
        return self._check_each([r for r in resources if self.knows(r)])

    def knows(self, resource: Resource) -> bool:
        """Whether the object's schema comes from a ``--schema-dir`` file or the bundle,
        whatever the CRDs of the run (unless one redefines its kind: :meth:`redefined`)."""
        api_version, kind = resource.api_version or "", resource.kind or ""
        builtin_group = api_version.rpartition("/")[0] in self.builtin_groups
        found = self.directories.find(api_version, kind, builtin_group)
        return found is not None or self.bundle.definition_of(api_version, kind) is not None

    def redefined(self, resources: list[Resource]) -> list[Resource]:
        """Objects :meth:`run_file` checked whose kind a CRD of the run turns out to define:
        the CRD's schema wins. Known once :meth:`run` has registered the CRDs."""
        return [
            r for r in resources
            if self.knows(r) and self.custom.versions((r.api_version or "").rpartition("/")[0], r.kind or "") is not None
        ]

    def _check_each(self, resources: list[Resource]) -> list[Finding]:
        findings: list[Finding] = []
        for resource in resources:
            if not _skipped(resource, self.settings.skip_kinds):
                findings.extend(self._contained(resource, self._check(resource)))
        return findings

    @staticmethod
    def _contained(resource: Resource, found: Iterator[Finding]) -> list[Finding]:
        """The findings, or the internal-error finding of a check that raised (the run goes on)."""
        try:
            return list(found)
        except Exception as error:  # noqa: BLE001 - contained, reported
            return [internal_error(SCHEMA, resource, error)]

    def _register(self, crd: Resource) -> Iterator[Finding]:
        for problem in self.custom.add(crd):
            yield from self._finding(crd, CRD_SCHEMA, problem.message, problem.path, key=problem.key)

    def _finding(self, resource: Resource, rule: str, message: str, path: FieldPath = (), *, key: bool = False,
                 severity: Severity | None = None) -> list[Finding]:
        """The finding of an active rule (none for an inactive one)."""
        level = self.severities.get(rule)
        if level is None:
            return []
        return [resource.finding(rule, severity or level, message, path, key=key)]

    def _issues(self, resource: Resource, compiled: Compiled, data: object) -> Iterator[Finding]:
        for error in compiled.errors(data):
            for issue in translate(resource, compiled.schema, error):
                problem = issue.problem
                yield from self._finding(resource, issue.rule, problem.message, problem.path, key=problem.key)

    def _check(self, resource: Resource) -> Iterator[Finding]:
        api_version, kind = resource.api_version or "", resource.kind or ""
        group, _, version = api_version.rpartition("/")
        custom = self.custom.versions(group, kind)
        if custom is not None:
            yield from self._check_custom(resource, custom, version)
            return
        schema_file = self.directories.find(api_version, kind, group in self.builtin_groups)
        if schema_file is not None:
            try:
                compiled = schema_file.compiled(self.strict)
            except SchemaError as error:
                yield from self._finding(resource, CRD_SCHEMA, str(error), ("apiVersion",))
                return
            yield from self._issues(resource, compiled, resource.data)
            return
        compiled = builtin_validator(self.bundle, api_version, kind, self.strict)
        if compiled is not None:
            yield from self._lifecycle(resource, api_version, kind)
            if SCHEMA in self.severities or UNKNOWN_FIELD in self.severities:
                yield from self._issues(resource, compiled, resource.data)
            return
        yield from self._not_served(resource, api_version, kind, group)

    def _lifecycle(self, resource: Resource, api_version: str, kind: str) -> Iterator[Finding]:
        """Deprecation warnings, and what the ``--target-version`` no longer serves."""
        version, target = self.settings.kubernetes_version, self.settings.target_version
        entry = deprecations.lifecycle(api_version, kind)
        if target is not None and entry is not None and entry.removed_by(target):
            message = deprecations.upgrade_message(entry, api_version, kind, version, target)
            yield from self._finding(resource, REMOVED_API, message, ("apiVersion",))
        elif target is not None and target in bundled_versions() and not load_bundle(target).definition_of(api_version, kind):
            message = f"{api_version} {kind} is served by Kubernetes {version} but not by the target version {target}"
            yield from self._finding(resource, REMOVED_API, message, ("apiVersion",))
        elif entry is not None and entry.deprecated_by(target or version):
            message = deprecations.deprecated_message(entry, api_version, kind, target or version)
            yield from self._finding(resource, DEPRECATED_API, message, ("apiVersion",))

    def _not_served(self, resource: Resource, api_version: str, kind: str, group: str) -> Iterator[Finding]:
        version = self.settings.kubernetes_version
        entry = deprecations.lifecycle(api_version, kind)
        if entry is not None and entry.removed_by(version):
            message = deprecations.removed_message(entry, api_version, kind, version)
            yield from self._finding(resource, REMOVED_API, message, ("apiVersion",))
            return
        served_as = self.bundle.api_versions_of(kind)
        near = did_you_mean(api_version, served_as)
        if group in self.builtin_groups or near:
            path, message = self._builtin_miss(api_version, kind, served_as, near)
            yield from self._finding(resource, UNKNOWN_KIND, message, path)
            return
        custom_kinds = self.custom.kinds_of(group)
        if custom_kinds:
            message = f'no CustomResourceDefinition defines kind "{kind}" in {group}{did_you_mean(kind, custom_kinds)}'
            yield from self._finding(resource, UNKNOWN_KIND, message, ("kind",))
            return
        severity = Severity.INFO if self.settings.ignore_missing_schemas else None
        where = " or in a --schema-dir" if self.settings.schema_dirs else ""
        message = (
            f"no schema for {api_version} {kind}: it is not a built-in kind of Kubernetes {version}, and no "
            f"CustomResourceDefinition among the inputs{where} defines it; add its CRD to the inputs, pass "
            "--schema-dir with its schema, or --ignore-missing-schemas"
        )
        yield from self._finding(resource, UNKNOWN_KIND, message, ("apiVersion",), severity=severity)

    def _builtin_miss(self, api_version: str, kind: str, served_as: list[str], near: str) -> tuple[FieldPath, str]:
        """Where and what to say about a built-in API group that does not serve this apiVersion and kind."""
        version = self.settings.kubernetes_version
        if near:
            return ("apiVersion",), f"{api_version} is not an API version of Kubernetes {version}{near}"
        if served_as:
            return ("apiVersion",), f"Kubernetes {version} serves {kind} as {' and '.join(served_as)}, not as {api_version}"
        gone = deprecations.removed_kind(kind, version)
        if gone is not None:
            removal = deprecations.removed_message(gone, gone.api_version, kind, version)
            return ("kind",), f'{api_version} has no kind "{kind}" in Kubernetes {version}: {removal}'
        kinds = self.bundle.kinds.get(api_version)
        if kinds is None:
            group = api_version.rpartition("/")[0]
            versions = sorted(v for v in self.bundle.kinds if v.rpartition("/")[0] == group)
            return ("apiVersion",), f"Kubernetes {version} does not serve {api_version}; it serves {', '.join(versions)}"
        return ("kind",), f'{api_version} has no kind "{kind}" in Kubernetes {version}{did_you_mean(kind, kinds)}'

    def _check_custom(self, resource: Resource, versions: dict[str, CustomVersion], version: str) -> Iterator[Finding]:
        entry = versions.get(version)
        if entry is None or not entry.served:
            crd = next(iter(versions.values()), None)
            where = crd.where() if crd is not None else CRD_KIND
            served = sorted(name for name, v in versions.items() if v.served)
            state = f"sets served: false for {version}" if entry is not None else f"has no version {version}"
            message = (
                f"{resource.api_version} {resource.kind} is not served: its {where} {state}; "
                f"it serves {', '.join(served) or 'no version'}"
            )
            yield from self._finding(resource, UNKNOWN_KIND, message, ("apiVersion",))
            return
        try:
            compiled = entry.compiled(self.bundle, self.strict)
        except SchemaError as error:
            yield from self._crd_problem(entry, f"the schema of {entry.api_version} {entry.kind} cannot be used: {error}")
            return
        data = server_side_copy(resource.data, entry.schema)
        yield from self._issues(resource, compiled, data)
        for problem in duplicate_keys(entry.keyed_lists, data):
            yield from self._finding(resource, SCHEMA, problem.message, problem.path)
        if CEL_VALIDATION in self.severities and entry.cel.rules:
            yield from self._cel(resource, entry, data)

    def _crd_problem(self, entry: CustomVersion, message: str, path: FieldPath = ()) -> list[Finding]:
        """A problem of a CRD's schema, reported once however many resources use it."""
        key = hash((id(entry), path))
        if key in self.reported:
            return []
        self.reported.add(key)
        return self._finding(entry.crd, CRD_SCHEMA, message, entry.schema_path + path)

    def _cel(self, resource: Resource, entry: CustomVersion, data: object) -> Iterator[Finding]:
        try:
            if id(entry.cel) not in self.reported:
                self.reported.add(id(entry.cel))
                for path, message in entry.cel.compile_errors():
                    yield from self._crd_problem(entry, f"{format_path(entry.schema_path + path)}: {message}", path)
            failures = list(entry.cel.failures(data))
        except CelUnavailable as error:
            if id(entry) not in self.reported:
                self.reported.add(id(entry))
                message = f"the CEL rules of {entry.api_version} {entry.kind} were not evaluated: {error}"
                yield from self._finding(entry.crd, CEL_VALIDATION, message, entry.schema_path, severity=Severity.INFO)
            return
        for failure in failures:
            prefix = f"{format_path(failure.path)}: " if failure.path else ""
            yield from self._finding(resource, CEL_VALIDATION, prefix + failure.message, failure.path)


def schema_stage(active: Sequence[ActiveRule], options: Options, version: str) -> SchemaStage | None:
    """The schema stage of a run, or None when none of its rules runs."""
    severities = {a.rule.id: a.severity for a in active if a.rule.id in RULES}
    if not severities:
        return None
    settings = SchemaSettings(
        kubernetes_version=version,
        target_version=normalize_version(options.target_version) if options.target_version else None,
        strict=options.strict,
        ignore_missing_schemas=options.ignore_missing_schemas,
        skip_kinds=frozenset(options.skip_kinds),
        schema_dirs=tuple(options.schema_dirs),
    )
    return SchemaStage(settings, severities)


def without_shape_positions(found: Sequence[Finding], findings: Sequence[Finding]) -> list[Finding]:
    """``found`` less what sits where object-shape already reported in ``findings`` (a
    ``name:`` that lost its indentation) : one mistake, one finding."""
    shaped = {(f.file, f.line, f.column) for f in findings if f.rule == SHAPE_RULE}
    return [f for f in found if (f.file, f.line, f.column) not in shaped]


def schema_findings(resources: Sequence[Resource], findings: Sequence[Finding], active: Sequence[ActiveRule],
                    options: Options, version: str, stage: SchemaStage | None = None) -> list[Finding]:
    """``findings`` with the schema stage's, over every well-formed object (a CRD in one
    file gives the schema of resources in another).

    ``stage`` is the stage that checked each file already (:meth:`SchemaStage.run_file`,
    :mod:`kubelint.perfile`): only what needs the run's CRDs is checked here, and the
    per-file findings of objects whose kind a CRD redefines are replaced.
    """
    from kubelint.checks.shape import is_well_formed

    files_checked = stage is not None
    stage = stage or schema_stage(active, options, version)
    if stage is None:
        return list(findings)
    well_formed = [r for r in resources if is_well_formed(r)]
    found = stage.run(well_formed, files_checked=files_checked)
    replaced = {(r.file, r.ref) for r in stage.redefined(well_formed)} if files_checked else set()
    kept = [f for f in findings if f.rule not in RULES or (f.file, f.resource) not in replaced]
    return kept + without_shape_positions(found, findings)
