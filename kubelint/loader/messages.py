"""Human messages for YAML syntax errors.

libyaml says *what* it could not parse ("mapping values are not allowed in
this context"); a person wants to know *why* and what to change. Each
explanation below looks at the offending line and the one above it.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import yaml

if TYPE_CHECKING:  # pragma: no cover - typing only
    from kubelint.loader.yamldoc import YamlProblem

_KEY_SCALAR = re.compile(r"^(\s*)(?:-\s+)?([^\s#][^:#]*?):\s+([^\s#|>&*!{\[].*?)\s*(?:#.*)?$")
_BLANK_OR_COMMENT = re.compile(r"^\s*(#.*)?$")


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _previous_content_line(lines: list[str], index: int) -> int | None:
    for number in range(index - 1, -1, -1):
        if not _BLANK_OR_COMMENT.match(lines[number]):
            return number
    return None


def _quote_hint(char: str) -> str:
    hints = {
        "*": "'*' starts an alias (*name); quote values that begin with it, e.g. \"*.example.com\"",
        "&": "'&' starts an anchor (&name); quote values that begin with it",
        "@": "'@' is reserved in YAML and cannot start a plain value; quote the value",
        "`": "'`' is reserved in YAML and cannot start a plain value; quote the value",
        "%": "'%' starts a directive; quote values that begin with it",
        "!": "'!' starts a tag; quote values that begin with it",
    }
    return hints.get(char, f"{char!r} cannot start a value here; quote the value")


def _mapping_value_message(lines: list[str], row: int, column: int) -> str:
    line = lines[row] if row < len(lines) else ""
    before = _previous_content_line(lines, row)
    key = line.strip().split(":", 1)[0].lstrip("- ").strip()
    if before is not None:
        above = lines[before]
        match = _KEY_SCALAR.match(above)
        if match and _indent(line) > _indent(above):
            parent = match.group(2).strip()
            return (
                f'"{key}:" is indented under "{parent}: {match.group(3)}" (line {before + 1}), '
                f"but a plain value cannot hold nested keys; move \"{key}:\" back to the "
                f'indentation of "{parent}:" or make "{parent}:" a mapping'
            )
        if ":" not in above.split("#", 1)[0] and _indent(line) >= _indent(above) and not above.strip().startswith("-"):
            return (
                f'line {before + 1} ("{above.strip()}") has no ": " after its key, so it runs into '
                f"this line; write it as \"key: value\""
            )
    head = line[:column]
    if ": " in head.strip() or head.rstrip().endswith(":") and head.count(":") > 1:
        return 'a value contains ": "; quote the whole value (e.g. command: "echo a: b")'
    return (
        "a \"key: value\" appears where a plain value continues; fix the indentation of this line "
        'or quote the value if it contains ": "'
    )


def explain(error: yaml.MarkedYAMLError, lines: list[str], line_offset: int) -> str:
    """One human sentence (or two) for a libyaml error."""
    problem = error.problem or "syntax error"
    mark = error.problem_mark
    row, column = (mark.line, mark.column) if mark else (0, 0)
    char = lines[row][column] if row < len(lines) and column < len(lines[row]) else ""
    context = error.context or ""
    context_mark = error.context_mark
    context_line = context_mark.line + 1 + line_offset if context_mark else None
    if "tab" in problem or char == "\t":
        return "tab character used for indentation; YAML allows only spaces: replace the tab with spaces"
    if problem.startswith("mapping values are not allowed"):
        return _mapping_value_message(lines, row, column)
    if problem == "found character that cannot start any token":
        return _quote_hint(char)
    if "while scanning an alias" in context or "while scanning an anchor" in context:
        start = lines[context_mark.line][context_mark.column] if context_mark else "*"
        return _quote_hint(start)
    if problem == "found undefined alias":
        name = lines[row][column:].split()[0] if row < len(lines) else "*"
        return (
            f"alias {name} refers to no anchor &{name.lstrip('*')} defined before it in this document; "
            "quote the value if it is not meant as an alias"
        )
    if problem == "block sequence entries are not allowed in this context":
        return 'a list ("- ") cannot start on the same line as its key; put each item on its own line, indented'
    if problem == "did not find expected key":
        text = lines[row].strip() if row < len(lines) else ""
        if text.startswith("-"):
            return (
                f"this list item is not aligned with the list or mapping that starts at line {context_line}; "
                "align the \"- \" with the other items"
            )
        return (
            f"this line is not aligned with the keys of the mapping that starts at line {context_line}; "
            "fix its indentation (or that of the line above)"
        )
    if problem.startswith("could not find expected ':'"):
        return (
            f'a key at line {context_line} is missing its ":", or a multi-line value is not indented '
            "under its key"
        )
    if problem == "found unexpected end of stream" and "quoted scalar" in context:
        return f"the quoted string that starts at line {context_line} is never closed; add the closing quote"
    if problem.startswith("did not find expected ',' or"):
        bracket = problem[-2]
        return (
            f"the {'list' if bracket == ']' else 'mapping'} opened at line {context_line} is not closed; "
            f"add '{bracket}' (or a ',' between items)"
        )
    if problem.startswith("expected <block end>"):
        return "this line does not fit the indentation of the block above it; align it with its siblings"
    if "expected <document start>" in problem:
        return "text after the end of the document; is a ':' missing, or is this line not indented?"
    where = f" ({context} at line {context_line})" if context and context_line else ""
    return f"{problem}{where}"


def syntax_problem(error: yaml.MarkedYAMLError, chunk: str, line_offset: int) -> "YamlProblem":
    """A ``yaml-syntax`` problem at the error's position in the file."""
    from kubelint.loader.yamldoc import YamlProblem

    lines = chunk.split("\n")
    context = error.context or ""
    starts_at_context = "scanning an alias" in context or "scanning an anchor" in context
    mark = (error.context_mark if starts_at_context else None) or error.problem_mark or error.context_mark
    row, column = (mark.line, mark.column) if mark else (0, 0)
    return YamlProblem("yaml-syntax", explain(error, lines, line_offset), row + 1 + line_offset, column + 1)


def reader_problem(error: yaml.reader.ReaderError, chunk: str, line_offset: int) -> "YamlProblem":
    """A character YAML does not allow (control characters), at its position."""
    from kubelint.loader.yamldoc import YamlProblem

    before = chunk[: error.position]
    row = before.count("\n")
    column = len(before) - (before.rfind("\n") + 1)
    return YamlProblem(
        "yaml-syntax",
        f"control character #x{error.character:04x} is not allowed in YAML; remove it or escape it "
        'inside a double-quoted string ("\\x07")',
        row + 1 + line_offset,
        column + 1,
    )
