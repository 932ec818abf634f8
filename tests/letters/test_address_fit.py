"""Addresses that fit: one routine for the envelope window, labels and the certified-mail list.

USPS Publication 28 abbreviations first, then smaller type never below 8 pt, then wrapping at
spaces; never cut; what still does not fit is reported."""

from __future__ import annotations

import pytest

from broker_audit.geography import usps_abbreviate, usps_abbreviate_line
from broker_audit.letters.address_fit import (
    LABEL,
    LIST_ROW,
    USPS_MIN_SIZE,
    WINDOW,
    address_problems,
    fit_address,
)

LEXISNEXIS = (
    "LexisNexis Risk Solutions",
    "Consumer Center, Attn: California Consumer Privacy Act (CCPA) Request",
    "P.O. Box 105108",
    "Atlanta, GA 30348-5295",
)


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("27 West Colfax Avenue Suite 300", "27 W Colfax Ave Ste 300"),  # direction, street type, suite
        ("P.O. Box 105108", "PO Box 105108"),
        ("100 Main Street North, Apartment 4B", "100 Main St N, Apt 4B"),
        ("12 NORTHEAST OAK BOULEVARD", "12 NE OAK BLVD"),  # capitals stay capitals
        ("1 South Street", "1 South St"),  # "South" is the street's name here
        ("Avenue of the Americas", "Avenue of the Americas"),  # "Avenue" is its name
        ("Department of Justice", "Department of Justice"),  # a department, not a unit number
        ("1 Park Avenue, Floor 3", "1 Park Ave, Fl 3"),
    ],
)
def test_addresses_that_fit_usps_publication_28_abbreviations(line: str, expected: str) -> None:
    assert usps_abbreviate_line(line) == expected


def test_addresses_that_fit_the_addressee_and_city_line_are_never_abbreviated() -> None:
    lines = ["West Avenue Suite Holdings", "1 Park Avenue Suite 3", "Avenue, CO 80000"]
    assert usps_abbreviate(lines) == ["West Avenue Suite Holdings", "1 Park Ave Ste 3", "Avenue, CO 80000"]


def test_addresses_that_fit_an_address_that_fits_as_given_is_left_as_given() -> None:
    fit = fit_address(("Experian", "PO Box 703", "Allen, TX 75013"), WINDOW)
    assert fit.fits and not fit.abbreviated and fit.size == 11.0
    assert fit.lines == ("Experian", "PO Box 703", "Allen, TX 75013")


@pytest.mark.parametrize("box", [WINDOW, LABEL, LIST_ROW], ids=["window", "label", "list"])
def test_addresses_that_fit_the_lexisnexis_address_whole_in_every_box(box: object) -> None:
    """The issue: it shrank to 7 pt and was cut ("...") in the window, on labels and in the list."""
    fit = fit_address(LEXISNEXIS, box)  # type: ignore[arg-type]
    assert fit.fits and fit.size >= USPS_MIN_SIZE == 8.0
    assert fit.abbreviated and "PO Box 105108" in fit.lines
    expected = "LexisNexis Risk Solutions Consumer Center, Attn: California Consumer Privacy Act (CCPA) "
    expected += "Request PO Box 105108 Atlanta, GA 30348-5295"
    assert " ".join(fit.lines).split() == expected.split()  # every word, in order
    assert fit.lines[-2:] == ("PO Box 105108", "Atlanta, GA 30348-5295")  # delivery and city lines whole
    assert not any("\u2026" in line for line in fit.lines)


def test_addresses_that_fit_what_cannot_fit_is_reported_never_cut() -> None:
    long_delivery = (
        "Acme",
        "12345 Extremely Long Boulevard Name Northwest Building Seven Suite 1200",
        "Town, CO 80000",
    )
    fit = fit_address(long_delivery, WINDOW)
    assert not fit.fits and fit.size == 8.0
    assert "the envelope window holds 3.05 in" in fit.problems[0]
    assert fit.lines[1].startswith("12345 Extremely Long")  # reported whole, never cut
    assert address_problems(("Acme", "1 Main St", "Town, CO 80000"), (WINDOW, LABEL, LIST_ROW)) == []
    seven = tuple(f"Line {i}" for i in range(1, 8))
    assert address_problems(seven, (WINDOW,)) and not address_problems(seven[:6], (WINDOW,))
