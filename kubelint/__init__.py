"""kubelint: a Kubernetes manifest linter, validator and dry-run planner.

The library API mirrors the CLI: ``kubelint.check(paths)`` returns a
:class:`kubelint.model.Report`. Heavy modules are imported lazily so that a
one-file run starts fast.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:  # pragma: no cover - typing only
    from kubelint.model import Report


def check(paths: list[str], **options: Any) -> "Report":
    """Load, validate and lint ``paths`` (files, directories or ``-``).

    Keyword options are those of :class:`kubelint.pipeline.Options`.
    """
    from kubelint.pipeline import Options, run_check

    return run_check(list(paths), Options(**options))


__all__ = ["__version__", "check"]
