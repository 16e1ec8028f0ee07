"""Configuration: ``.kubelint.yaml`` or ``[tool.kubelint]``, read, checked and made into run Options.

Which file: ``--config FILE``; else the nearest of the working directory and
its parents holding ``.kubelint.yaml``, ``.kubelint.yml`` or a
``pyproject.toml`` with a ``[tool.kubelint]`` table (in that order within a
directory). Folders in the file (``rules-dirs``, ``schema-dirs``) and path
globs with a ``/`` are relative to the file's directory, so a configuration
means the same from any working directory. Flags on the command line win:
``--kubernetes-version`` replaces the file's, ``--exclude`` and
``--rules-dir`` add to it.

A mistake stops the run (exit code 2) at the file, line and column of the
offending key or value, with a did-you-mean for unknown keys, rule ids and
options: a configuration that silently does nothing is how ignores and
suppressions go wrong unnoticed. The file's shape is
``kubelint/config.schema.json``; rule ids, categories and option types are
checked against the rule catalog after it.
"""

from __future__ import annotations

import glob
import hashlib
import json
import os
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Sequence

from kubelint.kube import get_path
from kubelint.loader.datafile import DataFileError
from kubelint.model import FieldPath, Severity, format_path

if TYPE_CHECKING:  # pragma: no cover - typing only
    from kubelint.loader.sourcemap import SourceMap
    from kubelint.pipeline import Options
    from kubelint.rulebook import Rule
    from kubelint.suppress import ConfigSuppression

CONFIG_FILES = (".kubelint.yaml", ".kubelint.yml")
PYPROJECT = "pyproject.toml"
TOML_TABLE = ("tool", "kubelint")
SCHEMA_FILE = Path(__file__).with_name("config.schema.json")
PROTECTED_CATEGORY = "input"
"""Rules saying that a file could not be read or checked at all: never turned off as a whole."""

ConfigError = DataFileError
"""An unusable configuration (file, line, column, message): a usage error."""

_TOML_HEADER = re.compile(r"^[ \t]*\[[ \t]*tool[ \t]*\.[ \t]*[\"']?kubelint\b", re.M)
_TOML_POSITION = re.compile(r"\s*\(at line (\d+), column (\d+)\)")
_OPTION_TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "integer": (int,),
    "number": (int, float),
    "boolean": (bool,),
    "array": (list,),
    "object": (dict,),
}


@dataclass(frozen=True, slots=True)
class Config:
    """A configuration as read: its data, and how to find the line of any of its keys."""

    file: str
    """As messages show it: relative to the working directory when below it."""
    directory: str
    """Absolute directory of the file: what its relative paths and globs start from."""
    data: dict[str, Any]
    text: str
    source_map: SourceMap | None
    """Positions of a YAML file; None for pyproject.toml (searched in ``text``)."""

    def locate(self, path: FieldPath, *, key: bool = False) -> tuple[int, int]:
        if self.source_map is not None:
            return self.source_map.locate(path, key=key)
        from kubelint.tomlkeys import locate

        return locate(self.text, TOML_TABLE + tuple(path), None if key else get_path(self.data, path), at_value=not key)

    def error(self, path: FieldPath, message: str, *, key: bool = False) -> ConfigError:
        line, column = self.locate(path, key=key)
        return ConfigError(self.file, line, column, f"{format_path(path)}: {message}" if path else message)

    def type_hint(self, path: FieldPath, value: Any) -> str:
        """``; the unquoted 1.30 is read as a number ...`` where YAML 1.1 surprised the writer."""
        if self.source_map is None:
            return ""
        from kubelint.loader.scalars import surprise_hint

        return surprise_hint(self.source_map.plain_text(path), value)


def _display(path: Path) -> str:
    try:
        relative = os.path.relpath(path)
    except ValueError:  # pragma: no cover - another drive (Windows)
        return str(path)
    return str(path) if relative.startswith("..") else relative


def _has_table(pyproject: Path) -> bool:
    try:
        return _TOML_HEADER.search(pyproject.read_text(encoding="utf-8")) is not None
    except (OSError, UnicodeDecodeError):
        return False


def find_config(start: Path) -> Path | None:
    """The configuration file nearest to ``start`` (itself, then its parents)."""
    for directory in (start, *start.parents):
        for name in CONFIG_FILES:
            candidate = directory / name
            if candidate.is_file():
                return candidate
        pyproject = directory / PYPROJECT
        if pyproject.is_file() and _has_table(pyproject):
            return pyproject
    return None


def _read_yaml(text: str, file: str, directory: str) -> Config:
    from kubelint.loader.datafile import read_mapping
    from kubelint.loader.sourcemap import SourceMap

    if not any(line.strip() and not line.lstrip().startswith("#") for line in text.splitlines()):
        return Config(file, directory, {}, text, SourceMap())  # an empty file: all defaults
    document = read_mapping(text, file, "a kubelint configuration")
    return Config(file, directory, document.data, text, document.source_map)


def _read_toml(text: str, file: str, directory: str) -> Config:
    try:
        import tomllib
    except ModuleNotFoundError:  # pragma: no cover - Python 3.10
        import tomli as tomllib

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        position = _TOML_POSITION.search(str(error))
        if position is not None:
            line, column = int(position.group(1)), int(position.group(2))
        else:  # "(at end of document)"
            line, column = text.count("\n") + 1, len(text) - text.rfind("\n")
        raise ConfigError(file, line, column, f"invalid TOML: {_TOML_POSITION.sub('', str(error))}") from None
    table = data.get("tool", {}).get("kubelint") if isinstance(data.get("tool"), dict) else None
    if table is None:
        raise ConfigError(file, 1, 1, "there is no [tool.kubelint] table in this file")
    config = Config(file, directory, table, text, None)
    if not isinstance(table, dict):
        raise config.error((), "[tool.kubelint] must be a table")
    return config


def read_config(path: Path) -> Config:
    """Read and check the shape of one configuration file (not yet its rule ids)."""
    file = _display(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(file, 1, 1, "the configuration file does not exist") from None
    except (OSError, UnicodeDecodeError) as error:
        reason = error.strerror if isinstance(error, OSError) else "it is not UTF-8 text"
        raise ConfigError(file, 1, 1, f"cannot read the configuration file: {reason}") from None
    directory = str(path.resolve().parent)
    config = _read_toml(text, file, directory) if path.name.endswith(".toml") else _read_yaml(text, file, directory)
    marker = _shape_marker(config)
    if not marker.exists():
        _check_shape(config)
        try:
            marker.parent.mkdir(parents=True, exist_ok=True)
            marker.touch()
        except OSError:
            pass  # a read-only home: check the shape every time
    return config


def _shape_marker(config: Config) -> Path:
    """Remembers a configuration text already found well shaped: reading, compiling
    and applying the JSON Schema costs a one-file pre-commit run several milliseconds."""
    from kubelint import __version__
    from kubelint.datafiles import cache_dir

    schema = SCHEMA_FILE.stat()
    kind = "yaml" if config.source_map is not None else "toml"
    key = f"{__version__}\0{schema.st_size}\0{schema.st_mtime_ns}\0{kind}\0{config.text}"
    return cache_dir() / "config" / hashlib.sha256(key.encode()).hexdigest()[:24]


def load_config(explicit: str | os.PathLike[str] | None = None, cwd: Path | None = None) -> Config | None:
    """``--config FILE`` when given, else the configuration found upward from ``cwd``."""
    if explicit is not None:
        return read_config(Path(explicit))
    found = find_config(cwd or Path.cwd())
    return read_config(found) if found is not None else None


@lru_cache(maxsize=1)
def config_schema() -> dict[str, Any]:
    return json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


@lru_cache(maxsize=1)
def _validator() -> Any:
    import jsonschema_rs

    return jsonschema_rs.validator_for(config_schema())


def _check_keys(config: Config, path: FieldPath, mapping: Any, allowed: Iterable[str]) -> None:
    from kubelint.suggest import did_you_mean

    if not isinstance(mapping, dict):
        return  # the schema says what it should be
    allowed = list(allowed)
    for key in mapping:
        if key not in allowed:
            raise config.error(path + (key,), f"unknown key{did_you_mean(str(key), allowed)}", key=True)


def _check_shape(config: Config) -> None:
    """Unknown keys (with a did-you-mean), then the JSON Schema."""
    schema = config_schema()
    _check_keys(config, (), config.data, schema["properties"])
    suppressions = config.data.get("suppressions")
    if isinstance(suppressions, list):
        for index, entry in enumerate(suppressions):
            _check_keys(config, ("suppressions", index), entry, schema["$defs"]["suppression"]["properties"])
    for error in _validator().iter_errors(config.data):
        path = tuple(error.instance_path)
        raise config.error(path, error.message + config.type_hint(path, get_path(config.data, path)))


def _check_selector(
    config: Config,
    path: FieldPath,
    selector: str,
    names: set[str],
    *,
    key: bool = False,
    what: str = "rule or category",
) -> None:
    from kubelint.suggest import did_you_mean

    if selector not in names:
        hint = did_you_mean(selector, names) or " (kubelint rules lists them)"
        raise config.error(path, f'unknown {what} "{selector}"{hint}', key=key)


def _check_option_values(config: Config, rule: Rule, values: dict[str, Any]) -> None:
    from kubelint.loader.scalars import describe, shown
    from kubelint.suggest import did_you_mean

    declared = rule.options
    for name, value in values.items():
        path = ("options", rule.id, name)
        if name not in declared:
            known = f"; its options: {', '.join(declared)}" if declared else "; it has no options"
            raise config.error(
                path, f"rule {rule.id} has no option {name!r}{did_you_mean(name, declared) or known}", key=True
            )
        expected = declared[name]["type"]
        if not isinstance(value, _OPTION_TYPES[expected]) or (expected != "boolean" and isinstance(value, bool)):
            raise config.error(
                path, f"expected {expected}, got {describe(value)}{shown(value)}{config.type_hint(path, value)}"
            )


def check_rules(config: Config, catalog: dict[str, Rule]) -> None:
    """Every rule id, category and option the configuration names exists in ``catalog``."""
    from kubelint.suppress import ALL

    data = config.data
    names = set(catalog) | {rule.category for rule in catalog.values()}
    for key in ("select", "ignore"):
        for index, selector in enumerate(data.get(key, [])):
            _check_selector(config, (key, index), selector, names)
    for key in ("severity", "ignore-paths"):
        for selector in data.get(key, {}):
            _check_selector(config, (key, selector), selector, names, key=True)
    for index, entry in enumerate(data.get("suppressions", [])):
        for position, selector in enumerate(entry["rules"]):
            _check_selector(config, ("suppressions", index, "rules", position), selector, names | {ALL})
    for rule_id, values in data.get("options", {}).items():
        _check_selector(
            config, ("options", rule_id), rule_id, set(catalog), key=True, what="rule (options are per rule)"
        )
        _check_option_values(config, catalog[rule_id], values)
    for index, selector in enumerate(data.get("ignore", [])):
        rule = catalog.get(selector)
        if selector == PROTECTED_CATEGORY or (rule is not None and rule.category == PROTECTED_CATEGORY):
            raise config.error(
                ("ignore", index),
                f"the {PROTECTED_CATEGORY} rules say that a file could not be read or checked; they cannot be turned "
                "off: suppress the findings concerned under suppressions:, with their paths and a reason",
            )


def _check_version(config: Config) -> None:
    """The version must be one kubelint has schemas for (``kubelint check`` validates against them)."""
    version = config.data.get("kubernetes-version")
    if version is None:
        return
    from kubelint.schema import UnknownVersionError, resolve_version

    try:
        resolve_version(version)
    except UnknownVersionError as error:
        raise config.error(("kubernetes-version",), str(error)) from None


def _anchored(patterns: Sequence[str], config: Config) -> list[str]:
    """Path globs as the configuration means them: one with a ``/`` starts at
    the configuration's directory (made absolute, so it holds from any working
    directory); one without matches a file or directory name anywhere, like
    ``--exclude``."""
    anchored: list[str] = []
    for pattern in patterns:
        rooted = pattern.strip("/")
        rooted = rooted.removeprefix("./")
        anchored.append(rooted if "/" not in rooted else f"{glob.escape(config.directory)}/{rooted}")
    return anchored


def _folders(config: Config, key: str) -> list[str]:
    """``rules-dirs`` or ``schema-dirs``: written relative to the configuration, returned relative to
    the working directory."""
    return [os.path.relpath(os.path.join(config.directory, folder)) for folder in config.data.get(key, [])]


def _suppressions(config: Config) -> list[ConfigSuppression]:
    from kubelint.suppress import ConfigSuppression

    found = []
    for index, entry in enumerate(config.data.get("suppressions", [])):
        rules = tuple(entry["rules"])
        found.append(
            ConfigSuppression(
                rules=rules,
                reason=entry["reason"].strip(),
                file=config.file,
                positions=tuple(config.locate(("suppressions", index, "rules", n)) for n in range(len(rules))),
                kind=entry.get("kind"),
                namespace=entry.get("namespace"),
                name=entry.get("name"),
                containers=tuple(entry.get("containers", ())),
                paths=tuple(_anchored(entry.get("paths", ()), config)),
            )
        )
    for selector, globs in config.data.get("ignore-paths", {}).items():
        found.append(
            ConfigSuppression(
                rules=(selector,),
                reason=f"ignore-paths in {config.file}: {', '.join(globs)}",
                file=config.file,
                positions=(config.locate(("ignore-paths", selector), key=True),),
                paths=tuple(_anchored(globs, config)),
                report_unused=False,
            )
        )
    return found


def apply_config(options: Options, config: Config | None) -> None:
    """Fold the configuration into ``options``, which hold the command line's
    flags: those win (a version given replaces the file's; excludes and rule
    folders add to the file's)."""
    if config is None:
        return
    from kubelint.rulebook import load_rules

    data = config.data
    own_dirs = _folders(config, "rules-dirs")
    try:
        catalog = load_rules(own_dirs + options.rules_dirs)
    except DataFileError as error:
        if error.file in own_dirs:  # a rules-dirs folder that does not exist: blame the configuration
            raise config.error(("rules-dirs", own_dirs.index(error.file)), error.message) from None
        raise
    check_rules(config, catalog)
    _check_version(config)
    schema_dirs = _folders(config, "schema-dirs")
    for index, folder in enumerate(schema_dirs):
        if not os.path.isdir(folder):
            raise config.error(("schema-dirs", index), f"the schema directory {folder} does not exist")
    options.kubernetes_version = options.kubernetes_version or data.get("kubernetes-version")
    options.exclude = _anchored(data.get("exclude", []), config) + options.exclude
    options.rules_dirs = own_dirs + options.rules_dirs
    options.schema_dirs = schema_dirs + options.schema_dirs
    options.enable = options.enable | frozenset(data.get("select", []))
    options.disable = options.disable | frozenset(data.get("ignore", []))
    options.severities = {
        selector: Severity.parse(level) for selector, level in data.get("severity", {}).items()
    } | options.severities
    options.rule_options = {
        rule_id: dict(values) for rule_id, values in data.get("options", {}).items()
    } | options.rule_options
    options.suppressions = _suppressions(config) + options.suppressions
