"""Dates in intake: one reading order per birth-date column, decided from all its values.

The issue's sheet: 14/03/1987 was read as March 14 while 05/06/1975 became May 6 and 1/2/2001
January 2 in the same column. Each expected date below is what a person reading the column
would say, stated by hand.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from broker_audit.errors import UserError
from broker_audit.intake import read_clients
from broker_audit.intake.dates import AmbiguousDate, decide_order, parse_birth_date

from .sheets import write_sheet

TODAY = dt.date(2026, 11, 25)
FIXTURES = Path(__file__).parent.parent / "fixtures" / "intake"
HEADER = ["First Name", "Last Name", "Address", "City", "State", "ZIP", "DOB"]


def row(first: str, dob: str) -> list[str]:
    return [first, "Doe", "1 Main St", "Denver", "CO", "80204", dob]


def read(tmp_path: Path, rows: list[list[str]], header: list[str] = HEADER, **kwargs: object):  # type: ignore[no-untyped-def]
    return read_clients(write_sheet(tmp_path / "c.csv", [header, *rows]), today=TODAY, **kwargs)  # type: ignore[arg-type]


def births(intake) -> dict[str, dt.date | None]:  # type: ignore[no-untyped-def]
    return {c.profile.name.split()[0]: c.profile.birth_date for c in intake.clients}


def test_dates_in_intake_a_value_over_12_settles_the_whole_column_day_first(tmp_path: Path) -> None:
    intake = read(tmp_path, [row("A", "14/03/1987"), row("B", "05/06/1975"), row("C", "1/2/2001")])
    assert intake.bad == []
    assert births(intake) == {
        "A": dt.date(1987, 3, 14),
        "B": dt.date(1975, 6, 5),  # 5 June, not May 6
        "C": dt.date(2001, 2, 1),  # 1 February, not January 2
    }
    assert intake.date_order.order == "dmy"
    assert "row 2" in intake.date_order.why  # the row with 14 first


def test_dates_in_intake_a_value_over_12_second_settles_month_first(tmp_path: Path) -> None:
    intake = read(tmp_path, [row("A", "05/06/1975"), row("B", "12/25/1990"), row("C", "1/2/2001")])
    assert births(intake) == {
        "A": dt.date(1975, 5, 6),
        "B": dt.date(1990, 12, 25),
        "C": dt.date(2001, 1, 2),
    }
    assert intake.date_order.order == "mdy"


def test_dates_in_intake_date_order_option_says_it(tmp_path: Path) -> None:
    rows = [row("A", "05/06/1975"), row("B", "1/2/2001")]
    assert births(read(tmp_path, rows, date_order="dmy")) == {
        "A": dt.date(1975, 6, 5),
        "B": dt.date(2001, 2, 1),
    }
    assert births(read(tmp_path, rows, date_order="mdy")) == {
        "A": dt.date(1975, 5, 6),
        "B": dt.date(2001, 1, 2),
    }
    ymd = read(tmp_path, [row("A", "75/06/05")], date_order="ymd")
    assert births(ymd) == {"A": dt.date(1975, 6, 5)}


def test_dates_in_intake_the_header_can_say_the_order(tmp_path: Path) -> None:
    header = [*HEADER[:-1], "Fecha de nacimiento (DD/MM/AAAA)"]
    intake = read(tmp_path, [row("A", "05/06/1975")], header=header)
    assert births(intake) == {"A": dt.date(1975, 6, 5)}
    assert "header" in intake.date_order.why


def test_dates_in_intake_ambiguous_rows_go_to_rows_to_fix_with_a_clear_reason(tmp_path: Path) -> None:
    intake = read_clients(FIXTURES / "ambiguous-dates.csv", today=TODAY)
    bad = {b.row: b.reason for b in intake.bad}
    assert sorted(bad) == [2, 3]  # 05/06/1975 and 1/2/2001; 7/7/1990 and the ISO date are read
    for reason in bad.values():
        assert "could be month first or day first" in reason
        assert "--date-order" in reason and "YYYY-MM-DD" in reason
        assert "05/06" not in reason and "1/2/" not in reason  # no value repeated in a message
    assert births(intake) == {"Jo": dt.date(1990, 7, 7), "Lee": dt.date(1985, 11, 30)}


def test_dates_in_intake_a_column_with_both_orders_sends_the_ambiguous_rows_to_fix(tmp_path: Path) -> None:
    rows = [row("A", "14/03/1987"), row("B", "12/25/1990"), row("C", "05/06/1975")]
    intake = read(tmp_path, rows)
    assert births(intake) == {"A": dt.date(1987, 3, 14), "B": dt.date(1990, 12, 25)}
    [bad] = intake.bad
    assert bad.row == 4
    assert "mixes day-first dates (row 2" in bad.reason and "month-first dates (row 3" in bad.reason


def test_dates_in_intake_a_date_against_the_stated_order_is_a_bad_row(tmp_path: Path) -> None:
    intake = read(tmp_path, [row("A", "14/03/1987"), row("B", "1/2/2001")], date_order="mdy")
    [bad] = intake.bad
    assert bad.row == 2 and "can only be day first" in bad.reason
    assert births(intake) == {"B": dt.date(2001, 1, 2)}


def test_dates_in_intake_unknown_date_order_is_refused(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="unknown date order") as raised:
        read(tmp_path, [row("A", "1988-04-12")], date_order="dym")
    assert "dmy" in (raised.value.hint or "")


def test_dates_in_intake_a_single_cell_without_its_column_is_never_guessed() -> None:
    with pytest.raises(AmbiguousDate):
        parse_birth_date("05/06/1975", TODAY)
    assert parse_birth_date("25/12/1988", TODAY) == dt.date(1988, 12, 25)
    assert parse_birth_date("5/5/1980", TODAY) == dt.date(1980, 5, 5)  # the same day either way
    assert parse_birth_date("1988-04-12", TODAY, "dmy") == dt.date(1988, 4, 12)  # year first stays so


def test_dates_in_intake_dateutil_reads_month_names_and_refuses_a_missing_part() -> None:
    assert parse_birth_date("12 de setiembre de 1990", TODAY) == dt.date(1990, 9, 12)
    assert parse_birth_date("Tue, Apr 12 '88", TODAY) == dt.date(1988, 4, 12)
    assert parse_birth_date("abril 12, 30", TODAY) == dt.date(1930, 4, 12)  # 2030 is in the future
    with pytest.raises(ValueError, match="write it like"):
        parse_birth_date("April 1988", TODAY)


def test_dates_in_intake_decide_order_ignores_text_and_iso_dates() -> None:
    order = decide_order([(2, "April 12, 1990"), (3, "1988-12-30"), (4, "32245")])
    assert order.order is None and not order.conflict
