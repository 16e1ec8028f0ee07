"""docs/rules.md and README.md say what the rule files say, every rule is fully documented,
and the README's configuration and rule examples work."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pytest

from kubelint.config import apply_config, read_config
from kubelint.pipeline import Options, run_check
from kubelint.rulebook import load_rules
from kubelint.ruledoc import SECTIONS, sections

ROOT = Path(__file__).resolve().parent.parent
RULES = load_rules()


def _generator():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("gen_rule_docs", ROOT / "scripts" / "gen_rule_docs.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_generated_files_are_current() -> None:
    generator = _generator()
    for path, text in generator.expected().items():
        current = path.read_text(encoding="utf-8")
        assert current == text, f"{path.relative_to(ROOT)} is out of date: run {generator.COMMAND}"


@pytest.mark.parametrize("rule", RULES.values(), ids=lambda rule: rule.id)
def test_every_rule_has_every_section(rule) -> None:  # type: ignore[no-untyped-def]
    found = dict(sections(rule))
    missing = [title for title in SECTIONS if not found.get(title, "").strip()]
    if rule.category == "api" and not (rule.doc.get("source") or "").strip():
        missing.append("source (where the behaviour comes from)")
    assert not missing, f"{rule.file} lacks: {', '.join(missing)}"


def _readme_section(title: str) -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    return readme.split(f"\n## {title}\n", 1)[1].split("\n## ", 1)[0]


def _blocks(section: str, language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", section, re.S)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A project holding the README's own rule file in policies/."""
    rule_file = next(block for block in _blocks(_readme_section("Rules"), "yaml") if block.startswith("# policies/"))
    (tmp_path / "policies").mkdir()
    (tmp_path / "schemas" / "crds").mkdir(parents=True)
    (tmp_path / "policies" / "company-registry.yaml").write_text(rule_file)
    return tmp_path


def test_the_readme_configuration_examples_are_valid(project: Path) -> None:
    section = _readme_section("Configuration")
    [yaml_example] = [b for b in _blocks(section, "yaml") if b.startswith("# .kubelint.yaml")]
    [toml_example] = _blocks(section, "toml")
    (project / ".kubelint.yaml").write_text(yaml_example)
    (project / "pyproject.toml").write_text(toml_example)
    for name in (".kubelint.yaml", "pyproject.toml"):
        apply_config(Options(), read_config(project / name))
    suppressions = _blocks(_readme_section("Suppressing findings"), "yaml")[1]
    (project / "suppressions.yaml").write_text(suppressions)
    apply_config(Options(), read_config(project / "suppressions.yaml"))


def test_the_readme_custom_rule_works_as_shown(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    rule = load_rules([project / "policies"])["company-registry"]
    examples = rule.doc["examples"]
    for which, fires in (("bad", True), ("good", False)):
        (project / f"{which}.yaml").write_text(examples[which])
        findings = run_check([str(project / f"{which}.yaml")], Options(rules_dirs=[str(project / "policies")])).findings
        assert [f.rule for f in findings] == (["company-registry"] if fires else [])
    (project / "pod.yaml").write_text(
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n"
        "  containers:\n  - name: web\n    image: nginx:1.27\n"
    )
    monkeypatch.chdir(project)
    [finding] = run_check(["pod.yaml"], Options(rules_dirs=["policies"])).findings
    shown = f"{finding.file}:{finding.line}:{finding.column}: {finding.severity.label} {finding.rule} {finding.message}"
    assert shown in _blocks(_readme_section("Rules"), "text")[0]
