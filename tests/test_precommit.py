"""The pre-commit hooks, run for real by ``pre-commit try-repo``.

pre-commit installs a hook repository from git: it clones a commit and
``pip install``s it into a virtualenv of its own (from PyPI: this test needs
the network, as pre-commit does). ``try-repo`` on a working tree with
uncommitted changes makes a shadow commit of the *tracked* files' changes
(``git add -u``), so a new module not yet added to git would be missing. The
test therefore snapshots the working tree as the tests see it (tracked and
untracked files, minus what .gitignore ignores) into a throwaway clone,
commits it, and runs ``pre-commit try-repo`` on that: the hooks of this very
tree, each install from scratch. Two runs (a passing set of files and a
failing one), each running both hooks, take about 25 seconds.
"""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

pytestmark = [
    pytest.mark.skipif(importlib.util.find_spec("pre_commit") is None, reason="pre-commit is not installed"),
    pytest.mark.skipif(not (ROOT / ".git").exists(), reason="the hooks install from git: this is not a git checkout"),
]

GIT_IDENTITY = ["-c", "user.name=kubelint tests", "-c", "user.email=tests@kubelint.invalid", "-c", "commit.gpgsign=false"]


def git(*args: str, cwd: Path) -> str:
    return subprocess.run(["git", *GIT_IDENTITY, *args], cwd=cwd, check=True, capture_output=True, text=True).stdout


@pytest.fixture(scope="module")
def hook_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A commit of this working tree, untracked files included, in a clone of its own."""
    snapshot = tmp_path_factory.mktemp("hook-repo")
    git("clone", "--quiet", "--no-checkout", str(ROOT), str(snapshot), cwd=ROOT)
    listed = git("ls-files", "-z", "--cached", "--others", "--exclude-standard", cwd=ROOT).split("\0")
    for name in filter(None, listed):
        source = ROOT / name
        if source.is_file():
            target = snapshot / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    git("add", "--all", cwd=snapshot)
    git("commit", "--quiet", "--allow-empty", "-m", "the working tree under test", cwd=snapshot)
    return snapshot


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A user's repository: a good manifest (from fixtures/good, kept clean under every rule),
    a bad one, Helm values and a workflow."""
    git("init", "--quiet", cwd=tmp_path)
    (tmp_path / "good.yaml").write_text((ROOT / "fixtures" / "good" / "redis-statefulset.yaml").read_text())
    (tmp_path / "bad.yaml").write_text((ROOT / "tests" / "data" / "formats" / "shop.yaml").read_text())
    (tmp_path / "values.yaml").write_text((ROOT / "tests" / "data" / "formats" / "not-kubernetes.yaml").read_text())
    workflow = tmp_path / ".github" / "workflows" / "ci.yml"
    workflow.parent.mkdir(parents=True)
    workflow.write_text("on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - run: make test\n")
    git("add", "--all", cwd=tmp_path)
    return tmp_path


def try_repo(hook_repo: Path, project: Path, *files: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PRE_COMMIT", "GIT_"))}
    env["PRE_COMMIT_COLOR"] = "never"
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", "try-repo", str(hook_repo), "--verbose", "--files", *files],
        cwd=project, capture_output=True, text=True, env=env, timeout=300,
    )


def test_hooks_pass_on_good_manifests_and_skip_other_yaml(hook_repo: Path, project: Path) -> None:
    result = try_repo(hook_repo, project, "good.yaml", "values.yaml", ".github/workflows/ci.yml")
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "kubelint....." in output and "kubelint validate....." in output
    assert output.count("Passed") == 2, output
    assert re.search(r"No problems in \d+ resources \(3 files, 2 non-Kubernetes documents skipped\)\.", output), output


def test_hooks_fail_on_a_bad_manifest_with_the_finding(hook_repo: Path, project: Path) -> None:
    result = try_repo(hook_repo, project, "good.yaml", "bad.yaml")
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert output.count("Failed") == 2, output
    assert output.count("bad.yaml:15:7: error selector-mismatch Deployment selector app=web") == 2
    assert "bad.yaml:24:17: warning duplicate-env-var" in output, "the check hook reports the warning too"
