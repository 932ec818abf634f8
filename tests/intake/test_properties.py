"""Properties: any name round-trips; no row is ever lost; no written cell is ever live."""

from __future__ import annotations

import datetime as dt
import tempfile
import unicodedata
from pathlib import Path

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from broker_audit.intake import neutralise_cell, read_clients

from .sheets import write_sheet

TODAY = dt.date(2025, 6, 1)
HEADER = ["Full name", "Address", "City", "State", "ZIP"]
ADDRESS = ["1200 Calle Olvera Apt 4B", "Los Angeles", "CA", "90012"]

NAME_CHARS = st.characters(categories=("L", "M", "N", "P", "S", "Zs"), exclude_characters="\ufffd")
CP1252_CHARS = st.sampled_from(
    sorted(
        {
            c
            for b in range(0x20, 0x100)
            if (c := bytes([b]).decode("cp1252", errors="ignore"))
            and unicodedata.category(c)[0] in "LMNPSZ"
            and c != "\x7f"
        }
    )
)
FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def expected(name: str) -> str:
    return " ".join(unicodedata.normalize("NFC", name).split())


def read_name(rows: list[list[str]], **kwargs: object) -> str:
    with tempfile.TemporaryDirectory() as folder:
        path = write_sheet(Path(folder) / "c.csv", rows, **kwargs)  # type: ignore[arg-type]
        intake = read_clients(path, today=TODAY)
    assert intake.bad == [], intake.bad
    [client] = intake.clients
    return client.profile.name


@FAST
@given(
    name=st.text(NAME_CHARS, min_size=1, max_size=80).filter(lambda s: s.strip()),
    encoding=st.sampled_from(["utf-8", "utf-8-bom", "utf-16-le-bom", "utf-16-be"]),
    delimiter=st.sampled_from([",", ";", "\t"]),
)
def test_any_unicode_name_round_trips(name: str, encoding: str, delimiter: str) -> None:
    bom = encoding.endswith("-bom")
    rows = [HEADER, [name, *ADDRESS]]
    assert read_name(rows, encoding=encoding.removesuffix("-bom"), bom=bom, delimiter=delimiter) == expected(
        name
    )


@FAST
@given(
    first=st.text(CP1252_CHARS, min_size=1, max_size=40).filter(lambda s: s.strip()),
    last=st.text(CP1252_CHARS, min_size=1, max_size=40).filter(lambda s: s.strip()),
)
def test_cp1252_names_round_trip(first: str, last: str) -> None:
    rows = [["First name", "Last name(s)", *HEADER[1:]], [first, last, *ADDRESS]]
    # Bytes that are valid UTF-8 too ("Ã©") cannot be told apart from UTF-8; real names are not like that.
    try:
        f"{first}{last}".encode("cp1252").decode("utf-8")
        assume(f"{first}{last}".isascii())
    except UnicodeDecodeError:
        pass
    assert read_name(rows, encoding="cp1252", delimiter=";") == f"{expected(first)} {expected(last)}"


CELLS = st.one_of(
    st.sampled_from(
        [
            "",
            " ",
            "Ana",
            "García Márquez",
            "1 A St",
            "Denver",
            "CO",
            "Nueva York",
            "XX",
            "80204",
            "2134",
            "80204.0",
            "4/12/1988",
            "2/30/1988",
            "32245",
            '=HYPERLINK("x")',
            "+1",
            '"',
            "a,b",
            "a;b",
            "x\ny",
            "\ufffd",
        ]
    ),
    st.text(st.characters(exclude_categories=("Cc", "Cs")), max_size=12),
)


@settings(max_examples=120, deadline=None)
@given(rows=st.lists(st.lists(CELLS, max_size=8), max_size=25))
def test_every_row_is_accounted_for(rows: list[list[str]]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = write_sheet(Path(folder) / "c.csv", [HEADER, *rows])
        intake = read_clients(path, today=TODAY)
    assert intake.rows_read == len(rows)
    assert len(intake.clients) + len(intake.bad) + len(intake.identical_rows) + intake.blank_rows == len(rows)
    seen = sorted([c.row for c in intake.clients] + [b.row for b in intake.bad] + intake.identical_rows)
    assert len(seen) == len(set(seen))


@given(st.text(max_size=20))
def test_neutralised_cells_never_start_a_formula(cell: str) -> None:
    out = neutralise_cell(cell)
    assert out in (cell, "'" + cell)
    assert not out or out.lstrip(" \u00a0\u3000")[:1] not in set("=+-@\t\r\n＝＋－＠﹦﹢﹣﹫−")


BIRTHS = st.dates(min_value=dt.date(1930, 1, 1), max_value=dt.date(2024, 12, 31))


@st.composite
def written_date(draw: st.DrawFn, order: str, date: dt.date) -> str:
    """`date` written in `order` the many ways sheets do: 5/6/1975, 05-06-1975, 5.6.75."""
    sep = draw(st.sampled_from(["/", "-", "."]))
    pad = draw(st.booleans())
    short_year = draw(st.booleans())
    day = f"{date.day:02d}" if pad else str(date.day)
    month = f"{date.month:02d}" if pad else str(date.month)
    year = f"{date.year % 100:02d}" if short_year else str(date.year)
    return sep.join([day, month, year] if order == "dmy" else [month, day, year])


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data(), order=st.sampled_from(["dmy", "mdy"]), dates=st.lists(BIRTHS, min_size=1, max_size=8))
def test_dates_in_intake_a_day_first_or_month_first_column_is_read_one_way_or_sent_to_fix(
    data: st.DataObject, order: str, dates: list[dt.date]
) -> None:
    """Every row of a column written one way is either read as the date that was written, or
    sent to rows-to-fix as ambiguous: never read the other way round."""
    cells = [data.draw(written_date(order, d)) for d in dates]
    header = ["Full name", *HEADER[1:], "DOB"]
    rows = [[f"Person {i}", *ADDRESS, cell] for i, cell in enumerate(cells)]
    with tempfile.TemporaryDirectory() as folder:
        intake = read_clients(
            write_sheet(Path(folder) / "c.csv", [header, *rows]), today=dt.date(2026, 11, 25)
        )
    read_as = {c.row: c.profile.birth_date for c in intake.clients}
    bad = {b.row: b.reason for b in intake.bad}
    identical = set(intake.identical_rows)
    settled = any(d.day > 12 and d.day != d.month for d in dates)
    for index, date in enumerate(dates):
        sheet_row = index + 2
        if sheet_row in identical:
            continue
        if sheet_row in read_as:
            assert read_as[sheet_row] == date, (cells[index], order)
        else:
            assert "could be month first or day first" in bad[sheet_row]
            assert not settled  # a column with a day over 12 reads every row
