"""Header spellings in English and Spanish, and the user's column map."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from broker_audit.errors import UserError
from broker_audit.intake import read_clients
from broker_audit.intake.headers import column_letter, map_columns, recognise

from .sheets import HEADER_ES, write_sheet


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("First Name", "first_name"),
        ("first_name", "first_name"),
        ("FNAME", "first_name"),
        ("Given name(s)", "first_name"),
        ("Middle Initial", "middle_name"),
        ("Last Name", "last_name"),
        ("SURNAME", "last_name"),
        ("Apellido(s)", "last_name"),
        ("Apellidos", "last_name"),
        ("Primer apellido", "last_name"),
        ("Apellido paterno", "last_name"),
        ("Segundo apellido", "last_name_2"),
        ("Apellido materno", "last_name_2"),
        ("Full Name", "full_name"),
        ("Client Name", "full_name"),
        ("Nombre completo", "full_name"),
        ("AKA", "other_names"),
        ("Otros nombres", "other_names"),
        ("Street Address", "line1"),
        ("Dirección", "line1"),
        ("DIRECCION", "line1"),
        ("Address 1", "line1"),
        ("Apt/Unit", "line2"),
        ("Address Line 2", "line2"),
        ("Apartamento", "line2"),
        ("City", "city"),
        ("Ciudad", "city"),
        ("State", "state"),
        ("Estado", "state"),
        ("ZIP Code", "zip"),
        ("zip", "zip"),
        ("Zip", "zip"),
        ("Código postal", "zip"),
        ("C.P.", "zip"),
        ("Postal Code", "zip"),
        ("State of residence", "residence_state"),
        ("Previous address", "previous_address"),
        ("Dirección anterior", "previous_address"),
        ("E-mail", "email"),
        ("Correo electrónico", "email"),
        ("Phone #", "phone"),
        ("Teléfono", "phone"),
        ("Celular", "phone"),
        ("DOB", "birth_date"),
        ("D.O.B.", "birth_date"),
        ("Date of Birth (MM/DD/YYYY)", "birth_date"),
        ("Fecha de nacimiento", "birth_date"),
        ("Idioma", "language"),
        ("Preferred language", "language"),
        ("Case #", "client_id"),
        ("Client ID", "client_id"),
        ("Número de caso", "client_id"),
        ("Client's ZIP", "zip"),
        ("  email*  ", "email"),
    ],
)
def test_recognised_spellings(header: str, field: str) -> None:
    assert recognise(header) == field


@pytest.mark.parametrize("header", ["Notes", "Intake worker", "Referred by", "", "Date of intake"])
def test_unrelated_headers_are_not_guessed(header: str) -> None:
    assert recognise(header) is None


def test_nombre_is_first_name_beside_surnames_else_the_full_name() -> None:
    assert map_columns(["Nombre", "Apellidos", "Dirección"]).mapping["Nombre"] == "first_name"
    assert map_columns(["Nombre", "Dirección"]).mapping["Nombre"] == "full_name"


def test_spanish_sheet_end_to_end(tmp_path: Path) -> None:
    rows = [
        HEADER_ES,
        [
            "María José",
            "García",
            "Márquez",
            "1200 Calle Olvera, Apt 4B",
            "Los Ángeles",
            "California",
            "90012",
            "12 de abril de 1988",
            "213-555-0199",
            "mj@correo.mx",
            "Español",
        ],
    ]
    [client] = read_clients(write_sheet(tmp_path / "c.csv", rows), today=dt.date(2025, 6, 1)).clients
    profile = client.profile
    assert profile.name == "María José García Márquez"
    assert profile.current_address.city == "Los Ángeles" and profile.state == "CA"
    assert profile.birth_date == dt.date(1988, 4, 12)
    assert client.language == "es"


def test_column_map_overrides_and_accepts_spellings(tmp_path: Path) -> None:
    rows = [
        ["Cliente", "Calle", "Town/Village", "St", "Postcode", "Notas"],
        ["Ana García", "1 A St", "Denver", "CO", "80204", "x"],
    ]
    path = write_sheet(tmp_path / "c.csv", rows)
    intake = read_clients(
        path, column_map={"Town/Village": "city", "Notas": "ignore", "Cliente": "Full Name"}
    )
    assert intake.mapping["Town/Village"] == "city" and "Notas" not in intake.mapping
    assert intake.unmapped_columns == []
    assert intake.clients[0].profile.current_address.city == "Denver"


def test_column_map_errors_say_what_exists(tmp_path: Path) -> None:
    path = write_sheet(tmp_path / "c.csv", [["Name", "Address", "City", "State", "ZIP"]])
    with pytest.raises(UserError) as err:
        read_clients(path, column_map={"Town": "city"})
    assert "Town" in err.value.message and "Address" in (err.value.hint or "")
    with pytest.raises(UserError) as err:
        read_clients(path, column_map={"City": "shoe size"})
    assert "zip" in (err.value.hint or "")


def test_column_letters() -> None:
    assert [column_letter(i) for i in (0, 25, 26, 51, 52, 701, 702)] == [
        "A",
        "Z",
        "AA",
        "AZ",
        "BA",
        "ZZ",
        "AAA",
    ]
