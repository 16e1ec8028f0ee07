"""``kubelint plan`` text output, shaped like ``terraform plan``.

A header with the cluster, the action legend, one block per input object
(``# Deployment default/web will be created``, then its ReplicaSet, pods with
node, address and readiness; a Service with its address, ports, endpoints,
slices and DNS records), the route table in matching order, the Service
environment new pods get, the findings, and one summary line. Values the
cluster would choose itself carry a ``*`` and, on a terminal, their own
style, as terraform marks values "(known after apply)".
"""

from __future__ import annotations

import json
from collections import Counter
from typing import Any, Iterable

from kubelint.plan import PlanReport
from kubelint.plan.diff import Entry
from kubelint.plan.layout import (
    FORCES,
    SYMBOLS,
    VERBS,
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
from kubelint.quantity import format_bytes, format_cpu
from kubelint.reconcile.allocators import address
from kubelint.report.text import finding_line

Segment = tuple[str, str]

CHANGE_STYLES = {"create": "green", "update": "yellow", "replace": "bold red", "delete": "red", "none": ""}
SIMULATED_STYLE = "italic cyan"
SEVERITY_STYLES = {"error": "bold red", "warning": "yellow", "info": "cyan"}
INDENT = "    "


class Output:
    """Lines of styled segments, printed plain or with rich."""

    def __init__(self) -> None:
        self.lines: list[list[Segment]] = []

    def line(self, *segments: Segment | str) -> None:
        self.lines.append([(s, "") if isinstance(s, str) else s for s in segments])

    def plain(self) -> str:
        return "".join("".join(text for text, _ in line).rstrip() + "\n" for line in self.lines)

    def colored(self) -> str:
        from rich.console import Console
        from rich.text import Text

        console = Console(force_terminal=True, color_system="standard", width=10_000, highlight=False, soft_wrap=True)
        with console.capture() as capture:
            for line in self.lines:
                console.print(Text.assemble(*line))
        return capture.get()


def sim(value: Any, simulated: bool) -> Segment:
    """A value, marked when the plan chose it."""
    return (f"{value}*", SIMULATED_STYLE) if simulated else (str(value), "")


def _mark(entry: Entry, indent: str) -> Segment:
    return (f"{indent}{SYMBOLS[entry.change]} ", CHANGE_STYLES[entry.change])


def _nodes(report: PlanReport) -> str:
    profile = report.profile
    names = []
    for node in profile.nodes:
        notes = (["control plane"] if node.control_plane else []) + [f"taint {taint}" for taint in node.taints]
        names.append(f"{node.name} ({', '.join(notes)})" if notes else node.name)
    shapes = {(n.allocatable.get("cpu"), n.allocatable.get("memory"), n.allocatable.get("pods")) for n in profile.nodes}
    size = ""
    if len(shapes) == 1:
        cpu, memory, pods = next(iter(shapes))
        size = f" ({format_cpu(cpu)} CPU, {format_bytes(memory)} memory, {int(pods)} pods each)" if cpu and memory and pods else ""
    return f"{len(profile.nodes)} nodes{size}: {', '.join(names)}"


def _header(out: Output, report: PlanReport) -> None:
    profile = report.profile
    version = profile.service_cidr.version
    pool = ", ".join(f"{address(a, version)}-{address(b, version)}" for a, b in profile.load_balancer_pool) or "none"
    source = "built-in profile" if profile.source == "built-in" else f"profile {profile.source}"
    out.line((f'kubelint plan: Kubernetes {report.kubernetes_version}, cluster "{profile.name}" ({source})', "bold"))
    out.line(f"  {_nodes(report)}")
    low, high = profile.node_port_range
    out.line(
        f"  services {profile.service_cidr}, pods {profile.pod_cidr}, cluster domain {profile.cluster_domain}, "
        f"node ports {low}-{high}, load-balancer pool {pool}"
    )
    if report.base != "the empty cluster":
        out.line(f"  compared with {report.base}: what it runs stays where it is, unless the plan says otherwise")
    out.line()
    out.line("Actions: ", ("+ create", "green"), "   ", ("~ update", "yellow"), "   ", ("-/+ replace", "bold red"), "   ", ("- delete", "red"))
    out.line("Values marked ", ("*", SIMULATED_STYLE), " are simulated: a real cluster picks them when the manifests are applied")
    out.line("(generated name suffixes and template hashes, pod and cluster IPs, unrequested node ports, node placement).")


def _workload_detail(layout: Layout, block: Block) -> str:
    record = block.record
    if record is None:
        return ""
    spec, kind = record.data.get("spec") or {}, record.kind
    parts: list[str] = []
    if kind in ("Deployment", "ReplicaSet", "StatefulSet"):
        parts.append(f"replicas {spec.get('replicas')}")
    if kind == "Deployment":
        strategy = spec.get("strategy") or {}
        rolling = strategy.get("rollingUpdate") or {}
        parts.append(f"{strategy.get('type')} (maxSurge {rolling.get('maxSurge')}, maxUnavailable {rolling.get('maxUnavailable')})" if rolling else str(strategy.get("type")))
    if kind == "StatefulSet":
        parts.append(f"serviceName {spec.get('serviceName') or '(none)'}, {spec.get('podManagementPolicy')}")
    if kind == "CronJob":
        parts.append(f'schedule "{spec.get("schedule")}"' + (f" ({spec['timeZone']})" if spec.get("timeZone") else ""))
    if kind == "Ingress":
        routes = [
            r
            for r in layout.routes_of(f"{record.namespace}/{record.name}")
            if (r.change == "delete") == (block.entry.change == "delete")
        ]
        klass = routes[0].item["ingressClass"] if routes else None
        parts.append(f"class {klass or '(none)'}, {len(routes)} route{'s' if len(routes) != 1 else ''}")
    if record.note:
        parts.append(record.note)
    return "; ".join(parts)


def _pod_line(out: Output, entry: Entry, indent: str, adopted: bool, label: str = "Pod ") -> None:
    item = entry.item
    simulated = set(item["simulated"])
    segments: list[Segment | str] = [_mark(entry, indent), label, sim(item["name"], "name" in simulated)]
    if item["node"]:
        segments += ["  on ", sim(item["node"], "node" in simulated)]
    if item["ip"]:
        segments += ["  ", sim(item["ip"], "ip" in simulated)]
    segments.append(f"  {pod_status(item)}")
    if item.get("hostname"):
        segments.append(f"  hostname {item['hostname']}")
    if adopted:
        segments.append("  (adopted)")
    if entry.reason:
        segments.append(f"  ({entry.reason})")
    out.line(*segments)


def _field_lines(out: Output, entry: Entry, indent: str) -> None:
    """``~ spec.replicas: 3 -> 4``, one line per changed field, the refused ones marked."""
    if entry.change not in ("update", "replace"):
        return
    for change in shown_fields(entry):
        symbol = field_symbol(change)
        style = CHANGE_STYLES[{"+": "create", "-": "delete", "~": "update"}[symbol]]
        out.line(
            (f"{indent}{symbol} ", style),
            field_text(change),
            ("   " + FORCES, "bold red") if change.forces_replacement else "",
        )


def _rollout_lines(out: Output, layout: Layout, entry: Entry, indent: str) -> None:
    rollout = layout.rollout(entry)
    if rollout is None:
        return
    out.line(f"{indent}rollout  ", (rollout.summary, "bold"))
    if rollout.steps:
        out.line(f"{indent}         ", " → ".join(rollout.steps))
    for note in rollout.notes:
        out.line(f"{indent}         ", (note, "yellow" if "no ready endpoints" in note or "stalls" in note else ""))


def _block(out: Output, layout: Layout, block: Block, indent: str, show: set[str]) -> None:
    entry = block.entry
    item = entry.item
    label = f"{item['kind']} {item['namespace']}/" if item["namespace"] else f"{item['kind']} "
    pod = layout.pod(item["namespace"], item["name"]) if item["kind"] == "Pod" else None
    if pod is not None:
        _pod_line(out, pod, indent, False, label)
        _field_lines(out, entry, indent + INDENT)
        return
    name = sim(item["name"], "name" in item["simulated"])
    detail = _workload_detail(layout, block)
    out.line(_mark(entry, indent), label, name, f": {detail}" if detail else "")
    _field_lines(out, entry, indent + INDENT)
    _rollout_lines(out, layout, entry, indent + INDENT)
    for child in block.children:
        _block(out, layout, child, indent + INDENT, show)
    if "pods" in show:
        for pod in block.pods:
            world_pod = layout.world_of(pod).pods.get((pod.item["namespace"], pod.item["name"]))
            adopted = world_pod is not None and world_pod.source is not None and world_pod.source.kind == "Pod"
            _pod_line(out, pod, indent + INDENT, adopted)
        unsimulated = sorted({u for pod in block.pods for u in pod.item["unsimulated"]})
        if unsimulated:
            out.line(
                f"{indent}{INDENT}  ", (f"note: {', '.join(unsimulated)} not simulated; placement may differ", "dim")
            )


def _comment(out: Output, entry: Entry, source: Any) -> None:
    where = location(source)
    out.line((f"  # {ref(entry)} {VERBS[entry.change]}" + (f" ({where})" if where else ""), "bold"))


def _ports(service: dict[str, Any]) -> list[Segment | str]:
    """``http 80:31234*/TCP -> 8080``: name, port, node port, protocol, target port."""
    segments: list[Segment | str] = []
    for index, port in enumerate(service["ports"]):
        if index:
            segments.append(", ")
        segments.append((f"{port['name']} " if port["name"] else "") + str(port["port"]))
        if port["nodePort"] is not None:
            segments += [":", sim(port["nodePort"], f"ports[{index}].nodePort" in service["simulated"])]
        segments.append(f"/{port['protocol']} -> {port['targetPort']}")
    return segments


def _service_block(out: Output, layout: Layout, entry: Entry, show: set[str]) -> None:
    item = entry.item
    key = (item["namespace"], item["name"])
    service = layout.services.get(key)
    if service is None:
        return
    data = service.item
    simulated = set(data["simulated"])
    if data["type"] == "ExternalName":
        address: list[Segment | str] = [f"ExternalName -> {data['externalName']}"]
    elif data["clusterIP"] == "None":
        address = [f"{data['type']}, headless (clusterIP None)"]
    else:
        address = [f"{data['type']} ", sim(data["clusterIP"], "clusterIP" in simulated)]
    out.line(_mark(entry, "  "), f"Service {item['namespace']}/", item["name"], ": ", *address)
    inner = "  " + INDENT
    _field_lines(out, service, inner)
    if data["ports"]:
        out.line(f"{inner}ports       ", *_ports(data))
    if data["type"] == "LoadBalancer":
        if data["loadBalancer"]:
            out.line(f"{inner}external    ", sim(", ".join(data["loadBalancer"]), "loadBalancer" in simulated))
        else:
            out.line(f"{inner}external    <{data['loadBalancerNote'] or 'pending'}>")
    if "endpoints" in show and data["type"] != "ExternalName":
        _endpoint_lines(out, layout, key, inner)
    if "dns" in show:
        for index, record in enumerate(layout.dns_by_service.get(key, [])):
            fields = set(record.item["simulated"])
            out.line(
                f"{inner}{'dns' if index == 0 else '':<12}",
                _mark(record, ""),
                sim(record.item["name"], "name" in fields),
                f" {record.item['type']} ",
                sim(record.item["value"], "value" in fields),
            )


def _addresses(endpoints: Entry) -> list[tuple[str, dict[str, Any]]]:
    """(change, address): every address of a changed Endpoints object marked ``+``/``-``/`` ``; else as they are."""
    if endpoints.change not in ("update", "replace") or endpoints.before is None:
        return [("", address) for address in endpoints.item["addresses"]]
    old = {json.dumps(a, sort_keys=True): a for a in endpoints.before["addresses"]}
    new = {json.dumps(a, sort_keys=True): a for a in endpoints.item["addresses"]}
    marked = [("- " if k not in new else "+ " if k not in old else "  ", a) for k, a in (old | new).items()]
    return sorted(marked, key=lambda pair: (pair[1]["portName"] or "", pair[1]["port"] or 0, pair[1]["ip"], pair[0]))


def _endpoint_lines(out: Output, layout: Layout, key: tuple[str, str], inner: str) -> None:
    endpoints = layout.endpoints.get(key)
    if endpoints is None:
        out.line(f"{inner}endpoints   none (no selector: none are managed)")
        return
    addresses = _addresses(endpoints)
    if not endpoints.item["addresses"]:
        out.line(f"{inner}endpoints   ", ("none", "yellow"), "  (there were some)" if addresses else "")
    for index, (mark, found) in enumerate(addresses):
        simulated = bool(endpoints.item["simulated"]) and not layout.pod_known(key[0], found["pod"])
        port = f":{found['port']}" + (f" ({found['portName']})" if found["portName"] else "")
        who: Segment | str = ""
        if found["pod"]:
            who = sim(found["pod"], layout.pod_name_simulated(key[0], found["pod"]))
        style = CHANGE_STYLES["create" if mark == "+ " else "delete" if mark == "- " else "none"]
        out.line(
            f"{inner}{'endpoints' if index == 0 else '':<12}",
            (mark, style),
            sim(found["ip"], simulated),
            port,
            "  ",
            who,
            "  ready" if found["ready"] else ("  not ready", "yellow"),
            f"  hostname {found['hostname']}" if found["hostname"] else "",
        )
    if endpoints.item.get("truncated"):
        out.line(f"{inner}            (truncated to 1000 addresses)")
    for slice_entry in layout.slices_of(*key):
        world_slice = layout.world_of(slice_entry).slices.get((slice_entry.item["namespace"], slice_entry.item["name"]))
        count = len(world_slice.endpoints) if world_slice else 0
        out.line(
            f"{inner}slice       ",
            _mark(slice_entry, ""),
            "EndpointSlice ",
            sim(slice_entry.item["name"], "name" in slice_entry.item["simulated"]),
            f" ({count} endpoint{'s' if count != 1 else ''})",
        )


def _pod_records(layout: Layout) -> str:
    """The heading of the pods' A records: how many new ones, or with a base what changes."""
    names = f"<a-b-c-d>.<namespace>.pod.{layout.zone}."
    counts = Counter(entry.change for entry in layout.pod_dns)
    if set(counts) == {"create"}:
        count = counts["create"]
        return f"Pod DNS records: {count} A record{'s' if count != 1 else ''} {names} for the new pods' addresses"
    words = {"create": "to create", "replace": "to replace", "update": "to change", "delete": "to destroy"}
    return f"Pod DNS records {names}: " + ", ".join(
        f"{counts[change]} {word}" for change, word in words.items() if counts[change]
    )


def _heading(out: Output, title: str) -> None:
    out.line()
    out.line((title, "bold"))


def _cell(value: Any, before: Any) -> str:
    """A route table cell: the value, or ``old -> new`` where an update changes it."""
    return str(value) if before == value else f"{before} -> {value}"


def _routes(out: Output, layout: Layout) -> None:
    routes = layout.routes()
    if not routes:
        return
    _heading(out, "Routes, in matching order")
    rows = [("", "CLASS", "HOST", "PATH", "TYPE", "BACKEND", "READY", "TLS", "INGRESS")]
    for entry in routes:
        r, old = entry.item, entry.before if entry.change == "update" and entry.before else entry.item
        backend = r["resource"] or f"{r['service']}:{r['port']}"
        old_backend = old["resource"] or f"{old['service']}:{old['port']}"
        rows.append(
            (
                SYMBOLS[entry.change],
                _cell(r["ingressClass"] or "-", old["ingressClass"] or "-"),
                r["host"],
                r["path"],
                r["pathType"],
                _cell(backend, old_backend),
                _cell(r["endpoints"], old["endpoints"]),
                _cell("yes" if r["tls"] else "no", "yes" if old["tls"] else "no"),
                r["ingress"],
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for number, row in enumerate(rows):
        text = "  " + "  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row))
        style = "dim" if number == 0 else ""
        if number and routes[number - 1].item["endpoints"] == 0 and not routes[number - 1].item["resource"]:
            style = "yellow"
        out.line((text, style))


def _environment(out: Output, layout: Layout) -> None:
    environments = layout.environments()
    if not environments:
        return
    _heading(out, "Service environment of the new pods (the kubelet sets it when they start)")
    for namespace, workloads, variables in environments:
        simple = [(n, v) for n, v in variables if n.endswith(("_SERVICE_HOST", "_SERVICE_PORT"))]
        out.line(f"  {namespace}: {', '.join(workloads)}")
        for name, value in simple:
            out.line(f"      {name}=", sim(value, value in layout.simulated.addresses))
        out.line(
            (
                f"      and {len(variables) - len(simple)} more: named ports ({{NAME}}_SERVICE_PORT_{{PORT}}) and Docker links ({{NAME}}_PORT...)",
                "dim",
            )
        )


def _findings(out: Output, report: PlanReport) -> None:
    active = [f for f in report.findings if f.suppressed is None]
    if not active:
        return
    _heading(out, "Findings")
    for finding in active:
        tail = finding_line(finding).split(f" {finding.rule} ", 1)[1]
        out.line(
            (f"  {finding.file}:{finding.line}:{finding.column}: ", "bold"),
            (finding.severity.label, SEVERITY_STYLES[finding.severity.label]),
            " ",
            (finding.rule, "dim"),
            f" {tail}",
        )


def build(report: PlanReport, show: Iterable[str]) -> Output:
    show = set(show)
    layout = Layout(report.plan)
    out = Output()
    _header(out, report)
    out.line()
    blocks = layout.blocks()
    if blocks:
        out.line("kubelint will perform the following actions:")
    for block in blocks:
        out.line()
        _comment(out, block.entry, block.source)
        if block.entry.item["kind"] == "Service":
            if "services" in show:
                _service_block(out, layout, block.entry, show)
            else:
                out.line(
                    _mark(block.entry, "  "), f"Service {block.entry.item['namespace']}/{block.entry.item['name']}"
                )
        else:
            _block(out, layout, block, "  ", show)
    if "dns" in show and layout.pod_dns:
        _heading(out, _pod_records(layout))
    if "routes" in show:
        _routes(out, layout)
    if "pods" in show:
        _environment(out, layout)
    _findings(out, report)
    out.line()
    out.line((summary_line(report.plan), "bold"))
    return out


def render(
    report: PlanReport,
    *,
    color: bool = False,
    show: Iterable[str] = ("pods", "services", "endpoints", "dns", "routes"),
    **_: Any,
) -> str:
    out = build(report, show)
    return out.colored() if color else out.plain()
