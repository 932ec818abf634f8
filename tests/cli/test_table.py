"""Plain tables for long listings: widths by display columns, cuts, control characters."""

from __future__ import annotations

from broker_audit.cli.render.table import Column, cell_width, clean, fit, format_table


def test_clean_removes_what_could_drive_a_terminal() -> None:
    assert clean("Acme\x1b]0;owned\x07 Data\x9b2J") == "Acme Data"
    assert clean("right\u202eto\u2066left\u2069") == "righttoleft"
    assert clean("two\nlines\tand\r\na tab") == "two lines and a tab"
    assert clean("Nguyễn Thị Minh Khai, 東京") == "Nguyễn Thị Minh Khai, 東京"


def test_display_width_counts_wide_and_combining_characters() -> None:
    assert cell_width("abc") == 3
    assert cell_width("東京") == 4
    assert cell_width("Nguye\u0302\u0303n") == 6  # decomposed: the marks take no column
    assert fit("東京都庁", 5) == "東京…"
    assert fit("Bench Broker 01", 8) == "Bench B…"
    assert fit("short", 8) == "short"


def test_columns_fit_their_widest_cell_and_align() -> None:
    lines = format_table([Column("id", right=True), Column("name")], [["7", "Acme"], ["1234", "Nguyễn Thị"]])
    assert lines == ["  id  name", "────  ──────────", "   7  Acme", "1234  Nguyễn Thị"]


def test_a_narrow_terminal_cuts_the_widest_shrinkable_column_first() -> None:
    columns = [Column("id", shrink=False), Column("name", min_width=6), Column("notes", min_width=6)]
    rows = [["lexisnexis-risk-solutions", "LexisNexis Risk Solutions", "x" * 60]]
    lines = format_table(columns, rows, width=60)
    assert all(cell_width(line) <= 60 for line in lines)
    assert lines[2].startswith("lexisnexis-risk-solutions  ")  # ids are never cut
    assert lines[2].endswith("\u2026")


def test_colour_only_when_asked() -> None:
    plain = format_table([Column("a")], [["x"]], styles=["bold red"])
    assert "\x1b" not in "".join(plain)
    coloured = format_table([Column("a")], [["x"]], styles=["bold red"], colour=True)
    assert coloured[2] == "\x1b[1m\x1b[31mx\x1b[0m"
