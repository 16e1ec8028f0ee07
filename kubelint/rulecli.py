"""``kubelint rules`` and ``kubelint explain``: the rule catalog as people read it.

Both read the same rule files as a check run (built-in ones, and those of
``rules-dirs`` and ``--rules-dir``), under the same configuration, so the
list says what a ``kubelint check`` in this directory would run.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, Sequence

from kubelint.model import Severity
from kubelint.suggest import did_you_mean

if TYPE_CHECKING:  # pragma: no cover - typing only
    from rich.console import Console

    from kubelint.pipeline import Options
    from kubelint.rulebook import Rule

RULES_FORMATS = ("table", "json")
EXPLAIN_WIDTH = 100
"""Columns of ``kubelint explain`` when it does not write to a terminal."""

_SEVERITY_STYLES = {Severity.ERROR: "bold red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}


class UnknownName(ValueError):
    """A rule id or category that the catalog does not have (a usage error)."""


def _state(rule: Rule, options: Options) -> tuple[bool, str]:
    """Whether the rule runs under ``options``, and how a person reads it: ``on``, ``off (ignore)``..."""
    from kubelint.pipeline import rule_selected

    enabled = rule_selected(rule, options)
    if enabled == rule.enabled:
        return enabled, "on" if enabled else "off"
    return enabled, "on (select)" if enabled else "off (ignore)"


def rule_entries(rules: dict[str, Rule], options: Options, categories: Sequence[str] = ()) -> list[dict[str, Any]]:
    """One entry per rule, sorted by id; ``categories`` keeps only those (unknown ones are a usage error)."""
    from kubelint.pipeline import configured_severity

    known = sorted({rule.category for rule in rules.values()})
    for category in categories:
        if category not in known:
            raise UnknownName(
                f'unknown category "{category}"{did_you_mean(category, known)} (categories: {", ".join(known)})'
            )
    entries = []
    for rule in sorted(rules.values(), key=lambda r: r.id):
        if categories and rule.category not in categories:
            continue
        enabled, state = _state(rule, options)
        entries.append(
            {
                "id": rule.id,
                "title": rule.title,
                "severity": (configured_severity(rule, options) or rule.severity).label,
                "defaultSeverity": rule.severity.label,
                "category": rule.category,
                "enabled": enabled,
                "enabledByDefault": rule.enabled,
                "state": state,
                "builtin": rule.builtin,
            }
        )
    return entries


def _console(color: bool, width: int | None) -> Console:
    from rich.console import Console

    if color:
        return Console(force_terminal=True, color_system="standard", width=width, highlight=False)
    return Console(force_terminal=False, color_system=None, width=width, highlight=False, no_color=True)


def _captured(console: Console, renderable: Any) -> str:
    with console.capture() as capture:
        console.print(renderable)
    return "".join(line.rstrip() + "\n" for line in capture.get().splitlines())


def render_rules(entries: list[dict[str, Any]], format: str, *, color: bool = False) -> str:
    """The list as a table (``table``) or JSON (``json``)."""
    if format == "json":
        return json.dumps({"rules": entries}, indent=2, ensure_ascii=False) + "\n"
    from rich import box
    from rich.table import Table
    from rich.text import Text

    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, show_edge=False)
    for column in ("rule", "severity", "category", "enabled", "title"):
        table.add_column(column, no_wrap=column != "title")
    for entry in entries:
        severity = Text(entry["severity"], style=_SEVERITY_STYLES[Severity.parse(entry["severity"])])
        state = Text(entry["state"], style="" if entry["enabled"] else "dim")
        table.add_row(entry["id"], severity, entry["category"], state, entry["title"])
    enabled = sum(1 for entry in entries if entry["enabled"])
    count = f"{len(entries)} rule{'' if len(entries) == 1 else 's'}"
    table.caption = f"{count}, {enabled} enabled; kubelint explain RULE tells more"
    table.caption_justify = "left"
    return _captured(_console(color, None if color else 10_000), table)


def explain(rule_id: str, rules: dict[str, Rule], *, color: bool = False) -> str:
    """The documentation of ``rule_id``, rendered for a terminal (or plain text)."""
    from rich.markdown import Markdown

    from kubelint.ruledoc import rule_markdown

    rule = rules.get(rule_id)
    if rule is None:
        hint = did_you_mean(rule_id, rules) or "; kubelint rules lists them"
        raise UnknownName(f'unknown rule "{rule_id}"{hint}')
    return _captured(_console(color, None if color else EXPLAIN_WIDTH), Markdown(rule_markdown(rule, level=1)))
