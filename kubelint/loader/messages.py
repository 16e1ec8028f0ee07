"""Human messages for YAML syntax errors.

libyaml says *what* it could not parse ("mapping values are not allowed in
this context"); a person wants to know *why* and what to change. Each
explanation below looks at the offending line and the one above it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

import yaml

if TYPE_CHECKING:  # pragma: no cover - typing only
    from kubelint.loader.yamldoc import YamlProblem


@dataclass(slots=True)
class Explanation:
    """A message, and the 0-based position it is about when that is not libyaml's mark."""

    message: str
    row: int | None = None
    column: int | None = None

_VALUE_START = re.compile(r"^\s*(?:-\s+)*(?:[^\s#\"'][^#]*?:\s+|[\"'][^\"']*[\"']:\s+)?(?=[\"'])")
_KEY_SCALAR = re.compile(r"^(\s*)(?:-\s+)?([^\s#][^:#]*?):\s+([^\s#|>&*!{\[].*?)\s*(?:#.*)?$")
_BLANK_OR_COMMENT = re.compile(r"^\s*(#.*)?$")


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _previous_content_line(lines: list[str], index: int) -> int | None:
    for number in range(index - 1, -1, -1):
        if not _BLANK_OR_COMMENT.match(lines[number]):
            return number
    return None


# What libyaml says when a quoted value left open swallowed the next lines.
_QUOTE_SYMPTOMS = (
    "did not find expected key",
    "could not find expected ':'",
    "mapping values are not allowed",
    "expected <block end>",
)


def _unclosed_quote(line: str) -> int | None:
    """Column of a quoted value that does not close on its line, if any."""
    start = _VALUE_START.match(line)
    if start is None:
        return None
    column = start.end()
    quote = line[column]
    index = column + 1
    while index < len(line):
        char = line[index]
        if quote == '"' and char == "\\":
            index += 2
            continue
        if char == quote:
            if quote == "'" and line[index + 1 : index + 2] == "'":
                index += 2  # '' is an escaped quote inside single quotes
                continue
            return None
        index += 1
    return column


def _open_quote_above(lines: list[str], row: int, first: int) -> tuple[int, int] | None:
    """(row, column) of the nearest quoted value above ``row`` left open on its line."""
    for number in range(row - 1, max(first, row - 20) - 1, -1):
        column = _unclosed_quote(lines[number])
        if column is not None:
            return number, column
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


def _mapping_value_message(lines: list[str], row: int, column: int) -> Explanation:
    line = lines[row] if row < len(lines) else ""
    before = _previous_content_line(lines, row)
    key = line.strip().split(":", 1)[0].lstrip("- ").strip()
    if before is not None:
        above = lines[before]
        match = _KEY_SCALAR.match(above)
        if match and _indent(line) > _indent(above):
            parent = match.group(2).strip()
            return Explanation(
                f'"{key}:" is indented under "{parent}: {match.group(3)}" (line {before + 1}), '
                f"but a plain value cannot hold nested keys; move \"{key}:\" back to the "
                f'indentation of "{parent}:" or make "{parent}:" a mapping',
                row,
                _indent(line),
            )
        if ":" not in above.split("#", 1)[0] and _indent(line) >= _indent(above) and not above.strip().startswith("-"):
            return Explanation(
                f'line {before + 1} ("{above.strip()}") has no ": " after its key, so it runs into '
                f"this line; write it as \"key: value\""
            )
    head = line[:column]
    if ": " in head.strip() or head.rstrip().endswith(":") and head.count(":") > 1:
        return Explanation('a value contains ": "; quote the whole value (e.g. command: "echo a: b")')
    return Explanation(
        "a \"key: value\" appears where a plain value continues; fix the indentation of this line "
        'or quote the value if it contains ": "'
    )


def explain(error: yaml.MarkedYAMLError, lines: list[str], line_offset: int) -> Explanation:
    """One human sentence (or two) for a libyaml error, and where it really is."""
    problem = error.problem or "syntax error"
    mark = error.problem_mark
    row, column = (mark.line, mark.column) if mark else (0, 0)
    char = lines[row][column] if row < len(lines) and column < len(lines[row]) else ""
    context = error.context or ""
    context_mark = error.context_mark
    context_line = context_mark.line + 1 + line_offset if context_mark else None
    opened = None
    if problem.startswith(_QUOTE_SYMPTOMS):
        opened = _open_quote_above(lines, row, context_mark.line if context_mark else 0)
    if opened is not None:
        quote_row, quote_column = opened
        return Explanation(
            f"the quoted value that starts here is not closed on its line, so YAML reads on to the "
            f"next quote and fails at line {row + 1 + line_offset}; add the closing quote",
            quote_row,
            quote_column,
        )
    if "tab" in problem or char == "\t":
        return Explanation("tab character used for indentation; YAML allows only spaces: replace the tab with spaces")
    if problem.startswith("mapping values are not allowed"):
        return _mapping_value_message(lines, row, column)
    if problem == "found character that cannot start any token":
        return Explanation(_quote_hint(char))
    if "while scanning an alias" in context or "while scanning an anchor" in context:
        start = lines[context_mark.line][context_mark.column] if context_mark else "*"
        return Explanation(_quote_hint(start))
    if problem == "found undefined alias":
        name = lines[row][column:].split()[0] if row < len(lines) else "*"
        return Explanation(
            f"alias {name} refers to no anchor &{name.lstrip('*')} defined before it in this document; "
            "quote the value if it is not meant as an alias"
        )
    if problem == "block sequence entries are not allowed in this context":
        return Explanation('a list ("- ") cannot start on the same line as its key; put each item on its own line, indented')
    if problem == "did not find expected key" and row < len(lines) and lines[row][:column].rstrip().endswith(("}", "]")):
        bracket = "{" if lines[row][:column].rstrip().endswith("}") else "["
        return Explanation(
            f"a value that starts with '{bracket}' is read as a flow {'mapping' if bracket == '{' else 'list'}, "
            "and text follows its closing bracket; quote the whole value (a template placeholder "
            "such as {NAME} must be rendered first)"
        )
    if problem == "did not find expected key":
        text = lines[row].strip() if row < len(lines) else ""
        if text.startswith("-"):
            return Explanation(
                f"this list item is not aligned with the list or mapping that starts at line {context_line}; "
                "align the \"- \" with the other items"
            )
        return Explanation(
            f"this line is not aligned with the keys of the mapping that starts at line {context_line}; "
            "fix its indentation (or that of the line above)"
        )
    if problem.startswith("could not find expected ':'"):
        return Explanation(
            f'a key at line {context_line} is missing its ":", or a multi-line value is not indented '
            "under its key"
        )
    if problem == "found unexpected end of stream" and "quoted scalar" in context:
        return Explanation(f"the quoted string that starts at line {context_line} is never closed; add the closing quote")
    if problem.startswith("did not find expected ',' or"):
        bracket = problem[-2]
        return Explanation(
            f"the {'list' if bracket == ']' else 'mapping'} opened at line {context_line} is not closed; "
            f"add '{bracket}' (or a ',' between items)"
        )
    if problem.startswith("expected <block end>"):
        return Explanation("this line does not fit the indentation of the block above it; align it with its siblings")
    if "expected <document start>" in problem:
        return Explanation("text after the end of the document; is a ':' missing, or is this line not indented?")
    where = f" ({context} at line {context_line})" if context and context_line else ""
    return Explanation(f"{problem}{where}")


def syntax_problem(error: yaml.MarkedYAMLError, chunk: str, line_offset: int) -> "YamlProblem":
    """A ``yaml-syntax`` problem at the error's position in the file."""
    from kubelint.loader.yamldoc import YamlProblem

    lines = chunk.split("\n")
    context = error.context or ""
    starts_at_context = "scanning an alias" in context or "scanning an anchor" in context
    mark = (error.context_mark if starts_at_context else None) or error.problem_mark or error.context_mark
    row, column = (mark.line, mark.column) if mark else (0, 0)
    explanation = explain(error, lines, line_offset)
    if explanation.row is not None:
        row, column = explanation.row, explanation.column or 0
    return YamlProblem("yaml-syntax", explanation.message, row + 1 + line_offset, column + 1)


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
