"""The per-file part of a run: the stages whose findings depend on one file alone.

Loading, the object-shape check, the per-resource rules and the schema
validation of objects whose schema needs no CRD of the run (built-in kinds,
``--schema-dir`` files) need nothing from the other files, so that part of a
run can go three ways, with
the same result byte for byte: computed here (``--jobs 1``, small inputs),
in worker processes (:mod:`kubelint.parallel`), or read back from the result
cache (:mod:`kubelint.cache`) when the file, kubelint and the configuration
are unchanged. Whatever needs every file (cross-object rules, suppression,
the plan, the report) runs afterwards in the main process, over the
resources that come back with each file.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from typing import TYPE_CHECKING, BinaryIO, Sequence

from kubelint.loader import FileResult, LoadResult, discover, discovery_findings, load_bytes, read_input
from kubelint.loader.text import DecodeProblem, decode
from kubelint.model import Finding, Resource

if TYPE_CHECKING:  # pragma: no cover - typing only
    from kubelint.cache import ResultCache
    from kubelint.engine import ActiveRule
    from kubelint.pipeline import Options
    from kubelint.schema.stage import SchemaStage

SHAPE_RULE = "object-shape"
"""Runs on every object; the other rules only on the objects it accepts."""


class FileChecker:
    """Runs the per-file stages of one configuration over one file at a time.

    Built once per run (and once per worker process, which keeps it, with
    the rules' caches, for every file it is given).
    """

    def __init__(
        self,
        active: Sequence[ActiveRule],
        kubernetes_version: str,
        default_namespace: str,
        schema: SchemaStage | None = None,
    ) -> None:
        from kubelint.engine import Engine

        self.active = list(active)
        self.kubernetes_version = kubernetes_version
        self.default_namespace = default_namespace
        self.shape = Engine([a for a in active if a.rule.id == SHAPE_RULE], kubernetes_version, default_namespace)
        self.rules = Engine([a for a in active if a.rule.id != SHAPE_RULE], kubernetes_version, default_namespace)
        self.schema = schema
        """The run's schema stage (None: no schema rule runs); it validates here what it can per file."""

    def check(self, data: bytes, file: str) -> FileResult:
        """``file``'s resources and the findings of loading, shape, per-resource rules and schemas."""
        from kubelint.checks.shape import is_well_formed

        result = load_bytes(data, file)
        result.findings.extend(self.shape.run_per_resource(result.resources))
        well_formed = [r for r in result.resources if is_well_formed(r)]
        result.findings.extend(self.rules.run_per_resource(well_formed))
        if self.schema is not None:
            from kubelint.schema.stage import without_shape_positions

            result.findings.extend(without_shape_positions(self.schema.run_file(well_formed), result.findings))
        return result

    def cross_object(self, resources: Sequence[Resource]) -> list[Finding]:
        """The findings of the cross-object rules over every well-formed resource of the run."""
        from kubelint.checks.shape import is_well_formed

        return self.rules.run_cross_object([r for r in resources if is_well_formed(r)])

    def fingerprint(self) -> str:
        """What the per-file results depend on besides the file and kubelint itself: the
        Kubernetes version, the default namespace, each rule as configured, the schema settings."""
        rules = [[a.rule.id, int(a.severity), a.options, a.rule.check] for a in self.active]
        schema = None
        if self.schema is not None:  # a frozenset's order changes from process to process: sort it
            schema = dataclasses.asdict(self.schema.settings) | {"skip_kinds": sorted(self.schema.settings.skip_kinds)}
        text = json.dumps([self.kubernetes_version, self.default_namespace, rules, schema], sort_keys=True, default=repr)
        return hashlib.sha256(text.encode()).hexdigest()


def _text_of(data: bytes) -> str | None:
    text = decode(data)
    return None if isinstance(text, DecodeProblem) else text


def check_files(paths: list[str], options: Options, checker: FileChecker, stdin: BinaryIO | None = None) -> LoadResult:
    """Every input through ``checker``: from the cache, in worker processes or here; in input order.

    ``options.progress("load", done, total)`` is told as files are done.
    """
    from kubelint.parallel import check_all

    found = discover(paths, options.exclude)
    loaded = LoadResult(missing=list(found.missing), findings=discovery_findings(found))
    files = [source.display for source in found.inputs]
    inputs = [read_input(source, stdin) for source in found.inputs]
    results = [item if isinstance(item, FileResult) else None for item in inputs]
    cache = _open_cache(options, checker)
    keys: dict[int, str] = {}
    if cache is not None:
        for index, data in enumerate(inputs):
            if isinstance(data, bytes):
                keys[index] = cache.key(files[index], data)
                results[index] = cache.get(keys[index], files[index])
    pending = [(index, files[index], data) for index, data in enumerate(inputs) if isinstance(data, bytes) and results[index] is None]
    done = len(results) - len(pending)
    progress = options.progress
    if progress is not None and done:
        progress("load", done, len(results))
    for index, result, packed in check_all(checker, pending, options.jobs, keep_packed=cache is not None):
        results[index] = result
        if cache is not None and packed is not None:
            cache.put(keys[index], packed)
        done += 1
        if progress is not None:
            progress("load", done, len(results))
    if cache is not None:
        cache.prune_now_and_then()
    for file, data, result in zip(files, inputs, results):
        assert result is not None
        if result.text is None and isinstance(data, bytes):
            result.text = _text_of(data)  # results from workers and the cache come without it
        loaded.add(result, file)
    return loaded


def _open_cache(options: Options, checker: FileChecker) -> ResultCache | None:
    """The result cache of this configuration, or None with ``--no-cache``."""
    if options.cache_dir is None:
        return None
    from kubelint.cache import ResultCache

    return ResultCache(options.cache_dir, checker.fingerprint(), options.schema_dirs)
