"""Suppression: findings a person has decided to accept, each with the reason why.

Applied after every stage, so YAML, schema, API-server and best-practice
findings are suppressed alike. A rule is named by its id, its category, or
``all``. The channels:

* a comment in the manifest, ``# kubelint: ignore[rule-a,rule-b] reason``:
  at the end of the offending line it covers that line; alone on its line it
  covers the next line that is not blank or a comment. ``# kubelint:
  ignore-file[rule-a] reason`` anywhere in a file covers the whole file.
* the annotation ``kubelint.io/ignore: "rule-a,rule-b # reason"`` (or
  ``all``). In an object's own ``metadata`` it covers every finding about
  the object. In a pod template's ``metadata`` (a Deployment's
  ``spec.template``) it covers only the findings inside that template
  (containers, volumes, the pod's settings), never the workload's own
  fields such as ``replicas``: pod-template annotations are copied to every
  pod, and kubelint reads them as the pods' own.
* ``suppressions:`` entries of the configuration: rules plus patterns on the
  object (kind, namespace, name), container names and file paths, and a
  required reason; and ``ignore-paths:`` (rule -> path globs).

A suppressed finding stays in the report with ``suppressed`` set to the
reason (JSON lists it apart) and does not count for the exit code. A
comment, annotation or configuration entry that suppresses nothing is
reported as ``unused-suppression`` at its own line, so stale suppressions do
not pile up. Only what this run could have matched is judged: rules that
ran, and configuration entries only when the run read the configuration's
whole directory (a pre-commit run on one file says nothing about entries
meant for other files).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from functools import partial
from typing import TYPE_CHECKING, Callable, Iterable, Sequence

from kubelint.model import FieldPath, Finding, ObjectRef, Resource, format_path

if TYPE_CHECKING:  # pragma: no cover - typing only
    from kubelint.engine import ActiveRule
    from kubelint.pipeline import Options
    from kubelint.rulebook import Rule

ANNOTATION = "kubelint.io/ignore"
UNUSED_RULE = "unused-suppression"
ALL = "all"
"""Names every rule, in comments, annotations and configuration entries."""

_DIRECTIVE = re.compile(r"(?:^|(?<=[ \t]))#[ \t]*kubelint:[ \t]*(?P<body>[^\r\n]*)", re.M)
_BODY = re.compile(r"(?P<verb>ignore-file|ignore)\[(?P<rules>[^\]]*)\](?P<reason>.*)")
_REASON_LEAD = re.compile(r"^[\s:#—–-]+")


@dataclass(frozen=True, slots=True)
class ConfigSuppression:
    """One ``suppressions:`` entry, or one rule of ``ignore-paths:``, as the configuration gives it."""

    rules: tuple[str, ...]
    reason: str
    file: str
    """The configuration file, as messages show it."""
    positions: tuple[tuple[int, int], ...]
    """Line and column of each of ``rules`` in the file, for unused-suppression."""
    kind: str | None = None
    namespace: str | None = None
    name: str | None = None
    containers: tuple[str, ...] = ()
    paths: tuple[str, ...] = ()
    """Globs over findings' file paths, already anchored at the configuration's directory."""
    report_unused: bool = True
    """``ignore-paths`` are settings like ``ignore``, not exceptions: never reported unused."""

    @property
    def object_patterns(self) -> bool:
        return self.kind is not None or self.namespace is not None or self.name is not None


@dataclass(slots=True, eq=False)
class _Source:
    """One comment, annotation or configuration entry, for messages."""

    channel: str
    """comment, file-comment, annotation, template-annotation or config."""
    shown: str
    selectors: int
    target_line: int | None = None
    """The line a comment covers (None: nothing follows it)."""
    resource: Resource | None = None
    scope: str = ""
    """For a pod template's annotation: the template's path (``spec.template``)."""


@dataclass(slots=True, eq=False)
class _Claim:
    """One rule named by one suppression: why, where it is written, and whether it was needed."""

    selector: str
    reason: str
    source: _Source
    file: str
    line: int
    column: int
    field: FieldPath = ()
    used: bool = False
    outside_scope: bool = False
    """A template annotation's rule fired on the workload outside the template."""


def _covers(selector: str, rule: str, category: str | None) -> bool:
    return selector == ALL or selector == rule or selector == category


def _inside(path: str | None, scope: str) -> bool:
    """Whether the field path ``path`` lies at or under ``scope``."""
    if path is None or not path.startswith(scope):
        return False
    rest = path[len(scope) :]
    return not rest or rest[0] in ".["


def _reason(text: str, fallback: str) -> str:
    reason = _REASON_LEAD.sub("", text).strip()
    return reason or f"no reason given ({fallback})"


def _next_content_line(text: str, offset: int, line: int) -> int | None:
    """The number of the first line after ``offset``'s line that is not blank or a comment."""
    end = text.find("\n", offset)
    while end != -1:
        line += 1
        start, end = end + 1, text.find("\n", end + 1)
        content = text[start : end if end != -1 else len(text)].strip()
        if content and not content.startswith("#"):
            return line
    return None


@dataclass(slots=True)
class _Suppressions:
    """Every suppression of one run, indexed for matching findings."""

    catalog: dict[str, Rule]
    categories: frozenset[str]
    active_ids: frozenset[str]
    active_categories: frozenset[str]
    all_judged: bool
    default_namespace: str
    """Where objects without metadata.namespace land (``--default-namespace``), for namespace patterns."""
    unused: ActiveRule | None
    by_line: dict[tuple[str, int], list[_Claim]] = field(default_factory=dict)
    by_file: dict[str, list[_Claim]] = field(default_factory=dict)
    by_object: dict[tuple[str, ObjectRef], list[_Claim]] = field(default_factory=dict)
    config: list[tuple[ConfigSuppression, list[_Claim]]] = field(default_factory=list)
    problems: list[Finding] = field(default_factory=list)
    resources: Sequence[Resource] = ()
    _by_ref: dict[tuple[str, ObjectRef], Resource] | None = None

    # --- what a selector means in this run

    def judged(self, selector: str) -> bool:
        """Whether this run could have used a suppression of ``selector``: its rules ran."""
        if selector == ALL:
            return self.all_judged
        return selector in self.active_ids or selector in self.active_categories

    def problem(
        self, message: str, file: str, line: int, column: int, resource: Resource | None = None, path: FieldPath = ()
    ) -> None:
        """An unused-suppression finding (when that rule runs), at a comment or an annotation."""
        if self.unused is None:
            return
        if resource is not None:
            self.problems.append(resource.finding(UNUSED_RULE, self.unused.severity, message, path))
        else:
            self.problems.append(Finding(UNUSED_RULE, self.unused.severity, message, file, line, column))

    def known_selectors(self, selectors: list[str], shown: str, report: Callable[[str], None]) -> list[str]:
        """The selectors that name a rule, a category or all; ``report`` is told of the others."""
        from kubelint.suggest import did_you_mean

        known = []
        for selector in selectors:
            if selector == ALL or selector in self.catalog or selector in self.categories:
                known.append(selector)
            else:
                names = [*self.catalog, *self.categories, ALL]
                report(f'{shown} names an unknown rule "{selector}"{did_you_mean(selector, names)}')
        return known

    # --- reading the suppressions

    def read_comments(self, file: str, text: str) -> None:
        """Directives of one file, in one regex pass (only files that mention ``kubelint:``)."""
        line, counted = 1, 0
        for match in _DIRECTIVE.finditer(text):
            line += text.count("\n", counted, match.start())
            counted = match.start()
            line_start = text.rfind("\n", 0, match.start()) + 1
            column = match.start() - line_start + 1
            body = match.group("body").strip()
            parsed = _BODY.fullmatch(body)
            selectors = [s.strip() for s in parsed.group("rules").split(",") if s.strip()] if parsed else []
            if parsed is None or not selectors:
                self.problem(
                    f'"# kubelint: {body}" is not a kubelint directive: write "# kubelint: ignore[rule-id] reason" '
                    'or "# kubelint: ignore-file[rule-id] reason"',
                    file,
                    line,
                    column,
                )
                continue
            verb = parsed.group("verb")
            shown = f"# kubelint: {verb}[{parsed.group('rules').strip()}]"
            reason = _reason(parsed.group("reason"), f"comment on line {line}")
            if verb == "ignore-file":
                source = _Source("file-comment", shown, len(selectors))
                claims = self.by_file.setdefault(file, [])
            else:
                alone = not text[line_start : match.start()].strip()
                target = _next_content_line(text, match.start(), line) if alone else line
                source = _Source("comment", shown, len(selectors), target_line=target)
                claims = self.by_line.setdefault((file, target), []) if target is not None else []
            report = partial(self.problem, file=file, line=line, column=column)
            for selector in self.known_selectors(selectors, f'"{shown}"', report):
                claims.append(_Claim(selector, reason, source, file, line, column))

    def read_annotations(self, resource: Resource) -> None:
        """``kubelint.io/ignore`` of the object and of its pod template."""
        from kubelint.kube import get_path, pod_template_path

        self._read_annotation(resource, ("metadata",), "")
        spec = resource.data.get("spec")
        if isinstance(spec, dict) and (
            "template" in spec or "jobTemplate" in spec
        ):  # cheap test first: every object passes here
            template = pod_template_path(resource)
            if template is not None and isinstance(get_path(resource.data, template), dict):
                self._read_annotation(resource, template + ("metadata",), format_path(template))

    def _read_annotation(self, resource: Resource, metadata_path: FieldPath, scope: str) -> None:
        """The annotation in the metadata at ``metadata_path``; ``scope``: the pod template it covers, if any."""
        from kubelint.kube import get_path

        annotations = get_path(resource.data, metadata_path + ("annotations",))
        if not isinstance(annotations, dict) or ANNOTATION not in annotations:
            return
        path = metadata_path + ("annotations", ANNOTATION)
        value = annotations[ANNOTATION]
        rules_text, _, reason_text = value.partition("#") if isinstance(value, str) else ("", "", "")
        selectors = [s.strip() for s in rules_text.split(",") if s.strip()]
        line, column = resource.locate(path)
        report = partial(self.problem, file=resource.file, line=line, column=column, resource=resource, path=path)
        if not selectors:
            report(f'{ANNOTATION} names no rule: write "rule-a,rule-b # reason" or "all # reason"')
            return
        source = _Source(
            "template-annotation" if scope else "annotation", ANNOTATION, len(selectors), resource=resource, scope=scope
        )
        reason = _reason(reason_text, f"{ANNOTATION} annotation")
        claims = self.by_object.setdefault((resource.file, resource.ref), [])
        for selector in self.known_selectors(selectors, ANNOTATION, report):
            claims.append(_Claim(selector, reason, source, resource.file, line, column, path))

    def add_config(self, entry: ConfigSuppression) -> None:
        source = _Source("config", "suppression", len(entry.rules))
        claims = [
            _Claim(selector, entry.reason, source, entry.file, line, column)
            for selector, (line, column) in zip(entry.rules, entry.positions, strict=True)
        ]
        self.config.append((entry, claims))

    # --- matching findings

    def _resource(self, finding: Finding) -> Resource | None:
        """The object a finding is about (indexed on first need: only configuration entries
        with object or container patterns ask)."""
        if finding.resource is None:
            return None
        if self._by_ref is None:
            self._by_ref = {}
            for resource in self.resources:
                self._by_ref.setdefault((resource.file, resource.ref), resource)
        return self._by_ref.get((finding.file, finding.resource))

    def _entry_matches(self, entry: ConfigSuppression, finding: Finding) -> bool:
        from kubelint.loader.discover import is_excluded

        if entry.paths and not is_excluded(finding.file, list(entry.paths)):
            return False
        if entry.object_patterns or entry.containers:
            resource = self._resource(finding)
            if resource is None:
                return False
            if entry.object_patterns and not _object_matches(entry, resource, self.default_namespace):
                return False
            if entry.containers:
                name = _container_at(resource, finding.path)
                return name is not None and any(fnmatchcase(name, pattern) for pattern in entry.containers)
        return True

    def _candidates(self, finding: Finding, category: str | None) -> Iterable[_Claim]:
        """Claims that may cover ``finding``, the most specific first (its reason is shown)."""
        yield from self.by_line.get((finding.file, finding.line), ())
        yield from self.by_file.get(finding.file, ())
        if finding.resource is not None:
            for claim in self.by_object.get((finding.file, finding.resource), ()):
                scope = claim.source.scope
                if not scope or _inside(finding.path, scope):
                    yield claim
                elif _covers(claim.selector, finding.rule, category):
                    claim.outside_scope = True
        for entry, claims in self.config:
            if any(_covers(claim.selector, finding.rule, category) for claim in claims) and self._entry_matches(
                entry, finding
            ):
                yield from claims

    def apply(self, findings: Sequence[Finding]) -> None:
        for finding in findings:
            if finding.suppressed is not None:
                continue
            rule = self.catalog.get(finding.rule)
            category = rule.category if rule is not None else None
            for claim in self._candidates(finding, category):
                if _covers(claim.selector, finding.rule, category):
                    claim.used = True
                    if finding.suppressed is None:
                        finding.suppressed = claim.reason

    # --- what suppressed nothing

    def unused_findings(self, config_judged: bool) -> list[Finding]:
        if self.unused is None:
            return []
        claims = [c for group in (self.by_line, self.by_file, self.by_object) for cs in group.values() for c in cs]
        if config_judged:
            claims += [c for entry, cs in self.config if entry.report_unused for c in cs]
        for claim in claims:
            if not claim.used and self.judged(claim.selector):
                self.problem(
                    _unused_message(claim), claim.file, claim.line, claim.column, claim.source.resource, claim.field
                )
        return self.problems


def _object_matches(entry: ConfigSuppression, resource: Resource, default_namespace: str) -> bool:
    from kubelint.kube import namespace_of

    namespace = namespace_of(resource, default_namespace)
    checks = ((entry.kind, resource.kind), (entry.namespace, namespace), (entry.name, resource.name))
    return all(pattern is None or fnmatchcase(value or "", pattern) for pattern, value in checks)


def _container_at(resource: Resource, path: str | None) -> str | None:
    """Name of the container whose fields ``path`` points into, if any."""
    from kubelint.kube import all_containers

    if path is None:
        return None
    for container_path, container, _ in all_containers(resource):
        name = container.get("name")
        if isinstance(name, str) and _inside(path, format_path(container_path)):
            return name
    return None


def _unused_message(claim: _Claim) -> str:
    source, selector = claim.source, claim.selector
    what = "finding" if selector == ALL else f"{selector} finding"
    remove = f"remove {selector} from it" if source.selectors > 1 else "remove it"
    if source.channel == "comment":
        if source.target_line == claim.line:
            where = "on this line"
        elif source.target_line is not None:
            where = f"on line {source.target_line}, the line below it"
        else:
            where = "below it (nothing follows)"
        return f'"{source.shown}" suppresses nothing: no {what} {where}; {remove}'
    if source.channel == "file-comment":
        return f'"{source.shown}" suppresses nothing: no {what} in this file; {remove}'
    if source.channel in ("annotation", "template-annotation"):
        assert source.resource is not None
        scope = f" inside its pod template ({source.scope})" if source.scope else ""
        message = f"{ANNOTATION} names {selector}, but {source.resource.ref} has no {what}{scope}; {remove}"
        if claim.outside_scope:
            message += (
                f"; the {selector} finding is about the {source.resource.kind} itself, outside the pod template: "
                "move the annotation to the object's own metadata"
            )
        return message
    return (
        f"this suppression of {selector} matched no finding in a run over the whole project; "
        f"{remove} or correct its patterns"
    )


def _covers_directory(paths: Sequence[str], directory: str) -> bool:
    """Whether the run read all of ``directory``: a path given is that directory or above it."""
    for path in paths:
        if path == "-":
            continue
        given = os.path.abspath(path)
        if os.path.isdir(given) and os.path.commonpath([given, directory]) == given:
            return True
    return False


def apply_suppressions(
    findings: Sequence[Finding],
    resources: Sequence[Resource],
    texts: dict[str, str],
    active: Sequence[ActiveRule],
    options: Options,
    paths: Sequence[str],
) -> list[Finding]:
    """Mark the suppressed ``findings`` (``Finding.suppressed`` = the reason);
    return the unused-suppression findings."""
    from kubelint.rulebook import load_rules

    unused = next((a for a in active if a.rule.id == UNUSED_RULE), None)
    catalog = load_rules(options.rules_dirs)
    suppressions = _Suppressions(
        catalog=catalog,
        categories=frozenset(rule.category for rule in catalog.values()),
        active_ids=frozenset(a.rule.id for a in active),
        active_categories=frozenset(a.rule.category for a in active),
        all_judged=options.categories is None,
        default_namespace=options.default_namespace,
        unused=unused,
        resources=resources,
    )
    for file, text in texts.items():
        if "kubelint:" in text:
            suppressions.read_comments(file, text)
    for resource in resources:
        suppressions.read_annotations(resource)
    for entry in options.suppressions:
        suppressions.add_config(entry)
    if suppressions.by_line or suppressions.by_file or suppressions.by_object or suppressions.config:
        suppressions.apply(findings)
    config_files = {entry.file for entry in options.suppressions}
    config_judged = any(_covers_directory(paths, os.path.dirname(os.path.abspath(f))) for f in config_files)
    return suppressions.unused_findings(config_judged)


__all__ = ["ALL", "ANNOTATION", "UNUSED_RULE", "ConfigSuppression", "apply_suppressions"]
