"""Standard input as users pipe it: ``helm template ... | kubelint check -`` and
``kubectl kustomize ... | kubelint plan -``, run through a shell.

tests/data/pipelines holds a ``helm template`` stream (``# Source:``
comments, a leading ``---``, a test hook) and a kustomize overlay with its
rendered stream (no comments, ``---`` between documents, kinds in
kustomize's order). Where kubectl is installed, its built-in kustomize
renders the overlay for real.
"""

from __future__ import annotations

import json
import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parent / "data" / "pipelines"
SCRIPTS = Path(sys.executable).parent


def shell(command: str) -> subprocess.CompletedProcess[str]:
    """``command`` in bash, with this environment's kubelint first on PATH."""
    env = dict(os.environ, PATH=f"{SCRIPTS}{os.pathsep}{os.environ.get('PATH', '')}", NO_COLOR="1")
    return subprocess.run(["bash", "-o", "pipefail", "-c", command], cwd=DATA, capture_output=True, text=True, env=env, timeout=120)


def test_helm_template_into_check() -> None:
    result = shell("cat helm-template.yaml | kubelint check -")
    assert result.returncode == 1, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith('-:65:21: error port-name port name "prometheus-metrics" of container "storefront"')
    assert lines[0].endswith("(from storefront/templates/deployment.yaml)")
    assert lines[-1] == "Found 1 error, 0 warnings and 0 infos in 4 resources (1 file)."


def test_helm_template_into_sarif_names_the_template() -> None:
    result = shell("cat helm-template.yaml | kubelint check - --format sarif")
    [finding] = json.loads(result.stdout)["runs"][0]["results"]
    assert finding["locations"][0]["physicalLocation"]["artifactLocation"] == {"uri": "-"}
    assert finding["locations"][0]["physicalLocation"]["region"] == {"startLine": 65, "startColumn": 21}
    assert finding["message"]["text"].endswith("(from storefront/templates/deployment.yaml)")


def test_kustomize_stream_into_plan_and_validate() -> None:
    planned = shell("cat kustomize-prod.yaml | kubelint plan -")
    assert planned.returncode == 0, planned.stdout + planned.stderr
    assert "# Deployment shop-prod/prod-storefront will be created (-:21)" in planned.stdout
    assert planned.stdout.rstrip().splitlines()[-1].startswith("Plan: ")
    validated = shell("cat kustomize-prod.yaml | kubelint validate -")
    assert validated.returncode == 0 and validated.stdout == "No problems in 4 resources (1 file).\n"


def test_real_kubectl_kustomize_into_plan() -> None:
    kubectl = shutil.which("kubectl")
    if kubectl is None:
        pytest.skip("kubectl is not installed: the saved kustomize stream stands in for it")
    result = shell(f"{shlex.quote(kubectl)} kustomize kustomize/overlays/prod | kubelint plan - --format json")
    assert result.returncode == 0, result.stderr
    created = {(c["kind"], c["namespace"], c["name"]) for c in json.loads(result.stdout)["changes"] if c["change"] == "create"}
    assert {("Deployment", "shop-prod", "prod-storefront"), ("Service", "shop-prod", "prod-storefront")} <= created
