"""Recognise a clinic spreadsheet's column headers (English and Spanish) as client fields.

Matching ignores case, accents, spaces and punctuation: "Código postal", "codigo_postal" and
"CODIGO POSTAL" are the same key. A `column_map` from the user wins over recognition.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from broker_audit.cleantext import squash
from broker_audit.errors import UserError

# Every field a row can give. Values are what `column_map` accepts (besides header spellings).
FIELDS: dict[str, str] = {
    "first_name": "first name",
    "middle_name": "middle name",
    "last_name": "last name (surname, or both surnames)",
    "last_name_2": "second surname",
    "full_name": "full name",
    "other_names": "other names / aliases",
    "line1": "street address",
    "line2": "apartment / unit",
    "city": "city",
    "state": "state of the address",
    "zip": "ZIP code",
    "residence_state": "state of residence",
    "previous_address": "previous address",
    "email": "email",
    "phone": "phone",
    "birth_date": "date of birth",
    "language": "language",
    "client_id": "client id / case number",
}
IGNORE = "ignore"

# Spellings per field, '|'-separated; matched after `squash` (case, accents, punctuation ignored).
_SPELLINGS: dict[str, str] = {
    "first_name": (
        "first name|fname|first|given name|given names|forename|forenames|name first|nombres|primer nombre|"
        "nombre de pila|nombre pila|nombre s"
    ),
    "middle_name": "middle name|middle names|middle|mname|mi|middle initial|segundo nombre|inicial",
    "last_name": (
        "last name|last names|lname|last|surname|surnames|family name|name last|apellido|apellidos|"
        "primer apellido|apellido paterno|apellido 1|apellido1"
    ),
    "last_name_2": (
        "segundo apellido|apellido materno|apellido 2|apellido2|second surname|second last name|"
        "maternal surname|maternal last name"
    ),
    "full_name": (
        "name|full name|client name|legal name|full legal name|nombre completo|nombre y apellidos|"
        "nombre y apellido|nombre apellido|nombre apellidos|cliente"
    ),
    "other_names": (
        "other names|other name|aliases|alias|aka|also known as|former names|previous names|maiden name|"
        "nickname|nicknames|otros nombres|otro nombre|nombres anteriores|otros nombres usados|apodo|apodos|"
        "nombre de soltera"
    ),
    "line1": (
        "address|address 1|address line 1|street|street address|street 1|mailing address|home address|"
        "residential address|current address|addr|direccion|direccion 1|direccion actual|calle|"
        "calle y numero|domicilio|domicilio actual"
    ),
    "line2": (
        "address 2|address line 2|street 2|apt|apartment|unit|apt unit|apt suite|suite|apt no|apartamento|"
        "apto|depto|departamento|unidad|direccion 2|interior|numero interior"
    ),
    "city": "city|town|city town|ciudad|municipio|localidad|poblacion",
    "state": "state|st|province|state province|estado|provincia",
    "zip": (
        "zip|zip code|zipcode|postal code|postcode|post code|zip 4|zip plus 4|codigo postal|cod postal|cp|"
        "zona postal"
    ),
    "residence_state": (
        "state of residence|residence state|home state|estado de residencia|estado residencia|"
        "estado donde vive"
    ),
    "previous_address": (
        "previous address|previous addresses|prior address|prior addresses|former address|old address|"
        "past address|past addresses|direccion anterior|direcciones anteriores|domicilio anterior|"
        "domicilios anteriores"
    ),
    "email": "email|e mail|email address|mail|correo|correo electronico|correo e|e correo|email addr",
    "phone": (
        "phone|phone number|telephone|tel|cell|cell phone|mobile|mobile phone|home phone|phone no|telefono|"
        "numero de telefono|celular|movil|telefono celular|numero telefono|tel celular"
    ),
    "birth_date": (
        "dob|date of birth|birth date|birthdate|birthday|birth|bday|fecha de nacimiento|fecha nacimiento|"
        "nacimiento|fecha nac|f nac|fdn|cumpleanos"
    ),
    "language": (
        "language|lang|preferred language|primary language|idioma|lengua|idioma preferido|lenguaje|"
        "idioma preferente"
    ),
    "client_id": (
        "id|client id|client number|client no|client|case id|case number|case no|case|matter|matter number|"
        "matter id|intake id|file number|numero de caso|caso|expediente|numero de cliente|id cliente|"
        "numero cliente"
    ),
}

# "Nombre" alone is first name(s) when the sheet also has a surname column, else the full name.
AMBIGUOUS_NOMBRE = "nombre"
_LAST_FIELDS = ("last_name", "last_name_2")
_PREFIXES = ("client s ", "client ", "clients ", "cliente ", "del cliente ", "applicant ", "solicitante ")


def _key(text: str) -> str:
    return squash(text).replace(" ", "")


_LOOKUP: dict[str, str] = {
    _key(s): field for field, spellings in _SPELLINGS.items() for s in spellings.split("|")
}
_LOOKUP.update({_key(f): f for f in FIELDS})


def recognise(header: str) -> str | None:
    """The field a header names, or None. 'Apellido(s)', 'DOB (MM/DD/YYYY)', 'Client's ZIP' work."""
    candidates = [header, re.sub(r"\([^)]*\)|\[[^\]]*\]", " ", header)]
    for text in candidates:
        squashed = squash(text)
        for prefix in ("", *_PREFIXES):
            if prefix and not squashed.startswith(prefix):
                continue
            key = squashed[len(prefix) :].replace(" ", "")
            if key == AMBIGUOUS_NOMBRE:
                return AMBIGUOUS_NOMBRE
            if key in _LOOKUP:
                return _LOOKUP[key]
    return None


def column_letter(index: int) -> str:
    """0 -> 'A', 25 -> 'Z', 26 -> 'AA': the column as a spreadsheet shows it."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


@dataclass(frozen=True)
class Columns:
    """The header row understood: a unique display name per column and the field of each."""

    names: list[str]  # display name per column index ("Phone", "Phone (2)", "column G")
    fields: dict[str, list[int]]  # field -> column indexes, in file order
    mapping: dict[str, str]  # display name -> field
    unmapped: list[str]  # display names of named columns that feed no field


def display_names(header: Sequence[str]) -> list[str]:
    """Unique, human names for each header cell; an empty header becomes 'column G'."""
    names: list[str] = []
    seen: dict[str, int] = {}
    for index, cell in enumerate(header):
        name = " ".join(cell.split()) or f"column {column_letter(index)}"
        count = seen.get(name, 0) + 1
        seen[name] = count
        names.append(name if count == 1 else f"{name} ({count})")
    return names


def _resolve_field(value: str) -> str:
    """A column_map value: a field name, 'ignore', or any recognised header spelling."""
    if value in FIELDS or value == IGNORE:
        return value
    field = recognise(value)
    if field == AMBIGUOUS_NOMBRE:
        return "first_name"
    if field is None:
        raise UserError(
            f"--map: {value!r} is not a field",
            "fields are: " + ", ".join([*FIELDS, IGNORE]),
        )
    return field


def map_columns(header: Sequence[str], column_map: Mapping[str, str] | None = None) -> Columns:
    """Decide which field each column feeds. `column_map` ("Their Column" -> field) overrides."""
    names = display_names(header)
    chosen: dict[int, str | None] = {i: recognise(cell) for i, cell in enumerate(header)}
    for their_column, value in (column_map or {}).items():
        target = _resolve_field(value)
        wanted = [i for i, n in enumerate(names) if n == their_column]
        if not wanted:
            wanted = [i for i, cell in enumerate(header) if squash(cell) == squash(their_column)]
        if not wanted:
            raise UserError(
                f"--map: the file has no column {their_column!r}",
                "its columns are: " + ", ".join(n for n in names if not n.startswith("column ")),
            )
        for i in wanted:
            chosen[i] = target
    has_last = any(f in _LAST_FIELDS for f in chosen.values())
    fields: dict[str, list[int]] = {}
    mapping: dict[str, str] = {}
    unmapped: list[str] = []
    for i, guess in chosen.items():
        field = ("first_name" if has_last else "full_name") if guess == AMBIGUOUS_NOMBRE else guess
        if field is None:
            if header[i].strip():
                unmapped.append(names[i])
            continue
        if field == IGNORE:
            continue
        fields.setdefault(field, []).append(i)
        mapping[names[i]] = field
    return Columns(names=names, fields=fields, mapping=mapping, unmapped=unmapped)


def recognised_count(header: Sequence[str]) -> int:
    """How many cells of a row read as known headers (to find the header row under a title)."""
    return sum(recognise(cell) is not None for cell in header if cell.strip())
