"""A plain (non-editable) install ships rules/ and schemas/ and finds them.

Builds the wheel, installs it into a fresh virtual environment that borrows
this environment's dependencies through a .pth file (so the test needs no
network; a .pth line adds the directory without activating this
environment's editable install of kubelint), and runs kubelint from outside
the source tree.
"""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(out), str(ROOT)],
        check=True,
    )
    [built] = out.glob("kubelint-*.whl")
    return built


def test_wheel_carries_rules_and_schemas(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    for folder in ("rules", "schemas"):
        shipped = {
            f"kubelint/_data/{folder}/{path.relative_to(ROOT / folder).as_posix()}"
            for path in (ROOT / folder).rglob("*")
            if path.is_file() and "__pycache__" not in path.parts
        }
        assert shipped <= names, sorted(shipped - names)[:5]
    assert "kubelint/_data/rules/rule.schema.json" in names


def test_installed_wheel_checks_a_manifest_from_elsewhere(wheel: Path, tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    bindir = venv / ("Scripts" if os.name == "nt" else "bin")
    python = bindir / "python"
    site_packages = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True, text=True, check=True,
    ).stdout.strip()
    borrowed = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}
    Path(site_packages, "borrowed-dependencies.pth").write_text("\n".join(sorted(borrowed)) + "\n")
    subprocess.run(
        [str(python), "-m", "pip", "install", "-q", "--no-deps", "--no-index", "--force-reinstall", str(wheel)],
        check=True,
    )
    manifest = tmp_path / "app.yaml"
    manifest.write_text("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app\n  namespace: demo\ndata:\n  a: b\n")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env["XDG_CACHE_HOME"] = str(tmp_path / "cache")
    located = subprocess.run(
        [str(python), "-c", "import kubelint, kubelint.datafiles as d; print(kubelint.__file__); print(d.data_dir('rules'))"],
        cwd=tmp_path, capture_output=True, text=True, check=True, env=env,
    )
    package_file, rules_dir = located.stdout.split()
    assert str(venv) in package_file and str(venv) in rules_dir, "the test ran the source tree, not the wheel"
    result = subprocess.run(
        [str(bindir / "kubelint"), "check", str(manifest)], cwd=tmp_path, capture_output=True, text=True, env=env
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No problems in 1 resource" in result.stdout
