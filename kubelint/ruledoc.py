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
UNREADABLE_INPUT_RULE = "input-error"
"""Its findings are about files kubelint could not read: no line to comment, no object to annotate."""


def _code(text: str) -> str:
    """A manifest as a YAML block; a one-line example (a command, a note) as text."""
    language = "yaml" if len(text.strip().splitlines()) > 1 else "text"
    return f"```{language}\n{text.rstrip()}\n```"


def _options(rule: Rule) -> str:
    if not rule.options:
        return "This rule has no options."
    rows = ["| option | type | default | meaning |", "|---|---|---|---|"]
    for name, spec in rule.options.items():
        default = json.dumps(spec["default"], ensure_ascii=False)
        rows.append(f"| `{name}` | {spec['type']} | `{default}` | {' '.join(spec['description'].split())} |")
    example = "\n".join(
        f"    {name}: {json.dumps(spec['default'], ensure_ascii=False)}" for name, spec in rule.options.items()
    )
    return (
        "\n".join(rows)
        + f"\n\nSet them in the configuration (`.kubelint.yaml`):\n\n```yaml\noptions:\n  {rule.id}:\n{example}\n```"
    )


def _suppression(rule: Rule) -> str:
    rule_id = rule.id
    if rule_id == UNUSED_RULE:
        return (
            "A suppression cannot suppress this rule: remove or correct the stale suppression it points at, "
            f"or turn the rule off in the configuration (`ignore: [{rule_id}]`)."
        )
    if rule_id == UNREADABLE_INPUT_RULE:
        return (
            "Only the configuration can suppress it, as the file could not be read: "
            f'`suppressions: [{{rules: [{rule_id}], paths: ["generated/**"], reason: ...}}]` or '
            f'`ignore-paths: {{{rule_id}: ["generated/**"]}}`. It cannot be turned off as a whole (that would '
            "pass unread input silently)."
        )
    if rule.check.get("builtin") == "loader":
        annotation = "does not apply: this rule reports on the file's text, before there is an object to annotate."
    else:
        annotation = (
            f'`{ANNOTATION}: "{rule_id} # reason"` in the object\'s own `metadata.annotations` covers every '
            "finding about the object; in a pod template's annotations (`spec.template.metadata.annotations`) "
            "it covers only the findings inside the template (containers, volumes, pod settings), never the "
            "workload's own fields such as `replicas`."
        )
    if rule.category == PROTECTED_CATEGORY:
        off = "it cannot be turned off as a whole (that would pass unread input silently)"
    else:
        off = f"`ignore: [{rule_id}]` turns it off"
    return "\n".join(
        [
            (
                f"- **Comment**: `# kubelint: ignore[{rule_id}] reason` at the end of the offending line, or alone "
                f"on the line above it; `# kubelint: ignore-file[{rule_id}] reason` covers the whole file."
            ),
            f"- **Annotation**: {annotation}",
            (
                f"- **Configuration**: `suppressions: [{{rules: [{rule_id}], kind: Deployment, name: web-*, "
                'containers: [sidecar], paths: ["vendor/**"], reason: ...}]` (each pattern optional, the reason '
                f'required), or `ignore-paths: {{{rule_id}: ["legacy/**"]}}`; {off}.'
            ),
            "",
            (
                "The reason is kept with each suppressed finding (`suppressed` in JSON output), and suppressed "
                "findings never fail the run."
            ),
        ]
    )


def sections(rule: Rule) -> list[tuple[str, str]]:
    """(heading, Markdown body) of each section; an empty body is a missing section."""
    doc = rule.doc
    examples = doc["examples"]
    example = _code(examples["bad"])
    if examples.get("base"):  # a rule about changes: what the example changes
        base = _code(examples["base"])
        example = f"Planned against this base (what the cluster runs):\n\n{base}\n\nthe change:\n\n{example}"
    found = [
        ("What it does", doc["description"].strip()),
        ("Why it matters", doc["rationale"].strip()),
        ("Example", example),
        ("Use instead", f"{doc['remediation'].strip()}\n\n{_code(examples['good'])}"),
        ("Options", _options(rule)),
        ("Suppression", _suppression(rule)),
        ("References", "\n".join(f"- <{url}>" for url in doc.get("references") or [])),
        ("Added in", f"kubelint {doc['since']}"),
    ]
    if doc.get("source"):
        found.insert(2, (SOURCE_SECTION, doc["source"].strip()))
    return found


def summary_line(rule: Rule) -> str:
    """``Severity: **warning** · Category: `security` · on by default``."""
    default = "on by default" if rule.enabled else f"off by default (turn it on with `select: [{rule.id}]`)"
    return f"Severity: **{rule.severity.label}** · Category: `{rule.category}` · {default}"


def rule_markdown(rule: Rule, level: int = 2) -> str:
    """The whole documentation of ``rule``, its heading at ``level`` (``## id``)."""
    heading = "#" * level
    parts = [f"{heading} {rule.id}", f"**{rule.title}**", summary_line(rule)]
    for title, body in sections(rule):
        if body:
            parts += [f"{heading}# {title}", body]
    return "\n\n".join(parts) + "\n"
