"""One spreadsheet row -> a validated Client, or a BadRow naming every column to fix."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

from broker_audit.errors import UserError
from broker_audit.geography import state_code, zip_matches_state
from broker_audit.i18n import N_, _
from broker_audit.intake import normalise as norm
from broker_audit.intake.address import parse_address
from broker_audit.intake.dates import AmbiguousDate, BadDate, ColumnOrder, parse_birth_date
from broker_audit.intake.headers import Columns, column_letter
from broker_audit.intake.model import BadRow, Client
from broker_audit.profile import Address, Profile, validate_profile

NAME_FIELDS = ("first_name", "middle_name", "last_name", "last_name_2")
NAME_FIELD_WORDS = {
    "first_name": N_("first name"),
    "middle_name": N_("middle name"),
    "last_name": N_("last name"),
    "last_name_2": N_("second last name"),
}
_LIST_FIELDS = ("other_names", "previous_address")


def generated_id(name: str, birth_date: dt.date | None, zip_code: str) -> str:
    """A stable id from normalised name + DOB + ZIP5, hashed (BLAKE2b, 64 bits). Anyone who can
    guess a name, a birth date and a ZIP can compute it, so it is never stored or written as it is:
    the batch keys it with the vault's own key first (services/client_ids.py)."""
    material = f"{norm.name_key(name)}|{birth_date.isoformat() if birth_date else ''}|{zip_code[:5]}"
    digest = hashlib.blake2b(material.encode(), digest_size=8, person=b"broker-audit-cid").hexdigest()
    return "c-" + digest


@dataclass
class _Problems:
    errors: list[str]
    warnings: list[str]


class RowReader:
    """Turns raw cells into a Client or BadRow, using the header's column mapping."""

    def __init__(
        self,
        columns: Columns,
        *,
        default_language: str,
        default_state: str | None,
        today: dt.date,
        date_order: ColumnOrder | None = None,
    ) -> None:
        self.columns = columns
        self.default_language = default_language
        self.default_state = default_state
        self.today = today
        self.date_order = date_order or ColumnOrder()

    # -- cell access ---------------------------------------------------------------------------
    def label(self, field: str) -> str:
        indexes = self.columns.fields.get(field, [])
        if not indexes:
            return _("no {field} column").format(field=field)
        return _("column {names}").format(names=" / ".join(repr(self.columns.names[i]) for i in indexes))

    def _value(self, cells: list[str], field: str) -> str:
        for i in self.columns.fields.get(field, ()):
            if i < len(cells) and cells[i].strip():
                return cells[i]
        return ""

    def _values(self, cells: list[str], field: str) -> list[str]:
        return [cells[i] for i in self.columns.fields.get(field, ()) if i < len(cells) and cells[i].strip()]

    def raw(self, cells: list[str]) -> dict[str, str]:
        names = self.columns.names
        return {
            (names[i] if i < len(names) else f"column {column_letter(i)}"): cell
            for i, cell in enumerate(cells)
        }

    # -- the row ---------------------------------------------------------------------------------
    def read(self, row: int, cells: list[str]) -> Client | BadRow:
        found = _Problems([], [])
        width = len(self.columns.names)
        if any(c.strip() for c in cells[width:]):
            found.errors.append(
                _(
                    "the row has more cells than the header ({cells} > {width}): a cell probably "
                    "holds an unquoted comma or semicolon; fix it and export again"
                ).format(cells=len(cells), width=width)
            )
            return BadRow(row, "; ".join(found.errors), self.raw(cells))
        name = self._name(cells, found)
        address, residence = self._address(cells, found)
        birth_date = self._birth_date(cells, found)
        other_names = self._other_names(cells, found)
        previous, unparsed = self._previous(cells, found)
        phone, note = norm.phone(self._value(cells, "phone"))
        if note:
            found.warnings.append(f"{note} ({self.label('phone')})")
        email, note = norm.email(self._value(cells, "email"))
        if note:
            found.warnings.append(f"{note} ({self.label('email')})")
        language, note = norm.language(self._value(cells, "language"), self.default_language)
        if note:
            found.warnings.append(f"{note} ({self.label('language')})")
        given_id = ""
        try:
            given_id = norm.client_id(self._value(cells, "client_id"))
        except norm.BadValue as exc:
            found.errors.append(
                _("client id ({column}) {why}").format(column=self.label("client_id"), why=exc)
            )
        if found.errors or address is None or residence is None:
            return BadRow(row, "; ".join(found.errors), self.raw(cells))
        try:
            profile = validate_profile(
                Profile(
                    name=name,
                    other_names=other_names,
                    email=email,
                    phone=phone,
                    birth_date=birth_date,
                    state=residence,
                    addresses=[address, *previous],
                )
            )
        except UserError as exc:
            return BadRow(row, exc.message, self.raw(cells))
        return Client(
            row=row,
            client_id=given_id or generated_id(name, birth_date, address.zip),
            id_generated=not given_id,
            profile=profile,
            language=language,
            warnings=tuple(found.warnings),
            unparsed_addresses=tuple(unparsed),
        )

    def _name(self, cells: list[str], found: _Problems) -> str:
        parts: list[str] = []
        failed = False
        for field in NAME_FIELDS:
            try:
                part = norm.name_part(self._value(cells, field))
            except norm.BadValue as exc:
                found.errors.append(
                    _("the {field} ({column}) {why}").format(
                        field=_(NAME_FIELD_WORDS.get(field, field)), column=self.label(field), why=exc
                    )
                )
                failed = True
                continue
            if part:
                parts.append(part)
        if not parts and not failed:
            try:
                full = norm.name_part(self._value(cells, "full_name"))
            except norm.BadValue as exc:
                found.errors.append(
                    _("the name ({column}) {why}").format(column=self.label("full_name"), why=exc)
                )
                return ""
            if full:
                return full
            used = [f for f in (*NAME_FIELDS, "full_name") if f in self.columns.fields]
            labels = " / ".join(
                " / ".join(repr(self.columns.names[i]) for i in self.columns.fields[f]) for f in used
            )
            found.errors.append(
                _("the name is empty (column {labels}): add the client's name").format(labels=labels)
            )
        has_last = any(f in self.columns.fields for f in ("last_name", "last_name_2"))
        if parts and has_last and not (self._value(cells, "last_name") or self._value(cells, "last_name_2")):
            found.warnings.append(
                _("the last name is empty ({column})").format(column=self.label("last_name"))
            )
        return " ".join(parts)

    def _address(self, cells: list[str], found: _Problems) -> tuple[Address | None, str | None]:
        """The client's current address (None if any part is missing or wrong: each is said in
        `found`), and the state they live in (the address's, unless a column says otherwise)."""
        line1, line2, city, state_text, zip_text = self._address_parts(cells)
        errors = found.errors
        if not line1:
            errors.append(
                _("the street address is empty ({column}): add it").format(column=self.label("line1"))
            )
        if "\ufffd" in line1 + line2 + city:
            errors.append(
                _("the address has unreadable characters (�): retype it or save the file as 'CSV UTF-8'")
            )
        if not city:
            errors.append(_("the city is empty ({column}): add it").format(column=self.label("city")))
        state = self._state(state_text, errors)
        zip_value = self._zip(zip_text, state, errors)
        residence = self._residence(cells, state, errors)
        if errors or not state:
            return None, residence
        return Address(
            line1=line1, line2=line2, city=city, state=state, zip=zip_value, current=True
        ), residence

    def _address_parts(self, cells: list[str]) -> tuple[str, str, str, str, str]:
        """(street, line 2, city, state, ZIP) as the columns give them; a whole address written in
        the street column alone is read apart."""
        line1 = norm.clean(self._value(cells, "line1"))
        line2 = norm.clean(self._value(cells, "line2"))
        city = norm.clean(self._value(cells, "city"))
        state_text = norm.clean(self._value(cells, "state"))
        zip_text = self._value(cells, "zip")
        if line1 and not (city or state_text or zip_text.strip()):
            parsed = parse_address(self._value(cells, "line1"))
            if parsed:
                line1, city, state_text, zip_text = parsed.line1, parsed.city, parsed.state, parsed.zip
                line2 = line2 or parsed.line2
        return line1, line2, city, state_text, zip_text

    def _state(self, state_text: str, errors: list[str]) -> str | None:
        state = state_code(state_text) if state_text else self.default_state
        if state_text and state is None:
            errors.append(
                _("the state ({column}) is not a US state: write e.g. CO or Colorado").format(
                    column=self.label("state")
                )
            )
        elif state is None:
            errors.append(
                _("the state is empty ({column}): add it, e.g. CO").format(column=self.label("state"))
            )
        return state

    def _zip(self, zip_text: str, state: str | None, errors: list[str]) -> str:
        if not zip_text.strip():
            errors.append(
                _("the ZIP code is empty ({column}): add the 5-digit ZIP").format(column=self.label("zip"))
            )
            return ""
        try:
            zip_value = norm.zip_code(zip_text, state)
        except norm.BadValue as exc:
            errors.append(_("the ZIP code ({column}) {why}").format(column=self.label("zip"), why=exc))
            return ""
        if state and zip_value and not zip_matches_state(zip_value, state):
            errors.append(
                _("the ZIP code ({column}) is not one of {state}'s: check the ZIP and the state").format(
                    column=self.label("zip"), state=state
                )
            )
        return zip_value

    def _residence(self, cells: list[str], state: str | None, errors: list[str]) -> str | None:
        """The state the client lives in: the residence column's, else the address's."""
        residence_text = norm.clean(self._value(cells, "residence_state"))
        if not residence_text:
            return state
        residence = state_code(residence_text)
        if residence is None:
            errors.append(
                _("the state of residence ({column}) is not a US state: write e.g. CO or Colorado").format(
                    column=self.label("residence_state")
                )
            )
        return residence

    def _birth_date(self, cells: list[str], found: _Problems) -> dt.date | None:
        text = norm.clean(self._value(cells, "birth_date"))
        if not text:
            return None
        try:
            return parse_birth_date(text, self.today, self.date_order.order)
        except AmbiguousDate:
            found.errors.append(self._ambiguous_reason())
            return None
        except BadDate as exc:
            found.errors.append(
                _("the date of birth ({column}) is not usable: {why}").format(
                    column=self.label("birth_date"), why=exc
                )
            )
            return None

    def _ambiguous_reason(self) -> str:
        """Why a date that reads two ways cannot be used, and the two ways to settle it."""
        why = (
            self.date_order.conflict
            if self.date_order.conflict
            else _("no date in the column has a number over 12 to tell")
        )
        return _(
            "the date of birth ({column}) could be month first or day first ({why}): write it as "
            "YYYY-MM-DD, or say how the column is written with --date-order mdy (or dmy)"
        ).format(column=self.label("birth_date"), why=why)

    def _other_names(self, cells: list[str], found: _Problems) -> list[str]:
        names: list[str] = []
        for text in self._values(cells, "other_names"):
            try:
                names.extend(norm.split_list(text))
            except norm.BadValue as exc:
                found.warnings.append(
                    _("an other name ({column}) {why}; it was left out").format(
                        column=self.label("other_names"), why=exc
                    )
                )
        return names

    def _previous(self, cells: list[str], found: _Problems) -> tuple[list[Address], list[str]]:
        addresses: list[Address] = []
        unparsed: list[str] = []
        for text in self._values(cells, "previous_address"):
            for piece in (p for p in text.split(";") if p.strip()):
                parsed = parse_address(piece)
                if parsed is None:
                    unparsed.append(norm.clean(piece))
                    found.warnings.append(
                        _(
                            "a previous address ({column}) is not in the form "
                            "'street, city, ST ZIP'; it is kept as text only"
                        ).format(column=self.label("previous_address"))
                    )
                    continue
                addresses.append(
                    Address(
                        line1=parsed.line1,
                        line2=parsed.line2,
                        city=parsed.city,
                        state=parsed.state,
                        zip=parsed.zip,
                    )
                )
        return addresses, unparsed
