"""Files as real exports make them: encodings, delimiters, BOMs, line ends, and non-spreadsheets."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from broker_audit.errors import DataFileError
from broker_audit.intake import read_clients

from .sheets import ANA, HEADER_EN, JOSE, MINH, csv_text, write_sheet

TODAY = dt.date(2025, 6, 1)
ROWS = [HEADER_EN, ANA, MINH, JOSE]
NAMES = ["Ana García Márquez", "Minh Nguyễn", "José Núñez"]


def names(path: Path, **kwargs: object) -> list[str]:
    intake = read_clients(path, today=TODAY, **kwargs)  # type: ignore[arg-type]
    assert intake.bad == [], intake.bad
    return [c.profile.name for c in intake.clients]


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
@pytest.mark.parametrize("newline", ["\r\n", "\n", "\r"])
@pytest.mark.parametrize("bom", [False, True])
def test_utf8_every_delimiter_line_end_and_bom(
    tmp_path: Path, delimiter: str, newline: str, bom: bool
) -> None:
    path = write_sheet(tmp_path / "c.csv", ROWS, delimiter=delimiter, newline=newline, bom=bom)
    intake = read_clients(path, today=TODAY)
    assert [c.profile.name for c in intake.clients] == NAMES
    assert intake.delimiter == delimiter
    assert intake.encoding == ("utf-8-sig" if bom else "utf-8")
    assert intake.clients[0].row == 2 and intake.clients[2].row == 4


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
@pytest.mark.parametrize("bom", [True, False])
def test_utf16_excel_unicode_text(tmp_path: Path, encoding: str, bom: bool) -> None:
    """Excel's "Unicode text" export: UTF-16 LE with a BOM, tab-delimited."""
    path = write_sheet(tmp_path / "c.txt", ROWS, encoding=encoding, bom=bom, delimiter="\t")
    assert names(path) == NAMES


def test_windows_1252_without_mangling(tmp_path: Path) -> None:
    rows = [
        HEADER_EN,
        ["José", "Núñez", "9 Oak", "", "Denver", "CO", "80204", "", "", ""],
        ["Zoë", "Ærøskøbing O'Brien–Smith", "1 A St", "", "Denver", "CO", "80204", "", "", ""],
    ]
    path = write_sheet(tmp_path / "c.csv", rows, encoding="cp1252", delimiter=";")
    intake = read_clients(path, today=TODAY)
    assert [c.profile.name for c in intake.clients] == ["José Núñez", "Zoë Ærøskøbing O'Brien–Smith"]
    assert intake.encoding == "cp1252"


def test_vietnamese_needs_utf8_and_is_kept_nfc(tmp_path: Path) -> None:
    import unicodedata

    decomposed = unicodedata.normalize("NFD", "Nguyễn Thị Minh Khai")
    rows = [
        ["Full name", "Address", "City", "State", "ZIP"],
        [decomposed, "1200 Calle Olvera Apt 4B", "Los Angeles", "CA", "90012"],
    ]
    path = write_sheet(tmp_path / "c.csv", rows)
    [client] = read_clients(path, today=TODAY).clients
    assert client.profile.name == "Nguyễn Thị Minh Khai"
    assert unicodedata.is_normalized("NFC", client.profile.name)


def test_mixed_utf8_and_cp1252_lines_are_each_decoded(tmp_path: Path) -> None:
    head = csv_text([HEADER_EN, ANA]).encode("utf-8")
    tail = csv_text([JOSE]).encode("cp1252")
    path = tmp_path / "c.csv"
    path.write_bytes(head + tail)
    intake = read_clients(path, today=TODAY)
    assert [c.profile.name for c in intake.clients] == ["Ana García Márquez", "José Núñez"]
    assert "mixed" in intake.encoding and intake.warnings


def test_quoted_newlines_and_delimiters_inside_cells(tmp_path: Path) -> None:
    rows = [
        ["Name", "Address", "City", "State", "ZIP", "Other names"],
        ["Ana García", "123 Main St,\nBack house", "Denver", "CO", "80204", "Anita;\nAna G."],
    ]
    path = write_sheet(tmp_path / "c.csv", rows, quote_all=True)
    [client] = read_clients(path, today=TODAY).clients
    assert client.profile.current_address.line1 == "123 Main St, Back house"
    assert client.profile.other_names == ["Anita", "Ana G."]


def test_trailing_empty_rows_and_columns_are_blank_not_bad(tmp_path: Path) -> None:
    rows = [[*HEADER_EN, "", ""], [*ANA, "", ""], [*MINH, "", ""], [""] * 12, [""] * 12, [""] * 12]
    intake = read_clients(write_sheet(tmp_path / "c.csv", rows), today=TODAY)
    assert len(intake.clients) == 2 and intake.bad == []
    assert intake.blank_rows == 3 and intake.rows_read == 5
    assert intake.unmapped_columns == []


def test_duplicated_header_names_keep_both_columns(tmp_path: Path) -> None:
    rows = [
        ["Name", "Address", "City", "State", "ZIP", "Phone", "Phone", "Notes"],
        ["Ana García", "1 A St", "Denver", "CO", "80204", "", "720-555-0100", "prefers text"],
    ]
    intake = read_clients(write_sheet(tmp_path / "c.csv", rows), today=TODAY)
    assert intake.mapping["Phone (2)"] == "phone"
    assert intake.clients[0].profile.phone == "+1 720 555 0100"
    assert intake.unmapped_columns == ["Notes"]


def test_data_under_an_unnamed_column_is_reported(tmp_path: Path) -> None:
    rows = [
        ["Name", "Address", "City", "State", "ZIP", ""],
        ["Ana García", "1 A St", "Denver", "CO", "80204", "x"],
    ]
    intake = read_clients(write_sheet(tmp_path / "c.csv", rows), today=TODAY)
    assert intake.unmapped_columns == ["column F"]


def test_excel_sep_line_and_a_title_above_the_header(tmp_path: Path) -> None:
    path = tmp_path / "c.csv"
    path.write_text("sep=;\r\n" + csv_text([["Clinic intake, March"], [], HEADER_EN, ANA], delimiter=";"))
    intake = read_clients(path, today=TODAY)
    assert [c.profile.name for c in intake.clients] == ["Ana García Márquez"]
    assert intake.header_row == 3 and intake.clients[0].row == 4
    assert any("row 3" in w for w in intake.warnings)


def test_a_row_the_csv_parser_refuses_is_a_bad_row_and_reading_goes_on(tmp_path: Path) -> None:
    rows = [HEADER_EN, ANA, ["x" * 200_000, *ANA[1:]], MINH]
    intake = read_clients(write_sheet(tmp_path / "c.csv", rows), today=TODAY)
    assert [c.row for c in intake.clients] == [2, 4]
    assert [b.row for b in intake.bad] == [3]
    assert "could not be read" in intake.bad[0].reason


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "is empty"),
        (b"\r\n\r\n,,,\r\n", "is empty"),
        (b"PK\x03\x04\x14\x00\x06\x00" + bytes(200), "workbook"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(200), "old Excel"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "PDF"),
        (bytes(range(256)) * 8, "binary"),
        (b"Ana,Garcia,1 Main St,Denver,CO,80204\r\nBo,Li,2 Oak,Austin,TX,78701\r\n", "no header row"),
    ],
)
def test_not_a_spreadsheet_names_the_file_and_the_problem(
    tmp_path: Path, content: bytes, message: str
) -> None:
    path = tmp_path / "clients.csv"
    path.write_bytes(content)
    with pytest.raises(DataFileError) as err:
        read_clients(path, today=TODAY)
    assert str(path) in err.value.message and message in err.value.message
    assert err.value.hint


def test_missing_file_and_folder(tmp_path: Path) -> None:
    with pytest.raises(DataFileError, match="no such file"):
        read_clients(tmp_path / "nope.csv")
    with pytest.raises(DataFileError, match="folder"):
        read_clients(tmp_path)


def test_header_only_file_gives_no_clients(tmp_path: Path) -> None:
    intake = read_clients(write_sheet(tmp_path / "c.csv", [HEADER_EN]), today=TODAY)
    assert intake.clients == [] and intake.bad == [] and intake.rows_read == 0


def test_a_sheet_without_any_address_column_fails_once_not_per_row(tmp_path: Path) -> None:
    rows = [["First Name", "Last Name", "Notes"], ["Ana", "García", "x"]]
    with pytest.raises(DataFileError) as err:
        read_clients(write_sheet(tmp_path / "c.csv", rows), today=TODAY)
    assert "street address" in err.value.message and "Notes" in err.value.message
    assert "--map" in (err.value.hint or "")


def test_stray_control_characters_do_not_make_a_file_binary(tmp_path: Path) -> None:
    rows = [HEADER_EN, with_cells(ANA, 0, "Ana\x00\x0b"), with_cells(MINH, 2, "45 Elm\x1a Rd")]
    intake = read_clients(write_sheet(tmp_path / "c.csv", rows), today=TODAY)
    assert [c.profile.name for c in intake.clients] == ["Ana García Márquez", "Minh Nguyễn"]
    assert intake.clients[1].profile.current_address.line1 == "45 Elm Rd"


def with_cells(row: list[str], index: int, value: str) -> list[str]:
    return [value if i == index else cell for i, cell in enumerate(row)]
