"""kubelint's own YAML files (rule files, cluster profiles, configuration).

Each is one YAML mapping checked against a JSON Schema, and a mistake in one
must be reported like a finding: file, line, column and what is wrong. This
module does that once for all of them.
"""

from __future__ import annotations

from typing import Any

from kubelint.loader.sourcemap import SourceMap
from kubelint.loader.yamldoc import YamlDocument, parse_stream


class DataFileError(Exception):
    """A kubelint data file that cannot be used, with where it is wrong."""

    def __init__(self, file: str, line: int, column: int, message: str) -> None:
        super().__init__(f"{file}:{line}:{column}: {message}")
        self.file, self.line, self.column, self.message = file, line, column, message


def read_mapping(text: str, file: str, what: str) -> YamlDocument:
    """The single YAML mapping in ``text``; ``what`` names it in errors (``a rule file``)."""
    documents = list(parse_stream(text))
    for item in documents:
        if not isinstance(item, YamlDocument):
            raise DataFileError(file, item.line, item.column, item.message)
    if len(documents) != 1 or not isinstance(documents[0].data, dict):
        raise DataFileError(file, 1, 1, f"{what} must hold exactly one YAML mapping")
    document = documents[0]
    for problem in document.problems:
        raise DataFileError(file, problem.line, problem.column, problem.message)
    return document


def error_at(file: str, source_map: SourceMap, path: tuple[Any, ...], message: str, *, key: bool = False) -> DataFileError:
    """An error about the field at ``path`` of a data file."""
    line, column = source_map.locate(path, key=key)
    return DataFileError(file, line, column, message)


def check_schema(document: YamlDocument, validator: Any, file: str) -> None:
    """Raise at the first field that breaks the file's JSON Schema."""
    for error in validator.iter_errors(document.data):
        path = tuple(error.instance_path)
        where = ".".join(str(part) for part in path) or "the file"
        raise error_at(file, document.source_map, path, f"{where}: {error.message}")
