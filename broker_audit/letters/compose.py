"""What a letter says about whom: the typed template context from profile, recipient, law, route."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Sequence
from dataclasses import dataclass

from broker_audit.errors import NotConsumerReporting, UserError
from broker_audit.geography import STATE_NAMES
from broker_audit.i18n import NP_, _, pgettext_in
from broker_audit.law.claim import Claim, claim_for
from broker_audit.law.schema import Law, RightRule
from broker_audit.letters.context import (
    AgentContext,
    EarlierContext,
    FcraContext,
    ForwardContext,
    LawContext,
    LetterContext,
    PeriodContext,
    RecipientContext,
    RecordsContext,
    RequesterContext,
    RightContext,
    RouteContext,
    StatuteContext,
    UnreachableContext,
)
from broker_audit.letters.disclosure import Disclosure, decide, given_of
from broker_audit.profile import Address, AgentProfile, Profile, require
from broker_audit.registry.agencies import AgencyRoute
from broker_audit.registry.schema import REGISTRY_NAMES, Broker, Route
from broker_audit.vocabulary import CHANNELS, KINDS, LetterKind, kind
from broker_audit.words import channel_done, channel_heading, channel_words

_REF_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
UNIT_WORDS = {"calendar": "days", "business": "business days"}


def check_kind(text: str, group: str = "request") -> LetterKind:
    """The letter kind named by `text`, which must be of `group` (what `request` may write)."""
    key = text.strip().lower()
    found = KINDS.get(key)
    allowed = [k.id for k in KINDS.values() if k.group == group]
    if found is None or found.group != group:
        raise UserError(
            _("unknown letter kind {kind}").format(kind=repr(key)),
            _("kinds are: {kinds}").format(kinds=", ".join(allowed)),
        )
    return found


def new_reference() -> str:
    """A reference for the letter that says nothing about the requester."""
    return "BA-" + "".join(secrets.choice(_REF_ALPHABET) for _ in range(8))


def long_date(day: dt.date) -> str:
    return f"{day:%B} {day.day}, {day.year}"


# --- addresses ------------------------------------------------------------------------------------


def recipient_lines(broker: Broker, route: Route | None) -> list[str]:
    """The address block of a letter to a broker, as its route sends it.

    Mail: the postal address (it shows in the envelope window). Email, web form, phone, fax: the
    company's name and where the letter goes, so nobody mails it to a guessed address.
    """
    name = broker.legal_name or broker.name
    if route is None:
        return [name, "No known way to send this request."]
    return route_block(name, route)


def route_block(name: str, route: Route | AgencyRoute) -> list[str]:
    """The address block of a letter to `name` by `route`: its postal lines, or the name, the
    channel's heading ("By email to:") and the route's value. Always English: it is the letter's."""
    if route.postal is not None and CHANNELS[route.channel].value == "postal":
        return route.postal.lines()
    return [name, channel_heading(route.channel, "en"), route.value]


_FILE_ONLINE = NP_("complaint heading", "File online at:")


def reading_recipient(lines: Sequence[str], language: str) -> tuple[str, ...]:
    """A reading copy's recipient block: the letter's, with its headings ("By email to:", "File
    online at:") in `language`; names, addresses and URLs as the letter gives them."""
    headings = {
        spec.heading: channel_heading(channel, language) for channel, spec in CHANNELS.items() if spec.heading
    }
    headings[_FILE_ONLINE] = pgettext_in(language, "complaint heading", _FILE_ONLINE)
    return tuple(headings.get(line, line) for line in lines)


def complaint_recipient_lines(law: Law) -> list[str]:
    """The complaint office: its online form or email, not a postal address we cannot source."""
    complaint = law.complaint
    if complaint is None:
        raise UserError(
            f"no complaint office is known for the {law.name}",
            "file with your state Attorney General's consumer protection office",
        )
    if complaint.url:
        return [complaint.office, _FILE_ONLINE, complaint.url]
    if complaint.email:
        return [complaint.office, "By email to:", complaint.email]
    raise UserError(
        f"no complaint form or email is known for the {complaint.office}",
        "find the office's complaint form on its website and file there; the follow-up letter names it",
    )


def sender_lines(
    profile: Profile, agent: AgentContext | None = None, disclosure: Disclosure | None = None
) -> list[str]:
    """The return address (it shows in a double-window envelope): the letter's reply channel.

    A clinic acting for the client: with standing under the law it writes as itself; without,
    the letter stays the client's own request and the clinic is only the return address
    ("c/o"). Otherwise the disclosure says where answers go: home only when the letter gives the
    current address, else the reply address, the clinic, or the name and e-mail alone.
    `disclosure` None: the requester's home (the clinic's cover sheet, which goes to the client).
    """
    if agent is not None:
        if agent.standing:
            return [agent.organization, *agent.address]
        return [profile.name, f"c/o {agent.organization}", *agent.address]
    if disclosure is not None and disclosure.reply != "home":
        if disclosure.reply == "email":
            return [profile.name, profile.email]
        return [profile.name, *disclosure.reply_lines]
    address = profile.current_address
    return [profile.name, *(address.lines() if address else [])]


# --- law -----------------------------------------------------------------------------------------


def refer_as(law: Law) -> str:
    """How a sentence names the law: "the CCPA", or the law's own `refer_as` ("NRS 603A")."""
    return law.refer_as or f"the {law.short_name}"


def title_for(claim: Claim, acting: AgentContext | None = None) -> str:
    """The letter's subject: the law's own wording for the right when it has one (an opt-out of
    "the sale and sharing" is California's), for the kind named after that right; else the
    kind's own. An agent who may make only part of the request (`acting.rest`: Texas, Nebraska)
    gets the agent rule's subject, which names only that part."""
    if acting is not None and acting.rest and claim.agent is not None and claim.agent.title:
        return claim.agent.title
    if claim.rule is not None and claim.rule.title and claim.right == claim.letter.id:
        return claim.rule.title
    return claim.letter.title


def _period(rule: RightRule | None, law: Law) -> PeriodContext | None:
    period = rule.period if rule is not None else None
    if period is None or not period.text_seen:
        return None
    unit = (
        "working days"
        if law.kind == "open-records" and period.unit == "business"
        else UNIT_WORDS[period.unit]
    )
    return PeriodContext(
        days=period.days,
        unit=unit,
        extension_days=period.extension_days,
        extension_when=period.extension_when,
        citation=period.citation,
    )


def right_context(law: Law, right: str, rule: RightRule) -> RightContext:
    """A right as a letter may put it: its own citation only when its text was read (else the
    Act's, rule L008), its scope stated only then too."""
    return RightContext(
        id=right,
        citation=rule.citation if rule.text_seen else law.citation,
        scope=rule.scope,
        limited=rule.limited,
        stated=rule.text_seen,
        verb=rule.verb,
        beyond=rule.beyond,
        explain=rule.explain if rule.text_seen else "",
    )


def law_context(claim: Claim) -> LawContext:
    """What the letter may say of its claim under its law (law/claim.py decides the claim)."""
    law, letter, rule = claim.law, claim.letter, claim.rule
    appeal = law.appeal if law.appeal and law.appeal.available else None
    appeal_read = bool(appeal and appeal.text_seen)
    claims = claim.applies
    limit = law.verification_limit if law.verification_limit and law.verification_limit.text_seen else None
    agent = claim.agent
    also = [
        right_context(law, right, law.rights[right])
        for right in letter.also
        if claims and right in law.rights and law.rights[right].text_seen
    ]
    complaint = law.complaint
    return LawContext(
        applies=claims,
        id=law.id,
        kind=law.kind,
        name=law.name,
        short_name=law.short_name,
        refer_as=refer_as(law),
        citation=law.citation,
        right=right_context(law, claim.right, rule) if claim.right and rule else None,
        also=also,
        period=_period(rule, law),
        agent_allowed=bool(agent and agent.allowed),
        agent_citation=(
            (agent.citation if agent.text_seen else law.citation) if agent and agent.allowed else ""
        ),
        appeal=appeal is not None,
        appeal_days=appeal.response_days if appeal and appeal_read else None,
        appeal_extension_days=appeal.extension_days if appeal and appeal_read else None,
        appeal_extension_when=appeal.extension_when if appeal and appeal_read else "",
        appeal_citation=appeal.citation if appeal and appeal_read else "",
        complaint_office=complaint.office if complaint else "",
        complaint_url=(complaint.url or "") if complaint else "",
        complaint_email=complaint.email if complaint else "",
        verification_citation=limit.citation if limit else "",
        verification_scope=limit.scope if limit else "",
        electronic_citation=_electronic(law),
    )


def _electronic(law: Law) -> str:
    """The citation letting the requester authorize an electronic answer, when its text was read."""
    e = law.electronic_delivery
    return e.citation if e is not None and e.text_seen else ""


def _fcra_context(fcra: Law) -> FcraContext | None:
    """The FCRA paragraphs a consumer reporting agency gets besides the state-law request."""
    disclosure = fcra.rights.get("fcra-disclosure")
    if disclosure is None:
        return None
    dispute = fcra.rights.get("correct")
    period = dispute.period if dispute else None
    return FcraContext(
        name=fcra.name,
        citation=disclosure.citation,
        dispute_citation=dispute.citation if dispute else "",
        dispute_days=period.days if period and period.text_seen else None,
        electronic_citation=_electronic(fcra),
    )


def agent_context(claim: Claim, agent: AgentProfile | None) -> AgentContext | None:
    """The clinic acting for a client, whether the letter's law lets an agent make this request,
    and for which part of the right (Texas and Nebraska: an agent opts out of targeted advertising
    and sale, not profiling)."""
    if agent is None:
        return None
    law = claim.law
    rule = claim.agent
    standing = bool(rule and rule.allowed)
    read = bool(rule and rule.text_seen)
    return AgentContext(
        organization=agent.organization,
        contact_name=agent.contact_name,
        address=list(agent.address),
        email=agent.email,
        phone=agent.phone,
        standing=standing,
        citation=(rule.citation if read else law.citation) if rule and standing else "",
        scope=rule.scope if rule and standing and read else "",
        claim_citation=rule.claim_citation if rule and standing and read else "",
        rest=rule.rest if rule and standing and read else "",
    )


# --- the earlier request --------------------------------------------------------------------------


@dataclass(frozen=True)
class Earlier:
    """The request a follow-up, appeal or complaint is about."""

    reference: str
    kind: str
    dated: dt.date
    sent: dt.date | None
    via: str
    tracking: str
    delivered: dt.date | None
    due: dt.date | None
    due_estimated: bool
    state: str
    answered_on: dt.date | None
    appealed_on: dt.date | None
    agent: str = ""  # the organisation that sent it as the requester's authorized agent


def _earlier_context(earlier: Earlier | None, law: Law) -> EarlierContext | None:
    if earlier is None:
        return None
    try:
        about = kind(earlier.kind)
    except KeyError:
        about = None
    earlier_claim = claim_for(law, about) if about else None
    period = _period(earlier_claim.rule if earlier_claim else None, law)
    # The legal due date is stated only when it is the law's own: counted from a known receipt
    # date, over a period whose statute text was read.
    legal_due = earlier.due if (earlier.due and not earlier.due_estimated and period) else None
    return EarlierContext(
        reference=earlier.reference,
        title=title_for(earlier_claim) if earlier_claim else earlier.kind,
        kind=earlier.kind,
        dated=long_date(earlier.dated),
        sent=long_date(earlier.sent) if earlier.sent else "",
        via=channel_words(earlier.via or "", "en"),
        sent_by=channel_done(earlier.via or "", "en"),
        tracking=earlier.tracking,
        delivered=long_date(earlier.delivered) if earlier.delivered else "",
        due=long_date(legal_due) if legal_due else "",
        period_days=period.days if period else None,
        period_unit=period.unit if period else "days",
        period_citation=period.citation if period else "",
        state=earlier.state,
        answered_on=long_date(earlier.answered_on) if earlier.answered_on else "",
        appealed_on=long_date(earlier.appealed_on) if earlier.appealed_on else "",
        agent=earlier.agent,
    )


# --- whole letters --------------------------------------------------------------------------------


def requester_context(profile: Profile, disclosure: Disclosure) -> RequesterContext:
    """The requester as the letter shows them: the name, and only the values `disclosure` gives."""

    def strings(name: str) -> list[str]:
        return given_of(str, disclosure, profile, name)

    def first(name: str) -> str:
        return next(iter(strings(name)), "")

    def past(address: Address) -> str:
        years = address.years()
        return f"{address.one_line()} ({years})" if years else address.one_line()

    current = next(iter(given_of(Address, disclosure, profile, "current-address")), None)
    birth = next(iter(given_of(dt.date, disclosure, profile, "birth-date")), None)
    return RequesterContext(
        name=profile.name,
        other_names=strings("other-names"),
        email=first("email"),
        phone=first("phone"),
        birth_date=long_date(birth) if birth else "",
        address=current.one_line() if current else "",
        past_addresses=[past(a) for a in given_of(Address, disclosure, profile, "past-addresses")],
        state=STATE_NAMES.get(profile.state, profile.state),
        advertising_ids=strings("advertising-id"),
        licence_number=first("licence-number"),
        reply_by=disclosure.reply,
        minimal=disclosure.minimal,
    )


def broker_recipient(broker: Broker) -> RecipientContext:
    return RecipientContext(
        kind="broker",
        id=broker.id,
        name=broker.name,
        legal_name=broker.legal_name or broker.name,
        brands=list(broker.brands),
        consumer_reporting=broker.is_consumer_reporting_agency(),
        location_data="location-data" in broker.categories,
    )


def route_context(route: Route | None) -> RouteContext | None:
    if route is None:
        return None
    return RouteContext(
        channel=route.channel,
        address=route.address(),
        words=channel_words(route.channel, "en"),
        provenance=route.provenance(),
        registry_name=REGISTRY_NAMES.get(route.registry, route.registry) if route.registry else "",
        filed=route.filed,
        via_parent=route.via_parent,
        door=route.door_kind,
    )


def letter_context(
    *,
    letter: LetterKind,
    profile: Profile,
    broker: Broker,
    law: Law,
    fcra: Law | None,
    today: dt.date,
    reference: str,
    route: Route | None = None,
    details: str = "",
    earlier: Earlier | None = None,
    agent: AgentProfile | None = None,
    disclosure: Disclosure | None = None,
    forward_for: Broker | None = None,
    unreachable: UnreachableContext | None = None,
    claim: Claim | None = None,
) -> LetterContext:
    """Everything a letter template may use. Identity: only what `disclosure` gives (None: the
    default for this broker, `letters.disclosure.decide`; planning passes the one it decided).
    The legal claim: `claim` as planned (None: `claim_for(law, letter)`, the same decision).

    No SSN is ever included; the letters say why. `forward_for`: the company the data is really
    with, when the letter goes to its parent because it cannot be reached; `unreachable`: what a
    complaint about such a company says was tried.
    """
    require(profile, ["name"], f"a letter to {broker.id}")
    if disclosure is None:
        disclosure = decide(profile, broker=broker, letter=letter)
    if letter.needs_details and not details.strip():
        raise UserError(
            _("a correction letter needs to say what is wrong"),
            _('add --details "my address is listed as X; the correct one is Y"'),
        )
    recipient = broker_recipient(broker)
    consumer_reporting = recipient.consumer_reporting
    if letter.id == "fcra-disclosure" and not consumer_reporting:
        raise NotConsumerReporting(broker.id, broker.name)
    if claim is None:
        claim = claim_for(law, letter)
    acting = agent_context(claim, agent)
    return LetterContext(
        kind=letter.id,
        title=title_for(claim, acting),
        today=long_date(today),
        reference=reference,
        details=details.strip(),
        requester=requester_context(profile, disclosure),
        broker=recipient,
        law=law_context(claim),
        route=route_context(route),
        fcra=_fcra_context(fcra) if fcra is not None and consumer_reporting else None,
        earlier=_earlier_context(earlier, law),
        agent=acting,
        forward=(
            ForwardContext(name=forward_for.legal_name or forward_for.name, brands=list(forward_for.brands))
            if forward_for is not None
            else None
        ),
        unreachable=unreachable,
    )


def records_context(
    *,
    profile: Profile | None,
    agency: str,
    cora: Law,
    ccjra: Law | None,
    today: dt.date,
    reference: str,
    since: dt.date,
    requester: RequesterContext | None = None,
    organization: str = "",
    data: tuple[str, str] | None = None,
    letter: LetterKind | None = None,
    earlier: Earlier | None = None,
    disclosure: Disclosure | None = None,
) -> LetterContext:
    """An open-records request needs no identity details: the laws let anyone ask. The agency
    sees everything in the letter.

    `requester` is who the letter is from when it is not the profile (a campaign's clinic, or the
    person with name and e-mail only: `letters/records_identity.py`); otherwise the profile, with
    only what `disclosure` gives (by default the name and the e-mail the records go to). `data`
    is what it asks about ((words, short words): a sheriff's booking data by default); `letter`
    the kind (the request, or its follow-up with `earlier`)."""
    if cora.kind != "open-records":
        raise UserError(f"{cora.id} is not an open-records law")
    letter = letter or kind("records")
    if requester is None:
        if profile is None:
            raise UserError("a records request needs the requester's name")
        if disclosure is None:
            disclosure = decide(profile, broker=None, letter=letter)
        requester = requester_context(profile, disclosure)
    recipient = RecipientContext(kind="agency", name=agency, legal_name=agency)
    words, short = data or ("booking, jail, arrest or mugshot data", "booking data")
    asked = kind("records")  # a follow-up is about the request's rights and clock
    return LetterContext(
        kind=letter.id,
        title=letter.title,
        today=long_date(today),
        reference=reference,
        requester=requester,
        broker=recipient,
        agency=recipient,
        law=law_context(claim_for(cora, asked)),
        earlier=_earlier_context(earlier, cora),
        records=RecordsContext(
            since=long_date(since),
            ccjra=law_context(claim_for(ccjra, asked)) if ccjra is not None else None,
            data=words,
            data_short=short,
            context=[
                StatuteContext(citation=c.citation, history=c.history, words=c.words) for c in cora.context
            ],
            organization=organization,
        ),
    )
