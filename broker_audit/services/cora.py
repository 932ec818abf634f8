"""A records request to a sheriff about booking data sold to brokers and shared with ICE.

A sheriff's office is a criminal justice agency: its criminal justice records (bookings, jail
records, dealings with ICE) fall under the Colorado Criminal Justice Records Act (C.R.S.
24-72-301 to -309: release mostly at the custodian's discretion, "at reasonable times", and the
requester signs a statement that the records will not be used to solicit business); its other
public records (contracts with vendors, for one) under the Colorado Open Records Act. Which act
governs which record is not settled, so the letter invokes both and the vault tracks only the
Open Records Act's clock, for the records that act governs.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

from broker_audit.errors import UserError
from broker_audit.law.schema import Law
from broker_audit.services.access import VaultAccess, open_journal, require_profile
from broker_audit.services.letters import LetterJob, LetterResult, issue_letters


def records_request(
    access: VaultAccess,
    *,
    agency: str,
    address: Sequence[str],
    email: str | None,
    out_dir: Path,
    formats: Sequence[str] | None = None,
    today: dt.date,
    laws: Sequence[Law],
    since: dt.date = dt.date(2019, 1, 1),
    templates_dir: Path | None = None,
) -> LetterResult:
    """Write the request (with the statement to sign) and log it, through the letter pipeline.

    The agency's address comes from the user: we keep no directory of sheriffs' offices we could
    source, and an address we guessed would lose the request.
    """
    from broker_audit.law.deadlines import clock_for
    from broker_audit.letters.compose import new_reference, records_context, sender_lines
    from broker_audit.vocabulary import kind

    cora = next((x for x in laws if x.id == "co-cora"), None)
    ccjra = next((x for x in laws if x.id == "co-ccjra"), None)
    if cora is None:
        raise UserError("the law data has no Colorado Open Records Act entry (co-cora)")
    agency = agency.strip()
    lines = [line.strip() for line in address if line.strip()]
    if not agency or not lines:
        raise UserError(
            "name the agency and its postal address",
            'e.g. --agency "Adams County Sheriff\'s Office" --address "line 1;City, CO 80000"',
        )
    if since > today:
        raise UserError("--since is in the future")
    letter = kind("records")
    reference = new_reference()
    with open_journal(access) as journal:
        profile = require_profile(journal)
        context = records_context(
            profile=profile,
            agency=agency,
            cora=cora,
            ccjra=ccjra,
            today=today,
            reference=reference,
            since=since,
        )
        job = LetterJob(
            broker=None,
            letter=letter,
            law=cora,
            context=context,
            route=None,
            channels=("mail", "email") if email else ("mail",),
            recipient=(agency, *lines),
            sender=tuple(sender_lines(profile)),
            email_to=email or None,
            reference=reference,
            clock=clock_for(cora, letter),
            recipient_kind="agency",
        )
        (result,) = issue_letters(
            journal,
            profile,
            [job],
            out_dir=out_dir,
            formats=formats or ("pdf", "txt"),
            today=today,
            templates_dir=templates_dir,
        )
    return result
