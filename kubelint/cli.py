"""The ``kubelint`` command line: parse options, call the library, print a report.

Kept thin on purpose: every decision about manifests lives in the library.
Heavy modules are imported inside the commands so ``--help`` and one-file
runs start fast.
"""

from __future__ import annotations

import os
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Callable, Iterator, List, Optional

import typer

from kubelint import __version__
from kubelint.pipeline import VALIDATE_CATEGORIES
from kubelint.schema import UnknownVersionError, normalize_version, resolve_version

app = typer.Typer(
    name="kubelint",
    help="Kubernetes manifest linter, validator and dry-run planner.",
    add_completion=False,
    no_args_is_help=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)

FAIL_ON = ("error", "warning", "info", "never")
EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2


def _version(value: bool) -> None:
    if value:
        typer.echo(f"kubelint {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    version: Annotated[
        Optional[bool],
        typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit."),
    ] = None,
) -> None:
    """Kubernetes manifest linter, validator and dry-run planner."""


def usage_error(message: str) -> "typer.Exit":
    """Print ``message`` as kubelint's usage error and return the exit to raise."""
    typer.echo(f"kubelint: error: {message}", err=True)
    return typer.Exit(EXIT_USAGE)


def _check_format(value: str) -> str:
    from kubelint.report import FORMATS

    if value not in FORMATS:
        raise typer.BadParameter(f"{value!r} is not one of {', '.join(sorted(FORMATS))}")
    return value


def _check_fail_on(value: str) -> str:
    if value not in FAIL_ON:
        raise typer.BadParameter(f"{value!r} is not one of {', '.join(FAIL_ON)}")
    return value


def use_color(no_color: bool, output: Optional[Path]) -> bool:
    """Colours only on a terminal, and never when NO_COLOR is set."""
    return not no_color and output is None and "NO_COLOR" not in os.environ and sys.stdout.isatty()


def write_output(text: str, output: Optional[Path]) -> None:
    """Print, or write the file atomically (a reader never sees half a report)."""
    if output is None:
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    if output.is_dir():
        raise usage_error(f"--output {output} is a directory; give a file name")
    temporary = output.with_name(f".{output.name}.{os.getpid()}.tmp")
    try:
        temporary.write_text(text, encoding="utf-8")
        os.replace(temporary, output)
    except OSError as error:
        temporary.unlink(missing_ok=True)
        raise usage_error(f"cannot write --output {output}: {error.strerror or error}") from None


def exit_code(report, fail_on: str) -> int:  # type: ignore[no-untyped-def]
    from kubelint.model import Severity

    if report.missing_paths:
        return EXIT_USAGE
    if fail_on == "never":
        return EXIT_OK
    worst = report.worst()
    return EXIT_FINDINGS if worst is not None and worst >= Severity.parse(fail_on) else EXIT_OK


def _version_callback(check: Callable[[str], str]) -> Callable[[Optional[str]], Optional[str]]:
    """A typer callback for a version option: the value as given, or a usage error saying
    what ``check`` (kubelint.schema's resolve_version or normalize_version) refuses."""

    def callback(value: Optional[str]) -> Optional[str]:
        if value is not None:
            try:
                check(value)
            except UnknownVersionError as error:
                raise typer.BadParameter(str(error)) from None
        return value

    return callback


StrictOption = Annotated[
    bool,
    typer.Option("--strict/--no-strict", help="Unknown fields are errors (the default, as kubectl apply validates since 1.27)."),
]
SchemaDirOption = Annotated[
    Optional[List[Path]],
    typer.Option(
        "--schema-dir",
        metavar="DIR",
        exists=True,
        file_okay=False,
        help="Also take schemas from DIR: {kind}_{version}.json, {group}/{kind}_{version}.json and CRD YAML files (repeatable).",
    ),
]
IgnoreMissingSchemasOption = Annotated[
    bool, typer.Option("--ignore-missing-schemas", help="A custom resource without a schema is info, not an error.")
]
SkipKindsOption = Annotated[
    Optional[List[str]],
    typer.Option("--skip-kinds", metavar="KINDS", help="Do not schema-validate these kinds: Kind or group/version/Kind, comma-separated (repeatable)."),
]
TargetVersionOption = Annotated[
    Optional[str],
    typer.Option(
        "--target-version",
        metavar="VERSION",
        callback=_version_callback(normalize_version),
        help="A Kubernetes version to upgrade to: also report the APIs it no longer serves or deprecates.",
    ),
]


PathsArgument = Annotated[
    List[str], typer.Argument(help="Files, directories (walked for *.yaml, *.yml, *.json) or - for stdin.")
]
FormatOption = Annotated[
    str,
    typer.Option(
        "--format", callback=_check_format, help="Output format: text, json, sarif, junit, github, gitlab or markdown."
    ),
]
OutputOption = Annotated[Optional[Path], typer.Option("--output", help="Write the report to FILE.")]
QuietOption = Annotated[bool, typer.Option("--quiet", "-q", help="Print findings only, no summary.")]
NoColorOption = Annotated[bool, typer.Option("--no-color", help="Never colour the output.")]
KubernetesVersionOption = Annotated[
    Optional[str],
    typer.Option(
        "--kubernetes-version",
        "-k",
        callback=_version_callback(resolve_version),
        help="Kubernetes version to check against, e.g. 1.30 (default: the newest bundled; see kubelint schemas).",
    ),
]
DefaultNamespaceOption = Annotated[
    str,
    typer.Option("--default-namespace", metavar="NAMESPACE", help="Namespace of objects that name none (kubectl's -n)."),
]
RulesDirOption = Annotated[
    Optional[List[str]], typer.Option("--rules-dir", help="Also load rule files from DIR (repeatable).")
]
ConfigOption = Annotated[
    Optional[Path],
    typer.Option(
        "--config",
        metavar="FILE",
        help="Configuration file (default: the nearest .kubelint.yaml, .kubelint.yml or pyproject.toml with [tool.kubelint]).",
    ),
]


JobsOption = Annotated[
    Optional[int],
    typer.Option("--jobs", "-j", min=1, metavar="N", help="Worker processes for large inputs (default: one per CPU; 1: none)."),
]
CacheDirOption = Annotated[
    Optional[Path],
    typer.Option("--cache-dir", metavar="DIR", help="Cache per-file results in DIR (default: ~/.cache/kubelint/results)."),
]
NoCacheOption = Annotated[bool, typer.Option("--no-cache", help="Neither read nor write the result cache.")]


def _run_in_parallel_with_cache(options, jobs: Optional[int], cache_dir: Optional[Path], no_cache: bool) -> None:  # type: ignore[no-untyped-def]
    """``--jobs``, ``--cache-dir`` and ``--no-cache`` into ``options``."""
    from kubelint.cache import default_cache_dir
    from kubelint.parallel import default_jobs

    options.jobs = jobs if jobs is not None else default_jobs()
    options.cache_dir = None if no_cache else str(cache_dir if cache_dir is not None else default_cache_dir())


def _configure(options, config: Optional[Path]) -> None:  # type: ignore[no-untyped-def]
    """Fold the configuration into ``options`` (flags win); a bad one is a usage error."""
    from kubelint.config import ConfigError, apply_config, load_config

    with _usage_error_on(ConfigError):
        apply_config(options, load_config(config))


def _read_baseline(path: Path):  # type: ignore[no-untyped-def]
    from kubelint.baseline import BaselineError, read_baseline

    try:
        return read_baseline(str(path))
    except BaselineError as error:
        raise usage_error(f"--baseline {path}: {error}") from None


def _write_baseline(report, path: Path):  # type: ignore[no-untyped-def]
    """Record the report's findings in ``path``; the baseline to apply to this run."""
    from kubelint.baseline import Baseline

    if report.missing_paths:
        raise usage_error(f"not writing --write-baseline {path}: {', '.join(report.missing_paths)} do(es) not exist")
    baseline = Baseline.of_report(report)
    write_output(baseline.to_text(), path)
    typer.echo(f"kubelint: recorded {sum(baseline.counts.values())} findings in the baseline {path}", err=True)
    return baseline


def _check_command(categories: Optional[frozenset]) -> Callable[..., None]:
    """The body of ``check`` and ``validate``: same options, different stages."""

    def command(
        paths: PathsArgument,
        format: FormatOption = "text",
        output: OutputOption = None,
        fail_on: Annotated[
            str,
            typer.Option("--fail-on", callback=_check_fail_on, help="Lowest severity that fails the run: error, warning, info or never."),
        ] = "error",
        quiet: QuietOption = False,
        no_color: NoColorOption = False,
        exclude: Annotated[
            Optional[List[str]], typer.Option("--exclude", help="Skip paths matching GLOB (repeatable).")
        ] = None,
        kubernetes_version: KubernetesVersionOption = None,
        rules_dir: RulesDirOption = None,
        config: ConfigOption = None,
        baseline: Annotated[
            Optional[Path],
            typer.Option("--baseline", metavar="FILE", help="Report and fail only on findings FILE does not list."),
        ] = None,
        write_baseline: Annotated[
            Optional[Path],
            typer.Option("--write-baseline", metavar="FILE", help="Record today's findings in FILE (then exit 0)."),
        ] = None,
        default_namespace: DefaultNamespaceOption = "default",
        strict: StrictOption = True,
        schema_dir: SchemaDirOption = None,
        ignore_missing_schemas: IgnoreMissingSchemasOption = False,
        skip_kinds: SkipKindsOption = None,
        target_version: TargetVersionOption = None,
        jobs: JobsOption = None,
        cache_dir: CacheDirOption = None,
        no_cache: NoCacheOption = False,
    ) -> None:
        from kubelint.baseline import apply_baseline
        from kubelint.pipeline import Options, run_check
        from kubelint.progress import progress_bar
        from kubelint.report import render
        from kubelint.rulebook import RuleFileError

        accepted = _read_baseline(baseline) if baseline is not None else None
        options = Options(
            kubernetes_version=kubernetes_version,
            exclude=list(exclude or []),
            rules_dirs=list(rules_dir or []),
            categories=categories,
            default_namespace=default_namespace,
            strict=strict,
            schema_dirs=[str(directory) for directory in schema_dir or []],
            ignore_missing_schemas=ignore_missing_schemas,
            skip_kinds=frozenset(kind.strip() for value in skip_kinds or [] for kind in value.split(",") if kind.strip()),
            target_version=target_version,
        )
        _configure(options, config)
        _run_in_parallel_with_cache(options, jobs, cache_dir, no_cache)
        with progress_bar() as options.progress:
            try:
                report = run_check(paths, options)
            except (RuleFileError, UnknownVersionError) as error:
                raise usage_error(str(error)) from None
        if write_baseline is not None:
            accepted = _write_baseline(report, write_baseline)
        if accepted is not None:
            apply_baseline(report, accepted)
        text = render(
            report, format, color=use_color(no_color, output), quiet=quiet, fail_on=fail_on, rules_dirs=options.rules_dirs
        )
        write_output(text, output)
        raise typer.Exit(exit_code(report, fail_on))

    return command


app.command(
    "check",
    help="Validate and lint manifests: YAML, schema, API-server rules and best practices.",
)(_check_command(None))


app.command(
    "validate",
    help="Would the API server accept these objects? YAML, schema and API-server rules only.",
)(_check_command(VALIDATE_CATEGORIES))


@contextmanager
def _usage_error_on(*errors: type) -> Iterator[None]:
    """Turn these exceptions, raised for what the user typed, into a usage error."""
    try:
        yield
    except errors as error:
        raise usage_error(str(error)) from None


def _catalog(config: Optional[Path], rules_dir: Optional[List[str]]):  # type: ignore[no-untyped-def]
    """Options under the configuration, and every rule they load (for ``rules`` and ``explain``)."""
    from kubelint.pipeline import Options
    from kubelint.rulebook import RuleFileError, load_rules

    options = Options(rules_dirs=list(rules_dir or []))
    _configure(options, config)
    with _usage_error_on(RuleFileError):
        return options, load_rules(options.rules_dirs)


def _check_rules_format(value: str) -> str:
    from kubelint.rulecli import RULES_FORMATS

    if value not in RULES_FORMATS:
        raise typer.BadParameter(f"{value!r} is not one of {', '.join(RULES_FORMATS)}")
    return value


@app.command("rules", help="List the rules: id, severity, category, whether they run under the configuration, title.")
def rules_command(
    format: Annotated[str, typer.Option("--format", callback=_check_rules_format, help="table or json.")] = "table",
    category: Annotated[
        Optional[List[str]], typer.Option("--category", help="Only rules of CATEGORY (repeatable).")
    ] = None,
    config: ConfigOption = None,
    rules_dir: RulesDirOption = None,
    no_color: NoColorOption = False,
) -> None:
    from kubelint.rulecli import UnknownName, render_rules, rule_entries

    options, rules = _catalog(config, rules_dir)
    with _usage_error_on(UnknownName):
        entries = rule_entries(rules, options, category or [])
    write_output(render_rules(entries, format, color=use_color(no_color, None)), None)


@app.command("explain", help="Print a rule's documentation: what it does, why, examples, options, how to suppress it.")
def explain_command(
    rule: Annotated[str, typer.Argument(help="A rule id, e.g. object-name.")],
    config: ConfigOption = None,
    rules_dir: RulesDirOption = None,
    no_color: NoColorOption = False,
) -> None:
    from kubelint.rulecli import UnknownName, explain

    _, rules = _catalog(config, rules_dir)
    with _usage_error_on(UnknownName):
        text = explain(rule, rules, color=use_color(no_color, None))
    write_output(text, None)


@app.command("schemas", help="List the bundled Kubernetes versions and the kinds a version serves.")
def schemas_command(
    kubernetes_version: Annotated[
        Optional[str],
        typer.Option("--kubernetes-version", "-k", callback=_version_callback(resolve_version), help="The version whose kinds to list (default: the newest)."),
    ] = None,
    format: Annotated[str, typer.Option("--format", help="text or json.")] = "text",
) -> None:
    from kubelint.schema.listing import FORMATS, render_schemas

    if format not in FORMATS:
        raise usage_error(f"--format {format!r} is not one of {', '.join(FORMATS)}")
    write_output(render_schemas(resolve_version(kubernetes_version), format), None)


PLAN_SECTIONS = "pods,services,endpoints,dns,routes"


def _check_plan_format(value: str) -> str:
    from kubelint.plan import FORMATS

    if value not in FORMATS:
        raise typer.BadParameter(f"{value!r} is not one of {', '.join(FORMATS)}")
    return value


def _check_show(value: str) -> str:
    from kubelint.plan import SECTIONS

    unknown = [part for part in value.split(",") if part.strip() not in SECTIONS]
    if unknown:
        raise typer.BadParameter(f"{', '.join(unknown)}: choose among {', '.join(SECTIONS)}")
    return value


def _check_version(value: Optional[str]) -> Optional[str]:
    import re

    if value is not None and not re.fullmatch(r"v?1\.[0-9]+(\.[0-9]+)?", value):
        raise typer.BadParameter(f"{value!r} is not a Kubernetes version such as 1.30")
    return value


@app.command("plan", help="Play the manifests through an embedded cluster: the pods, endpoints, DNS records and routes they would create.")
def plan_command(
    paths: PathsArgument,
    format: Annotated[str, typer.Option("--format", callback=_check_plan_format, help="text, json or markdown.")] = "text",
    output: OutputOption = None,
    cluster: Annotated[
        Optional[Path], typer.Option("--cluster", help="Cluster profile (YAML): nodes, address ranges, DNS domain, load-balancer pool.")
    ] = None,
    nodes: Annotated[
        Optional[int], typer.Option("--nodes", min=0, max=5000, help="Number of worker nodes, shaped like the profile's first worker.")
    ] = None,
    show: Annotated[str, typer.Option("--show", callback=_check_show, help=f"Sections to print: {PLAN_SECTIONS}.")] = PLAN_SECTIONS,
    now: Annotated[
        Optional[str], typer.Option("--now", help="When the manifests are applied (RFC 3339), to date CronJobs' first run.")
    ] = None,
    no_color: NoColorOption = False,
    kubernetes_version: Annotated[
        Optional[str],
        typer.Option("--kubernetes-version", "-k", callback=_check_version, help="Kubernetes version of the cluster, e.g. 1.30."),
    ] = None,
    exclude: Annotated[
        Optional[List[str]], typer.Option("--exclude", help="Skip paths matching GLOB (repeatable).")
    ] = None,
    default_namespace: DefaultNamespaceOption = "default",
    base: Annotated[
        Optional[str], typer.Option("--base", help="Plan against these manifests (a directory or a file) instead of an empty cluster.")
    ] = None,
    base_ref: Annotated[
        Optional[str], typer.Option("--base-ref", help="Plan against the same paths at this git revision (e.g. origin/main).")
    ] = None,
    state: Annotated[
        Optional[str], typer.Option("--state", help="Plan against a state saved by --save-state.")
    ] = None,
    live: Annotated[
        Optional[str], typer.Option("--live", help="Plan against a live cluster: the output of kubectl get ... -o yaml (or -o json).")
    ] = None,
    save_state: Annotated[
        Optional[str], typer.Option("--save-state", help="Save the planned cluster to FILE, to plan the next change against it with --state.")
    ] = None,
    detailed_exitcode: Annotated[
        bool, typer.Option("--detailed-exitcode", help="Exit 0 for no changes, 2 for changes, 1 for errors (as terraform plan).")
    ] = False,
    jobs: JobsOption = None,
    cache_dir: CacheDirOption = None,
    no_cache: NoCacheOption = False,
    config: ConfigOption = None,
) -> None:
    from dataclasses import replace

    from kubelint.config import apply_config, load_config
    from kubelint.model import Severity
    from kubelint.pipeline import Options
    from kubelint.plan import BaseError, BaseSpec, render, run_plan
    from kubelint.plan.state import save_state as write_state
    from kubelint.reconcile.profile import ProfileError, default_profile, load_profile, parse_time
    from kubelint.rulebook import RuleFileError

    def fail(message: str) -> "typer.Exit":
        """A usage error: exit 2, or 1 under --detailed-exitcode (where 2 means changes)."""
        exit_ = usage_error(message)
        return typer.Exit(EXIT_FINDINGS) if detailed_exitcode else exit_

    bases = [BaseSpec(kind, value) for kind, value in (("base", base), ("base-ref", base_ref), ("state", state), ("live", live)) if value]
    if len(bases) > 1:
        raise fail(f"plan against one base at a time, not {' and '.join('--' + spec.kind for spec in bases)}")
    try:
        profile = load_profile(cluster) if cluster is not None else default_profile()
        if nodes is not None:
            profile = profile.with_workers(nodes)
        if now is not None:
            profile = replace(profile, now=parse_time(now))
    except (ProfileError, ValueError) as error:
        raise fail(str(error)) from None
    options = Options(kubernetes_version=kubernetes_version, exclude=list(exclude or []), default_namespace=default_namespace)
    _run_in_parallel_with_cache(options, jobs, cache_dir, no_cache)
    try:
        apply_config(options, load_config(config))  # a bad configuration is a RuleFileError, below
        report = run_plan(paths, profile, options, base=bases[0] if bases else None)
        if save_state is not None:
            write_state(save_state, report.applied, report.plan.world)
    except (RuleFileError, BaseError) as error:
        raise fail(str(error)) from None
    sections = tuple(part.strip() for part in show.split(","))
    write_output(render(report, format, color=use_color(no_color, output), show=sections), output)
    worst = report.worst()
    failed = worst is not None and worst >= Severity.ERROR
    if detailed_exitcode:
        raise typer.Exit(EXIT_FINDINGS if failed or report.missing_paths else 2 if report.plan.has_changes else EXIT_OK)
    if report.missing_paths:
        raise typer.Exit(EXIT_USAGE)
    raise typer.Exit(EXIT_FINDINGS if failed else EXIT_OK)


def main() -> None:
    """Console-script entry point."""
    app()
