"""Which files to read: paths as given, directories walked, ``-`` for stdin.

Directories are walked recursively for ``*.yaml``, ``*.yml`` and ``*.json``
in sorted order, skipping hidden entries and never following a symlink into
a directory already visited. A file named explicitly is always read,
whatever its extension.
"""

from __future__ import annotations

import fnmatch
import os
from dataclasses import dataclass, field
from pathlib import PurePosixPath

MANIFEST_SUFFIXES = (".yaml", ".yml", ".json")
STDIN = "-"


@dataclass(frozen=True, slots=True)
class Input:
    """A file to read: ``display`` is how findings name it (``-`` for stdin)."""

    display: str
    path: str | None  # None for standard input
    explicit: bool = True


@dataclass(slots=True)
class Discovery:
    inputs: list[Input] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    empty_dirs: list[str] = field(default_factory=list)


def _display(path: str) -> str:
    return os.path.normpath(path).replace(os.sep, "/")


def is_excluded(display: str, patterns: list[str]) -> bool:
    """A glob matches the path, its file name, or any of its directories; an
    absolute glob (a configuration file's, anchored at its directory) matches
    the absolute path, whatever the working directory."""
    if not patterns:
        return False
    parts = PurePosixPath(display).parts
    absolute = None
    for pattern in patterns:
        if pattern.startswith("/"):
            absolute = absolute or os.path.abspath(display).replace(os.sep, "/")
            if fnmatch.fnmatch(absolute, pattern):
                return True
        elif fnmatch.fnmatch(display, pattern) or any(fnmatch.fnmatch(part, pattern) for part in parts):
            return True
    return False


def _walk(root: str, excludes: list[str]) -> list[str]:
    found: list[str] = []
    visited: set[tuple[int, int]] = set()
    stack = [root]
    while stack:
        directory = stack.pop()
        try:
            info = os.stat(directory)
        except OSError:
            continue
        identity = (info.st_dev, info.st_ino)
        if identity in visited:
            continue  # a symlink loop or a second link to the same directory
        visited.add(identity)
        try:
            entries = sorted(os.scandir(directory), key=lambda entry: entry.name)
        except OSError:
            continue
        subdirs: list[str] = []
        for entry in entries:
            if entry.name.startswith("."):
                continue
            path = os.path.join(directory, entry.name)
            if is_excluded(_display(path), excludes):
                continue
            try:
                is_dir = entry.is_dir()  # follows symlinks
            except OSError:
                continue
            if is_dir:
                subdirs.append(path)
            elif entry.name.lower().endswith(MANIFEST_SUFFIXES):
                found.append(path)
        stack.extend(reversed(subdirs))
    return found


def discover(paths: list[str], excludes: list[str] | None = None) -> Discovery:
    """Expand command-line paths into the files to read, in a stable order."""
    excludes = list(excludes or [])
    result = Discovery()
    seen: set[str] = set()
    for raw in paths:
        if raw == STDIN:
            if STDIN not in seen:
                seen.add(STDIN)
                result.inputs.append(Input(STDIN, None))
            continue
        if os.path.isdir(raw):
            files = sorted(_walk(raw, excludes), key=_display)
            if not files:
                result.empty_dirs.append(_display(raw))
            for path in files:
                display = _display(path)
                if display not in seen:
                    seen.add(display)
                    result.inputs.append(Input(display, path, explicit=False))
        elif os.path.lexists(raw):
            display = _display(raw)
            if display not in seen and not is_excluded(display, excludes):
                seen.add(display)
                result.inputs.append(Input(display, raw))
        else:
            result.missing.append(raw)
    return result
