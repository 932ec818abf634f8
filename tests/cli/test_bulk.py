"""Clinic mode end to end: a messy spreadsheet in, one print-ready PDF out, all logged."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pytest
from clijson import data
from cliutil import ROOT, Runner
from pypdf import PdfReader

from broker_audit.services.resources import Resources

CLINIC = ROOT / "examples" / "clinic.toml"

ROWS = [
    [
        "First Name",
        "Last Name",
        "Street Address",
        "Apt",
        "City",
        "State",
        "ZIP Code",
        "DOB (MM/DD/YYYY)",
        "Phone",
        "Email",
        "Language",
    ],
    [
        "María José",
        "Núñez García",
        "1550 Calle Ñandú",
        "Apt 4B",
        "Denver",
        "Colorado",
        "80204",
        "4/12/1988",
        "(303) 555-0147",
        "maria@example.org",
        "Español",
    ],
    [
        "Trần",
        "Văn Minh",
        "27 Hưng Đạo St",
        "",
        "Aurora",
        "CO",
        "80010",
        "1979-02-03",
        "303.555.0199",
        "",
        "English",
    ],
    ['=HYPERLINK("http://evil.example")', "", "", "", "Denver", "CO", "80204", "", "", "", ""],
    ["Fatima", "Ahmed", "44 Oak Rd", "", "Los Angeles", "CA", "90012", "7/9/1992", "", "", "en"],
]


@pytest.fixture
def clinic_vault(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cli: Runner) -> Path:
    monkeypatch.setenv("BROKER_AUDIT_VAULT", str(tmp_path / "v" / "vault.db"))
    monkeypatch.setenv("BROKER_AUDIT_PASSPHRASE", "correct horse battery staple")
    monkeypatch.setenv("BROKER_AUDIT_TODAY", "2026-11-25")
    assert cli(["init", "--passphrase", "--clinic", str(CLINIC)])[0] == 0
    sheet = tmp_path / "clients.csv"
    # Excel's "CSV UTF-8": BOM, semicolons (a European locale), CRLF
    with sheet.open("w", newline="", encoding="utf-8-sig") as handle:
        csv.writer(handle, delimiter=";", lineterminator="\r\n").writerows(ROWS)
    return sheet


def test_batch_pdf_has_the_right_client_on_every_letter(
    clinic_vault: Path, tmp_path: Path, cli: Runner
) -> None:
    out = tmp_path / "batch"
    code, stdout, err = cli(
        [
            "bulk",
            "letters",
            str(clinic_vault),
            "--brokers",
            "lexisnexis,appriss,equifax",
            "--kind",
            "access",
            "--out",
            str(out),
            "--workers",
            "1",
            "--json",
        ]
    )
    assert code == 0, err
    summary = data(stdout)
    # Each letter goes by a request channel that serves the client's state. Equifax: its My Privacy
    # web form for all three (its 1550 Peachtree and privacy@ addresses are contacts for questions,
    # from a 2013 policy). LexisNexis: the Consumer Center box, with the state-neutral attention
    # line for the two Coloradans and the filing's CCPA attention line for the Californian (not the
    # registry's contact e-mail). Appriss: no route known, so no letter: the cover sheet says so.
    assert summary["clients"] == 3 and summary["letters"] == 6
    assert summary["by_channel"] == {"mail": 3, "web-form": 3}
    assert summary["no_route"] == 3 and summary["no_route_brokers"] == ["appriss-insights"]
    assert [b["row"] for b in summary["rows_to_fix"]] == [4]
    pdf = next(Path(f) for f in summary["files"] if re.search(r"B-\d{8}-\w+\.pdf$", f))
    reader = PdfReader(pdf)
    rows = data(cli(["bulk", "status", "--json"])[1])
    client_of = {r["reference"]: r["client_name"] for r in rows}
    assert len(client_of) == 6
    seen = 0
    covers: set[str] = set()
    previous = ""
    for number, page in enumerate(reader.pages, start=1):
        text = " ".join(page.extract_text().split())
        if "what happens next" in text.lower() or "lo que sigue" in text.lower():
            covers.update(re.findall(r"Refer(?:ence|encia): (c-[0-9a-f]+)", text))
            cover = previous + " " + text  # a cover sheet may run onto a second page
            assert "Appriss Insights" in cover  # listed as not reachable yet, in the future tense
            assert ("We know no way to reach this company yet" in cover) or ("Todavía no conocemos" in cover)
        previous = text
        match = re.search(r"Request to know.*?\(ref\. (BA-\w+)\)", text)
        if not match:
            continue
        seen += 1
        assert number % 2 == 1, f"letter {match.group(1)} starts on even page {number}"
        assert client_of[match.group(1)] in text
        assert "Through its web form" not in text  # only mailed letters go into the print PDF
        assert "PO Box 105108" in text  # the window prints USPS's "PO Box"
    assert seen == 3 and len(covers) == 3
    # the Spanish cover sheet speaks of what will be sent, not of what was sent
    spanish = " ".join(" ".join(p.extract_text().split()) for p in reader.pages)
    assert "La enviaremos por correo postal" in spanish and "La enviamos" not in spanish
    # the Californian's cover sheet points to the state's DROP platform, and says what it does not do
    assert "Because you live in California" in spanish and "https://privacy.ca.gov/drop/" in spanish
    assert spanish.count("privacy.ca.gov/drop") == 1  # the two Coloradans' sheets do not
    # the spreadsheet's formula never reaches a CSV we write as a formula
    bad = next(Path(f) for f in summary["files"] if f.endswith("rows-to-fix.csv"))
    for row in csv.reader(bad.open(encoding="utf-8-sig")):
        assert not any(cell.startswith(("=", "+", "-", "@")) for cell in row)
    # labels and the certified-mail book: the three letters that go by post, no more
    book = next(Path(f) for f in summary["files"] if f.endswith("certified-mail.csv"))
    lines = list(csv.reader(book.open(encoding="utf-8-sig")))
    assert lines[-1][:2] == ["Total", "3 pieces"] and len(lines) == 1 + 3 + 1
    # the volunteer's work list: the three Equifax requests to make on its My Privacy form, whose
    # submission sheets are in the work list's PDF (no e-mail to send)
    work = next(Path(f) for f in summary["files"] if f.endswith("worklist.csv"))
    listed = list(csv.DictReader(work.open(encoding="utf-8-sig")))
    assert [(r["channel"], r["send_to"], r["file"]) for r in listed] == [
        ("web-form", "https://www.equifax.com/personal/my-privacy/", "")
    ] * 3
    sheets = next(Path(f) for f in summary["files"] if f.endswith("worklist.pdf"))
    text = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(sheets).pages)
    assert text.count("https://www.equifax.com/personal/my-privacy/") >= 3


def test_a_failure_mid_batch_leaves_no_pdf_and_no_log(
    clinic_vault: Path, tmp_path: Path, cli: Runner
) -> None:
    """A letter that fails to render in a worker process (the clinic's own template breaks for
    one client) stops the batch: no PDF, no labels, nothing logged."""
    import datetime as dt

    from broker_audit.law.load import shipped_laws
    from broker_audit.registry.load import shipped_registry
    from broker_audit.services import VaultAccess
    from broker_audit.services.batch import BatchOptions, run_batch

    templates = tmp_path / "ours"
    templates.mkdir()
    (templates / "access.txt.j2").write_text(
        "Subject: Access (ref. {{ reference }})\n\n"
        '{% if requester.name.startswith("Trần") %}{{ no_such_field }}{% endif %}Please give me my data.\n'
    )
    out = tmp_path / "batch"
    access = VaultAccess(
        path=tmp_path / "v" / "vault.db", passphrase=lambda: "correct horse battery staple", use_keyring=False
    )
    with pytest.raises(Exception, match="no_such_field"):
        run_batch(
            access,
            clinic_vault,
            BatchOptions(kinds=("access",), preset="ice-linked", templates_dir=templates, workers=2),
            out_dir=out,
            today=dt.date(2026, 11, 25),
            resources=Resources(registry=shipped_registry(), laws=shipped_laws()),
        )
    assert list(out.iterdir()) == [] if out.exists() else True
    assert data(cli(["bulk", "status", "--json"])[1]) == []


def test_mark_dashboard_calendar_and_stats(
    clinic_vault: Path, tmp_path: Path, cli: Runner, monkeypatch: pytest.MonkeyPatch
) -> None:
    code, stdout, err = cli(
        [
            "bulk",
            "letters",
            str(clinic_vault),
            "--brokers",
            "experian,appriss",
            "--out",
            str(tmp_path / "b"),
            "--workers",
            "1",
            "--json",
        ]
    )
    assert code == 0, err
    summary = data(stdout)
    batch = summary["batch"]
    # Experian goes by mail (the P.O. Box its filing names for requests); Appriss has no route, so
    # no letter was written or logged
    assert summary["letters"] == 3 and summary["no_route"] == 3
    code, stdout, err = cli(["bulk", "mark", batch, "sent", "--on", "2026-11-25", "--json"])
    marked = data(stdout)
    assert marked["marked"] == 3 and marked["skipped"] == []
    monkeypatch.setenv("BROKER_AUDIT_TODAY", "2027-01-15")
    ics = tmp_path / "due.ics"
    table = tmp_path / "status.csv"
    code, stdout, err = cli(["bulk", "status", "--json", "--ics", str(ics), "--csv", str(table)])
    rows = data(stdout)
    # mailed November 25, received ~December 2 (an estimate), due ~January 16: due this week
    assert {r["bucket"] for r in rows} == {"due-this-week"}, rows
    # the return receipts say they arrived on November 28: due January 12, overdue now
    code, stdout, err = cli(["bulk", "mark", batch, "delivered", "--on", "2026-11-28", "--json"])
    assert code == 0 and data(stdout)["marked"] == 3, err
    code, stdout, err = cli(["bulk", "status", "--json", "--ics", str(ics), "--csv", str(table)])
    rows = data(stdout)
    assert {r["bucket"] for r in rows} == {"overdue"} and {r["due"] for r in rows} == {"2027-01-12"}, rows
    calendar = ics.read_text()
    assert calendar.count("BEGIN:VEVENT") == 3 and "Núñez" not in calendar
    assert "Núñez" in table.read_text(encoding="utf-8-sig")
    code, stdout, err = cli(["bulk", "stats"])
    stats = data(stdout)
    assert stats["requests"] == "<5"  # three requests: few enough to point at a client
    text = json.dumps(stats, ensure_ascii=False)
    for private in ("Núñez", "Trần", "Ahmed", "80204", "1988"):
        assert private not in text


def test_bulk_mark_via_web_form_marks_only_web_form_requests(
    clinic_vault: Path, tmp_path: Path, cli: Runner
) -> None:
    """A mixed batch: Experian by mail, Fog Data Science through its (only) web form. Marking the
    batch sent through web forms marks the three Fog requests and leaves the mailed ones alone."""
    code, stdout, err = cli(
        [
            "bulk",
            "letters",
            str(clinic_vault),
            "--brokers",
            "experian,fog-data-science",
            "--out",
            str(tmp_path / "b"),
            "--workers",
            "1",
            "--json",
        ]
    )
    assert code == 0, err
    summary = data(stdout)
    assert summary["by_channel"] == {"mail": 3, "web-form": 3}
    code, stdout, err = cli(["bulk", "mark", summary["batch"], "sent", "--via", "web-form", "--json"])
    assert code == 0, err
    marked = data(stdout)
    assert marked["marked"] == 3 and len(marked["skipped"]) == 3
    assert all("goes by mail, not through a web form" in s["reason"] for s in marked["skipped"])
    rows = data(cli(["bulk", "status", "--json"])[1])
    states = {(r["broker"], r["state"]) for r in rows}
    assert states == {("fog-data-science", "sent"), ("experian", "drafted")}, states
    # and the text output says how many it left alone
    code, stdout, _ = cli(["bulk", "mark", summary["batch"], "sent", "--via", "mail"])
    assert code == 0 and "Marked 3 requests" in stdout and "left 3 alone" in stdout


def test_a_batch_refuses_fcra_disclosures_to_brokers_that_are_not_agencies(
    clinic_vault: Path, tmp_path: Path, cli: Runner
) -> None:
    out = tmp_path / "batch"
    code, stdout, err = cli(
        [
            "bulk",
            "letters",
            str(clinic_vault),
            "--brokers",
            "equifax,venntel,clearview-ai",
            "--kind",
            "fcra-disclosure",
            "--out",
            str(out),
            "--workers",
            "1",
        ]
    )
    assert code == 1 and "venntel, clearview-ai" in err and "--kind access" in err
    assert not out.exists()


def test_a_clinic_records_a_californian_clients_drop_request(
    clinic_vault: Path, tmp_path: Path, cli: Runner
) -> None:
    code, _, err = cli(
        [
            "bulk",
            "letters",
            str(clinic_vault),
            "--brokers",
            "equifax",
            "--out",
            str(tmp_path / "b"),
            "--workers",
            "1",
        ]
    )
    assert code == 0, err
    rows = data(cli(["bulk", "status", "--json"])[1])
    clients = {row["client_name"]: row["client_id"] for row in rows}
    californian = clients["Fatima Ahmed"]
    coloradan = next(cid for name, cid in clients.items() if name.startswith("María José"))
    code, out, err = cli(["drop", "record", "--client", californian, "--on", "2026-11-02", "--json"])
    assert code == 0, err
    assert data(out)["due"] == "2027-01-31"  # 2026-11-02 + 45 + 45
    code, out, err = cli(["drop", "result", "spokeo", "opted-out", "--client", californian, "--json"])
    assert code == 0, err
    assert data(out)["state"] == "opted-out"
    code, out, err = cli(["drop", "record", "--client", coloradan, "--on", "2026-11-02"])
    assert code == 1 and "DROP is for California residents" in err
    code, out, err = cli(["drop", "record", "--client", "nobody", "--on", "2026-11-02"])
    assert code == 1 and "no client 'nobody'" in err


def test_papers_that_count_right_every_exported_due_date_says_whether_it_is_estimated(
    clinic_vault: Path, tmp_path: Path, cli: Runner, monkeypatch: pytest.MonkeyPatch
) -> None:
    # LexisNexis's letters go by mail (to its Consumer Center box)
    args = ["--brokers", "lexisnexis", "--out", str(tmp_path / "b"), "--workers", "1", "--json"]
    code, stdout, err = cli(["bulk", "letters", str(clinic_vault), *args])
    assert code == 0, err
    batch = data(stdout)["batch"]
    assert cli(["bulk", "mark", batch, "sent", "--via", "mail", "--on", "2026-11-25"])[0] == 0
    ics, table = tmp_path / "due.ics", tmp_path / "status.csv"
    assert cli(["bulk", "status", "--csv", str(table), "--ics", str(ics)])[0] == 0
    rows = list(csv.DictReader(table.open(encoding="utf-8-sig")))
    # mailed November 25, receipt estimated December 2 (+7 days), + 45 days: ~January 16
    assert {(r["due"], r["due_estimated"], r["due_basis"]) for r in rows} == {
        ("2027-01-16", "yes", "legal deadline, estimated (receipt not recorded)")
    }
    calendar = ics.read_text()
    assert calendar.count("SUMMARY:Due (estimate): lexisnexis-risk-solutions access") == 3
    assert "estimated (receipt not recorded" in calendar.replace("\n ", "")  # folded at 75 octets
    monkeypatch.setenv("BROKER_AUDIT_TODAY", "2026-12-01")
    assert cli(["bulk", "mark", batch, "delivered", "--on", "2026-11-28"])[0] == 0
    assert cli(["bulk", "status", "--csv", str(table), "--ics", str(ics)])[0] == 0
    rows = list(csv.DictReader(table.open(encoding="utf-8-sig")))
    assert {(r["due"], r["due_estimated"], r["due_basis"]) for r in rows} == {
        ("2027-01-12", "no", "legal deadline")
    }
    assert ics.read_text().count("SUMMARY:Due: lexisnexis-risk-solutions access") == 3


MESSY = Path(__file__).resolve().parents[1] / "fixtures" / "intake" / "messy-clients.csv"


def test_dates_in_intake_the_dry_run_of_the_messy_sheet_prints_what_each_row_read(
    tmp_path: Path, cli: Runner, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The issue's sheet: 14/03/1987, 05/06/1975 and 1/2/2001 in one column are all day first."""
    monkeypatch.setenv("BROKER_AUDIT_VAULT", str(tmp_path / "none" / "vault.db"))
    monkeypatch.setenv("BROKER_AUDIT_TODAY", "2026-11-25")
    monkeypatch.setenv("COLUMNS", "120")
    args = ["bulk", "letters", str(MESSY), "--brokers", "equifax", "--dry-run"]
    code, out, err = cli([*args, "--json"])
    assert code == 0, err
    summary = data(out)
    assert [
        (r["row"], r["name"], r["birth_date"], r["state"], r["zip"], r["language"]) for r in summary["read"]
    ] == [
        (2, "Rosa Elena Martínez Ortega", "1987-03-14", "CO", "80204", "es"),
        (3, "Carlos Pérez Núñez", "1975-06-05", "CO", "80202", "es"),
        (4, "Minh Trần", "2001-02-01", "CO", "80302", "en"),
        (5, "Fatima Ahmed", "1988-04-12", "CA", "90012", "en"),
        (6, "José López", "1990-04-12", "CO", "80302", "es"),
        (8, "Lucía Hernández", "1985-04-12", "IL", "62701", "es"),
        (9, "Tomás Reyes", "1969-12-31", "CO", "80204", "en"),
        (11, "Sam Lee", None, "CO", "80204", "en"),
    ]
    assert summary["date_order"] == "birth dates read day first (row 2 has a number over 12 first: a day)"
    assert [b["row"] for b in summary["rows_to_fix"]] == [7]  # the ZIP 8O204 has a letter O
    code, out, err = cli(args)
    assert "Birth dates read day first" in out and "What was read from each row" in out
    assert "│   3 │ Carlos Pérez Núñez" in out and "1975-06-05" in out
    assert not (tmp_path / "none").exists()  # a dry run writes nothing, not even a vault


def _equifax_opt_outs(sheet: Path, out: Path, *extra: str) -> list[str]:
    """`bulk letters` of an opt-out to Equifax for every client of `sheet`, in one worker, as JSON."""
    return [
        "bulk", "letters", str(sheet), "--brokers", "equifax", "--kind", "opt-out", *extra,
        "--out", str(out), "--workers", "1", "--json",
    ]  # fmt: skip


def test_a_letter_written_again_is_written_as_the_agent_when_the_request_was(
    clinic_vault: Path, tmp_path: Path, cli: Runner
) -> None:
    """`bulk letters --agent` writes as each client's authorized agent; the log says so, and
    `resend` writes that request's letter again the same way without being told (`--no-agent`:
    in the client's own voice)."""
    code, stdout, err = cli(_equifax_opt_outs(clinic_vault, tmp_path / "batch", "--agent"))
    assert code == 0, err
    rows = data(cli(["bulk", "status", "--json"])[1])
    first = min(r["request_id"] for r in rows)
    shown = data(cli(["show", str(first), "--json"])[1])
    assert shown["as_agent"] is True

    def letter_text(result: dict[str, object]) -> str:
        files = result["letters"][0]["files"]  # type: ignore[index]
        txt = next(Path(f) for f in files if f.endswith(".txt"))  # type: ignore[union-attr]
        return " ".join(txt.read_text().split())

    code, out, err = cli(
        ["resend", str(first), "--via", "email", "--format", "txt", "--out", str(tmp_path / "r1"), "--json"]
    )
    assert code == 0, err
    again = data(out)
    assert "authorized agent" in letter_text(again)
    assert data(cli(["show", str(again["letters"][0]["id"]), "--json"])[1])["as_agent"] is True

    code, out, err = cli(
        [
            "resend",
            str(again["letters"][0]["id"]),
            "--via",
            "web-form",
            "--no-agent",
            "--format",
            "txt",
            "--out",
            str(tmp_path / "r2"),
            "--json",
        ]
    )
    assert code == 0, err
    plain = data(out)
    assert "authorized agent" not in letter_text(plain)
    assert data(cli(["show", str(plain["letters"][0]["id"]), "--json"])[1])["as_agent"] is False


def test_a_batch_gives_a_company_whose_group_shares_with_government_the_minimal_letter(
    clinic_vault: Path, tmp_path: Path, cli: Runner
) -> None:
    """The batch plans TransUnion's letters with its group (TLOxp, which told a state registry it
    shares data with the federal government), as `request` does: no client's home or phone."""
    code, stdout, err = cli(
        [
            "bulk",
            "letters",
            str(clinic_vault),
            "--brokers",
            "transunion",
            "--kind",
            "access",
            "--out",
            str(tmp_path / "b"),
            "--workers",
            "1",
            "--json",
        ]
    )
    assert code == 0, err
    rows = data(cli(["bulk", "status", "--json"])[1])
    assert rows
    for row in rows:
        shown = data(cli(["show", str(row["request_id"]), "--json"])[1])
        given = shown["disclosed"]["given"]
        assert "current-address" not in given and "phone" not in given, (row, given)
        assert "a company of its group" in shown["disclosed"]["reason"]


def test_letters_about_an_agents_request_say_the_agent_sent_it(
    clinic_vault: Path, tmp_path: Path, cli: Runner, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A follow-up, an appeal and a complaint about a request the clinic made as a client's
    authorized agent say the clinic sent it, as the agent; they never tell a broker or a state
    office that the client sent a letter the client did not send. A request the client made
    in their own voice still says "I sent you"."""
    made: dict[bool, int] = {}
    for agent in (True, False):
        code, out, err = cli(
            _equifax_opt_outs(clinic_vault, tmp_path / f"batch-{agent}", "--agent" if agent else "--again")
        )
        assert code == 0, err
        batch = data(out)["batch"]
        rows = data(cli(["bulk", "status", "--batch", batch, "--json"])[1])
        made[agent] = min(r["request_id"] for r in rows)
        assert cli(["mark", str(made[agent]), "sent", "--via", "web-form", "--on", "2026-11-25"])[0] == 0

    def text_of(result: dict[str, object]) -> str:
        files = result["letters"][0]["files"]  # type: ignore[index]
        return " ".join(next(Path(f) for f in files if f.endswith(".txt")).read_text().split())  # type: ignore[union-attr]

    monkeypatch.setenv("BROKER_AUDIT_TODAY", "2027-03-01")  # long past the 45 days
    said = {}
    for agent, request in made.items():
        code, out, err = cli(
            ["followup", str(request), "--format", "txt", "--out", str(tmp_path / f"f-{agent}"), "--json"]
        )
        assert code == 0, err
        said[agent] = text_of(data(out))
    assert "Centro de Derechos Example Clinic, as my authorized agent, sent you" in said[True]
    assert "I sent you" not in said[True] and "My letter of" not in said[True]
    assert "I sent you" in said[False] and "authorized agent" not in said[False]

    # the broker refuses the agent's request: the appeal says who sent it too, and so does its
    # Spanish reading copy
    assert cli(["mark", str(made[True]), "denied", "--on", "2027-02-27"])[0] == 0
    out_dir = tmp_path / "a"
    code, out, err = cli(
        ["--lang", "es", "followup", str(made[True]), "--format", "txt", "--out", str(out_dir)]
    )
    assert code == 0, err
    appeal, copy = (
        " ".join(f.read_text().split())
        for f in (next(out_dir.glob("*-appeal-*[0-9].txt")), next(out_dir.glob("*-reading-copy-es.txt")))
    )
    assert "Centro de Derechos Example Clinic, as my authorized agent, sent you" in appeal
    assert "Centro de Derechos Example Clinic, como mi agente autorizado, les envió" in copy


def test_a_clients_follow_up_comes_with_a_reading_copy_in_the_language_the_client_reads(
    clinic_vault: Path, tmp_path: Path, cli: Runner, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The sheet says María reads Spanish and Trần and Fatima English: a follow-up run by a
    volunteer in English writes María's Spanish reading copy and none for the others; run in
    Spanish, it writes none for those who read English (the copies followed the volunteer's
    language)."""
    code, out, err = cli(_equifax_opt_outs(clinic_vault, tmp_path / "batch"))
    assert code == 0, err
    batch = data(out)["batch"]
    assert cli(["bulk", "mark", batch, "sent", "--via", "web-form", "--on", "2026-11-25"])[0] == 0
    monkeypatch.setenv("BROKER_AUDIT_TODAY", "2027-03-01")  # every request long late
    code, out, err = cli(["followup", "--format", "txt", "--out", str(tmp_path / "f"), "--json"])
    assert code == 0, err
    assert len(data(out)["letters"]) == 3
    copies = sorted((tmp_path / "f").glob("*-reading-copy-es.txt"))
    assert len(copies) == 1 and "María José Núñez García" in copies[0].read_text(encoding="utf-8")

    for request in data(out)["letters"]:  # never sent: withdrawn, the next run writes them again
        assert cli(["mark", str(request["id"]), "withdrawn"])[0] == 0
    code, out, err = cli(["--lang", "es", "followup", "--format", "txt", "--out", str(tmp_path / "g")])
    assert code == 0, err
    copies = sorted((tmp_path / "g").glob("*-reading-copy-es.txt"))
    assert len(copies) == 1 and "María José Núñez García" in copies[0].read_text(encoding="utf-8")
