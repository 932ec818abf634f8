"""The tool in Spanish (issue 24): the language chosen before anything is shown, one-line
errors with hints, every command's help, the audit report, the reading copy of a letter."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from clijson import data
from cliutil import DEMO, Runner

PASS = "correct horse battery staple"


@pytest.fixture
def person(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cli: Runner) -> Path:
    monkeypatch.setenv("BROKER_AUDIT_VAULT", str(tmp_path / "v" / "vault.db"))
    monkeypatch.setenv("BROKER_AUDIT_PASSPHRASE", PASS)
    monkeypatch.setenv("BROKER_AUDIT_TODAY", "2026-11-25")
    code, _, err = cli(["--lang", "es", "init", "--passphrase", "--profile", str(DEMO)])
    assert code == 0, err
    return tmp_path


def _one_spanish_error(result: tuple[int, str, str], code: int, *expected: str) -> None:
    exit_code, _, err = result
    lines = [line for line in err.strip().splitlines() if not line.startswith("bóveda: ")]
    assert exit_code == code, err
    assert len(lines) == 2, err
    assert lines[0].startswith("error: ") and lines[1].startswith("sugerencia: "), err
    for text in expected:
        assert text in err, (text, err)
    assert "hint:" not in err and "Traceback" not in err


# --- the language -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("flag", "env", "expected"),
    [
        ("es", {"BROKER_AUDIT_LANG": "en", "LANG": "en_US.UTF-8"}, "es"),  # --lang first
        (None, {"BROKER_AUDIT_LANG": "es", "LANG": "en_US.UTF-8"}, "es"),  # then BROKER_AUDIT_LANG
        (None, {"LC_ALL": "es_US.UTF-8", "LANG": "en_US.UTF-8"}, "es"),  # then LC_ALL
        (None, {"LC_ALL": "", "LC_MESSAGES": "es_MX", "LANG": "en_US.UTF-8"}, "es"),  # then LC_MESSAGES
        (None, {"LANG": "es_US.UTF-8"}, "es"),  # then LANG
        (None, {"LC_ALL": "C", "LANG": "es_US.UTF-8"}, "en"),  # "C" is English, and LC_ALL wins
        (None, {"LANG": "fr_FR.UTF-8"}, "en"),  # a language it does not speak: English
        (None, {}, "en"),
    ],
)
def test_the_language_is_chosen_in_order(flag: str | None, env: dict[str, str], expected: str) -> None:
    from broker_audit.i18n import choose_language

    assert choose_language(flag, env) == (expected, None)


def test_an_unknown_broker_audit_lang_is_said() -> None:
    from broker_audit.i18n import choose_language

    language, warning = choose_language(None, {"BROKER_AUDIT_LANG": "klingon", "LANG": "es_US.UTF-8"})
    assert language == "es"
    assert warning is not None and "BROKER_AUDIT_LANG" in warning


def test_only_a_global_lang_sets_the_language() -> None:
    from broker_audit.i18n import flag_in

    options = ("--vault", "--passphrase-fd", "--lang")
    assert flag_in(["--lang", "es", "status"], options) == "es"
    assert flag_in(["--vault", "--lang", "--lang=es", "status"], options) == "es"  # a vault named --lang
    assert flag_in(["request", "lexisnexis", "--lang", "es"], options) is None  # the reading copy's


def test_a_bad_lang_is_a_usage_error(cli: Runner) -> None:
    code, _, err = cli(["--lang", "fr", "status"])
    assert code == 2 and "fr" in err


def test_the_environment_speaks_spanish(cli: Runner, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BROKER_AUDIT_LANG", "")
    monkeypatch.setenv("LC_ALL", "")
    monkeypatch.setenv("LC_MESSAGES", "")
    monkeypatch.setenv("LANG", "es_US.UTF-8")
    code, out, _ = cli(["--help"])
    assert code == 0
    assert "Opciones" in out and "Comandos" in out and "Uso:" in out


# --- errors -------------------------------------------------------------------------------------


def test_wrong_passphrase_in_spanish(person: Path, cli: Runner, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BROKER_AUDIT_PASSPHRASE", "not the passphrase at all")
    _one_spanish_error(
        cli(["--lang", "es", "status"]),
        3,
        "error: frase de contraseña incorrecta para esta bóveda",
        "sugerencia: desbloquéela con su frase de contraseña",
    )


def test_unknown_broker_in_spanish(person: Path, cli: Runner) -> None:
    _one_spanish_error(
        cli(["--lang", "es", "request", "lexisnexxis"]),
        1,
        "error: corredor de datos desconocido: 'lexisnexxis'",
        "sugerencia: ¿quiso decir: lexisnexis",
    )


def test_what_a_broker_asks_for_and_its_sales_to_government_are_in_spanish(person: Path, cli: Runner) -> None:
    """The identity guidance of the broker data (what LexisNexis asks for, the risk, what to do
    instead) and its documented sales to government are what a person at risk decides on: in
    Spanish, where `request` warns and in `brokers show`; in English without --lang."""
    spanish = "No lo dé para una solicitud bajo la ley estatal"
    english = "Do not give it for a state-law request"
    code, out, err = cli(["--lang", "es", "brokers", "show", "lexisnexis"])
    assert code == 0 and spanish in out and english not in out
    assert "En Colorado, las personas que no pueden demostrar presencia legal" in out
    # its documented sales to immigration enforcement, and who they went to, in Spanish too
    assert "(control migratorio): LexisNexis firmó un contrato de $16.8 millones" in out
    assert "immigration-enforcement" not in out and "signed a $16.8 million contract" not in out
    # what kind of company it is, what it holds and whose requests it answers
    assert "categorías: registros públicos, análisis de riesgo" in out
    assert "tiene: nombres, alias, direcciones actuales y anteriores; números de teléfono" in out
    assert "se aplica solo a los consumidores de California, Colorado" in out
    code, out, err = cli(
        ["--lang", "es", "request", "lexisnexis", "--kind", "access", "--out", str(person.parent / "l")]
    )
    assert code == 0, err
    assert spanish in err and english not in err
    code, out, err = cli(["brokers", "show", "lexisnexis"])
    assert english in out and spanish not in out


def test_bad_date_in_spanish(person: Path, cli: Runner) -> None:
    _one_spanish_error(
        cli(["--lang", "es", "status", "--as-of", "2026-02-30"]),
        1,
        "error: --as-of: '2026-02-30' no es una fecha",
        "sugerencia: escriba las fechas como AAAA-MM-DD",
    )
    _one_spanish_error(
        cli(["--lang", "es", "status", "--as-of", "1850-01-01"]),
        1,
        "está fuera de las fechas que acepta broker-audit",
        "sugerencia: revise el año",
    )


def test_the_same_errors_stay_english_without_lang(person: Path, cli: Runner) -> None:
    code, _, err = cli(["request", "lexisnexxis"])
    assert code == 1
    assert "error: unknown broker 'lexisnexxis'" in err and "hint: did you mean" in err


# --- help ---------------------------------------------------------------------------------------


def _every_command() -> list[tuple[str, Any]]:
    from broker_audit.cli.app import SUBCOMMANDS, tidy_help

    out = []
    for name, sub in SUBCOMMANDS.items():
        command = tidy_help(sub.load(name))
        out.append((name, command))
        for child_name, child in getattr(command, "commands", {}).items():
            out.append((f"{name} {child_name}", child))
    return out


def test_every_command_and_option_has_spanish_help() -> None:
    """Built in Spanish, no help text of any command or option is left as its English."""
    from broker_audit import i18n

    english = {
        name: (c.help, [p.help for p in c.params if getattr(p, "help", None)]) for name, c in _every_command()
    }
    i18n.set_language("es")
    try:
        spanish = {
            name: (c.help, [p.help for p in c.params if getattr(p, "help", None)])
            for name, c in _every_command()
        }
    finally:
        i18n.set_language("en")
    untranslated = []
    for name, (help_en, params_en) in english.items():
        help_es, params_es = spanish[name]
        assert help_en and help_es, name
        if help_es == help_en:
            untranslated.append(name)
        untranslated += [f"{name}: {en}" for en, es in zip(params_en, params_es, strict=True) if en == es]
    assert untranslated == []
    assert len(english) > 40


def test_spanish_summaries_match_the_commands_help() -> None:
    """The root listing's summary of each command is the first paragraph of its own help, in
    Spanish too."""
    from broker_audit import i18n
    from broker_audit.cli.app import SUBCOMMANDS, reflow, tidy_help

    i18n.set_language("es")
    try:
        for name, sub in SUBCOMMANDS.items():
            command = tidy_help(sub.load(name))
            assert reflow(i18n._(sub.summary)) == command.help.split("\n\n")[0], name
    finally:
        i18n.set_language("en")


def test_status_help_in_spanish(cli: Runner) -> None:
    code, out, _ = cli(["--lang", "es", "status", "--help"])
    assert code == 0
    assert "Sus solicitudes: un resumen por estado" in out
    assert "Solo las solicitudes cuyo plazo ya venció." in out
    assert "Mostrar esta ayuda y salir." in out
    assert "Show this message" not in out


# --- the audit report and the reading copy --------------------------------------------------------


def test_the_audit_report_is_spanish(person: Path, cli: Runner) -> None:
    report = person / "auditoria.html"
    code, _, err = cli(["--lang", "es", "audit", "--html", str(report), "--answer", "booked_in_jail=yes"])
    assert code == 0, err
    html = report.read_text(encoding="utf-8")
    assert '<html lang="es">' in html
    for words in (
        "Auditoría de exposición a corredores de datos",
        "Qué hacer ahora",
        "Quién probablemente tiene sus datos",
        "Lo que sus cartas dijeron y a quién",
        "Todavía no se ha enviado ninguna carta.",
        "Contiene información personal: manténgalo en privado.",
        "25 de noviembre de 2026",
    ):
        assert words in html, words
    for english in ("What to do next", "Who likely holds your data", "keep it private", "none yet"):
        assert english not in html, english


def test_the_audit_report_stays_english_by_default(person: Path, cli: Runner) -> None:
    report = person / "audit.html"
    assert cli(["audit", "--html", str(report), "--answer", "booked_in_jail=yes"])[0] == 0
    html = report.read_text(encoding="utf-8")
    assert '<html lang="en">' in html and "What to do next" in html


def test_a_request_gets_a_spanish_reading_copy(person: Path, cli: Runner) -> None:
    out_dir = person / "cartas"
    code, _, err = cli(["request", "lexisnexis", "--kind", "access", "--lang", "es", "--out", str(out_dir)])
    assert code == 0, err
    letters = sorted(out_dir.glob("*-access-1.txt"))
    copies = sorted(out_dir.glob("*-access-1-reading-copy-es.*"))
    assert [p.suffix for p in copies] == [".pdf", ".txt"]
    assert len(letters) == 1
    english = letters[0].read_text(encoding="utf-8")
    spanish = copies[1].read_text(encoding="utf-8")
    assert "COPIA DE LECTURA: traducción al español, solo para su información." in spanish
    assert "La carta que se envía es la original en inglés" in spanish
    reference = re.search(r"BA-[0-9A-Z]{8}", english)
    assert reference is not None and reference.group(0) in spanish  # the same letter
    assert "Al equipo de privacidad de" in spanish and "To the privacy team" in english
    assert "C.R.S. 6-1-1306(1)(b)" in spanish  # the citation as it is, never translated
    assert "25 de noviembre de 2026" in spanish
    assert "reading copy" in err  # the command says where it is
    from pypdf import PdfReader

    pdf_text = "".join(page.extract_text() for page in PdfReader(copies[0]).pages)
    assert "COPIA DE LECTURA" in pdf_text


def test_the_reading_copy_is_not_one_of_the_requests_files(person: Path, cli: Runner) -> None:
    """`send`, `evidence` and `mark --via` read a request's files: the translation is not one."""
    out_dir = person / "cartas"
    assert cli(["--lang", "es", "request", "lexisnexis", "--out", str(out_dir)])[0] == 0
    code, out, _ = cli(["show", "1", "--json"])
    assert code == 0
    files = data(out)["files"]
    assert files and not [f for f in files if "reading-copy" in f]
    assert list(out_dir.glob("*reading-copy-es.pdf"))  # written: the UI speaks Spanish


def test_no_reading_copy_in_english(person: Path, cli: Runner) -> None:
    out_dir = person / "letters"
    assert cli(["request", "lexisnexis", "--out", str(out_dir)])[0] == 0
    assert not list(out_dir.glob("*reading-copy*"))


def test_a_followup_in_spanish_gets_its_reading_copy(
    person: Path, cli: Runner, monkeypatch: pytest.MonkeyPatch
) -> None:
    letters = person / "letters"
    monkeypatch.setenv("BROKER_AUDIT_TODAY", "2026-09-01")
    assert cli(["request", "lexisnexis", "--kind", "access", "--out", str(letters)])[0] == 0
    monkeypatch.setenv("BROKER_AUDIT_TODAY", "2026-11-25")
    assert cli(["mark", "1", "sent", "--via", "mail", "--on", "2026-09-01"])[0] == 0
    assert cli(["mark", "1", "delivered", "--on", "2026-09-04"])[0] == 0
    code, _, err = cli(["--lang", "es", "followup", "--out", str(letters)])
    assert code == 0, err
    copies = sorted(letters.glob("*followup*-reading-copy-es.txt"))
    assert len(copies) == 1, err
    text = copies[0].read_text(encoding="utf-8")
    assert "COPIA DE LECTURA" in text and "1 de septiembre de 2026" in text
    assert "4 de septiembre de 2026" in text  # received: the day the legal clock started


def test_the_evidence_packet_keeps_an_english_timeline_and_adds_a_spanish_one(
    person: Path, cli: Runner, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pypdf import PdfReader

    monkeypatch.setenv("BROKER_AUDIT_TODAY", "2026-09-01")
    assert cli(["request", "lexisnexis", "--kind", "access", "--out", str(person / "l")])[0] == 0
    assert cli(["mark", "1", "sent", "--via", "mail", "--on", "2026-09-01"])[0] == 0
    monkeypatch.setenv("BROKER_AUDIT_TODAY", "2026-11-25")
    code, _, err = cli(["--lang", "es", "evidence", "1", "--out", str(person / "ev")])
    assert code == 0, err

    def text(name: str) -> str:
        return " ".join(" ".join(p.extract_text().split()) for p in PdfReader(person / "ev" / name).pages)

    english, spanish = text("timeline.pdf"), text("timeline-es.pdf")
    assert "What happened" in english and "COPIA DE LECTURA" not in english  # the office's copy
    assert "COPIA DE LECTURA" in spanish and "Qué pasó" in spanish and "El plazo legal" in spanish
    assert (
        "2026-09-01: Enviada por correo postal" in spanish
        and "Preparado el 25 de noviembre de 2026" in spanish
    )


def test_a_web_form_letter_gets_its_reading_copy_without_an_envelope_window(
    person: Path, cli: Runner
) -> None:
    """A letter that goes through a web form has the form's URL where a postal letter has an
    address; its reading copy, like the letter, is not laid out for a window envelope (a long
    URL made `request` fail in Spanish only)."""
    out_dir = person / "cartas"
    code, _, err = cli(["request", "thomson-reuters-clear", "--lang", "es", "--out", str(out_dir)])
    assert code == 0, err
    (letter,) = out_dir.glob("*-thomson-reuters-clear-access-1.txt")
    assert "https://privacyportal" in letter.read_text(encoding="utf-8")  # a web form's URL
    copies = sorted(p.suffix for p in out_dir.glob("*-access-1-reading-copy-es.*"))
    assert copies == [".pdf", ".txt"]


def test_an_agency_and_what_is_unknown_of_it_are_in_spanish(cli: Runner) -> None:
    """`agencies show` for a clinic volunteer reading Spanish: the kind of agency and what the
    directory does not know of it (the records request itself stays English, to the agency)."""
    code, out, err = cli(["--lang", "es", "agencies", "show", "sheriff-denver"])
    assert code == 0, err
    assert "(sheriff-denver), oficina del sheriff de la ciudad y condado" in out
    assert "se desconoce: dirección web del formulario" in out
    assert "city-county-sheriff" not in out and "postal address for records requests" not in out
