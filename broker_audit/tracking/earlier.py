"""What a letter about an earlier request says of it, read from the log: when it was sent and by
which channel, when it was received, when it was due, whether and when it was answered or
appealed. Follow-ups, appeals, complaints, records follow-ups and resends all read it here."""

from __future__ import annotations

from broker_audit.letters.compose import Earlier
from broker_audit.profile import AgentProfile
from broker_audit.tracking.model import RequestView
from broker_audit.tracking.states import State

ANSWERS = (State.DENIED, State.PARTIALLY_FULFILLED, State.FULFILLED)


def earlier_of(view: RequestView, agent: AgentProfile | None = None) -> Earlier:
    """What a letter about `view`'s request says of it (sent, received, due, answered, and who
    sent it: `agent`, the vault's clinic, when the request was written as the client's agent)."""
    sent = next((e for e in view.events if e.state is State.SENT), None)
    answer = next((e for e in reversed(view.events) if e.state in ANSWERS), None)
    answered = answer.on if answer else None
    appealed = next((e.on for e in view.events if e.state is State.APPEALED), None)
    return Earlier(
        reference=view.request.reference,
        kind=view.request.kind,
        dated=view.request.dated,
        sent=sent.on if sent else None,
        via=sent.via if sent else "",
        tracking=sent.tracking if sent else "",
        delivered=view.delivered,
        due=view.due,
        due_estimated=view.due_estimated,
        # what the answer was, once there is one (a complaint after an appeal says "denied",
        # not the request's state now, "appealed"); else the state now
        state=answer.state.value if answer else view.state.value,
        answered_on=answered,
        appealed_on=appealed,
        agent=agent.organization if agent is not None and view.request.as_agent else "",
    )
