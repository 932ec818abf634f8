"""A community clinic's volunteer, start to finish, in Spanish: what the QA pass found wrong.

The clinic (examples/clinic.toml) sends its clients' e-mails from privacy-desk@example.org;
its clients here are María (Colorado, with an e-mail) and Fatima (California, no e-mail)."""

from __future__ import annotations

import csv
import email.policy
from email.parser import BytesParser
from pathlib import Path

import pytest
from clijson import data
from cliutil import PASSPHRASE, ROOT, Runner

CLINIC = ROOT / "examples" / "clinic.toml"
CLINIC_NAME = "Centro de Derechos Example Clinic"
CLINIC_MAILBOX = "privacy-desk@example.org"  # `email` in examples/clinic.toml

ROWS = [
    ["Nombre", "Apellidos", "Dirección", "Ciudad", "Estado", "Código postal", "Fecha de nacimiento",
     "Teléfono", "Correo electrónico", "Idioma"],
    ["María José", "Núñez García", "1550 Calle Ñandú Apt 4B", "Denver", "CO", "80204", "14/04/1988",
     "(303) 555-0147", "maria.nunez@example.org", "es"],
    ["Fatima", "Ahmed", "44 Oak Rd", "Los Angeles", "CA", "90012", "25/07/1992", "", "", "es"],
]  # fmt: skip


@pytest.fixture
def sheet(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cli: Runner) -> Path:
    """A clinic vault (BROKER_AUDIT_TODAY 2026-12-07) and its Excel-style sheet (BOM, semicolons)."""
    monkeypatch.setenv("BROKER_AUDIT_VAULT", str(tmp_path / "v" / "vault.db"))
    monkeypatch.setenv("BROKER_AUDIT_PASSPHRASE", PASSPHRASE)
    monkeypatch.setenv("BROKER_AUDIT_TODAY", "2026-12-07")
    assert cli(["init", "--passphrase", "--clinic", str(CLINIC)])[0] == 0
    path = tmp_path / "clientes.csv"
    with path.open("w", newline="", encoding="utf-8-sig") as handle:
        csv.writer(handle, delimiter=";", lineterminator="\r\n").writerows(ROWS)
    return path


def _batch(cli: Runner, sheet: Path, out: Path, brokers: str) -> dict[int, str]:
    """`bulk letters` of access requests to `brokers`; {request id: client name}."""
    code, stdout, err = cli(
        ["bulk", "letters", str(sheet), "--brokers", brokers, "--kind", "access", "--out", str(out),
         "--workers", "1", "--json"]
    )  # fmt: skip
    assert code == 0, err
    batch = data(stdout)["batch"]
    rows = data(cli(["bulk", "status", "--batch", batch, "--json"])[1])
    return {row["request_id"]: row["client_name"] for row in rows}


def _message(path: Path) -> email.message.EmailMessage:
    return BytesParser(policy=email.policy.default).parsebytes(path.read_bytes())  # type: ignore[return-value]


def test_a_clinic_clients_follow_up_email_comes_from_the_clinic_and_is_on_the_clients_dashboard(
    sheet: Path, tmp_path: Path, cli: Runner, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The batch e-mailed Venntel from the clinic's mailbox, saying the clinic sends it at María's
    request. The follow-up e-mail was From: María's own address (a mailbox the clinic cannot send
    from, and an address the answer should not go to), without a word of who sends it; and it was
    not filed under María, so `bulk status` never showed it."""
    made = _batch(cli, sheet, tmp_path / "batch", "venntel")
    maria = next(i for i, name in made.items() if name == "María José Núñez García")
    assert cli(["mark", str(maria), "sent", "--via", "email", "--on", "2026-12-07"])[0] == 0
    monkeypatch.setenv("BROKER_AUDIT_TODAY", "2027-02-01")  # 45 days (C.R.S. 6-1-1306(2)(a)) are past
    code, out, err = cli(["followup", str(maria), "--out", str(tmp_path / "fu"), "--json"])
    assert code == 0, err
    (letter,) = data(out)["letters"]
    eml = next(Path(f) for f in letter["files"] if f.endswith(".eml"))
    msg = _message(eml)
    assert msg["From"].addresses[0].addr_spec == CLINIC_MAILBOX
    assert msg["Reply-To"] == CLINIC_MAILBOX
    body = " ".join(msg.get_body(preferencelist=("plain",)).get_content().split())
    assert body.startswith(f"{CLINIC_NAME} sends this e-mail at the request of María José Núñez García")
    assert [a.get_filename() for a in msg.iter_attachments()] == [
        f"timeline-{data(cli(['show', str(maria), '--json'])[1])['reference']}.pdf"
    ]
    rows = data(cli(["bulk", "status", "--json"])[1])
    followup = next(r for r in rows if r["request_id"] == letter["id"])
    assert followup["client_name"] == "María José Núñez García"
    assert followup["kind"] == "followup"


def test_a_clinic_clients_letter_written_again_still_sends_the_answers_to_the_clinic(
    sheet: Path, tmp_path: Path, cli: Runner
) -> None:
    """The batch's letters to LexisNexis (it sells to immigration enforcement) give no home
    address: answers go to the clinic. `resend --via web-form` planned the letter without the
    clinic: María's answers went to her e-mail alone, and Fatima, who has no e-mail, was refused
    with a hint to edit "your profile" (the vault's profile is the clinic's)."""
    made = _batch(cli, sheet, tmp_path / "batch", "lexisnexis")
    for request, name in made.items():
        assert data(cli(["show", str(request), "--json"])[1])["disclosed"]["reply"] == "clinic"
        code, out, err = cli(
            ["resend", str(request), "--via", "web-form", "--out", str(tmp_path / "r"), "--json"]
        )
        assert code == 0, (name, err)
        again = data(out)["letters"][0]["id"]
        shown = data(cli(["show", str(again), "--json"])[1])
        assert shown["disclosed"]["reply"] == "clinic", name
        assert "current-address" not in shown["disclosed"]["given"]
        assert shown["disclosed"]["summary"].endswith(f"answers go to {CLINIC_NAME}")


def test_an_emailed_letter_that_says_answer_to_the_address_above_has_that_address_above(
    sheet: Path, tmp_path: Path, cli: Runner
) -> None:
    """The batch's e-mails to Venntel asked to "send your answer to my postal address above", but
    an .eml carried no address at all (the letterhead was left out): the broker had nowhere to
    write. The e-mail now opens with the letter's return address: the client care of the clinic
    (examples/clinic.toml), never the client's home (Venntel sells to immigration enforcement)."""
    out = tmp_path / "batch"
    _batch(cli, sheet, out, "venntel")
    emails = sorted(out.glob("*-email/*.eml"))
    assert len(emails) == 2  # María and Fatima, each an access request
    for path in emails:
        text = _message(path).get_body(preferencelist=("plain",)).get_content()
        said = text.index("address above")
        for line in (f"c/o {CLINIC_NAME}", "100 Example Avenue, Suite 2", "Denver, CO 80205"):
            assert -1 < text.find(line) < said, (path.name, line)
        assert "1550 Calle" not in text and "44 Oak Rd" not in text and "555-0147" not in text


def test_in_spanish_bulk_mark_and_followup_name_a_requests_state_in_spanish(
    sheet: Path, tmp_path: Path, cli: Runner
) -> None:
    """`bulk mark ... delivered` run twice listed each letter left alone as "está delivered", and
    `followup ID` of a request not yet due said "(sent, vence ...)": the state's English id in a
    Spanish sentence. They now say "está entregada" and "(enviada, vence ...)"."""
    made = _batch(cli, sheet, tmp_path / "batch", "lexisnexis")  # both letters go by mail
    batch = next(r["batch_id"] for r in data(cli(["bulk", "status", "--json"])[1]))
    assert cli(["bulk", "mark", batch, "sent", "--via", "mail"])[0] == 0
    assert cli(["bulk", "mark", batch, "delivered"])[0] == 0
    code, out, err = cli(["--lang", "es", "bulk", "mark", batch, "delivered"])
    assert code == 0, err
    assert f"n.º {min(made)} se dejó como estaba: está entregada" in err
    assert "delivered" not in err
    code, out, err = cli(["--lang", "es", "followup", str(min(made)), "--out", str(tmp_path / "f")])
    assert code == 0, err
    # delivered 2026-12-07: 45 days (C.R.S. 6-1-1306(2)(a)) run to 2027-01-21
    assert "todavía no hay nada que enviar (entregada, vence 2027-01-21)" in out + err


def test_the_spanish_due_date_calendar_says_each_date_and_estimate_in_spanish(
    sheet: Path, tmp_path: Path, cli: Runner
) -> None:
    """`bulk status --ics` in Spanish named each event "Due (estimate): venntel access (solicitud
    #1, ...)": whether the date is an estimate was said only in English, and the kind by its id.
    A web form's receipt is not recorded, so its date is an estimate: "Vence (fecha estimada)"."""
    from icalendar import Calendar

    made = _batch(cli, sheet, tmp_path / "batch", "equifax")  # Equifax takes requests on its web form
    for request in made:
        assert cli(["mark", str(request), "sent", "--via", "web-form", "--on", "2026-12-07"])[0] == 0
    ics = tmp_path / "vence.ics"
    code, out, err = cli(["--lang", "es", "bulk", "status", "--ics", str(ics)])
    assert code == 0, err
    calendar = Calendar.from_ical(ics.read_bytes())
    assert str(calendar["X-WR-CALNAME"]) == "broker-audit: fechas de vencimiento"
    summaries = sorted(str(event["SUMMARY"]) for event in calendar.walk("VEVENT"))
    assert len(summaries) == 2
    for summary in summaries:
        assert summary.startswith("Vence (fecha estimada): equifax acceso (solicitud #"), summary
        assert "Due" not in summary and "estimate)" not in summary


def test_a_spanish_follow_up_says_why_it_keeps_the_home_back_in_spanish(
    sheet: Path, tmp_path: Path, cli: Runner, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A follow-up tells no more than its request; in Spanish the line before it said why in
    English: "No se le dice: ... (as in the request it follows (it sells to immigration
    enforcement); agregue uno ...)". `show` of the follow-up said the same."""
    made = _batch(cli, sheet, tmp_path / "batch", "lexisnexis")
    maria = next(i for i, name in made.items() if name == "María José Núñez García")
    assert cli(["mark", str(maria), "sent", "--via", "mail", "--on", "2026-12-07"])[0] == 0
    monkeypatch.setenv("BROKER_AUDIT_TODAY", "2027-02-01")  # 45 days (C.R.S. 6-1-1306(2)(a)) are past
    code, out, err = cli(["--lang", "es", "followup", str(maria), "--out", str(tmp_path / "fu")])
    assert code == 0, err
    why = "como en la solicitud a la que sigue: vende datos al control migratorio"
    assert why in out, out
    assert "as in the request" not in out + err
    followup = max(r["request_id"] for r in data(cli(["bulk", "status", "--json"])[1]))
    code, shown, err = cli(["--lang", "es", "show", str(followup)])
    assert code == 0, err
    assert why in " ".join(shown.split()) and "as in the request" not in shown


def test_a_batch_requests_complaint_packet_has_its_email_or_says_where_its_letter_is(
    sheet: Path, tmp_path: Path, cli: Runner, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`evidence ID` of a batch request wrote a packet whose timeline says "Enclosed: copies of
    the letter" with no letter in it and no word of that: a batch request records no files of its
    own. Its .eml (Venntel's route) is now copied; a mailed letter, printed in the batch's shared
    PDF with other clients' letters, is named as not copied, with where it is."""
    made = _batch(cli, sheet, tmp_path / "batch", "venntel,lexisnexis")
    monkeypatch.setenv("BROKER_AUDIT_TODAY", "2027-02-01")
    by_broker = {}
    for request, name in made.items():
        if name == "María José Núñez García":
            by_broker[data(cli(["show", str(request), "--json"])[1])["broker"]] = request
    emailed, mailed = by_broker["venntel"], by_broker["lexisnexis-risk-solutions"]

    code, out, err = cli(["evidence", str(emailed), "--out", str(tmp_path / "e1")])
    assert code == 0, err
    (copy,) = (tmp_path / "e1").glob(f"letter-{emailed}-*.eml")
    assert _message(copy)["To"] == "privacy@venntel.com"
    assert "not copied" not in err

    code, out, err = cli(["--lang", "es", "evidence", str(mailed), "--out", str(tmp_path / "e2")])
    assert code == 0, err
    assert not list((tmp_path / "e2").glob("letter-*"))
    said = " ".join(err.split())
    assert f"no se copió: la carta de la n.º {mailed} está en el PDF del lote" in said, said
    assert str(tmp_path / "batch") in said


def test_in_spanish_a_file_error_names_the_file_in_spanish(sheet: Path, tmp_path: Path, cli: Runner) -> None:
    """A misspelt spreadsheet name in Spanish said "revise la ruta de: spreadsheet", and a calendar
    whose folder is a file "(carpeta de: calendar) existe y no es una carpeta": the file's kind was
    looked up in the catalog but never put in it. Every kind of file named to a reader now is."""
    code, out, err = cli(
        ["--lang", "es", "bulk", "letters", str(tmp_path / "clientes.cvs"), "--preset", "ice-linked"]
    )
    assert code == 1
    assert "sugerencia: revise la ruta de: hoja de cálculo" in err
    assert "spreadsheet" not in err
    blocker = tmp_path / "un-archivo"
    blocker.write_text("")
    _batch(cli, sheet, tmp_path / "batch", "lexisnexis")
    code, out, err = cli(["--lang", "es", "bulk", "status", "--ics", str(blocker / "vence.ics")])
    assert code == 1
    assert "(carpeta de: calendario) existe y no es una carpeta" in err, err
    assert "calendar)" not in err


def test_a_batch_refused_before_any_letter_shows_no_progress_bar_and_names_the_preset_in_spanish(
    sheet: Path, tmp_path: Path, cli: Runner
) -> None:
    """A batch refused before it wrote anything (a misspelt preset) printed "Escribiendo cartas
    ━━━ 0/?" above the error, as if letters were being written, and the error itself was English:
    "unknown preset 'ice'", "known presets: ...". No bar now, and the error is Spanish."""
    code, out, err = cli(
        ["--lang", "es", "bulk", "letters", str(sheet), "--preset", "ice", "--out", str(tmp_path / "b")]
    )
    assert code == 1
    assert "Escribiendo cartas" not in err and "Writing letters" not in err
    assert "error: no existe el conjunto 'ice'" in err
    assert "sugerencia: los conjuntos son: ice-linked, people-search, consumer-reporting" in err
    assert not (tmp_path / "b").exists()


def test_a_spanish_readers_packet_has_the_authorization_she_signs_in_spanish_too(
    sheet: Path, tmp_path: Path, cli: Runner
) -> None:
    """With --agent, María's packet (her sheet says "es") held the page she must sign, "Authorization
    of an agent to make a privacy request", in English only, with nothing in Spanish saying what
    she signs. Each authorization is now followed by its Spanish reading copy (a translation, not
    for signing); Fatima's too (her sheet says "es" as well)."""
    from pypdf import PdfReader

    out = tmp_path / "batch"
    code, stdout, err = cli(
        ["bulk", "letters", str(sheet), "--brokers", "venntel", "--kind", "opt-out", "--agent",
         "--out", str(out), "--workers", "1", "--json"]
    )  # fmt: skip
    assert code == 0, err
    batch = data(stdout)["batch"]
    text = " ".join(
        " ".join((page.extract_text() or "").split()) for page in PdfReader(out / f"{batch}.pdf").pages
    )
    # Colorado lets an agent opt a consumer out (C.R.S. 6-1-1306(1)(a)(II)); California too
    # (Cal. Civ. Code 1798.135(e)): one authorization per client, each with its reading copy
    assert text.count("Authorization of an agent to make a privacy request") == 2
    assert (
        text.count("Copia de lectura: Autorización a un agente para hacer una solicitud de privacidad") == 2
    )
    assert "Yo, María José Núñez García" in text and "autorizo a Centro de Derechos Example Clinic" in text


def test_in_spanish_what_is_wrong_with_a_row_or_the_file_is_said_in_spanish(
    sheet: Path, tmp_path: Path, cli: Runner
) -> None:
    """The volunteer works in Spanish; the spreadsheet checks spoke English inside Spanish
    sentences: "el código postal (columna 'CP'): has fewer than 5 digits, and CO ZIP codes do
    not start with 0", and a workbook saved as .xlsx was refused with "is an Excel or
    LibreOffice workbook" and Excel's English menus."""
    rows = [["Nombre completo", "Dirección", "Ciudad", "Estado", "CP", "Teléfono"],
            ["Luis Ortega", "7 Calle Luna", "Pueblo", "CO", "8100", "3.03E+09"]]  # fmt: skip
    short = tmp_path / "cp.csv"
    with short.open("w", newline="", encoding="utf-8-sig") as handle:
        csv.writer(handle, delimiter=";").writerows(rows)
    code, out, err = cli(
        ["--lang", "es", "bulk", "letters", str(short), "--preset", "ice-linked", "--dry-run"]
    )
    assert code == 0, err
    said = " ".join(out.replace("│", " ").split())  # the table's cell, its lines joined
    # a Colorado ZIP has 5 digits and starts with 8: 8100 lost no leading zero, it lost a digit
    assert "tiene menos de 5 dígitos, y los códigos postales de CO no empiezan con 0" in said, said
    assert "has fewer than" not in said

    workbook = tmp_path / "clientes.xlsx"
    workbook.write_bytes(b"PK\x03\x04" + bytes(200))
    code, out, err = cli(["--lang", "es", "bulk", "letters", str(workbook), "--preset", "ice-linked"])
    assert code == 1
    said = " ".join(err.split())
    assert "es un libro de Excel o LibreOffice (.xlsx/.ods), no un archivo CSV" in said
    assert "Archivo > Guardar como > 'CSV UTF-8 (delimitado por comas)'" in said


def test_the_spanish_dry_run_says_where_answers_go_in_good_spanish(sheet: Path, cli: Runner) -> None:
    """Letters to people-search sites that do not sell to government give the client's home, and
    the answers go there; the Spanish dry run said "las respuestas van a el domicilio del
    cliente" (Spanish contracts "a el" to "al")."""
    code, out, err = cli(
        ["--lang", "es", "bulk", "letters", str(sheet), "--brokers", "whitepages", "--dry-run"]
    )
    assert code == 0, err
    said = " ".join(err.split())  # what the letters tell is said on stderr, before the rows
    assert "las respuestas van al domicilio del cliente" in said, said
    assert " a el " not in said


def test_a_second_spanish_followup_run_names_the_drafted_letter_in_spanish(
    sheet: Path, tmp_path: Path, cli: Runner, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Run twice, `followup` skips a request whose follow-up is already drafted; in Spanish it said
    "ya hay un borrador de followup como #3": the kind's id and an English "#"."""
    made = _batch(cli, sheet, tmp_path / "batch", "lexisnexis")
    first = min(made)
    assert cli(["mark", str(first), "sent", "--via", "mail", "--on", "2026-12-07"])[0] == 0
    monkeypatch.setenv("BROKER_AUDIT_TODAY", "2027-02-01")  # 45 days (C.R.S. 6-1-1306(2)(a)) are past
    code, out, err = cli(["followup", str(first), "--out", str(tmp_path / "f1"), "--json"])
    assert code == 0, err
    drafted = data(out)["letters"][0]["id"]
    code, out, err = cli(["--lang", "es", "followup", str(first), "--out", str(tmp_path / "f2")])
    assert code == 0, err
    assert f"n.º {first}: se omitió, ya hay un borrador de seguimiento: la n.º {drafted}" in out + err
    assert "followup" not in out + err


def test_followup_that_skips_a_late_request_does_not_say_nothing_is_late(
    sheet: Path, tmp_path: Path, cli: Runner, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The second run skipped the late request (its follow-up is already drafted) and then said
    "Nothing is late or refused: no letter to write.": untrue, the request is 11 days late
    (sent 2026-12-07, 45 days under C.R.S. 6-1-1306(2)(a): due 2027-01-21)."""
    made = _batch(cli, sheet, tmp_path / "batch", "lexisnexis")
    first = min(made)
    assert cli(["mark", str(first), "sent", "--via", "mail", "--on", "2026-12-07"])[0] == 0
    monkeypatch.setenv("BROKER_AUDIT_TODAY", "2027-02-01")
    assert cli(["followup", str(first), "--out", str(tmp_path / "f1")])[0] == 0
    code, out, err = cli(["followup", "--out", str(tmp_path / "f2")])
    assert code == 0, err
    assert f"#{first}: skipped, a followup is already drafted" in err
    assert "Nothing is late" not in out
    assert "No new letter to write: each request above was skipped for the reason given." in out


def test_a_letter_under_no_state_law_is_not_listed_as_none(
    sheet: Path, tmp_path: Path, cli: Runner, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Wyoming has no consumer privacy law (laws.toml: "none"); the follow-up's line in Spanish
    read "n.º 3 LexisNexis Risk Solutions (seguimiento, none, sobre la n.º 1)"."""
    wyoming = tmp_path / "wy.csv"
    with wyoming.open("w", newline="", encoding="utf-8-sig") as handle:
        csv.writer(handle).writerows(
            [ROWS[0], ["Juan", "Soto", "8 Oak Ave", "Cheyenne", "WY", "82001", "30/06/1970", "", "", "es"]]
        )
    made = _batch(cli, wyoming, tmp_path / "batch", "lexisnexis")
    first = min(made)
    assert cli(["mark", str(first), "sent", "--via", "mail", "--on", "2026-12-07"])[0] == 0
    monkeypatch.setenv("BROKER_AUDIT_TODAY", "2027-02-01")  # past the 45 days the letter asks for
    code, out, err = cli(["--lang", "es", "followup", str(first), "--out", str(tmp_path / "f")])
    assert code == 0, err
    line = next(ln for ln in out.splitlines() if "LexisNexis Risk Solutions (seguimiento" in ln)
    assert f"(seguimiento, sin ley estatal de privacidad, sobre la n.º {first})" in line, line


def test_the_dashboard_by_broker_shows_whole_broker_ids_in_80_columns(
    sheet: Path, tmp_path: Path, cli: Runner, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`bulk status --by broker` in a terminal of 80 columns cut the broker ids short: "equifax…"
    could be Equifax or Equifax Workforce Solutions. A long id now wraps onto the next line."""
    monkeypatch.setenv("COLUMNS", "80")
    _batch(cli, sheet, tmp_path / "batch", "equifax,equifax-workforce-solutions")
    code, out, err = cli(["--lang", "es", "bulk", "status", "--by", "broker"])
    assert code == 0, err
    rows = [line.split("│")[1].strip() for line in out.splitlines() if line.startswith("│")]
    assert "".join(rows) == "equifax" + "equifax-workforce-solutions", out  # the first column, read down


def test_a_batch_with_nothing_new_counts_one_letter_and_one_row_in_the_singular(
    sheet: Path, tmp_path: Path, cli: Runner
) -> None:
    """Run again on a sheet of one client, a batch whose one letter repeats an open request said
    "(1 letters)"; a sheet whose one row cannot make a letter said "(1 rows to fix)"."""
    one = tmp_path / "una.csv"
    with one.open("w", newline="", encoding="utf-8-sig") as handle:
        csv.writer(handle).writerows(ROWS[:2])  # the header and María
    _batch(cli, one, tmp_path / "b1", "venntel")
    code, out, err = cli(["bulk", "letters", str(one), "--brokers", "venntel", "--out", str(tmp_path / "b2")])
    assert code == 1
    assert "every letter of this batch repeats an open request (1 letter): nothing written" in err
    code, out, err = cli(
        ["--lang", "es", "bulk", "letters", str(one), "--brokers", "venntel", "--out", str(tmp_path / "b2")]
    )
    assert "cada carta de este lote repite una solicitud abierta (1 carta): no se escribió nada" in err

    bad = tmp_path / "mala.csv"
    with bad.open("w", newline="", encoding="utf-8-sig") as handle:
        csv.writer(handle).writerows(
            [ROWS[0], ["Ana", "López", "", "Denver", "CO", "80204", "", "", "", "es"]]
        )
    code, out, err = cli(["bulk", "letters", str(bad), "--brokers", "venntel", "--out", str(tmp_path / "b3")])
    assert code == 1
    assert "no row of mala.csv can make a letter (1 row to fix): nothing written" in err


def test_the_bulk_commands_refuse_a_bad_option_value_in_spanish(sheet: Path, cli: Runner) -> None:
    """In Spanish, `bulk letters --lang fr` hinted "languages: en, es", `--workers 99` said
    "--workers must be between 1 and ...", and `bulk status --by cliente` said "group by client
    or broker": English in a Spanish error."""
    code, out, err = cli(
        ["--lang", "es", "bulk", "letters", str(sheet), "--brokers", "venntel", "--lang", "fr"]
    )
    assert code == 1
    assert "sugerencia: idiomas: en, es" in err, err
    code, out, err = cli(
        ["--lang", "es", "bulk", "letters", str(sheet), "--brokers", "venntel", "--workers", "999"]
    )
    assert code == 1
    assert "error: --workers debe estar entre 1 y" in err, err
    code, out, err = cli(["--lang", "es", "bulk", "status", "--by", "cliente"])
    assert code == 1
    assert "error: --by cliente: agrupe por cliente o por corredor de datos" in err, err


def test_a_cover_sheet_for_fcra_requests_does_not_credit_or_deny_a_state_law(
    sheet: Path, tmp_path: Path, cli: Runner
) -> None:
    """An FCRA disclosure request claims under the federal Fair Credit Reporting Act (15 U.S.C.
    1681g), whatever the client's state. The Spanish cover sheet still said "La ley de su estado
    (Colorado Privacy Act) le da a cada empresa un plazo" to María, and "Su estado no tiene una
    ley de privacidad que obligue a estas empresas a responder" to Juan in Wyoming."""
    from pypdf import PdfReader

    two = tmp_path / "fcra.csv"
    with two.open("w", newline="", encoding="utf-8-sig") as handle:
        csv.writer(handle).writerows(
            [*ROWS[:2], ["Juan", "Soto", "8 Oak Ave", "Cheyenne", "WY", "82001", "30/06/1970", "", "", "es"]]
        )
    out = tmp_path / "batch"
    code, stdout, err = cli(
        ["bulk", "letters", str(two), "--brokers", "experian", "--kind", "fcra-disclosure", "--split",
         "--out", str(out), "--workers", "1", "--json"]
    )  # fmt: skip
    assert code == 0, err
    covers = {}
    for pdf in sorted((out / data(stdout)["batch"]).glob("*.pdf")):
        text = " ".join(" ".join((p.extract_text() or "").split()) for p in PdfReader(pdf).pages)
        covers["Juan" if "Juan Soto" in text else "María"] = text
    assert set(covers) == {"María", "Juan"}
    for name, text in covers.items():
        assert "La ley de su estado" not in text, name
        assert "Su estado no tiene una ley de privacidad" not in text, name
        assert "Cada solicitud se hace bajo una ley que obliga a la empresa a responder" in text, name


def test_bulk_mark_never_records_a_letter_sent_before_it_was_written(
    sheet: Path, tmp_path: Path, cli: Runner, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`mark ID sent --on` refuses a day before the request's last change; `bulk mark` did not:
    a batch written on 2026-12-07 was recorded as mailed on 2026-11-01, and its deadlines (45
    days from receipt, C.R.S. 6-1-1306(2)(a)) counted from a day before the letters existed."""
    made = _batch(cli, sheet, tmp_path / "batch", "lexisnexis")  # both go by mail, dated 2026-12-07
    batch = next(r["batch_id"] for r in data(cli(["bulk", "status", "--json"])[1]))
    monkeypatch.setenv("BROKER_AUDIT_TODAY", "2026-12-20")
    code, out, err = cli(["bulk", "mark", batch, "sent", "--via", "mail", "--on", "2026-11-01", "--json"])
    assert code == 0, err
    result = data(out)
    assert result["marked"] == 0
    for request in made:
        assert data(cli(["show", str(request), "--json"])[1])["state"] == "drafted"
    assert {(s["id"], s["reason"]) for s in result["skipped"]} == {
        (request, "2026-11-01 is before its last change (2026-12-07)") for request in made
    }


def test_bulk_letters_says_plainly_that_it_cannot_write_a_correction(sheet: Path, cli: Runner) -> None:
    """`bulk letters --help` listed "correct" among its kinds; asked for it, the batch said "a
    correction letter needs to say what is wrong" and hinted `add --details ...`, an option
    `bulk letters` does not have. The help lists only what a batch writes, and the refusal says
    a correction is not written in a batch."""
    code, out, err = cli(["bulk", "letters", "--help"])
    assert code == 0
    helped = " ".join(out.replace("│", " ").split())
    assert "access, delete, opt-out or fcra-disclosure" in helped, helped
    assert "correct," not in helped
    code, out, err = cli(
        ["--lang", "es", "bulk", "letters", str(sheet), "--brokers", "spokeo", "--kind", "correct"]
    )
    assert code == 1
    said = " ".join(err.split())
    assert "error: un lote no escribe cartas de corrección" in said, said
    assert "--details" not in said


def test_a_new_clinic_vault_points_to_bulk_letters_not_to_request(
    tmp_path: Path, cli: Runner, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A clinic's fresh vault holds the clinic's profile, no person's. `status` said "Make one
    with: broker-audit request BROKER --kind access", and `request` then failed in English with
    "the vault holds no profile yet; set one with `broker-audit profile edit --from-file
    me.toml`": both now point the volunteer to `bulk letters`."""
    monkeypatch.setenv("BROKER_AUDIT_VAULT", str(tmp_path / "v" / "vault.db"))
    monkeypatch.setenv("BROKER_AUDIT_PASSPHRASE", PASSPHRASE)
    monkeypatch.setenv("BROKER_AUDIT_TODAY", "2026-12-07")
    assert cli(["init", "--passphrase", "--clinic", str(CLINIC)])[0] == 0
    code, out, err = cli(["--lang", "es", "status"])
    assert code == 0, err
    assert "broker-audit bulk letters" in out and "broker-audit request" not in out, out
    code, out, err = cli(
        ["--lang", "es", "request", "spokeo", "--kind", "access", "--out", str(tmp_path / "r")]
    )
    assert code == 1
    said = " ".join(err.split())
    assert "error: esta bóveda es de una clínica" in said, said
    assert "broker-audit bulk letters" in said and "me.toml" not in said


def test_with_no_batch_or_client_yet_the_spanish_hint_agrees_with_its_noun(
    tmp_path: Path, cli: Runner, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A lote and a cliente are masculine; with none yet the hints said "lotes recientes: ninguna
    todavía" and "clients: ninguna todavía" (an English label, and the feminine of the requests)."""
    monkeypatch.setenv("BROKER_AUDIT_VAULT", str(tmp_path / "v" / "vault.db"))
    monkeypatch.setenv("BROKER_AUDIT_PASSPHRASE", PASSPHRASE)
    monkeypatch.setenv("BROKER_AUDIT_TODAY", "2026-12-07")
    assert cli(["init", "--passphrase", "--clinic", str(CLINIC)])[0] == 0
    code, out, err = cli(["--lang", "es", "bulk", "mark", "B-20261207-000000", "sent"])
    assert code == 1
    assert "sugerencia: lotes recientes: ninguno todavía" in err, err
    code, out, err = cli(
        ["--lang", "es", "drop", "record", "--client", "c-x", "--on", "2026-12-01", "--drop-id", "D-1"]
    )
    assert code == 1
    assert "sugerencia: clientes: ninguno todavía" in err, err


def test_one_letter_not_written_again_is_counted_in_the_singular_and_named_in_spanish(
    sheet: Path, tmp_path: Path, cli: Runner
) -> None:
    """The dry run of a sheet whose one letter repeats an open request titled its table "1 letters
    not written again" ("1 cartas que no se vuelven a escribir") and named the open request "#1"
    in Spanish, where every other line says "n.º 1"."""
    one = tmp_path / "una.csv"
    with one.open("w", newline="", encoding="utf-8-sig") as handle:
        csv.writer(handle).writerows(ROWS[:2])  # the header and María
    (first,) = _batch(cli, one, tmp_path / "b1", "venntel")
    code, out, err = cli(["bulk", "letters", str(one), "--brokers", "venntel", "--dry-run"])
    assert code == 0, err
    assert "1 letter not written again: an open request of the kind exists" in " ".join(out.split())
    code, out, err = cli(["--lang", "es", "bulk", "letters", str(one), "--brokers", "venntel", "--dry-run"])
    assert code == 0, err
    said = " ".join(out.split())
    assert "1 carta que no se vuelve a escribir" in said, said
    assert f"n.º {first}" in said and f"#{first}" not in said


def test_the_dashboard_of_a_vault_with_no_batch_says_so(
    tmp_path: Path, cli: Runner, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`bulk status` on a clinic's new vault drew an empty table with seven headings and nothing
    under them; it now says there is no clinic request yet and how to make the first batch."""
    monkeypatch.setenv("BROKER_AUDIT_VAULT", str(tmp_path / "v" / "vault.db"))
    monkeypatch.setenv("BROKER_AUDIT_PASSPHRASE", PASSPHRASE)
    monkeypatch.setenv("BROKER_AUDIT_TODAY", "2026-12-07")
    assert cli(["init", "--passphrase", "--clinic", str(CLINIC)])[0] == 0
    code, out, err = cli(["--lang", "es", "bulk", "status"])
    assert code == 0, err
    assert "┏" not in out
    assert "Todavía no hay solicitudes de clientes." in out
    assert "broker-audit bulk letters clients.csv --preset ice-linked --dry-run" in out
