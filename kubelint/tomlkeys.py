"""Line and column of a key or value in TOML text.

``tomllib`` gives data without positions, but an error in
``[tool.kubelint]`` must name its line like an error in ``.kubelint.yaml``
does. This reads the text once more, the cheap way: table headers and
``key =`` lines give the position of each key path; what is deeper (keys of
inline tables, items of arrays) is found by searching forward for the key or
the offending value. Only an error message pays for it.
"""

from __future__ import annotations

import re
from typing import Any

_BARE_OR_QUOTED = r'(?:[A-Za-z0-9_-]+|"[^"\n]*"|\'[^\'\n]*\')'
_DOTTED = rf"{_BARE_OR_QUOTED}(?:\s*\.\s*{_BARE_OR_QUOTED})*"
_HEADER = re.compile(rf"^[ \t]*(\[\[?)[ \t]*({_DOTTED})[ \t]*\]\]?")
_KEY = re.compile(rf"^[ \t]*({_DOTTED})[ \t]*=")
_PART = re.compile(_BARE_OR_QUOTED)
_ASSIGNMENT = re.compile(r"[^=\n\[]*=[ \t]*")

Path = tuple[Any, ...]


def split_key(dotted: str) -> tuple[str, ...]:
    """``tool."kubelint".select`` -> ``("tool", "kubelint", "select")``."""
    return tuple(part.strip("\"'") for part in _PART.findall(dotted))


def _key_positions(text: str) -> list[tuple[Path, int]]:
    """(full key path, offset of the key) of every table header and ``key =`` line."""
    found: list[tuple[Path, int]] = []
    table: Path = ()
    array_counts: dict[Path, int] = {}
    offset = 0
    for line in text.splitlines(keepends=True):
        header = _HEADER.match(line)
        if header:
            table = split_key(header.group(2))
            if header.group(1) == "[[":
                index = array_counts.get(table, 0)
                array_counts[table] = index + 1
                table = table + (index,)
            found.append((table, offset + header.start(2)))
        else:
            key = _KEY.match(line)
            if key:
                found.append((table + split_key(key.group(1)), offset + key.start(1)))
        offset += len(line)
    return found


def _line_column(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def locate(text: str, path: Path, value: Any = None, *, at_value: bool = False) -> tuple[int, int]:
    """1-based (line, column) of ``path`` (a full key path such as
    ``("tool", "kubelint", "severity", "latest-tag")``), as deep as the text
    shows it; ``value``, when a string, is searched for after the deepest key
    found (the offending item of an array). ``at_value``: point past the
    key's ``=``, at its value.
    """
    best: tuple[int, int] | None = None  # (matched parts, offset)
    for key_path, offset in _key_positions(text):
        if path[: len(key_path)] == key_path and (best is None or len(key_path) >= best[0]):
            best = (len(key_path), offset)
    if best is None:
        return 1, 1
    matched, offset = best
    for part in path[matched:]:
        if not isinstance(part, str):
            continue
        found = re.compile(rf"(?<![\w-])[\"']?{re.escape(part)}[\"']?[ \t]*=").search(text, offset)
        if found is None:
            break
        offset = found.start()
    if at_value:
        assignment = _ASSIGNMENT.match(text, offset)
        if assignment is not None:
            offset = assignment.end()
    if isinstance(value, str):
        quoted = re.compile(rf"[\"']{re.escape(value)}[\"']").search(text, offset)
        if quoted is not None:
            offset = quoted.start()
    return _line_column(text, offset)
