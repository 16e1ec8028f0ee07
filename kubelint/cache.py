"""The result cache: a re-run over unchanged files costs a hash and a read per file.

What is cached is each file's per-file result (its resources with their
positions, and the findings of loading, shape and per-resource rules; see
:mod:`kubelint.perfile`), never a finding that depends on other files:
cross-object rules, suppression and the plan run again on every run, over
the cached resources, so they stay right when only some files changed.

An entry's key is a SHA-256 over everything the result depends on:
kubelint's version and code, the result format, the Kubernetes version, the
configuration and rule set (:meth:`FileChecker.fingerprint`), extra schema
folders, the file's name as findings show it, and its content. Entries are
JSON files (reading one never runs code), written to a temporary name and
renamed into place, so concurrent runs never see half an entry. The folder
stays bounded: now and then, entries unused for PRUNE_AFTER_DAYS go, then
the least recently used beyond MAX_BYTES.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable

from kubelint import __version__
from kubelint.loader import FileResult
from kubelint.packing import FORMAT, unpack

MAX_BYTES = 1 << 30
"""Entries beyond this total size are pruned, least recently used first."""
PRUNE_AFTER_DAYS = 30
PRUNE_EVERY_SECONDS = 24 * 3600
TOUCH_AFTER_SECONDS = 24 * 3600
"""An entry read is marked used (its mtime) at most this often: a hit costs no write."""
_MARKER = "last-prune"


def default_cache_dir() -> Path:
    """``results/`` under kubelint's cache folder (``$XDG_CACHE_HOME/kubelint``)."""
    from kubelint.datafiles import cache_dir

    return cache_dir() / "results"


def _tree_stats(roots: Iterable[Path], suffixes: tuple[str, ...] | None = None) -> str:
    """Names, sizes and modification times of the files under ``roots``."""
    digest = hashlib.sha256()
    for root in roots:
        for folder, subfolders, names in os.walk(root):
            subfolders[:] = sorted(d for d in subfolders if d != "__pycache__")
            for name in sorted(names):
                if suffixes is None or name.endswith(suffixes):
                    info = os.stat(os.path.join(folder, name))
                    digest.update(f"{folder}/{name}\0{info.st_size}\0{info.st_mtime_ns}\0".encode())
    return digest.hexdigest()


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """kubelint's version, its code and its bundled data: an edited source tree
    (an editable install) must not reuse what older code computed."""
    from kubelint.datafiles import data_dir

    package = Path(__file__).resolve().parent
    data = []
    for name in ("rules", "schemas"):
        try:
            data.append(data_dir(name))
        except FileNotFoundError:
            pass
    return f"{__version__}:{FORMAT}:{_tree_stats([package], ('.py', '.json', '.yaml'))}:{_tree_stats(data)}"


class ResultCache:
    """Per-file results of one configuration, in ``directory``."""

    def __init__(self, directory: str | Path, run_fingerprint: str, watched_dirs: Iterable[str] = ()) -> None:
        self.directory = Path(directory)
        watched = _tree_stats(Path(d) for d in watched_dirs if os.path.isdir(d))
        self.run_key = hashlib.sha256(f"{code_fingerprint()}\0{run_fingerprint}\0{watched}".encode()).digest()
        self.written = 0

    def key(self, file: str, data: bytes) -> str:
        digest = hashlib.sha256(self.run_key)
        digest.update(file.encode("utf-8", "surrogateescape") + b"\0")
        digest.update(data)
        return digest.hexdigest()

    def _path(self, key: str) -> Path:
        return self.directory / key[:2] / f"{key[2:]}.json"

    def get(self, key: str, file: str) -> FileResult | None:
        """The cached result for ``key``, or None (missing or unreadable: the file is checked again)."""
        path = self._path(key)
        try:
            with open(path, "rb") as handle:
                packed = json.loads(handle.read())
                modified = os.fstat(handle.fileno()).st_mtime
            result = unpack(packed, file)
        except (OSError, ValueError, KeyError, TypeError, IndexError):
            return None
        if time.time() - modified > TOUCH_AFTER_SECONDS:
            try:
                os.utime(path)
            except OSError:
                pass
        return result

    def put(self, key: str, packed: dict[str, Any]) -> None:
        """Store ``packed`` atomically; a cache that cannot be written is no cache, not an error."""
        path = self._path(key)
        temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            temporary.write_text(json.dumps(packed, separators=(",", ":")), encoding="utf-8")
            os.replace(temporary, path)
            self.written += 1
        except (OSError, ValueError):
            try:
                temporary.unlink(missing_ok=True)
            except OSError:
                pass

    def prune_now_and_then(self) -> None:
        """After a run that wrote entries, at most once a day: keep the folder bounded."""
        marker = self.directory / _MARKER
        try:
            if not self.written or time.time() - marker.stat().st_mtime < PRUNE_EVERY_SECONDS:
                return
        except FileNotFoundError:
            pass
        except OSError:
            return
        try:
            marker.touch()
        except OSError:
            return
        prune(self.directory)


def prune(directory: Path, max_bytes: int = MAX_BYTES, max_age_days: float = PRUNE_AFTER_DAYS) -> int:
    """Delete entries unused for ``max_age_days``, then the least recently used beyond ``max_bytes``;
    how many were deleted. Entries another run deletes meanwhile are skipped."""
    now = time.time()
    entries = []
    deleted = 0
    for path in directory.glob("??/.*.tmp"):  # left by a run that was killed while writing
        try:
            if now - path.stat().st_mtime > PRUNE_EVERY_SECONDS:
                deleted += _unlink(path)
        except OSError:
            continue
    for path in directory.glob("??/*.json"):
        try:
            info = path.stat()
        except OSError:
            continue
        if now - info.st_mtime > max_age_days * 86400:
            deleted += _unlink(path)
        else:
            entries.append((info.st_mtime, info.st_size, path))
    total = sum(size for _, size, _ in entries)
    for _, size, path in sorted(entries, key=lambda entry: entry[0]):
        if total <= max_bytes:
            break
        deleted += _unlink(path)
        total -= size
    return deleted


def _unlink(path: Path) -> int:
    try:
        path.unlink()
        return 1
    except OSError:
        return 0
