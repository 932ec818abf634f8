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
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from broker_audit.errors import UserError
from broker_audit.i18n import _
from broker_audit.law.schema import Law
from broker_audit.letters.disclosure import AGENCY_SEES
from broker_audit.profile import AgentProfile, Profile
from broker_audit.services.access import VaultAccess, open_journal, require_profile
from broker_audit.services.letters import (
    Announcement,
    LetterJob,
    LetterResult,
    announcement_of,
    check_reading_language,
    issue_letters,
)
from broker_audit.services.resources import Resources

if TYPE_CHECKING:
    from broker_audit.letters.context import LetterContext
    from broker_audit.letters.disclosure import Disclosure


def records_request(
    access: VaultAccess,
    *,
    agency: str,
    address: Sequence[str],
    email: str | None,
    out_dir: Path,
    formats: Sequence[str] | None = None,
    today: dt.date,
    resources: Resources,
    since: dt.date = dt.date(2019, 1, 1),
    templates_dir: Path | None = None,
    disclose: Sequence[str] = (),
    as_clinic: bool = False,
    clinic: AgentProfile | None = None,
    announce: Callable[[list[Announcement]], None] | None = None,
    reading_copy: str | None = None,
) -> LetterResult:
    """Write the request (with the statement to sign) and log it, through the letter pipeline.

    The agency's address comes from the user: we keep no directory of sheriffs' offices we could
    source, and an address we guessed would lose the request.

    What the letter tells the agency (letters/disclosure.py): by default the requester's name and
    the e-mail the records go to, no home address and no phone (the Acts let anyone ask;
    `disclose` adds fields). `as_clinic`: the clinic (`clinic`, else the vault's) is the
    requester: the letter names no person at all. `announce` is called with what the letter will
    tell the agency before it is written. `reading_copy`: a language the requester reads (`es`):
    the letter's reading copy in it is written beside the letter (letters/reading_copy.py).
    """
    laws = resources.laws
    from broker_audit.law.claim import claim_for
    from broker_audit.letters.compose import new_reference
    from broker_audit.letters.disclosure import announcement, parse_disclose, summary
    from broker_audit.vocabulary import kind

    cora = next((x for x in laws if x.id == "co-cora"), None)
    ccjra = next((x for x in laws if x.id == "co-ccjra"), None)
    if cora is None:
        raise UserError("the law data has no Colorado Open Records Act entry (co-cora)")
    agency = agency.strip()
    lines = [line.strip() for line in address if line.strip()]
    if not agency or not lines:
        raise UserError(
            _("name the agency and its postal address"),
            _('e.g. --agency "Adams County Sheriff\'s Office" --address "line 1;City, CO 80000"'),
        )
    if since > today:
        raise UserError("--since is in the future")
    asked = parse_disclose(disclose)
    if as_clinic and asked:
        raise UserError("--disclose gives a person's details; with --as clinic the letter names no person")
    letter = kind("records")
    reading_copy = check_reading_language(reading_copy)
    reference = new_reference()
    with open_journal(access) as journal:
        profile = require_profile(journal)
        if as_clinic:
            requester = clinic or journal.agent
            if requester is None:
                raise UserError(
                    _("no clinic profile to make the request as"),
                    _("pass --clinic clinic.toml (keys: organization, address, email, phone)"),
                )
            context, sender, disclosure = _as_clinic(requester, agency, cora, ccjra, today, reference, since)
            told = f"the clinic's name and address{', its e-mail' if requester.email else ''}"
            words = f"{told}; answers go to {requester.organization}"
            line = (
                _(
                    "This letter tells {agency}: the clinic's name and address, its e-mail; answers go "
                    "to {organization}. It names no client."
                )
                if requester.email
                else _(
                    "This letter tells {agency}: the clinic's name and address; answers go to "
                    "{organization}. It names no client."
                )
            ).format(agency=agency, organization=requester.organization)
        else:
            context, sender, disclosure = _as_person(
                profile, agency, asked, cora, ccjra, today, reference, since
            )
            words = summary(disclosure, profile)
            line = announcement(disclosure, profile, agency)
        job = LetterJob(
            broker=None,
            letter=letter,
            law=cora,
            context=context,
            route=None,
            channels=("mail", "email") if email else ("mail",),
            recipient=(agency, *lines),
            sender=sender,
            email_to=email or None,
            reference=reference,
            clock=claim_for(cora, letter).clock,
            disclosure=disclosure,
            recipient_kind="agency",
            summary=words,
            announcement=f"{line} {_(AGENCY_SEES)}",
        )
        if announce is not None:
            announce([announcement_of(job)])
        (result,) = issue_letters(
            journal,
            profile,
            [job],
            out_dir=out_dir,
            formats=formats or ("pdf", "txt"),
            today=today,
            templates_dir=templates_dir,
            reading_copy=reading_copy,
        )
    return result


def _as_person(
    profile: Profile,
    agency: str,
    asked: Sequence[str],
    cora: Law,
    ccjra: Law | None,
    today: dt.date,
    reference: str,
    since: dt.date,
) -> tuple[LetterContext, tuple[str, ...], Disclosure]:
    from broker_audit.letters.compose import records_context, sender_lines
    from broker_audit.letters.disclosure import decide
    from broker_audit.vocabulary import kind

    disclosure = decide(profile, broker=None, letter=kind("records"), asked=asked)
    context = records_context(
        profile=profile,
        agency=agency,
        cora=cora,
        ccjra=ccjra,
        today=today,
        reference=reference,
        since=since,
        disclosure=disclosure,
    )
    return context, tuple(sender_lines(profile, None, disclosure)), disclosure


def _as_clinic(
    clinic: AgentProfile,
    agency: str,
    cora: Law,
    ccjra: Law | None,
    today: dt.date,
    reference: str,
    since: dt.date,
) -> tuple[LetterContext, tuple[str, ...], Disclosure]:
    """The clinic as the requester: its name, address and e-mail; nobody else's."""
    from broker_audit.letters.compose import records_context
    from broker_audit.letters.context import RequesterContext
    from broker_audit.letters.disclosure import clinic_disclosure

    disclosure = clinic_disclosure(clinic)
    context = records_context(
        profile=None,
        agency=agency,
        cora=cora,
        ccjra=ccjra,
        today=today,
        reference=reference,
        since=since,
        requester=RequesterContext(
            name=clinic.organization, email=clinic.email, reply_by="clinic", minimal=True
        ),
        disclosure=disclosure,
    )
    return context, (clinic.organization, *clinic.address), disclosure
