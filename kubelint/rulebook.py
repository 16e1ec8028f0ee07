"""The rule catalog: one YAML file per rule in ``rules/`` (and user folders).

A rule file holds the rule's id, default severity, category, its
documentation (what, why, how to fix, references, a bad and a good example)
and its check. ``kubelint rules``, ``kubelint explain``, SARIF rule metadata
and docs/rules.md all read these same files. Every file is validated against
``rules/rule.schema.json`` when it is loaded; a broken file is reported with
its path, line and column.

Parsing a hundred YAML files on every run would cost more than checking a
small manifest, so the validated catalog is cached as JSON, keyed by the
files' names, sizes and modification times.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable

from kubelint import __version__
from kubelint.datafiles import cache_dir, data_dir
from kubelint.loader.datafile import DataFileError, check_schema, error_at, read_mapping
from kubelint.model import Severity

META_SCHEMA_FILE = "rule.schema.json"


RuleFileError = DataFileError
"""A rule file that cannot be used (file, line, column, message)."""


@dataclass(frozen=True, slots=True)
class Rule:
    """One rule as its file describes it."""

    id: str
    title: str
    severity: Severity
    category: str
    enabled: bool
    check: dict[str, Any]
    doc: dict[str, Any]
    """The whole rule file: description, rationale, examples, options..."""
    file: str
    builtin: bool

    @property
    def options(self) -> dict[str, dict[str, Any]]:
        return self.doc.get("options") or {}

    def default_options(self) -> dict[str, Any]:
        return default_options(self.options)


def default_options(specs: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """Option name -> default value, from a rule file's ``options``."""
    return {name: spec.get("default") for name, spec in specs.items()}


@lru_cache(maxsize=1)
def _meta_validator() -> Any:
    import jsonschema_rs

    schema = json.loads((data_dir("rules") / META_SCHEMA_FILE).read_text(encoding="utf-8"))
    return jsonschema_rs.validator_for(schema)


def _rule_files(directory: Path) -> list[Path]:
    """The folder's rule files in name order (scandir and string sorting: every run lists the catalog)."""
    with os.scandir(directory) as entries:
        names = sorted(e.name for e in entries if e.name.endswith(".yaml") and not e.name.startswith("."))
    return [directory / name for name in names]


def _fingerprint(files: list[Path], builtin: bool) -> str:
    digest = hashlib.sha256(f"{__version__}\0{builtin}".encode())
    for path in files:
        info = os.stat(path)
        digest.update(f"\0{path}\0{info.st_size}\0{info.st_mtime_ns}".encode())
    return digest.hexdigest()[:24]


def _parse_rule_file(path: Path, builtin: bool) -> dict[str, Any]:
    display = str(path)
    document = read_mapping(path.read_text(encoding="utf-8"), display, "a rule file")
    check_schema(document, _meta_validator(), display)
    data, source_map = document.data, document.source_map
    if not builtin and "declarative" not in data["check"]:
        kind = next(iter(data["check"]))
        why = "cannot run Python code" if kind == "python" else f"cannot use check.{kind}, which kubelint's own stages report"
        raise error_at(display, source_map, ("check", kind), f"user rule files {why}; use a declarative check", key=True)
    if "declarative" in data["check"]:
        from kubelint.declarative import compile_check

        try:
            compile_check(data["check"]["declarative"], default_options(data.get("options") or {}))
        except (ValueError, KeyError) as error:
            problem = f"unknown option {error}" if isinstance(error, KeyError) else str(error)
            raise error_at(display, source_map, ("check", "declarative"), f"check.declarative: {problem}", key=True) from None
    if data["id"] != path.stem:
        raise error_at(display, source_map, ("id",), f'the rule id "{data["id"]}" must match the file name "{path.stem}"')
    return data


_LOADED: dict[Path, list[dict[str, Any]]] = {}
"""Rule documents already read in this process, by cache file (named by the folder's fingerprint):
configuration, engine and suppression all ask for the catalog, and it is read once."""


def _load_directory(directory: Path, builtin: bool) -> list[dict[str, Any]]:
    files = _rule_files(directory)
    cache_file = cache_dir() / f"rules-{_fingerprint(files, builtin)}.json"
    if cache_file in _LOADED:
        return _LOADED[cache_file]
    try:
        documents: list[dict[str, Any]] = json.loads(cache_file.read_text(encoding="utf-8"))
        _LOADED[cache_file] = documents
        return documents
    except (OSError, ValueError):
        pass
    documents = []
    for path in files:
        data = _parse_rule_file(path, builtin)
        data["_file"] = str(path)
        documents.append(data)
    try:
        cache_file.parent.mkdir(parents=True, exist_ok=True)
        temporary = cache_file.with_suffix(f".{os.getpid()}.tmp")
        temporary.write_text(json.dumps(documents), encoding="utf-8")
        os.replace(temporary, cache_file)
    except OSError:
        pass  # a read-only home: run without the cache
    _LOADED[cache_file] = documents
    return documents


def _to_rule(data: dict[str, Any], builtin: bool) -> Rule:
    doc = dict(data)
    file = doc.pop("_file")
    return Rule(
        id=doc["id"],
        title=doc["title"],
        severity=Severity.parse(doc["severity"]),
        category=doc["category"],
        enabled=doc.get("enabled", True),
        check=doc["check"],
        doc=doc,
        file=file,
        builtin=builtin,
    )


def load_rules(extra_dirs: Iterable[str | Path] = ()) -> dict[str, Rule]:
    """Built-in rules plus user rule folders, by id (user rules may not shadow built-ins)."""
    rules: dict[str, Rule] = {}
    for directory, builtin in [(data_dir("rules"), True)] + [(Path(d), False) for d in extra_dirs]:
        if not directory.is_dir():
            raise RuleFileError(str(directory), 1, 1, "the rules directory does not exist")
        for data in _load_directory(directory, builtin):
            rule = _to_rule(data, builtin)
            if rule.id in rules:
                raise RuleFileError(rule.file, 1, 1, f'rule id "{rule.id}" is already defined in {rules[rule.id].file}')
            rules[rule.id] = rule
    return dict(sorted(rules.items()))
