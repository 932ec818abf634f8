"""`broker-audit resend ID --via CHANNEL`: write a request's letter again, for another route.

A request can be recorded as sent only by the channel its letter was written for (a letter
made for the post did not go by email). To send it another way, its letter is written for that
route: a new request (a new id and reference, the same kind, law and person), logged as drafted.
The first one, if it was never sent, is withdrawn in the same transaction, saying by which
request it was replaced; one already sent stays as it is (the new letter is a second attempt).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from pathlib import Path

from broker_audit.errors import UserError
from broker_audit.i18n import _
from broker_audit.profile import Profile
from broker_audit.services.access import VaultAccess, open_journal, require_profile
from broker_audit.services.letters import (
    LetterResult,
    LettersResult,
    address_unfit,
    check_reading_language,
    issue_letters,
    plan_letter,
)
from broker_audit.services.resources import Resources
from broker_audit.tracking.journal import Journal
from broker_audit.tracking.model import RequestMade
from broker_audit.tracking.records import ClientSet
from broker_audit.tracking.states import State


class ResendResult(LettersResult, frozen=True, kw_only=True):
    """The letter written again for another route (the one element of `letters`): the data of
    `resend --json`."""

    replaces: int  # the request whose letter was written again
    withdrawn: bool  # the first request was never sent and is now withdrawn

    @property
    def letter(self) -> LetterResult:
        return self.letters[0]


def _without_eml(journal: Journal, request: RequestMade) -> bool:
    """Whether an e-mail request has no `.eml` to send: written without it (`--format txt`), or
    the file is gone. `send` cannot send it, so writing it again for e-mail makes it sendable."""
    from broker_audit.services.send import letter_file

    if request.channel != "email":
        return False
    path = letter_file(journal, request)
    return path is None or not (path.exists() or path.is_symlink())


def resend_letter(
    access: VaultAccess,
    request_id: int,
    *,
    via: str,
    out_dir: Path,
    today: dt.date,
    resources: Resources,
    formats: Sequence[str] | None = None,
    templates_dir: Path | None = None,
    as_agent: bool | None = None,
    reading_copy: str | None = None,
) -> ResendResult:
    """Write request `request_id`'s letter for the `via` route and log it as a new drafted
    request (see the module's docstring). A clinic client's request is written for the same
    client; as the client's authorized agent (where the law allows it) when the request was, or
    as `as_agent` says when given. `reading_copy`: a language the requester reads (`es`): the
    letter's reading copy in it is written beside the letter."""
    registry = resources.registry
    laws = resources.laws
    from broker_audit.vocabulary import kind as kind_of

    with open_journal(access) as journal, journal.write():  # ids and states are read under the lock
        view = journal.view(request_id)
        request = view.request
        if request.recipient != "broker" or not request.broker_id:
            raise UserError(
                _("request {request_id} is a {kind} to {recipient_name}: it has only one route").format(
                    request_id=request_id, kind=request.kind, recipient_name=request.recipient_name
                ),
                _("write it again with the command that made it"),
            )
        if view.state in (State.FULFILLED, State.WITHDRAWN):
            raise UserError(
                _("request {request_id} is {value}: there is nothing to send").format(
                    request_id=request_id, value=view.state.value
                )
            )
        if via == request.channel and view.state is State.DRAFTED and not _without_eml(journal, request):
            raise UserError(
                _("request {request_id}'s letter was already written to go {via}").format(
                    request_id=request_id, via=via
                ),
                _("send it, then `broker-audit mark {request_id} sent --via {via}`").format(
                    request_id=request_id, via=via
                ),
            )
        law = next((x for x in laws if x.id == request.law_id), None)
        if law is None:
            raise UserError(
                _("law {law_id!r} of request {request_id} is no longer in the data").format(
                    law_id=request.law_id, request_id=request_id
                )
            )
        client, profile = _requester(journal, request)
        if as_agent is None:
            as_agent = request.as_agent
        agent = journal.agent if as_agent else None
        if as_agent and agent is None:
            raise UserError(_("the vault has no clinic profile to write as an agent"), _("leave out --agent"))
        earlier = None
        if request.linked_to is not None and request.linked_to in journal.requests:
            from broker_audit.tracking.earlier import earlier_of

            earlier = earlier_of(journal.view(request.linked_to), journal.agent)
        broker = registry.resolve(request.broker_id)
        job = plan_letter(
            broker,
            kind_of(request.kind),
            profile=profile,
            state_law=law,
            laws=laws,
            today=today,
            earlier=earlier,
            agent=agent,
            # a clinic client's letter: answers go to the clinic when it withholds the home, as in the batch
            clinic=journal.agent if request.client_id is not None else None,
            linked_to=request.linked_to,
            via=via,
            family=registry.family(broker),
        )
        if client is not None:  # the reading copy in the language the client reads
            job = dataclasses.replace(job, reader_language=client.language)
        if job.route is None or job.channel != via:
            raise UserError(
                _("{recipient_name} has no {via} route for a {kind} request").format(
                    recipient_name=request.recipient_name, via=via, kind=request.kind
                )
            )
        unfit = address_unfit(job)
        if unfit is not None:
            raise UserError(f"{unfit.broker_name}: {unfit.reason}", "; ".join(unfit.advice))
        new_id = journal.next_request_id()
        withdraw = view.state is State.DRAFTED
        also = (
            [
                journal.status_event(
                    request_id,
                    State.WITHDRAWN,
                    on=today,
                    note=f"written again for {via} as #{new_id}",  # i18n: English on purpose (stored)
                )
            ]
            if withdraw
            else []
        )
        (letter,) = issue_letters(
            journal,
            profile,
            [job],
            out_dir=out_dir,
            formats=formats,
            today=today,
            templates_dir=templates_dir,
            client_id=request.client_id,
            also=also,
            reading_copy=check_reading_language(reading_copy),
        )
    return ResendResult(letters=[letter], replaces=request_id, withdrawn=withdraw, warnings=job.warnings)


def _requester(journal: Journal, request: RequestMade) -> tuple[ClientSet | None, Profile]:
    """Whom `request` was written for: its clinic client (and their profile), else the vault's
    own profile."""
    if request.client_id is None:
        return None, require_profile(journal)
    client = journal.clients.get(request.client_id)
    if client is None:
        raise UserError(_("request {request_id}'s client is not in this vault").format(request_id=request.id))
    return client, client.profile
