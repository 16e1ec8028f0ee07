"""``kubectl kubelint``: kubelint as a kubectl plugin (the ``kubectl-kubelint`` script).

kubectl runs any ``kubectl-<name>`` program on PATH for ``kubectl <name> ...``
and hands it the arguments after the name. This script lets kubelint take
them the way kubectl users write them, then runs the kubelint command:

- ``-f/--filename FILE`` (repeatable, comma-separated lists too, ``-`` for
  standard input) gives the manifests; a directory is read at its top level
  only, as kubectl reads it, unless ``-R/--recursive`` is given;
- ``-n/--namespace NS`` is the namespace of objects that name none
  (kubelint's ``--default-namespace``);
- everything else goes to the kubelint command as it is, so
  ``kubectl kubelint plan -f app.yaml --format markdown`` works, and every
  subcommand kubelint has (check, validate, plan, rules, explain, ...) is
  reachable. Without a subcommand, ``kubectl kubelint -f app.yaml`` checks.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field

from kubelint.loader.discover import MANIFEST_SUFFIXES, STDIN

PROG = "kubectl kubelint"
DEFAULT_COMMAND = "check"
HELP = ("-h", "--help", "--version")

USAGE = f"""Usage: {PROG} COMMAND [-f FILE]... [-R] [-n NAMESPACE] [kubelint options]

kubectl's flags, as kubectl reads them:
  -f, --filename FILE    manifest file or directory (repeatable, or comma-separated); - reads stdin
  -R, --recursive        read directories given with -f recursively (default: their top level only)
  -n, --namespace NS     namespace of the objects that name none (default: default)

Every other option goes to the kubelint command. Commands:
"""


class PluginUsageError(ValueError):
    """Arguments kubectl-kubelint cannot make sense of."""


@dataclass
class _Parsed:
    command: str
    filenames: list[str] = field(default_factory=list)
    recursive: bool = False
    namespace: str | None = None
    rest: list[str] = field(default_factory=list)


def _value(spelling: str, argv: list[str], index: int) -> tuple[str, int]:
    """The value of the flag at ``argv[index]`` (``-f x``, ``-fx``, ``-f=x``, ``--filename=x``) and the next index."""
    arg = argv[index]
    if arg.startswith(spelling + "="):
        return arg[len(spelling) + 1 :], index + 1
    if len(spelling) == 2 and len(arg) > 2:
        return arg[2:], index + 1
    if index + 1 >= len(argv):
        raise PluginUsageError(f"{arg} needs a value")
    return argv[index + 1], index + 2


def _matches(arg: str, short: str, long: str) -> str | None:
    """Which spelling of the flag ``arg`` is (``short`` or ``long``), or None."""
    if arg == long or arg.startswith(long + "="):
        return long
    if arg == short or (arg.startswith(short) and not arg.startswith("--")):
        return short
    return None


def _recursive_value(arg: str) -> bool:
    _, equals, value = arg.partition("=")
    if not equals:
        return True
    if value.lower() not in ("true", "false"):
        raise PluginUsageError(f"{arg}: use true or false")
    return value.lower() == "true"


def parse(argv: list[str]) -> _Parsed:
    """Split kubectl-style arguments into the command, kubectl's flags and the rest."""
    if argv and not argv[0].startswith("-"):
        parsed, index = _Parsed(argv[0]), 1
    else:
        parsed, index = _Parsed(DEFAULT_COMMAND), 0
    while index < len(argv):
        arg = argv[index]
        if arg == "--":
            parsed.rest.extend(argv[index:])
            break
        if (spelling := _matches(arg, "-f", "--filename")) is not None:
            value, index = _value(spelling, argv, index)
            parsed.filenames.extend(part for part in value.split(",") if part)
        elif (spelling := _matches(arg, "-n", "--namespace")) is not None:
            parsed.namespace, index = _value(spelling, argv, index)
        elif arg in ("-R", "--recursive") or arg.startswith(("-R=", "--recursive=")):
            parsed.recursive = _recursive_value(arg)
            index += 1
        elif arg.startswith("-R") and arg[2] in "fn":  # -Rf DIR: short flags run together, as pflag allows
            parsed.recursive = True
            argv = argv[:index] + ["-" + arg[2:]] + argv[index + 1 :]
        else:
            parsed.rest.append(arg)
            index += 1
    return parsed


def _top_level_manifests(directory: str) -> list[str]:
    """The manifest files directly in ``directory`` (kubectl's ``-f DIR`` without ``-R``)."""
    names = sorted(
        entry.name
        for entry in os.scandir(directory)
        if not entry.name.startswith(".") and entry.is_file() and entry.name.lower().endswith(MANIFEST_SUFFIXES)
    )
    if not names:
        raise PluginUsageError(
            f"{directory} has no *.yaml, *.yml or *.json file at its top level; add -R to read its subdirectories"
        )
    return [os.path.join(directory, name) for name in names]


def _paths(filenames: list[str], recursive: bool) -> list[str]:
    paths: list[str] = []
    for name in filenames:
        if "://" in name:
            raise PluginUsageError(f"-f {name}: kubelint reads local files and standard input only, never URLs")
        if name != STDIN and os.path.isdir(name) and not recursive:
            paths.extend(_top_level_manifests(name))
        else:
            paths.append(name)
    return paths


def translate(argv: list[str]) -> list[str]:
    """kubectl-style arguments -> the arguments of the kubelint command line."""
    if not argv or argv[0] in HELP:
        return argv or ["--help"]
    parsed = parse(argv)
    args = [parsed.command, *_paths(parsed.filenames, parsed.recursive)]
    if parsed.namespace is not None:
        args += ["--default-namespace", parsed.namespace]
    return args + parsed.rest


def main(argv: list[str] | None = None) -> None:
    """Console-script entry point of ``kubectl-kubelint``."""
    from kubelint.cli import app

    argv = sys.argv[1:] if argv is None else argv
    try:
        args = translate(argv)
    except PluginUsageError as error:
        print(f"kubectl-kubelint: error: {error}", file=sys.stderr)
        raise SystemExit(2) from None
    if args == ["--help"]:
        sys.stdout.write(USAGE)
    app(args=args, prog_name=PROG)
