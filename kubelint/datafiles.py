"""Where the bundled data folders (``rules/``, ``schemas/``) are at run time.

In a source checkout or an editable install they sit beside the package; a
wheel carries them inside it as ``kubelint/_data/<name>`` (see the
``force-include`` table in pyproject.toml).
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


@lru_cache(maxsize=None)
def data_dir(name: str) -> Path:
    """The bundled ``rules`` or ``schemas`` folder."""
    for candidate in (_PACKAGE / "_data" / name, _PACKAGE.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"kubelint's bundled {name}/ folder is missing from {_PACKAGE}")


def cache_dir() -> Path:
    """Default cache folder: ``$XDG_CACHE_HOME/kubelint`` or ``~/.cache/kubelint``."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "kubelint"
