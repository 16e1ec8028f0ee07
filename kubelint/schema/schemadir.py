"""``--schema-dir``: JSON Schemas and CRD files for kinds kubelint does not bundle.

Two layouts of JSON Schema files are understood, the ones kubeconform users
already have (openapi2jsonschema's output, the datreeio CRDs-catalog):

* ``{group}/{kind}_{version}.json``, e.g. ``argoproj.io/application_v1alpha1.json``:
  that group, kind and version;
* ``{kind}_{version}.json``, e.g. ``application_v1alpha1.json``: that kind and
  version in any group that is not a built-in Kubernetes group (a groupless
  file must not replace apps/v1 Deployment by accident).

Kind names in file names are lower case. ``$ref``\\ s between files of the
folder are followed; a ``$ref`` to the network is an error (kubelint runs
offline). Every ``*.yaml``/``*.yml`` file in the folder is read for
CustomResourceDefinitions, which then work as if they were among the inputs.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any, Iterator
from urllib.parse import unquote, urlsplit

from kubelint.loader import load_file
from kubelint.loader.discover import Input
from kubelint.model import Finding, Resource
from kubelint.schema.standalone import server_reading, standalone
from kubelint.schema.validators import Compiled, SchemaError

_SCHEMA_FILE = re.compile(r"^(?P<kind>[a-z0-9.-]+)_(?P<version>v[0-9]+(?:(?:alpha|beta)[0-9]+)?)\.json$")
_MANIFEST_SUFFIXES = (".yaml", ".yml")


class SchemaDirectoryError(ValueError):
    """A ``--schema-dir`` that does not exist."""


class SchemaFile:
    """One JSON Schema file, compiled on first use."""

    def __init__(self, path: Path, root: Path) -> None:
        self.path = path
        self.root = root
        self._compiled: dict[bool, Compiled] = {}

    def _retrieve(self, uri: str) -> Any:
        """Files of the same folder only: kubelint never fetches a schema from the network."""
        parts = urlsplit(uri)
        target = Path(unquote(parts.path)).resolve()
        if parts.scheme != "file" or not target.is_relative_to(self.root.resolve()):
            raise SchemaError(f"{self.path}: refers to {uri}, which kubelint does not fetch (it validates offline)")
        return json.loads(target.read_text(encoding="utf-8"))

    def compiled(self, strict: bool) -> Compiled:
        """The validator (raises SchemaError for a file that is not a usable schema)."""
        compiled = self._compiled.get(strict)
        if compiled is None:
            try:
                schema = json.loads(self.path.read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError, ValueError) as error:
                raise SchemaError(f"{self.path}: not a JSON Schema: {error}") from None
            if not isinstance(schema, dict):
                raise SchemaError(f"{self.path}: not a JSON Schema: the file holds no JSON object")
            compiled = self._compiled[strict] = Compiled(
                standalone(server_reading(schema, strict), {}), self._retrieve, self.path.resolve().as_uri()
            )
        return compiled


class SchemaDirectories:
    """The schema files and CRDs of every ``--schema-dir``, indexed by group, kind and version."""

    def __init__(self, directories: list[str]) -> None:
        self.files: dict[tuple[str | None, str, str], SchemaFile] = {}
        self.crds: list[Resource] = []
        self.findings: list[Finding] = []
        """Problems reading the CRD files (YAML errors), reported like input problems."""
        for directory in directories:
            root = Path(directory)
            if not root.is_dir():
                raise SchemaDirectoryError(f"--schema-dir {directory}: no such directory")
            for path in self._walk(root):
                self._index(root, path)

    @staticmethod
    def _walk(root: Path) -> Iterator[Path]:
        for folder, subfolders, names in os.walk(root):
            subfolders[:] = sorted(name for name in subfolders if not name.startswith("."))
            for name in sorted(names):
                if not name.startswith("."):
                    yield Path(folder) / name

    def _index(self, root: Path, path: Path) -> None:
        match = _SCHEMA_FILE.match(path.name)
        if match:
            group = None if path.parent == root else path.parent.name
            key = (group, match.group("kind"), match.group("version"))
            self.files.setdefault(key, SchemaFile(path, root))
        elif path.suffix in _MANIFEST_SUFFIXES:
            loaded = load_file(Input(str(path), str(path)))
            self.crds.extend(r for r in loaded.resources if r.kind == "CustomResourceDefinition")
            self.findings.extend(loaded.findings)

    def find(self, api_version: str, kind: str, builtin_group: bool) -> SchemaFile | None:
        """The schema file for an apiVersion and kind, if a folder has one."""
        group, _, version = api_version.rpartition("/")
        found = self.files.get((group, kind.lower(), version))
        if found is None and not builtin_group:
            found = self.files.get((None, kind.lower(), version))
        return found
