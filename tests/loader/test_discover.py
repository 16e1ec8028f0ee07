"""Which files a run reads, and in which order."""

from __future__ import annotations

import os
from pathlib import Path

from kubelint.loader.discover import discover, is_excluded


def touch(path: Path, text: str = "apiVersion: v1\nkind: ConfigMap\n") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def test_directories_are_walked_sorted_for_manifest_suffixes(tmp_path: Path) -> None:
    for name in ("b.yaml", "a.yml", "c.json", "d.txt", "sub/z.yaml", "sub/deeper/y.YAML", ".hidden/x.yaml", ".dot.yaml"):
        touch(tmp_path / name)
    found = discover([str(tmp_path)])
    names = [os.path.relpath(i.path, tmp_path) for i in found.inputs]
    assert names == ["a.yml", "b.yaml", "c.json", "sub/deeper/y.YAML", "sub/z.yaml"]
    assert not any(i.explicit for i in found.inputs)


def test_explicit_files_are_read_whatever_their_suffix(tmp_path: Path) -> None:
    path = touch(tmp_path / "manifest.txt")
    [single] = discover([str(path)]).inputs
    assert single.explicit and single.path == str(path)


def test_symlink_loops_are_safe(tmp_path: Path) -> None:
    touch(tmp_path / "app" / "a.yaml")
    (tmp_path / "app" / "loop").symlink_to(tmp_path / "app", target_is_directory=True)
    found = discover([str(tmp_path)])
    assert [os.path.basename(i.path) for i in found.inputs] == ["a.yaml"]


def test_excludes_match_paths_names_and_directories(tmp_path: Path) -> None:
    for name in ("keep.yaml", "vendor/x.yaml", "charts/templates/t.yaml", "skip-me.yaml"):
        touch(tmp_path / name)
    found = discover([str(tmp_path)], ["vendor", "*/templates/*", "skip-*"])
    assert [os.path.basename(i.path) for i in found.inputs] == ["keep.yaml"]
    assert is_excluded("a/b/c.yaml", ["b"]) and not is_excluded("a/b/c.yaml", ["d"])


def test_missing_paths_stdin_and_duplicates(tmp_path: Path) -> None:
    path = touch(tmp_path / "a.yaml")
    found = discover(["-", str(path), str(path), "-", str(tmp_path / "nope.yaml")])
    assert [i.display for i in found.inputs] == ["-", str(path)]
    assert found.missing == [str(tmp_path / "nope.yaml")]


def test_empty_directories_are_noted(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    assert discover([str(tmp_path / "empty")]).empty_dirs == [str(tmp_path / "empty")]
