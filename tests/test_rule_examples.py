"""Every rule's bad example fires it, and its good example does not.

The examples live in the rule files (rules/*.yaml) and are what
``kubelint explain`` shows, so they are tested like code. Planner rules
(``check: {builtin: plan}``) report through ``kubelint plan``, not
``kubelint check``, so their examples are planned on the built-in cluster
(against the example's ``base`` manifests when it has one).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from kubelint.pipeline import Options, run_check
from kubelint.rulebook import load_rules

RULES = load_rules()
EXAMPLE_RULES = [rule for rule in RULES.values() if rule.check.get("builtin") != "engine"]


def _run_example(rule, text: str, tmp_path: Path):
    examples = rule.doc["examples"]
    path = tmp_path / "example.yaml"
    path.write_bytes(text.encode(examples.get("encoding", "utf-8")))
    options = Options(enable=frozenset({rule.id}), rule_options={rule.id: examples.get("options", {})})
    if rule.check.get("builtin") == "plan":
        from kubelint.plan import BaseSpec, run_plan
        from kubelint.reconcile import default_profile

        base = None
        if "base" in examples:  # a rule about changes: the examples are planned against this base
            (tmp_path / "base.yaml").write_text(examples["base"])
            base = BaseSpec("base", str(tmp_path / "base.yaml"))
        return [f for f in run_plan([str(path)], default_profile(), options, base=base).findings if f.rule == rule.id]
    return [f for f in run_check([str(path)], options).findings if f.rule == rule.id]


@pytest.mark.parametrize("rule", EXAMPLE_RULES, ids=lambda rule: rule.id)
def test_bad_example_fires(rule, tmp_path: Path) -> None:
    findings = _run_example(rule, rule.doc["examples"]["bad"], tmp_path)
    assert findings, f"{rule.id}: the bad example in {rule.file} does not fire the rule"
    for finding in findings:
        assert finding.line >= 1 and finding.column >= 1


@pytest.mark.parametrize("rule", EXAMPLE_RULES, ids=lambda rule: rule.id)
def test_good_example_is_clean(rule, tmp_path: Path) -> None:
    findings = _run_example(rule, rule.doc["examples"]["good"], tmp_path)
    assert not findings, f"{rule.id}: the good example in {rule.file} fires: {findings[0].message}"


@pytest.mark.parametrize("rule", EXAMPLE_RULES, ids=lambda rule: rule.id)
def test_examples_are_readable_manifests(rule, tmp_path: Path) -> None:
    """Only the YAML rules' bad examples may be broken YAML."""
    for which in ("bad", "good"):
        if which == "bad" and rule.category == "yaml":
            continue
        path = tmp_path / f"{which}.yaml"
        path.write_text(rule.doc["examples"][which])
        broken = [f for f in run_check([str(path)]).findings if f.rule.startswith("yaml-")]
        assert not broken, f"{rule.id}: the {which} example is not valid YAML: {broken[0].message}"
