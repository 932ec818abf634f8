"""Duplicates: a second open request of the same kind to the same broker is not written without
being asked for, for a person (`request`) or a clinic's client (`bulk letters`)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from clijson import data
from cliutil import DEMO, ROOT, Runner

from broker_audit.services.resources import Resources

CLINIC = ROOT / "examples" / "clinic.toml"
HEADER = ["First Name", "Last Name", "Address", "City", "State", "ZIP", "DOB (MM/DD/YYYY)"]
ROWS = [
    ["Ana", "García", "123 Main St", "Denver", "CO", "80204", "4/12/1988"],
    ["Minh", "Nguyen", "45 Elm Rd", "Boulder", "CO", "80302", "1/31/1990"],
]


@pytest.fixture
def person(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cli: Runner) -> Path:
    monkeypatch.setenv("BROKER_AUDIT_VAULT", str(tmp_path / "v" / "vault.db"))
    monkeypatch.setenv("BROKER_AUDIT_PASSPHRASE", "correct horse battery staple")
    monkeypatch.setenv("BROKER_AUDIT_TODAY", "2026-11-25")
    assert cli(["init", "--passphrase", "--profile", str(DEMO)])[0] == 0
    code, _, err = cli(["request", "equifax", "experian", "--out", str(tmp_path / "l"), "--json"])
    assert code == 0, err
    return tmp_path


def test_duplicates_request_leaves_out_a_repeat_and_names_the_open_request(person: Path, cli: Runner) -> None:
    code, out, err = cli(["request", "equifax", "transunion", "--out", str(person / "l2"), "--json"])
    assert code == 0, err
    result = data(out)
    assert [x["broker"] for x in result["letters"]] == ["transunion"]
    (left_out,) = result["no_route"]
    assert left_out["broker"] == "equifax"
    assert left_out["reason"] == "an open access request to it exists: #1, dated 2026-11-25, is still drafted"
    assert "or write it again anyway: add --again" in left_out["advice"]
    # another kind to the same broker is not a repeat
    code, out, err = cli(["request", "equifax", "--kind", "delete", "--out", str(person / "l3"), "--json"])
    assert [x["kind"] for x in data(out)["letters"]] == ["delete"]


def test_duplicates_request_warns_and_without_a_terminal_leaves_it_out(person: Path, cli: Runner) -> None:
    code, out, err = cli(["request", "equifax", "--out", str(person / "l2")])
    assert code == 0
    assert "warning: an open access request to Equifax exists: #1, dated 2026-11-25, is still drafted" in err
    assert "no letter: Equifax (access): an open access request to it exists" in out


def test_duplicates_request_again_writes_it(person: Path, cli: Runner) -> None:
    code, out, err = cli(["request", "equifax", "--again", "--out", str(person / "l2"), "--json"])
    assert code == 0, err
    assert [x["id"] for x in data(out)["letters"]] == [3]


def test_duplicates_a_closed_request_is_no_repeat(person: Path, cli: Runner) -> None:
    assert cli(["mark", "1", "sent", "--via", "web-form"])[0] == 0  # Equifax's My Privacy form
    assert cli(["mark", "1", "fulfilled"])[0] == 0
    code, out, _ = cli(["request", "equifax", "--out", str(person / "l2"), "--json"])
    assert [x["broker"] for x in data(out)["letters"]] == ["equifax"]


def test_duplicates_request_service_asks_before_writing(person: Path) -> None:
    import datetime as dt
    import os

    from broker_audit.services.access import VaultAccess
    from broker_audit.services.letters import request_letters

    access = VaultAccess(
        path=Path(os.environ["BROKER_AUDIT_VAULT"]), passphrase=lambda: "correct horse battery staple"
    )
    asked: list[list] = []

    def ask(repeats: list) -> bool:
        asked.append(repeats)
        return True

    result = request_letters(
        access,
        ["equifax"],
        ["access"],
        out_dir=person / "l4",
        today=dt.date(2026, 11, 25),
        resources=Resources(),
        ask_again=ask,
    )
    assert [r.request_id for r in asked[0]] == [1]
    assert [x.broker_id for x in result.letters] == ["equifax"] and result.no_route == []


def _sheet(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows([HEADER, *rows])
    return path


def test_duplicates_a_clinic_batch_skips_open_pairs_and_lists_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cli: Runner
) -> None:
    """The issue: re-running a sheet with new rows wrote again to every old client."""
    monkeypatch.setenv("BROKER_AUDIT_VAULT", str(tmp_path / "v" / "vault.db"))
    monkeypatch.setenv("BROKER_AUDIT_PASSPHRASE", "correct horse battery staple")
    monkeypatch.setenv("BROKER_AUDIT_TODAY", "2026-11-25")
    # a dry run before the vault exists says it could not look
    first = _sheet(tmp_path / "first.csv", ROWS)
    code, out, err = cli(["bulk", "letters", str(first), "--brokers", "equifax", "--dry-run"])
    assert code == 0 and "were not looked for" in out
    assert cli(["init", "--passphrase", "--clinic", str(CLINIC)])[0] == 0
    args = ["--brokers", "equifax", "--workers", "1", "--json"]
    code, out, err = cli(["bulk", "letters", str(first), "--out", str(tmp_path / "b1"), *args])
    assert code == 0, err
    assert data(out)["letters"] == 2
    more = _sheet(
        tmp_path / "more.csv", [*ROWS, ["Sam", "Lee", "77 Oak St", "Denver", "CO", "80204", "2/3/1970"]]
    )
    code, out, err = cli(["bulk", "letters", str(more), "--dry-run", *args])
    dry = data(out)
    assert (dry["clients"], dry["letters"]) == (1, 1)  # only Sam is new
    assert [(r["row"], r["broker"], r["kind"], r["open_request"]) for r in dry["repeats_skipped"]] == [
        (2, "equifax", "access", 1),
        (3, "equifax", "access", 2),
    ]
    code, out, err = cli(["bulk", "letters", str(more), "--out", str(tmp_path / "b2"), *args])
    made = data(out)
    assert (made["clients"], made["letters"], made["first_request"]) == (1, 1, 3)
    assert len(made["repeats_skipped"]) == 2
    code, out, err = cli(["bulk", "letters", str(more), "--out", str(tmp_path / "b3"), "--again", *args])
    assert data(out)["letters"] == 3 and data(out)["repeats_skipped"] == []
