"""The tools kubelint is measured against, run on the same files in the same run.

kubeconform validates against JSON schemas only, and needs them on disk (the
benchmark runs offline): :func:`write_kubeconform_schemas` writes standalone
schemas, one file per kind as kubeconform names them, from the Kubernetes
schemas kubelint itself validates with (kubelint's bundle when it has one,
else the kubernetes-validate package's, their shared definitions inlined as
``$defs``), plus one per custom resource from the CustomResourceDefinitions
found in the corpora (what ``openapi2jsonschema`` would give a kubeconform
user). kube-linter and kube-score are linters; each runs when installed and
is left out when not.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path
from typing import Any, Iterable

import yaml

KUBECONFORM = "kubeconform"
KUBE_LINTER = "kube-linter"
KUBE_SCORE = "kube-score"

SCHEMA_TEMPLATE = "{{ .ResourceKind }}{{ .KindSuffix }}.json"
"""kubeconform's file naming: ``deployment-apps-v1.json``, ``service-v1.json``."""

_REF = re.compile(r'"\$ref": "[^"#]*#/\$defs/([^"]+)"')


def find_tool(name: str) -> str | None:
    """The tool on PATH, or where ``go install`` puts it."""
    found = shutil.which(name)
    if found:
        return found
    gopath = os.environ.get("GOPATH") or os.path.join(os.path.expanduser("~"), "go")
    candidate = Path(gopath) / "bin" / name
    return str(candidate) if candidate.is_file() and os.access(candidate, os.X_OK) else None


def _builtin_schema_folder(kubernetes_version: str) -> Path:
    """The Kubernetes schemas of ``kubernetes_version`` (per kind, strict, shared ``_definitions.json``)."""
    import kubernetes_validate

    root = Path(kubernetes_validate.__file__).parent / "kubernetes-json-schema"
    folder = root / f"v{kubernetes_version}.0-local-strict"
    if not folder.is_dir():
        raise FileNotFoundError(f"no Kubernetes {kubernetes_version} schemas in {root}")
    return folder


def _inline_definitions(folder: Path, target: Path) -> int:
    """Every per-kind schema of ``folder`` as a standalone file in ``target``; how many."""
    definitions = json.loads((folder / "_definitions.json").read_text())["$defs"]
    texts = {name: _REF.sub(r'"$ref": "#/$defs/\1"', json.dumps(body)) for name, body in definitions.items()}
    refers_to = {name: set(_REF.findall(json.dumps(body))) for name, body in definitions.items()}
    written = 0
    for source in sorted(folder.glob("*.json")):
        if source.name.startswith("_") or source.name == "all.json":
            continue
        text = source.read_text()
        needed: set[str] = set()
        pending = _REF.findall(text)
        while pending:
            name = pending.pop()
            if name not in needed:
                needed.add(name)
                pending.extend(refers_to[name])
        body = _REF.sub(r'"$ref": "#/$defs/\1"', text).rstrip()
        inlined = ", ".join(f"{json.dumps(name)}: {texts[name]}" for name in sorted(needed))
        (target / source.name).write_text(f'{body[:-1]}, "$defs": {{{inlined}}}}}')
        written += 1
    return written


def _kind_suffix(api_version: str) -> str:
    """kubeconform's ``{{ .KindSuffix }}``: ``-apps-v1`` for apps/v1, ``-v1`` for v1."""
    group, _, version = api_version.rpartition("/")
    return f"-{group.split('.')[0].lower()}-{version.lower()}" if group else f"-{version.lower()}"


def _crds(corpora: Iterable[Path]) -> Iterable[dict[str, Any]]:
    for corpus in corpora:
        for path in sorted(corpus.rglob("*")):
            if path.suffix not in (".yaml", ".yml", ".json") or not path.is_file():
                continue
            text = path.read_text(errors="replace")
            if "CustomResourceDefinition" not in text:
                continue
            try:
                documents = list(yaml.load_all(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)))
            except yaml.YAMLError:
                continue
            for document in documents:
                if isinstance(document, dict) and document.get("kind") == "CustomResourceDefinition":
                    yield document


def _custom_resource_schemas(corpora: Iterable[Path], target: Path) -> int:
    """One schema per served version of every CRD in ``corpora``; how many."""
    written = 0
    for crd in _crds(corpora):
        spec = crd.get("spec") or {}
        kind = (spec.get("names") or {}).get("kind")
        group = spec.get("group")
        if not isinstance(kind, str) or not isinstance(group, str):
            continue
        for version in spec.get("versions") or []:
            schema = ((version or {}).get("schema") or {}).get("openAPIV3Schema")
            if isinstance(schema, dict) and isinstance(version.get("name"), str):
                name = f"{kind.lower()}{_kind_suffix(group + '/' + version['name'])}.json"
                (target / name).write_text(json.dumps(schema, default=str))
                written += 1
    return written


def _from_kubelint_bundle(kubernetes_version: str, target: Path) -> int:
    """Every kind of kubelint's bundle, as kubelint compiles it (strict); how many (0: no bundle)."""
    try:
        from kubelint.schema.bundle import load_bundle
        from kubelint.schema.standalone import standalone
        from kubelint.schema.validators import definitions_for
    except ImportError:
        return 0
    bundle = load_bundle(kubernetes_version)
    written = 0
    for api_version, kinds in bundle.kinds.items():
        for kind, name in kinds.items():
            definitions = definitions_for(bundle, name, True)
            document = standalone(definitions[name], definitions)
            (target / f"{kind.lower()}{_kind_suffix(api_version)}.json").write_text(json.dumps(document))
            written += 1
    return written


def write_kubeconform_schemas(target: Path, kubernetes_version: str, corpora: Iterable[Path]) -> str:
    """Write kubeconform's schemas into ``target``; its ``-schema-location`` template."""
    target.mkdir(parents=True, exist_ok=True)
    if not _from_kubelint_bundle(kubernetes_version, target):
        _inline_definitions(_builtin_schema_folder(kubernetes_version), target)
    _custom_resource_schemas(corpora, target)
    return str(target / SCHEMA_TEMPLATE)


def kubeconform_command(tool: str, schema_location: str, corpus: Path, goroutines: int | None) -> list[str]:
    """Strict validation with a summary; ``goroutines`` None is kubeconform's default (4)."""
    command = [tool, "-strict", "-summary", "-ignore-missing-schemas", "-schema-location", schema_location]
    if goroutines is not None:
        command += ["-n", str(goroutines)]
    return command + [str(corpus)]


def kube_linter_command(tool: str, corpus: Path) -> list[str]:
    return [tool, "lint", "--format", "json", str(corpus)]


def kube_score_command(tool: str, files: list[Path]) -> list[str]:
    """kube-score reads files, not folders."""
    return [tool, "score", "--output-format", "ci", "--color", "never"] + [str(f) for f in files]
