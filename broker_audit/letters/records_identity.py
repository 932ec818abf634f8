"""Who a campaign's records requests are from, and what of them the letters carry.

One small function decides it (`records_requester`), so the general disclosure rules (issue 19)
can take it over in one place. A records request needs no identity: the Open Records Act lets
anyone ask and bars requiring identification (C.R.S. 24-72-203(1)(a)); an agency needs only a way
to send the records. So a campaign letter never carries a home address, a phone number, a birth
date or another name: by default it is the clinic's or organisation's request, in its own name,
with its office address; without one, the person's, with their name and e-mail only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from broker_audit.errors import UserError
from broker_audit.i18n import _, ngettext
from broker_audit.letters.context import RequesterContext
from broker_audit.letters.disclosure import Disclosure, clinic_disclosure, decide
from broker_audit.profile import AgentProfile, Profile

RequesterKind = Literal["clinic", "person"]


@dataclass(frozen=True)
class RecordsRequester:
    """The requester as the letters show it."""

    kind: RequesterKind
    name: str  # who signs: the person, or the clinic's contact (else the clinic's name)
    organization: str  # the clinic or organisation making the request; "" for a person
    email: str  # where the records are to be sent; may be "" for a clinic with a postal address
    sender: tuple[str, ...]  # the letterhead and return address
    identity: tuple[str, ...]  # what a web form is given
    # What the letters tell each agency about a person, decided by letters/disclosure.py: for a
    # clinic nothing (no client is named), for a person the e-mail the records go to.
    disclosed: Disclosure = field(default_factory=lambda: Disclosure((), (), True, ""))

    def context(self) -> RequesterContext:
        """The template's `requester`: a name and an e-mail, nothing else."""
        return RequesterContext(name=self.name, email=self.email)

    def disclosure(self) -> Disclosure:
        """What the letters tell each agency, kept in the log like any letter's."""
        return self.disclosed

    def announcement(self, agency: str, letters: int = 1) -> str:
        """The line printed before the letters are written, as for every letter (in the reader's
        language; `letters`: how many, one per agency)."""
        if self.kind == "clinic":
            return ngettext(
                "This letter tells {agency}: {organization}'s name and address; no client is named.",
                "These letters tell {agency}: {organization}'s name and address; no client is named.",
                letters,
            ).format(agency=agency, organization=self.organization)
        return ngettext(
            "This letter tells {agency}: your name and your e-mail; answers go to your e-mail only.",
            "These letters tell {agency}: your name and your e-mail; answers go to your e-mail only.",
            letters,
        ).format(agency=agency)


def records_requester(
    profile: Profile | None, agent: AgentProfile | None, kind: RequesterKind | None = None
) -> RecordsRequester:
    """The requester of a campaign: the clinic (`agent`) when the vault has one, unless `kind`
    says "person"; the person with name and e-mail only otherwise."""
    kind = kind or ("clinic" if agent is not None else "person")
    if kind == "clinic":
        if agent is None:
            raise UserError(
                _("this vault has no clinic or organisation to write as"),
                _(
                    "make the requests as yourself (--as person), or create a clinic's vault "
                    "(broker-audit init --clinic clinic.toml)"
                ),
            )
        signer = agent.contact_name.strip() or agent.organization
        identity = [f"Organization: {agent.organization}"]
        if agent.contact_name.strip():
            identity.append(f"Contact: {agent.contact_name.strip()}")
        if agent.address:
            identity.append("Address: " + ", ".join(agent.address))
        if agent.email:
            identity.append(f"Email: {agent.email}")
        return RecordsRequester(
            kind="clinic",
            name=signer,
            organization=agent.organization,
            email=agent.email,
            sender=(agent.organization, *agent.address),
            identity=tuple(identity),
            disclosed=clinic_disclosure(agent),
        )
    if profile is None:
        raise UserError(
            _("this vault has no requester's profile to write as"),
            _("write as the clinic (--as clinic), or add a profile (broker-audit profile edit --from-file)"),
        )
    if not profile.email:
        raise UserError(
            _("a records request as a person carries only your name and e-mail: the profile has no e-mail"),
            _("add one (broker-audit profile edit --email you@example.org), or write as a clinic"),
        )
    from broker_audit.vocabulary import kind as letter_kind

    disclosed = decide(profile, broker=None, letter=letter_kind("records"))
    assert disclosed.given == ("email",) and disclosed.reply == "email"  # name and e-mail only
    return RecordsRequester(
        kind="person",
        name=profile.name,
        organization="",
        email=profile.email,
        sender=(profile.name,),
        identity=(f"Name: {profile.name}", f"Email: {profile.email}"),
        disclosed=disclosed,
    )
