"""What to do next because of what the answers said (confirmed findings only). Pure.

- a source that is a public agency: ask it for its records (Colorado: `broker-audit cora`);
- a broker named as a source or a recipient that has not been asked: ask it what it holds;
- immigration enforcement named as a recipient: it is flagged in the request's evidence packet;
- a confirmed compliance finding: `followup` drafts the complaint that cites it.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass

from broker_audit.findings.ledger import Current
from broker_audit.findings.names import PUBLIC_ROLES
from broker_audit.i18n import _

COLORADO_HINTS = ("colorado", " co ", "condado de")  # i18n: not user-facing (matched in a place's name)


@dataclass(frozen=True)
class Step:
    text: str
    command: str
    why: str = ""  # e.g. "finding 4 of request #2"


def _colorado(current: Current, agency_states: Mapping[str, str]) -> bool:
    f = current.finding
    if f.matched.startswith("agency:"):
        return agency_states.get(f.matched, "") == "CO"
    padded = f" {f.value.lower()} "
    return any(h in padded for h in COLORADO_HINTS)


def next_steps(
    findings: Iterable[Current],
    *,
    asked_brokers: Collection[str],
    broker_names: Mapping[str, str],
    agency_states: Mapping[str, str],
    display: Mapping[str, str],
) -> list[Step]:
    steps: list[Step] = []
    seen: set[str] = set()
    for current in findings:
        if not current.confirmed:
            continue
        f = current.finding
        why = _("finding {n} of request #{id}").format(n=f.n, id=current.request_id)
        name = display.get(f.matched, f.value) if f.matched else f.value
        if f.kind == "compliance":
            key = f"complaint:{f.about}"
            if key not in seen and f.about is not None:
                seen.add(key)
                steps.append(
                    Step(
                        _(
                            "The company's answer goes against your request #{id}: {detail} "
                            "Complain to the state's consumer protection office."
                        ).format(id=f.about, detail=f.detail),
                        f"broker-audit followup {f.about}",
                        why,
                    )
                )
            continue
        if f.kind == "recipient" and f.role == "immigration-enforcement":
            key = f"flag:{current.request_id}:{f.matched or name}"
            if key not in seen:
                seen.add(key)
                steps.append(
                    Step(
                        _(
                            "{name} is named as a recipient of your data: keep the answer; the evidence "
                            "packet flags it. Talk to an immigration lawyer or a legal aid clinic."
                        ).format(name=name),
                        f"broker-audit evidence {current.request_id} --out evidence-{current.request_id}",
                        why,
                    )
                )
        if f.matched.startswith("broker:"):
            broker_id = f.matched.split(":", 1)[1]
            if broker_id not in asked_brokers and f"ask:{broker_id}" not in seen:
                seen.add(f"ask:{broker_id}")
                said = (
                    _("{name} gave your data to a broker you asked: ask it what it holds.")
                    if f.kind == "source"
                    else _("{name} received your data from a broker you asked: ask it what it holds.")
                )
                steps.append(
                    Step(
                        said.format(name=broker_names.get(broker_id, name)),
                        f"broker-audit request {broker_id} --kind access",
                        why,
                    )
                )
        if f.kind == "source" and f.role in PUBLIC_ROLES and f"records:{name}" not in seen:
            seen.add(f"records:{name}")
            if _colorado(current, agency_states):
                steps.append(
                    Step(
                        _(
                            "{name} is a public agency that fed a broker your data: ask it for its records "
                            "of sharing with data brokers and immigration enforcement."
                        ).format(name=name),
                        f'broker-audit cora --agency "{name}" --address "ITS POSTAL ADDRESS"',
                        why,
                    )
                )
            else:
                steps.append(
                    Step(
                        _(
                            "{name} is a public agency that fed a broker your data: ask it for its records "
                            "under its state's public records law (broker-audit writes Colorado's only)."
                        ).format(name=name),
                        "",
                        why,
                    )
                )
    return steps
