"""A rule's documentation in ruff's shape, as Markdown, from its rule file.

``kubelint explain`` renders it in the terminal and
``scripts/gen_rule_docs.py`` writes it into docs/rules.md, so the two always
say the same thing. Every rule has every section of :data:`SECTIONS`; a rule
file that leaves one empty is not finished (tests/test_docs.py says so).
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from kubelint.config import PROTECTED_CATEGORY
from kubelint.suppress import ANNOTATION, UNUSED_RULE

if TYPE_CHECKING:  # pragma: no cover - typing only
    from kubelint.rulebook import Rule

SECTIONS = (
    "What it does",
    "Why it matters",
    "Example",
    "Use instead",
    "Options",
    "Suppression",
    "References",
    "Added in",
)
SOURCE_SECTION = "Where the behaviour comes from"
"""Extra section of rules that carry a ``source`` (the API-server rules)."""


def _code(text: str) -> str:
    """A manifest as a YAML block; a one-line example (a command, a note) as text."""
    language = "yaml" if len(text.strip().splitlines()) > 1 else "text"
    return f"```{language}\n{text.rstrip()}\n```"


def _options(rule: "Rule") -> str:
    if not rule.options:
        return "This rule has no options."
    rows = ["| option | type | default | meaning |", "|---|---|---|---|"]
    for name, spec in rule.options.items():
        default = json.dumps(spec["default"], ensure_ascii=False)
        rows.append(f"| `{name}` | {spec['type']} | `{default}` | {' '.join(spec['description'].split())} |")
    example = "\n".join(f"    {name}: {json.dumps(spec['default'], ensure_ascii=False)}" for name, spec in rule.options.items())
    return "\n".join(rows) + f"\n\nSet them in the configuration (`.kubelint.yaml`):\n\n```yaml\noptions:\n  {rule.id}:\n{example}\n```"


def _suppression(rule: "Rule") -> str:
    rule_id = rule.id
    if rule_id == UNUSED_RULE:
        return (
            "A suppression cannot suppress this rule: remove or correct the stale suppression it points at, "
            f"or turn the rule off in the configuration (`ignore: [{rule_id}]`)."
        )
    about_files = rule.check.get("builtin") == "loader"
    lines = [
        "Each way keeps its reason with the finding (`suppressed` in JSON output); suppressed findings do not "
        "count for the exit code.",
        "",
        f"- **Comment**: `# kubelint: ignore[{rule_id}] reason` at the end of the offending line, or alone on "
        f"the line above it; `# kubelint: ignore-file[{rule_id}] reason` anywhere covers the whole file.",
    ]
    if about_files:
        lines.append(
            "- **Annotation**: does not apply: this rule reports on the file as text, before (or instead of) an "
            "object to annotate."
        )
    else:
        lines.append(
            f'- **Annotation**: `{ANNOTATION}: "{rule_id} # reason"` in the object\'s own `metadata.annotations` '
            "covers every finding about the object. In a pod template's annotations "
            "(`spec.template.metadata.annotations`) it covers only the findings inside the pod template "
            "(containers, volumes, pod settings), never the workload's own fields such as `replicas`."
        )
    lines += [
        "- **Configuration**, for manifests you cannot annotate (a third-party chart):",
        "",
        "  ```yaml",
        "  suppressions:",
        f"    - rules: [{rule_id}]",
        "      kind: Deployment        # globs on the object: kind, namespace, name (all optional)",
        "      name: web-*",
        "      containers: [sidecar]   # optional: only findings inside these containers",
        '      paths: ["vendor/**"]    # optional: only in these files',
        "      reason: why this is acceptable here",
        "  ```",
        "",
    ]
    if rule.category == PROTECTED_CATEGORY:
        lines.append(
            "This rule says that a file could not be read or checked, so it cannot be turned off as a whole; "
            f'`ignore-paths: {{{rule_id}: ["generated/**"]}}` suppresses it in some files.'
        )
    else:
        lines.append(
            f'Or turn the rule off: `ignore: [{rule_id}]`, or only in some files: `ignore-paths: {{{rule_id}: ["legacy/**"]}}`.'
        )
    return "\n".join(lines)


def sections(rule: "Rule") -> list[tuple[str, str]]:
    """(heading, Markdown body) of each section; an empty body is a missing section."""
    doc = rule.doc
    examples = doc["examples"]
    found = [
        ("What it does", doc["description"].strip()),
        ("Why it matters", doc["rationale"].strip()),
        ("Example", _code(examples["bad"])),
        ("Use instead", f"{doc['remediation'].strip()}\n\n{_code(examples['good'])}"),
        ("Options", _options(rule)),
        ("Suppression", _suppression(rule)),
        ("References", "\n".join(f"- <{url}>" for url in doc.get("references") or [])),
        ("Added in", f"kubelint {doc['since']}"),
    ]
    if doc.get("source"):
        found.insert(2, (SOURCE_SECTION, doc["source"].strip()))
    return found


def summary_line(rule: "Rule") -> str:
    """``Severity: **warning** · Category: `security` · on by default``."""
    default = "on by default" if rule.enabled else f"off by default (turn it on with `select: [{rule.id}]`)"
    return f"Severity: **{rule.severity.label}** · Category: `{rule.category}` · {default}"


def rule_markdown(rule: "Rule", level: int = 2) -> str:
    """The whole documentation of ``rule``, its heading at ``level`` (``## id``)."""
    heading = "#" * level
    parts = [f"{heading} {rule.id}", f"**{rule.title}**", summary_line(rule)]
    for title, body in sections(rule):
        if body:
            parts += [f"{heading}# {title}", body]
    return "\n\n".join(parts) + "\n"
