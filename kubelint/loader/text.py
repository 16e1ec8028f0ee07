"""Bytes -> text, or a problem saying why the bytes are not a manifest.

YAML streams are UTF-8, or UTF-16/32 with a byte-order mark. Anything else
(binary files, Latin-1 text) is reported at the offending byte's line and
column instead of raising.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


@dataclass(slots=True)
class DecodeProblem:
    message: str
    line: int
    column: int


def decode(data: bytes) -> str | DecodeProblem:
    """The text of a manifest file, without a byte-order mark."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom) :].decode(encoding)
            except UnicodeDecodeError as error:
                return _problem(data, error.start + len(bom), f"invalid {encoding} data")
    if b"\x00" in data:
        line, column = _position(data, data.index(b"\x00"))
        return DecodeProblem(
            "binary file (it contains NUL bytes), not a YAML or JSON manifest", line, column
        )
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        return _problem(data, error.start, f"invalid UTF-8 byte 0x{data[error.start]:02x}")


def _position(data: bytes, offset: int) -> tuple[int, int]:
    line = data.count(b"\n", 0, offset) + 1
    line_start = data.rfind(b"\n", 0, offset) + 1
    column = len(data[line_start:offset].decode("utf-8", errors="replace")) + 1
    return line, column


def _problem(data: bytes, offset: int, what: str) -> DecodeProblem:
    line, column = _position(data, offset)
    return DecodeProblem(
        f"{what}; YAML files must be UTF-8 (or UTF-16/32 with a byte-order mark): "
        "re-save the file as UTF-8",
        line,
        column,
    )
