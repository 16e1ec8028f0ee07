"""``kubelint plan --format markdown``: the plan as a pull-request comment.

The summary line first, then one collapsible section per part (workloads
and pods, Services, DNS records, routes) with a table each, and the findings
in the open. Simulated values are in italics, with an asterisk.
"""

from __future__ import annotations

from typing import Any, Iterable

from kubelint.plan import PlanReport
from kubelint.plan.diff import Entry
from kubelint.plan.layout import SYMBOLS, Block, Layout, location, pod_status, summary_line

SEVERITY_ICONS = {"error": ":x:", "warning": ":warning:", "info": ":information_source:"}


def _cell(text: Any) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _sim(value: Any, simulated: bool) -> str:
    return f"_{_cell(value)}_\\*" if simulated and value not in (None, "") else _cell(value if value is not None else "")


def _table(header: tuple[str, ...], rows: list[tuple[str, ...]]) -> list[str]:
    return ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)] + ["| " + " | ".join(row) + " |" for row in rows]


def _details(summary: str, lines: list[str]) -> list[str]:
    return ["<details><summary>" + summary + "</summary>", ""] + lines + ["", "</details>", ""]


def _pods(layout: Layout, blocks: list[Block]) -> list[str]:
    rows = []

    def walk(block: Block) -> None:
        for pod in block.pods:
            p = pod.item
            owner = (p["owner"] or f"Pod/{p['name']}").replace("/", f" {p['namespace']}/", 1)
            rows.append((SYMBOLS[pod.change], _cell(owner), _sim(p["name"], "name" in p["simulated"]),
                         _sim(p["node"], True), _sim(p["ip"], "ip" in p["simulated"]), _cell(pod_status(p))))
        for child in block.children:
            walk(child)

    for block in blocks:
        walk(block)
        pod = layout.pod(block.entry.item["namespace"], block.entry.item["name"]) if block.entry.item["kind"] == "Pod" else None
        if pod is not None:
            walk(Block(block.entry, block.source, block.record, [], [pod]))
    return _table(("", "workload", "pod", "node", "IP", "status"), rows) if rows else []


def _workloads(blocks: list[Block]) -> list[str]:
    rows = []
    for block in blocks:
        item = block.entry.item
        note = block.record.note if block.record is not None and block.record.note else ""
        rows.append((SYMBOLS[block.entry.change], f"{item['kind']} {item['namespace'] or ''}/{item['name']}".replace(" /", " "),
                     _cell(location(block.source)), _cell(note)))
    return _table(("", "object", "file", "note"), rows)


def _services(layout: Layout) -> list[str]:
    rows = []
    for entry in layout.plan.services:
        if entry.change == "none":
            continue
        s = entry.item
        address = s["externalName"] if s["type"] == "ExternalName" else "headless" if s["clusterIP"] == "None" else _sim(s["clusterIP"], "clusterIP" in s["simulated"])
        ports = ", ".join(
            f"{p['port']}" + (f":{p['nodePort']}" if p["nodePort"] else "") + f"/{p['protocol']}→{p['targetPort']}" for p in s["ports"]
        )
        endpoints = layout.endpoints.get((s["namespace"], s["name"]))
        ready = "-" if endpoints is None else str(len({a["ip"] for a in endpoints.item["addresses"] if a["ready"]}))
        rows.append((SYMBOLS[entry.change], _cell(f"{s['namespace']}/{s['name']}"), s["type"], address, _cell(ports), ready))
    return _table(("", "Service", "type", "address", "ports", "ready endpoints"), rows) if rows else []


def _dns(entries: list[Entry]) -> list[str]:
    rows = [
        (SYMBOLS[e.change], _sim(e.item["name"], "name" in e.item["simulated"]), e.item["type"], _sim(e.item["value"], "value" in e.item["simulated"]))
        for e in entries if e.change != "none"
    ]
    return _table(("", "name", "type", "value"), rows) if rows else []


def _routes(layout: Layout) -> list[str]:
    rows = [
        (SYMBOLS[e.change], _cell(r["ingressClass"] or "-"), _cell(r["host"]), _cell(r["path"]), r["pathType"],
         _cell(r["resource"] or f"{r['service']}:{r['port']}"), str(r["endpoints"]), "yes" if r["tls"] else "no", _cell(r["ingress"]))
        for e in layout.routes() for r in [e.item]
    ]
    return _table(("", "class", "host", "path", "type", "backend", "ready", "TLS", "Ingress"), rows) if rows else []


def render(report: PlanReport, *, show: Iterable[str] = ("pods", "services", "endpoints", "dns", "routes"), **_: Any) -> str:
    show = set(show)
    layout = Layout(report.plan)
    profile = report.profile
    lines = [
        "### kubelint plan",
        "",
        f"**{summary_line(report.plan)}**",
        "",
        f"Kubernetes {report.kubernetes_version}, cluster `{profile.name}` ({len(profile.nodes)} nodes). "
        "Values in _italics_\\* are simulated: a real cluster picks them when the manifests are applied.",
        "",
    ]
    blocks = layout.blocks()
    if blocks:
        lines += _details(f"Objects ({len(blocks)})", _workloads(blocks))
    sections = (
        ("pods", "Pods", _pods(layout, blocks)),
        ("services", "Services", _services(layout)),
        ("dns", "DNS records", _dns(report.plan.dns)),
        ("routes", "Ingress routes, in matching order", _routes(layout)),
    )
    for key, title, table in sections:
        if key in show and table:
            lines += _details(f"{title} ({len(table) - 2})", table)
    findings = [f for f in report.findings if f.suppressed is None]
    if findings:
        lines += ["#### Findings", ""]
        lines += [
            f"- {SEVERITY_ICONS[f.severity.label]} `{f.file}:{f.line}:{f.column}` **{f.rule}**: {_cell(f.message)}" for f in findings
        ]
        lines.append("")
    return "\n".join(lines)
