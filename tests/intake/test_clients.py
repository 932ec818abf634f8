"""Rows -> clients: what a letter needs, bad rows with reasons, duplicates, ids, nothing dropped."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from broker_audit.errors import UserError
from broker_audit.intake import BadRow, Intake, read_clients

from .sheets import ANA, HEADER_EN, JOSE, MINH, write_sheet

TODAY = dt.date(2025, 6, 1)


def read(tmp_path: Path, rows: list[list[str]], **kwargs: object) -> Intake:
    return read_clients(write_sheet(tmp_path / "c.csv", rows), today=TODAY, **kwargs)  # type: ignore[arg-type]


def accounted(intake: Intake) -> int:
    return len(intake.clients) + len(intake.bad) + len(intake.identical_rows) + intake.blank_rows


def bad_by_row(intake: Intake) -> dict[int, BadRow]:
    return {b.row: b for b in intake.bad}


def with_(row: list[str], **changes: str) -> list[str]:
    out = list(row)
    for column, value in changes.items():
        name = column.replace("_", " ")
        out[next(i for i, h in enumerate(HEADER_EN) if h == name or h.startswith(name + " ("))] = value
    return out


def test_a_good_row_becomes_a_validated_profile(tmp_path: Path) -> None:
    [ana] = read(tmp_path, [HEADER_EN, ANA]).clients
    p = ana.profile
    assert (p.name, p.state, p.phone, p.email) == (
        "Ana García Márquez",
        "CO",
        "+1 303 555 0147",
        "ana@example.com",
    )
    assert p.birth_date == dt.date(1988, 4, 12)
    assert p.current_address.lines() == ["123 Main St", "Apt 4", "Denver, CO 80204"]
    assert ana.language == "en" and ana.row == 2 and ana.warnings == ()


def test_excel_mangled_zip_and_serial_date(tmp_path: Path) -> None:
    [jose] = read(tmp_path, [HEADER_EN, JOSE]).clients
    assert jose.profile.current_address.zip == "02134"
    assert jose.profile.birth_date == dt.date(1988, 4, 12)


def test_bad_rows_name_the_column_and_never_stop_reading(tmp_path: Path) -> None:
    rows = [
        HEADER_EN,
        ANA,
        with_(MINH, ZIP=""),  # 3 missing ZIP
        with_(MINH, State="Colorad"),  # 4 bad state
        with_(MINH, DOB="2/30/1990"),  # 5 impossible date
        with_(MINH, First_Name="", Last_Name=""),  # 6 empty name
        with_(MINH, Address="", City=""),  # 7 no street, no city
        with_(MINH, ZIP="ABCDE"),  # 8 not a ZIP
        JOSE,
    ]
    intake = read(tmp_path, rows)
    assert [c.row for c in intake.clients] == [2, 9]
    bad = bad_by_row(intake)
    assert "column 'ZIP'" in bad[3].reason and "empty" in bad[3].reason
    assert "column 'State'" in bad[4].reason and "not a US state" in bad[4].reason
    assert "column 'DOB (MM/DD/YYYY)'" in bad[5].reason and "no such date" in bad[5].reason
    assert "'First Name'" in bad[6].reason and "'Last Name'" in bad[6].reason
    assert "'Address'" in bad[7].reason and "'City'" in bad[7].reason
    assert "ZIP" in bad[8].reason
    assert bad[4].raw["State"] == "Colorad" and bad[4].raw["First Name"] == "Minh"
    assert accounted(intake) == intake.rows_read == 8


def test_reasons_do_not_echo_personal_values(tmp_path: Path) -> None:
    intake = read(tmp_path, [HEADER_EN, with_(MINH, DOB="2/31/1990", ZIP="8x")])
    [bad] = intake.bad
    for secret in ("Minh", "Nguyễn", "45 Elm", "2/31/1990", "8x", "Boulder"):
        assert secret not in bad.reason


def test_one_row_with_several_problems_lists_them_all(tmp_path: Path) -> None:
    [bad] = read(tmp_path, [HEADER_EN, with_(MINH, State="", ZIP="", DOB="13/13/1990")]).bad
    assert bad.reason.count(";") >= 2


def test_non_fatal_problems_are_warnings(tmp_path: Path) -> None:
    [client] = read(tmp_path, [HEADER_EN, with_(MINH, Phone="555-01", Email="not an email")]).clients
    assert client.profile.phone == "" and client.profile.email == ""
    text = " ".join(client.warnings)
    assert "'Phone'" in text and "'Email'" in text


def test_zip_codes_are_checked_against_the_state(tmp_path: Path) -> None:
    """A Massachusetts ZIP that lost its leading zero in Excel (2134) is 02134; a 4-digit ZIP in a
    Colorado row is a typo, not New Jersey's 08020: that row goes to the rows to fix, as does a
    ZIP from another part of the country. The profile path applies the same rule."""
    intake = read(
        tmp_path,
        [
            HEADER_EN,
            with_(MINH, ZIP="8020"),
            with_(MINH, First_Name="Ana", ZIP="02134"),
            ["José", "Núñez", "9 Oak Ave", "Unit 2", "Boston", "MA", "2134", "", "", ""],
        ],
    )
    assert [c.profile.addresses[0].zip for c in intake.clients] == ["02134"]
    reasons = {b.row: b.reason for b in intake.bad}
    assert "fewer than 5 digits, and CO ZIP codes do not start with 0" in reasons[2]
    assert "is not one of CO's" in reasons[3]
    from broker_audit.errors import UserError
    from broker_audit.profile import Address, Profile, validate_profile

    with pytest.raises(UserError) as caught:
        validate_profile(
            Profile(
                name="Ana",
                state="CO",
                addresses=[Address(line1="1 A St", city="Denver", state="CO", zip="08020", current=True)],
            )
        )
    assert "ZIP 08020 is not in CO" in caught.value.message


def test_unquoted_comma_shifting_a_row_is_bad_not_garbage(tmp_path: Path) -> None:
    path = tmp_path / "c.csv"
    path.write_text("Name,Address,City,State,ZIP\r\nAna García,123 Main St, Apt 4,Denver,CO,80204\r\n")
    intake = read_clients(path, today=TODAY)
    assert intake.clients == [] and "unquoted comma" in intake.bad[0].reason
    assert intake.bad[0].raw["column F"] == "80204"


def test_two_surnames_long_names_and_vietnamese_kept_exactly(tmp_path: Path) -> None:
    long_last = ("Wolfeschlegelsteinhausenbergerdorff " * 9).strip()[:290]
    rows = [
        ["Nombre", "Primer apellido", "Segundo apellido", "Dirección", "Ciudad", "Estado", "Código postal"],
        ["María José", "García", "Márquez", "1 A St", "El Paso", "Tejas", "79901"],
        ["Juan", "de la Cruz y", "Pérez-Ortega", "2 B St", "Miami", "Florida", "33101"],
        ["Nguyễn Thị", "Minh", "Khai", "3 C St", "San José", "CA", "95112"],
        ["Hubert", long_last, "", "4 D St", "Austin", "TX", "78701"],
        ["X", "y" * 301, "", "5 E St", "Austin", "TX", "78701"],
    ]
    intake = read(tmp_path, rows)
    assert [c.profile.name for c in intake.clients] == [
        "María José García Márquez",
        "Juan de la Cruz y Pérez-Ortega",
        "Nguyễn Thị Minh Khai",
        f"Hubert {long_last}",
    ]
    assert "300 characters" in intake.bad[0].reason and "'Primer apellido'" in intake.bad[0].reason


def test_full_name_column_and_a_one_cell_address(tmp_path: Path) -> None:
    rows = [
        ["Nombre", "Dirección"],
        ["Ana García Márquez", "123 Main St, Apt 4, Denver, CO 80204"],
        ["Bo Li", "2 Oak"],
    ]
    intake = read(tmp_path, rows)
    [ana] = intake.clients
    assert ana.profile.name == "Ana García Márquez"
    assert ana.profile.current_address.lines() == ["123 Main St", "Apt 4", "Denver, CO 80204"]
    assert "city is empty" in intake.bad[0].reason


def test_default_state_fills_a_missing_state_and_residence_state_wins(tmp_path: Path) -> None:
    rows = [
        ["Name", "Address", "City", "ZIP", "State of residence"],
        ["Ana García", "1 A St", "Denver", "80204", ""],
        ["Bo Li", "2 B St", "Denver", "80204", "California"],
    ]
    intake = read(tmp_path, rows, default_state="Colorado")
    assert [c.profile.state for c in intake.clients] == ["CO", "CA"]
    assert [c.profile.current_address.state for c in intake.clients] == ["CO", "CO"]
    with pytest.raises(UserError):
        read(tmp_path, rows, default_state="Atlantis")


def test_previous_addresses_parsed_or_kept_as_text(tmp_path: Path) -> None:
    rows = [
        ["Name", "Address", "City", "State", "ZIP", "Previous address"],
        ["Ana García", "1 A St", "Denver", "CO", "80204", "9 Old Rd, Boulder, CO 80302; somewhere in Texas"],
    ]
    [ana] = read(tmp_path, rows).clients
    [past] = ana.profile.past_addresses
    assert past.one_line() == "9 Old Rd, Boulder, CO 80302" and not past.current
    assert ana.unparsed_addresses == ("somewhere in Texas",)
    assert any("'Previous address'" in w for w in ana.warnings)


def test_language_column_and_default(tmp_path: Path) -> None:
    rows = [
        ["Name", "Address", "City", "State", "ZIP", "Idioma"],
        ["Ana García", "1 A St", "Denver", "CO", "80204", "Español"],
        ["Bo Li", "2 B St", "Denver", "CO", "80204", "English"],
        ["Cy Do", "3 C St", "Denver", "CO", "80204", ""],
    ]
    intake = read(tmp_path, rows, default_language="es")
    assert [c.language for c in intake.clients] == ["es", "en", "es"]
    with pytest.raises(UserError):
        read(tmp_path, rows, default_language="fr")


def test_generated_ids_are_stable_and_reveal_nothing(tmp_path: Path) -> None:
    first = read(tmp_path, [HEADER_EN, ANA, MINH]).clients
    again = read(tmp_path, [HEADER_EN, with_(ANA, First_Name="ANA", Phone=""), MINH]).clients
    assert [c.client_id for c in first] == [c.client_id for c in again]
    assert first[0].client_id != first[1].client_id
    assert first[0].client_id.startswith("c-") and "ana" not in first[0].client_id.lower()
    assert "1988" not in first[0].client_id and "80204" not in first[0].client_id


def test_id_column_is_used_and_excel_floats_cleaned(tmp_path: Path) -> None:
    rows = [["Case #", *HEADER_EN], ["1042.0", *ANA], ["A-7", *MINH], ["", *JOSE]]
    ids = [c.client_id for c in read(tmp_path, rows).clients]
    assert ids[:2] == ["1042", "A-7"] and ids[2].startswith("c-")


def test_duplicates_reported_and_kept_unless_identical(tmp_path: Path) -> None:
    rows = [
        HEADER_EN,
        ANA,  # 2
        MINH,  # 3
        with_(ANA, First_Name="ANA", Last_Name="Garcia Marquez", Address="77 Other St"),  # 4 same name + DOB
        with_(MINH, DOB="", Phone="720-555-0100"),  # 5 same name + address
        ANA,  # 6 identical to 2
        with_(ANA, First_Name="Ana Lucía"),  # 7 different person
    ]
    intake = read(tmp_path, rows)
    assert intake.duplicates == [(4, 2), (5, 3), (6, 2)]
    assert intake.identical_rows == [6]
    assert [c.row for c in intake.clients] == [2, 3, 4, 5, 7]
    assert accounted(intake) == intake.rows_read == 6


def test_same_case_number_for_a_different_person_is_a_bad_row(tmp_path: Path) -> None:
    rows = [["Case #", *HEADER_EN], ["17", *ANA], ["17", *MINH], ["17", *with_(ANA, Phone="")]]
    intake = read(tmp_path, rows)
    assert [c.row for c in intake.clients] == [2, 4]
    assert intake.duplicates == [(4, 2)]
    [bad] = intake.bad
    assert bad.row == 3 and "row 2" in bad.reason and "'Case #'" in bad.reason
