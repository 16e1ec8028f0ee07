"""Reporters: one module per output format, each a ``render(report, ...)``.

Reporters only format; they never decide what is a problem. Every format
prints findings in the report's order (sorted by file, line, column), so the
same input gives the same bytes.
"""

from __future__ import annotations

import importlib
from typing import Any

from kubelint.model import Report

FORMATS: dict[str, str] = {
    "text": "kubelint.report.text",
    "json": "kubelint.report.json",
    "sarif": "kubelint.report.sarif",
    "junit": "kubelint.report.junit",
    "github": "kubelint.report.github",
    "gitlab": "kubelint.report.gitlab",
    "markdown": "kubelint.report.markdown",
}


def render(report: Report, format: str, **options: Any) -> str:
    """The report in ``format``; ``options`` are format-specific (e.g. ``color``)."""
    module = importlib.import_module(FORMATS[format])
    return module.render(report, **options)
