"""What a letter tells its recipient about the requester: decided once, when the letter is planned.

Every identifying field (`vocabulary.IDENTITY_FIELDS`: current and past addresses, phone, e-mail,
birth date, other names, advertising ID, licence number) is a disclosure. To a broker that sells
to government, police or immigration enforcement (documented sales, or its own answers to a state
registry) and to every agency the default is minimal: the name, what it is likely to hold already
(the past addresses the requester lists, and a phone's advertising ID for a location-data broker),
and a way to answer that need not be home. A location-data broker is minimal too: it finds a
person by the phone's advertising ID, and where a phone sleeps is a home address. Other brokers
get the profile's default. The requester adds a field for one run with `--disclose FIELD` (`all`:
what letters gave before).

A letter about an earlier one (follow-up, appeal) gives no more than it did: the same fields, and
of each only the values it gave (a digest of each value is kept in the log), so a new home, phone
or e-mail since the request is not told. A complaint goes to a state office, which may forward it
to the company and keep it as a public record: it carries the name and a way to answer (the
e-mail, the clinic or the reply address; the home address only when the request gave it and there
is no other way), never more than the request. Government recipients (agencies, complaint
offices) answer by e-mail before a postal reply address.

The decision travels with the letter: its template context holds only what is given, its return
address is the reply channel, the `.eml` has a From only when the e-mail is given, the submission
sheet lists only what is given. It is printed before anything is written and kept in the log.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal, TypeVar

from broker_audit.errors import UserError
from broker_audit.i18n import N_, NP_, _, current_language, gettext_in, ngettext_in, pgettext_in
from broker_audit.profile import Address, AgentProfile, Profile, ReplyAddress
from broker_audit.registry.schema import Broker
from broker_audit.vocabulary import IDENTITY_FIELDS, MINIMAL_DISCLOSURE, STANDARD_DISCLOSURE, LetterKind

ReplyKind = Literal["home", "reply-address", "clinic", "email"]

# Names `--disclose` also accepts for a field.
_ALIASES = {
    "address": "current-address",
    "home-address": "current-address",
    "past-address": "past-addresses",
    "previous-addresses": "past-addresses",
    "e-mail": "email",
    "dob": "birth-date",
    "date-of-birth": "birth-date",
    "other-name": "other-names",
    "ad-id": "advertising-id",
    "advertising-ids": "advertising-id",
    "maid": "advertising-id",
    "license-number": "licence-number",
    "licence": "licence-number",
    "license": "licence-number",
}
ALL = "all"

# Recipients whose buyers make a letter minimal, in the order the reason names them, and the
# reasons each gives: a documented sale (or work, for jails), then a state registry answer. The
# reasons are English in the vault (the record) and put in the reader's language when shown
# (`reason_in`): each is one message of the catalog.
_GOVERNMENT = (
    (
        "immigration-enforcement",
        N_("it sells to immigration enforcement"),
        N_("it told a state registry it shares data with immigration enforcement"),
    ),
    (
        "law-enforcement",
        N_("it sells to law enforcement"),
        N_("it told a state registry it shares data with law enforcement"),
    ),
    (
        "federal-government",
        N_("it sells to the federal government"),
        N_("it told a state registry it shares data with the federal government"),
    ),
    (
        "corrections",
        N_("it works with jails and prisons"),
        N_("it told a state registry it shares data with jails and prisons"),
    ),
)
STATE_GOVERNMENT_REASON = N_("it told a state registry it shares data with state government")
LOCATION_REASON = N_("it holds phones' location data, which it finds by the advertising ID alone")
COMPLAINT_REASON = N_(
    "a complaint to a state office, which may forward it to the company and keep it as a public record"
)
AGENCY_REASON = N_("a records request to a government agency, which sees everything in the letter")
AGENCY_SEES = N_(
    "The agency will see everything in the letter, and what it answers may itself be a public record."
)
"""Said after an agency letter's announcement; translate it where it is shown (`_`)."""
AS_IN_REQUEST = N_("as in the request it follows")
_AS_IN_REQUEST_WHY = N_("as in the request it follows: {why}")
_FOLLOWS = re.compile(re.escape(AS_IN_REQUEST) + r" \((?P<why>.*)\)")  # i18n: not user-facing


def as_in_request(reason: str) -> str:
    """Why a follow-up keeps back what its request did, as the vault keeps it (English):
    "as in the request it follows (<the request's reason>)"; `reason_in` says it in a language."""
    return f"{AS_IN_REQUEST} ({reason})"  # i18n: not user-facing (stored; reason_in translates)


PROFILE_DEFAULT = N_("your profile's default")
STANDARD_LETTER = N_("the standard letter")
CLINIC_OWN_NAME = N_("the clinic asks in its own name; no client is named")
EMAIL_GIVES = N_("an e-mail goes from your own address, so it gives your e-mail")
REPLY_IS_HOME = N_(
    "your reply address is your home address, so this letter tells where you live; a P.O. "
    "box, a trusted friend or a clinic keeps it back"
)
# What a complaint may carry besides the name and where answers go (never more than the request).
COMPLAINT_FIELDS = frozenset({"email"})


@dataclass(frozen=True)
class Disclosure:
    """One letter's disclosure: what it gives, what it withholds, where answers go, and why."""

    given: tuple[str, ...]  # identity fields carried besides the name, in IDENTITY_FIELDS order
    withheld: tuple[str, ...]  # fields the profile holds that the letter does not carry
    minimal: bool
    reason: str  # why the default was what it was
    asked: tuple[str, ...] = ()  # added by the requester for this letter (--disclose)
    reply: ReplyKind = "home"
    reply_lines: tuple[str, ...] = ()  # the postal lines answers go to; () when by e-mail only
    notes: tuple[str, ...] = field(default=())  # e.g. "the e-mail route sends from your address"
    # Per given field, the digests (`value_digest`) of the values the letter gives, as decided:
    # a letter about this one gives only these. Empty: every value of each given field (a
    # disclosure made by hand, as for a clinic that names no client).
    values: tuple[tuple[str, tuple[str, ...]], ...] = ()

    def gives(self, name: str) -> bool:
        return name in self.given

    def digests(self) -> dict[str, list[str]]:
        """What the log keeps of the values given: their digests, per field."""
        return {name: list(found) for name, found in self.values}


def parse_disclose(values: Sequence[str]) -> tuple[str, ...]:
    """`--disclose` values (repeated or comma-separated) as field names; `all` stays `all`."""
    out: list[str] = []
    for item in values:
        for raw in item.split(","):
            word = raw.strip().lower().replace("_", "-").replace(" ", "-")
            if not word:
                continue
            name = _ALIASES.get(word, word)
            if name != ALL and name not in IDENTITY_FIELDS:
                raise UserError(
                    _("--disclose: unknown field {field}").format(field=repr(raw.strip())),
                    _("fields: {fields}; or `all` (what letters gave before)").format(
                        fields=", ".join(IDENTITY_FIELDS)
                    ),
                )
            out.append(name)
    return tuple(dict.fromkeys(out))


FAMILY_REASON = N_(
    "a company of its group sells to, or told a state registry it shares data with, government or police"
)


def ties_of(broker: Broker, family: Sequence[Broker] = ()) -> str:
    """`government_ties(broker)`, else FAMILY_REASON when a company of its group (its parent or
    a company it owns, in the registry) has such ties: one company's files reach the other's (a
    credit bureau's address history feeds its sister's investigative product)."""
    return government_ties(broker) or (FAMILY_REASON if any(government_ties(f) for f in family) else "")


def government_ties(broker: Broker) -> str:
    """Why a letter to `broker` is minimal by default ("it sells to immigration enforcement"), or
    "" when no sale to government, police or immigration enforcement is known. Documented sales
    come first; the broker's own answers to a state registry count too, and are named as such."""
    for recipient, documented, _registry in _GOVERNMENT:
        evidence = [e for e in broker.law_enforcement if e.recipient == recipient]
        if any(not e.self_reported for e in evidence):
            return documented
    for recipient, _documented, registry in _GOVERNMENT:
        if broker.sells_to(recipient):
            return registry
    d = broker.disclosures
    if d is not None and d.shares_with_state_government:
        return STATE_GOVERNMENT_REASON
    return ""


def held(profile: Profile) -> tuple[str, ...]:
    """The identity fields the profile has a value for, in IDENTITY_FIELDS order."""
    has = {
        "current-address": profile.current_address is not None,
        "past-addresses": bool(profile.past_addresses),
        "phone": bool(profile.phone),
        "email": bool(profile.email),
        "birth-date": profile.birth_date is not None,
        "other-names": bool(profile.other_names),
        "advertising-id": bool(profile.advertising_ids),
        "licence-number": bool(profile.licence_number),
    }
    return tuple(f for f in IDENTITY_FIELDS if has[f])


IdentityValue = Address | str | dt.date
"""One value of an identity field: an address, a name, number or ID, a date of birth."""
_V = TypeVar("_V", Address, str, dt.date)


def field_values(profile: Profile, name: str) -> list[IdentityValue]:
    """The profile's values of one identity field (an address, a string, a date), in order."""
    current = profile.current_address
    single: dict[str, IdentityValue | None] = {
        "current-address": current,
        "phone": profile.phone,
        "email": profile.email,
        "birth-date": profile.birth_date,
        "licence-number": profile.licence_number,
    }
    if name in single:
        value = single[name]
        return [value] if value else []
    lists: dict[str, list[IdentityValue]] = {
        "past-addresses": list(profile.past_addresses),
        "other-names": list(profile.other_names),
        "advertising-id": list(profile.advertising_ids),
    }
    return lists[name]


def value_digest(name: str, value: IdentityValue) -> str:
    """A short digest of one value as letters write it (case, spacing and, for a phone, all but
    the digits ignored): the log keeps it to know later whether a value is the one a letter gave."""
    if isinstance(value, Address):
        text = value.one_line()
    elif name == "phone":
        text = "".join(c for c in str(value) if c.isdigit())
    else:
        text = str(value)
    canonical = " ".join(text.casefold().split())
    return hashlib.blake2b(f"{name}|{canonical}".encode(), digest_size=8, person=b"ba-disclosed").hexdigest()


def given_values(disclosure: Disclosure, profile: Profile, name: str) -> list[IdentityValue]:
    """The values of `name` the letter gives: none when it withholds the field, else those it
    decided on (a follow-up: only those the request gave)."""
    if name not in disclosure.given:
        return []
    values = field_values(profile, name)
    if not disclosure.values:
        return values
    allowed = dict(disclosure.values).get(name, ())
    return [v for v in values if value_digest(name, v) in allowed]


def given_of(kind: type[_V], disclosure: Disclosure, profile: Profile, name: str) -> list[_V]:
    """`given_values` of a field whose values are all of one `kind` (Address, str or date)."""
    return [v for v in given_values(disclosure, profile, name) if isinstance(v, kind)]


def _digests(profile: Profile, names: Sequence[str]) -> dict[str, tuple[str, ...]]:
    return {n: tuple(value_digest(n, v) for v in field_values(profile, n)) for n in names}


def same_place(reply: ReplyAddress | None, home: Address | None) -> bool:
    """The reply address is the home address (same street line and ZIP code)."""
    if reply is None or home is None:
        return False

    def street(line: str) -> str:
        return "".join(c for c in line.casefold() if c.isalnum())

    return street(reply.line1) == street(home.line1) and reply.zip[:5] == home.zip[:5]


def is_location_broker(broker: Broker | None) -> bool:
    return broker is not None and "location-data" in broker.categories


def decide(
    profile: Profile,
    *,
    broker: Broker | None,
    letter: LetterKind,
    asked: Sequence[str] = (),
    channel: str = "",
    clinic: AgentProfile | None = None,
    earlier: Sequence[str] | None = None,
    earlier_reason: str = "",
    earlier_values: Mapping[str, Sequence[str]] | None = None,
    family: Sequence[Broker] = (),
) -> Disclosure:
    """The disclosure of one letter to `broker` (None: an agency's records request).

    `asked`: fields from `--disclose` (`all` too). `channel`: the route's channel (an e-mail goes
    from the requester's address, so it gives the e-mail). `clinic`: a clinic batch's clinic,
    whose address answers go to when the current address is withheld. `earlier`: the fields a
    logged request gave, for a follow-up, appeal or complaint about it (they give no more), and
    `earlier_values` the digests of the values it gave (a value changed since is not given).
    `family`: the companies of its group in the registry (`Registry.family`): one with documented
    sales to government makes the letter minimal too.
    """
    has = held(profile)
    complaint = letter.recipient == "complaint-office"
    government = complaint or broker is None or letter.recipient == "agency"
    base, reason, restrictive = _base(profile, broker, letter, earlier, earlier_reason, family)
    only: dict[str, tuple[str, ...]] = {}
    changed: list[str] = []
    if earlier is not None and earlier_values:  # the request's values are known: only those
        only, changed = _as_given_before(profile, base, has, earlier_values)
    if complaint:
        reason, changed = _complaint_fields(profile, base, has, clinic, reason, changed, earlier is not None)
    notes = [_CHANGED_SINCE.format(field=field_words(name)) for name in changed]  # English: kept
    wanted = _wanted(asked, channel, base, has, earlier is not None, notes)
    given = tuple(f for f in IDENTITY_FIELDS if f in base | wanted and f in has)
    # Minimal: a default that keeps the home back (not the profile's), and the home kept back.
    minimal = (earlier is not None or government or restrictive) and "current-address" not in given
    withheld = tuple(f for f in has if f not in given)
    reply, lines = _reply(profile, given, clinic, reason, prefer_email=government)
    if reply == "reply-address" and same_place(profile.reply_address, profile.current_address):
        notes.append(REPLY_IS_HOME)
    values = {**_digests(profile, given), **{n: d for n, d in only.items() if n in given}}
    return Disclosure(
        given=given,
        withheld=withheld,
        minimal=minimal,
        reason=reason,
        asked=tuple(f for f in IDENTITY_FIELDS if f in wanted and f in has),
        reply=reply,
        reply_lines=lines,
        notes=tuple(notes),
        values=tuple((n, values[n]) for n in given),
    )


def _base(
    profile: Profile,
    broker: Broker | None,
    letter: LetterKind,
    earlier: Sequence[str] | None,
    earlier_reason: str,
    family: Sequence[Broker] = (),
) -> tuple[set[str], str, bool]:
    """The fields a letter gives before what the user asks is added, why, and whether the broker
    is one a minimal letter goes to (ties to government, or location data): a follow-up gives
    what its request gave; an agency's request the e-mail; a complaint its fields; a broker with
    government ties or location data the minimal set (and a location broker the advertising ID
    it matches on); any other the profile's default or the standard letter's."""
    location = is_location_broker(broker)
    if earlier is not None:
        return set(earlier), earlier_reason or AS_IN_REQUEST, False
    if broker is None or letter.recipient == "agency":
        return {"email"}, AGENCY_REASON, False
    if letter.recipient == "complaint-office":
        return set(COMPLAINT_FIELDS), COMPLAINT_REASON, False
    ties = ties_of(broker, family)
    if ties:
        base, reason = set(MINIMAL_DISCLOSURE), ties
    elif location:
        base, reason = set(MINIMAL_DISCLOSURE), LOCATION_REASON
    else:
        default = profile.disclose
        base = set(STANDARD_DISCLOSURE if default is None else default)
        reason = PROFILE_DEFAULT if default is not None else STANDARD_LETTER
    if location:
        base.add("advertising-id")  # what a location broker matches on (and holds already)
    return base, reason, bool(ties) or location


def _as_given_before(
    profile: Profile, base: set[str], has: Sequence[str], earlier_values: Mapping[str, Sequence[str]]
) -> tuple[dict[str, tuple[str, ...]], list[str]]:
    """A follow-up gives each field only with the values its request gave: (field -> the digests
    still given, the fields dropped from `base` because every value changed since)."""
    only: dict[str, tuple[str, ...]] = {}
    changed: list[str] = []
    for name in [f for f in IDENTITY_FIELDS if f in base and f in has]:
        recorded = set(earlier_values.get(name, ()))
        kept = tuple(d for d in _digests(profile, [name])[name] if d in recorded)
        if kept:
            only[name] = kept
        else:
            base.discard(name)
            changed.append(name)
    return only, changed


def _complaint_fields(
    profile: Profile,
    base: set[str],
    has: Sequence[str],
    clinic: AgentProfile | None,
    reason: str,
    changed: list[str],
    follows: bool,
) -> tuple[str, list[str]]:
    """A complaint gives only its fields (`base` cut to them): the home address only when the
    request gave it and no other way to answer is known. The reason and the changed fields it
    says, as a complaint says them."""
    before = set(base)
    base &= COMPLAINT_FIELDS
    if follows:
        reason = f"{COMPLAINT_REASON}; {reason}"
    if (
        "current-address" in before
        and not (base & set(has))
        and profile.reply_address is None
        and not (clinic is not None and _lines(clinic))
    ):
        base.add("current-address")
    return reason, [f for f in changed if f in COMPLAINT_FIELDS or f == "current-address"]


def _wanted(
    asked: Sequence[str], channel: str, base: set[str], has: Sequence[str], follows: bool, notes: list[str]
) -> set[str]:
    """What the user asks to give besides (`all`: the standard letter's fields); an e-mail gives
    the e-mail address it goes from, which a follow-up may not add (UserError)."""
    wanted = set(asked)
    if ALL in wanted:
        wanted = (wanted - {ALL}) | set(STANDARD_DISCLOSURE)
    if channel == "email" and "email" not in base | wanted and "email" in has:
        if follows:
            raise UserError(
                _(
                    "this letter would go by e-mail, which gives your e-mail address, and the request it "
                    "follows did not give it (or gave another)"
                ),
                _("send it by another route the company has, or from the address the request gave"),
            )
        wanted.add("email")
        notes.append(EMAIL_GIVES)
    return wanted


def clinic_disclosure(clinic: AgentProfile) -> Disclosure:
    """A letter the clinic makes in its own name (a records request): it names no client and
    gives nothing of a person; answers go to the clinic."""
    return Disclosure(
        given=(),
        withheld=(),
        minimal=True,
        reason=CLINIC_OWN_NAME,
        reply="clinic",
        reply_lines=tuple(_lines(clinic)),
    )


def _lines(clinic: AgentProfile) -> list[str]:
    return [line.strip() for line in clinic.address if line.strip()]


def _reply(
    profile: Profile,
    given: tuple[str, ...],
    clinic: AgentProfile | None,
    reason: str,
    *,
    prefer_email: bool = False,
) -> tuple[ReplyKind, tuple[str, ...]]:
    """Where answers go: home when the current address is given, else the clinic, the reply
    address, or the e-mail alone (for a government recipient the e-mail before a postal reply
    address). Never home unless home is given; never a clinic without an address."""
    current = profile.current_address
    if "current-address" in given and current is not None:
        return "home", tuple(current.lines())
    if clinic is not None:
        lines = _lines(clinic)
        if not lines:
            raise UserError(
                _(
                    "the clinic's profile has no postal address, and this letter withholds the client's "
                    "home address ({reason}): answers and the return address need the clinic's"
                ).format(reason=reason_in(reason)),
                _('add address = ["street", "City, ST ZIP"] to the clinic\'s file and pass it with --clinic'),
            )
        return "clinic", (f"c/o {clinic.organization}", *lines)
    if prefer_email and "email" in given:
        return "email", ()
    if profile.reply_address is not None:
        return "reply-address", tuple(profile.reply_address.lines())
    if "email" in given:
        return "email", ()
    if current is None:
        raise UserError(
            _("the profile has no address, e-mail or reply address for the answer"),
            _(
                "add an e-mail (broker-audit profile edit --email ...) or a reply_address (a P.O. box, a "
                "trusted friend, a clinic: broker-audit profile edit --from-file FILE)"
            ),
        )
    raise UserError(
        _(
            "this letter withholds your current address ({reason}), and your profile has no e-mail "
            "or reply address for the answer"
        ).format(reason=reason_in(reason)),
        _(
            "add an e-mail (broker-audit profile edit --email ...) or a reply_address (a P.O. box, a "
            "trusted friend, a clinic: broker-audit profile edit --from-file FILE), or give your "
            "address to it with --disclose current-address"
        ),
    )


# --- what a letter tells, in words ---------------------------------------------------------------
#
# The words are the catalog's (broker_audit/locale): English is the source, and each function takes
# the language of the page it writes (a client's cover sheet is in the client's language, whatever
# the staff's screen speaks). The vault keeps the English summary and reason; `summary_in` and
# `reason_in` put a stored one in the reader's language.

_FIELD_WORDS = {
    "current-address": N_("your current address"),
    "phone": N_("your phone number"),
    "email": N_("your e-mail"),
    "birth-date": N_("your date of birth"),
    "other-names": N_("the other names you have used"),
    "advertising-id": N_("your phone's advertising ID"),
    "licence-number": N_("your driver's licence number"),
    "past-addresses": N_("your past addresses"),
}
_REPLY_WORDS = {
    "home": N_("your home address"),
    "clinic": N_("the clinic"),
    "reply-address": N_("your reply address"),
    "email": N_("your e-mail only"),
}
_NAME = N_("your name")
_ANSWERS_GO_TO = N_("{told}; answers go to {reply}")
_PAST = (
    (N_("an address from {span}"), re.compile(r"an address from (?P<span>\d{4}(?:-\d{4})?)")),
    (N_("an address you left in {span}"), re.compile(r"an address you left in (?P<span>\d{4})")),
    (N_("a past address"), re.compile(r"a past address")),  # i18n: not user-facing (a pattern)
)


_CLIENT_FIELD_WORDS = {  # a client's details as a clinic's staff reads them: "the client's phone number"
    "name": NP_("client's detail", "name"),
    "current-address": NP_("client's detail", "current address"),
    "phone": NP_("client's detail", "phone number"),
    "email": NP_("client's detail", "e-mail"),
    "birth-date": NP_("client's detail", "date of birth"),
    "other-names": NP_("client's detail", "the other names you have used"),
    "advertising-id": NP_("client's detail", "phone's advertising ID"),
    "licence-number": NP_("client's detail", "driver's licence number"),
    "past-addresses": NP_("client's detail", "past addresses"),
}


def client_field_words(name: str, language: str = "en") -> str:
    """A detail of a client's, without "your" ("phone number"), in `language`."""
    return pgettext_in(language, "client's detail", _CLIENT_FIELD_WORDS[name])


def field_words(name: str, language: str = "en") -> str:
    return gettext_in(language, _FIELD_WORDS[name])


def _past_words(past: Sequence[Address], language: str) -> str:
    if len(past) > 1:
        return ngettext_in(language, "{count} past address", "{count} past addresses", len(past)).format(
            count=len(past)
        )
    (address,) = past
    if address.since and address.until:
        span = str(address.until) if address.since == address.until else f"{address.since}-{address.until}"
        return gettext_in(language, "an address from {span}").format(span=span)
    if address.until:
        return gettext_in(language, "an address you left in {span}").format(span=address.until)
    if address.since:
        return gettext_in(language, "an address from {span}").format(span=address.since)
    return gettext_in(language, "a past address")


def join_words(items: Sequence[str], language: str = "en") -> str:
    """ "a, b and c" in `language`."""
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return gettext_in(language, "{first} and {last}").format(first=", ".join(items[:-1]), last=items[-1])


def told(disclosure: Disclosure, profile: Profile, language: str = "en") -> list[str]:
    """What the letter gives, as phrases: ["your name", "an address from 2019", "your e-mail"]."""
    out = [gettext_in(language, _NAME)]
    for name in disclosure.given:
        if name == "past-addresses":
            out.append(_past_words(given_of(Address, disclosure, profile, name), language))
        else:
            out.append(field_words(name, language))
    return out


def reply_words(disclosure: Disclosure, language: str = "en") -> str:
    if disclosure.reply == "clinic":
        org = disclosure.reply_lines[0].removeprefix("c/o ") if disclosure.reply_lines else ""
        return org or gettext_in(language, _REPLY_WORDS["clinic"])
    return gettext_in(language, _REPLY_WORDS.get(disclosure.reply, _REPLY_WORDS["email"]))


def summary(disclosure: Disclosure, profile: Profile, language: str = "en") -> str:
    """'your name, an address from 2019, your e-mail; answers go to your e-mail only'."""
    return gettext_in(language, _ANSWERS_GO_TO).format(
        told=", ".join(told(disclosure, profile, language)), reply=reply_words(disclosure, language)
    )


def announcement(disclosure: Disclosure, profile: Profile, recipient: str) -> str:
    """The line printed before a letter is written (in the reader's language): what it tells
    whom, what it keeps back, why."""
    language = current_language()
    line = _("This letter tells {recipient}: {summary}.").format(
        recipient=recipient, summary=summary(disclosure, profile, language)
    )
    if disclosure.withheld:
        kept = join_words([field_words(f, language) for f in disclosure.withheld], language)
        line += " " + _("Not told: {kept} ({reason}; add one with --disclose FIELD).").format(
            kept=kept, reason=reason_in(disclosure.reason, language)
        )
    for note in disclosure.notes:
        line += " " + _("Note: {note}.").format(note=reason_in(note, language))
    return line


def reason_in(reason: str, language: str | None = None) -> str:
    """A reason or note as the vault keeps it (English: "it sells to immigration enforcement"),
    in `language` (None: the current one); each part between "; " is a message of its own, and a
    part the catalog does not know (a newer broker-audit's, a clinic's) stays as it is."""
    language = language or current_language()
    if language == "en" or not reason:
        return reason
    follows = _FOLLOWS.fullmatch(reason)  # its request's reason may itself have parts
    if follows:
        why = reason_in(follows.group("why"), language)
        return gettext_in(language, _AS_IN_REQUEST_WHY).format(why=why)
    parts = []
    for part in reason.split("; "):
        changed = _CHANGED.fullmatch(part)
        if changed and changed.group("field") in _FIELD_BY_WORDS:
            field_name = _FIELD_BY_WORDS[changed.group("field")]
            parts.append(gettext_in(language, _CHANGED_SINCE).format(field=field_words(field_name, language)))
        else:
            parts.append(gettext_in(language, part))
    return "; ".join(parts)


def summary_in(summary_text: str, language: str | None = None) -> str:
    """A summary as the vault keeps it (English, from `summary`) in `language`: each phrase it is
    made of is put in that language; a phrase the catalog does not know stays as it is."""
    language = language or current_language()
    if language == "en" or not summary_text:
        return summary_text
    told_part, sep, reply = summary_text.partition("; answers go to ")  # i18n: not user-facing
    phrases = []
    for phrase in told_part.split(", "):
        phrases.append(_phrase_in(phrase, language))
    told_words = ", ".join(phrases)
    if not sep:
        return told_words
    reply_key = next((k for k, v in _REPLY_WORDS.items() if v == reply), None)
    reply_words_in = gettext_in(language, _REPLY_WORDS[reply_key]) if reply_key else reply
    return gettext_in(language, _ANSWERS_GO_TO).format(told=told_words, reply=reply_words_in)


def _phrase_in(phrase: str, language: str) -> str:
    if phrase == _NAME:
        return gettext_in(language, _NAME)
    if phrase in _FIELD_BY_WORDS:
        return field_words(_FIELD_BY_WORDS[phrase], language)
    many = re.fullmatch(r"(\d+) past addresses", phrase)  # i18n: not user-facing (a pattern)
    if many:
        count = int(many.group(1))
        return ngettext_in(language, "{count} past address", "{count} past addresses", count).format(
            count=count
        )
    for message, pattern in _PAST:
        found = pattern.fullmatch(phrase)
        if found:
            return gettext_in(language, message).format(**found.groupdict())
    return phrase


_FIELD_BY_WORDS = {words: name for name, words in _FIELD_WORDS.items()}
_CHANGED_SINCE = N_("{field} changed since the request it follows: this letter does not give the new one")
_CHANGED = re.compile(
    r"(?P<field>.+) changed since the request it follows: this letter does not give the new one"
)
