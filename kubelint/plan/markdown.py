"""``kubelint plan --format markdown``: the plan as a pull-request comment.

The summary line first, then what a reviewer must see in the open: the
objects that must be replaced, the objects that change (with each changed
field, old and new), the rollouts, and the findings. The details (pods,
Services, DNS records, routes) follow in collapsed sections, and so do the
objects that stay as they are. Simulated values are in italics, with an
asterisk.
"""

from __future__ import annotations

from typing import Any, Iterable

from kubelint.plan import PlanReport
from kubelint.plan.diff import Entry
from kubelint.plan.layout import (
    FORCES,
    SYMBOLS,
    Block,
    Layout,
    field_symbol,
    field_text,
    location,
    pod_status,
    ref,
    shown_fields,
    summary_line,
)

SEVERITY_ICONS = {"error": ":x:", "warning": ":warning:", "info": ":information_source:"}


def _cell(text: Any) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _sim(value: Any, simulated: bool) -> str:
    return f"_{_cell(value)}_\\*" if simulated and value not in (None, "") else _cell(value if value is not None else "")


def _table(header: tuple[str, ...], rows: list[tuple[str, ...]]) -> list[str]:
    return ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)] + ["| " + " | ".join(row) + " |" for row in rows]


def _details(summary: str, lines: list[str], *, open_: bool = False) -> list[str]:
    return (
        [f"<details{' open' if open_ else ''}><summary>" + summary + "</summary>", ""] + lines + ["", "</details>", ""]
    )


def _fields(blocks: list[Block]) -> list[str]:
    """One row per changed field of the objects that change, the refused ones marked."""
    rows = []

    def walk(block: Block) -> None:
        for change in shown_fields(block.entry) if block.entry.change in ("update", "replace") else []:
            forces = f" **{FORCES[2:]}**" if change.forces_replacement else ""
            rows.append((field_symbol(change), _cell(ref(block.entry)), f"`{_cell(field_text(change))}`{forces}"))
        for child in block.children:
            walk(child)

    for block in blocks:
        walk(block)
    return _table(("", "object", "field"), rows) if rows else []


def _rollouts(layout: Layout, blocks: list[Block]) -> list[str]:
    lines = []
    for block in blocks:
        rollout = layout.rollout(block.entry)
        if rollout is not None:
            lines.append(f"- **{_cell(ref(block.entry))}**: {_cell(rollout.summary)}")
            if rollout.steps:
                lines.append(f"  - {' → '.join(rollout.steps)}")
            lines += [f"  - {_cell(note)}" for note in rollout.notes]
    return lines


def _unchanged(layout: Layout) -> list[str]:
    rows = [
        (_cell(ref(e)), _cell(location(layout.source(e))))
        for e in layout.plan.objects
        if e.change == "none" and e.item["owner"] is None and layout.source(e) is not None
    ]
    return _table(("object", "file"), rows) if rows else []


def _pods(layout: Layout, blocks: list[Block]) -> list[str]:
    rows = []

    def walk(block: Block) -> None:
        for pod in block.pods:
            p = pod.item
            owner = (p["owner"] or f"Pod/{p['name']}").replace("/", f" {p['namespace']}/", 1)
            rows.append(
                (
                    SYMBOLS[pod.change],
                    _cell(owner),
                    _sim(p["name"], "name" in p["simulated"]),
                    _sim(p["node"], True),
                    _sim(p["ip"], "ip" in p["simulated"]),
                    _cell(pod_status(p)),
                )
            )
        for child in block.children:
            walk(child)

    for block in blocks:
        walk(block)
        pod = (
            layout.pod(block.entry.item["namespace"], block.entry.item["name"])
            if block.entry.item["kind"] == "Pod"
            else None
        )
        if pod is not None:
            walk(Block(block.entry, block.source, block.record, [], [pod]))
    return _table(("", "workload", "pod", "node", "IP", "status"), rows) if rows else []


def _workloads(blocks: list[Block]) -> list[str]:
    rows = []
    for block in blocks:
        item = block.entry.item
        note = block.record.note if block.record is not None and block.record.note else ""
        rows.append(
            (
                SYMBOLS[block.entry.change],
                f"{item['kind']} {item['namespace'] or ''}/{item['name']}".replace(" /", " "),
                _cell(location(block.source)),
                _cell(note),
            )
        )
    return _table(("", "object", "file", "note"), rows)


def _services(layout: Layout) -> list[str]:
    rows = []
    for entry in layout.plan.services:
        s = entry.item
        endpoints = layout.endpoints.get((s["namespace"], s["name"]))
        if entry.change == "none" and (endpoints is None or endpoints.change == "none"):
            continue
        address = (
            s["externalName"]
            if s["type"] == "ExternalName"
            else "headless"
            if s["clusterIP"] == "None"
            else _sim(s["clusterIP"], "clusterIP" in s["simulated"])
        )
        ports = ", ".join(
            f"{p['port']}" + (f":{p['nodePort']}" if p["nodePort"] else "") + f"/{p['protocol']}→{p['targetPort']}"
            for p in s["ports"]
        )
        ready = "-" if endpoints is None else _ready(endpoints.item)
        if endpoints is not None and endpoints.before is not None and _ready(endpoints.before) != ready:
            ready = f"{_ready(endpoints.before)} → {ready}"
        rows.append(
            (SYMBOLS[entry.change], _cell(f"{s['namespace']}/{s['name']}"), s["type"], address, _cell(ports), ready)
        )
    return _table(("", "Service", "type", "address", "ports", "ready endpoints"), rows) if rows else []


def _ready(endpoints: dict[str, Any]) -> str:
    return str(len({a["ip"] for a in endpoints["addresses"] if a["ready"]}))


def _dns(entries: list[Entry]) -> list[str]:
    rows = [
        (
            SYMBOLS[e.change],
            _sim(e.item["name"], "name" in e.item["simulated"]),
            e.item["type"],
            _sim(e.item["value"], "value" in e.item["simulated"]),
        )
        for e in entries
        if e.change != "none"
    ]
    return _table(("", "name", "type", "value"), rows) if rows else []


def _routes(layout: Layout) -> list[str]:
    rows = [
        (
            SYMBOLS[e.change],
            _cell(r["ingressClass"] or "-"),
            _cell(r["host"]),
            _cell(r["path"]),
            r["pathType"],
            _cell(r["resource"] or f"{r['service']}:{r['port']}"),
            str(r["endpoints"]),
            "yes" if r["tls"] else "no",
            _cell(r["ingress"]),
        )
        for e in layout.routes()
        for r in [e.item]
    ]
    return _table(("", "class", "host", "path", "type", "backend", "ready", "TLS", "Ingress"), rows) if rows else []


def render(
    report: PlanReport, *, show: Iterable[str] = ("pods", "services", "endpoints", "dns", "routes"), **_: Any
) -> str:
    show = set(show)
    layout = Layout(report.plan)
    profile = report.profile
    against = "" if report.base == "the empty cluster" else f", compared with {_cell(report.base)}"
    lines = [
        "### kubelint plan",
        "",
        f"**{summary_line(report.plan)}**",
        "",
        (
            f"Kubernetes {report.kubernetes_version}, cluster `{profile.name}` ({len(profile.nodes)} nodes){against}. "
            "Values in _italics_\\* are simulated: a real cluster picks them when the manifests are applied."
        ),
        "",
    ]
    for replacement in report.plan.replacements:
        fields = ", ".join(f"`{'.'.join(str(p) for p in r.path)}`" for r in replacement.refusals)
        kind, namespace, name = replacement.key
        lines.append(
            f":warning: **{kind} {namespace + '/' if namespace else ''}{name} must be replaced**: the API server refuses "
            f"to change {fields} in place, so `kubectl apply` fails; it must be deleted and created again."
        )
    if report.plan.replacements:
        lines.append("")
    blocks = layout.blocks()
    if blocks:
        lines += _details(f"Objects ({len(blocks)})", _workloads(blocks), open_=True)
    fields = _fields(blocks)
    if fields:
        lines += _details(f"Changed fields ({len(fields) - 2})", fields, open_=True)
    rollouts = _rollouts(layout, blocks)
    if rollouts:
        lines += ["#### Rollouts", ""] + rollouts + [""]
    sections = (
        ("pods", "Pods", _pods(layout, blocks)),
        ("services", "Services", _services(layout)),
        ("dns", "DNS records", _dns(report.plan.dns)),
        ("routes", "Ingress routes, in matching order", _routes(layout)),
    )
    for key, title, table in sections:
        if key in show and table:
            lines += _details(f"{title} ({len(table) - 2})", table)
    unchanged = _unchanged(layout)
    if unchanged:
        lines += _details(f"Unchanged objects ({len(unchanged) - 2})", unchanged)
    findings = [f for f in report.findings if f.suppressed is None]
    if findings:
        lines += ["#### Findings", ""]
        lines += [
            f"- {SEVERITY_ICONS[f.severity.label]} `{f.file}:{f.line}:{f.column}` **{f.rule}**: {_cell(f.message)}"
            for f in findings
        ]
        lines.append("")
    return "\n".join(lines)
