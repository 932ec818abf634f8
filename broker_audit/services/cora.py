"""A Colorado Open Records Act request to a sheriff: what booking data went to brokers and ICE."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from pathlib import Path

from broker_audit.errors import UserError
from broker_audit.law.schema import Law
from broker_audit.services.access import VaultAccess, open_journal, require_profile
from broker_audit.services.letters import LetterResult, write_letter
from broker_audit.tracking.journal import now
from broker_audit.tracking.model import RequestMade


def agency_id(name: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    return f"agency-{slug or 'unnamed'}"


def cora_request(
    access: VaultAccess,
    *,
    agency: str,
    address: Sequence[str],
    email: str | None,
    out_dir: Path,
    formats: Sequence[str] = ("pdf", "txt"),
    today: dt.date,
    laws: Sequence[Law],
    since: dt.date = dt.date(2019, 1, 1),
    templates_dir: Path | None = None,
) -> LetterResult:
    """Write the request and log it; its clock is 3 working days (+7 on notice).

    The agency's address comes from the user: we keep no directory of sheriffs' offices we
    could source, and an address we guessed would lose the request.
    """
    from broker_audit.law.deadlines import clock_for
    from broker_audit.letters.compose import cora_context, new_reference, sender_lines
    from broker_audit.letters.render import render_letter

    law = next((x for x in laws if x.id == "co-cora"), None)
    if law is None:
        raise UserError("the law data has no Colorado Open Records Act entry (co-cora)")
    if not agency.strip() or not [line for line in address if line.strip()]:
        raise UserError(
            "name the agency and its postal address",
            'e.g. --agency "Adams County Sheriff\'s Office" --address "line 1;City, CO 80000"',
        )
    if since > today:
        raise UserError("--since is in the future")
    reference = new_reference()
    with open_journal(access) as journal:
        profile = require_profile(journal)
        context = cora_context(
            profile=profile, agency=agency.strip(), law=law, today=today, reference=reference, since=since
        )
        document = render_letter(
            "cora",
            context,
            sender=tuple(sender_lines(profile)),
            recipient=(agency.strip(), *(line.strip() for line in address if line.strip())),
            date=today,
            reference=reference,
            email_to=email or None,
            email_from=profile.email or None,
            templates_dir=templates_dir,
        )
        request_id = journal.next_request_id()
        broker_id = agency_id(agency)
        out_dir.mkdir(parents=True, exist_ok=True)
        files = write_letter(
            document, out_dir / f"{today.isoformat()}-{broker_id}-cora-{request_id}", formats
        )
        clock = clock_for(law, "access")
        try:
            journal.append(
                [
                    RequestMade(
                        id=request_id,
                        broker_id=broker_id,
                        broker_name=agency.strip(),
                        kind="cora",
                        law_id=law.id,
                        law_name=law.name,
                        deadline_days=clock.days,
                        working_days=clock.working_days,
                        extension_days=clock.extension_days,
                        reference=reference,
                        dated=today,
                        created=now(),
                        files=[str(f.resolve()) for f in files],
                    )
                ]
            )
        except BaseException:
            for f in files:
                f.unlink(missing_ok=True)
            raise
    return LetterResult(
        request_id=request_id,
        broker_id=broker_id,
        broker_name=agency.strip(),
        kind="cora",
        law_id=law.id,
        reference=reference,
        files=files,
    )
