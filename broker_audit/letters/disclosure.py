"""What a letter tells its recipient about the requester: decided once, when the letter is planned.

Every identifying field (`vocabulary.IDENTITY_FIELDS`: current and past addresses, phone, e-mail,
birth date, other names, advertising ID, licence number) is a disclosure. To a broker that sells
to government, police or immigration enforcement (documented sales, or its own answers to a state
registry) and to every agency the default is minimal: the name, what it is likely to hold already
(the past addresses the requester lists, and a phone's advertising ID for a location-data broker),
and a way to answer that need not be home. Other brokers get the profile's default. The requester
adds a field for one run with `--disclose FIELD` (`all`: what letters gave before).

The decision travels with the letter: its template context holds only what is given, its return
address is the reply channel, the `.eml` has a From only when the e-mail is given, the submission
sheet lists only what is given. It is printed before anything is written and kept in the log.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from broker_audit.errors import UserError
from broker_audit.profile import AgentProfile, Profile
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

# Recipients whose buyers make a letter minimal, in the order the reason names them.
_GOVERNMENT = (
    ("immigration-enforcement", "immigration enforcement"),
    ("law-enforcement", "law enforcement"),
    ("federal-government", "the federal government"),
    ("corrections", "jails and prisons"),
)


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

    def gives(self, name: str) -> bool:
        return name in self.given


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
                    f"--disclose: unknown field {raw.strip()!r}",
                    "fields: " + ", ".join(IDENTITY_FIELDS) + "; or `all` (what letters gave before)",
                )
            out.append(name)
    return tuple(dict.fromkeys(out))


def government_ties(broker: Broker) -> str:
    """Why a letter to `broker` is minimal by default ("it sells to immigration enforcement"), or
    "" when no sale to government, police or immigration enforcement is known. Documented sales
    come first; the broker's own answers to a state registry count too, and are named as such."""
    for recipient, words in _GOVERNMENT:
        evidence = [e for e in broker.law_enforcement if e.recipient == recipient]
        if any(not e.self_reported for e in evidence):
            return f"it works with {words}" if recipient == "corrections" else f"it sells to {words}"
    for recipient, words in _GOVERNMENT:
        if broker.sells_to(recipient):
            return f"it told a state registry it shares data with {words}"
    d = broker.disclosures
    if d is not None and d.shares_with_state_government:
        return "it told a state registry it shares data with state government"
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
) -> Disclosure:
    """The disclosure of one letter to `broker` (None: an agency's records request).

    `asked`: fields from `--disclose` (`all` too). `channel`: the route's channel (an e-mail goes
    from the requester's address, so it gives the e-mail). `clinic`: a clinic batch's clinic,
    whose address answers go to when the current address is withheld. `earlier`: the fields a
    logged request gave, for a follow-up, appeal or complaint about it (they give no more).
    """
    has = held(profile)
    location = is_location_broker(broker)
    if earlier is not None:
        base = set(earlier)
        minimal = "current-address" not in base
        reason = earlier_reason or "as in the request it follows"
    elif broker is None or letter.recipient == "agency":
        base, minimal = {"email"}, True
        reason = "a records request to a government agency, which sees everything in the letter"
    else:
        ties = government_ties(broker)
        if ties:
            base, minimal, reason = set(MINIMAL_DISCLOSURE), True, ties
        else:
            default = profile.disclose
            base = set(STANDARD_DISCLOSURE if default is None else default)
            minimal = False
            reason = "your profile's default" if default is not None else "the standard letter"
        if location:
            base.add("advertising-id")  # what a location broker matches on (and holds already)
    wanted = set(asked)
    if ALL in wanted:
        wanted = (wanted - {ALL}) | set(STANDARD_DISCLOSURE)
    notes: list[str] = []
    if channel == "email" and "email" not in base | wanted and "email" in has:
        wanted.add("email")
        notes.append("an e-mail goes from your own address, so it gives your e-mail")
    given = tuple(f for f in IDENTITY_FIELDS if f in base | wanted and f in has)
    withheld = tuple(f for f in has if f not in given)
    reply, lines = _reply(profile, given, clinic, reason)
    return Disclosure(
        given=given,
        withheld=withheld,
        minimal=minimal,
        reason=reason,
        asked=tuple(f for f in IDENTITY_FIELDS if f in wanted and f in has),
        reply=reply,
        reply_lines=lines,
        notes=tuple(notes),
    )


def _reply(
    profile: Profile, given: tuple[str, ...], clinic: AgentProfile | None, reason: str
) -> tuple[ReplyKind, tuple[str, ...]]:
    """Where answers go: home when the current address is given, else the clinic, the reply
    address, or the e-mail alone. Never home unless home is given."""
    current = profile.current_address
    if "current-address" in given and current is not None:
        return "home", tuple(current.lines())
    if clinic is not None:
        return "clinic", (f"c/o {clinic.organization}", *clinic.address)
    if profile.reply_address is not None:
        return "reply-address", tuple(profile.reply_address.lines())
    if "email" in given:
        return "email", ()
    hint = (
        "add an e-mail (broker-audit profile edit --email ...) or a reply_address (a P.O. box, a "
        "trusted friend, a clinic: broker-audit profile edit --from-file FILE)"
    )
    if current is None:
        raise UserError("the profile has no address, e-mail or reply address for the answer", hint)
    raise UserError(
        f"this letter withholds your current address ({reason}), and your profile has no e-mail "
        "or reply address for the answer",
        hint + ", or give your address to it with --disclose current-address",
    )


# --- what a letter tells, in words ---------------------------------------------------------------

_FIELD_WORDS = {
    "en": {
        "current-address": "your current address",
        "phone": "your phone number",
        "email": "your e-mail",
        "birth-date": "your date of birth",
        "other-names": "the other names you have used",
        "advertising-id": "your phone's advertising ID",
        "licence-number": "your driver's licence number",
        "past-addresses": "your past addresses",
    },
    "es": {
        "current-address": "su dirección actual",
        "phone": "su número de teléfono",
        "email": "su correo electrónico",
        "birth-date": "su fecha de nacimiento",
        "other-names": "los otros nombres que ha usado",
        "advertising-id": "el identificador de publicidad de su teléfono",
        "licence-number": "su número de licencia de conducir",
        "past-addresses": "sus direcciones anteriores",
    },
}
_AND = {"en": "and", "es": "y"}


def field_words(name: str, language: str = "en") -> str:
    return _FIELD_WORDS.get(language, _FIELD_WORDS["en"])[name]


def _past_words(profile: Profile, language: str) -> str:
    past = profile.past_addresses
    es = language == "es"
    if len(past) > 1:
        return f"{len(past)} direcciones anteriores" if es else f"{len(past)} past addresses"
    (address,) = past
    if address.since and address.until:
        span = str(address.until) if address.since == address.until else f"{address.since}-{address.until}"
        return f"una dirección de {span}" if es else f"an address from {span}"
    if address.until:
        return (
            f"una dirección que dejó en {address.until}" if es else f"an address you left in {address.until}"
        )
    if address.since:
        return f"una dirección de {address.since}" if es else f"an address from {address.since}"
    return "una dirección anterior" if es else "a past address"


def join_words(items: Sequence[str], language: str = "en") -> str:
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + f" {_AND.get(language, 'and')} " + items[-1]


def told(disclosure: Disclosure, profile: Profile, language: str = "en") -> list[str]:
    """What the letter gives, as phrases: ["your name", "an address from 2019", "your e-mail"]."""
    out = ["su nombre" if language == "es" else "your name"]
    for name in disclosure.given:
        if name == "past-addresses":
            out.append(_past_words(profile, language))
        else:
            out.append(field_words(name, language))
    return out


def reply_words(disclosure: Disclosure, language: str = "en") -> str:
    es = language == "es"
    if disclosure.reply == "home":
        return "su domicilio" if es else "your home address"
    if disclosure.reply == "clinic":
        org = disclosure.reply_lines[0].removeprefix("c/o ") if disclosure.reply_lines else ""
        return org or ("la clínica" if es else "the clinic")
    if disclosure.reply == "reply-address":
        return "su dirección para respuestas" if es else "your reply address"
    return "solo su correo electrónico" if es else "your e-mail only"


def summary(disclosure: Disclosure, profile: Profile, language: str = "en") -> str:
    """'your name, an address from 2019, your e-mail; answers go to your e-mail only'."""
    joined = ", ".join(told(disclosure, profile, language))
    goes = "las respuestas irán a" if language == "es" else "answers go to"
    return f"{joined}; {goes} {reply_words(disclosure, language)}"


def announcement(disclosure: Disclosure, profile: Profile, recipient: str) -> str:
    """The line printed before a letter is written: what it tells whom, what it keeps back, why."""
    line = f"This letter tells {recipient}: {summary(disclosure, profile)}."
    if disclosure.withheld:
        kept = join_words([field_words(f) for f in disclosure.withheld])
        line += f" Not told: {kept} ({disclosure.reason}; add one with --disclose FIELD)."
    for note in disclosure.notes:
        line += f" Note: {note}."
    return line
