"""The requester: who the letters are from. Stored only inside the encrypted vault."""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from pathlib import Path
from typing import Annotated, TypeVar

import msgspec

from broker_audit.cleantext import clean_line
from broker_audit.errors import DataFileError, MissingProfileField, UserError
from broker_audit.geography import US_STATES, state_code, zip_problem
from broker_audit.i18n import N_, _
from broker_audit.vocabulary import IdentityField

AnyCaseStateCode = Annotated[str, msgspec.Meta(pattern=r"^[A-Za-z]{2}$")]  # upper-cased when validated
_S = TypeVar("_S", bound=msgspec.Struct)
Year = Annotated[int, msgspec.Meta(ge=1900, le=2100)]
# A phone's mobile advertising ID (Android's AAID, Apple's IDFA): a UUID. All zeros means the
# phone hides it (tracking turned off), which is no ID at all.
_AD_ID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")


class Address(msgspec.Struct, forbid_unknown_fields=True, kw_only=True, frozen=True):
    line1: str
    line2: str = ""
    city: str
    state: AnyCaseStateCode
    zip: str
    current: bool = False
    # The years the requester lived there, when known: a letter that withholds the current
    # address says which past one it gives ("an address from 2019").
    since: Year | None = None
    until: Year | None = None

    def lines(self) -> list[str]:
        out = [self.line1]
        if self.line2:
            out.append(self.line2)
        out.append(f"{self.city}, {self.state.upper()} {self.zip}")
        return out

    def one_line(self) -> str:
        return ", ".join(self.lines())

    def years(self) -> str:
        """'2016-2019', 'until 2019', 'from 2016' or ''."""
        if self.since and self.until:
            return str(self.since) if self.since == self.until else f"{self.since}-{self.until}"
        if self.until:
            return f"until {self.until}"
        return f"from {self.since}" if self.since else ""


class ReplyAddress(msgspec.Struct, forbid_unknown_fields=True, kw_only=True, frozen=True):
    """Where answers may go that is not home: a P.O. box, a trusted friend, a clinic.

    Used as the return address and the address for answers whenever a letter withholds the
    current address."""

    care_of: str = ""  # "c/o Ana Example" or the clinic's name; empty for one's own P.O. box
    line1: str
    line2: str = ""
    city: str
    state: AnyCaseStateCode
    zip: str

    def lines(self) -> list[str]:
        out = [self.care_of] if self.care_of else []
        out.append(self.line1)
        if self.line2:
            out.append(self.line2)
        out.append(f"{self.city}, {self.state.upper()} {self.zip}")
        return out


class Profile(msgspec.Struct, forbid_unknown_fields=True, kw_only=True, frozen=True):
    name: str
    other_names: list[str] = []
    email: str = ""
    phone: str = ""
    birth_date: dt.date | None = None
    state: AnyCaseStateCode
    addresses: list[Address] = []
    # Where answers go when a letter withholds the current address (see ReplyAddress).
    reply_address: ReplyAddress | None = None
    # Mobile advertising IDs of the requester's phones: location-data brokers match on them.
    advertising_ids: list[str] = []
    # Given only to a recipient the requester names (`--disclose licence-number`).
    licence_number: str = ""
    # What letters to brokers with no known sales to government or police carry besides the
    # name; None: vocabulary.STANDARD_DISCLOSURE. Letters to the others are minimal by default.
    disclose: list[IdentityField] | None = None

    @property
    def current_address(self) -> Address | None:
        """The address marked current; when none is, the first not known to be left (no
        `until`), so a home listed after an old address is never given out as a past one."""
        for address in self.addresses:
            if address.current:
                return address
        for address in self.addresses:
            if address.until is None:
                return address
        return self.addresses[0] if self.addresses else None

    @property
    def past_addresses(self) -> list[Address]:
        current = self.current_address
        return [a for a in self.addresses if a is not current]


def validate_profile(profile: Profile) -> Profile:
    """Normalise and check a profile; raise UserError naming the bad field. Its text goes into
    letters and onto the terminal: control characters, escape sequences and bidi overrides are
    taken out (`clean_line`)."""
    profile = _cleaned(profile)
    name = " ".join(profile.name.split())
    if not name:
        raise UserError(_("the profile's name is empty"), _("give the full name as it appears on mail"))
    state = profile.state.upper()
    if state not in US_STATES:
        raise UserError(
            _("{state!r} is not a US state code").format(state=profile.state), _("use two letters, e.g. CO")
        )
    addresses = _checked_addresses(profile.addresses)
    reply = _checked_reply(profile.reply_address)
    ad_ids = _checked_advertising_ids(profile.advertising_ids)
    if profile.email and not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", profile.email):
        raise UserError(_("the profile's email does not look like an email address"))
    if profile.birth_date and profile.birth_date > dt.date.today():
        raise UserError(_("the birth date is in the future"))
    if profile.birth_date:
        from broker_audit.dates import check_date

        check_date(profile.birth_date, _("the birth date"))
    return msgspec.structs.replace(
        profile,
        name=name,
        state=state,
        addresses=addresses,
        other_names=[n.strip() for n in profile.other_names if n.strip()],
        reply_address=reply,
        advertising_ids=ad_ids,
        licence_number=" ".join(profile.licence_number.split()),
        disclose=list(dict.fromkeys(profile.disclose)) if profile.disclose is not None else None,
    )


def _clean_fields(record: _S) -> _S:
    """`record` with each of its text fields (and lists of text) through `clean_line`."""
    changes: dict[str, object] = {}
    for field in record.__struct_fields__:
        value = getattr(record, field)
        if isinstance(value, str):
            changes[field] = clean_line(value)
        elif isinstance(value, list) and all(isinstance(v, str) for v in value):
            changes[field] = [clean_line(v) for v in value]
    return msgspec.structs.replace(record, **changes)


def _cleaned(profile: Profile) -> Profile:
    reply = profile.reply_address
    return msgspec.structs.replace(
        _clean_fields(profile),
        addresses=[_clean_fields(a) for a in profile.addresses],
        reply_address=_clean_fields(reply) if reply is not None else None,
    )


def _postal(where: str, state: str, zip_code: str) -> tuple[str, str]:
    """An address's state (upper case) and ZIP (trimmed), checked: a US state, a ZIP of 5 digits
    or ZIP+4 that belongs to it. `where` names the address in the message."""
    code = state.upper()
    if code not in US_STATES:
        raise UserError(_("{where}: {state!r} is not a US state code").format(where=where, state=state))
    zip_code = zip_code.strip()
    if not re.fullmatch(r"\d{5}(-\d{4})?", zip_code):
        raise UserError(_("{where}: the ZIP code must be 5 digits or ZIP+4").format(where=where))
    problem = zip_problem(zip_code, code)
    if problem:
        raise UserError(f"{where}: {problem}")
    return code, zip_code


def _checked_addresses(addresses: list[Address]) -> list[Address]:
    """Each address checked (`_postal`), at most one current, none lived at from after until."""
    checked = []
    for number, address in enumerate(addresses, start=1):
        state, zip_code = _postal(_("address {number}").format(number=number), address.state, address.zip)
        checked.append(msgspec.structs.replace(address, state=state, zip=zip_code))
    if sum(a.current for a in checked) > 1:
        raise UserError(_("more than one address is marked current = true"))
    for number, address in enumerate(checked, start=1):
        if address.since and address.until and address.since > address.until:
            raise UserError(_("address {number}: `since` is after `until`").format(number=number))
    return checked


def _checked_reply(reply: ReplyAddress | None) -> ReplyAddress | None:
    if reply is None:
        return None
    state, zip_code = _postal(_("reply address"), reply.state, reply.zip)
    if not reply.line1.strip() or not reply.city.strip():
        raise UserError(_("reply address: give its street or P.O. box and its city"))
    return msgspec.structs.replace(reply, state=state, zip=zip_code)


def _checked_advertising_ids(ids: list[str]) -> list[str]:
    ad_ids = [a.strip().lower() for a in ids if a.strip()]
    for ad_id in ad_ids:
        if not _AD_ID.fullmatch(ad_id):
            raise UserError(
                _(
                    "an advertising ID is 32 hexadecimal digits in five groups, like "
                    "38400000-8cf0-11bd-b23e-10b96e40000d"
                ),
                _("copy it from your phone's ads settings (README: Advertising IDs)"),
            )
        if set(ad_id) <= {"0", "-"}:
            raise UserError(
                _("an advertising ID of all zeros means the phone hides it: there is nothing to give"),
                _("leave it out"),
            )
    return list(dict.fromkeys(ad_ids))


def load_profile_file(path: Path) -> Profile:
    """Read a profile TOML file (see README: `name`, `state`, `[[addresses]]`, ...)."""
    from broker_audit.files import read_input_text

    text = read_input_text(path, what=N_("profile"), limit=1024 * 1024)
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise DataFileError(_("{path}: not valid TOML: {exc}").format(path=path, exc=exc)) from None
    try:
        profile = msgspec.convert(raw, Profile)
    except msgspec.ValidationError as exc:
        # msgspec names the field path; no values are echoed.
        from broker_audit.tomlerrors import describe_field_error

        raise DataFileError(
            describe_field_error(path, str(exc)), _("see the profile keys in README.md")
        ) from None
    return validate_profile(profile)


def require(profile: Profile, fields: list[str], needed_for: str) -> None:
    """Raise MissingProfileField for the first field in `fields` that the profile lacks."""
    for name in fields:
        if name == "address":
            if profile.current_address is None:
                raise MissingProfileField("address", needed_for)
        elif not getattr(profile, name):
            raise MissingProfileField(name, needed_for)


class AgentProfile(msgspec.Struct, kw_only=True, frozen=True, forbid_unknown_fields=True, omit_defaults=True):
    """The clinic acting for its clients: the return address and the authorized agent.

    `email` is the clinic's mailbox, the From: of the e-mails it sends for its clients;
    `reply_to`, if set, is where it wants the answers (the Reply-To: of those e-mails). Empty
    fields are not stored, so a record without `reply_to` reads in older versions too."""

    organization: str
    contact_name: str = ""
    address: list[str]
    email: str = ""
    phone: str = ""
    reply_to: str = ""


# --- one answer at a time (the interactive `init` asks field by field) ----------------------------


def parse_state(text: str) -> str:
    """'co', 'Colorado', 'Carolina del Norte' -> a two-letter code; UserError if not a US state."""
    code = state_code(text) or text.strip().upper()
    if code not in US_STATES:
        raise UserError(
            _("{text!r} is not a US state").format(text=text.strip()),
            _("give a US state, e.g. CO or Colorado"),
        )
    return code


def parse_zip(text: str, state: str) -> str:
    """A ZIP code for an address in `state`: 5 digits or ZIP+4, in that state's ZIP area."""
    value = text.strip()
    if not re.fullmatch(r"\d{5}(-\d{4})?", value):
        raise UserError(_("a ZIP code is 5 digits, or ZIP+4 like 80204-1234"))
    problem = zip_problem(value, state)
    if problem:
        raise UserError(problem)
    return value


def parse_birth_date(text: str, today: dt.date | None = None) -> dt.date | None:
    """'' -> None; 'YYYY-MM-DD' -> a date between 1900 and today."""
    value = text.strip()
    if not value:
        return None
    try:
        day = dt.date.fromisoformat(value) if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value) else None
    except ValueError:
        day = None
    if day is None:
        raise UserError(_("write the date as YYYY-MM-DD, e.g. 1988-04-12"))
    if not dt.date(1900, 1, 1) <= day <= (today or dt.date.today()):
        raise UserError(_("a birth date is between 1900 and today"))
    return day
