"""Interactive `init`: each answer is checked by the profile's own parsers (the same rules as a
profile file and the clinic intake), and a bad answer is asked again, not a crash."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from clijson import data
from cliutil import Runner

from broker_audit.errors import UserError
from broker_audit.profile import parse_birth_date, parse_state, parse_zip


def test_parsers() -> None:
    assert parse_state("colorado") == "CO" and parse_state(" co ") == "CO"
    with pytest.raises(UserError):
        parse_state("Narnia")
    assert parse_zip("80204", "CO") == "80204" and parse_zip("02134-1234", "MA") == "02134-1234"
    with pytest.raises(UserError, match="not in CO"):
        parse_zip("08020", "CO")
    with pytest.raises(UserError, match="5 digits"):
        parse_zip("8020", "CO")
    assert parse_birth_date("") is None
    assert parse_birth_date("1988-04-12", dt.date(2026, 1, 1)) == dt.date(1988, 4, 12)
    for bad in ("12/04/1988", "2030-01-01", "1850-01-01", "1988-02-30"):
        with pytest.raises(UserError):
            parse_birth_date(bad, dt.date(2026, 1, 1))


def test_interactive_init_asks_again(tmp_path: Path, cli: Runner, monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    import typer

    answers: Iterator[str] = iter(
        [
            "Ana Pérez",  # name
            "",  # other names
            "Narnia",  # state: refused, asked again
            "Colorado",
            "1 Main St",  # street
            "",  # apartment
            "Denver",  # city
            "CO",  # state of the address
            "8020",  # ZIP: refused (4 digits in CO)
            "08020",  # ZIP: refused (not a Colorado ZIP)
            "80202",
            "",  # email
            "",  # phone
            "04/12/1988",  # date: refused
            "1988-04-12",
        ]
    )
    monkeypatch.setattr(typer, "prompt", lambda *a, **k: next(answers))
    monkeypatch.setattr(typer, "confirm", lambda *a, **k: False)
    monkeypatch.setattr(sys.stdin, "isatty", lambda: True)
    monkeypatch.setenv("BROKER_AUDIT_VAULT", str(tmp_path / "v" / "vault.db"))
    monkeypatch.setenv("BROKER_AUDIT_PASSPHRASE", "correct horse battery staple")
    code, out, err = cli(["init", "--passphrase", "--json"])
    assert code == 0, err
    assert err.count("try again") == 4
    shown = data(cli(["profile", "show", "--json"])[1])
    assert shown["state"] == "CO" and shown["addresses"][0]["zip"] == "80202"
    assert shown["birth_date"] == "1988-04-12"
