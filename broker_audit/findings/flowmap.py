"""Who got what from whom: sources -> broker -> recipients, from confirmed findings and the
registry's documented sales. Pure.

Every edge carries its evidence: for a confirmed finding the request (id and reference), the
reply (id and date), the finding's number and the line it came from; for a documented sale the
registry's source. Unconfirmed findings never make an edge.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from broker_audit.findings.ledger import Current
from broker_audit.findings.names import fold
from broker_audit.i18n import N_

MARKED_ROLES = ("immigration-enforcement", "law-enforcement")
ROLE_WORDS = {  # marked for the catalog; the audit report translates them where it shows them
    "immigration-enforcement": N_("immigration enforcement"),
    "law-enforcement": N_("law enforcement"),
    "court": N_("court"),
    "government": N_("government"),
    "utility": N_("utility"),
    "broker": N_("data broker"),
    "customer": N_("customers"),
    "other": "",
}
_REGISTRY_ROLES = {
    "immigration-enforcement": "immigration-enforcement",
    "law-enforcement": "law-enforcement",
    "federal-government": "government",
    "corrections": "law-enforcement",
}


@dataclass(frozen=True)
class EdgeEvidence:
    request_id: int
    reference: str
    reply_id: int
    reply_date: dt.date
    finding: int
    line: str
    on: dt.date | None = None


@dataclass(frozen=True)
class Node:
    key: str
    label: str
    column: str  # "source", "broker", "recipient"
    role: str = ""


@dataclass
class Edge:
    number: int
    source: str  # node keys
    target: str
    role: str  # of the far end (the source, or the recipient)
    documented: bool = False  # from the registry, not from the user's answers
    evidence: list[EdgeEvidence] = field(default_factory=list)
    url: str = ""  # the registry's source, for a documented edge
    summary: str = ""

    @property
    def marked(self) -> bool:
        return self.role in MARKED_ROLES


@dataclass(frozen=True)
class FlowMap:
    nodes: tuple[Node, ...]
    edges: tuple[Edge, ...]
    proposed: int = 0  # findings still awaiting the user's review (counted, never drawn)

    @property
    def empty(self) -> bool:
        return not self.edges

    def node(self, key: str) -> Node:
        return next(n for n in self.nodes if n.key == key)


@dataclass(frozen=True)
class RequestFacts:
    """What the map needs of a request and its replies."""

    broker_id: str
    broker_name: str
    reference: str
    reply_dates: Mapping[int, dt.date]


def _name_key(column: str, matched: str, value: str) -> str:
    return f"{column}:{matched or fold(value)}"


def build_map(
    findings: Iterable[Current],
    requests: Mapping[int, RequestFacts],
    *,
    documented: Mapping[str, Sequence[tuple[str, str, str, str, str]]] | None = None,
    names: Mapping[str, str] | None = None,
) -> FlowMap:
    """The map from `findings` (only confirmed ones are used; the others are counted).

    `documented`: per broker id, the registry's evidence of sales as (recipient kind, agency,
    summary, source URL, matched key of the agency or ""), drawn for brokers in the map.
    `names`: display names for matched keys ("agency:us-ice" -> the agency's full name)."""
    names = names or {}
    nodes: dict[str, Node] = {}
    edges: dict[tuple[str, str, bool], Edge] = {}
    proposed = 0
    for current in findings:
        if current.status == "proposed":
            proposed += 1
        if not current.confirmed:
            continue
        f = current.finding
        if f.kind not in ("source", "recipient"):
            continue
        facts = requests.get(current.request_id)
        if facts is None or not facts.broker_id:
            continue
        broker_key = f"broker:{facts.broker_id}"
        nodes.setdefault(broker_key, Node(broker_key, facts.broker_name, "broker", "broker"))
        column = "source" if f.kind == "source" else "recipient"
        key = _name_key(column, f.matched, f.value)
        label = names.get(f.matched, f.value) if f.matched else f.value
        nodes.setdefault(key, Node(key, label, column, f.role))
        ends = (key, broker_key) if column == "source" else (broker_key, key)
        edge = edges.get((*ends, False))
        if edge is None:
            edge = edges[(*ends, False)] = Edge(0, ends[0], ends[1], f.role)
        edge.evidence.append(
            EdgeEvidence(
                request_id=current.request_id,
                reference=facts.reference,
                reply_id=current.reply_id,
                reply_date=facts.reply_dates.get(current.reply_id, dt.date.min),
                finding=f.n,
                line=f.line,
                on=f.on,
            )
        )
    brokers_shown = {n.key.split(":", 1)[1] for n in nodes.values() if n.column == "broker"}
    for broker_id in sorted(brokers_shown):
        for kind, agency, summary, url, matched in (documented or {}).get(broker_id, ()):
            role = _REGISTRY_ROLES.get(kind, "government")
            key = _name_key("recipient", matched, agency)
            label = names.get(matched, agency) if matched else agency
            nodes.setdefault(key, Node(key, label, "recipient", role))
            ends = (f"broker:{broker_id}", key)
            if (*ends, True) not in edges:
                edges[(*ends, True)] = Edge(
                    0, ends[0], ends[1], role, documented=True, url=url, summary=summary
                )
    ordered = list(edges.values())
    order = {"source": 0, "broker": 1, "recipient": 2}
    ordered.sort(
        key=lambda e: (
            order[nodes[e.source].column],
            nodes[e.source].label.lower(),
            nodes[e.target].label.lower(),
            e.documented,
        )
    )
    for number, edge in enumerate(ordered, start=1):
        edge.number = number
    node_list = sorted(
        nodes.values(), key=lambda n: (order[n.column], n.role not in MARKED_ROLES, n.label.lower())
    )
    return FlowMap(tuple(node_list), tuple(ordered), proposed)
