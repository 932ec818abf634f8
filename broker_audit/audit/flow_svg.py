"""The map as a self-contained SVG with its evidence table, for the HTML audit report.

Three columns: sources, brokers, recipients. No script, no external asset, no colour needed to
read it: an edge to or from immigration enforcement is a thick solid line and its box has a
double border and the words "IMMIGRATION ENFORCEMENT"; law enforcement is dashed and labelled;
a sale documented in public records (not from your own answers) is dotted. Every edge carries
its number in a circle and links to its row in the evidence table below (request reference,
reply date, finding number, the line it came from), so the printed page reads the same.
"""

from __future__ import annotations

from html import escape

from broker_audit.findings.flowmap import ROLE_WORDS, Edge, FlowMap, Node
from broker_audit.i18n import N_, _, ngettext

WIDTH = 940
BOX_W = 250
BOX_H = 40
GAP = 14
TOP = 40
COLUMN_X = {"source": 10, "broker": 345, "recipient": 680}
COLUMN_TITLES = {"source": N_("Where it came from"), "broker": N_("Broker"), "recipient": N_("Who got it")}
CHARS = 34  # what fits on one line of a box at 12px


def _short(text: str, limit: int = CHARS) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _style(edge: Edge) -> tuple[str, str]:
    """(stroke width, dash pattern) of an edge: readable in black and white."""
    if edge.documented:
        return "1.5", "2 4"
    if edge.role == "immigration-enforcement":
        return "4", ""
    if edge.role == "law-enforcement":
        return "2.5", "9 5"
    return "1.3", ""


def _positions(flow: FlowMap) -> dict[str, tuple[float, float]]:
    out: dict[str, tuple[float, float]] = {}
    for column in ("source", "broker", "recipient"):
        nodes = [n for n in flow.nodes if n.column == column]
        for i, node in enumerate(nodes):
            out[node.key] = (COLUMN_X[column], TOP + 22 + i * (BOX_H + GAP))
    return out


def _box(node: Node, x: float, y: float) -> str:
    marked = node.role == "immigration-enforcement"
    words = ROLE_WORDS.get(node.role, "") if node.column != "broker" else ""
    words = _(words) if words else ""
    if marked:
        words = _("IMMIGRATION ENFORCEMENT")
    elif node.role == "law-enforcement":
        words = _("LAW ENFORCEMENT")
    parts = [
        f"<g><title>{escape(node.label)}</title>",
        f'<rect x="{x}" y="{y}" width="{BOX_W}" height="{BOX_H}" fill="#fff" stroke="#000" '
        f'stroke-width="{2.5 if marked else 1}"/>',
    ]
    if marked:
        parts.append(
            f'<rect x="{x + 3}" y="{y + 3}" width="{BOX_W - 6}" height="{BOX_H - 6}" fill="none" '
            'stroke="#000" stroke-width="1"/>'
        )
    weight = ' font-weight="bold"' if node.column == "broker" or marked else ""
    label = escape(_short(node.label, CHARS - 4 if weight else CHARS))
    parts.append(f'<text x="{x + 8}" y="{y + (16 if words else 25)}" font-size="12"{weight}>{label}</text>')
    if words:
        parts.append(
            f'<text x="{x + 8}" y="{y + 32}" font-size="10" letter-spacing=".5">{escape(words)}</text>'
        )
    parts.append("</g>")
    return "".join(parts)


def _edge(edge: Edge, start: tuple[float, float], end: tuple[float, float], slot: int = 0) -> str:
    x1, y1 = start[0] + BOX_W, start[1] + BOX_H / 2
    x2, y2 = end[0], end[1] + BOX_H / 2
    mid = (x1 + x2) / 2
    width, dash = _style(edge)
    dashes = f' stroke-dasharray="{dash}"' if dash else ""
    # The number sits by the box that is not the broker's, so the numbers of one broker's many
    # edges never pile up: near the source for an incoming edge, near the recipient for an outgoing.
    # Several edges into one box (`slot` counts them) put their numbers side by side.
    if edge.source.startswith("broker:"):
        bx, by = x2 - 18 - 21 * slot, y2
    else:
        bx, by = x1 + 18 + 21 * slot, y1
    what = _("documented in public records") if edge.documented else _("from your confirmed findings")
    title = _("Edge {number}: {what}").format(number=edge.number, what=what)
    return (
        f'<a href="#edge-{edge.number}"><title>{escape(title)}</title>'
        f'<path d="M{x1:.0f},{y1:.0f} C{mid:.0f},{y1:.0f} {mid:.0f},{y2:.0f} {x2 - 6:.0f},{y2:.0f}" '
        f'fill="none" stroke="#000" stroke-width="{width}"{dashes} marker-end="url(#arrow)"/>'
        f'<circle cx="{bx:.0f}" cy="{by:.0f}" r="9" fill="#fff" stroke="#000"/>'
        f'<text x="{bx:.0f}" y="{by + 4:.0f}" font-size="10" text-anchor="middle">{edge.number}</text></a>'
    )


def flow_svg(flow: FlowMap) -> str:
    places = _positions(flow)
    rows = max((sum(1 for n in flow.nodes if n.column == c) for c in COLUMN_X), default=1)
    height = TOP + 22 + rows * (BOX_H + GAP) + 70
    parts = [
        f'<svg role="img" aria-labelledby="map-title" width="100%" '
        f'viewBox="0 0 {WIDTH} {height}" xmlns="http://www.w3.org/2000/svg" '
        'font-family="DejaVu Sans, Arial, sans-serif">',
        f'<title id="map-title">{escape(_("Where your data came from and who got it"))}</title>',
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" '
        'orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#000"/></marker></defs>',
    ]
    for column, x in COLUMN_X.items():
        parts.append(
            f'<text x="{x}" y="{TOP}" font-size="13" font-weight="bold">'
            f"{escape(_(COLUMN_TITLES[column]))}</text>"
        )
    slots: dict[str, int] = {}
    for edge in flow.edges:
        end = edge.target if edge.source.startswith("broker:") else edge.source
        parts.append(_edge(edge, places[edge.source], places[edge.target], slots.get(end, 0)))
        slots[end] = slots.get(end, 0) + 1
    for node in flow.nodes:
        parts.append(_box(node, *places[node.key]))
    legend_y = height - 40
    legend = (
        ("4", "", _("immigration enforcement")),
        ("2.5", "9 5", _("law enforcement")),
        ("1.3", "", _("other")),
        ("1.5", "2 4", _("documented in public records, not in your answers")),
    )
    lx = 10
    for width, dash, label in legend:
        dashes = f' stroke-dasharray="{dash}"' if dash else ""
        parts.append(
            f'<line x1="{lx}" y1="{legend_y}" x2="{lx + 40}" y2="{legend_y}" stroke="#000" '
            f'stroke-width="{width}"{dashes}/><text x="{lx + 46}" y="{legend_y + 4}" font-size="11">'
            f"{escape(label)}</text>"
        )
        lx += 60 + 6 * len(label)
    parts.append("</svg>")
    return "".join(parts)


def _evidence_cell(edge: Edge) -> str:
    if edge.documented:
        link = (
            f'<a href="{escape(edge.url, quote=True)}" rel="noreferrer noopener">{escape(edge.url)}</a>'
            if edge.url.startswith(("https://", "http://"))
            else escape(edge.url)
        )
        return (
            escape(
                _("Documented in public records (not in your answers): {summary} Source:").format(
                    summary=edge.summary
                )
            )
            + f" {link}"
        )
    items = []
    for ev in edge.evidence:
        dated = _(", dated {date}").format(date=ev.on.isoformat()) if ev.on else ""
        said = _(
            "Request #{request} (reference {reference}), reply #{reply} of {date}, finding {finding}"
        ).format(
            request=ev.request_id,
            reference=ev.reference,
            reply=ev.reply_id,
            date=ev.reply_date.isoformat(),
            finding=ev.finding,
        )
        items.append(f"<li>{escape(said + dated)}: <q>{escape(ev.line)}</q></li>")
    return f'<ul class="reasons">{"".join(items)}</ul>'


def flow_section(flow: FlowMap) -> str:
    """The map's part of the report: heading, SVG, and one evidence row per edge."""
    parts = ['<h2 id="map">' + escape(_("What the brokers' answers showed")) + "</h2>"]
    if flow.empty:
        parts.append("<p>" + escape(_("No confirmed findings yet.")))
        if flow.proposed:
            waiting = ngettext(
                "{count} proposed finding awaits your review:",
                "{count} proposed findings await your review:",
                flow.proposed,
            ).format(count=flow.proposed)
            parts.append(f" {escape(waiting)} <code>broker-audit findings ID</code>.")
        parts.append("</p>")
        return "".join(parts)
    still = ngettext(
        "{count} proposed finding still awaits your review and is not shown.",
        "{count} proposed findings still await your review and are not shown.",
        flow.proposed,
    ).format(count=flow.proposed)
    drawn = _(
        "Drawn only from findings you confirmed (and sales documented in public records, "
        "dotted). Each numbered line links to its evidence below."
    )
    parts.append("<p>" + escape(drawn + (f" {still}" if flow.proposed else "")) + "</p>")
    parts.append(flow_svg(flow))
    heads = ("#", _("From"), _("To"), _("Evidence"))
    parts.append(
        "<table><thead><tr>" + "".join(f"<th>{escape(h)}</th>" for h in heads) + "</tr></thead><tbody>"
    )
    for edge in flow.edges:
        source, target = flow.node(edge.source), flow.node(edge.target)
        mark = ""
        if edge.role == "immigration-enforcement":
            mark = f" <strong>{escape(_('IMMIGRATION ENFORCEMENT'))}</strong>"
        elif edge.role == "law-enforcement":
            mark = f" <strong>{escape(_('LAW ENFORCEMENT'))}</strong>"
        parts.append(
            f'<tr id="edge-{edge.number}"><td>{edge.number}</td><td>{escape(source.label)}</td>'
            f"<td>{escape(target.label)}{mark}</td><td>{_evidence_cell(edge)}</td></tr>"
        )
    parts.append("</tbody></table>")
    return "".join(parts)
