"""What a plan compares the manifests with: the base.

``kubelint plan`` takes at most one base:

- ``--base DIR_OR_FILE``: other manifests (the last release, another
  branch checked out elsewhere);
- ``--base-ref GIT_REF``: the same paths at a git revision, read with git
  itself (``git ls-tree`` and ``git cat-file``), never by checking it out;
- ``--state FILE``: a world saved by ``kubelint plan --save-state``
  (kubelint.plan.state);
- ``--live FILE``: ``kubectl get -o yaml`` output from a real cluster
  (kubelint.plan.live).

Without one the base is the empty cluster. Each gives the base's objects and,
for a state or a live cluster, the pins of what it already allocated and
runs; the base world is reconciled from them by the same reconciler as the
new one. A base that cannot be read is a :class:`BaseError`, which the CLI
reports as a usage error.
"""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass, field
from typing import Callable

from kubelint.loader import load, load_bytes
from kubelint.loader.discover import MANIFEST_SUFFIXES, STDIN, is_excluded
from kubelint.model import Finding, Resource
from kubelint.reconcile.pins import Pins
from kubelint.reconcile.profile import ClusterProfile

KINDS = ("base", "base-ref", "state", "live")


class BaseError(Exception):
    """A base that cannot be read: the message says which and why."""


@dataclass(frozen=True, slots=True)
class BaseSpec:
    """The base the command line asks for: one of KINDS, and its argument."""

    kind: str
    value: str


@dataclass(slots=True)
class Base:
    description: str
    """How the plan names its base: ``HEAD~1``, ``the state plan.json``..."""
    resources: list[Resource] = field(default_factory=list)
    pins: Pins | None = None
    findings: list[Finding] = field(default_factory=list)
    """What loading the base reported (a base file that does not parse...)."""
    profile_for: Callable[[ClusterProfile], ClusterProfile] | None = None
    """The cluster the plan runs on, from the one asked for (live: on the live cluster's nodes)."""
    applier: Callable[[list[Resource]], list[Resource]] | None = None
    """How ``kubectl apply`` turns the new manifests into the objects the cluster holds (live: merged into them)."""

    def profile(self, profile: ClusterProfile) -> ClusterProfile:
        return self.profile_for(profile) if self.profile_for is not None else profile

    def applied(self, resources: list[Resource]) -> list[Resource]:
        return self.applier(resources) if self.applier is not None else resources


def empty() -> Base:
    return Base("the empty cluster")


def from_manifests(path: str, excludes: list[str]) -> Base:
    """``--base DIR_OR_FILE``."""
    if path == STDIN or not os.path.exists(path):
        raise BaseError(f"--base {path}: no such file or directory")
    loaded = load([path], excludes)
    return Base(path, loaded.resources, findings=loaded.findings)


def _git(directory: str, *arguments: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    try:
        return subprocess.run(["git", "-C", directory, *arguments], input=stdin, capture_output=True, check=False)
    except OSError as error:
        raise BaseError(f"--base-ref needs git: {error.strerror or error}") from None


def _top(path: str, ref: str) -> str:
    """The work tree that holds ``path``, checking that ``ref`` names a commit in it."""
    directory = path if os.path.isdir(path) else os.path.dirname(os.path.abspath(path))
    found = _git(directory, "rev-parse", "--show-toplevel")
    if found.returncode != 0:
        raise BaseError(f"--base-ref {ref}: {path} is not inside a git repository")
    top = found.stdout.decode().strip()
    if _git(top, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}").returncode != 0:
        raise BaseError(f"--base-ref {ref}: no such revision in the git repository {top}")
    return top


def _files_at(top: str, ref: str, path: str, excludes: list[str]) -> list[tuple[str, str]]:
    """(path in the repository, path as the plan names it) of the manifests under ``path`` at ``ref``.

    The same choice as for files on disk (kubelint.loader.discover): a file
    named is read whatever its name; a directory gives its ``*.yaml``,
    ``*.yml`` and ``*.json`` files, hidden entries skipped.
    """
    relative = os.path.relpath(os.path.abspath(path), top).replace(os.sep, "/")
    pathspec = [] if relative == "." else ["--", relative]
    listing = _git(top, "ls-tree", "-r", "-z", ref, *pathspec)
    files = []
    for entry in filter(None, listing.stdout.decode().split("\0")):
        info, name = entry.split("\t", 1)
        if info.split()[0] == "120000":  # a symbolic link: git stores its target, not a manifest
            continue
        if name == relative:
            files.append((name, os.path.normpath(path).replace(os.sep, "/")))
            continue
        inside = name if relative == "." else name[len(relative) + 1 :]
        if any(part.startswith(".") for part in inside.split("/")) or not name.lower().endswith(MANIFEST_SUFFIXES):
            continue
        display = os.path.normpath(os.path.join(path, inside)).replace(os.sep, "/")
        if not is_excluded(display, excludes):
            files.append((name, display))
    return sorted(files, key=lambda pair: pair[1])


def _contents(top: str, ref: str, names: list[str]) -> list[bytes]:
    """The blobs at ``ref`` in one ``git cat-file --batch``."""
    answer = _git(top, "cat-file", "--batch", stdin="".join(f"{ref}:{name}\n" for name in names).encode()).stdout
    out, position = [], 0
    for _ in names:
        header_end = answer.index(b"\n", position)
        size = int(answer[position:header_end].split()[2])
        out.append(answer[header_end + 1 : header_end + 1 + size])
        position = header_end + 1 + size + 1
    return out


def from_git(ref: str, paths: list[str], excludes: list[str]) -> Base:
    """``--base-ref REF``: the manifests under ``paths`` as they were at ``ref``, named ``REF:path``."""
    if not ref or ref.startswith("-"):
        raise BaseError(f"--base-ref {ref!r} is not a git revision")
    base = Base(ref)
    for path in paths:
        if path == STDIN:
            raise BaseError("--base-ref cannot read the base of standard input: give the files")
        if not os.path.exists(path):
            continue  # missing paths are reported with the new manifests
        top = _top(path, ref)
        files = _files_at(top, ref, path, excludes)
        for (_, display), data in zip(files, _contents(top, ref, [name for name, _ in files])):
            result = load_bytes(data, f"{ref}:{display}")
            base.resources.extend(result.resources)
            base.findings.extend(result.findings)
    return base


def load_base(spec: BaseSpec | None, paths: list[str], excludes: list[str]) -> Base:
    """The base ``spec`` names, read; raises BaseError."""
    if spec is None:
        return empty()
    if spec.kind == "base":
        return from_manifests(spec.value, excludes)
    if spec.kind == "base-ref":
        return from_git(spec.value, paths, excludes)
    if spec.kind == "state":
        from kubelint.plan.state import load_state

        return load_state(spec.value)
    if spec.kind == "live":
        from kubelint.plan.live import load_live

        return load_live(spec.value)
    raise BaseError(f"unknown base kind {spec.kind!r}")
