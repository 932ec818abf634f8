"""One cell at a time: ZIPs, phones, emails, states, dates, languages, one-cell addresses."""

from __future__ import annotations

import datetime as dt

import pytest

from broker_audit.geography import state_code, zip_matches_state
from broker_audit.intake import normalise as norm
from broker_audit.intake.address import ParsedAddress, parse_address
from broker_audit.intake.dates import BadDate, parse_birth_date

TODAY = dt.date(2025, 6, 1)


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("80204", "80204"),
        ("80204.0", "80204"),
        ("2134", "02134"),
        ("501", "00501"),
        ("80204-1234", "80204-1234"),
        ("802041234", "80204-1234"),
        ("80204 1234", "80204-1234"),
        ("21341234", "02134-1234"),
        (" 02134 ", "02134"),
        ("2134-5678", "02134-5678"),
    ],
)
def test_zip_codes_including_excel_mangled(cell: str, expected: str) -> None:
    assert norm.zip_code(cell) == expected


@pytest.mark.parametrize("cell", ["8020", "80", "ABCDE", "80204-12", "1234567890", "80204--1234", "8.02E+04"])
def test_bad_zip_codes(cell: str) -> None:
    if cell == "8020":  # four digits is a New England ZIP that lost its zero, not an error
        assert norm.zip_code(cell) == "08020"
        return
    with pytest.raises(norm.BadValue, match="ZIP"):
        norm.zip_code(cell)


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("(303) 555-0147", "+1 303 555 0147"),
        ("303.555.0147", "+1 303 555 0147"),
        ("303-555-0147", "+1 303 555 0147"),
        ("1-303-555-0147", "+1 303 555 0147"),
        ("+1 (303) 555-0147", "+1 303 555 0147"),
        ("3035550147.0", "+1 303 555 0147"),
        ("303 555 0147 ext. 12", "+1 303 555 0147"),
        ("+52 55 1234 5678", "+525512345678"),
        ("0052 55 1234 5678", "+525512345678"),
    ],
)
def test_phones(cell: str, expected: str) -> None:
    assert norm.phone(cell)[0] == expected


@pytest.mark.parametrize("cell", ["555-0147", "3.03556E+09", "(103) 555-0147", "303-055-0147", "n/a"])
def test_invalid_phones_are_warnings_not_errors(cell: str) -> None:
    value, warning = norm.phone(cell)
    assert value == "" and warning


def test_emails() -> None:
    assert norm.email("Ana.G@Example.COM ") == ("Ana.G@example.com", "")
    assert norm.email("mailto:a@b.co")[0] == "a@b.co"
    assert norm.email("a@b.co; c@d.co") == ("a@b.co", "only the first of several emails was kept")
    assert norm.email("ana at example")[0] == ""
    assert norm.email("") == ("", "")


@pytest.mark.parametrize(
    ("cell", "code"),
    [
        ("Colorado", "CO"),
        ("CO", "CO"),
        ("co", "CO"),
        ("Colo.", "CO"),
        ("Nueva York", "NY"),
        ("new york", "NY"),
        ("Carolina del Norte", "NC"),
        ("Nuevo México", "NM"),
        ("Pensilvania", "PA"),
        ("Washington, D.C.", "DC"),
        ("D.C.", "DC"),
        ("Distrito de Columbia", "DC"),
        ("Puerto Rico", "PR"),
        ("Hawái", "HI"),
        ("Tejas", "TX"),
        ("Calif.", "CA"),
        ("  texas ", "TX"),
    ],
)
def test_states_english_and_spanish(cell: str, code: str) -> None:
    assert state_code(cell) == code


@pytest.mark.parametrize("cell", ["XX", "Colorad", "Mexico", "Jalisco", "Ontario", ""])
def test_not_states(cell: str) -> None:
    assert state_code(cell) is None


def test_zip_area_check() -> None:
    assert zip_matches_state("80204", "CO") and zip_matches_state("02134", "MA")
    assert not zip_matches_state("80204", "MA")


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("4/12/1988", dt.date(1988, 4, 12)),
        ("04-12-1988", dt.date(1988, 4, 12)),
        ("1988-04-12", dt.date(1988, 4, 12)),
        ("1988/4/12", dt.date(1988, 4, 12)),
        ("April 12 1988", dt.date(1988, 4, 12)),
        ("Apr. 12, 1988", dt.date(1988, 4, 12)),
        ("12 April 1988", dt.date(1988, 4, 12)),
        ("Tuesday, April 12, 1988", dt.date(1988, 4, 12)),
        ("12 de abril de 1988", dt.date(1988, 4, 12)),
        ("martes, 12 de abril de 1988", dt.date(1988, 4, 12)),
        ("Sept 3rd, 1990", dt.date(1990, 9, 3)),
        ("32245", dt.date(1988, 4, 12)),
        ("32245.0", dt.date(1988, 4, 12)),
        ("1988-04-12 00:00:00", dt.date(1988, 4, 12)),
        ("4/12/1988 12:00 AM", dt.date(1988, 4, 12)),
        ("19880412", dt.date(1988, 4, 12)),
        ("4/12/88", dt.date(1988, 4, 12)),
        ("1/1/10", dt.date(2010, 1, 1)),
        ("6/1/25", dt.date(2025, 6, 1)),
        ("6/2/25", dt.date(1925, 6, 2)),
    ],
)
def test_birth_dates(cell: str, expected: dt.date) -> None:
    """Read in a month-first column (a US clinic's); unambiguous forms read the same without one."""
    assert parse_birth_date(cell, TODAY, "mdy") == expected


@pytest.mark.parametrize(
    ("cell", "why"),
    [
        ("2/30/1988", "no such date"),
        ("13/13/1988", "no such date"),
        ("1/1/2030", "future"),
        ("1/1/1850", "before 1900"),
        ("1988", "only a year"),
        ("yesterday", "write it like"),
        ("4/12/198", "4 digits"),
        ("April 1988", "write it like"),
        ("Smarch 12 1988", "write it like"),
    ],
)
def test_impossible_birth_dates(cell: str, why: str) -> None:
    with pytest.raises(BadDate, match=why):
        parse_birth_date(cell, TODAY)


@pytest.mark.parametrize(
    ("cell", "code"),
    [
        ("English", "en"),
        ("Inglés", "en"),
        ("en", "en"),
        ("ENG", "en"),
        ("Español", "es"),
        ("spanish", "es"),
        ("es", "es"),
        ("Castellano", "es"),
        ("Spanish / Español", "es"),
        ("", "en"),
    ],
)
def test_languages(cell: str, code: str) -> None:
    assert norm.language(cell, "en") == (code, "")


def test_unknown_language_falls_back_with_a_warning() -> None:
    code, warning = norm.language("Vietnamese", "es")
    assert code == "es" and "not available" in warning


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "123 Main St Apt 4, Denver, CO 80204",
            ParsedAddress("123 Main St Apt 4", "", "Denver", "CO", "80204"),
        ),
        (
            "45 Elm Rd\nUnit 2\nBoulder CO 80302",
            ParsedAddress("45 Elm Rd", "Unit 2", "Boulder", "CO", "80302"),
        ),
        (
            "9 Calle Sol, Apto 3, Nueva York, Nueva York 10001",
            ParsedAddress("9 Calle Sol", "Apto 3", "Nueva York", "NY", "10001"),
        ),
        (
            "1 Ocean Dr, Virginia Beach, VA 23451-1234",
            ParsedAddress("1 Ocean Dr", "", "Virginia Beach", "VA", "23451-1234"),
        ),
        ("77 Mass Ave, Boston MA 2139", ParsedAddress("77 Mass Ave", "", "Boston", "MA", "02139")),
    ],
)
def test_one_cell_addresses(text: str, expected: ParsedAddress) -> None:
    assert parse_address(text) == expected


@pytest.mark.parametrize(
    "text", ["lived in Denver", "123 Main St Denver CO 80204", "Denver, CO", "1 A St, Paris, 75001"]
)
def test_one_cell_addresses_we_cannot_split(text: str) -> None:
    assert parse_address(text) is None


def test_names_are_kept_as_written() -> None:
    assert norm.name_part("  García   Márquez ") == "García Márquez"
    assert norm.name_part("de la Cruz") == "de la Cruz"
    assert norm.name_part("O'Brien-Núñez\u00a0Jr.") == "O'Brien-Núñez Jr."
    with pytest.raises(norm.BadValue, match="unreadable"):
        norm.name_part("Nu\ufffdez")
    with pytest.raises(norm.BadValue, match="300"):
        norm.name_part("a" * 301)
