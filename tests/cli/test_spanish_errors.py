"""The errors a Spanish reader really meets, in Spanish (issue 24, phase 3): the messages and
hints raised below the command line (files, the vault, the profile, TOML, the mail servers, the
services) go through the catalog when they are raised, so under `--lang es` each is one Spanish
line with a Spanish hint, and no English sentence (tests/english_output.py) is left in it."""

from __future__ import annotations

import re
import socket
import sqlite3
from pathlib import Path

import english_output
import pytest
from cliutil import DEMO, ROOT, Runner

PASS = "correct horse battery staple"
CLINIC = ROOT / "examples" / "clinic.toml"


@pytest.fixture(scope="module")
def exemptions() -> english_output.Exemptions:
    return english_output.exemptions({"Rosa Elena Martínez Ortega"})


@pytest.fixture
def person(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cli: Runner) -> Path:
    monkeypatch.setenv("BROKER_AUDIT_VAULT", str(tmp_path / "v" / "vault.db"))
    monkeypatch.setenv("BROKER_AUDIT_PASSPHRASE", PASS)
    monkeypatch.setenv("BROKER_AUDIT_TODAY", "2026-11-25")
    code, _, err = cli(["--lang", "es", "init", "--passphrase", "--profile", str(DEMO)])
    assert code == 0, err
    return tmp_path


def spanish_error(result: tuple[int, str, str], exemptions: english_output.Exemptions, *expected: str) -> str:
    """The error and its hint: Spanish words, no English sentence, no traceback."""
    code, out, err = result
    assert code != 0, err
    assert "error: " in err and "Traceback" not in err and "hint:" not in err, err
    for text in expected:
        assert text in err, (text, err)
    assert english_output.english_lines(out + err, exemptions) == [], err
    return err


def free_port() -> int:
    """A port on 127.0.0.1 nothing listens on (taken and let go)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_a_profile_file_with_a_bad_date(
    person: Path, cli: Runner, exemptions: english_output.Exemptions
) -> None:
    bad = person / "bad.toml"
    bad.write_text('name = "Ana Ruiz"\nstate = "CO"\nbirth_date = "12/04/1988"\n', encoding="utf-8")
    spanish_error(
        cli(["--lang", "es", "profile", "edit", "--from-file", str(bad)]),
        exemptions,
        "birth_date: no es una fecha: escríbala como AAAA-MM-DD",
        "sugerencia: vea las claves del perfil en README.md",
    )


def test_a_profile_file_with_a_bad_state(
    person: Path, cli: Runner, exemptions: english_output.Exemptions
) -> None:
    bad = person / "bad.toml"
    bad.write_text('name = "Ana Ruiz"\nstate = "XX"\n', encoding="utf-8")
    spanish_error(
        cli(["--lang", "es", "profile", "edit", "--from-file", str(bad)]),
        exemptions,
        "'XX' no es un código de estado de EE. UU.",
        "sugerencia: use dos letras, por ejemplo CO",
    )


def test_the_vault_in_use_by_another_process(
    person: Path, cli: Runner, monkeypatch: pytest.MonkeyPatch, exemptions: english_output.Exemptions
) -> None:
    from broker_audit.vault import store

    monkeypatch.setattr(store, "LOCK_WAIT_MS", 100)
    holder = sqlite3.connect(person / "v" / "vault.db", isolation_level=None)
    try:
        holder.execute("BEGIN IMMEDIATE")  # what another broker-audit writing holds
        spanish_error(
            cli(["--lang", "es", "profile", "edit", "--phone", "303-555-0100"]),
            exemptions,
            "otro broker-audit está usando la bóveda",
            "sugerencia: espere a que termine y vuelva a intentarlo",
        )
    finally:
        holder.execute("ROLLBACK")
        holder.close()


def test_a_letter_folder_through_a_file(
    person: Path, cli: Runner, exemptions: english_output.Exemptions
) -> None:
    (person / "afile").write_text("", encoding="utf-8")
    spanish_error(
        cli(["--lang", "es", "request", "equifax", "--out", str(person / "afile" / "x")]),
        exemptions,
        "parte de esa ruta es un archivo, no una carpeta",
        "sugerencia: revise la ruta; indique una carpeta que exista o que se pueda crear",
    )


def test_send_with_no_mailbox(person: Path, cli: Runner, exemptions: english_output.Exemptions) -> None:
    spanish_error(
        cli(["--lang", "es", "send"]),
        exemptions,
        "error: no hay ningún buzón configurado",
        "sugerencia: primero ejecute `broker-audit mail setup",
    )


def test_inbox_against_a_server_that_is_down(
    person: Path, cli: Runner, monkeypatch: pytest.MonkeyPatch, exemptions: english_output.Exemptions
) -> None:
    monkeypatch.setenv("BROKER_AUDIT_MAIL_PASSWORD", "app password")
    port = free_port()
    setup = [
        "--lang", "es", "mail", "setup", "--smtp-host", "127.0.0.1", "--smtp-port", str(port),
        "--smtp-user", "me@example.org", "--from", "me@example.org",
        "--imap-host", "127.0.0.1", "--imap-port", str(port),
    ]  # fmt: skip
    code, _, err = cli(setup)
    assert code == 0, err
    monkeypatch.setenv("BROKER_AUDIT_MAIL_PASSWORD", "app password")
    spanish_error(
        cli(["--lang", "es", "inbox"]),
        exemptions,
        f"no se puede conectar con el servidor IMAP 127.0.0.1:{port}",
        "sugerencia: revise el servidor, el puerto y su conexión, y vuelva a intentarlo",
    )


def test_a_records_campaign_asked_twice(
    person: Path, cli: Runner, exemptions: english_output.Exemptions
) -> None:
    code, _, err = cli(["--lang", "es", "cora", "--all", "co-sheriffs"])
    assert code == 0, err
    spanish_error(
        cli(["--lang", "es", "cora", "--all", "co-sheriffs"]),
        exemptions,
        "tiene una solicitud de registros públicos abierta: no se escribió ninguna carta",
        "sugerencia: `status --campaign ID` las muestra",
    )
    err = spanish_error(cli(["--lang", "es", "status", "--campaign", "C-nope"]), exemptions, "no hay campaña")
    assert "campañas: C-20261125-" in err


def test_a_drop_record_in_the_future(
    person: Path, cli: Runner, exemptions: english_output.Exemptions
) -> None:
    spanish_error(
        cli(["--lang", "es", "drop", "record", "--on", "2026-12-01", "--drop-id", "X1"]),
        exemptions,
        "2026-12-01 está en el futuro",
        "sugerencia: indique el día en que la presentó con --on",
    )


def test_a_clients_sheet_with_no_good_row(
    tmp_path: Path, cli: Runner, monkeypatch: pytest.MonkeyPatch, exemptions: english_output.Exemptions
) -> None:
    monkeypatch.setenv("BROKER_AUDIT_VAULT", str(tmp_path / "v" / "vault.db"))
    monkeypatch.setenv("BROKER_AUDIT_PASSPHRASE", PASS)
    monkeypatch.setenv("BROKER_AUDIT_TODAY", "2026-11-25")
    assert cli(["init", "--passphrase", "--clinic", str(CLINIC)])[0] == 0
    sheet = tmp_path / "clients.csv"
    sheet.write_text(
        "First name,Last name,Address,City,State,ZIP,Birth date\n"
        "Ana,Ruiz,1 Main St,Denver,ZZ,99999,31/31/1990\n",
        encoding="utf-8",
    )
    spanish_error(
        cli(
            [
                "--lang",
                "es",
                "bulk",
                "letters",
                str(sheet),
                "--brokers",
                "equifax",
                "--out",
                str(tmp_path / "b"),
            ]
        ),
        exemptions,
        "ninguna fila de clients.csv puede dar una carta",
        "no se escribió nada",
        "sugerencia: `bulk letters ... --dry-run` lista cada fila y lo que hay que corregir",
    )


def test_a_damaged_vault_record(person: Path, cli: Runner, exemptions: english_output.Exemptions) -> None:
    db = sqlite3.connect(person / "v" / "vault.db")
    with db:
        (sealed,) = db.execute("SELECT sealed FROM records WHERE n = 1").fetchone()
        db.execute("UPDATE records SET sealed = ? WHERE n = 1", (bytes([sealed[0] ^ 1]) + sealed[1:],))
    db.close()
    err = spanish_error(cli(["--lang", "es", "vault", "verify"]), exemptions, "bóveda")
    assert "restaure" in err or "respaldo" in err, err


def test_messages_raised_below_the_cli_follow_the_language() -> None:
    """The lower layers build their messages when they raise, in the language set then."""
    from broker_audit import i18n
    from broker_audit.errors import UserError
    from broker_audit.profile import parse_birth_date, parse_zip

    i18n.set_language("es")
    with pytest.raises(UserError) as caught:
        parse_birth_date("1988/04/12")
    assert caught.value.message == "escriba la fecha como AAAA-MM-DD, por ejemplo 1988-04-12"
    with pytest.raises(UserError) as caught:
        parse_zip("8020", "CO")
    assert caught.value.message == "un código postal (ZIP) tiene 5 dígitos, o es ZIP+4 como 80204-1234"
    i18n.set_language("en")
    with pytest.raises(UserError) as caught:
        parse_zip("8020", "CO")
    assert caught.value.message == "a ZIP code is 5 digits, or ZIP+4 like 80204-1234"


def test_a_campaign_export_in_spanish(person: Path, cli: Runner) -> None:
    """The findings table a Spanish reader exports: its title, note and headings are Spanish."""
    from pypdf import PdfReader

    code, _, err = cli(["--lang", "es", "cora", "--all", "co-sheriffs"])
    assert code == 0, err
    code, out, err = cli(["campaign", "list", "--json"])
    assert code == 0, err
    campaign_id = re.search(r"C-\d{8}-[0-9A-F]{6}", out).group(0)  # type: ignore[union-attr]
    code, _, err = cli(["--lang", "es", "campaign", "export", campaign_id, "--out", str(person / "x")])
    assert code == 0, err
    text = " ".join(
        page.extract_text() for page in PdfReader(person / "x" / f"{campaign_id}-findings.pdf").pages
    )
    text = " ".join(text.split())
    for words in (
        "Solicitudes de registros públicos, campaña",
        "Agencia",
        "Hallazgo",
        "Prueba",
        "Estado",
        "Página 1",
    ):
        assert words in text, (words, text[:400])
    for english in (
        "Records requests, campaign",
        "Each finding is",
        "by mail",
        "through a web form",
        "drafted",
    ):
        assert english not in text, english
