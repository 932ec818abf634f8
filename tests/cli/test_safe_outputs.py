"""Every file the tool writes is private (0600, new folders 0700), is never written through a
planted symbolic link, and a killed run's temporaries are cleaned by the next one (issue 12,
items 6, 8 and 10)."""

from __future__ import annotations

import csv
import os
import stat
from pathlib import Path

import pytest
from clijson import data
from cliutil import DEMO, ROOT, Runner

PASS = "correct horse battery staple"
TODAY = "2026-11-25"
CLINIC = ROOT / "examples" / "clinic.toml"


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.lstat().st_mode)


@pytest.fixture
def person(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cli: Runner) -> Path:
    monkeypatch.setenv("BROKER_AUDIT_VAULT", str(tmp_path / "v" / "vault.db"))
    monkeypatch.setenv("BROKER_AUDIT_PASSPHRASE", PASS)
    monkeypatch.setenv("BROKER_AUDIT_TODAY", TODAY)
    assert cli(["init", "--passphrase", "--profile", str(DEMO)])[0] == 0
    return tmp_path


@pytest.fixture
def clinic(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cli: Runner) -> Path:
    monkeypatch.setenv("BROKER_AUDIT_VAULT", str(tmp_path / "v" / "vault.db"))
    monkeypatch.setenv("BROKER_AUDIT_PASSPHRASE", PASS)
    monkeypatch.setenv("BROKER_AUDIT_TODAY", TODAY)
    assert cli(["init", "--passphrase", "--clinic", str(CLINIC)])[0] == 0
    sheet = tmp_path / "clients.csv"
    with sheet.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(
            [
                ["First Name", "Last Name", "Street Address", "City", "State", "ZIP Code", "DOB"],
                ["María", "Núñez", "1550 Calle Ñandú", "Denver", "CO", "80204", "1988-04-12"],
                ["", "", "", "Denver", "CO", "80204", ""],  # a row to fix
            ]
        )
    return sheet


@pytest.fixture
def victim(tmp_path: Path) -> Path:
    path = tmp_path / "victim.txt"
    path.write_text("precious")
    return path


def _no_clobber(code: int, out: str, err: str, victim: Path) -> None:
    assert code == 1, (out, err)
    assert "symbolic link" in err and "unexpected" not in err
    assert victim.read_text() == "precious"


# --------------------------------------------------------------------------- modes


def test_letters_in_every_format_are_0600_in_a_0700_folder(
    person: Path, cli: Runner, monkeypatch: pytest.MonkeyPatch
) -> None:
    os.umask(0o000)  # the most careless umask; restored by the finally below
    try:
        out = person / "new" / "letters"
        code, stdout, err = cli(
            ["request", "lexisnexis", "--out", str(out), "--format", "pdf,txt,eml,html", "--json"]
        )
    finally:
        os.umask(0o022)
    assert code == 0, err
    written = [Path(f) for f in data(stdout)["letters"][0]["files"]]
    # the letter in the four formats asked for, and beside it the sheet for LexisNexis's portal in
    # those that fit a sheet (no .eml: a web form is not e-mailed)
    assert sorted(p.suffix for p in written) == [".eml", ".html", ".html", ".pdf", ".pdf", ".txt", ".txt"]
    for path in written:
        assert _mode(path) == 0o600, path.name
    assert _mode(out) == 0o700 and _mode(out.parent) == 0o700
    assert sorted(p.name for p in out.iterdir()) == sorted(p.name for p in written)


def test_audit_html_and_followup_letters_are_0600(person: Path, cli: Runner) -> None:
    report = person / "audit.html"
    code, _, err = cli(["audit", "--html", str(report), "--json", "--answer", "booked_in_jail=no"])
    assert code == 0, err
    assert _mode(report) == 0o600


def test_every_batch_output_is_0600(clinic: Path, tmp_path: Path, cli: Runner) -> None:
    out = tmp_path / "batch"
    args = ["bulk", "letters", str(clinic), "--brokers", "experian", "--out", str(out), "--workers", "1"]
    code, stdout, err = cli([*args, "--json"])
    assert code == 0, err
    written = [Path(f) for f in data(stdout)["files"]]
    batch = data(stdout)["batch"]
    assert sorted(p.name.removeprefix(batch) for p in written) == [
        "-certified-mail.csv",
        "-certified-mail.pdf",
        "-labels.pdf",
        "-rows-to-fix.csv",
        ".pdf",
    ]
    for path in written:
        assert _mode(path) == 0o600, path.name
    assert [p.name for p in out.iterdir() if p.name.startswith(".")] == []
    csv_file, ics_file = tmp_path / "status.csv", tmp_path / "due.ics"
    code, _, err = cli(["bulk", "status", "--csv", str(csv_file), "--ics", str(ics_file)])
    assert code == 0, err
    assert _mode(csv_file) == 0o600 and _mode(ics_file) == 0o600


def test_split_batch_gives_0600_pdfs_in_a_0700_folder(clinic: Path, tmp_path: Path, cli: Runner) -> None:
    out = tmp_path / "batch"
    code, stdout, err = cli(
        ["bulk", "letters", str(clinic), "--brokers", "experian", "--split", "--out", str(out), "--json"]
    )
    assert code == 0, err
    pdfs = [Path(f) for f in data(stdout)["files"] if f.endswith(".pdf")]
    client_pdf = next(p for p in pdfs if p.parent != out)
    assert _mode(client_pdf) == 0o600 and _mode(client_pdf.parent) == 0o700


def test_a_vault_copied_back_0644_is_made_private_again(person: Path, cli: Runner) -> None:
    vault = person / "v" / "vault.db"
    vault.chmod(0o644)
    assert cli(["status", "--json"])[0] == 0
    assert _mode(vault) == 0o600


# --------------------------------------------------------------------------- links


def test_request_refuses_a_planted_link_for_each_letter_format(
    person: Path, cli: Runner, victim: Path
) -> None:
    out = person / "letters"
    out.mkdir()
    for fmt in ("txt", "eml", "html", "pdf"):
        # the next request id is 1: letters are named DATE-BROKER-KIND-ID.FORMAT
        link = out / f"{TODAY}-lexisnexis-risk-solutions-access-1.{fmt}"
        link.symlink_to(victim)
        code, out_text, err = cli(["request", "lexisnexis", "--out", str(out), "--format", fmt])
        _no_clobber(code, out_text, err, victim)
        link.unlink()
    assert list(out.iterdir()) == []
    assert data(cli(["status", "--json"])[1]) == []  # nothing logged either


def test_bulk_status_and_audit_refuse_planted_links(
    person: Path, cli: Runner, victim: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for option, name in (("--csv", "status.csv"), ("--ics", "due.ics")):
        link = person / name
        link.symlink_to(victim)
        _no_clobber(*cli(["bulk", "status", option, str(link)]), victim)
    link = person / "audit.html"
    link.symlink_to(victim)
    _no_clobber(*cli(["audit", "--html", str(link), "--answer", "booked_in_jail=no"]), victim)


def test_registry_import_refuses_a_planted_link(person: Path, cli: Runner, victim: Path) -> None:
    link = person / "brokers.imported.json"
    link.symlink_to(victim)
    sample = ROOT / "tests" / "fixtures" / "registries" / "vt-sos-sample.csv"
    _no_clobber(*cli(["registry", "import", "--source", "vt", str(sample), "--into", str(link)]), victim)


# --------------------------------------------------------------------------- leftovers


def test_temporaries_of_a_killed_run_are_cleaned_by_the_next_run(person: Path, cli: Runner) -> None:
    out = person / "letters"
    out.mkdir()
    part = out / ".2026-11-25-x-access-1.pdf.ba-0123456789ab.part"
    part.write_bytes(b"%PDF a client's letter")
    chunks = out / ".B-1.pdf.ba-0123456789ab.chunks"
    chunks.mkdir()
    (chunks / "1.pdf").write_bytes(b"%PDF letters")
    from broker_audit import files

    files._cleaned.clear()
    code, _, err = cli(["request", "lexisnexis", "--out", str(out), "--format", "txt"])
    assert code == 0, err
    assert not part.exists() and not chunks.exists()
